// Explanations: every amount says why, citing the clause and the rule lines.
#include "tools/cli.hpp"

namespace kuan::cli {

namespace {
std::string money(const Decimal& d) { return d.normalized().to_string() + "元"; }
std::string percent(const Decimal& d) { return (d * Decimal::from_int(100)).normalized().to_string() + "%"; }
std::string at(const Span& s) {
  const std::string w = where(s);
  return w.empty() ? "" : "  [" + w + "]";
}
}  // namespace

void append_explanation_text(std::string& out, const Edition& ed, const Outcome& o, const Trace& t) {
  const ast::MeasureDecl& m = *o.measure->decl;
  out += "说明:\n";
  out += "  措施 " + m.name;
  if (o.measure->clause) out += ",条款 " + o.measure->clause->ref + " " + o.measure->clause->title;
  if (!m.title.empty()) out += "(" + m.title + ")";
  out += at(m.span) + "\n";
  if (!t.conditions.empty()) {
    out += "  条件:\n";
    for (const auto& c : t.conditions)
      out += std::string("    ") + (c.held ? "✓ 满足:" : "✗ 不满足:") + c.requirement->reason + at(c.requirement->span) + "\n";
  }
  if (!o.eligible) {
    out += "  结论:不适用,金额 " + o.amount.to_string() + " 元\n";
    return;
  }
  if (t.rate) out += "  比例:" + percent(*t.rate) + at(m.rate_span) + "\n";
  if (t.base) out += "  基数:" + money(*t.base) + at(m.base_span) + "\n";
  out += "  计算:" + std::string(m.amount ? "金额" : "基数 × 比例") + " = " + money(t.computed) + "\n";
  for (const auto& c : t.caps) {
    out += std::string("  ") + (c.cap->stacking ? "叠加上限 " : "上限 ") + c.cap->name + ":";
    if (!c.applies) {
      out += "不适用(条件不成立)" + at(c.cap->span) + "\n";
      continue;
    }
    out += money(c.limit);
    if (c.used) out += ",已用 " + money(*c.used) + ",余额 " + money(c.room);
    if (o.bound == c.cap) out += " ← 起限制作用";
    out += at(c.cap->span) + "\n";
  }
  out += "  舍入:" + ed.rounding_name + " 至 " + money(ed.rounding_step) + "," + money(t.before_rounding) + " → " +
         o.amount.to_string() + "元\n";
}

void append_explanation_json(std::string& out, const Edition& ed, const Outcome& o, const Trace& t) {
  const ast::MeasureDecl& m = *o.measure->decl;
  auto field = [&](const char* name, const std::string& value) {
    out += ",\"";
    out += name;
    out += "\":";
    append_json_string(out, value);
  };
  out += "{\"measure\":";
  append_json_string(out, m.name);
  if (o.measure->clause) field("clause", o.measure->clause->ref);
  field("at", where(m.span));
  out += ",\"conditions\":[";
  for (std::size_t i = 0; i < t.conditions.size(); ++i) {
    const auto& c = t.conditions[i];
    out += i ? ",{" : "{";
    out += c.held ? "\"held\":true" : "\"held\":false";
    field("reason", c.requirement->reason);
    field("at", where(c.requirement->span));
    out += '}';
  }
  out += ']';
  if (o.eligible) {
    if (t.rate) out += ",\"rate\":{\"value\":", append_json_string(out, t.rate->normalized().to_string()), field("at", where(m.rate_span)), out += '}';
    if (t.base) out += ",\"base\":{\"value\":", append_json_string(out, t.base->normalized().to_string()), field("at", where(m.base_span)), out += '}';
    field("computed", t.computed.normalized().to_string());
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
  out += '}';
}

}  // namespace kuan::cli
