// kuan test POLICY — runs every 例 of a policy folder (or one file) and ends
// with "N passed, M failed"; exit 1 if any failed.
#include <cstdio>

#include "tools/cli_internal.hpp"
#include "tools/properties.hpp"

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
  if (auto err = parse_args(argc, argv, 2, {"--version", "--format", "--seed", "--count"}, {"--help", "--verbose", "--properties"}, args)) {
    std::fprintf(stderr, "kuan test: %s\n", err->c_str());
    return kExitBadInput;
  }
  if (args.has_flag("--help")) {
    std::puts(
        "用法: kuan test POLICY [--version V] [--verbose] [--properties [--seed N] [--count N]]\n"
        "运行政策中全部 例(规则旁写的示例):每个失败的例给出 文件:行、预期值与实得值,\n"
        "最后一行为 \"N passed, M failed\"。有失败时退出状态为 1。\n"
        "  --format json   在标准输出写一个 JSON 对象:每个例的结果与合计(格式见 docs/cli-json.md)\n"
        "  --properties    不运行例,而对每项措施生成申请检查性质:金额非负、不超过上限、不适用得0并有理由、\n"
        "                  按版本舍入、基数(单一金额事实)增加金额不减(门槛所致者作为注报告);失败时\n"
        "                  缩减为最小反例,以可粘贴的 例 给出;并检查规则文件中作者写的 性质 { 对任意 申请 … }。\n"
        "                  最后一行 \"N passed, M failed\" 计的是性质(不带 --properties 时 性质 只做语法和类型检查)\n"
        "  --seed N        生成申请的种子(默认 1;同一种子结果相同)\n"
        "  --count N       每项措施生成的申请数(默认 200)");
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
  PropertyOptions props;
  if (args.has_flag("--properties")) {
    if (*json) {
      std::fputs("kuan test: --properties 只有文本输出\n", stderr);
      return kExitBadInput;
    }
    auto number = [&](const char* name, std::uint64_t max, std::uint64_t& to) {
      const std::string* v = args.option(name);
      if (!v) return true;
      std::uint64_t n = 0;
      if (v->empty() || v->size() > 18 || v->find_first_not_of("0123456789") != std::string::npos ||
          (n = std::stoull(*v)) > max) {
        std::fprintf(stderr, "kuan test: %s 需要不大于 %llu 的非负整数,而不是「%s」\n", name,
                     static_cast<unsigned long long>(max), v->c_str());
        return false;
      }
      to = n;
      return true;
    };
    std::uint64_t count = static_cast<std::uint64_t>(props.count);
    if (!number("--seed", ~0ull >> 1, props.seed) || !number("--count", 1000000, count)) return kExitBadInput;
    props.count = static_cast<int>(count);
    props.verbose = args.has_flag("--verbose");
  } else if (args.option("--seed") || args.option("--count")) {
    std::fputs("kuan test: --seed 与 --count 只用于 --properties\n", stderr);
    return kExitBadInput;
  }
  auto policy = load_policy(args.positional[0]);
  if (!policy) return kExitRuleErrors;
  if (args.has_flag("--properties")) {
    PropertyTotals totals;
    for (const auto& ed : policy->editions()) {
      if (const std::string* v = args.option("--version"); v && ed->name != *v) continue;
      std::string out;
      const PropertyTotals t = check_properties(*ed, props, out);
      std::fputs(out.c_str(), stdout);
      totals.passed += t.passed;
      totals.failed += t.failed;
    }
    std::printf("%d passed, %d failed\n", totals.passed, totals.failed);
    return totals.failed ? kExitRuleErrors : kExitOk;
  }
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
