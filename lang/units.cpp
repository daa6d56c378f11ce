#include "lang/units.hpp"

#include "lang/ast.hpp"

namespace kuan::units {

std::string listing() {
  std::string out;
  for (const auto& w : kWords) {
    if (!w.listed) continue;
    if (!out.empty()) out += "、";
    out += w.spelling;
  }
  return out;
}

std::string_view span_word(TimeUnit t) {
  for (const auto& w : kWords)
    if (w.time == t && w.kind != TypeKind::Money) return w.spelling;
  return "";
}

namespace {
using K = TypeKind;
using Typing = std::variant<Type, std::string>;

bool counting(const Type& t) { return t.kind == K::Integer || t.kind == K::Number; }
// integer × integer stays an integer; anything else with a fraction is a number.
K counted(const Type& a, const Type& b) { return a.kind == K::Integer && b.kind == K::Integer ? K::Integer : K::Number; }

std::string per(TimeUnit t) { return std::string("按") + time_word(t) + "计的金额"; }
std::string convert_hint(TimeUnit a, TimeUnit b) {
  if ((a == TimeUnit::Month && b == TimeUnit::Year) || (a == TimeUnit::Year && b == TimeUnit::Month))
    return "(1年 = 12个月,须先换算,如 年数 ÷ 1年 × 12个月)";
  return "(天与月、年之间没有固定的换算)";
}

Typing add(const Type& a, const Type& b) {
  if (same_unit(a, b)) return wider(a, b);
  if (a.kind == b.kind || (counting(a) && counting(b)))
    return std::string("时间单位不同") + (a.time != TimeUnit::None && b.time != TimeUnit::None ? convert_hint(a.time, b.time) : "");
  return std::string("单位不同");
}

Typing multiply(const Type& a, const Type& b) {
  if (a.kind == K::Money && b.kind == K::Money) return std::string("金额 × 金额 没有意义,其中一个应为比例");
  if (a.is_span() && b.is_span()) return std::string("时间 × 时间 没有意义");
  const Type& m = a.kind == K::Money ? a : b;  // the money, if any
  const Type& o = a.kind == K::Money ? b : a;  // the other operand
  if (m.kind == K::Money) {
    if (o.is_span()) {
      if (!m.is_per_period()) return std::string("金额不能乘以时间;按期间计的金额写作 2000元/") + time_word(o.time) + " 这样";
      if (m.time != o.time) return per(m.time) + "须乘以" + time_word(m.time) + "数" + convert_hint(m.time, o.time);
      return Type::money();
    }
    return m;  // money (per period or not) scaled
  }
  const Type& s = a.is_span() ? a : b;  // a span, if any
  if (s.is_span()) return Type::span_of(s.time, counted(a, b));
  if (a.kind == K::Rate || b.kind == K::Rate) return Type::rate();
  return Type{counted(a, b)};
}

Typing divide(const Type& a, const Type& b) {
  if (a.kind == K::Money && b.kind == K::Money) {
    if (a.time != b.time) return std::string("时间单位不同") + convert_hint(a.time, b.time);
    return Type::rate();
  }
  if (b.kind == K::Money) return std::string("除以金额只对金额有意义");
  if (b.is_span()) {
    if (a.kind == K::Money) {
      if (a.is_per_period()) return std::string("金额/") + time_word(a.time) + " ÷ " + type_name(b) + " 没有意义";
      return Type::money_per(b.time);
    }
    if (a.is_span()) {
      if (a.time != b.time) return std::string("时间单位不同") + convert_hint(a.time, b.time);
      return Type::number();
    }
    return std::string("除以时间只对金额和时间有意义");
  }
  if (a.kind == K::Rate && b.kind == K::Rate) return Type::number();
  if (b.kind == K::Rate) return std::string("除以比例只对比例有意义");
  if (a.kind == K::Money) return a;
  if (a.kind == K::Rate) return Type::rate();
  if (a.is_span()) return Type::span_of(a.time, K::Number);
  return Type::number();
}
}  // namespace

std::variant<Type, std::string> arith_type(ast::ArithOp op, const Type& a, const Type& b) {
  if (!a.is_numeric() || !b.is_numeric()) return std::string("只有数量可以运算");
  switch (op) {
    case ast::ArithOp::Add:
    case ast::ArithOp::Sub: return add(a, b);
    case ast::ArithOp::Mul: return multiply(a, b);
    case ast::ArithOp::Div: return divide(a, b);
  }
  return Type::error();
}

}  // namespace kuan::units
