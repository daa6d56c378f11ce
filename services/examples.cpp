#include "services/examples.hpp"

#include <string_view>
#include <unordered_map>

#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/render.hpp"  // error_text, as `kuan eval` words a run-time error

namespace kuan {

namespace {

ExampleOutcome failed(std::string detail) { return {false, std::move(detail), {}, {}}; }

ExampleOutcome differs(std::string expected, std::string actual) {
  return {false, "预期 " + expected + ",实得 " + actual, std::move(expected), std::move(actual)};
}

// 得 错误 CODE / 得 错误 "…": the application must end in an error of this code,
// or one whose message holds the text.
ExampleOutcome expected_error(const Edition& ed, const MeasureInfo& m, const FactValues& facts, const ast::ExampleDecl& x) {
  const std::string wanted = x.expected_error_code ? "错误 " + x.expected_error_code->name : "错误「" + x.expected_error_text + "」";
  auto r = evaluate_measure(ed, m, facts);
  const auto* err = std::get_if<EvalError>(&r);
  if (!err) {
    const Outcome& o = std::get<Outcome>(r);
    return differs(wanted, o.eligible ? "得 " + o.amount.to_string() + "元" : "不适用");
  }
  const std::string code = error_kind_code(err->kind);
  const bool ok = x.expected_error_code ? code == x.expected_error_code->name
                                        : err->message.find(x.expected_error_text) != std::string::npos;
  if (ok) return {true, {}, {}, {}};
  return differs(wanted, "错误 " + code + ":" + error_text(*err));
}

// 得 X 结果 A = …, B = …: each figure named must be what the measure computed
// (the others are not checked); all that differ are reported together.
ExampleOutcome expected_figures(const Edition& ed, const MeasureInfo& m, const Outcome& o, const ast::ExampleDecl& x) {
  std::string wanted, actual;
  std::unordered_map<std::string_view, std::size_t> index;  // a measure may have many 结果
  for (std::size_t k = 0; k < m.decl->results.size(); ++k) index.try_emplace(m.decl->results[k].name, k);
  for (const auto& r : x.expected_results) {
    auto v = evaluate_expression(&ed, *r.value, FactValues(ed.facts.size()));
    if (auto* err = std::get_if<EvalError>(&v)) return failed("预期结果 " + r.name + " 无法计算:" + err->message);
    const Decimal& want = std::get<Value>(v).number;
    const auto at = index.find(r.name);
    const std::size_t k = at == index.end() ? o.figures.size() : at->second;
    if (k >= o.figures.size()) return failed("措施 " + m.decl->name + " 没有算出结果 " + r.name);
    if (o.figures[k] == want) continue;
    wanted += (wanted.empty() ? "结果 " : ",") + r.name + " = " + want.to_fixed(ed.rounding_places) + "元";
    actual += (actual.empty() ? "结果 " : ",") + r.name + " = " + o.figures[k].to_string() + "元";
  }
  if (wanted.empty()) return {true, {}, {}, {}};
  return differs(wanted, actual);
}

}  // namespace

std::variant<FactValues, std::string> example_facts(const Edition& ed, const ast::ExampleDecl& x) {
  FactValues facts(ed.facts.size());
  FactValues none(ed.facts.size());
  facts.as_of = x.as_of ? *x.as_of : ed.effective_from;  // 例 … 于 D; else the edition's first day
  for (const auto& f : x.facts) {
    const int slot = ed.find_fact(f.name);
    if (f.list) {
      // [ { 字段: 值, … }, … ]: the checker saw every field given once, of its type.
      const ListInfo& list = ed.lists[static_cast<std::size_t>(ed.facts[slot].type.list_id)];
      ListValue items;
      items.width = list.field_types.size();
      items.cells.resize(items.width * f.items.size());
      for (std::size_t i = 0; i < f.items.size(); ++i)
        for (const auto& field : f.items[i]) {
          auto v = evaluate_expression(&ed, *field.value, none);
          if (auto* err = std::get_if<EvalError>(&v)) return "事实 " + f.name + ":" + err->message;
          items.cells[i * items.width + static_cast<std::size_t>(list.field(field.name))] = std::get<Value>(v);
        }
      facts.set_list(slot, std::move(items));
      continue;
    }
    auto v = evaluate_expression(&ed, *f.value, none);
    if (auto* err = std::get_if<EvalError>(&v)) return "事实 " + f.name + ":" + err->message;
    // A value no application can give (negative money, a rate over 100%) is the 例's mistake, not the rule's.
    const Value& given = std::get<Value>(v);
    if (const char* problem = fact_range_problem(given.kind, given.number))
      return "事实 " + f.name + " " + problem + ":" + format_value(&ed, given);
    facts.set(slot, given);
  }
  return facts;
}

ExampleOutcome run_example(const Edition& ed, const ast::ExampleDecl& x) {
  const MeasureInfo* m = ed.find_measure(x.measure);
  if (!m) return failed("措施 " + x.measure + " 不存在");
  auto built = example_facts(ed, x);
  if (auto* problem = std::get_if<std::string>(&built)) return failed(std::move(*problem));
  const FactValues& facts = std::get<FactValues>(built);
  if (x.expect_error) return expected_error(ed, *m, facts, x);
  auto missing = missing_required_facts(ed, *m, facts);
  if (!missing.empty()) return failed("例中缺少必需的事实 " + missing.front());
  auto r = evaluate_measure(ed, *m, facts);
  if (auto* err = std::get_if<EvalError>(&r)) return failed("计算出错:" + error_text(*err));
  const Outcome& o = std::get<Outcome>(r);
  std::string actual = o.eligible ? "得 " + o.amount.to_string() + "元" : "不适用";
  if (o.bound) actual += " 受限 " + o.bound->name;
  if (!o.eligible) {
    for (const auto* f : o.failed) actual += "「" + f->reason + "」";
  }
  if (!x.expect_eligible) {
    if (o.eligible) return differs("不适用", actual);
    if (!x.expected_reason.empty()) {
      bool found = false;
      for (const auto* f : o.failed) found = found || f->reason.find(x.expected_reason) != std::string::npos;
      if (!found) return {false, "预期理由含「" + x.expected_reason + "」,实得 " + actual, "理由含「" + x.expected_reason + "」", actual};
    }
    return {true, {}, {}, {}};
  }
  auto expected = evaluate_expression(&ed, *x.expected_amount, FactValues(ed.facts.size()));
  if (auto* err = std::get_if<EvalError>(&expected)) return failed("预期金额无法计算:" + err->message);
  const Decimal& want = std::get<Value>(expected).number;
  std::string wanted = "得 " + want.to_fixed(ed.rounding_places) + "元";
  if (x.expected_bound) wanted += " 受限 " + x.expected_bound->name;
  if (x.expect_unbound) wanted += " 不受限";
  const bool amount_ok = o.eligible && o.amount == want;
  const bool bound_ok = x.expect_unbound ? o.bound == nullptr
                                         : !x.expected_bound || (o.bound && o.bound->name == x.expected_bound->name);
  if (!(amount_ok && bound_ok)) return differs(wanted, actual);
  return expected_figures(ed, *m, o, x);
}

}  // namespace kuan
