#include "lang/check_ranges.hpp"

namespace kuan {

Type check_ranges(const ast::Expr& e, const OperandChecker& c, const Type* hint) {
  const Type subject = c.check(*e.args[0], nullptr);
  const bool usable = subject.is_error() || subject.is_numeric() || subject.kind == TypeKind::Date;
  if (!usable) c.error(e.args[0]->span, "按 … 的区间只能用于金额、比例、数量或日期,这里是" + c.describe(subject));
  const bool known = usable && !subject.is_error();
  Type result = Type::error();
  bool first = true;
  const ast::MatchArm* otherwise = nullptr;
  for (const auto& arm : e.arms) {
    if (otherwise) {
      Span at = arm.span;
      at.end = arm.otherwise ? at.begin + 6 : arm.pattern_span.end;
      c.error(at, "其他 须是最后一个分支;其后的分支永远不会被选中");
    }
    if (arm.otherwise) otherwise = otherwise ? otherwise : &arm;
    for (const ast::RangeEnd* end : {&arm.lower, &arm.upper}) {
      if (end->arg < 0) continue;
      const ast::Expr& b = *e.args[static_cast<std::size_t>(end->arg)];
      const Type t = c.check(b, known ? &subject : nullptr);
      if (!t.is_error() && known && !same_unit(t, subject))
        c.error(b.span, "区间的端点须与" + c.describe(subject) + "同单位,这里是" + c.describe(t));
    }
    const Type t = c.check(*arm.value, hint);
    if (t.is_error()) continue;
    if (first || result.is_error()) result = t, first = false;
    else if (!same_unit(t, result))
      c.error(arm.value->span, "各分支的结果类型须一致:前面是" + c.describe(result) + ",这里是" + c.describe(t));
    else result = wider(result, t);
  }
  return result;
}

}  // namespace kuan
