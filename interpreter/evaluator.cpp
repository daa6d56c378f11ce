#include "interpreter/evaluator.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <ctime>
#include <memory>
#include <new>
#include <stdexcept>
#include <fmt/format.h>

#include "base/date.hpp"
#include "interpreter/compiled.hpp"
#include "interpreter/compiled_plan.hpp"
#include "interpreter/measure_steps.hpp"
#include "stdlib/brackets.hpp"
#include "stdlib/builtins.hpp"

namespace kuan {

namespace {

// Quotients keep this many decimal places, rounded half-up; a quotient that
// terminates within them is exact. Money rules in the 2025 policy never divide.
constexpr int kDivisionScale = 18;

struct Raised {
  EvalError error;
};

[[noreturn]] void raise(std::string message, Span span) { throw Raised{{std::move(message), span}}; }
[[noreturn]] void raise_absent(const std::string& fact, std::string message, Span span) {
  throw Raised{{std::move(message), span, {}, fact, ErrorKind::MissingFact}};
}

// Decimal throws when a result leaves its bounds (scale or length); the error
// must carry the position of the rule that computed it.
template <typename F>
auto at(const Span& span, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& ex) {
    raise(std::string("计算超出范围:") + ex.what(), span);
  }
}

// Per-evaluation state. Fact defaults and definitions are computed at most once
// per evaluation, on first use, so a measure only pays for what it reads. The
// cache lives on the stack for editions of ordinary size: an evaluation then
// allocates nothing.
class Activation {
 public:
  // `notes`: the checker's findings about the expressions evaluated (the
  // edition's, unless a free expression brings its own).
  Activation(const Edition* ed, const FactValues& given, const ExprNotes* notes = nullptr)
      : ed_(ed), given_(given), notes_(notes ? notes : &ed->notes), note_(notes_->exprs.data()) {
    slots_ = ed_ ? ed_->memo_slots : 0;
    if (slots_ > kInlineSlots) {
      heap_ = std::make_unique<std::byte[]>(sizeof(Value) * static_cast<std::size_t>(slots_));
      heap_state_.assign(static_cast<std::size_t>(slots_), 0);
      memo_ = reinterpret_cast<Value*>(heap_.get());
      state_ = heap_state_.data();
      heap_computed_.resize(static_cast<std::size_t>(slots_));
      computed_ = heap_computed_.data();
    } else {
      memo_ = reinterpret_cast<Value*>(inline_);
      state_ = inline_state_.data();
      computed_ = inline_computed_.data();
      std::fill_n(state_, slots_, 0);
    }
  }
  ~Activation() {
    for (int i = 0; i < computed_count_; ++i) memo_[computed_[i]].~Value();
  }
  Activation(const Activation&) = delete;
  Activation& operator=(const Activation&) = delete;

  // The measure's 比例 and 基数: computed on first use, by name or for the
  // amount, so a condition may read them too.
  const ast::Expr* rate_expr = nullptr;
  const ast::Expr* base_expr = nullptr;
  std::vector<ChoiceTrace>* rate_choices = nullptr;  // where the rate's choices go when explaining
  const Value& rate(const Span& at) { return local(rate_, computing_rate_, rate_expr, rate_choices, "比例", at); }
  const Value& base(const Span& at) { return local(base_, computing_base_, base_expr, nullptr, "基数", at); }
  bool has_rate() const { return rate_.has_value(); }
  bool has_base() const { return base_.has_value(); }

  // The measure's 结果 computed so far (rounded), read by name in 金额, later
  // 结果 and a 性质; empty for a measure without them.
  std::vector<Value> figures;
  const Value& figure(const ast::Expr& e, int k) const {
    if (k < 0 || static_cast<std::size_t>(k) >= figures.size()) raise("结果 " + e.name + " 没有算出(措施不适用时没有结果)", e.span);
    return figures[static_cast<std::size_t>(k)];
  }

  // The measure's outcome, which a 性质 reads as 金额 and 适用; null elsewhere
  // (the checker lets no other expression name them).
  const Outcome* outcome = nullptr;

  // Where choices are recorded while explaining; null otherwise (the common,
  // fast case pays one test per 若 or 按).
  std::vector<ChoiceTrace>* choices = nullptr;

  Value eval(const ast::Expr& e);

  bool condition(const ast::Expr& e) {
    Value scratch;
    return operand(e, scratch).small != 0;
  }
  // A name's value is read in place; anything else is computed into `scratch`.
  // Operators use this so reading a fact or parameter copies nothing.
  const Value& operand(const ast::Expr& e, Value& scratch);

 private:
  static constexpr int kInlineSlots = 128;

  const Value& fact(const ast::Expr& at, int slot);
  const Value& define(int slot);
  const Value& local(std::optional<Value>& slot, bool& computing, const ast::Expr* expr,
                     std::vector<ChoiceTrace>* trace_to, const char* name, const Span& at);

  std::optional<Value> rate_, base_;
  bool computing_rate_ = false, computing_base_ = false;
  const Value& memoized(int slot, const ast::Expr& expr);
  Value arith(const ast::Expr& e);
  Value compare(const ast::Expr& e);
  Value aggregate(const ast::Expr& e);
  const Value& field(const ast::Expr& e, int index) const {
    if (!row_) raise("内部错误:字段 " + e.name + " 不在 合计 等之中", e.span);
    return row_[index];
  }
  const Value* row_ = nullptr;  // the list item an aggregate is at
  Value call(const ast::Expr& e);
  Value progressive(const ast::Expr& e);
  Value ranges(const ast::Expr& e);

  const ExprNote& note(const ast::Expr& e) const { return note_[e.id]; }

  const Edition* ed_;
  const FactValues& given_;
  const ExprNotes* notes_;
  const ExprNote* note_;  // notes_->exprs, by expression id
  // Raw storage: slots are constructed only when computed, so an evaluation
  // does not pay to construct and destroy values it never needs.
  alignas(Value) std::byte inline_[kInlineSlots * sizeof(Value)];
  std::array<unsigned char, kInlineSlots> inline_state_;
  std::unique_ptr<std::byte[]> heap_;
  std::vector<unsigned char> heap_state_;
  // Which slots hold a value, so only those are destroyed (usually a handful).
  // Slot numbers are as wide as the slot count (an edition may have more than
  // 65,535 of them: see limits::kMaxDefinitions).
  std::array<int, kInlineSlots> inline_computed_;
  std::vector<int> heap_computed_;
  int* computed_ = nullptr;
  int computed_count_ = 0;
  int slots_ = 0;
  Value* memo_;
  unsigned char* state_;  // 0 not yet computed, 1 computed
};

const Value& Activation::memoized(int slot, const ast::Expr& expr) {
  // The checker rejects cycles, so a slot is never re-entered while computing.
  if (!state_[slot]) {
    new (&memo_[slot]) Value(eval(expr));
    state_[slot] = 1;
    computed_[computed_count_++] = slot;
  }
  return memo_[slot];
}

const Value& Activation::fact(const ast::Expr& at, int slot) {
  if (given_.present[slot]) return given_.values[slot];
  const FactInfo& info = ed_->facts[slot];
  if (!info.decl->default_value) raise_absent(info.decl->name, "缺少事实 " + info.decl->name + "(此处的计算需要它)", at.span);
  return memoized(info.memo, *info.decl->default_value);
}

const Value& Activation::local(std::optional<Value>& slot, bool& computing, const ast::Expr* expr,
                               std::vector<ChoiceTrace>* trace_to, const char* name, const Span& at) {
  if (slot) return *slot;
  if (!expr) raise(std::string("此措施没有写 ") + name, at);
  // The checker rejects 比例 and 基数 defined through each other; guard anyway.
  if (computing) raise(std::string(name) + " 的计算引用了它自己", at);
  computing = true;
  auto* saved = choices;
  choices = trace_to;
  slot = eval(*expr);
  choices = saved;
  computing = false;
  return *slot;
}

const Value& Activation::define(int slot) {
  const DefineInfo& info = ed_->defines[slot];
  return memoized(info.memo, *info.decl->value);
}

const Value& Activation::operand(const ast::Expr& e, Value& scratch) {
  if (e.kind == ast::ExprKind::Name) {
    const ExprNote& n = note(e);
    switch (n.ref) {
      case ast::RefKind::Fact: return fact(e, n.index);
      case ast::RefKind::Param: return ed_->params[n.index].value;
      case ast::RefKind::Define: return define(n.index);
      case ast::RefKind::MeasureRate: return rate(e.span);
      case ast::RefKind::MeasureBase: return base(e.span);
      case ast::RefKind::MeasureResult: return figure(e, n.index);
      case ast::RefKind::Field: return field(e, n.index);
      default: break;
    }
  }
  scratch = eval(e);
  return scratch;
}

Value Activation::arith(const ast::Expr& e) {
  Value sa, sb;
  const Value& a = operand(*e.args[0], sa);
  const Value& b = operand(*e.args[1], sb);
  Value out;
  out.kind = note(e).type.kind;
  switch (e.arith) {
    case ast::ArithOp::Add: out.number = at(e.span, [&] { return a.number + b.number; }); break;
    case ast::ArithOp::Sub: out.number = at(e.span, [&] { return a.number - b.number; }); break;
    case ast::ArithOp::Mul: out.number = at(e.span, [&] { return a.number * b.number; }); break;
    case ast::ArithOp::Div: {
      auto q = at(e.span, [&] {
        return a.number.divide(b.number, std::max(kDivisionScale, a.number.scale()), RoundingMode::HalfUp);
      });
      if (!q) raise("除数为零", e.args[1]->span);
      out.number = std::move(*q);
      break;
    }
  }
  return out;
}

// −1, 0 or 1 as a is below, at or above b (values of one type).
int order(const Value& a, const Value& b) {
  if (a.kind == TypeKind::Bool || a.kind == TypeKind::Enum || a.kind == TypeKind::Date)
    return a.small < b.small ? -1 : a.small > b.small ? 1 : 0;
  const auto o = a.number <=> b.number;
  return o < 0 ? -1 : o > 0 ? 1 : 0;
}

Value Activation::compare(const ast::Expr& e) {
  Value sa, sb;
  const int c = order(operand(*e.args[0], sa), operand(*e.args[1], sb));
  bool r = false;
  switch (e.compare) {
    case ast::CompareOp::Lt: r = c < 0; break;
    case ast::CompareOp::Le: r = c <= 0; break;
    case ast::CompareOp::Gt: r = c > 0; break;
    case ast::CompareOp::Ge: r = c >= 0; break;
    case ast::CompareOp::Eq: r = c == 0; break;
    case ast::CompareOp::Ne: r = c != 0; break;
  }
  return Value::boolean(r);
}

// 合计 L { E 当 C } and the others: over the items of a list fact, each field
// of the item at hand read by name. A list that is not given (可选) is empty.
__attribute__((noinline)) Value Activation::aggregate(const ast::Expr& e) {
  const int slot = note(*e.args[0]).index;
  if (!given_.present[slot] && ed_->facts[slot].required())
    raise("缺少事实 " + e.args[0]->name + "(此处的计算需要它)", e.args[0]->span);
  const ListValue* items = given_.list(slot);
  const std::size_t count = items ? items->size() : 0;
  const ast::Expr* value = e.has_value ? e.args[1].get() : nullptr;
  const ast::Expr* filter = e.has_filter ? e.args.back().get() : nullptr;
  Value out;
  out.kind = note(e).type.kind;
  const Value* outer = row_;
  struct Restore {
    const Value*& row;
    const Value* saved;
    ~Restore() { row = saved; }
  } restore{row_, outer};
  std::size_t counted = 0;
  for (std::size_t i = 0; i < count; ++i) {
    row_ = items->item(i);
    if (filter && !condition(*filter)) continue;
    ++counted;
    if (!value) continue;
    Value scratch;
    const Value& v = operand(*value, scratch);
    switch (e.aggregate) {
      case ast::AggregateOp::Sum: out.number = at(e.span, [&] { return out.number + v.number; }); break;
      case ast::AggregateOp::Max:
      case ast::AggregateOp::Min: {
        const bool dates = v.kind == TypeKind::Date;
        const int c = dates ? (v.small < out.small ? -1 : v.small > out.small ? 1 : 0)
                            : ((v.number <=> out.number) < 0 ? -1 : (v.number <=> out.number) > 0 ? 1 : 0);
        if (counted == 1 || (e.aggregate == ast::AggregateOp::Max ? c > 0 : c < 0)) {
          out.number = v.number;
          out.small = v.small;
        }
        break;
      }
      case ast::AggregateOp::Count: break;
    }
  }
  row_ = outer;
  if (e.aggregate == ast::AggregateOp::Count) out.number = Decimal::from_int(static_cast<std::int64_t>(counted));
  if (counted == 0 && (e.aggregate == ast::AggregateOp::Max || e.aggregate == ast::AggregateOp::Min))
    raise(std::string(e.aggregate == ast::AggregateOp::Max ? "最大" : "最小") + " 没有可取的项:" + e.args[0]->name +
              (count == 0 ? " 是空列表" : " 中没有符合条件的项") + "(可先判断 计数 " + e.args[0]->name + " > 0)",
          e.span);
  if (choices) {
    // 合计 子女 { 月数 当 … }:共 3 项,计入 2 项,得 18
    std::string shown = fmt::format("共 {} 项", count);
    if (e.aggregate == ast::AggregateOp::Count) shown += fmt::format(",其中 {} 项", counted);
    else {
      if (e.has_filter) shown += fmt::format(",计入 {} 项", counted);
      shown += ",得 " + format_value(ed_, out);
    }
    choices->push_back({&e, false, -1, std::move(shown)});
  }
  return out;
}

// 累进: the bounds, rates and deductions are expressions (a table may depend on
// the application), so the table is checked on every evaluation; a constant one
// was already checked when the edition was built. `累进 X 按 N` reads the
// brackets of the 累进表 N (constants).
__attribute__((noinline)) Value Activation::progressive(const ast::Expr& e) {
  Value scratch;
  const Value& subject = operand(*e.args[0], scratch);
  const bool money = note(e).type.kind == TypeKind::Money;
  const char* unit = money ? "元" : "";
  const ast::Expr& table = e.name.empty() ? e : *ed_->schedules[static_cast<std::size_t>(note(e).index)].decl->table;
  std::vector<BracketRow> rows;
  rows.reserve(table.brackets.size());
  for (const auto& b : table.brackets) {
    BracketRow r;
    if (b.upper >= 0) r.upper = eval(*table.args[static_cast<std::size_t>(b.upper)]).number;
    r.rate = eval(*table.args[static_cast<std::size_t>(b.rate)]).number;
    if (b.deduction >= 0) r.deduction = eval(*table.args[static_cast<std::size_t>(b.deduction)]).number;
    rows.push_back(std::move(r));
  }
  if (auto problem = check_brackets(rows, unit)) {
    const ast::Bracket& b = table.brackets[problem->row];
    raise(problem->message, problem->at_deduction ? table.args[static_cast<std::size_t>(b.deduction)]->span : b.span);
  }
  std::vector<BracketSlice> slices;
  Value out;
  out.kind = note(e).type.kind;
  out.number = at(e.span, [&] { return progressive_amount(subject.number, rows, choices ? &slices : nullptr); });
  if (choices) {
    auto shown = [&](const Decimal& d) { return d.normalized().to_string() + unit; };
    ChoiceTrace t{&e, false, -1, {}};
    Decimal lower;
    for (const auto& s : slices) {
      const BracketRow& r = rows[s.row];
      t.detail += (r.upper ? shown(lower) + "–" + shown(*r.upper) : shown(lower) + " 以上") + " 的部分 " + shown(s.base) +
                  " × " + (r.rate * Decimal::from_int(100)).normalized().to_string() + "% = " + shown(s.tax) + ";";
      if (r.upper) lower = *r.upper;
    }
    t.detail += "合计 " + shown(out.number);
    choices->push_back(std::move(t));
  }
  return out;
}

// 按 X { 区间 => 值 … }: the first arm whose range holds X (the checker has made
// sure, for constant ends, that at most one does), or 其他.
__attribute__((noinline)) Value Activation::ranges(const ast::Expr& e) {
  Value scratch;
  const Value& subject = operand(*e.args[0], scratch);
  auto holds = [&](const ast::MatchArm& arm) {
    Value bound_scratch;
    if (arm.lower.arg >= 0) {
      const int c = order(subject, operand(*e.args[static_cast<std::size_t>(arm.lower.arg)], bound_scratch));
      if (c < 0 || (c == 0 && !arm.lower.inclusive)) return false;
    }
    if (arm.upper.arg >= 0) {
      const int c = order(subject, operand(*e.args[static_cast<std::size_t>(arm.upper.arg)], bound_scratch));
      if (c > 0 || (c == 0 && !arm.upper.inclusive)) return false;
    }
    return true;
  };
  for (const auto& arm : e.arms) {
    if (!arm.otherwise && !holds(arm)) continue;
    if (choices) {
      const std::string shown = format_value(ed_, subject);
      choices->push_back({&e, false, -1,
                          arm.otherwise ? shown + " 不在前面各区间内,取 其他"
                                        : shown + " 在 " + std::string(span_text(arm.pattern_span)) + " 内"});
    }
    Value v = eval(*arm.value);
    if (v.kind == TypeKind::Integer && note(e).type.kind == TypeKind::Number) v.kind = TypeKind::Number;
    return v;
  }
  raise("没有分支的区间包含 " + format_value(ed_, subject) + "(补上区间,或加 其他 => …)", e.span);
}

__attribute__((noinline)) Value Activation::call(const ast::Expr& e) {
  std::array<Value, 8> fixed;
  std::vector<Value> many;
  std::span<Value> args;
  if (e.args.size() <= fixed.size()) {
    for (std::size_t i = 0; i < e.args.size(); ++i) fixed[i] = eval(*e.args[i]);
    args = std::span<Value>(fixed.data(), e.args.size());
  } else {
    for (const auto& a : e.args) many.push_back(eval(*a));
    args = many;
  }
  std::string error;
  auto r = at(e.span, [&] {
    return call_builtin(static_cast<Builtin>(note(e).index), args, ed_ ? ed_->rounding : RoundingMode::HalfUp, error);
  });
  if (!r) raise(error, e.span);
  return std::move(*r);
}

Value Activation::eval(const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::Number: return Value::of_number(note(e).type.kind, e.number);
    case K::Boolean: return Value::boolean(e.boolean);
    case K::Date: return Value::date(e.date);
    case K::Name: {
      const ExprNote& n = note(e);
      switch (n.ref) {
        case ast::RefKind::Fact: return fact(e, n.index);
        case ast::RefKind::Param: return ed_->params[n.index].value;
        case ast::RefKind::Define: return define(n.index);
        case ast::RefKind::EnumValue: return Value::enumeration(n.index);
        case ast::RefKind::MeasureRate: return rate(e.span);
        case ast::RefKind::MeasureBase: return base(e.span);
        case ast::RefKind::MeasureAmount:
          if (outcome) return Value::money(outcome->amount);
          break;
        case ast::RefKind::MeasureEligible:
          if (outcome) return Value::boolean(outcome->eligible);
          break;
        case ast::RefKind::Field: return field(e, n.index);
        case ast::RefKind::MeasureResult: return figure(e, n.index);
        case ast::RefKind::Unresolved: break;
      }
      raise("内部错误:名称 " + e.name + " 未经检查", e.span);
    }
    case K::Has:
      return Value::boolean(given_.present[note(e).index] != 0);
    case K::InForce:
      if (!ed_) raise("施行中(…) 需要版本", e.span);
      return Value::boolean(ed_->measures[static_cast<std::size_t>(note(e).index)].in_force_on(application_day(given_)));
    case K::Call: return call(e);
    case K::Negate: {
      Value v = eval(*e.args[0]);
      v.number = -v.number;
      return v;
    }
    case K::Not: return Value::boolean(!condition(*e.args[0]));
    case K::And: return Value::boolean(condition(*e.args[0]) && condition(*e.args[1]));
    case K::Or: return Value::boolean(condition(*e.args[0]) || condition(*e.args[1]));
    case K::Arith: return arith(e);
    case K::Compare: return compare(e);
    case K::If: {
      const bool held = condition(*e.args[0]);
      if (choices) choices->push_back({&e, held, -1, {}});
      Value v = held ? eval(*e.args[1]) : eval(*e.args[2]);
      if (v.kind == TypeKind::Integer && note(e).type.kind == TypeKind::Number) v.kind = TypeKind::Number;
      return v;
    }
    case K::Match: {
      Value scratch;
      const Value& subject = operand(*e.args[0], scratch);
      if (choices) choices->push_back({&e, false, static_cast<int>(subject.small), {}});
      for (std::size_t i = 0; i < e.arms.size(); ++i) {
        const auto& arm = e.arms[i];
        if (arm.otherwise) return eval(*arm.value);
        for (int v : notes_->arm_values(e, i))
          if (v == subject.small) return eval(*arm.value);
      }
      raise("没有分支处理这个取值", e.span);
    }
    case K::Aggregate: return aggregate(e);
    case K::Progressive: return progressive(e);
    case K::Ranges: return ranges(e);
  }
  raise("内部错误:无法求值的表达式", e.span);
}

// Where a negative amount comes from: 金额 = …, or whichever of 基数 and 比例 is
// negative (both computed by then).
Span amount_span(const ast::MeasureDecl& m, Activation& act) {
  if (m.amount) return m.amount->span;
  if (m.base && act.has_base() && act.base(m.span).number.sign() < 0) return m.base->span;
  if (m.rate) return m.rate->span;
  return m.span;
}

template <typename F>
auto guarded(F&& body) -> std::variant<decltype(body()), EvalError> {
  try {
    return body();
  } catch (const Raised& r) {
    return r.error;
  } catch (const std::exception& ex) {
    // Arithmetic limits of Decimal (scale beyond its bound): report, never crash.
    return EvalError{std::string("计算超出范围:") + ex.what(), Span{}};
  }
}

}  // namespace

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

namespace {
// A measure with no 校验 and no 施行 whose flat plan decides: the Outcome built
// whole where the caller's result lies (AsOutcome); else the tree-walker's.
EvalResult evaluate_direct(const Edition& ed, const MeasureInfo& info, const CompiledMeasure& compiled,
                           const FactValues& facts) {
  FlatDecision d;
  if (!decide_flat(ed, info, compiled, facts, d)) return reference_walk(ed, info, facts, nullptr);
  return EvalResult(std::in_place_type<Outcome>, AsOutcome{ed, info, d});
}
// Everything else: out of line, so the direct entry goes without its stack frame.
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
}  // namespace

EvalResult evaluate_measure(const Edition& ed, const MeasureInfo& info, const FactValues& facts, Trace* trace) {
  const CompiledMeasure* compiled = compiled_form(ed, info);
  if (compiled && compiled->direct && !trace) return evaluate_direct(ed, info, *compiled, facts);
  return evaluate_checked(ed, info, facts, trace, compiled);
}

namespace {

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

std::variant<Value, EvalError> evaluate_expression(const Edition* ed, const ast::Expr& expr, const FactValues& facts) {
  return guarded([&]() -> Value {
    Activation act(ed, facts);
    return act.eval(expr);
  });
}

std::variant<Value, EvalError> evaluate_expression(const Edition* ed, const CheckedExpression& expr,
                                                   const FactValues& facts) {
  return guarded([&]() -> Value {
    Activation act(ed, facts, &expr.notes);
    return act.eval(*expr.expr);
  });
}

std::variant<Value, EvalError> evaluate_for_outcome(const Edition& ed, const MeasureInfo& info, const FactValues& facts,
                                                    const Outcome& outcome, const ast::Expr& expr) {
  return guarded([&]() -> Value {
    Activation act(&ed, facts);
    act.rate_expr = info.decl->rate.get();
    act.base_expr = info.decl->base.get();
    act.outcome = &outcome;
    for (const Decimal& f : outcome.figures) act.figures.push_back(Value::money(f));
    return act.eval(expr);
  });
}

std::optional<EvalError> compute_parameters(Edition& ed, const std::vector<int>& order) {
  FactValues none(ed.facts.size());
  for (int p : order) {
    auto r = evaluate_expression(&ed, *ed.params[p].decl->value, none);
    if (auto* err = std::get_if<EvalError>(&r)) return *err;
    ed.params[p].value = std::get<Value>(r);
  }
  return std::nullopt;
}

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

std::string format_value(const Edition* ed, const Value& v) {
  switch (v.kind) {
    case TypeKind::Money: return v.number.normalized().to_string() + "元";
    case TypeKind::Rate: return (v.number * Decimal::from_int(100)).normalized().to_string() + "%";
    case TypeKind::Integer:
    case TypeKind::Number: return v.number.to_string();
    case TypeKind::Bool: return v.small ? "是" : "否";
    case TypeKind::Date: return format_date(static_cast<std::int32_t>(v.small));
    case TypeKind::Enum: {
      (void)ed;
      return fmt::format("#{}", v.small);
    }
    case TypeKind::List: return "列表";
    case TypeKind::Error: break;
  }
  return "(错误)";
}

}  // namespace kuan
