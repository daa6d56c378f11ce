// Batch allocation, pass 1: each record read, its facts checked and kept
// compactly (see allocate.hpp). The first bad record stops the batch, named
// by line and column.
#include <algorithm>
#include <cstring>
#include <istream>

#include <fmt/format.h>

#include "base/date.hpp"
#include "base/limits.hpp"
#include "base/source.hpp"
#include "base/utf8.hpp"
#include "services/allocate_impl.hpp"
#include "services/csv.hpp"
#include "services/fact_codec.hpp"

namespace kuan {

std::string bad_as_of_message(std::string_view text) {
  return bad_date_message("\"as_of\"", "\"" + echo(text) + "\"");
}

namespace {
bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\xEF\xBB\xBF") == std::string_view::npos; }
}  // namespace

// Checks one given fact now (so the error names its line and column) and
// keeps its value for deciding.
std::optional<std::string> AllocatorData::set_fact(int slot, const json::Scalar& v) {
  auto value = convert_fact(ed, slot, v);
  if (auto* msg = std::get_if<std::string>(&value)) return std::move(*msg);
  if (!encode_fact_value(encoded, slot, std::get<Value>(value)))
    return "事实 " + ed.facts[slot].decl->name + " 的类型批量分配不支持";
  put_fact(slot, std::move(std::get<Value>(value)));
  return std::nullopt;
}

// A line the fast reader took whole, when it is good for allocation; false:
// read it again the precise way (which words what is wrong).
bool AllocatorData::add_fast(std::string_view text, std::size_t line, std::size_t readable_after,
                               std::optional<AllocationError>& error) {
  json::FastApplication app;
  // Bound as the batch's fast lane binds (FixedOnly): a fact that fits 64-bit
  // fixed point is kept from its lane, with no Value made; one that does not
  // has its Value.
  if (!fast.read(text, app, readable_after, json::Binding::FixedOnly)) return false;
  if (!app.has_id || app.id.empty() || !app.has_applicant || app.applicant.empty()) return false;
  const MeasureInfo* m = app.measure_info;
  if (!m) return false;
  const FactValues& given = fast.facts();
  // Facts that fit 64 bits (the usual line) are written in place, with one
  // size for the whole line; a line with one that does not goes piece by piece.
  encoded.resize(fast.slots().size() * kMaxFixedFactBytes);
  char* p = encoded.data();
  for (const int slot : fast.slots()) {
    const unsigned char present = given.present[slot];
    if (!present) continue;
    if (!(present & FactValues::kFits) || !(p = put_fixed_fact(p, slot, ed.facts[slot].type.kind, given.fixed[slot]))) {
      p = nullptr;
      break;
    }
  }
  if (p) {
    encoded.resize(static_cast<std::size_t>(p - encoded.data()));
  } else {
    encoded.clear();
    for (const int slot : fast.slots()) {
      const unsigned char present = given.present[slot];
      if (!present) continue;
      if (!((present & FactValues::kFits) ? encode_fixed_fact(encoded, slot, ed.facts[slot].type.kind, given.fixed[slot])
                                           : encode_fact_value(encoded, slot, given.values[slot])))
        return false;
    }
  }
  error = keep(line, app.id, app.applicant, *m, "facts.", given, std::nullopt);  // a line with its own as_of is declined
  return true;
}

std::optional<AllocationError> AllocatorData::add_json(std::string_view text, std::size_t line, std::size_t readable_after) {
  if (std::optional<AllocationError> error; add_fast(text, line, readable_after, error)) return error;
  auto parsed = json::parse_application(text);
  if (auto* e = std::get_if<json::InputError>(&parsed))
    return allocation_error(line + e->line - 1, e->column, "", e->id.value_or(""), e->message);
  const auto& app = std::get<json::Application>(parsed);
  auto fail = [&](std::size_t column, std::string field, std::string message) {
    return allocation_error(line, column, std::move(field), app.has_id ? app.id : "", std::move(message));
  };
  if (!app.has_id || app.id.empty()) return fail(0, "id", "缺少 \"id\"(每项申请须有唯一的 id)");
  if (!app.has_applicant || app.applicant.empty())
    return fail(0, "applicant", "缺少 \"applicant\"(申请人标识,按企业累计年度上限要用)");
  const MeasureInfo* m = ed.find_measure(app.measure);
  if (!m) return fail(0, "measure", ed.unknown_measure_message(app.measure, app.measure));
  std::optional<std::int32_t> day;  // the application's own date: which measures are in force (施行)
  if (app.has_as_of) {
    day = parse_date(app.as_of);
    if (!day) {
      const std::size_t at = text.find("\"as_of\"");
      return fail(at == std::string_view::npos ? 0 : text_position(text, at).column, "as_of", bad_as_of_message(app.as_of));
    }
  }
  clear_facts();
  encoded.clear();
  for (const auto& f : app.facts) {
    const int slot = ed.find_fact(f.name);
    auto column = [&] {  // where the fact's key is written
      const std::string key = "\"" + f.name + "\"";
      const std::size_t from = text.find("\"facts\"");
      const std::size_t at = text.find(key, from == std::string_view::npos ? 0 : from);
      return at == std::string_view::npos ? std::size_t{0} : text_position(text, at).column;
    };
    if (slot < 0) return fail(column(), "facts." + f.name, ed.unknown_fact_message(f.name, f.name));
    if (f.value.kind == json::Scalar::Kind::Null && !ed.facts[slot].required()) continue;
    if (auto msg = set_fact(slot, f.value)) return fail(column(), "facts." + f.name, std::move(*msg));
  }
  if (day) encode_as_of(encoded, ed.facts.size(), *day);
  return keep(line, app.id, app.applicant, *m, "facts.", facts, day);
}

std::optional<AllocationError> split_csv_record(CsvRecords& csv, std::string_view& text, std::size_t line) {
  auto fail_at = [&](std::size_t offset, std::string message) {
    const TextPosition at = text_position(text, offset);
    return allocation_error(line + at.line - 1, at.column, "", "", std::move(message));
  };
  if (const std::size_t bad = bad_utf8(text); bad != std::string_view::npos) return fail_at(bad, not_utf8_message(text, bad));
  if (!csv.header_seen && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (const std::size_t bad = split_csv(text, csv.cells, csv.starts); bad != std::string_view::npos)
    return fail_at(bad, "CSV 引号位置不对:引号只能括住整个单元格,括住的单元格须闭合,闭合引号后只能是逗号或行尾");
  if (csv.header_seen && csv.cells.size() != csv.column_name.size())
    return fail_at(0, fmt::format("本行有 {} 列,表头有 {} 列", csv.cells.size(), csv.column_name.size()));
  return std::nullopt;
}

std::optional<AllocationError> take_csv_column(CsvRecords& csv, std::size_t c, std::string_view text, std::size_t line,
                                               std::string& name) {
  name = std::string(csv_column_name(csv.cells[c]));
  if (std::find(csv.column_name.begin(), csv.column_name.end(), name) != csv.column_name.end()) {
    const TextPosition at = text_position(text, csv.starts[c]);
    return allocation_error(line + at.line - 1, at.column, name, "", "CSV 表头中的列名重复");
  }
  csv.column_name.push_back(name);
  return std::nullopt;
}

std::optional<AllocationError> AllocatorData::add_csv(std::string_view text, std::size_t line) {
  auto fail_at = [&](std::size_t offset, std::string field, std::string message, std::string id = "") {
    const TextPosition at = text_position(text, offset);
    return allocation_error(line + at.line - 1, at.column, std::move(field), std::move(id), std::move(message));
  };
  if (auto e = split_csv_record(applications_csv, text, line)) return e;
  const auto& cells = applications_csv.cells;
  const auto& starts = applications_csv.starts;
  if (!applications_csv.header_seen) {
    applications_csv.header_seen = true;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string name;
      if (auto e = take_csv_column(applications_csv, c, text, line, name)) return e;
      if (int* special = name == "id"          ? &col_id
                         : name == "applicant" ? &col_applicant
                         : name == "measure"   ? &col_measure
                         : name == "as_of"     ? &col_as_of
                                               : nullptr) {
        *special = static_cast<int>(c);
        column_fact.push_back(-1);
        continue;
      }
      const int slot = ed.find_fact(name);
      if (slot < 0) {
        std::string problem = csv_foreign_column_problem(ed, name);
        if (!problem.empty()) return fail_at(starts[c], name, std::move(problem));
        ignored_columns.push_back(name);  // 企业名称: not a fact, not read
      }
      column_fact.push_back(slot);
    }
    if (col_id < 0 || col_applicant < 0 || col_measure < 0)
      return fail_at(0, "", "CSV 表头须有 id、applicant、measure 三列,其余每列是一个事实");
    return std::nullopt;
  }
  const std::string& id = cells[col_id];
  if (id.empty()) return fail_at(starts[col_id], "id", "缺少 id(每项申请须有唯一的 id)");
  if (cells[col_applicant].empty())
    return fail_at(starts[col_applicant], "applicant", "缺少 applicant(申请人标识,按企业累计年度上限要用)", id);
  const MeasureInfo* m = ed.find_measure(cells[col_measure]);
  if (!m)
    return fail_at(starts[col_measure], "measure", ed.unknown_measure_message(cells[col_measure], cells[col_measure]), id);
  std::optional<std::int32_t> day;  // the application's own date: which measures are in force (施行)
  if (col_as_of >= 0 && !cells[col_as_of].empty()) {
    day = parse_date(cells[col_as_of]);
    if (!day) return fail_at(starts[col_as_of], applications_csv.column_name[col_as_of], bad_as_of_message(cells[col_as_of]), id);
  }
  clear_facts();
  encoded.clear();
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const int slot = column_fact[c];
    if (slot < 0 || cells[c].empty()) continue;
    if (auto msg = set_fact(slot, csv_cell_value(ed, slot, cells[c]))) return fail_at(starts[c], applications_csv.column_name[c], std::move(*msg), id);
  }
  if (day) encode_as_of(encoded, ed.facts.size(), *day);
  return keep(line, id, cells[col_applicant], *m, "", facts, day);
}

// Pass 1 for one good line: the checks that need only the line, then the
// record (its applicant's name and its hash). Deciding waits for finish().
std::optional<AllocationError> AllocatorData::keep(std::size_t line, std::string_view id, std::string_view applicant,
                                                     const MeasureInfo& m, const char* prefix, const FactValues& given,
                                                     std::optional<std::int32_t> day) {
  auto fail = [&](std::string field, std::string message) {
    return allocation_error(line, 0, std::move(field), std::string(id), std::move(message));
  };
  const auto mi = static_cast<std::size_t>(&m - ed.measures.data());
  // Dated outside the measure's 施行, an application is not eligible and
  // nothing else of it is read: the facts it would need may be absent.
  const bool in_force = m.in_force_on(day ? *day : run_day());
  if (in_force && m.quota >= 0 && ed.quotas[m.quota].score_fact >= 0 && !given.present[ed.quotas[m.quota].score_fact]) {
    const std::string& score = ed.facts[ed.quotas[m.quota].score_fact].decl->name;
    return fail(prefix + score,
                fmt::format("缺少 {0}:措施 {1} 每年名额 {2} 个,按 {0} 择优", score, m.decl->name, ed.quotas[m.quota].count));
  }
  // Found again when deciding; checked here too so that the first bad line is the one named.
  const auto& must = setup[mi].must_state;
  if (in_force && std::any_of(must.begin(), must.end(), [&](int f) { return !given.present[f]; }))
    if (auto missing = missing_required_facts(ed, m, given); !missing.empty())
      return fail(prefix + missing[0], "缺少必需的事实 " + missing[0] + "(措施 " + m.decl->name + " 需要)");
  if (records.size() >= 0xFFFFFFF0u) return fail("", "申请过多(一批最多约 42 亿项)");
  // Repeated ids, applicants and 全年 totals wait for settle(), when the
  // year is complete or a later line is bad: no table looked into per line.
  Record r{};
  r.id = arena.add_all({id, applicant, encoded});
  r.applicant_hash = std::hash<std::string_view>{}(applicant);
  // Until settle(), fields that deciding sets carry what it needs from the
  // line while it is at hand: the id's hash bits (failed) and the measure's
  // one 全年 value (amount, rank: 1 not given, scale + 2 when it fits 64 bits).
  const std::uint64_t id_hash = std::hash<std::string_view>{}(id);
  r.failed = static_cast<std::uint32_t>(id_hash ^ (id_hash >> 32));
  if (const auto& totals = setup[mi].year_totals; totals.size() == 1) {
    const int source = ed.accumulations[totals[0]].source;
    const fixed::Fx x = given.fixed[source];
    if (!given.present[source]) r.rank = 1;
    else if ((given.present[source] & FactValues::kFits) && x.s >= 0 && x.s <= fixed::kMaxScale)
      r.amount = x.m, r.rank = static_cast<std::uint32_t>(x.s) + 2;
  }
  if (m.quota >= 0) ++quota_records;
  if (m.quota >= 0 || setup[mi].counted) admitted.push_back(static_cast<std::uint32_t>(records.size()));
  note_line(line);
  r.measure = static_cast<std::uint16_t>(mi);
  if (carry_stated)
    for (const int a : setup[mi].funded)
      if (given.present[ed.accumulations[a].fact]) r.flags |= kGivesUsed;
  records.push_back(r);
  return std::nullopt;
}

std::optional<AllocationError> AllocatorData::add(std::string_view record, std::size_t line, std::size_t readable_after) {
  if (stopped) return stopped;
  // settle() (finish(), or quota_candidates() for a year in parts) has interned the applicants: no more records.
  if (finished || settled) return allocation_error(line, 0, "", "", "finish() 之后不能再添加申请");
  auto e = input == AllocationFormat::Csv ? add_csv(record, line) : add_json(record, line, readable_after);
  if (e) e = stop(std::move(*e));
  return e;
}

std::optional<AllocationError> read_records(std::istream& in, bool csv, const RecordFn& add, const ReadProgressFn& progress) {
  // The input is read straight into one buffer (no chunk copied in): `size`
  // bytes of it hold data, the records not yet handed on start at `start`.
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::vector<char> buffer(2 * kBlock);
  std::size_t size = 0, start = 0, pos = 0, line = 1, record_line = 1;
  std::uint64_t consumed = 0, count = 0;
  CsvScanner scanner;
  auto bad_quote = [&](std::size_t offset, const char* message) {  // offset within the record
    const TextPosition at = text_position(std::string_view(buffer.data() + start, size - start), offset);
    return allocation_error(record_line + at.line - 1, at.column, "", "", message);
  };
  auto emit = [&](std::size_t end) -> std::optional<AllocationError> {
    std::string_view rec(buffer.data() + start, end - start);
    if (!rec.empty() && rec.back() == '\r') rec.remove_suffix(1);
    if (!blank(rec) && !(csv && csv_blank_record(rec))) {
      // The block's bytes after the line may be read by the fast reader: no copy of it.
      if (auto e = add(rec, record_line, size - static_cast<std::size_t>(rec.data() + rec.size() - buffer.data())))
        return e;
      if (progress && (++count & 8191) == 0) progress(consumed + end, count);
    }
    return std::nullopt;
  };
  for (bool eof = false; !eof;) {
    if (buffer.size() - size < kBlock) buffer.resize(size + 2 * kBlock);  // a record longer than a block so far
    in.read(buffer.data() + size, static_cast<std::streamsize>(buffer.size() - size));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (in.bad()) return allocation_error(line, 0, "", "", "读取输入失败");
    eof = n == 0;
    size += n;
    for (;;) {
      const void* nl = std::memchr(buffer.data() + pos, '\n', size - pos);
      const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - buffer.data()) : size;
      if (csv)
        if (const auto bad = scanner.scan(std::string_view(buffer.data() + pos, end - pos), pos - start); bad != CsvScanner::npos)
          return bad_quote(bad, "CSV 引号位置不对:引号只能括住整个单元格,闭合引号后只能是逗号或行尾");
      if (!nl) {
        pos = end;
        break;
      }
      pos = end + 1;
      ++line;
      if (csv && scanner.in_quotes()) continue;  // a newline inside a quoted CSV cell
      scanner.next_record();
      if (auto e = emit(end)) return e;
      start = pos;
      record_line = line;
    }
    if (eof && csv && scanner.in_quotes())
      return bad_quote(scanner.open_quote(), "CSV 引号没有闭合:从这里开始的单元格一直延续到输入末尾");
    if (eof && start < size)
      if (auto e = emit(size)) return e;
    consumed += start;
    std::memmove(buffer.data(), buffer.data() + start, size - start);  // the unfinished record to the front
    size -= start;
    pos -= start;
    start = 0;
    if (size > limits::kMaxBatchRecordBytes)  // no record ends within the limit: stop, in bounded memory
      return allocation_error(record_line, 0, "", "", fmt::format("行过长:每行至多 {} 字节", limits::kMaxBatchRecordBytes));
  }
  if (progress) progress(consumed + size, count);
  return std::nullopt;
}

std::optional<AllocationError> AllocatorData::read(std::istream& in, const api::AllocationProgressFn& progress) {
  bool added = false;  // the error is add()'s, already stopped with
  auto e = read_records(
      in, input == AllocationFormat::Csv,
      [&](std::string_view record, std::size_t line, std::size_t readable_after) {
        auto bad = add(record, line, readable_after);
        added = bad.has_value();
        return bad;
      },
      [&](std::uint64_t bytes, std::uint64_t done) {
        if (progress) progress({1, bytes, done, 0});
      });
  if (e) return added ? e : stop(std::move(*e));
  return finish();
}

}  // namespace kuan
