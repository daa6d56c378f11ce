// The plan of a measure's evaluation — what is checked, in which order — written
// once and followed by both evaluators: the reference tree-walker
// (evaluator.cpp, over Decimal) and the compiled form (compiled.cpp, over 64-bit
// fixed point). Neither keeps its own copy of the order, so they cannot drift.
//
//   1. each 需要 … 当 C: when C holds, its facts must be given;
//   2. each 要求 in order (a failed one is recorded; once one has failed, a later
//      one that cannot be evaluated does not change the verdict);
//   2a. each 结果 in order, rounded as the edition says (金额 may read them); only
//      the tree-walker has figure(k): the compiled form hands such a measure over;
//   3. the amount: 金额 = …, or 基数 × 比例 (基数 first);
//   4. each cap in order (MeasureInfo::caps): skipped when its 当 fails; room =
//      max(0, 不超过 − 已用); the amount is cut to the room when the room is less;
//   5. a negative amount is an error in the rule (unless the measure is 可为负);
//   6. the amount rounded as the edition says.
//
// An Engine supplies the values; its Number is what it computes with:
//   bool need_applies(k)                    the k-th 需要 … 当's condition
//   void need_facts(k)                      its facts are given (or raise / hand over)
//   std::optional<bool> requirement(i, decided)   the i-th 要求; nullopt: skip it
//                                           (only when `decided`: one already failed)
//   Number amount(choices) / base() / rate() / times(a, b)
//   bool cap_applies(i) / Number cap_limit(i) / Number cap_used(i)
//   Number minus(a, b) / int sign(x) / bool less(a, b) / Number zero()
//   std::optional<Decimal> traced_rate() / traced_base()   for the explanation
//   Decimal decimal(x) / void negative(x) [never returns] / Decimal rounded(x)
//   const FactValues& given()               the application's facts (a count limit's explanation)
#pragma once

#include <optional>

#include "interpreter/evaluator.hpp"

namespace kuan {

template <class Engine>
Outcome evaluate_in_order(const Edition& ed, const MeasureInfo& info, Engine& e, Trace* trace) {
  using Number = typename Engine::Number;
  Outcome out;
  out.measure = &info;
  if (trace) {  // at most one entry per 要求 and per cap: one allocation each, not a vector's doublings
    trace->conditions.reserve(info.requirements.size());
    trace->caps.reserve(info.caps.size());
  }
  for (std::size_t k = 0; k < info.conditional_needs.size(); ++k)
    if (e.need_applies(k)) e.need_facts(k);
  for (std::size_t i = 0; i < info.requirements.size(); ++i) {
    if (info.requirements[i]->alternative_of) continue;  // a text of 否则 按 { … }: chosen below
    const std::optional<bool> held = e.requirement(i, !out.failed.empty());
    if (!held) continue;
    const ast::Requirement* r = info.requirements[i];
    // 否则 按 X { … }: the arm X falls in names the text (the k-th follows r).
    // Only the tree-walker meets one: the compiled form hands such a measure over.
    if (!*held && r->refusal) {
      if constexpr (requires { e.refusal_arm(i); }) r = info.requirements[i + e.refusal_arm(i)];
    }
    if (trace) {
      ConditionTrace c{r, *held};
      // A count limit's numbers, read from its requirement (a text chosen by arm has no condition).
      if (info.requirements[i]->limit) c.detail = count_limit_detail(ed, *info.requirements[i], e.given());
      trace->conditions.push_back(std::move(c));
    }
    if (!*held) out.failed.push_back(r);
  }
  if (!out.failed.empty()) {
    out.eligible = false;
    out.amount = Decimal::from_scaled(0, ed.rounding_places);
    return out;
  }
  out.eligible = true;
  if constexpr (requires { e.figure(std::size_t{}, static_cast<std::vector<ChoiceTrace>*>(nullptr)); }) {
    for (std::size_t k = 0; k < info.decl->results.size(); ++k) {
      FigureTrace* t = trace ? &trace->figures.emplace_back() : nullptr;
      out.figures.push_back(e.figure(k, t ? &t->choices : nullptr));
      if (t) t->value = out.figures.back();
    }
  }
  Number amount;
  if (info.decl->amount) {
    amount = e.amount(trace ? &trace->amount_choices : nullptr);
  } else {
    const Number base = e.base();
    const Number rate = e.rate();
    amount = e.times(base, rate);
  }
  if (trace) {
    trace->rate = e.traced_rate();
    trace->base = e.traced_base();
    trace->computed = e.decimal(amount);
  }
  for (std::size_t i = 0; i < info.caps.size(); ++i) {
    const ast::LimitDecl* cap = info.caps[i];
    if (cap->when && !e.cap_applies(i)) {
      if (trace) trace->caps.push_back({cap, false, {}, std::nullopt, {}});
      continue;
    }
    const Number limit = e.cap_limit(i);
    Number room = limit;
    std::optional<Number> used;
    if (cap->used) {
      used = e.cap_used(i);
      room = e.minus(limit, *used);
    }
    if (e.sign(room) < 0) room = e.zero();
    if (e.less(room, amount)) {
      amount = room;
      out.bound = cap;
    }
    if (trace)
      trace->caps.push_back({cap, true, e.decimal(limit), used ? std::optional<Decimal>(e.decimal(*used)) : std::nullopt,
                             e.decimal(room)});
  }
  if (trace) trace->before_rounding = e.decimal(amount);
  // No rule may pay a negative amount (nor, in allocation, feed one into a pool),
  // unless the measure says its result may be negative (可为负: tax due vs. refund).
  if (e.sign(amount) < 0 && !info.decl->signed_result) e.negative(amount);
  out.amount = e.rounded(amount);
  return out;
}

}  // namespace kuan
