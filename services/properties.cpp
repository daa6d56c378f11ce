// The generator draws each fact the measure reads from values where rules
// tend to break: zero, amounts across every magnitude, the money literals and
// parameters the measure compares against (and one 分 either side), whole and
// odd percentages, small integers; facts that may be absent sometimes are.
// A failing application is shrunk greedily — drop a fact, else simplify one
// value (0, one significant digit, whole 元, half) — while it still fails.
#include "services/properties.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "interpreter/evaluator.hpp"
#include "lang/parser.hpp"

namespace kuan {

namespace {

enum class Property { NonNegative, Cap, Ineligible, Rounding, Monotone };
constexpr Property kProperties[] = {Property::NonNegative, Property::Cap, Property::Ineligible, Property::Rounding,
                                    Property::Monotone};

const char* property_name(Property p) {
  switch (p) {
    case Property::NonNegative: return "金额非负";
    case Property::Cap: return "不超过上限";
    case Property::Ineligible: return "不适用得0并有理由";
    case Property::Rounding: return "按版本舍入";
    case Property::Monotone: return "基数增加金额不减";
  }
  return "";
}

struct Verdict {
  bool failed = false;
  std::string detail;
  std::string note;  // a threshold that explains a lower amount (Monotone)
  Span note_at;
};

struct Run {
  std::optional<Outcome> outcome;
  Trace trace;
  std::optional<EvalError> error;
};

Run run(const Edition& ed, const MeasureInfo& m, const FactValues& facts) {
  Run r;
  auto res = evaluate_measure(ed, m, facts, &r.trace);
  if (auto* e = std::get_if<EvalError>(&res)) r.error = *e;
  else r.outcome = std::get<Outcome>(res);
  return r;
}

bool negative_error(const Run& r) {
  return r.error && r.error->message.find("金额为负") != std::string::npos;
}

// 基数 = F with F a money fact: the slot of F, else -1.
int base_fact(const Edition& ed, const MeasureInfo& m) {
  const ast::Expr* b = m.decl->base.get();
  if (!b || b->kind != ast::ExprKind::Name || ed.notes[*b].ref != ast::RefKind::Fact) return -1;
  return ed.notes[*b].type.kind == TypeKind::Money ? ed.notes[*b].index : -1;
}

Decimal yuan(std::int64_t fen) { return Decimal::from_scaled(fen, 2); }

std::vector<Decimal> raised(const Decimal& v) {
  return {v + yuan(1), v + Decimal::from_int(100), v + Decimal::from_int(10000), v * Decimal::from_int(2),
          v * Decimal::from_int(10)};
}

// Why two runs took different paths: the first condition or choice that
// differs, as "file:line:col 「text」"; empty when they took the same path.
std::optional<Span> path_change(const Trace& a, const Trace& b) {
  for (std::size_t i = 0; i < std::min(a.conditions.size(), b.conditions.size()); ++i)
    if (a.conditions[i].held != b.conditions[i].held) return a.conditions[i].requirement->condition->span;
  if (a.conditions.size() != b.conditions.size())
    return (a.conditions.size() > b.conditions.size() ? a : b).conditions[std::min(a.conditions.size(), b.conditions.size())]
        .requirement->condition->span;
  auto choices = [](const ChoiceList& x, const ChoiceList& y) -> std::optional<Span> {
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i)
      if (x[i].node != y[i].node || x[i].held != y[i].held || x[i].subject != y[i].subject) return x[i].node->args[0]->span;
    if (x.size() != y.size()) return (x.size() > y.size() ? x : y)[std::min(x.size(), y.size())].node->args[0]->span;
    return std::nullopt;
  };
  if (auto s = choices(a.rate_choices, b.rate_choices)) return s;
  if (auto s = choices(a.amount_choices, b.amount_choices)) return s;
  for (std::size_t i = 0; i < std::min(a.caps.size(), b.caps.size()); ++i)
    if (a.caps[i].applies != b.caps[i].applies && a.caps[i].cap->when) return a.caps[i].cap->when->span;
  return std::nullopt;
}

std::vector<Decimal> thresholds_of(const Edition& ed, const MeasureInfo& m,
                                   std::initializer_list<const ast::Expr*> more = {});

// Rule text on one line: comments dropped, runs of white space made one space.
std::string one_line(std::string_view rule_text) {
  std::string text;
  bool comment = false;
  for (char ch : rule_text) {
    comment = ch == '#' || (comment && ch != '\n');
    if (comment) continue;
    const bool space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
    if (!space || (!text.empty() && text.back() != ' ')) text += space ? ' ' : ch;
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// std::nullopt: the property does not apply to this application (it cannot
// be evaluated, or lacks what the property is about).
std::optional<Verdict> check(const Edition& ed, const MeasureInfo& m, Property p, const FactValues& facts) {
  const Run r = run(ed, m, facts);
  Verdict v;
  if (p == Property::NonNegative) {
    if (negative_error(r)) return Verdict{true, r.error->message, {}, {}};
    if (!r.outcome) return std::nullopt;
    if (r.outcome->amount.sign() < 0) return Verdict{true, "金额 " + r.outcome->amount.to_string() + "元 为负", {}, {}};
    return v;
  }
  if (!r.outcome) return std::nullopt;
  const Outcome& o = *r.outcome;
  const Trace& t = r.trace;
  switch (p) {
    case Property::NonNegative: break;
    case Property::Cap:
      if (!o.eligible || std::none_of(t.caps.begin(), t.caps.end(), [](const CapTrace& c) { return c.applies; }))
        return std::nullopt;
      for (const auto& c : t.caps) {
        if (!c.applies) continue;
        const Decimal room = c.room.round_to_step(ed.rounding_step, ed.rounding);
        if (t.before_rounding > c.room || o.amount > room)
          return Verdict{true, "得 " + o.amount.to_string() + "元,超过上限 " + c.cap->name + " 的余额 " +
                                   c.room.normalized().to_string() + "元", {}, {}};
      }
      return v;
    case Property::Ineligible:
      if (o.eligible) return std::nullopt;
      if (!o.amount.is_zero()) return Verdict{true, "不适用却得 " + o.amount.to_string() + "元", {}, {}};
      if (o.failed.empty()) return Verdict{true, "不适用却没有理由", {}, {}};
      return v;
    case Property::Rounding: {
      if (o.amount.scale() != ed.rounding_places)
        return Verdict{true, fmt::format("得 {}元,小数位数不是 {}", o.amount.to_string(), ed.rounding_places), {}, {}};
      if (!o.eligible) return v;
      const Decimal want = t.before_rounding.round_to_step(ed.rounding_step, ed.rounding).rescaled(ed.rounding_places);
      if (o.amount != want)
        return Verdict{true, "舍入前 " + t.before_rounding.to_string() + "元,按" + ed.rounding_name + "应得 " +
                                 want.to_string() + "元,实得 " + o.amount.to_string() + "元", {}, {}};
      return v;
    }
    case Property::Monotone: {
      const int slot = base_fact(ed, m);
      if (slot < 0 || !facts.present[slot]) return std::nullopt;
      // Steps of every size, and just past each money threshold the rules
      // mention: where a drop a threshold explains would show.
      std::vector<Decimal> ups = raised(facts.values[slot].number);
      for (const Decimal& at : thresholds_of(ed, m))
        if (at > facts.values[slot].number) ups.push_back(at);
      for (const Decimal& up : ups) {
        FactValues more = facts;
        more.set(slot, Value::money(up));
        const Run r2 = run(ed, m, more);
        if (!r2.outcome || r2.outcome->amount >= o.amount) continue;
        const std::string what = ed.facts[slot].decl->name + " 由 " + format_value(&ed, facts.values[slot]) + " 增至 " +
                                 format_value(&ed, Value::money(up)) + ",金额由 " + o.amount.to_string() + "元 降至 " +
                                 r2.outcome->amount.to_string() + "元";
        if (auto at = path_change(t, r2.trace)) {
          v.note = what + ",因门槛「" + one_line(span_text(*at)) + "」";
          v.note_at = *at;
          continue;
        }
        return Verdict{true, what + ",且无门槛或分支改变", {}, {}};
      }
      return v;
    }
  }
  return v;
}

// Money literals and money parameters the measure's rules mention: the
// thresholds worth testing at, and 0.01元 either side.
void collect_thresholds(const Edition& ed, const ast::Expr* e, std::set<Decimal>& out, std::set<int>& seen_defines) {
  if (!e) return;
  const ExprNote& n = ed.notes[*e];
  if (e->kind == ast::ExprKind::Number && n.type.kind == TypeKind::Money && e->number.sign() > 0) out.insert(e->number);
  if (e->kind == ast::ExprKind::Name) {
    if (n.ref == ast::RefKind::Param && n.index >= 0 && ed.params[n.index].value.kind == TypeKind::Money)
      out.insert(ed.params[n.index].value.number);
    if (n.ref == ast::RefKind::Define && n.index >= 0 && seen_defines.insert(n.index).second)
      collect_thresholds(ed, ed.defines[n.index].decl->value.get(), out, seen_defines);
  }
  for (const auto& a : e->args) collect_thresholds(ed, a.get(), out, seen_defines);
  for (const auto& arm : e->arms) collect_thresholds(ed, arm.value.get(), out, seen_defines);
}

std::vector<Decimal> thresholds_of(const Edition& ed, const MeasureInfo& m, std::initializer_list<const ast::Expr*> more) {
  std::set<Decimal> found;
  std::set<int> seen;
  for (const auto* e : more) collect_thresholds(ed, e, found, seen);
  const auto& d = *m.decl;
  for (const ast::Requirement* r : m.requirements) collect_thresholds(ed, r->condition.get(), found, seen);
  for (const auto& n : d.conditional_needs) collect_thresholds(ed, n.when.get(), found, seen);
  for (const auto* e : {d.rate.get(), d.base.get(), d.amount.get()}) collect_thresholds(ed, e, found, seen);
  for (const auto* c : m.caps)
    for (const auto* e : {c->limit.get(), c->used.get(), c->when.get()}) collect_thresholds(ed, e, found, seen);
  std::vector<Decimal> out;
  for (const auto& t : found) {
    out.push_back(t);
    out.push_back(t + yuan(1));
    if (t > yuan(1)) out.push_back(t - yuan(1));
  }
  return out;
}

class Generator {
 public:
  // `facts`: the slots to draw (the measure's, and any a 性质 reads besides);
  // `thresholds`: money values worth drawing near.
  Generator(const Edition& ed, const MeasureInfo& m, std::uint64_t seed, std::vector<int> facts,
            std::vector<Decimal> thresholds)
      : ed_(ed), m_(m), rng_(seed), facts_(std::move(facts)), thresholds_(std::move(thresholds)) {}
  Generator(const Edition& ed, const MeasureInfo& m, std::uint64_t seed)
      : Generator(ed, m, seed, m.facts, thresholds_of(ed, m)) {}

  FactValues next() {
    FactValues f(ed_.facts.size());
    f.as_of = m_.in_force ? m_.in_force->from : ed_.effective_from;  // a day the measure is in force
    const auto& needs = m_.needs;
    for (int slot : facts_) {
      const bool must = ed_.facts[slot].required() || std::find(needs.begin(), needs.end(), slot) != needs.end();
      if (!must && below(10) < 3) continue;  // absent: its default, or none
      put(f, slot);
    }
    return f;
  }
  // Conditionally needed facts, for when the first draw left one out.
  void fill_needs(FactValues& f) {
    for (const auto& slots : m_.conditional_needs)
      for (int slot : slots)
        if (!f.present[slot]) put(f, slot);
  }
  void fill_all(FactValues& f) {
    for (int slot : facts_)
      if (!f.present[slot]) put(f, slot);
  }

 private:
  std::uint64_t below(std::uint64_t n) { return rng_() % n; }  // portable, unlike std::uniform_int_distribution

  // A list fact gets 0–4 items, each field drawn as a fact of its type would be.
  void put(FactValues& f, int slot) {
    const Type& type = ed_.facts[slot].type;
    if (type.kind != TypeKind::List) {
      f.set(slot, value(type));
      return;
    }
    const ListInfo& list = ed_.lists[static_cast<std::size_t>(type.list_id)];
    ListValue items;
    items.width = list.field_types.size();
    const std::size_t count = below(5);
    for (std::size_t i = 0; i < count; ++i)
      for (const Type& field : list.field_types) items.cells.push_back(value(field));
    f.set_list(slot, std::move(items));
  }

  Value value(const Type& type) {
    switch (type.kind) {
      case TypeKind::Money: return Value::money(money());
      case TypeKind::Rate:
        return Value::rate(below(2) ? Decimal::from_scaled(static_cast<std::int64_t>(below(101)), 2)
                                    : Decimal::from_scaled(static_cast<std::int64_t>(below(10001)), 4));
      case TypeKind::Integer:
        return Value::of_number(TypeKind::Integer, Decimal::from_int(static_cast<std::int64_t>(below(4) ? below(11) : below(1001))));
      case TypeKind::Number:
        return Value::of_number(TypeKind::Number, Decimal::from_scaled(static_cast<std::int64_t>(below(10001)), 1));
      case TypeKind::Bool: return Value::boolean(below(2));
      case TypeKind::Date:
        return Value::date(ed_.effective_from - 730 + static_cast<std::int32_t>(below(1461)));
      case TypeKind::Enum: {
        const auto n = type.enum_id >= 0 ? ed_.enums[type.enum_id].values.size() : 1;
        return Value::enumeration(static_cast<int>(below(std::max<std::size_t>(n, 1))));
      }
      case TypeKind::List:
      case TypeKind::Error: break;
    }
    return {};
  }

  Decimal money() {
    const auto pick = below(20);
    if (pick == 0) return Decimal::from_scaled(0, 2);
    if (pick < 6 && !thresholds_.empty()) return thresholds_[below(thresholds_.size())];
    std::int64_t top = 1;
    for (auto k = below(10); k > 0; --k) top *= 10;  // up to 10亿元
    const auto whole = static_cast<std::int64_t>(below(static_cast<std::uint64_t>(top)) + (pick < 12 ? 0 : 1));
    return pick < 12 ? yuan(whole * 100 + static_cast<std::int64_t>(below(100))) : Decimal::from_int(whole);
  }

  const Edition& ed_;
  const MeasureInfo& m_;
  std::mt19937_64 rng_;
  std::vector<int> facts_;
  std::vector<Decimal> thresholds_;
};

// Simpler values to try in place of `v`, simplest first; each is strictly
// simpler, so shrinking ends.
std::vector<Value> simpler(const Edition& ed, const Value& v) {
  std::vector<Value> out;
  auto numbers = [&](const Decimal& x, TypeKind kind, int keep_scale) {
    if (x.is_zero()) return;
    out.push_back(Value::of_number(kind, Decimal::from_scaled(0, keep_scale)));
    const Decimal abs = x.sign() < 0 ? -x : x;
    // The smallest step of the type: where a rounding slip shows at its smallest.
    const Decimal least = Decimal::from_scaled(1, keep_scale);
    if (least < abs) out.push_back(Value::of_number(kind, least));
    // Fewer significant digits: 12345.67 → 10000, 12000, 12300, ….
    Decimal p = Decimal::from_int(1);
    while (p * Decimal::from_int(10) <= abs) p *= Decimal::from_int(10);
    for (int digits = 0; digits < 6 && p >= Decimal::from_int(1); ++digits, p = p * Decimal::from_scaled(1, 1)) {
      const Decimal c = abs.round_to_step(p, RoundingMode::Down);
      if (c < abs && !c.is_zero()) out.push_back(Value::of_number(kind, c));
    }
    const Decimal whole = abs.round(0, RoundingMode::Down);
    if (whole < abs) out.push_back(Value::of_number(kind, whole));
    const Decimal half = (abs * Decimal::from_scaled(5, 1)).round(keep_scale, RoundingMode::Down);
    if (half < abs) out.push_back(Value::of_number(kind, half));
  };
  switch (v.kind) {
    case TypeKind::Money: numbers(v.number, v.kind, 2); break;
    case TypeKind::Integer: numbers(v.number, v.kind, 0); break;
    case TypeKind::Number: numbers(v.number, v.kind, 1); break;
    case TypeKind::Rate: {
      if (v.number.is_zero()) break;
      out.push_back(Value::rate(Decimal()));
      const Decimal whole = v.number.round(2, RoundingMode::Down);
      if (whole < v.number) out.push_back(Value::rate(whole));
      break;
    }
    case TypeKind::Bool:
      if (v.small) out.push_back(Value::boolean(false));
      break;
    case TypeKind::Enum:
      if (v.small) out.push_back(Value::enumeration(0));
      break;
    case TypeKind::Date:
      if (v.small != ed.effective_from) out.push_back(Value::date(ed.effective_from));
      break;
    case TypeKind::List:  // a list is only dropped whole (its items are not shrunk)
    case TypeKind::Error: break;
  }
  return out;
}

// Greedy: drop a fact, else simplify one value, while `fails` still holds.
FactValues shrink(const Edition& ed, const std::vector<int>& slots, const std::function<bool(const FactValues&)>& fails,
                  FactValues f) {
  for (int round = 0; round < 500; ++round) {
    bool progress = false;
    for (int slot : slots) {
      if (!f.present[slot]) continue;
      FactValues g = f;
      g.clear(slot);
      if (fails(g)) {
        f = std::move(g);
        progress = true;
        continue;
      }
      for (const Value& c : simpler(ed, f.values[slot])) {
        g = f;
        g.set(slot, c);
        if (fails(g)) {
          f = std::move(g);
          progress = true;
          break;
        }
      }
    }
    if (!progress) break;
  }
  return f;
}

std::string literal(const Edition& ed, const Type& type, const Value& v) {
  if (v.kind == TypeKind::Enum) {
    const int id = type.enum_id;
    if (id >= 0 && v.small >= 0 && static_cast<std::size_t>(v.small) < ed.enums[id].values.size())
      return ed.enums[id].values[static_cast<std::size_t>(v.small)];
  }
  return format_value(&ed, v);
}

// A fact's value as a 例 writes it; a list as [ { 字段: 值, … }, … ].
std::string literal(const Edition& ed, int slot, const FactValues& f) {
  const Type& type = ed.facts[slot].type;
  const ListValue* items = f.list(slot);
  if (type.kind != TypeKind::List || !items) return literal(ed, type, f.values[slot]);
  const ListInfo& list = ed.lists[static_cast<std::size_t>(type.list_id)];
  std::string out = "[";
  for (std::size_t i = 0; i < items->size(); ++i) {
    out += i ? ", {" : "{";
    for (std::size_t k = 0; k < items->width; ++k)
      out += (k ? ", " : "") + list.decl->fields[k].name + ": " + literal(ed, list.field_types[k], items->item(i)[k]);
    out += "}";
  }
  return out + "]";
}

FactValues shrink(const Edition& ed, const MeasureInfo& m, Property p, FactValues f) {
  return shrink(ed, m.facts, [&](const FactValues& g) {
    auto v = check(ed, m, p, g);
    return v && v->failed;
  }, std::move(f));
}

// The counter-example as a 例 that, pasted beside the rules, states what they give.
std::string example_block(const Edition& ed, const MeasureInfo& m, const std::vector<int>& slots, const std::string& title,
                          const FactValues& f) {
  std::string facts;
  for (int slot : slots) {
    if (!f.present[slot]) continue;
    if (!facts.empty()) facts += ", ";
    facts += ed.facts[slot].decl->name + " = " + literal(ed, slot, f);
  }
  std::string quoted;
  for (char ch : title) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch == '\n' ? ' ' : ch;
  }
  std::string out = "例 " + m.decl->name + " \"性质「" + quoted + "」的反例\" {\n";
  if (!facts.empty()) out += "  " + facts + "\n";
  const Run r = run(ed, m, f);
  if (r.outcome && r.outcome->eligible) out += "  得 " + r.outcome->amount.to_string() + "元  # 实得\n";
  else if (r.outcome) out += "  不适用  # 实得\n";
  else out += "  得 0元  # 计算出错:" + r.error->message + "\n";
  return out + "}\n";
}


// A property's verdict over the `checked` applications it applied to: unchecked
// when none, passed, or failed with its shrunk counter-example as a 例.
void settle(PropertyEntry& entry, const Edition& ed, const MeasureInfo& m, const std::vector<int>& slots, int checked,
            const std::optional<FactValues>& counter, std::string detail) {
  entry.checked = checked;
  if (counter) {
    entry.status = PropertyStatus::Failed;
    entry.detail = std::move(detail);
    entry.counterexample = example_block(ed, m, slots, entry.property, *counter);
  } else {
    entry.status = checked == 0 ? PropertyStatus::Unchecked : PropertyStatus::Passed;
  }
}

std::vector<FactValues> applications(const Edition& ed, const MeasureInfo& m, Generator& gen, int count) {
  std::vector<FactValues> apps;
  for (int i = 0; i < count; ++i) {
    FactValues f = gen.next();
    if (!missing_required_facts(ed, m, f).empty()) continue;
    // A fact left out that the rules turn out to need (a conditional 需要,
    // or a 可选 fact read on this path): fill those, then everything.
    if (run(ed, m, f).error && !negative_error(run(ed, m, f))) gen.fill_needs(f);
    if (run(ed, m, f).error && !negative_error(run(ed, m, f))) gen.fill_all(f);
    apps.push_back(std::move(f));
  }
  return apps;
}

// ---------------------------------------------------------------- 性质 the author wrote
// 性质 M { 对任意 申请 当 C 有 P }: on each generated application of M that M
// can evaluate and for which C holds (a C that cannot be computed, say for an
// absent optional fact, does not hold), P must come out true; a P that cannot
// be computed is a failure.

// Facts an expression reads, through definitions and fact defaults.
void facts_read(const Edition& ed, const ast::Expr* e, std::set<int>& facts, std::set<int>& defines) {
  if (!e) return;
  const ExprNote& n = ed.notes[*e];
  const bool fact = (e->kind == ast::ExprKind::Name && n.ref == ast::RefKind::Fact) || e->kind == ast::ExprKind::Has;
  if (fact && n.index >= 0 && facts.insert(n.index).second)
    facts_read(ed, ed.facts[n.index].decl->default_value.get(), facts, defines);
  if (e->kind == ast::ExprKind::Name && n.ref == ast::RefKind::Define && n.index >= 0 && defines.insert(n.index).second)
    facts_read(ed, ed.defines[n.index].decl->value.get(), facts, defines);
  for (const auto& a : e->args) facts_read(ed, a.get(), facts, defines);
  for (const auto& arm : e->arms) facts_read(ed, arm.value.get(), facts, defines);
}

// Every name of an expression whose value explains it (not enumeration values), once each, in order.
void names_in(const Edition& ed, const ast::Expr* e, std::vector<const ast::Expr*>& out) {
  if (!e) return;
  if (e->kind == ast::ExprKind::Name && ed.notes[*e].ref != ast::RefKind::EnumValue &&
      ed.notes[*e].ref != ast::RefKind::Field && ed.notes[*e].type.kind != TypeKind::List &&
      std::none_of(out.begin(), out.end(), [&](const ast::Expr* x) { return x->name == e->name; }))
    out.push_back(e);
  for (const auto& a : e->args) names_in(ed, a.get(), out);
  for (const auto& arm : e->arms) names_in(ed, arm.value.get(), out);
}

// A value as a 例 would write it; the amount with the edition's places.
std::string shown(const Edition& ed, const ast::Expr& name, const Value& v) {
  const int id = ed.notes[name].type.enum_id;
  if (v.kind == TypeKind::Enum && id >= 0 && v.small >= 0 && static_cast<std::size_t>(v.small) < ed.enums[id].values.size())
    return ed.enums[id].values[static_cast<std::size_t>(v.small)];
  if (ed.notes[name].ref == ast::RefKind::MeasureAmount) return v.number.to_string() + "元";
  return format_value(&ed, v);
}

// The text of a whole expression: a call's span is its name only (diagnostics
// point there), so its arguments and closing parenthesis are added.
std::string_view expression_text(const ast::Expr& e) {
  std::uint32_t end = e.span.end;
  std::function<void(const ast::Expr&)> widen = [&](const ast::Expr& x) {
    end = std::max(end, x.span.end);
    for (const auto& a : x.args) widen(*a);
    for (const auto& arm : x.arms) widen(*arm.value);
    if (x.kind != ast::ExprKind::Call) return;
    // Past the last argument, the next ')' closes this call.
    const std::string& t = x.span.file->text();
    for (std::uint32_t k = end; k < t.size(); ++k) {
      if (t[k] == '#') while (k < t.size() && t[k] != '\n') ++k;
      if (k >= t.size()) break;
      if (t[k] == ')') { end = k + 1; return; }
      if (t.compare(k, 3, "）") == 0) { end = k + 3; return; }
    }
  };
  widen(e);
  return std::string_view(e.span.file->text()).substr(e.span.begin, end - e.span.begin);
}

enum class Claim { NotApplicable, Held, Failed };

struct ClaimVerdict {
  Claim claim = Claim::NotApplicable;
  std::string detail;
};

ClaimVerdict check_claim(const Edition& ed, const MeasureInfo& m, const ast::PropertyDecl& p, const FactValues& f) {
  const Run r = run(ed, m, f);
  if (!r.outcome) return {};
  if (p.when) {
    auto c = evaluate_for_outcome(ed, m, f, *r.outcome, *p.when);
    if (std::holds_alternative<EvalError>(c) || !std::get<Value>(c).small) return {};
  }
  auto v = evaluate_for_outcome(ed, m, f, *r.outcome, *p.holds);
  if (auto* err = std::get_if<EvalError>(&v)) return {Claim::Failed, "结论无法计算:" + err->message};
  if (std::get<Value>(v).small) return {Claim::Held, ""};
  std::vector<const ast::Expr*> names;
  names_in(ed, p.holds.get(), names);
  std::string values;
  for (const ast::Expr* n : names) {
    auto x = evaluate_for_outcome(ed, m, f, *r.outcome, *n);
    if (auto* value = std::get_if<Value>(&x)) values += (values.empty() ? "" : ",") + n->name + " = " + shown(ed, *n, *value);
  }
  return {Claim::Failed, "「" + one_line(expression_text(*p.holds)) + "」不成立" + (values.empty() ? "" : "(" + values + ")")};
}

void check_authored(const Edition& ed, const PropertyOptions& opt, std::vector<PropertyEntry>& out) {
  for (std::size_t pi = 0; pi < ed.properties.size(); ++pi) {
    const ast::PropertyDecl& p = *ed.properties[pi];
    const MeasureInfo* m = ed.find_measure(p.measure);
    if (!m || !p.holds) continue;  // the checker has reported it
    std::set<int> read(m->facts.begin(), m->facts.end()), defines;
    facts_read(ed, p.when.get(), read, defines);
    facts_read(ed, p.holds.get(), read, defines);
    const std::vector<int> slots(read.begin(), read.end());
    // A stream of its own, apart from the measures' (which are seed × 1000003 + index).
    Generator gen(ed, *m, opt.seed * 1000003u + 500009u + pi, slots, thresholds_of(ed, *m, {p.when.get(), p.holds.get()}));
    PropertyEntry entry;
    entry.authored = true;
    entry.measure = m->decl->name;
    entry.property = p.title.empty() ? one_line(expression_text(*p.holds)) : p.title;
    entry.at = p.span;
    int checked = 0;
    std::optional<FactValues> counter;
    std::string detail;
    for (const auto& f : applications(ed, *m, gen, opt.count)) {
      const ClaimVerdict v = check_claim(ed, *m, p, f);
      if (v.claim == Claim::NotApplicable) continue;
      ++checked;
      if (v.claim == Claim::Failed) {
        counter = shrink(ed, slots, [&](const FactValues& g) { return check_claim(ed, *m, p, g).claim == Claim::Failed; }, f);
        detail = check_claim(ed, *m, p, *counter).detail;
        break;
      }
    }
    settle(entry, ed, *m, slots, checked, counter, std::move(detail));
    out.push_back(std::move(entry));
  }
}

}  // namespace

std::vector<PropertyEntry> check_properties(const Edition& ed, const PropertyOptions& opt) {
  std::vector<PropertyEntry> out;
  for (std::size_t mi = 0; mi < ed.measures.size(); ++mi) {
    const MeasureInfo& m = ed.measures[mi];
    // Each measure its own stream: adding a measure leaves the others' draws alone.
    Generator gen(ed, m, opt.seed * 1000003u + mi);
    const std::vector<FactValues> apps = applications(ed, m, gen, opt.count);
    // Keyed by "file:line:col: …", the order they have always been listed in; one per threshold.
    std::map<std::string, PropertyEntry> notes;
    for (Property p : kProperties) {
      if (p == Property::Monotone && base_fact(ed, m) < 0) continue;
      if (p == Property::NonNegative && m.decl->signed_result) continue;  // 可为负 says otherwise
      std::optional<FactValues> counter;
      std::string detail;
      int checked = 0;
      for (const auto& f : apps) {
        auto v = check(ed, m, p, f);
        if (!v) continue;
        ++checked;
        if (!v->note.empty() && notes.size() < 3) {
          const std::string at = position_text(v->note_at);
          if (std::none_of(notes.begin(), notes.end(), [&](const auto& n) { return n.first.rfind(at, 0) == 0; })) {
            PropertyEntry note;
            note.status = PropertyStatus::Note;
            note.measure = m.decl->name;
            note.at = v->note_at;
            note.detail = v->note;
            notes.emplace(at + ": 注: " + ed.name + " 措施 " + m.decl->name + ":" + v->note, std::move(note));
          }
        }
        if (v->failed) {
          counter = shrink(ed, m, p, f);
          auto again = check(ed, m, p, *counter);
          detail = again ? again->detail : v->detail;
          break;
        }
      }
      PropertyEntry entry;
      entry.measure = m.decl->name;
      entry.property = property_name(p);
      entry.at = m.decl->span;
      settle(entry, ed, m, m.facts, checked, counter, std::move(detail));  // unchecked: no cap applied, nothing ineligible…
      out.push_back(std::move(entry));
    }
    for (auto& n : notes) out.push_back(std::move(n.second));
  }
  check_authored(ed, opt, out);
  return out;
}

}  // namespace kuan
