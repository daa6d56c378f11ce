// kuan eval — the command-line contract of shared/spec/hangzhou-ai-2025.md:
// one application (--facts) or a JSONL batch (--batch); exit 0, or 2 on bad input.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "tools/cli.hpp"

namespace kuan::cli {

namespace {

const char* kHelp =
    "用法:\n"
    "  kuan eval POLICY (--version V | --as-of YYYY-MM-DD) --measure NAME --facts FILE.json [--format json|text] [--explain]\n"
    "  kuan eval POLICY (--version V | --as-of YYYY-MM-DD) --batch IN.jsonl [--explain]\n"
    "\n"
    "单项:按 FILE.json 中的事实计算措施 NAME,打印结果(默认 JSON)。\n"
    "批量:IN.jsonl 每行一项申请 {\"id\": …, \"measure\": …, \"facts\": {…}},每行输出一个结果;\n"
    "      有问题的行输出 {\"id\": …, \"line\": N, \"error\": …},其余行照常计算。\n"
    "FILE 或 IN 为 - 时读标准输入。不写 --version/--as-of 时用今天施行的版本。\n"
    "退出状态:0 成功(无论是否适用);2 输入有误(事实、措施、版本或参数),此时单项模式不在标准输出打印任何内容;\n"
    "          1 规则文件本身有错误。";

// Binds facts and evaluates; on bad input returns the message.
std::variant<Outcome, std::string> run_one(const Edition& ed, const std::string& measure_name,
                                           const std::vector<json::Field>& fields, Trace* trace) {
  const MeasureInfo* m = ed.find_measure(measure_name);
  if (!m) return "未知的措施 " + echo(measure_name) + "(" + ed.name + " 中没有这项措施)";
  auto bound = bind_facts(ed, fields);
  if (auto* msg = std::get_if<std::string>(&bound)) return std::move(*msg);
  const FactValues& facts = std::get<FactValues>(bound);
  auto missing = missing_required_facts(ed, *m, facts);
  if (!missing.empty()) {
    std::string msg = "缺少必需的事实 ";
    for (std::size_t i = 0; i < missing.size(); ++i) msg += (i ? "、" : "") + missing[i];
    return msg + "(措施 " + measure_name + " 需要)";
  }
  auto r = evaluate_measure(ed, *m, facts, trace);
  if (auto* err = std::get_if<EvalError>(&r)) return error_text(*err);
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
  if (auto* msg = std::get_if<std::string>(&r)) {
    std::fprintf(stderr, "%s: error: %s\n", facts_path->c_str(), msg->c_str());
    return kExitBadInput;
  }
  std::string out;
  if (text_format) append_result_text(out, ed, std::get<Outcome>(r), explain ? &trace : nullptr);
  else append_result_json(out, ed, std::get<Outcome>(r), nullptr, explain ? &trace : nullptr), out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

// One line of a batch → its output line (a result or an error object).
// Returns false for a bad line.
bool batch_line(const Edition& ed, std::string_view line, std::size_t line_no, bool explain, std::string& out) {
  auto bad_line = [&](const std::string* id, const std::string& message) {
    out += '{';
    if (id) {
      out += "\"id\":";
      append_json_string(out, *id);
      out += ',';
    }
    out += "\"line\":" + std::to_string(line_no) + ",\"error\":";
    append_json_string(out, message);
    out += "}\n";
    return false;
  };
  auto parsed = json::parse_application(line);
  if (auto* e = std::get_if<json::InputError>(&parsed))
    return bad_line(e->id ? &*e->id : nullptr,
                    "第 " + std::to_string(line_no) + " 行第 " + std::to_string(e->column) + " 列:" + e->message);
  const auto& app = std::get<json::Application>(parsed);
  const std::string* id = app.has_id ? &app.id : nullptr;
  Trace trace;
  auto r = run_one(ed, app.measure, app.facts, explain ? &trace : nullptr);
  if (auto* msg = std::get_if<std::string>(&r)) return bad_line(id, *msg);
  append_result_json(out, ed, std::get<Outcome>(r), id, explain ? &trace : nullptr);
  out += '\n';
  return true;
}

// Lines are independent, so a batch is cut into chunks evaluated on all cores
// against the one shared, immutable edition; chunks are written in input order,
// a window at a time, so memory stays bounded however long the input is.
int run_batch(const Edition& ed, const std::string& path, bool explain) {
  std::string error;
  auto text = read_input(path, error);
  if (!text) {
    std::fprintf(stderr, "kuan eval: %s\n", error.c_str());
    return kExitBadInput;
  }
  struct Line {
    std::string_view text;
    std::size_t number;
  };
  std::vector<Line> lines;
  const std::string_view all = *text;
  for (std::size_t pos = 0, number = 1; pos < all.size(); ++number) {
    std::size_t end = all.find('\n', pos);
    if (end == std::string_view::npos) end = all.size();
    std::string_view line = all.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    lines.push_back({line, number});
  }
  constexpr std::size_t kChunk = 2048;
  const std::size_t chunks = (lines.size() + kChunk - 1) / kChunk;
  const unsigned workers = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), 16));
  const std::size_t window = std::max<std::size_t>(1, workers * 4);
  std::vector<std::string> outputs(window);
  std::atomic<bool> any_bad{false};
  for (std::size_t first = 0; first < chunks; first += window) {
    const std::size_t count = std::min(window, chunks - first);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t k; (k = next.fetch_add(1)) < count;) {
        std::string& out = outputs[k];
        out.clear();
        const std::size_t begin = (first + k) * kChunk, end = std::min(lines.size(), begin + kChunk);
        for (std::size_t i = begin; i < end; ++i)
          if (!batch_line(ed, lines[i].text, lines[i].number, explain, out)) any_bad = true;
      }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < std::min<std::size_t>(workers, count); ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    for (std::size_t k = 0; k < count; ++k) std::fwrite(outputs[k].data(), 1, outputs[k].size(), stdout);
  }
  return any_bad ? kExitBadInput : kExitOk;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  Args args;
  if (auto err = parse_args(argc, argv, 2, {"--version", "--as-of", "--measure", "--facts", "--batch", "--format"},
                            {"--help", "--explain"}, args)) {
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
    return run_batch(*ed, *batch, explain);
  }
  return run_single(*ed, args, format && *format == "text", explain);
}

}  // namespace kuan::cli
