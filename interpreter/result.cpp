#include "interpreter/result.hpp"

#include <algorithm>

namespace kuan {

std::string exhausted_cap_note(std::string_view cap) {
  return "上限 " + std::string(cap) + " 已用尽,本次可得金额为零";
}

std::vector<std::string> outcome_notes(const Outcome& o) {
  if (o.eligible && o.bound && o.amount.is_zero()) return {exhausted_cap_note(o.bound->name)};
  return {};
}

RulePlace place_of(const Span& span) {
  RulePlace p;
  if (!span.file) return p;
  const auto loc = span.file->locate(span.begin);
  p.file = span.file->name();
  p.line = static_cast<int>(loc.line);
  p.column = static_cast<int>(loc.column);
  return p;
}

const char* status_name(MeasureStatus status) {
  switch (status) {
    case MeasureStatus::Eligible: return "eligible";
    case MeasureStatus::NotEligible: return "not_eligible";
    case MeasureStatus::NeedsFacts: return "needs_facts";
    case MeasureStatus::Error: break;
  }
  return "error";
}

std::string where(const RulePlace& at) {
  if (!at.known()) return "";
  std::string out(at.file);
  out += ':';
  out += std::to_string(at.line);
  out += ':';
  out += std::to_string(at.column);
  return out;
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

std::vector<ChoiceRecord> choices(const Edition& ed, const std::vector<ChoiceTrace>& list) {
  std::vector<ChoiceRecord> out;
  for (const auto& c : list) {
    const ast::Expr& e = *c.node;
    ChoiceRecord r;
    r.at = place_of(e.span);
    r.expression = source(*e.args[0]);
    if (e.kind == ast::ExprKind::Aggregate) {
      // 合计 子女 { 月数 当 … }:共 3 项,计入 2 项,得 18
      const std::string written = source(e);
      r.kind = std::string(written.substr(0, std::min(written.size(), written.find(' '))));
      r.expression = written.substr(std::min(written.size(), written.find(' ') + 1));
      r.outcome = c.detail;  // written where it was computed (evaluator.cpp)
      out.push_back(std::move(r));
      continue;
    }
    if (e.kind == ast::ExprKind::If) {
      r.kind = "若";
      r.outcome = c.held ? "成立" : "不成立";
    } else if (e.kind == ast::ExprKind::Progressive) {
      r.kind = "累进";
      r.outcome = c.detail;
    } else if (e.kind == ast::ExprKind::Ranges) {
      r.kind = "按";
      r.outcome = c.detail;
    } else {
      r.kind = "按";
      const Type& t = ed.notes[*e.args[0]].type;
      r.outcome = "#" + std::to_string(c.subject);
      if (t.kind == TypeKind::Enum && t.enum_id >= 0 && c.subject >= 0 &&
          c.subject < static_cast<int>(ed.enums[t.enum_id].values.size()))
        r.outcome = ed.enums[t.enum_id].values[c.subject];
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

ExplanationRecord describe_explanation(const Edition& ed, const Outcome& o, const Trace& t) {
  const ast::MeasureDecl& m = *o.measure->decl;
  ExplanationRecord x;
  x.measure = m.name;
  x.title = m.title;
  if (o.measure->clause) x.clause = o.measure->clause->ref, x.clause_title = o.measure->clause->title;
  x.version = ed.name;
  x.at = place_of(m.span);
  for (const auto& c : t.conditions) {
    // A text of 否则 按 { … } shows the condition it refuses (its own reason).
    const ast::Requirement& shown = c.requirement->alternative_of ? *c.requirement->alternative_of : *c.requirement;
    x.conditions.push_back({source(*shown.condition), c.requirement->reason, c.held, place_of(c.requirement->span), c.detail});
  }
  x.eligible = o.eligible;
  x.amount = o.amount.to_string();
  if (o.bound) x.bound = o.bound->name;
  if (!o.eligible) return x;
  if (t.rate) x.rate = text(*t.rate), x.rate_at = place_of(m.rate_span), x.rate_choices = choices(ed, t.rate_choices);
  if (t.base) x.base = text(*t.base), x.base_at = place_of(m.base_span);
  x.computed = text(t.computed);
  x.computed_expression = m.amount ? source(*m.amount) : "基数 × 比例";
  if (m.amount) x.computed_at = place_of(m.amount_span), x.amount_choices = choices(ed, t.amount_choices);
  // A cap lowers the amount when its room is smaller than the amount so far
  // (the evaluator's rule, replayed); the last one to do so is the bound.
  Decimal running = t.computed;
  for (const auto& c : t.caps) {
    CapRecord r;
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
    r.at = place_of(c.cap->span);
    x.caps.push_back(std::move(r));
  }
  x.rounding_mode = ed.rounding_name;
  x.rounding_step = ed.rounding_step.to_string();
  x.before_rounding = text(t.before_rounding);
  return x;
}

ResultRecord describe_result(const Edition& ed, const Outcome& o, const Trace* trace) {
  ResultRecord r;
  r.measure = o.measure->decl->name;
  r.version = ed.name;
  if (o.measure->clause) r.clause = o.measure->clause->ref;
  r.eligible = o.eligible;
  r.amount = o.amount.to_string();
  r.reasons.reserve(o.failed.size());
  for (const auto* req : o.failed) r.reasons.push_back(req->reason);
  if (o.bound) r.bound = o.bound->name;
  r.notes = outcome_notes(o);
  if (trace) r.explanation = describe_explanation(ed, o, *trace);
  return r;
}

}  // namespace kuan
