// kuan eval — the command-line contract of shared/spec/hangzhou-ai-2025.md:
// one application (--facts) or a JSONL batch (--batch); exit 0, or 2 on bad input.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "lang/parser.hpp"
#include "tools/cli.hpp"

namespace kuan::cli {

namespace {

const char* kHelp =
    "用法:\n"
    "  kuan eval POLICY (--version V | --as-of YYYY-MM-DD) --measure NAME --facts FILE.json [--format json|text] [--explain]\n"
    "  kuan eval POLICY (--version V | --as-of YYYY-MM-DD) --batch IN.jsonl [--explain] [--jobs N] [--no-progress]\n"
    "                [--pass-through]\n"
    "\n"
    "单项:按 FILE.json 中的事实计算措施 NAME,打印结果(默认 JSON)。\n"
    "批量:IN.jsonl 每行一项申请 {\"id\": …, \"measure\": …, \"facts\": {…}},每行输出一个结果;\n"
    "      有问题的行输出 {\"id\": …, \"line\": N, \"code\": …, \"error\": …},其余行照常计算。\n"
    "      输入边读边算(管道中先到的行先出结果),按输入顺序输出;--jobs N 用 N 个线程(默认全部核心);\n"
    "      标准错误是终端时显示进度,--no-progress 关闭。\n"
    "      一行可写 \"as_of\": \"YYYY-MM-DD\",按该日施行的正式版本计算这一行;\n"
    "      --pass-through 把一行中其余的键原样(JSON 原文)带到它的结果中,否则未知的键是错误。\n"
    "FILE 或 IN 为 - 时读标准输入。不写 --version/--as-of 时用今天施行的版本。\n"
    "退出状态:0 成功(无论是否适用);2 输入有误(事实、措施、版本或参数),此时单项模式不在标准输出打印任何内容;\n"
    "          1 规则文件本身有错误。";

// Why a batch line failed, as a stable code beside the message (docs/cli-json.md).
struct LineError {
  const char* code;  // bad_line, unknown_measure, unknown_fact, bad_fact, missing_fact, evaluation_error
  std::string message;
};

// Binds facts and evaluates; on bad input returns the problem.
std::variant<Outcome, LineError> run_one(const Edition& ed, const std::string& measure_name,
                                         const std::vector<json::Field>& fields, Trace* trace) {
  const MeasureInfo* m = ed.find_measure(measure_name);
  if (!m) return LineError{"unknown_measure", "未知的措施 " + measure_name + "(" + ed.name + " 中没有这项措施)"};
  auto bound = bind_facts(ed, fields);
  if (auto* msg = std::get_if<std::string>(&bound)) {
    const bool unknown = std::any_of(fields.begin(), fields.end(), [&](const json::Field& f) { return ed.find_fact(f.name) < 0; });
    return LineError{unknown ? "unknown_fact" : "bad_fact", std::move(*msg)};
  }
  const FactValues& facts = std::get<FactValues>(bound);
  auto missing = missing_required_facts(ed, *m, facts);
  if (!missing.empty()) {
    std::string msg = "缺少必需的事实 ";
    for (std::size_t i = 0; i < missing.size(); ++i) msg += (i ? "、" : "") + missing[i];
    return LineError{"missing_fact", msg + "(措施 " + measure_name + " 需要)"};
  }
  auto r = evaluate_measure(ed, *m, facts, trace);
  if (auto* err = std::get_if<EvalError>(&r)) {
    // A fact needed only on the path taken (需要 … 当 …, an 可选 fact read while absent).
    const bool missing_fact = err->message.rfind("缺少事实", 0) == 0;
    return LineError{missing_fact ? "missing_fact" : "evaluation_error", error_text(*err)};
  }
  return std::get<Outcome>(r);
}

int run_single(const Edition& ed, const Args& args, bool text_format, bool explain) {
  const std::string* measure = args.option("--measure");
  const std::string* facts_path = args.option("--facts");
  if (!measure || !facts_path) {
    std::fputs("kuan eval: 单项计算需要 --measure NAME 和 --facts FILE.json(或用 --batch)\n", stderr);
    return kExitBadInput;
  }
  std::string error;
  auto text = read_input(*facts_path, error);
  if (!text) {
    std::fprintf(stderr, "kuan eval: %s\n", error.c_str());
    return kExitBadInput;
  }
  auto parsed = json::parse_facts(*text);
  if (auto* e = std::get_if<json::InputError>(&parsed)) {
    std::fprintf(stderr, "%s:%zu:%zu: error: %s\n", facts_path->c_str(), e->line, e->column, e->message.c_str());
    return kExitBadInput;
  }
  Trace trace;
  auto r = run_one(ed, *measure, std::get<json::FactsObject>(parsed).fields, explain ? &trace : nullptr);
  if (auto* e = std::get_if<LineError>(&r)) {
    std::fprintf(stderr, "%s: error: %s\n", facts_path->c_str(), e->message.c_str());
    return kExitBadInput;
  }
  std::string out;
  if (text_format) append_result_text(out, ed, std::get<Outcome>(r), explain ? &trace : nullptr);
  else append_result_json(out, ed, std::get<Outcome>(r), nullptr, explain ? &trace : nullptr), out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

// How a batch is run, beyond the edition chosen for the whole run.
struct BatchSettings {
  const Policy* policy = nullptr;  // for a line's own "as_of"
  bool explain = false;
  bool pass_through = false;       // copy a line's other members into its result
};

// Members of a result: a passed-through key may not take one of their names.
bool result_member(std::string_view key) {
  static constexpr std::string_view names[] = {"id", "measure", "version", "eligible", "amount", "reasons", "bound",
                                               "clause", "notes", "explanation", "line", "code", "error", "applicant"};
  return std::find(std::begin(names), std::end(names), key) != std::end(names);
}

// One line of a batch → its output line (a result or an error object).
// Returns false for a bad line.
bool batch_line(const Edition& run_edition, std::string_view line, std::size_t line_no, const BatchSettings& settings,
                std::string& out) {
  const json::Application* passed = nullptr;
  auto extras = [&] {  // the passed-through members, before the closing brace
    if (!passed) return;
    for (const auto& [key, raw] : passed->extras) {
      out += ',';
      append_json_string(out, key);
      out += ':';
      out += raw;
    }
  };
  auto bad_line = [&](const std::string* id, const char* code, const std::string& message) {
    out += '{';
    if (id) {
      out += "\"id\":";
      append_json_string(out, *id);
      out += ',';
    }
    out += "\"line\":" + std::to_string(line_no) + ",\"code\":\"" + code + "\",\"error\":";
    append_json_string(out, message);
    extras();
    out += "}\n";
    return false;
  };
  auto parsed = json::parse_application(line, json::ApplicationOptions{settings.pass_through});
  if (auto* e = std::get_if<json::InputError>(&parsed))
    return bad_line(e->id ? &*e->id : nullptr, "bad_line",
                    "第 " + std::to_string(line_no) + " 行第 " + std::to_string(e->column) + " 列:" + e->message);
  const auto& app = std::get<json::Application>(parsed);
  const std::string* id = app.has_id ? &app.id : nullptr;
  for (const auto& extra : app.extras)
    if (result_member(extra.first)) return bad_line(id, "bad_line", "键 \"" + extra.first + "\" 与结果的字段同名,不能透传");
  passed = &app;
  const Edition* ed = &run_edition;
  if (app.has_as_of) {  // this application's own date picks the official edition in force that day
    const auto day = parse_date(app.as_of);
    if (!day) return bad_line(id, "bad_line", "\"as_of\" 的日期无效:\"" + app.as_of + "\"(格式 YYYY-MM-DD)");
    std::string error;
    ed = settings.policy->edition_on(*day, error);
    if (!ed) return bad_line(id, "no_edition", error);
  }
  Trace trace;
  auto r = run_one(*ed, app.measure, app.facts, settings.explain ? &trace : nullptr);
  if (auto* e = std::get_if<LineError>(&r)) return bad_line(id, e->code, e->message);
  append_result_json(out, *ed, std::get<Outcome>(r), id, settings.explain ? &trace : nullptr);
  if (!app.extras.empty()) {
    out.pop_back();  // the result's closing brace
    extras();
    out += '}';
  }
  out += '\n';
  return true;
}

// Lines are independent, so a batch is cut into chunks evaluated on `jobs`
// threads against the one shared, immutable edition, written in input order.
// Input is read as it comes (a file or a pipe): a window of lines is evaluated
// when it is full, or as soon as the input pauses, so the first results appear
// before the input ends and memory stays bounded however long it is.
int run_batch(const Edition& ed, const std::string& path, const BatchSettings& settings, unsigned jobs, bool progress) {
  const int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "kuan eval: 无法读取文件 %s\n", path.c_str());
    return kExitBadInput;
  }
  struct Line {
    std::size_t offset, size, number;
  };
  constexpr std::size_t kChunk = 2048, kRead = std::size_t{1} << 20;
  const std::size_t window = std::max<std::size_t>(1, jobs * 4);
  std::string data;  // unconsumed input: complete lines in `lines`, then a partial line
  std::vector<Line> lines;
  std::vector<std::string> outputs(window);
  std::size_t scanned = 0, line_number = 1, done = 0;
  bool any_bad = false, eof = false, failed_read = false;
  const auto started = std::chrono::steady_clock::now();
  auto last_drawn = started;

  auto evaluate_lines = [&] {
    for (std::size_t first = 0; first < lines.size(); first += window * kChunk) {
      const std::size_t end_line = std::min(lines.size(), first + window * kChunk);
      const std::size_t count = (end_line - first + kChunk - 1) / kChunk;
      std::atomic<std::size_t> next{0};
      std::atomic<bool> bad{false};
      auto work = [&] {
        for (std::size_t k; (k = next.fetch_add(1)) < count;) {
          std::string& out = outputs[k];
          out.clear();
          const std::size_t begin = first + k * kChunk, end = std::min(end_line, begin + kChunk);
          for (std::size_t i = begin; i < end; ++i)
            if (!batch_line(ed, std::string_view(data).substr(lines[i].offset, lines[i].size), lines[i].number, settings, out))
              bad = true;
        }
      };
      std::vector<std::thread> threads;
      for (unsigned t = 1; t < std::min<std::size_t>(jobs, count); ++t) threads.emplace_back(work);
      work();
      for (auto& t : threads) t.join();
      any_bad |= bad;
      for (std::size_t k = 0; k < count; ++k) std::fwrite(outputs[k].data(), 1, outputs[k].size(), stdout);
    }
    std::fflush(stdout);
    done += lines.size();
    if (progress) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_drawn >= std::chrono::milliseconds(100) || eof) {
        last_drawn = now;
        const double seconds = std::chrono::duration<double>(now - started).count();  // a rate for people, not money
        std::fprintf(stderr, "\r\x1b[K已计算 %zu 项,%.0f 项/秒,用时 %.1f 秒", done, seconds > 0 ? done / seconds : 0.0, seconds);
      }
    }
    // Drop what was consumed: everything before the partial last line.
    data.erase(0, scanned);
    scanned = 0;
    lines.clear();
  };

  std::vector<char> chunk(kRead);
  while (!eof) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) failed_read = true;
    eof = n <= 0;
    if (n > 0) data.append(chunk.data(), static_cast<std::size_t>(n));
    for (;;) {  // split the complete lines
      const std::size_t nl = data.find('\n', scanned);
      if (nl == std::string::npos) {
        if (!eof || scanned == data.size()) break;
      }
      const std::size_t end = nl == std::string::npos ? data.size() : nl;
      std::size_t size = end - scanned;
      if (size && data[end - 1] == '\r') --size;
      if (std::string_view(data).substr(scanned, size).find_first_not_of(" \t") != std::string_view::npos)
        lines.push_back({scanned, size, line_number});
      ++line_number;
      scanned = nl == std::string::npos ? data.size() : nl + 1;
    }
    // A full window, the end, or a pause in the input (a short read): evaluate now.
    if (!lines.empty() && (eof || lines.size() >= window * kChunk || static_cast<std::size_t>(n) < kRead)) evaluate_lines();
  }
  if (progress) std::fputs("\n", stderr);
  if (fd != STDIN_FILENO) ::close(fd);
  if (failed_read) {
    std::fprintf(stderr, "kuan eval: 读取 %s 失败\n", path.c_str());
    return kExitBadInput;
  }
  return any_bad ? kExitBadInput : kExitOk;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  Args args;
  if (auto err = parse_args(argc, argv, 2, {"--version", "--as-of", "--measure", "--facts", "--batch", "--format", "--jobs"},
                            {"--help", "--explain", "--no-progress", "--pass-through"}, args)) {
    std::fprintf(stderr, "kuan eval: %s(见 kuan eval --help)\n", err->c_str());
    return kExitBadInput;
  }
  if (args.has_flag("--help")) {
    std::puts(kHelp);
    return kExitOk;
  }
  if (args.positional.size() != 1) {
    std::fputs("kuan eval: 需要恰好一个 POLICY(见 kuan eval --help)\n", stderr);
    return kExitBadInput;
  }
  const std::string* format = args.option("--format");
  if (format && *format != "json" && *format != "text") {
    std::fprintf(stderr, "kuan eval: --format 只能是 json 或 text,不是 \"%s\"\n", format->c_str());
    return kExitBadInput;
  }
  auto policy = load_policy(args.positional[0]);
  if (!policy) return kExitRuleErrors;
  std::string error;
  const Edition* ed = choose_edition(*policy, args, error);
  if (!ed) {
    std::fprintf(stderr, "kuan eval: %s\n", error.c_str());
    return kExitBadInput;
  }
  const bool explain = args.has_flag("--explain");
  if (const std::string* batch = args.option("--batch")) {
    if (args.option("--facts") || args.option("--measure")) {
      std::fputs("kuan eval: --batch 不能与 --facts/--measure 同用(措施写在每一行中)\n", stderr);
      return kExitBadInput;
    }
    if (format && *format == "text") {
      std::fputs("kuan eval: 批量模式只输出 JSONL\n", stderr);
      return kExitBadInput;
    }
    unsigned jobs = std::max(1u, std::min(std::thread::hardware_concurrency(), 64u));
    if (const std::string* j = args.option("--jobs")) {
      char* end = nullptr;
      const unsigned long v = std::strtoul(j->c_str(), &end, 10);
      if (j->empty() || *end || v < 1 || v > 256) {
        std::fprintf(stderr, "kuan eval: --jobs 须为 1 到 256 的整数,而不是 \"%s\"\n", j->c_str());
        return kExitBadInput;
      }
      jobs = static_cast<unsigned>(v);
    }
    // A running count is for people: only when stderr is a terminal.
    const bool progress = isatty(STDERR_FILENO) && !args.has_flag("--no-progress");
    const BatchSettings settings{policy.get(), explain, args.has_flag("--pass-through")};
    return run_batch(*ed, *batch, settings, jobs, progress);
  }
  return run_single(*ed, args, format && *format == "text", explain);
}

}  // namespace kuan::cli
