#include "lang/check_brackets.hpp"

namespace kuan {

Type check_progressive(const ast::Expr& e, const OperandChecker& c) {
  const Type subject = c.check(*e.args[0], nullptr);
  const bool money = subject.kind == TypeKind::Money && !subject.is_per_period();
  const bool usable = subject.is_error() || money || subject.is_plain_number();
  if (!usable) c.error(e.args[0]->span, "累进 只能用于金额或不带单位的数量,这里是" + c.describe(subject));
  const Type result = money ? Type::money() : Type::number();
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
  return result;
}

}  // namespace kuan
