// Results and explanations as JSON (docs/cli-json.md) and as text: the one
// place that defines their shape. Every amount says why, in the words of the
// rule file, citing the clause and each rule's file:line:col.
#include "interpreter/render.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <iterator>

#include <fmt/format.h>

#include "base/json_string.hpp"

namespace kuan {

namespace {

std::string normalized(std::string_view text) {
  auto d = Decimal::parse(text);
  return d ? d->normalized().to_string() : std::string(text);
}
std::string money(const std::string& normalized_text) { return normalized_text + "元"; }
std::string percent(const std::string& fraction) {
  auto d = Decimal::parse(fraction);
  return (d ? (*d * Decimal::from_int(100)).normalized().to_string() : fraction) + "%";
}
std::string at(const api::Position& p) {
  const std::string w = where(p);
  return w.empty() ? "" : "  [" + w + "]";
}
bool is_zero(const std::string& amount) {
  auto d = Decimal::parse(amount);
  return d && d->is_zero();
}

void field(std::string& out, const char* name, const std::string& value) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(out, value);
}

void choices_json(std::string& out, const std::vector<api::ChoiceStep>& list) {
  out += ",\"choices\":[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    out += i ? ",{\"kind\":" : "{\"kind\":";
    append_json_string(out, list[i].kind);
    field(out, "expression", list[i].expression);
    field(out, "outcome", list[i].outcome);
    field(out, "at", where(list[i].where));
    out += '}';
  }
  out += ']';
}

void choices_text(std::string& out, const std::vector<api::ChoiceStep>& list) {
  for (const auto& c : list) out += "    " + c.kind + " " + c.expression + ":" + c.outcome + at(c.where) + "\n";
}

}  // namespace

void append_explanation_text(std::string& out, const api::Explanation& x) {
  out += "说明:\n";
  out += "  措施 " + x.measure;
  if (!x.title.empty()) out += "「" + x.title + "」";
  if (!x.clause.empty()) out += ",条款 " + x.clause + " " + x.clause_title;
  out += "," + x.edition + at(x.where) + "\n";
  if (!x.conditions.empty()) {
    out += "  条件:\n";
    for (const auto& c : x.conditions) {
      out += std::string("    ") + (c.held ? "✓ " : "✗ ") + c.condition;
      if (!c.held) out += ":不满足 —— " + c.reason;
      out += at(c.where) + "\n";
      if (!c.detail.empty()) out += "      " + c.detail + "\n";
    }
  }
  if (!x.eligible) {
    out += "  结论:不适用,金额 " + x.amount + " 元\n";
    return;
  }
  if (x.rate) {
    out += "  比例:" + percent(*x.rate) + at(x.rate_where) + "\n";
    choices_text(out, x.rate_choices);
  }
  if (x.base) out += "  基数:" + money(*x.base) + at(x.base_where) + "\n";
  for (const auto& f : x.figures) {
    out += "  结果 " + f.name + ":" + f.expression + " = " + f.value + "元" + at(f.where) + "\n";
    choices_text(out, f.choices);
  }
  out += "  计算:" + x.computed_expression + " = " + money(x.computed) + at(x.computed_where) + "\n";
  if (x.computed_where.known()) choices_text(out, x.amount_choices);
  for (const auto& c : x.caps) {
    out += std::string("  ") + (c.stacking ? "叠加上限 " : "上限 ") + c.name + ":";
    if (!c.applies) {
      out += "不适用(当 " + c.when + " 不成立)" + at(c.where) + "\n";
      continue;
    }
    out += money(c.limit);
    if (c.used) out += ",已用 " + money(*c.used) + ",余额 " + money(c.room);
    if (c.bound) out += " ← 起限制作用";
    out += at(c.where) + "\n";
  }
  if (x.bound && is_zero(x.amount)) out += "  注意:上限 " + *x.bound + " 已用尽\n";
  out += "  舍入:" + x.rounding_mode + " 至 " + money(normalized(x.rounding_step)) + "," + money(x.before_rounding) +
         " → " + x.amount + "元\n";
  out += "  结论:适用,金额 " + x.amount + " 元" + (x.bound ? "(受限于 " + *x.bound + ")" : "") + "\n";
}

void append_explanation_json(std::string& out, const api::Explanation& x) {
  out += "{\"measure\":";
  append_json_string(out, x.measure);
  field(out, "title", x.title);
  if (!x.clause.empty()) field(out, "clause", x.clause), field(out, "clause_title", x.clause_title);
  field(out, "version", x.edition);
  field(out, "at", where(x.where));
  out += ",\"conditions\":[";
  for (std::size_t i = 0; i < x.conditions.size(); ++i) {
    const auto& c = x.conditions[i];
    out += i ? ",{" : "{";
    out += "\"condition\":";
    append_json_string(out, c.condition);
    out += c.held ? ",\"held\":true" : ",\"held\":false";
    field(out, "reason", c.reason);
    field(out, "at", where(c.where));
    if (!c.detail.empty()) field(out, "detail", c.detail);  // a count limit's numbers
    out += '}';
  }
  out += ']';
  out += x.eligible ? ",\"eligible\":true" : ",\"eligible\":false";
  if (x.eligible) {
    if (x.rate) {
      out += ",\"rate\":{\"value\":";
      append_json_string(out, *x.rate);
      field(out, "at", where(x.rate_where));
      choices_json(out, x.rate_choices);
      out += '}';
    }
    if (x.base) {
      out += ",\"base\":{\"value\":";
      append_json_string(out, *x.base);
      field(out, "at", where(x.base_where));
      out += '}';
    }
    if (!x.figures.empty()) {
      out += ",\"figures\":[";
      for (std::size_t i = 0; i < x.figures.size(); ++i) {
        const auto& f = x.figures[i];
        out += i ? ",{\"name\":" : "{\"name\":";
        append_json_string(out, f.name);
        field(out, "value", f.value);
        field(out, "expression", f.expression);
        field(out, "at", where(f.where));
        choices_json(out, f.choices);
        out += '}';
      }
      out += ']';
    }
    out += ",\"computed\":{\"value\":";
    append_json_string(out, x.computed);
    field(out, "expression", x.computed_expression);
    if (x.computed_where.known()) choices_json(out, x.amount_choices);
    out += '}';
    out += ",\"caps\":[";
    for (std::size_t i = 0; i < x.caps.size(); ++i) {
      const auto& c = x.caps[i];
      out += i ? ",{" : "{";
      out += "\"name\":";
      append_json_string(out, c.name);
      field(out, "kind", c.stacking ? "叠加" : "上限");
      out += c.applies ? ",\"applies\":true" : ",\"applies\":false";
      if (c.applies) {
        field(out, "limit", c.limit);
        if (c.used) field(out, "used", *c.used);
        field(out, "room", c.room);
      } else {
        field(out, "when", c.when);
      }
      out += c.bound ? ",\"bound\":true" : ",\"bound\":false";
      field(out, "at", where(c.where));
      out += '}';
    }
    out += ']';
    out += ",\"rounding\":{\"mode\":";
    append_json_string(out, x.rounding_mode);
    field(out, "step", x.rounding_step);
    field(out, "before", x.before_rounding);
    field(out, "after", x.amount);
    out += '}';
  }
  out += ",\"amount\":";
  append_json_string(out, x.amount);
  out += ",\"bound\":";
  if (x.bound) append_json_string(out, *x.bound);
  else out += "null";
  out += '}';
}

void append_result_json(std::string& out, const api::Evaluation& r, const std::string_view* id) {
  out += '{';
  if (id) {
    out += "\"id\":";
    append_json_string(out, *id);
    out += ',';
  }
  out += "\"measure\":";
  append_json_string(out, r.measure);
  out += ",\"version\":";
  append_json_string(out, r.edition);
  out += r.eligible ? ",\"eligible\":true,\"amount\":\"" : ",\"eligible\":false,\"amount\":\"";
  out += r.amount;
  out += "\",\"reasons\":[";
  for (std::size_t i = 0; i < r.reasons.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, r.reasons[i]);
  }
  out += "],\"bound\":";
  if (r.bound) append_json_string(out, *r.bound);
  else out += "null";
  if (!r.notes.empty()) {
    out += ",\"notes\":[";
    for (std::size_t i = 0; i < r.notes.size(); ++i) {
      if (i) out += ',';
      append_json_string(out, r.notes[i]);
    }
    out += ']';
  }
  if (!r.clause.empty()) {
    out += ",\"clause\":";
    append_json_string(out, r.clause);
  }
  if (!r.figures.empty())  // 结果: the measure's named figures, in order
    append_figures_member(
        out, r.figures.size(), [&](std::size_t k) -> const std::string& { return r.figures[k].name; },
        [&](std::size_t k) -> const std::string& { return r.figures[k].amount; });
  if (r.explanation) {
    out += ",\"explanation\":";
    append_explanation_json(out, *r.explanation);
  }
  out += '}';
}

void append_result_text(std::string& out, const api::Evaluation& r) {
  out += r.measure;
  if (!r.clause.empty()) out += " " + r.clause;
  out += "(" + r.edition + ")\n";
  out += r.eligible ? "  适用:是\n" : "  适用:否\n";
  out += "  金额:" + r.amount + " 元\n";
  for (const auto& reason : r.reasons) out += "  理由:" + reason + "\n";
  if (r.bound) out += "  受限于:" + *r.bound + "\n";
  for (const auto& f : r.figures) out += "  结果 " + f.name + ":" + f.amount + " 元\n";
  for (const auto& note : r.notes) out += "  说明:" + note + "\n";
  if (r.explanation) append_explanation_text(out, *r.explanation);
}

void append_result_json(std::string& out, const Edition& ed, const Outcome& o, const std::string* id, const Trace* trace) {
  const std::string_view id_view = id ? std::string_view(*id) : std::string_view();
  append_result_json(out, describe_result(ed, o, trace), id ? &id_view : nullptr);
}

void append_result_text(std::string& out, const Edition& ed, const Outcome& o, const Trace* trace) {
  append_result_text(out, describe_result(ed, o, trace));
}

void append_explanation_text(std::string& out, const Edition& ed, const Outcome& o, const Trace& trace) {
  append_explanation_text(out, describe_explanation(ed, o, trace));
}

std::string error_text(const EvalError& e) {
  const std::string at = position_text(e.span);
  return at.empty() ? e.message : e.message + "(规则位置 " + at + ")";
}

// ------------------------------------------------------ a whole application

void append_application_json(std::string& out, const api::ApplicationResult& app, const std::string_view* id) {
  out += '{';
  if (id) {
    out += "\"id\":";
    append_json_string(out, *id);
    out += ',';
  }
  out += "\"version\":";
  append_json_string(out, app.edition);
  out += ",\"results\":[";
  for (std::size_t i = 0; i < app.measures.size(); ++i) {
    const api::MeasureOutcome& m = app.measures[i];
    if (i) out += ',';
    if (m.evaluation) {
      append_result_json(out, *m.evaluation);
      out.pop_back();  // its closing brace: the status goes in
    } else {
      out += "{\"measure\":";
      append_json_string(out, m.measure);
      field(out, "version", m.edition);
      if (!m.clause.empty()) field(out, "clause", m.clause);
      if (m.status == api::MeasureStatus::NeedsFacts) {
        out += ",\"needs\":[";
        for (std::size_t k = 0; k < m.needs.size(); ++k) {
          if (k) out += ',';
          append_json_string(out, m.needs[k]);
        }
        out += ']';
      } else {
        const api::Error none;
        const api::Error& e = m.error ? *m.error : none;
        field(out, "code", error_code_kind(e.code, !e.fact.empty()));
        field(out, "error", e.message);
      }
    }
    out += ",\"status\":\"";
    out += measure_status_name(m.status);
    out += "\"}";
  }
  out += "]}";
}

void append_application_text(std::string& out, const api::ApplicationResult& app) {
  std::size_t count[4] = {};
  for (const auto& m : app.measures) ++count[static_cast<int>(m.status)];
  auto to = std::back_inserter(out);
  fmt::format_to(to, "{}:可申请 {} 项,不可申请 {} 项,缺少事实 {} 项", app.edition, count[0], count[1], count[2]);
  if (count[3]) fmt::format_to(to, ",无法计算 {} 项", count[3]);
  out += '\n';
  static const char* const headings[] = {"可申请", "不可申请", "缺少事实", "无法计算"};
  int shown = -1;
  for (const auto& m : app.measures) {
    const int s = static_cast<int>(m.status);
    if (s != shown) {
      out += "\n【" + std::string(headings[s]) + "】\n";
      shown = s;
    }
    if (m.evaluation) {
      append_result_text(out, *m.evaluation);
      continue;
    }
    out += m.measure;
    if (!m.clause.empty()) out += " " + m.clause;
    out += "(" + m.edition + ")\n";
    if (m.status == api::MeasureStatus::NeedsFacts) {
      out += "  需要:";
      for (std::size_t k = 0; k < m.needs.size(); ++k) out += (k ? "、" : "") + m.needs[k];
      out += '\n';
    } else {
      out += "  错误:" + (m.error ? m.error->message : std::string()) + "\n";
    }
  }
}

void FigureColumns::add(const Edition& edition) {
  for (const auto& m : edition.measures)
    for (const auto& r : m.decl->results)
      if (std::find(names_.begin(), names_.end(), r.name) == names_.end()) names_.push_back(r.name);
}

void FigureColumns::append_header(std::string& out) const {
  for (const std::string& name : names_) {
    out += ',';
    put_csv_cell(out, "结果." + name);
  }
}

}  // namespace kuan
