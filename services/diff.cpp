#include "services/diff.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include <optional>
#include <utility>

#include <iterator>

#include <fmt/format.h>

#include "base/date.hpp"
#include "base/json_string.hpp"
#include "base/utf8.hpp"  // text_position
#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/render.hpp"  // error_text, as `kuan eval` words a run-time error
#include "lang/limit_rules.hpp"

namespace kuan {

namespace {

// Source text with runs of white space folded, so re-indenting is no change.
std::string text_of(const Span& s) {
  std::string out;
  bool space = false;
  for (char c : span_text(s)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}
std::string text_of(const ast::ExprPtr& e) { return e ? text_of(e->span) : ""; }

std::string fact_rendering(const Edition& ed, const FactInfo& f) {
  std::string s = type_name(f.type.kind);
  if (f.type.kind == TypeKind::Enum) {
    s += " {";
    for (const auto& v : ed.enums[f.type.enum_id].values) s += " " + v;
    s += " }";
  }
  if (f.decl->default_value) s += " = " + text_of(f.decl->default_value);
  if (f.decl->optional) s += " 可选";
  return s;
}

// A 限额 in its older one-line spelling where it has one, so editions written
// either way compare item by item.
std::string cap_rendering(const ast::LimitDecl& c) {
  return limit_one_line(c, [](const ast::ExprPtr& e) { return text_of(e); });
}

// A measure as its items, each in its source form, so two editions' measures
// can be compared item by item.
std::vector<std::string> measure_items(const MeasureInfo& m) {
  const ast::MeasureDecl& d = *m.decl;
  std::vector<std::string> items;
  for (const ast::Requirement* r : m.requirements)
    // A 否则 按 { … } is its table, written in `reason`; the 施行 lowered to a 要求 is shown as 施行 below.
    if (!r->alternative_of && r != m.in_force_requirement)
      items.push_back("要求 " + text_of(r->condition) + " 否则 " + (r->refusal ? r->reason : "\"" + r->reason + "\""));
  // The days it is in force (its own 施行, or its clause's) and its sign.
  if (m.in_force)
    items.push_back("施行 " + format_date(m.in_force->from) +
                    (m.in_force->to ? " 至 " + format_date(*m.in_force->to) : std::string(" 起")));
  if (d.signed_result) items.push_back("可为负");
  for (const auto& n : d.needs) items.push_back("需要 " + n.name);
  for (const auto& n : d.conditional_needs) {
    std::string s = "需要 ";
    for (std::size_t i = 0; i < n.facts.size(); ++i) s += (i ? ", " : "") + n.facts[i].name;
    items.push_back(s + " 当 " + text_of(n.when));
  }
  if (d.rate) items.push_back("比例 = " + text_of(d.rate));
  if (d.base) items.push_back("基数 = " + text_of(d.base));
  for (const auto& r : d.results) items.push_back("结果 " + r.name + " = " + text_of(r.value));
  if (d.amount) items.push_back("金额 = " + text_of(d.amount));
  for (const auto* c : m.caps) items.push_back(std::string(c->stacking ? "叠加 " : "上限 ") + c->name + " = " + cap_rendering(*c));
  for (const auto& l : d.limits) {
    if (l.spelling == ast::LimitSpelling::Quota) items.push_back("名额 = " + text_of(l.limit) + (l.score ? " 按 " + l.score->name : ""));
    else if (std::find(m.caps.begin(), m.caps.end(), &l) == m.caps.end() && !l.is_reference())
      items.push_back("限额 " + l.name + " = " + cap_rendering(l));
  }
  return items;
}

std::string measure_rendering(const MeasureInfo& m) {
  std::string s;
  for (const auto& item : measure_items(m)) s += item + "; ";
  return s;
}

// Only what differs: items the older edition has and the newer lacks, and the reverse.
void narrow_measure_change(EditionChange& c, const MeasureInfo& a, const MeasureInfo& b) {
  const auto x = measure_items(a), y = measure_items(b);
  std::string removed, added;
  for (const auto& i : x)
    if (std::find(y.begin(), y.end(), i) == y.end()) removed += (removed.empty() ? "" : "; ") + i;
  for (const auto& i : y)
    if (std::find(x.begin(), x.end(), i) == x.end()) added += (added.empty() ? "" : "; ") + i;
  c.before = removed.empty() ? "(无)" : removed;
  c.after = added.empty() ? "(无)" : added;
}

template <typename Item>
void compare(std::vector<EditionChange>& out, const char* what, const std::vector<Item>& a, const std::vector<Item>& b,
             const std::function<std::string(const Item&)>& name, const std::function<std::string(const Item&)>& render,
             const std::function<Span(const Item&)>& at) {
  std::map<std::string, const Item*> before, after;
  for (const auto& x : a) before[name(x)] = &x;
  for (const auto& x : b) after[name(x)] = &x;
  // Report in the order the newer edition declares things, removals last.
  for (const auto& x : b) {
    auto it = before.find(name(x));
    if (it == before.end()) {
      out.push_back({EditionChange::Kind::Added, what, name(x), "", render(x), {}, at(x)});
    } else if (render(*it->second) != render(x)) {
      out.push_back({EditionChange::Kind::Changed, what, name(x), render(*it->second), render(x), at(*it->second), at(x)});
    }
  }
  for (const auto& x : a)
    if (!after.count(name(x))) out.push_back({EditionChange::Kind::Removed, what, name(x), render(x), "", at(x), {}});
}

}  // namespace

std::vector<EditionChange> diff_editions(const Edition& a, const Edition& b) {
  std::vector<EditionChange> out;
  if (a.rounding_name != b.rounding_name || a.rounding_step != b.rounding_step)
    out.push_back({EditionChange::Kind::Changed, "舍入", "", a.rounding_name + " 至 " + a.rounding_step.to_string() + "元",
                   b.rounding_name + " 至 " + b.rounding_step.to_string() + "元", {}, {}});
  compare<ParamInfo>(
      out, "参数", a.params, b.params, [](const ParamInfo& p) { return p.decl->name; },
      [&](const ParamInfo& p) { return format_value(nullptr, p.value); }, [](const ParamInfo& p) { return p.decl->span; });
  compare<FactInfo>(
      out, "事实", a.facts, b.facts, [](const FactInfo& f) { return f.decl->name; },
      [&](const FactInfo& f) { return fact_rendering(&f >= a.facts.data() && &f < a.facts.data() + a.facts.size() ? a : b, f); },
      [](const FactInfo& f) { return f.decl->span; });
  compare<DefineInfo>(
      out, "定义", a.defines, b.defines, [](const DefineInfo& d) { return d.decl->name; },
      [](const DefineInfo& d) { return text_of(d.decl->value); }, [](const DefineInfo& d) { return d.decl->span; });
  compare<ScheduleInfo>(
      out, "累进表", a.schedules, b.schedules, [](const ScheduleInfo& x) { return x.decl->name; },
      [](const ScheduleInfo& x) { return text_of(x.decl->table); }, [](const ScheduleInfo& x) { return x.decl->span; });
  auto cut_limits = [](const Edition& e) {
    std::vector<const ast::LimitDecl*> cuts;
    for (const auto* l : e.limits)
      if (l->cuts()) cuts.push_back(l);
    return cuts;
  };
  compare<const ast::LimitDecl*>(
      out, "上限", cut_limits(a), cut_limits(b), [](const ast::LimitDecl* const& c) { return c->name; },
      [](const ast::LimitDecl* const& c) { return cap_rendering(*c); }, [](const ast::LimitDecl* const& c) { return c->span; });
  compare<PoolInfo>(
      out, "资金池", a.pools, b.pools, [](const PoolInfo& p) { return p.decl->name; },
      [](const PoolInfo& p) {
        std::string s = p.amount.normalized().to_string() + "元 覆盖";
        for (const auto& m : p.decl->covers) s += " " + m.name;
        return s;
      },
      [](const PoolInfo& p) { return p.decl->span; });
  compare<const ast::ClauseDecl*>(
      out, "条款", a.clauses, b.clauses, [](const ast::ClauseDecl* const& c) { return c->ref; },
      [](const ast::ClauseDecl* const& c) {
        return c->title + " 原文 「" + c->text + "」 责任单位 \"" + c->responsible + "\"";
      },
      [](const ast::ClauseDecl* const& c) { return c->revision_span.file ? c->revision_span : c->span; });
  // A 校验 is known by where it applies and its condition; its text (or table) is what may change.
  compare<ValidationInfo>(
      out, "校验", a.validations, b.validations,
      [](const ValidationInfo& v) { return (v.clause.empty() ? "" : v.clause + " ") + text_of(v.decl->condition); },
      [](const ValidationInfo& v) { return v.decl->refusal ? text_of(v.decl->refusal) : "\"" + v.decl->message + "\""; },
      [](const ValidationInfo& v) { return v.decl->span; });
  compare<MeasureInfo>(
      out, "措施", a.measures, b.measures, [](const MeasureInfo& m) { return m.decl->name; },
      [](const MeasureInfo& m) { return measure_rendering(m); },
      [](const MeasureInfo& m) { return m.decl->revision_span.file ? m.decl->revision_span : m.decl->span; });
  for (auto& c : out)
    if (c.what == "措施" && c.kind == EditionChange::Kind::Changed)
      narrow_measure_change(c, *a.find_measure(c.name), *b.find_measure(c.name));
  return out;
}

}  // namespace kuan

// ---------------------------------------------------------------- applications
namespace kuan {
namespace {

// "得 200000.00" / "不适用" / the input problem, for one edition.
struct Side {
  bool ok = false;
  bool eligible = false;
  Decimal amount;
  std::string text;
  std::vector<std::pair<std::string, Decimal>> figures = {};  // eligible: the measure's 结果, in order
  std::size_t at = 0;  // not ok for a fact: where it is in the document it was read from (0: not placed)
  const Decimal* figure(const std::string& name) const {
    for (const auto& [n, v] : figures)
      if (n == name) return &v;
    return nullptr;
  }
};

// The 结果 whose amounts differ between the sides (or that only one side has):
// the before side's names in order, then the after side's new ones.
std::vector<std::string> changed_figures(const Side& x, const Side& y) {
  std::vector<std::string> out;
  for (const Side* side : {&x, &y})
    for (const auto& [name, v] : side->figures) {
      const Decimal *a = x.figure(name), *b = y.figure(name);
      if ((!a || !b || *a != *b) && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  return out;
}

Side evaluate_side(const Edition& ed, std::string_view measure, const std::vector<json::Field>& fields) {
  Side s;
  const MeasureInfo* m = ed.find_measure(measure);
  if (!m) return {false, false, {}, "没有措施 " + echo(measure) + ed.measure_hint(measure)};
  std::size_t at = 0;
  auto bound = bind_facts(ed, fields, nullptr, &at);
  if (auto* msg = std::get_if<std::string>(&bound)) return {false, false, {}, *msg, {}, at};
  const auto& facts = std::get<FactValues>(bound);
  if (auto missing = missing_required_facts(ed, *m, facts); !missing.empty())
    return {false, false, {}, "缺少必需的事实 " + missing.front()};
  auto r = evaluate_measure(ed, *m, facts);
  if (auto* err = std::get_if<EvalError>(&r)) return {false, false, {}, error_text(*err)};
  const Outcome& o = std::get<Outcome>(r);
  s.ok = true;
  s.eligible = o.eligible;
  s.amount = o.amount;
  s.text = o.eligible ? o.amount.to_string() : o.amount.to_string() + "(不适用:" + o.failed.front()->reason + ")";
  if (o.bound) s.text += "(受限 " + o.bound->name + ")";
  if (o.eligible)
    for (std::size_t k = 0; k < o.figures.size() && k < m->decl->results.size(); ++k)
      s.figures.emplace_back(m->decl->results[k].name, o.figures[k]);
  return s;
}

// The comparison goes to `out`; an application that cannot be evaluated under
// an edition (bad facts, a missing fact, an evaluation error) is bad input and
// is reported in `errors` instead, like every other input problem.
// `json_id`: for JSON, the application's id (null when it has none) — or
// nullptr for text output. `document`: the facts file the fields were read
// from, when there is one — then a fact's problem is placed in it (NAME:LINE:COL:
// error: …), once when both editions find the same one.
struct FactsDocument {
  std::string_view text;
  const std::string& name;  // as shown
};
bool compare_application(const Edition& a, const Edition& b, const std::string& label, std::string_view measure,
                         const std::vector<json::Field>& fields, std::string& out, std::string& errors,
                         const std::optional<std::string>* json_id = nullptr, const FactsDocument* document = nullptr) {
  const Side x = evaluate_side(a, measure, fields), y = evaluate_side(b, measure, fields);
  if (!x.ok || !y.ok) {
    const bool same = !x.ok && !y.ok && x.at == y.at && x.text == y.text;
    for (const auto& [side, ed] : {std::pair{&x, &a}, std::pair{&y, &b}}) {
      if (side->ok || (same && side == &y)) continue;
      const std::string editions = same ? a.name + "、" + b.name : ed->name;
      if (document && side->at > 0) {
        const TextPosition p = text_position(document->text, side->at);
        errors += fmt::format("{}:{}:{}: error: {}({}):{}\n", document->name, p.line, p.column, echo(measure), editions,
                              side->text);
      } else {
        errors += "kuan diff: " + label + echo(measure) + "(" + editions + "):" + side->text + "\n";
      }
    }
    return false;
  }
  const Decimal delta = y.amount - x.amount;
  const std::vector<std::string> changed = changed_figures(x, y);
  if (json_id) {
    out += out.empty() ? "{\"id\":" : ",{\"id\":";
    if (*json_id) append_json_string(out, **json_id);
    else out += "null";
    out += ",\"measure\":";
    append_json_string(out, measure);
    for (const auto& key_side : {std::pair{",\"before\":", &x}, std::pair{",\"after\":", &y}}) {
      // Not a structured binding: clang 14 (the fuzz build) refuses one captured by the lambdas below.
      const auto* side = key_side.second;
      out += key_side.first;
      out += std::string("{\"eligible\":") + (side->eligible ? "true" : "false") + ",\"amount\":\"" +
             side->amount.to_string() + "\",\"text\":";
      append_json_string(out, side->text);
      if (!side->figures.empty())
        append_figures_member(
            out, side->figures.size(), [&](std::size_t k) -> const std::string& { return side->figures[k].first; },
            [&](std::size_t k) { return side->figures[k].second.to_string(); });
      out += '}';
    }
    out += ",\"delta\":\"" + delta.to_string() + '"';
    if (!changed.empty()) {  // "figure_deltas": {NAME: after − before, or null when one side has no such figure}
      out += ",\"figure_deltas\":{";
      for (std::size_t k = 0; k < changed.size(); ++k) {
        if (k) out += ',';
        append_json_string(out, changed[k]);
        const Decimal *before = x.figure(changed[k]), *after = y.figure(changed[k]);
        out += before && after ? ":\"" + (*after - *before).to_string() + '"' : std::string(":null");
      }
      out += '}';
    }
    out += '}';
    return true;
  }
  auto signed_text = [](const Decimal& d) { return std::string(d.sign() > 0 ? "+" : "") + d.to_string(); };
  out += label;
  out += measure;
  out += ":" + a.name + " " + x.text + " → " + b.name + " " + y.text;
  out += ",差额 " + signed_text(delta) + "\n";
  for (const std::string& name : changed) {  // then each 结果 that differs, indented under its application
    const Decimal *before = x.figure(name), *after = y.figure(name);
    out += "  结果 " + name + ":" + a.name + " " + (before ? before->to_string() : std::string("(无)")) + " → " + b.name +
           " " + (after ? after->to_string() : std::string("(无)"));
    if (before && after) out += ",差额 " + signed_text(*after - *before);
    out += '\n';
  }
  return true;
}

}  // namespace

ApplicationsDiff diff_application(const Edition& a, const Edition& b, std::string_view measure,
                                  std::string_view facts_json, const std::string& facts_name, bool json) {
  ApplicationsDiff d;
  auto parsed = json::parse_facts(facts_json);
  if (auto* e = std::get_if<json::InputError>(&parsed)) {
    d.errors = fmt::format("{}:{}:{}: error: {}\n", facts_name, e->line, e->column, e->message);
    d.ok = false;
    d.bad_input = true;
    return d;
  }
  const std::optional<std::string> no_id;
  const FactsDocument document{facts_json, facts_name};
  d.ok = compare_application(a, b, "", measure, std::get<json::FactsObject>(parsed).fields, d.rows, d.errors,
                             json ? &no_id : nullptr, &document);
  return d;
}

ApplicationsDiff diff_applications(const Edition& a, const Edition& b, std::string_view jsonl, const std::string& name,
                                   bool json) {
  ApplicationsDiff d;
  std::size_t n = 0;
  while (!jsonl.empty()) {
    ++n;
    const std::size_t nl = jsonl.find('\n');
    const std::string_view line = jsonl.substr(0, nl);
    jsonl.remove_prefix(nl == std::string_view::npos ? jsonl.size() : nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto parsed = json::parse_application(line);
    if (auto* e = std::get_if<json::InputError>(&parsed)) {
      fmt::format_to(std::back_inserter(d.errors), "{}:{}:{}: error: {}\n", name, n, e->column, e->message);
      d.ok = false;
      continue;
    }
    const auto& app = std::get<json::Application>(parsed);
    const std::string label = (app.has_id ? echo(app.id) : fmt::format("第 {} 行", n)) + " ";
    const std::optional<std::string> id = app.has_id ? std::optional<std::string>(app.id) : std::nullopt;
    d.ok = compare_application(a, b, label, app.measure, app.facts, d.rows, d.errors, json ? &id : nullptr) && d.ok;
  }
  return d;
}

}  // namespace kuan
