// Explanations: every amount says why, in the words of the rule file, citing
// the clause and each rule's file:line:col. The same tree is rendered as
// indented text (--explain) and as JSON under "explanation" (stable names).
#include "tools/cli_internal.hpp"

namespace kuan::cli {

namespace {

std::string money(const Decimal& d) { return d.normalized().to_string() + "元"; }
std::string percent(const Decimal& d) { return (d * Decimal::from_int(100)).normalized().to_string() + "%"; }
std::string at(const Span& s) {
  const std::string w = where(s);
  return w.empty() ? "" : "  [" + w + "]";
}
std::string source(const ast::Expr& e) {
  std::string out;
  for (char c : span_text(e.span)) out += (c == '\n' || c == '\r') ? ' ' : c;
  // Fold the indentation of wrapped rules into single spaces.
  std::string folded;
  for (char c : out)
    if (!(c == ' ' && !folded.empty() && folded.back() == ' ')) folded += c;
  return folded;
}

// A 若 or 按 choice in words: "若 中小企业 且 …:不成立" / "按 采购类型:算力服务".
struct ChoiceWords {
  std::string kind, text, outcome;
};
ChoiceWords words(const Edition& ed, const ChoiceTrace& c) {
  const ast::Expr& e = *c.node;
  if (e.kind == ast::ExprKind::If) return {"若", source(*e.args[0]), c.held ? "成立" : "不成立"};
  const Type& t = ed.notes[*e.args[0]].type;
  std::string value = "#" + std::to_string(c.subject);
  if (t.kind == TypeKind::Enum && t.enum_id >= 0 && c.subject >= 0 &&
      c.subject < static_cast<int>(ed.enums[t.enum_id].values.size()))
    value = ed.enums[t.enum_id].values[c.subject];
  return {"按", source(*e.args[0]), value};
}

}  // namespace

void append_explanation_text(std::string& out, const Edition& ed, const Outcome& o, const Trace& t) {
  const ast::MeasureDecl& m = *o.measure->decl;
  out += "说明:\n";
  out += "  措施 " + m.name;
  if (!m.title.empty()) out += "「" + m.title + "」";
  if (o.measure->clause) out += ",条款 " + o.measure->clause->ref + " " + o.measure->clause->title;
  out += "," + ed.name + at(m.span) + "\n";
  if (!t.conditions.empty()) {
    out += "  条件:\n";
    for (const auto& c : t.conditions) {
      out += std::string("    ") + (c.held ? "✓ " : "✗ ") + source(*c.requirement->condition);
      if (!c.held) out += ":不满足 —— " + c.requirement->reason;
      out += at(c.requirement->span) + "\n";
    }
  }
  if (!o.eligible) {
    out += "  结论:不适用,金额 " + o.amount.to_string() + " 元\n";
    return;
  }
  auto choices = [&](const std::vector<ChoiceTrace>& list) {
    for (const auto& c : list) {
      const ChoiceWords w = words(ed, c);
      out += "    " + w.kind + " " + w.text + ":" + w.outcome + at(c.node->span) + "\n";
    }
  };
  if (t.rate) {
    out += "  比例:" + percent(*t.rate) + at(m.rate_span) + "\n";
    choices(t.rate_choices);
  }
  if (t.base) out += "  基数:" + money(*t.base) + at(m.base_span) + "\n";
  out += "  计算:" + (m.amount ? source(*m.amount) : std::string("基数 × 比例")) + " = " + money(t.computed) +
         (m.amount ? at(m.amount_span) : "") + "\n";
  if (m.amount) choices(t.amount_choices);
  for (const auto& c : t.caps) {
    out += std::string("  ") + (c.cap->stacking ? "叠加上限 " : "上限 ") + c.cap->name + ":";
    if (!c.applies) {
      out += "不适用(当 " + source(*c.cap->when) + " 不成立)" + at(c.cap->span) + "\n";
      continue;
    }
    out += money(c.limit);
    if (c.used) out += ",已用 " + money(*c.used) + ",余额 " + money(c.room);
    if (o.bound == c.cap) out += " ← 起限制作用";
    out += at(c.cap->span) + "\n";
  }
  if (o.bound && o.amount.is_zero()) out += "  注意:上限 " + o.bound->name + " 已用尽\n";
  out += "  舍入:" + ed.rounding_name + " 至 " + money(ed.rounding_step) + "," + money(t.before_rounding) + " → " +
         o.amount.to_string() + "元\n";
  out += "  结论:适用,金额 " + o.amount.to_string() + " 元" + (o.bound ? "(受限于 " + o.bound->name + ")" : "") + "\n";
}

void append_explanation_json(std::string& out, const Edition& ed, const Outcome& o, const Trace& t) {
  const ast::MeasureDecl& m = *o.measure->decl;
  auto field = [&](const char* name, const std::string& value) {
    out += ",\"";
    out += name;
    out += "\":";
    append_json_string(out, value);
  };
  auto choices = [&](const std::vector<ChoiceTrace>& list) {
    out += ",\"choices\":[";
    for (std::size_t i = 0; i < list.size(); ++i) {
      const ChoiceWords w = words(ed, list[i]);
      out += i ? ",{\"kind\":" : "{\"kind\":";
      append_json_string(out, w.kind);
      field("expression", w.text);
      field("outcome", w.outcome);
      field("at", where(list[i].node->span));
      out += '}';
    }
    out += ']';
  };
  out += "{\"measure\":";
  append_json_string(out, m.name);
  field("title", m.title);
  if (o.measure->clause) field("clause", o.measure->clause->ref), field("clause_title", o.measure->clause->title);
  field("version", ed.name);
  field("at", where(m.span));
  out += ",\"conditions\":[";
  for (std::size_t i = 0; i < t.conditions.size(); ++i) {
    const auto& c = t.conditions[i];
    out += i ? ",{" : "{";
    out += "\"condition\":";
    append_json_string(out, source(*c.requirement->condition));
    out += c.held ? ",\"held\":true" : ",\"held\":false";
    field("reason", c.requirement->reason);
    field("at", where(c.requirement->span));
    out += '}';
  }
  out += ']';
  out += o.eligible ? ",\"eligible\":true" : ",\"eligible\":false";
  if (o.eligible) {
    if (t.rate) {
      out += ",\"rate\":{\"value\":";
      append_json_string(out, t.rate->normalized().to_string());
      field("at", where(m.rate_span));
      choices(t.rate_choices);
      out += '}';
    }
    if (t.base) {
      out += ",\"base\":{\"value\":";
      append_json_string(out, t.base->normalized().to_string());
      field("at", where(m.base_span));
      out += '}';
    }
    out += ",\"computed\":{\"value\":";
    append_json_string(out, t.computed.normalized().to_string());
    field("expression", m.amount ? source(*m.amount) : "基数 × 比例");
    if (m.amount) choices(t.amount_choices);
    out += '}';
    out += ",\"caps\":[";
    for (std::size_t i = 0; i < t.caps.size(); ++i) {
      const auto& c = t.caps[i];
      out += i ? ",{" : "{";
      out += "\"name\":";
      append_json_string(out, c.cap->name);
      field("kind", c.cap->stacking ? "叠加" : "上限");
      out += c.applies ? ",\"applies\":true" : ",\"applies\":false";
      if (c.applies) {
        field("limit", c.limit.normalized().to_string());
        if (c.used) field("used", c.used->normalized().to_string());
        field("room", c.room.normalized().to_string());
      } else {
        field("when", source(*c.cap->when));
      }
      out += o.bound == c.cap ? ",\"bound\":true" : ",\"bound\":false";
      field("at", where(c.cap->span));
      out += '}';
    }
    out += ']';
    out += ",\"rounding\":{\"mode\":";
    append_json_string(out, ed.rounding_name);
    field("step", ed.rounding_step.to_string());
    field("before", t.before_rounding.normalized().to_string());
    field("after", o.amount.to_string());
    out += '}';
  }
  out += ",\"amount\":";
  append_json_string(out, o.amount.to_string());
  out += ",\"bound\":";
  if (o.bound) append_json_string(out, o.bound->name);
  else out += "null";
  out += '}';
}

}  // namespace kuan::cli
