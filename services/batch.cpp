// Batch evaluation (services/batch.hpp): reading records as they come,
// blocks on a pool of threads, output in input order, CSV in and out, and the
// fast JSONL front end (services/json_fast.hpp).
#include "services/batch.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <iterator>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "base/date.hpp"
#include "base/json_string.hpp"
#include "base/limits.hpp"
#include "base/utf8.hpp"
#include "interpreter/application.hpp"
#include "interpreter/compiled.hpp"
#include "services/csv.hpp"
#include "interpreter/facts.hpp"
#include "services/json_fast.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/render.hpp"
#include "interpreter/result_writer.hpp"

namespace kuan::batch {

namespace {

// Evaluates facts already bound; on bad input returns the problem.
std::variant<Outcome, LineError> run_bound(const Edition& ed, const MeasureInfo& m, const FactValues& facts, Trace* trace) {
  auto r = evaluate_measure(ed, m, facts, trace);
  if (auto* err = std::get_if<EvalError>(&r)) return LineError{err->kind, error_text(*err)};
  return std::get<Outcome>(r);
}

// The facts of an application typed by the edition, or the problem — with its
// line and column when the facts were read from `document` (a facts file).
std::variant<FactValues, LineError> bind(const Edition& ed, const std::vector<json::Field>& fields,
                                         std::optional<std::int32_t> as_of, std::string_view document = {}) {
  ErrorKind kind = ErrorKind::BadFact;
  std::size_t at = 0;
  auto bound = bind_facts(ed, fields, &kind, &at);
  if (auto* msg = std::get_if<std::string>(&bound)) {
    LineError e{kind, std::move(*msg)};
    if (!document.empty() && at > 0) {
      const TextPosition p = text_position(document, at);
      e.line = p.line, e.column = p.column;
    }
    return e;
  }
  std::get<FactValues>(bound).as_of = as_of;
  return std::move(std::get<FactValues>(bound));
}

// Binds facts and evaluates; on bad input returns the problem.
std::variant<Outcome, LineError> run_one(const Edition& ed, const std::string& measure_name,
                                         const std::vector<json::Field>& fields, Trace* trace,
                                         std::optional<std::int32_t> as_of, std::string_view document = {}) {
  const MeasureInfo* m = ed.find_measure(measure_name);
  if (!m) return LineError{ErrorKind::UnknownMeasure, ed.unknown_measure_message(echo(measure_name), measure_name)};
  auto bound = bind(ed, fields, as_of, document);
  if (auto* e = std::get_if<LineError>(&bound)) return std::move(*e);
  return run_bound(ed, *m, std::get<FactValues>(bound), trace);
}

// Binds facts and evaluates every measure they concern (a whole application).
std::variant<api::ApplicationResult, LineError> run_whole(const Edition& ed, const std::vector<json::Field>& fields, bool explain,
                                                     std::optional<std::int32_t> as_of, std::string_view document = {}) {
  auto bound = bind(ed, fields, as_of, document);
  if (auto* e = std::get_if<LineError>(&bound)) return std::move(*e);
  return evaluate_application(ed, std::get<FactValues>(bound), explain);
}

// A run's options (the public record) with what they resolve to: the policy
// for a record's own version or as_of, the run's date, and the CSV header's
// names once read.
struct BatchSettings : api::BatchOptions {
  BatchSettings(const Policy& p, const api::BatchOptions& options) : api::BatchOptions(options), policy(&p), day(parse_date(as_of)) {
    for (const auto& ed : p.editions()) figure_columns.add(*ed);  // CSV output: every edition's 结果 names
  }
  const Policy* policy;
  std::optional<std::int32_t> day;        // as_of: for 施行 on measures and clauses; a record's own as_of wins
  std::vector<std::string> csv_columns;  // CSV input: the header's names (aliases resolved)
  std::vector<std::size_t> passed;       // CSV input: the columns that are not facts, in order
  FigureColumns figure_columns;  // CSV output: 结果.NAME columns after `error` (none without 结果)
};

// The CSV output's columns; the input's columns that are not facts follow them.
constexpr const char* kCsvHeader = "id,measure,version,eligible,amount,reasons,notes,bound,clause,line,code,error";

// Members of a result: a passed-through key may not take one of their names.
bool result_member(std::string_view key) {
  static constexpr std::string_view names[] = {"id", "measure", "version", "eligible", "amount", "reasons", "bound",
                                               "clause", "notes", "figures", "explanation", "line", "code", "error", "applicant"};
  return std::find(std::begin(names), std::end(names), key) != std::end(names);
}

// A CSV record as an application: id, measure, as_of by their columns, the
// other cells as facts (text, typed once the edition is known).
std::optional<std::string> csv_application(std::string_view record, const BatchSettings& settings, json::Application& app,
                                           std::vector<std::string>& passed) {
  std::vector<std::string> cells;
  std::vector<std::size_t> starts;
  if (const std::size_t bad = bad_utf8(record); bad != std::string_view::npos) return not_utf8_message(record, bad);
  if (split_csv(record, cells, starts) != std::string_view::npos) return std::string("CSV 引号位置不对");
  if (cells.size() != settings.csv_columns.size())
    return fmt::format("本行有 {} 列,表头有 {} 列", cells.size(), settings.csv_columns.size());
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const std::string& name = settings.csv_columns[c];
    if (name == "id") app.id = cells[c], app.has_id = !cells[c].empty();
    else if (name == "measure") app.measure = cells[c], app.has_measure = true;
    else if (name == "as_of") app.as_of = cells[c], app.has_as_of = !cells[c].empty();
    else if (name == "applicant") app.applicant = cells[c], app.has_applicant = true;
    else if (std::find(settings.passed.begin(), settings.passed.end(), c) != settings.passed.end()) passed.push_back(cells[c]);
    else if (!cells[c].empty()) {
      json::Scalar cell;  // a CSV cell is text; the fact's type reads it
      cell.kind = json::Scalar::Kind::String;
      cell.text = cells[c];
      app.facts.push_back({name, std::move(cell), 0, 0});
    }
  }
  return std::nullopt;
}

// What one thread keeps between the lines of a batch: the fast reader's
// parser and buffers, and the run edition's result pieces.
struct BatchWorker {
  std::optional<json::FastLineReader> fast;  // JSONL without --pass-through or --explain
  const ResultWriter* writer = nullptr;
  const char* readable_end = nullptr;  // the current block's bytes, with padding for the fast reader
  std::string row;  // a row not written by the fast lane, before it joins the block's output
};

// A JSONL line read by the fast reader and evaluated: first bound straight
// into the fixed-point slots for the compiled form alone, then, when that does
// not decide it, with Values for evaluate_measure. False: nothing written, the
// line is read again the precise way (which words any error).
bool fast_line(const Edition& ed, std::string_view line, const BatchSettings& settings, OutBytes& out, BatchWorker& worker) {
  json::FastApplication app;
  const std::size_t readable_after =
      worker.readable_end >= line.data() + line.size() ? static_cast<std::size_t>(worker.readable_end - line.data()) - line.size() : 0;
  if (!worker.fast->read(line, app, readable_after, json::Binding::FixedOnly)) return false;
  const MeasureInfo* m = app.measure_info;
  if (!m) return false;
  auto write = [&](const Outcome& o) {
    if (settings.tally) settings.tally(m->decl->name, o.eligible ? "eligible" : "not_eligible");
    worker.writer->append_line(out, ed, o, app.has_id ? &app.id : nullptr, app.id_plain);
    return true;
  };
  if (const std::optional<Outcome> o = decide_compiled(ed, *m, worker.fast->facts())) return write(*o);
  if (!worker.fast->read(line, app, readable_after, json::Binding::Values)) return false;
  auto r = run_bound(ed, *m, worker.fast->facts(), nullptr);
  if (const Outcome* o = std::get_if<Outcome>(&r)) return write(*o);
  return false;
}

// One record of a batch → its output row (a result or an error), read the
// precise way (the fast lane, fast_line, comes first where it serves). Returns
// false for a bad record.
bool batch_line(const Edition& run_edition, std::string_view line, std::size_t line_no, const BatchSettings& settings,
                std::string& out, BatchWorker* worker = nullptr) {
  const bool csv_out = settings.output == api::BatchFormat::Csv;
  json::Application app;
  std::vector<std::string> passed;  // CSV: the cells of the columns that are not facts
  auto passed_cells = [&] {         // CSV output: after the result's own columns, as many as the header has
    for (std::size_t i = 0; i < settings.passed.size(); ++i) {
      out += ',';
      if (i < passed.size()) put_csv_cell(out, passed[i]);
    }
    out += '\n';
  };
  auto extras = [&] {  // the passed-through members, before the closing brace
    for (const auto& [key, raw] : app.extras) {
      out += ',';
      append_json_string(out, key);
      out += ':';
      out += raw;
    }
  };
  auto bad_line = [&](ErrorKind kind, const std::string& message) {
    const char* code = error_kind_code(kind);
    if (settings.tally) settings.tally({}, code);
    if (csv_out) {
      put_csv_cell(out, app.has_id ? app.id : "");
      fmt::format_to(std::back_inserter(out), ",,,,,,,,,{},{},", line_no, code);
      put_csv_cell(out, message);
      out.append(settings.figure_columns.size(), ',');
      passed_cells();
      return false;
    }
    out += '{';
    if (app.has_id) {
      out += "\"id\":";
      append_json_string(out, app.id);
      out += ',';
    }
    fmt::format_to(std::back_inserter(out), "\"line\":{},\"code\":\"{}\",\"error\":", line_no, code);
    append_json_string(out, message);
    extras();
    out += "}\n";
    return false;
  };
  if (settings.input == api::BatchFormat::Csv) {
    if (auto problem = csv_application(line, settings, app, passed)) return bad_line(ErrorKind::BadLine, fmt::format("第 {} 行:{}", line_no, *problem));
  } else {
    auto parsed = json::parse_application(line, json::ApplicationOptions{settings.pass_through, true});
    if (auto* e = std::get_if<json::InputError>(&parsed)) {
      if (e->id) app.id = *e->id, app.has_id = true;
      return bad_line(ErrorKind::BadLine, fmt::format("第 {} 行第 {} 列:{}", line_no, e->column, e->message));
    }
    app = std::move(std::get<json::Application>(parsed));
  }
  for (const auto& extra : app.extras)
    if (result_member(extra.first)) return bad_line(ErrorKind::BadLine, "键 \"" + extra.first + "\" 与结果的字段同名,不能透传");
  const Edition* ed = &run_edition;
  if (app.has_version) {  // this application names its edition
    std::string error;
    ed = settings.policy->edition(app.version, error);
    if (!ed) return bad_line(ErrorKind::NoEdition, error);
  }
  std::optional<std::int32_t> as_of = settings.day;  // for 施行 on measures and clauses
  if (app.has_as_of) {  // this application's date; without "version" it picks the official edition in force that day
    const auto day = parse_date(app.as_of);
    if (!day) return bad_line(ErrorKind::BadLine, bad_date_message("\"as_of\"", "\"" + echo(app.as_of) + "\""));
    as_of = *day;
  }
  if (app.has_as_of && !app.has_version) {
    std::string error;
    ed = settings.policy->edition_on(*as_of, error);
    if (!ed) return bad_line(ErrorKind::NoEdition, error);
  }
  if (settings.input == api::BatchFormat::Csv)  // cells become typed values by the edition's fact types
    for (auto& f : app.facts)
      if (const int slot = ed->find_fact(f.name); slot >= 0) {
        // CSV has no flattening of a list: convert_fact says so (not "应为 JSON 数组" of a JSON line).
        if (ed->facts[static_cast<std::size_t>(slot)].type.kind == TypeKind::List)
          return bad_line(ErrorKind::BadFact, std::get<std::string>(convert_fact(*ed, slot, f.value)));
        f.value = csv_cell_value(*ed, slot, f.value.text);
      }
  const bool explain = settings.explain || app.explain;
  if (settings.whole_application && app.has_measure) return bad_line(ErrorKind::BadLine, "整份申请不写 \"measure\"(计算事实涉及的每项措施)");
  if (!app.has_measure) {  // a whole application: every measure its facts concern, on one line
    if (csv_out) return bad_line(ErrorKind::BadLine, "没有 \"measure\" 的整份申请只能输出 JSONL");
    auto whole = run_whole(*ed, app.facts, explain, as_of);
    if (auto* e = std::get_if<LineError>(&whole)) return bad_line(e->kind, e->message);
    const std::string_view id = app.id;
    const auto& record = std::get<api::ApplicationResult>(whole);
    if (settings.tally)
      for (const auto& m : record.measures) settings.tally(m.measure, measure_status_name(m.status));
    append_application_json(out, record, app.has_id ? &id : nullptr);
    if (!app.extras.empty()) {
      out.pop_back();
      extras();
      out += '}';
    }
    out += '\n';
    return true;
  }
  Trace trace;
  auto r = run_one(*ed, app.measure, app.facts, explain ? &trace : nullptr, as_of);
  if (auto* e = std::get_if<LineError>(&r)) return bad_line(e->kind, e->message);
  const Outcome& o = std::get<Outcome>(r);
  if (settings.tally) settings.tally(o.measure->decl->name, o.eligible ? "eligible" : "not_eligible");
  if (csv_out) {
    put_csv_cell(out, app.has_id ? app.id : "");
    out += ',';
    put_csv_cell(out, o.measure->decl->name);
    out += ',';
    put_csv_cell(out, ed->name);
    out += o.eligible ? ",true," : ",false,";
    out += o.amount.to_string() + ",";
    std::string reasons;
    for (const auto* f : o.failed) (reasons += reasons.empty() ? "" : "; ") += f->reason;
    put_csv_cell(out, reasons);
    out += ',';
    std::string notes;
    for (const auto& note : outcome_notes(o)) (notes += notes.empty() ? "" : "; ") += note;
    put_csv_cell(out, notes);
    out += ',';
    put_csv_cell(out, o.bound ? o.bound->name : "");
    out += ',';
    put_csv_cell(out, o.measure->clause ? o.measure->clause->ref : "");
    out += ",,,";
    settings.figure_columns.append_cells(out, *o.measure->decl, o.figures.size(),  // 结果.NAME
                                         [&](std::size_t k) { return o.figures[k].to_string(); });
    passed_cells();
    return true;
  }
  if (worker && !explain) {
    const std::string_view id = app.id;
    worker->writer->append(out, *ed, o, app.has_id ? &id : nullptr);
  } else {
    append_result_json(out, *ed, o, app.has_id ? &app.id : nullptr, explain ? &trace : nullptr);
  }
  if (!app.extras.empty()) {
    out.pop_back();  // the result's closing brace
    extras();
    out += '}';
  }
  out += '\n';
  return true;
}

// Bytes of the input, read straight into place: an OutBytes (which grows them)
// with the fast reader's padding after them once they are complete.
class InputBytes {
 public:
  static constexpr std::size_t kPadding = json::FastLineReader::kPadding;
  static_assert(kPadding <= OutBytes::kSlack, "the room past the bytes holds the padding");
  std::string_view view() const { return bytes_.view(); }
  // Where up to n more bytes go; commit() keeps those read.
  char* room(std::size_t n) { return bytes_.room(n); }
  void commit(const char* end) { bytes_.commit(end); }
  void assign(std::string_view s) {
    bytes_.clear();
    bytes_.append(s);
  }
  // Keeps the first n bytes, padded.
  void truncate(std::size_t n) {
    bytes_.commit(bytes_.data() + n);
    std::memset(bytes_.room(0), ' ', kPadding);  // room(0) is kSlack writable bytes
  }
  void erase_front(std::size_t n) {
    std::memmove(bytes_.data(), bytes_.data() + n, bytes_.size() - n);
    bytes_.commit(bytes_.data() + bytes_.size() - n);
  }

 private:
  OutBytes bytes_;
};

// A run of complete records of the input, and what they gave.
struct Block {
  struct Record {
    std::size_t offset, size, number;
  };
  InputBytes data;
  std::vector<Record> records;
  OutBytes out;
  std::size_t bad = 0;  // records that were bad
  bool done = false;
};

// Blocks are evaluated on `jobs` threads (with one job, on the caller's) and
// written in the order they were submitted by whichever thread finishes the
// next one due. At most `limit` blocks are out at once, so memory does not
// grow with the input.
class BlockPipeline {
 public:
  using Work = std::function<void(Block&, BatchWorker&)>;
  BlockPipeline(unsigned jobs, Work work, std::function<void(BatchWorker&)> init_worker, const api::BatchWriter& output)
      : work_(std::move(work)), init_worker_(std::move(init_worker)), output_(output), limit_(2 * std::size_t{jobs} + 2) {
    if (jobs == 1) init_worker_(inline_worker_);
    else
      for (unsigned t = 0; t < jobs; ++t) threads_.emplace_back([this] { run(); });
  }
  ~BlockPipeline() { finish(); }

  // An empty block to fill; waits while `limit` blocks are out.
  Block* take() {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return !free_.empty() || blocks_.size() < limit_; });
    if (free_.empty()) blocks_.push_back(std::make_unique<Block>()), free_.push_back(blocks_.back().get());
    Block* b = free_.back();
    free_.pop_back();
    b->records.clear();
    b->done = false;
    return b;
  }
  void submit(Block* b) {
    if (threads_.empty()) {
      work_(*b, inline_worker_);
      std::unique_lock lock(mutex_);
      in_order_.push_back(b);
      complete(b, lock);
      return;
    }
    std::lock_guard lock(mutex_);
    in_order_.push_back(b);
    queue_.push_back(b);
    ready_.notify_one();
  }
  // Waits until every block submitted is written.
  void finish() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  void give_back(Block* b) {
    std::lock_guard lock(mutex_);
    free_.push_back(b);
  }
  std::size_t written() const { return written_.load(); }
  std::size_t bad_records() const { return bad_records_.load(); }

 private:
  void run() {
    BatchWorker worker;
    init_worker_(worker);
    for (;;) {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;
      Block* b = queue_.front();
      queue_.pop_front();
      lock.unlock();
      work_(*b, worker);
      lock.lock();
      complete(b, lock);
    }
  }
  // Marks `b` done and, unless another thread is at it, writes every block
  // now due, outside the lock.
  void complete(Block* b, std::unique_lock<std::mutex>& lock) {
    b->done = true;
    if (writing_) return;
    writing_ = true;
    std::vector<Block*> due;
    for (;;) {
      due.clear();
      while (!in_order_.empty() && in_order_.front()->done) due.push_back(in_order_.front()), in_order_.pop_front();
      if (due.empty()) break;
      lock.unlock();
      for (Block* d : due) {
        output_.write(d->out.view());
        bad_records_ += d->bad;
        written_ += d->records.size();
      }
      if (output_.flush) output_.flush();
      lock.lock();
      for (Block* d : due) free_.push_back(d);
      space_.notify_all();
    }
    writing_ = false;
  }

  Work work_;
  std::function<void(BatchWorker&)> init_worker_;
  const api::BatchWriter& output_;
  std::size_t limit_;
  BatchWorker inline_worker_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::vector<std::unique_ptr<Block>> blocks_;
  std::vector<Block*> free_;
  std::deque<Block*> queue_, in_order_;
  bool stopping_ = false, writing_ = false;
  std::atomic<std::size_t> written_{0};
  std::atomic<std::size_t> bad_records_{0};
};

// A record longer than limits::kMaxBatchRecordBytes ends the input: its row says so.
constexpr std::size_t kTooLong = std::string_view::npos;

void too_long_row(std::size_t line_no, bool csv, std::string& out) {
  const std::string message =
      fmt::format("第 {} 行过长:每行至多 {} 字节,输入在此停止读取", line_no, limits::kMaxBatchRecordBytes);
  if (csv) fmt::format_to(std::back_inserter(out), ",,,,,,,,{},bad_line,{}\n", line_no, message);
  else fmt::format_to(std::back_inserter(out), "{{\"line\":{},\"code\":\"bad_line\",\"error\":\"{}\"}}\n", line_no, message);
}

// Lines are independent, so a batch is cut into blocks evaluated on `jobs`
// threads against the one shared, immutable edition, written in input order.
// Input is read as it comes (a file or a pipe): a block goes out after every
// read, so the first results appear before the input ends and memory stays
// bounded however long it is.
api::BatchSummary run_blocks(const Edition& ed, const api::BatchReader& read, const api::BatchWriter& output,
                             BatchSettings& run_settings) {
  const BatchSettings& settings = run_settings;
  constexpr std::size_t kRead = std::size_t{1} << 18;
  std::size_t scanned = 0, line_number = 1;  // scanned: where the current block's partial record starts
  bool eof = false, failed_read = false;
  std::uint64_t bytes_read = 0;
  api::BatchSummary summary;

  bool header_written = settings.output != api::BatchFormat::Csv;  // written with the first rows: none if the input is refused
  auto write_header = [&] {
    if (header_written) return;
    header_written = true;
    if (settings.excel) output.write("\xEF\xBB\xBF");  // so that Chinese Excel reads UTF-8
    std::string header = kCsvHeader;
    run_settings.figure_columns.append_header(header);
    for (const std::size_t c : run_settings.passed) {
      header += ',';
      put_csv_cell(header, run_settings.csv_columns[c]);
    }
    output.write(header + "\n");
  };
  // The fast reader serves JSONL lines of the run's edition whose results carry nothing but the facts' outcome.
  const bool fast = settings.input == api::BatchFormat::Jsonl && settings.output == api::BatchFormat::Jsonl &&
                    !settings.pass_through && !settings.explain;
  const json::FactKeyIndex index(ed);
  const ResultWriter writer(ed);
  BlockPipeline pipeline(
      settings.jobs ? settings.jobs : std::max(1u, std::min(std::thread::hardware_concurrency(), 64u)),
      [&](Block& b, BatchWorker& worker) {
        b.out.clear();
        b.bad = 0;
        const std::string_view data = b.data.view();
        worker.readable_end = data.data() + data.size() + InputBytes::kPadding;
        for (const Block::Record& r : b.records) {
          const std::string_view line = r.size == kTooLong ? std::string_view() : data.substr(r.offset, r.size);
          if (r.size != kTooLong && worker.fast && fast_line(ed, line, run_settings, b.out, worker)) continue;
          worker.row.clear();
          if (r.size == kTooLong) too_long_row(r.number, run_settings.output == api::BatchFormat::Csv, worker.row), ++b.bad;
          else if (!batch_line(ed, line, r.number, run_settings, worker.row, &worker)) ++b.bad;
          b.out.append(worker.row);
        }
      },
      [&](BatchWorker& w) {
        if (fast) w.fast.emplace(index), w.fast->set_as_of(settings.day);
        w.writer = &writer;
      },
      output);
  const bool csv = settings.input == api::BatchFormat::Csv;
  CsvScanner scanner;
  std::size_t cursor = 0, newlines_in_record = 0;  // cursor: where the search for a record's end goes on
  bool record_bad = false, header_pending = csv;
  auto take_header = [&](std::string_view record) -> bool {
    std::vector<std::size_t> starts;
    std::string problem;
    if (const std::size_t bad = bad_utf8(record); bad != std::string_view::npos) problem = not_utf8_message(record, bad);
    else if (split_csv(record, run_settings.csv_columns, starts) != std::string_view::npos) problem = "CSV 表头的引号位置不对";
    std::vector<std::string>& names = run_settings.csv_columns;
    if (problem.empty() && !names.empty() && names[0].rfind("\xEF\xBB\xBF", 0) == 0) names[0].erase(0, 3);  // Excel's BOM
    for (std::size_t i = 0; problem.empty() && i < names.size(); ++i) {
      names[i] = std::string(csv_column_name(names[i]));
      if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) != names.begin() + static_cast<std::ptrdiff_t>(i))
        problem = "CSV 表头中的列名 " + names[i] + " 重复";
      else if (!csv_special_column(names[i]) && ed.find_fact(names[i]) < 0) {
        problem = csv_foreign_column_problem(ed, names[i]);
        if (problem.empty()) run_settings.passed.push_back(i);  // 企业名称: not a fact, passed by
      }
    }
    if (problem.empty() && !run_settings.passed.empty()) {
      std::string list;
      for (const std::size_t c : run_settings.passed) (list += list.empty() ? "" : "、") += names[c];
      summary.warnings.push_back("CSV 表头中的 " + list + " 不是事实" +
                                 (settings.output == api::BatchFormat::Csv ? ",原样带到输出的最后" : ",计算时不用(JSONL 输出中略去)"));
    }
    if (problem.empty() && std::find(names.begin(), names.end(), "measure") == names.end())
      problem = "CSV 表头须有 measure 列(id、as_of 可选),其余每列是一个事实";
    if (problem.empty()) return true;
    summary.status = api::BatchStatus::BadHeader;
    summary.line = line_number;
    summary.message = std::move(problem);
    return false;
  };

  Block* block = pipeline.take();
  block->data.truncate(0);
  while (!eof) {
    char* into = block->data.room(kRead);
    const long n = read(into, kRead);
    if (n < 0) failed_read = true;
    eof = n <= 0;
    if (n > 0) block->data.commit(into + n), bytes_read += static_cast<std::uint64_t>(n);
    const std::string_view data = block->data.view();
    for (;;) {  // split the complete records
      const std::size_t nl = data.find('\n', cursor);
      const std::size_t end = nl == std::string::npos ? data.size() : nl;
      if (csv && !record_bad && scanner.scan(data.substr(cursor, end - cursor), cursor - scanned) != CsvScanner::npos)
        record_bad = true;  // a quote out of place: the record ends at its line, reported when evaluated
      cursor = end;
      if (nl == std::string::npos && !eof) break;
      if (nl != std::string::npos && csv && !record_bad && scanner.in_quotes()) {  // a newline inside a quoted cell
        cursor = nl + 1;
        ++newlines_in_record;
        continue;
      }
      if (nl == std::string::npos && scanned == data.size()) break;
      std::size_t size = end - scanned;
      if (size && data[end - 1] == '\r') --size;
      const std::string_view record = data.substr(scanned, size);
      if (csv ? !csv_blank_record(record) : record.find_first_not_of(" \t") != std::string_view::npos) {
        if (header_pending) {
          if (!take_header(record)) {
            pipeline.give_back(block);
            pipeline.finish();
            return summary;
          }
          header_pending = false;
        } else {
          block->records.push_back({scanned, size, line_number});
        }
      }
      line_number += 1 + newlines_in_record;
      newlines_in_record = 0;
      record_bad = false;
      scanner.next_record();
      scanned = cursor = nl == std::string::npos ? data.size() : nl + 1;
    }
    // Every read sends its complete records off: a full read is a full block,
    // a short one a pause in the input whose lines are due now.
    if (!block->records.empty()) {
      write_header();
      Block* next = pipeline.take();
      next->data.assign(data.substr(scanned));  // the partial record goes on
      block->data.truncate(scanned);
      pipeline.submit(block);
      block = next;
      cursor -= scanned;
      scanned = 0;
    } else if (scanned > 0) {  // only blank lines so far: drop them
      block->data.erase_front(scanned);
      cursor -= scanned;
      scanned = 0;
    }
    if (!eof && block->data.view().size() > limits::kMaxBatchRecordBytes) {
      // No record ends within the limit: its row says so and reading stops
      // there, in bounded memory (/dev/zero has no line break to wait for).
      block->data.truncate(0);
      block->records.push_back({0, kTooLong, line_number});
      write_header();
      pipeline.submit(block);
      block = pipeline.take();
      block->data.truncate(0);
      eof = true;
    }
    if (settings.progress) settings.progress(api::BatchProgress{pipeline.written(), bytes_read});
  }
  pipeline.give_back(block);
  pipeline.finish();
  if (!failed_read) write_header();
  if (output.flush) output.flush();
  summary.written = pipeline.written();
  if (failed_read) summary.status = api::BatchStatus::ReadError;
  else if ((summary.bad = pipeline.bad_records()) > 0) summary.status = api::BatchStatus::BadRecords;
  return summary;
}

}  // namespace

api::BatchSummary run(const Policy& policy, const Edition& edition, const api::BatchReader& read,
                      const api::BatchWriter& output, const api::BatchOptions& options) {
  BatchSettings settings(policy, options);  // the CSV header's columns are added once read
  return run_blocks(edition, read, output, settings);
}

bool jsonl_line(const Policy& policy, const Edition& edition, std::string_view line, std::size_t line_no,
                const api::BatchOptions& options, std::string& out) {
  return batch_line(edition, line, line_no, BatchSettings(policy, options), out);
}

std::optional<LineError> single(const Edition& ed, std::string_view measure, std::string_view facts_json, bool explain,
                                bool text, std::string& out, std::optional<std::int32_t> as_of) {
  auto parsed = json::parse_facts(facts_json);
  if (auto* e = std::get_if<json::InputError>(&parsed)) return LineError{ErrorKind::BadLine, e->message, e->line, e->column};
  Trace trace;
  auto r = run_one(ed, std::string(measure), std::get<json::FactsObject>(parsed).fields, explain ? &trace : nullptr, as_of,
                   facts_json);
  if (auto* e = std::get_if<LineError>(&r)) return std::move(*e);
  if (text) append_result_text(out, ed, std::get<Outcome>(r), explain ? &trace : nullptr);
  else append_result_json(out, ed, std::get<Outcome>(r), nullptr, explain ? &trace : nullptr);
  return std::nullopt;
}

std::variant<api::ApplicationResult, LineError> whole(const Edition& ed, std::string_view facts_json, bool explain,
                                                 std::optional<std::int32_t> as_of) {
  auto parsed = json::parse_facts(facts_json);
  if (auto* e = std::get_if<json::InputError>(&parsed)) return LineError{ErrorKind::BadLine, e->message, e->line, e->column};
  return run_whole(ed, std::get<json::FactsObject>(parsed).fields, explain, as_of, facts_json);
}

}  // namespace kuan::batch
