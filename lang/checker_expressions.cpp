// The types of expressions: units (金额 × 比例 → 金额), operators,
// comparisons, 若 … 则 … 否则, 按 … { } and its coverage of an enumeration.

#include "lang/checker_impl.hpp"

#include <algorithm>

#include "lang/check_brackets.hpp"
#include "lang/check_ranges.hpp"
#include "base/suggest.hpp"
#include "lang/units.hpp"
#include "lang/builtin_types.hpp"

namespace kuan::checking {

namespace {
// How to reach the wanted unit of time from the one given.
std::string unit_hint(const Type& got, const Type& want) {
  if (got.is_per_period() && want.kind == TypeKind::Money && !want.is_per_period())
    return std::string("(乘以一段时间,如 × 12个") + (got.time == TimeUnit::Month ? "月" : time_word(got.time)) + ")";
  if (got.is_plain_number() && want.is_span())
    return std::string("(时间要写单位,如 12") + std::string(units::span_word(want.time)) + ")";
  return "";
}
}  // namespace

Type Checker::check(const ast::Expr& e, Context& ctx, const Type* hint) {
  if (ctx.node >= 0 && !height_.empty()) height_[ctx.node] = std::max(height_[ctx.node], e.depth);
  // Each top-level expression starts blaming afresh (errors reported right
  // after it, such as a type mismatch, still see what it read).
  if (check_depth_ == 0) cause_ = unit_cause_;
  ++check_depth_;
  struct Leave {
    int& depth;
    ~Leave() { --depth; }
  } leave{check_depth_};
  const Type t = check_inner(e, ctx, hint);
  note(e).type = t;
  return t;
}

void Checker::expect_type(const ast::Expr& e, const Type& got, const Type& want, const std::string& what) {
  if (got.is_error() || want.is_error()) return;
  const bool ok = got == want || (want.kind == TypeKind::Number && got.kind == TypeKind::Integer && got.time == want.time);
  if (!ok) error(e.span, what + " 须为" + type_name(want) + ",这里是" + describe(got) + unit_hint(got, want));
}

std::string Checker::describe(const Type& t) const {
  if (t.kind == TypeKind::Enum && t.enum_id >= 0) return "枚举(" + ed_.enums[t.enum_id].name + ")";
  return type_name(t);
}

// The unit algebra itself is lang/units.cpp's.
Type Checker::arith(const ast::Expr& e, Type a, Type b) {
  if (a.is_error() || b.is_error()) return Type::error();
  const char* sym = e.arith == ast::ArithOp::Add ? "+" : e.arith == ast::ArithOp::Sub ? "−" : e.arith == ast::ArithOp::Mul ? "×" : "÷";
  auto r = units::arith_type(e.arith, a, b);
  if (auto* t = std::get_if<Type>(&r)) return *t;
  const std::string& why = std::get<std::string>(r);
  error(e.span, std::string("不能计算 ") + describe(a) + " " + sym + " " + describe(b) + (why.empty() ? "" : ":" + why));
  return Type::error();
}

bool Checker::is_unbound_name(const ast::Expr& e) const {
  return e.kind == ast::ExprKind::Name && !symbols_.count(e.name) && e.name != "比例" && e.name != "基数" &&
         field_index(e.name) < 0;
}

Type Checker::compare(const ast::Expr& e, Context& ctx) {
  const ast::Expr& l = *e.args[0];
  const ast::Expr& r = *e.args[1];
  Type a, b;
  if (is_unbound_name(l) && !is_unbound_name(r)) {
    b = check(r, ctx);
    a = check(l, ctx, &b);
  } else {
    a = check(l, ctx);
    b = check(r, ctx, &a);
  }
  if (a.is_error() || b.is_error()) return Type::boolean();
  const bool equality = e.compare == ast::CompareOp::Eq || e.compare == ast::CompareOp::Ne;
  if (!same_unit(a, b)) {
    error(e.span, "不能比较 " + describe(a) + " 与 " + describe(b) + unit_hint(b, a) + unit_hint(a, b));
  } else if (!equality && (a.kind == TypeKind::Bool || a.kind == TypeKind::Enum)) {
    error(e.span, std::string(type_name(a.kind)) + " 只能用 = 或 ≠ 比较");
  }
  return Type::boolean();
}

Type Checker::match(const ast::Expr& e, Context& ctx, const Type* hint) {
  // Arms checked below may hold 按 of their own: refer to this one's entry by index.
  const int entry = static_cast<int>(notes_.arms.size());
  notes_.arms.emplace_back(e.arms.size());
  note(e).index = entry;
  const Type subject = check(*e.args[0], ctx);
  if (!subject.is_error() && subject.kind != TypeKind::Enum)
    error(e.args[0]->span, "按 … { } 只能用于枚举,这里是" + describe(subject));
  const EnumInfo* en = subject.kind == TypeKind::Enum ? &ed_.enums[subject.enum_id] : nullptr;
  std::vector<bool> covered(en ? en->values.size() : 0, false);
  bool otherwise = false;
  std::size_t otherwise_at = 0;
  Type result = Type::error();
  bool first = true;
  for (const auto& arm : e.arms) {
    // Arms are tried in order, so one written after 其他 could never be chosen.
    if (otherwise && &arm == &e.arms[otherwise_at + 1]) {
      Span at = arm.span;
      if (!arm.patterns.empty()) at.end = arm.patterns.back().span.end;
      error(at, "其他 须是最后一个分支;其后的分支永远不会被选中");
    }
    if (arm.otherwise && !otherwise) otherwise = true, otherwise_at = static_cast<std::size_t>(&arm - e.arms.data());
    for (const auto& p : arm.patterns) {
      if (!en) break;
      auto it = std::find(en->values.begin(), en->values.end(), p.name);
      if (it == en->values.end()) {
        error(p.span, p.name + " 不是 " + en->name + " 的取值(可取:" + join(en->values) + ")");
        continue;
      }
      const auto k = static_cast<std::size_t>(it - en->values.begin());
      if (covered[k]) error(p.span, "取值 " + p.name + " 已在前面的分支处理过");
      covered[k] = true;
      notes_.arms[static_cast<std::size_t>(entry)][static_cast<std::size_t>(&arm - e.arms.data())].push_back(static_cast<int>(k));
    }
    const Type t = check(*arm.value, ctx, hint);
    if (t.is_error()) continue;
    if (first || result.is_error()) result = t, first = false;
    else if (!same_unit(t, result))
      error(arm.value->span, "各分支的结果类型须一致:前面是" + describe(result) + ",这里是" + describe(t));
    else result = wider(result, t);
  }
  if (en && !otherwise) {
    std::vector<std::string> missing;
    for (std::size_t k = 0; k < covered.size(); ++k)
      if (!covered[k]) missing.push_back(en->values[k]);
    if (!missing.empty()) error(e.span, "按 " + en->name + " 未处理取值:" + join(missing) + "(补上分支,或加 其他 => …)");
  }
  return result;
}

Type Checker::check_inner(const ast::Expr& e, Context& ctx, const Type* hint) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::Number:
      switch (e.unit) {
        case ast::Unit::Yuan:
        case ast::Unit::Wan:
        case ast::Unit::Yi: return e.per == TimeUnit::None ? Type::money() : Type::money_per(e.per);
        case ast::Unit::Percent:
        case ast::Unit::PercentPoint:
          if (e.number > Decimal::from_int(1)) {
            error(e.span, "比例须在 0–100% 之间");
            return Type::error();
          }
          return Type::rate();
        case ast::Unit::Day:
        case ast::Unit::Month:
        case ast::Unit::Year:
          return Type::span_of(units::time_of(e.unit), e.number.scale() == 0 ? TypeKind::Integer : TypeKind::Number);
        case ast::Unit::None: return e.number.scale() == 0 ? Type::integer() : Type::number();
      }
      return Type::error();
    case K::Boolean: return Type::boolean();
    case K::Date: return Type::date();
    case K::Name: return name(e, ctx, hint);
    case K::Has: {
      auto it = symbols_.find(e.name);
      if (it == symbols_.end() || it->second.kind != ast::RefKind::Fact) {
        error(e.span, "有 … 只能用于事实;" + e.name + " 不是已声明的事实");
        return Type::error();
      }
      // Whether a fact was given is a property of an application, which
      // constants (computed once at load) never see.
      if (ctx.owner == Owner::Param) {
        error(e.span, not_constant(ctx, e.name, "事实"));
        return Type::error();
      }
      if (ctx.owner == Owner::Example || ctx.owner == Owner::Rounding) {
        error(e.span, "这里只能使用字面量和参数;" + e.name + " 不是参数");
        return Type::error();
      }
      note(e).ref = ast::RefKind::Fact;
      note(e).index = it->second.index;
      fact_used_[it->second.index] = true;
      depend(ctx, fact_base_ + it->second.index);
      return Type::boolean();
    }
    case K::InForce: {  // 施行中(M): read off the application's date, never a constant
      if (ctx.owner == Owner::Param || ctx.owner == Owner::Example || ctx.owner == Owner::Rounding) {
        error(e.span, "施行中(…) 取决于申请的日期,这里只能使用字面量和参数");
        return Type::error();
      }
      auto it = ed_.measure_index.find(e.name);
      if (it == ed_.measure_index.end()) {
        error(e.span, "施行中(…) 的括号中须为措施名;" + e.name + " 不是措施");
        return Type::error();
      }
      note(e).index = it->second;
      return Type::boolean();
    }
    case K::Call: {
      auto fn = find_builtin(e.name);
      if (!fn) {
        error(e.span, "未知的函数 " + e.name + "(可用:min、max、round、四舍五入、向下舍入、向上舍入、银行家舍入、abs)");
        for (auto& a : e.args) check(*a, ctx);
        return Type::error();
      }
      note(e).index = static_cast<int>(*fn);
      std::vector<Type> types;
      for (auto& a : e.args) types.push_back(check(*a, ctx));
      auto r = builtin_type(*fn, types);
      if (auto* msg = std::get_if<std::string>(&r)) {
        error(e.span, *msg);
        return Type::error();
      }
      return std::get<Type>(r);
    }
    case K::Negate: {
      const Type t = check(*e.args[0], ctx);
      if (!t.is_error() && !t.is_numeric()) error(e.span, "只有数量可以取负,这里是" + describe(t));
      return t.is_numeric() ? t : Type::error();
    }
    case K::Not:
    case K::And:
    case K::Or: {
      for (auto& a : e.args) {
        const Type t = check(*a, ctx);
        if (!t.is_error() && t.kind != TypeKind::Bool)
          error(a->span, std::string(e.kind == K::Not ? "非" : e.kind == K::And ? "且" : "或") + " 的操作数须为布尔,这里是" + describe(t));
      }
      return Type::boolean();
    }
    case K::Arith: {
      const Type a = check(*e.args[0], ctx);
      const Type b = check(*e.args[1], ctx);
      return arith(e, a, b);
    }
    case K::Compare: return compare(e, ctx);
    case K::If: {
      const Type c = check(*e.args[0], ctx);
      if (!c.is_error() && c.kind != TypeKind::Bool) error(e.args[0]->span, "若 的条件须为布尔,这里是" + describe(c));
      const Type a = check(*e.args[1], ctx, hint);
      const Type b = check(*e.args[2], ctx, hint ? hint : &a);
      if (a.is_error() || b.is_error()) return Type::error();
      if (a == b) return a;
      if (same_unit(a, b)) return wider(a, b);
      error(e.span, "则 与 否则 的结果类型须一致:" + describe(a) + " 与 " + describe(b));
      return Type::error();
    }
    case K::Match: return match(e, ctx, hint);
    case K::Aggregate: return aggregate(e, ctx);  // checker_lists.cpp
    case K::Progressive:
      if (!e.name.empty()) return schedule_use(e, ctx);
      return check_progressive(e, operand_checker(ctx));
    case K::Ranges: return check_ranges(e, operand_checker(ctx), hint);
  }
  return Type::error();
}

// How the bracket and range checks (lang/check_brackets, check_ranges) check an operand and report.
OperandChecker Checker::operand_checker(Context& ctx) {
  return {[this, &ctx](const ast::Expr& x, const Type* h) { return check(x, ctx, h); },
          [this](const Span& s, std::string m) { error(s, std::move(m)); }, [this](const Type& t) { return describe(t); }};
}

// 累进 X 按 N: N is a 累进表 of the edition; its index is the expression's note.
Type Checker::schedule_use(const ast::Expr& e, Context& ctx) {
  const auto it = std::find_if(ed_.schedules.begin(), ed_.schedules.end(),
                               [&](const ScheduleInfo& s) { return s.decl->name == e.name; });
  if (it == ed_.schedules.end()) {
    check(*e.args[0], ctx);
    if (const ast::Removal* removed = removal_of(ast::DeclKind::Schedule, e.name)) {
      // 删除 累进表 N while a rule applies it: a base rule's error is reported at the 删除 (blame_removal).
      blame_removal(e.name);
      const std::string user = ctx.measure ? "措施 " + ctx.measure->name
                               : ctx.owner == Owner::Define && ctx.node >= define_base_ && ctx.node < fact_base_
                                   ? "定义 " + ed_.defines[static_cast<std::size_t>(ctx.node - define_base_)].decl->name
                                   : std::string("这条规则");
      const bool base_rule = inherited_file(e.name_span);
      error(e.name_span, user + " 仍用着累进表 " + e.name + (base_rule ? "" : ",它已在 " + where(removed->span) + " 删除") +
                             "(不删除它,或" + (base_rule ? "修订 " + user + " " : "") + "改用别的累进表)");
      return Type::error();
    }
    ClosestName closest(e.name);
    for (const auto& s : ed_.schedules) closest.consider(s.decl->name);
    const std::string near = closest.best();
    error(e.name_span, "没有名为 " + e.name + " 的累进表" +
                           (near.empty() ? "(累进表 " + e.name + " { … } 声明它)" : did_you_mean_text(near)));
    return Type::error();
  }
  read_revision(it->decl->revision, it->decl->span, "累进表", e.name);  // a base rule's error is blamed on the 修订
  const auto index = static_cast<std::size_t>(it - ed_.schedules.begin());
  if (index < schedule_used_.size()) schedule_used_[index] = true;  // (a REPL expression is checked without them)
  if (ctx.owner == Owner::Param || ctx.owner == Owner::Schedule) {  // constants, computed before any 累进表 is checked
    check(*e.args[0], ctx);
    error(e.span, std::string(ctx.owner == Owner::Param ? "参数" : "累进表") + " 中不能写 累进 … 按 累进表;写成 定义");
    return Type::error();
  }
  note(e).index = static_cast<int>(index);
  return check_schedule_use(e, it->type, operand_checker(ctx));
}

}  // namespace kuan::checking
