#include "api/result.hpp"

#include "interpreter/render.hpp"

namespace kuan::api {

namespace detail {


Position to_public(const ::kuan::RulePlace& p) { return Position{std::string(p.file), p.line, p.column}; }
::kuan::RulePlace to_place(const Position& p) { return ::kuan::RulePlace{p.file, p.line, p.column}; }

std::vector<ChoiceStep> to_public(std::vector<::kuan::ChoiceRecord>&& list) {
  std::vector<ChoiceStep> out;
  out.reserve(list.size());
  for (auto& c : list) out.push_back(ChoiceStep{std::move(c.kind), std::move(c.expression), std::move(c.outcome), to_public(c.at)});
  return out;
}

std::vector<::kuan::ChoiceRecord> to_records(const std::vector<ChoiceStep>& list) {
  std::vector<::kuan::ChoiceRecord> out;
  out.reserve(list.size());
  for (const auto& c : list) out.push_back(::kuan::ChoiceRecord{c.kind, c.expression, c.outcome, to_place(c.where)});
  return out;
}

Explanation to_public(::kuan::ExplanationRecord&& x) {
  Explanation e;
  e.measure = std::move(x.measure);
  e.title = std::move(x.title);
  e.clause = std::move(x.clause);
  e.clause_title = std::move(x.clause_title);
  e.where = to_public(x.at);
  for (auto& c : x.conditions) {
    ConditionStep s;
    s.reason = std::move(c.reason);
    s.held = c.held;
    s.where = to_public(c.at);
    s.condition = std::move(c.condition);
    s.detail = std::move(c.detail);
    e.conditions.push_back(std::move(s));
  }
  e.rate = std::move(x.rate);
  e.rate_where = to_public(x.rate_at);
  e.base = std::move(x.base);
  e.base_where = to_public(x.base_at);
  e.computed = std::move(x.computed);
  for (auto& c : x.caps) {
    CapStep s;
    s.name = std::move(c.name);
    s.stacking = c.stacking;
    s.applies = c.applies;
    s.limit = std::move(c.limit);
    s.used = std::move(c.used);
    s.room = std::move(c.room);
    s.lowered = c.lowered;
    s.bound = c.bound;
    s.where = to_public(c.at);
    s.when = std::move(c.when);
    e.caps.push_back(std::move(s));
  }
  e.rounding_mode = std::move(x.rounding_mode);
  e.rounding_step = std::move(x.rounding_step);
  e.before_rounding = std::move(x.before_rounding);
  e.edition = std::move(x.version);
  e.eligible = x.eligible;
  e.rate_choices = to_public(std::move(x.rate_choices));
  e.computed_expression = std::move(x.computed_expression);
  e.computed_where = to_public(x.computed_at);
  e.amount_choices = to_public(std::move(x.amount_choices));
  e.amount = std::move(x.amount);
  e.bound = std::move(x.bound);
  return e;
}

::kuan::ExplanationRecord to_record(const Explanation& e) {
  ::kuan::ExplanationRecord x;
  x.measure = e.measure;
  x.title = e.title;
  x.clause = e.clause;
  x.clause_title = e.clause_title;
  x.version = e.edition;
  x.at = to_place(e.where);
  for (const auto& c : e.conditions) x.conditions.push_back({c.condition, c.reason, c.held, to_place(c.where), c.detail});
  x.eligible = e.eligible;
  x.rate = e.rate;
  x.rate_at = to_place(e.rate_where);
  x.rate_choices = to_records(e.rate_choices);
  x.base = e.base;
  x.base_at = to_place(e.base_where);
  x.computed = e.computed;
  x.computed_expression = e.computed_expression;
  x.computed_at = to_place(e.computed_where);
  x.amount_choices = to_records(e.amount_choices);
  for (const auto& c : e.caps)
    x.caps.push_back({c.name, c.stacking, c.applies, c.limit, c.used, c.room, c.when, c.lowered, c.bound, to_place(c.where)});
  x.rounding_mode = e.rounding_mode;
  x.rounding_step = e.rounding_step;
  x.before_rounding = e.before_rounding;
  x.amount = e.amount;
  x.bound = e.bound;
  return x;
}

Evaluation to_public(::kuan::ResultRecord&& r) {
  Evaluation e;
  e.measure = std::move(r.measure);
  e.edition = std::move(r.version);
  e.clause = std::move(r.clause);
  e.eligible = r.eligible;
  e.amount = std::move(r.amount);
  e.reasons = std::move(r.reasons);
  e.bound = std::move(r.bound);
  e.notes = std::move(r.notes);
  if (r.explanation) e.explanation = to_public(std::move(*r.explanation));
  return e;
}

::kuan::ResultRecord to_record(const Evaluation& e) {
  ::kuan::ResultRecord r;
  r.measure = e.measure;
  r.version = e.edition;
  r.clause = e.clause;
  r.eligible = e.eligible;
  r.amount = e.amount;
  r.reasons = e.reasons;
  r.bound = e.bound;
  r.notes = e.notes;
  if (e.explanation) r.explanation = to_record(*e.explanation);
  return r;
}

}  // namespace detail

// Rendering cannot fail but for memory: then the text is empty.
std::string to_json(const Evaluation& result) {
  std::string out;
  try {
    ::kuan::append_result_json(out, detail::to_record(result));
  } catch (...) {
    out.clear();
  }
  return out;
}

std::string to_text(const Evaluation& result) {
  std::string out;
  try {
    ::kuan::append_result_text(out, detail::to_record(result));
  } catch (...) {
    out.clear();
  }
  return out;
}

std::string to_json(const Explanation& explanation) {
  std::string out;
  try {
    ::kuan::append_explanation_json(out, detail::to_record(explanation));
  } catch (...) {
    out.clear();
  }
  return out;
}

std::string to_text(const Explanation& explanation) {
  std::string out;
  try {
    ::kuan::append_explanation_text(out, detail::to_record(explanation));
  } catch (...) {
    out.clear();
  }
  return out;
}

}  // namespace kuan::api
