#include "lang/check_brackets.hpp"

#include <algorithm>

namespace kuan {

namespace {

// The brackets of `e` (a 累进's, or a named schedule's table) over a subject of
// type `subject`: bounds of its unit, the last one 以上, rates, deductions on every
// bracket or none. `result`: the type of the tax (and of the deductions).
void check_rows(const ast::Expr& e, const Type& subject, bool usable, const Type& result, const OperandChecker& c) {
  const bool money = result.kind == TypeKind::Money;
  bool deductions = false;
  for (const auto& b : e.brackets) deductions = deductions || b.deduction >= 0;
  for (std::size_t i = 0; i < e.brackets.size(); ++i) {
    const ast::Bracket& b = e.brackets[i];
    const bool last = i + 1 == e.brackets.size();
    if (b.upper >= 0) {
      const ast::Expr& u = *e.args[static_cast<std::size_t>(b.upper)];
      const Type t = c.check(u, usable && !subject.is_error() ? &subject : nullptr);
      if (!t.is_error() && usable && !subject.is_error() && !same_unit(t, subject))
        c.error(u.span, "累进 的上界须与" + c.describe(subject) + "同单位,这里是" + c.describe(t));
      if (last) c.error(b.span, "累进 的最后一档须写 以上 => 税率:超过最高上界的部分也要有税率");
    } else if (!last) {
      c.error(b.span, "以上 须是 累进 的最后一档;其后的档永远用不到");
    }
    const ast::Expr& r = *e.args[static_cast<std::size_t>(b.rate)];
    const Type rt = c.check(r, nullptr);
    if (!rt.is_error() && rt.kind != TypeKind::Rate) c.error(r.span, "累进 的税率须为比例,这里是" + c.describe(rt));
    if (b.deduction >= 0) {
      const ast::Expr& d = *e.args[static_cast<std::size_t>(b.deduction)];
      const Type dt = c.check(d, &result);
      if (!dt.is_error() && !same_unit(dt, result))
        c.error(d.span, "速算扣除数须为" + c.describe(result) + ",这里是" + c.describe(dt));
    } else if (deductions) {
      c.error(b.span, "速算扣除数须每档都写(第一档写 0" + std::string(money ? "元" : "") + "),这一档没有写");
    }
  }
}

// 金额 over money, 数值 over a plain number; `usable` false (with an error at
// `at`) for anything else.
Type subject_type(const Type& subject, const Span& at, const char* what, const OperandChecker& c, bool& usable, bool& money) {
  money = subject.kind == TypeKind::Money && !subject.is_per_period();
  usable = subject.is_error() || money || subject.is_plain_number();
  if (!usable) c.error(at, std::string(what) + " 只能用于金额或不带单位的数量,这里是" + c.describe(subject));
  return money ? Type::money() : Type::number();
}

}  // namespace

Type check_progressive(const ast::Expr& e, const OperandChecker& c) {
  const Type subject = c.check(*e.args[0], nullptr);
  bool usable = false, money = false;
  const Type result = subject_type(subject, e.args[0]->span, "累进", c, usable, money);
  check_rows(e, subject, usable, result, c);
  return result;
}

Type check_schedule(const ast::Expr& table, const OperandChecker& c) {
  // The unit is the first bound's; a schedule of one bracket (以上 => R) has none: a plain number.
  const auto first = std::find_if(table.brackets.begin(), table.brackets.end(), [](const ast::Bracket& b) { return b.upper >= 0; });
  Type unit = Type::number();
  if (first != table.brackets.end()) {
    const ast::Expr& bound = *table.args[static_cast<std::size_t>(first->upper)];
    unit = c.check(bound, nullptr);
    if (unit.is_error()) return unit;
  }
  bool usable = false, money = false;
  const Type result = subject_type(unit, first != table.brackets.end() ? table.args[static_cast<std::size_t>(first->upper)]->span : table.span,
                                   "累进表 的上界", c, usable, money);
  if (!usable) return Type::error();
  check_rows(table, result, true, result, c);
  return result;
}

Type check_schedule_use(const ast::Expr& e, const Type& unit, const OperandChecker& c) {
  const Type subject = c.check(*e.args[0], nullptr);
  bool usable = false, money = false;
  const Type result = subject_type(subject, e.args[0]->span, "累进", c, usable, money);
  if (unit.is_error()) return Type::error();  // the schedule's own error is reported at it
  if (usable && !subject.is_error() && !same_unit(subject, unit)) {
    c.error(e.args[0]->span, "累进表 " + e.name + " 的上界是" + c.describe(unit) + ",不能用于" + c.describe(subject));
    return Type::error();  // not the subject's type either: no second error where it is used
  }
  return result;
}

}  // namespace kuan
