// A measure evaluated on one application: the entry that runs its compiled form
// or the tree-walker, and the tree-walker's side — required facts, 校验, 施行, then
// the steps of measure_steps.hpp over Decimal, its expressions computed by an
// Activation (activation.hpp).
#include "interpreter/evaluator.hpp"

#include <algorithm>
#include <cstddef>
#include <ctime>

#include "base/date.hpp"
#include "interpreter/activation.hpp"
#include "interpreter/compiled.hpp"
#include "interpreter/compiled_plan.hpp"
#include "interpreter/measure_steps.hpp"

namespace kuan {

using walk::Activation;
using walk::at;
using walk::guarded;
using walk::raise;
using walk::raise_absent;
using walk::Raised;

std::vector<std::string> missing_required_facts(const Edition& ed, const MeasureInfo& m, const FactValues& facts) {
  std::vector<std::string> out;
  // 需要 F asks the application to state F even when F is 可选 or has a default.
  const auto& needs = m.needs;
  for (int f : m.facts)
    if (!facts.present[f] && (ed.facts[f].required() || std::find(needs.begin(), needs.end(), f) != needs.end()))
      out.push_back(ed.facts[f].decl->name);
  return out;
}

namespace {
std::optional<EvalError> missing_error(const Edition& ed, const MeasureInfo& m, const FactValues& facts) {
  auto missing = missing_required_facts(ed, m, facts);
  if (missing.empty()) return std::nullopt;
  std::string message = "缺少必需的事实 ";
  for (std::size_t i = 0; i < missing.size(); ++i) message += (i ? "、" : "") + missing[i];
  return EvalError{message + "(措施 " + m.decl->name + " 需要)", Span{}, std::move(missing), {}, ErrorKind::MissingFact};
}
}  // namespace

std::int32_t application_day(const FactValues& facts) {
  return facts.as_of ? *facts.as_of : china_standard_day(static_cast<std::int64_t>(std::time(nullptr)));
}

namespace {
// 施行 on the measure or its clause: an application dated outside it is not
// eligible, with that reason alone (nothing else is read, so facts the
// measure would need may be absent).
std::optional<Outcome> out_of_force(const Edition& ed, const MeasureInfo& info, const FactValues& facts, Trace* trace) {
  if (!info.in_force) return std::nullopt;
  if (info.in_force_on(application_day(facts))) return std::nullopt;
  Outcome out;
  out.measure = &info;
  out.amount = Decimal::from_scaled(0, ed.rounding_places);
  out.failed.push_back(info.in_force_requirement);
  if (trace) trace->conditions.push_back({info.in_force_requirement, false});
  return out;
}
EvalResult reference_walk(const Edition& ed, const MeasureInfo& info, const FactValues& facts, Trace* trace);
// 否则 按 X { … } (a 要求, a 校验, a limit's 超出 拒绝): the table's value is the
// number (1, 2, …) of the arm X falls in, the text that refuses.
std::size_t chosen_arm(const Value& v, const ast::Expr& table, std::size_t arms) {
  const auto k = v.number.to_int64_at_scale(0);
  if (!k || *k < 1 || static_cast<std::size_t>(*k) > arms) raise("内部错误:理由分支", table.span);
  return static_cast<std::size_t>(*k);
}
std::optional<EvalError> failed_validation(const Edition& ed, const MeasureInfo& info, const FactValues& facts);
}  // namespace

// Everything but a direct measure's entry (evaluate_measure, compiled_run.cpp):
// out of line, so the direct entry goes without its stack frame.
[[gnu::noinline]] EvalResult evaluate_checked(const Edition& ed, const MeasureInfo& info, const FactValues& facts,
                                              Trace* trace, const CompiledMeasure* compiled) {
  // 校验 first, by the tree-walker (the compiled form does not hold them);
  // then 施行: an application dated outside the measure's days is refused.
  if (!info.validations.empty())
    if (auto invalid = failed_validation(ed, info, facts)) return std::move(*invalid);
  if (auto refused = out_of_force(ed, info, facts, trace)) return std::move(*refused);
  if (compiled && required_facts_given(*compiled, facts)) {
    if (auto out = run_compiled(ed, info, *compiled, facts, trace)) return std::move(*out);
    if (trace) *trace = Trace{};  // the compiled form may have begun it
  }
  return reference_walk(ed, info, facts, trace);
}

namespace {

// Where a negative amount comes from: 金额 = …, or whichever of 基数 and 比例 is
// negative (both computed by then).
Span amount_span(const ast::MeasureDecl& m, Activation& act) {
  if (m.amount) return m.amount->span;
  if (m.base && act.has_base() && act.base(m.span).number.sign() < 0) return m.base->span;
  if (m.rate) return m.rate->span;
  return m.span;
}

// The tree-walker's side of the measure plan (measure_steps.hpp), over Decimal.
class ReferenceEngine {
 public:
  using Number = Decimal;
  ReferenceEngine(const Edition& ed, const MeasureInfo& info, const FactValues& facts, Trace* trace)
      : ed_(ed), info_(info), m_(*info.decl), facts_(facts), act_(&ed, facts) {
    act_.rate_expr = m_.rate.get();
    act_.base_expr = m_.base.get();
    if (trace) act_.rate_choices = &trace->rate_choices;
  }

  bool need_applies(std::size_t k) { return act_.condition(*m_.conditional_needs[k].when); }
  const FactValues& given() const { return facts_; }
  void need_facts(std::size_t k) {
    const auto& need = m_.conditional_needs[k];
    const auto& slots = info_.conditional_needs[k];
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (!facts_.present[slots[i]])
        raise_absent(need.facts[i].name,
                     "缺少事实 " + need.facts[i].name + "(当 " + std::string(span_text(need.when->span)) + " 时必须提供)",
                     need.facts[i].span);
  }
  std::optional<bool> requirement(std::size_t i, bool decided) {
    try {
      return act_.condition(*info_.requirements[i]->condition);
    } catch (const Raised&) {
      // Once one condition has failed, a later one that cannot be evaluated
      // (say a fact only needed when eligible) does not change the verdict.
      if (decided) return std::nullopt;
      throw;
    }
  }
  // 否则 按 X { … }: which arm (1, 2, …) X falls in.
  std::size_t refusal_arm(std::size_t i) {
    const ast::Requirement& r = *info_.requirements[i];
    return chosen_arm(act_.eval(*r.refusal), *r.refusal, r.refusals.size());
  }
  Decimal amount(std::vector<ChoiceTrace>* choices) {
    act_.choices = choices;
    Decimal a = act_.eval(*m_.amount).number;
    act_.choices = nullptr;
    return a;
  }
  // 结果 k, rounded as the amount is; later 结果 and 金额 read it so.
  Decimal figure(std::size_t k, std::vector<ChoiceTrace>* choices) {
    const ast::NamedResult& r = m_.results[k];
    act_.choices = choices;
    Value v = act_.eval(*r.value);
    act_.choices = nullptr;
    v.number = at(r.value->span, [&] { return v.number.round_to_step(ed_.rounding_step, ed_.rounding).rescaled(ed_.rounding_places); });
    act_.figures.push_back(v);
    return v.number;
  }
  Decimal base() { return act_.base(m_.span).number; }
  Decimal rate() { return act_.rate(m_.span).number; }
  Decimal times(const Decimal& a, const Decimal& b) { return at(m_.span, [&] { return a * b; }); }
  std::optional<Decimal> traced_rate() {
    return act_.has_rate() ? std::optional<Decimal>(act_.rate(m_.span).number) : std::nullopt;
  }
  std::optional<Decimal> traced_base() {
    return act_.has_base() ? std::optional<Decimal>(act_.base(m_.span).number) : std::nullopt;
  }
  bool cap_applies(std::size_t i) { return act_.condition(*info_.caps[i]->when); }
  Decimal cap_limit(std::size_t i) { return act_.eval(*info_.caps[i]->limit).number; }
  Decimal cap_used(std::size_t i) { return act_.eval(*info_.caps[i]->used).number; }
  static Decimal minus(const Decimal& a, const Decimal& b) { return a - b; }
  static int sign(const Decimal& x) { return x.sign(); }
  static bool less(const Decimal& a, const Decimal& b) { return a < b; }
  static Decimal zero() { return Decimal(); }
  static Decimal decimal(const Decimal& x) { return x; }
  [[noreturn]] void negative(const Decimal& amount) {
    raise("计算出的金额为负(" + amount.normalized().to_string() + "元):金额不能小于零", amount_span(m_, act_));
  }
  Decimal rounded(const Decimal& amount) {
    return at(m_.span, [&] { return amount.round_to_step(ed_.rounding_step, ed_.rounding).rescaled(ed_.rounding_places); });
  }

 private:
  const Edition& ed_;
  const MeasureInfo& info_;
  const ast::MeasureDecl& m_;
  const FactValues& facts_;
  Activation act_;
};

}  // namespace

EvalResult evaluate_measure_reference(const Edition& ed, const MeasureInfo& info, const FactValues& facts, Trace* trace) {
  if (!info.validations.empty())
    if (auto invalid = failed_validation(ed, info, facts)) return std::move(*invalid);
  if (auto refused = out_of_force(ed, info, facts, trace)) return std::move(*refused);
  return reference_walk(ed, info, facts, trace);
}

namespace {
EvalResult reference_walk(const Edition& ed, const MeasureInfo& info, const FactValues& facts, Trace* trace) {
  if (auto missing = missing_error(ed, info, facts)) return std::move(*missing);
  auto r = guarded([&]() -> Outcome {
    ReferenceEngine engine(ed, info, facts, trace);
    return evaluate_in_order(ed, info, engine, trace);
  });
  if (auto* o = std::get_if<Outcome>(&r)) return std::move(*o);
  return std::get<EvalError>(r);
}
}  // namespace

// 校验: the first that is false on these facts makes the application invalid. One
// that needs a fact the application does not give (and that has no default) does
// not apply to it: 校验 judges what was said, 需要 asks for what was not.
namespace {
std::optional<EvalError> failed_validation(const Edition& ed, const MeasureInfo& info, const FactValues& facts) {
  for (int k : info.validations) {
    const ast::ValidationDecl& v = *ed.validations[static_cast<std::size_t>(k)].decl;
    auto r = evaluate_expression(&ed, *v.condition, facts);
    if (auto* err = std::get_if<EvalError>(&r)) {
      if (!err->absent.empty() || !err->missing.empty()) continue;
      return std::move(*err);
    }
    if (!std::get<Value>(r).truthy()) {
      std::string message = v.message;
      if (v.refusal) {  // 否则 按 X { … }: the text of X's arm
        auto arm = guarded([&] { return chosen_arm(Activation(&ed, facts).eval(*v.refusal), *v.refusal, v.refusals.size()); });
        if (auto* err = std::get_if<EvalError>(&arm)) return std::move(*err);
        message = v.refusals[std::get<std::size_t>(arm) - 1];
      }
      EvalError e{std::move(message), v.span};
      e.kind = ErrorKind::InvalidApplication;
      return e;
    }
  }
  return std::nullopt;
}
}  // namespace

std::string count_limit_detail(const Edition& ed, const ast::Requirement& refusal, const FactValues& facts) {
  auto shown = [&](const ast::Expr& x) -> std::optional<Value> {
    auto v = evaluate_expression(&ed, x, facts);
    if (auto* value = std::get_if<Value>(&v)) return std::move(*value);
    return std::nullopt;
  };
  const ast::LimitDecl& l = *refusal.limit;
  const ast::Expr* below = refusal.condition.get();
  if (below->kind == ast::ExprKind::Or) below = below->args[1].get();  // 非 当 或 已用 < 不超过
  if (below->kind != ast::ExprKind::Compare) return "";
  const auto used = shown(*below->args[0]), bound = shown(*below->args[1]);
  if (!used || !bound) return "";
  std::string s = "限额 " + l.name + ":";
  if (l.scope == ast::LimitScope::Applicant) s += "本人 ";
  if (l.period == ast::LimitPeriod::Year) s += "本年 ";
  else if (l.period == ast::LimitPeriod::Stated) s += format_date(l.period_from) + " 至 " + format_date(l.period_to) + " ";
  if (l.group) {  // 按 F: the application's group, by its value's name
    const int f = ed.find_fact(l.group->name);
    if (f >= 0 && facts.present[static_cast<std::size_t>(f)]) {
      const Value& g = facts.values[static_cast<std::size_t>(f)];
      const Type& t = ed.facts[static_cast<std::size_t>(f)].type;
      const bool named = t.kind == TypeKind::Enum && t.enum_id >= 0 && g.small >= 0 &&
                         g.small < static_cast<std::int64_t>(ed.enums[static_cast<std::size_t>(t.enum_id)].values.size());
      s += (named ? ed.enums[static_cast<std::size_t>(t.enum_id)].values[static_cast<std::size_t>(g.small)] : format_value(&ed, g)) + " ";
    }
  }
  return s + "已用 " + format_value(&ed, *used) + " 件,上限 " + format_value(&ed, *bound) + " 件";
}

}  // namespace kuan
