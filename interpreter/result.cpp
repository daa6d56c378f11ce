#include "interpreter/result.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "base/error_kind.hpp"

namespace kuan {

std::string exhausted_cap_note(std::string_view cap) {
  return "上限 " + std::string(cap) + " 已用尽,本次可得金额为零";
}

std::vector<std::string> outcome_notes(const Outcome& o) {
  if (o.eligible && o.bound && o.amount.is_zero()) return {exhausted_cap_note(o.bound->name)};
  return {};
}

api::Position place_of(const Span& span) {
  api::Position p;
  if (!span.file) return p;
  const auto loc = span.file->locate(span.begin);
  p.file = span.file->name();
  p.line = static_cast<int>(loc.line);
  p.column = static_cast<int>(loc.column);
  return p;
}

const char* measure_status_name(api::MeasureStatus status) noexcept {
  switch (status) {
    case api::MeasureStatus::Eligible: return "eligible";
    case api::MeasureStatus::NotEligible: return "not_eligible";
    case api::MeasureStatus::NeedsFacts: return "needs_facts";
    case api::MeasureStatus::Error: break;
  }
  return "error";
}

const char* error_code_kind(api::ErrorCode code, bool names_fact) noexcept {
  using C = api::ErrorCode;
  using K = ErrorKind;
  K k = K::Internal;
  switch (code) {
    case C::Ok: return "";
    case C::RuleErrors: k = K::RuleErrors; break;
    case C::UnknownEdition: k = K::NoEdition; break;
    case C::UnknownMeasure: k = K::UnknownMeasure; break;
    case C::UnknownFact: k = K::UnknownFact; break;
    case C::WrongFactType:
    case C::InvalidFactValue: k = K::BadFact; break;
    case C::BadJson: k = K::BadLine; break;
    case C::MissingFacts: k = K::MissingFact; break;
    case C::EvaluationError: k = names_fact ? K::MissingFact : K::EvaluationError; break;
    case C::WrongEdition:
    case C::InvalidArgument: k = K::InvalidArgument; break;
    case C::Internal: k = K::Internal; break;
    case C::InvalidApplication: k = K::InvalidApplication; break;
  }
  return error_kind_code(k);
}

std::string where(const api::Position& at) {
  if (!at.known()) return "";
  return fmt::format("{}:{}:{}", at.file, at.line, at.column);
}

namespace {

std::string text(const Decimal& d) { return d.normalized().to_string(); }

// An expression as written, on one line: newlines become spaces and the
// indentation of wrapped rules folds into single spaces.
std::string source(const ast::Expr& e) {
  std::string folded;
  for (char c : span_text(e.span)) {
    if (c == '\n' || c == '\r') c = ' ';
    if (!(c == ' ' && !folded.empty() && folded.back() == ' ')) folded += c;
  }
  return folded;
}

// A condition as the explanation states it. A count limit's refusal is a
// comparison the checker made up (lower_refusals): its source span would read
// "不超过 … 已用 F", so it is named by its limit instead; its numbers follow in the detail.
std::string condition_text(const ast::Requirement& r) {
  if (!r.limit) return source(*r.condition);
  std::string s = "未达 限额 " + r.limit->name + " 的上限";
  if (r.limit->when) s += "(当 " + source(*r.limit->when) + " 时)";
  return s;
}

std::vector<api::ChoiceStep> choices(const Edition& ed, const ChoiceList& list) {
  std::vector<api::ChoiceStep> out;
  for (const auto& c : list) {
    const ast::Expr& e = *c.node;
    api::ChoiceStep r;
    r.where = place_of(e.span);
    r.expression = source(*e.args[0]);
    if (e.kind == ast::ExprKind::Aggregate) {
      // 合计 子女 { 月数 当 … }:共 3 项,计入 2 项,得 18
      const std::string written = source(e);
      r.kind = std::string(written.substr(0, std::min(written.size(), written.find(' '))));
      r.expression = written.substr(std::min(written.size(), written.find(' ') + 1));
      r.outcome = c.detail;  // written where it was computed (activation.cpp)
      out.push_back(std::move(r));
      continue;
    }
    if (e.kind == ast::ExprKind::If) {
      r.kind = "若";
      r.outcome = c.held ? "成立" : "不成立";
    } else if (e.kind == ast::ExprKind::Progressive) {
      r.kind = "累进";
      if (!e.name.empty()) r.expression += " 按 " + e.name;  // the 累进表 applied
      r.outcome = c.detail;
    } else if (e.kind == ast::ExprKind::Ranges) {
      r.kind = "按";
      r.outcome = c.detail;
    } else {
      r.kind = "按";
      const Type& t = ed.notes[*e.args[0]].type;
      r.outcome = fmt::format("#{}", c.subject);
      if (t.kind == TypeKind::Enum && t.enum_id >= 0 && c.subject >= 0 &&
          c.subject < static_cast<int>(ed.enums[t.enum_id].values.size()))
        r.outcome = ed.enums[t.enum_id].values[c.subject];
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

api::Explanation describe_explanation(const Edition& ed, const Outcome& o, const Trace& t) {
  const ast::MeasureDecl& m = *o.measure->decl;
  api::Explanation x;
  x.measure = m.name;
  x.title = m.title;
  if (o.measure->clause) x.clause = o.measure->clause->ref, x.clause_title = o.measure->clause->title;
  x.edition = ed.name;
  x.where = place_of(m.span);
  for (const auto& c : t.conditions) {
    // A text of 否则 按 { … } shows the condition it refuses (its own reason).
    const ast::Requirement& shown = c.requirement->alternative_of ? *c.requirement->alternative_of : *c.requirement;
    x.conditions.push_back({c.requirement->reason, c.held, place_of(c.requirement->span), condition_text(shown), c.detail});
  }
  x.eligible = o.eligible;
  x.amount = o.amount.to_string();
  if (o.bound) x.bound = o.bound->name;
  if (!o.eligible) return x;
  if (t.rate) x.rate = text(*t.rate), x.rate_where = place_of(m.rate_span), x.rate_choices = choices(ed, t.rate_choices);
  if (t.base) x.base = text(*t.base), x.base_where = place_of(m.base_span);
  x.computed = text(t.computed);
  x.computed_expression = m.amount ? source(*m.amount) : "基数 × 比例";
  if (m.amount) x.computed_where = place_of(m.amount_span), x.amount_choices = choices(ed, t.amount_choices);
  for (std::size_t k = 0; k < t.figures.size() && k < m.results.size(); ++k) {
    const ast::NamedResult& r = m.results[k];
    x.figures.push_back({r.name, t.figures[k].value.to_string(), source(*r.value), place_of(r.span), choices(ed, t.figures[k].choices)});
  }
  // A cap lowers the amount when its room is smaller than the amount so far
  // (the evaluator's rule, replayed); the last one to do so is the bound.
  Decimal running = t.computed;
  for (const auto& c : t.caps) {
    api::CapStep r;
    r.name = c.cap->name;
    r.stacking = c.cap->stacking;
    r.applies = c.applies;
    if (c.applies) {
      r.limit = text(c.limit);
      if (c.used) r.used = text(*c.used);
      r.room = text(c.room);
      if (c.room < running) r.lowered = true, running = c.room;
    } else {
      r.when = source(*c.cap->when);
    }
    r.bound = o.bound == c.cap;
    r.where = place_of(c.cap->span);
    x.caps.push_back(std::move(r));
  }
  x.rounding_mode = ed.rounding_name;
  x.rounding_step = ed.rounding_step.to_string();
  x.before_rounding = text(t.before_rounding);
  return x;
}

api::Evaluation describe_result(const Edition& ed, const Outcome& o, const Trace* trace) {
  api::Evaluation r;
  r.measure = o.measure->decl->name;
  r.edition = ed.name;
  if (o.measure->clause) r.clause = o.measure->clause->ref;
  r.eligible = o.eligible;
  r.amount = o.amount.to_string();
  r.amount_fen = o.amount.to_int64_at_scale(2);
  r.reasons.reserve(o.failed.size());
  for (const auto* req : o.failed) r.reasons.push_back(req->reason);
  if (o.bound) r.bound = o.bound->name;
  r.notes = outcome_notes(o);
  for (std::size_t k = 0; k < o.figures.size() && k < o.measure->decl->results.size(); ++k)
    r.figures.push_back({o.measure->decl->results[k].name, o.figures[k].to_string()});
  if (trace) r.explanation = describe_explanation(ed, o, *trace);
  return r;
}

}  // namespace kuan
