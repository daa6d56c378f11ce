#include "interpreter/activation.hpp"

#include <algorithm>
#include <new>
#include <span>
#include <stdexcept>
#include <fmt/format.h>

#include "base/date.hpp"
#include "stdlib/brackets.hpp"
#include "stdlib/builtins.hpp"

namespace kuan {
namespace walk {

namespace {

// Quotients keep this many decimal places, rounded half-up; a quotient that
// terminates within them is exact. Money rules in the 2025 policy never divide.
constexpr int kDivisionScale = 18;

// −1, 0 or 1 as a is below, at or above b (values of one type).
int order(const Value& a, const Value& b) {
  if (a.kind == TypeKind::Bool || a.kind == TypeKind::Enum || a.kind == TypeKind::Date)
    return a.small < b.small ? -1 : a.small > b.small ? 1 : 0;
  const auto o = a.number <=> b.number;
  return o < 0 ? -1 : o > 0 ? 1 : 0;
}

}  // namespace

void raise(std::string message, Span span) { throw Raised{{std::move(message), span}}; }
void raise_absent(const std::string& fact, std::string message, Span span) {
  throw Raised{{std::move(message), span, {}, fact, ErrorKind::MissingFact}};
}

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
                               ChoiceList* trace_to, const char* name, const Span& at) {
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

}  // namespace walk

using walk::Activation;
using walk::guarded;

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
