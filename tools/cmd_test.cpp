// kuan test POLICY — runs every 例 of a policy folder (or one file) and ends
// with "N passed, M failed"; exit 1 if any failed.
#include <cstdio>

#include "tools/cli.hpp"

namespace kuan::cli {

namespace {

struct ExampleRun {
  bool passed = false;
  std::string detail;  // what differed, when failed
};

ExampleRun run_example(const Edition& ed, const ast::ExampleDecl& x) {
  const MeasureInfo* m = ed.find_measure(x.measure);
  if (!m) return {false, "措施 " + x.measure + " 不存在"};
  FactValues facts(ed.facts.size());
  FactValues none(ed.facts.size());
  for (const auto& f : x.facts) {
    auto v = evaluate_expression(&ed, *f.value, none);
    if (auto* err = std::get_if<EvalError>(&v)) return {false, "事实 " + f.name + ":" + err->message};
    facts.set(ed.find_fact(f.name), std::get<Value>(v));
  }
  auto missing = missing_required_facts(ed, *m, facts);
  if (!missing.empty()) return {false, "例中缺少必需的事实 " + missing.front()};
  auto r = evaluate_measure(ed, *m, facts);
  if (auto* err = std::get_if<EvalError>(&r)) return {false, "计算出错:" + error_text(*err)};
  const Outcome& o = std::get<Outcome>(r);
  std::string actual = o.eligible ? "得 " + o.amount.to_string() + "元" : "不适用";
  if (o.bound) actual += " 受限 " + o.bound->name;
  if (!o.eligible) {
    for (const auto* f : o.failed) actual += "「" + f->reason + "」";
  }
  if (!x.expect_eligible) {
    if (o.eligible) return {false, "预期 不适用,实得 " + actual};
    if (!x.expected_reason.empty()) {
      bool found = false;
      for (const auto* f : o.failed) found = found || f->reason.find(x.expected_reason) != std::string::npos;
      if (!found) return {false, "预期理由含「" + x.expected_reason + "」,实得 " + actual};
    }
    return {true, ""};
  }
  auto expected = evaluate_expression(&ed, *x.expected_amount, none);
  if (auto* err = std::get_if<EvalError>(&expected)) return {false, "预期金额无法计算:" + err->message};
  const Decimal& want = std::get<Value>(expected).number;
  std::string wanted = "得 " + want.to_fixed(ed.rounding_places) + "元";
  if (x.expected_bound) wanted += " 受限 " + x.expected_bound->name;
  if (x.expect_unbound) wanted += " 不受限";
  const bool amount_ok = o.eligible && o.amount == want;
  const bool bound_ok = x.expect_unbound ? o.bound == nullptr
                                         : !x.expected_bound || (o.bound && o.bound->name == x.expected_bound->name);
  if (amount_ok && bound_ok) return {true, ""};
  return {false, "预期 " + wanted + ",实得 " + actual};
}

}  // namespace

int cmd_test(int argc, char** argv) {
  Args args;
  if (auto err = parse_args(argc, argv, 2, {"--version", "--format"}, {"--help", "--verbose"}, args)) {
    std::fprintf(stderr, "kuan test: %s\n", err->c_str());
    return kExitBadInput;
  }
  if (args.has_flag("--help")) {
    std::puts(
        "用法: kuan test POLICY [--version V] [--verbose]\n"
        "运行政策中全部 例(规则旁写的示例):每个失败的例给出 文件:行、预期值与实得值,\n"
        "最后一行为 \"N passed, M failed\"。有失败时退出状态为 1。\n"
        "  --format json   在标准输出写一个 JSON 对象:每个例的结果与合计(格式见 docs/cli-json.md)");
    return kExitOk;
  }
  if (args.positional.size() != 1) {
    std::fputs("kuan test: 需要恰好一个 POLICY\n", stderr);
    return kExitBadInput;
  }
  std::string error;
  const auto json = wants_json(args, error);
  if (!json) {
    std::fprintf(stderr, "kuan test: %s\n", error.c_str());
    return kExitBadInput;
  }
  auto policy = load_policy(args.positional[0]);
  if (!policy) return kExitRuleErrors;
  int passed = 0, failed = 0;
  std::string rows;
  auto row = [&](const Edition& ed, const ast::ExampleDecl& x, const ExampleRun& run) {
    const auto at = x.span.file ? x.span.file->locate(x.span.begin) : SourceFile::Location{0, 0};
    rows += rows.empty() ? "{\"edition\":" : ",{\"edition\":";
    append_json_string(rows, ed.name);
    rows += ",\"measure\":";
    append_json_string(rows, x.measure);
    rows += ",\"title\":";
    append_json_string(rows, x.title);
    rows += ",\"file\":";
    append_json_string(rows, x.span.file ? x.span.file->name() : "");
    rows += ",\"line\":" + std::to_string(at.line) + ",\"column\":" + std::to_string(at.column);
    rows += std::string(",\"passed\":") + (run.passed ? "true" : "false") + ",\"detail\":";
    append_json_string(rows, run.passed ? "" : run.detail);
    rows += '}';
  };
  for (const auto& ed : policy->editions()) {
    if (const std::string* v = args.option("--version"); v && ed->name != *v) continue;
    for (const auto* x : ed->examples) {
      const ExampleRun run = run_example(*ed, *x);
      if (*json) {
        row(*ed, *x, run);
        ++(run.passed ? passed : failed);
      } else if (run.passed) {
        ++passed;
        if (args.has_flag("--verbose"))
          std::printf("%s: ok: %s %s %s\n", where(x->span).c_str(), ed->name.c_str(), x->measure.c_str(), x->title.c_str());
      } else {
        ++failed;
        std::printf("%s: 失败: %s 例 %s「%s」:%s\n", where(x->span).c_str(), ed->name.c_str(), x->measure.c_str(),
                    x->title.c_str(), run.detail.c_str());
      }
    }
  }
  if (*json) std::printf("{\"passed\":%d,\"failed\":%d,\"examples\":[%s]}\n", passed, failed, rows.c_str());
  else std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? kExitRuleErrors : kExitOk;
}

}  // namespace kuan::cli
