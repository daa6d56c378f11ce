// The units of Kuan numbers, in one table. The grammar's unit rule, the parser,
// the reading of fact values (interpreter/facts.cpp), the formatter's lexer and
// the messages that list the units all read it; a new unit is one line here.
//
// A number's unit decides its type: money (元, 万元, 亿元), a rate (%, ％,
// 个百分点) or a span of time (天, 个月, 年: an integer counting that unit).
// Money may be per period: 2000元/月 (the periods are the second table).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "lang/types.hpp"

namespace kuan::ast {
enum class ArithOp;
}

namespace kuan::units {

enum class Unit : std::uint8_t { None, Yuan, Wan, Yi, Percent, PercentPoint, Day, Month, Year };

struct UnitWord {
  std::string_view spelling;
  Unit unit;
  TypeKind kind;        // Money, Rate, or Integer (a span of time)
  TimeUnit time;        // a span of time: what it counts
  std::int64_t factor;  // the value is the digits × factor ÷ 10^scale
  int scale;
  bool listed;          // named in messages (％ is the full-width %)
};

// In the order messages list them; a spelling is matched whole and longest first.
inline constexpr UnitWord kWords[] = {
    {"元", Unit::Yuan, TypeKind::Money, TimeUnit::None, 1, 0, true},
    {"万元", Unit::Wan, TypeKind::Money, TimeUnit::None, 10000, 0, true},
    {"亿元", Unit::Yi, TypeKind::Money, TimeUnit::None, 100000000, 0, true},
    {"%", Unit::Percent, TypeKind::Rate, TimeUnit::None, 1, 2, true},
    {"\xEF\xBC\x85", Unit::Percent, TypeKind::Rate, TimeUnit::None, 1, 2, false},
    {"个百分点", Unit::PercentPoint, TypeKind::Rate, TimeUnit::None, 1, 2, true},
    {"天", Unit::Day, TypeKind::Integer, TimeUnit::Day, 1, 0, true},
    {"个月", Unit::Month, TypeKind::Integer, TimeUnit::Month, 1, 0, true},
    {"年", Unit::Year, TypeKind::Integer, TimeUnit::Year, 1, 0, true},
};

// The periods of an amount per period: 元/天, 元/月, 元/年 (also after 万元, 亿元).
struct PeriodWord {
  std::string_view spelling;
  TimeUnit time;
};
inline constexpr PeriodWord kPeriods[] = {{"天", TimeUnit::Day}, {"月", TimeUnit::Month}, {"年", TimeUnit::Year}};

// The unit `rest` begins with (the longest), or null.
constexpr const UnitWord* unit_at(std::string_view rest) {
  const UnitWord* best = nullptr;
  for (const auto& w : kWords)
    if (rest.substr(0, w.spelling.size()) == w.spelling && (!best || w.spelling.size() > best->spelling.size()))
      best = &w;
  return best;
}
// What a span-of-time unit counts (None for the others).
constexpr TimeUnit time_of(Unit u) {
  for (const auto& w : kWords)
    if (w.unit == u) return w.time;
  return TimeUnit::None;
}

// The period `rest` begins with, or null.
constexpr const PeriodWord* period_at(std::string_view rest) {
  for (const auto& p : kPeriods)
    if (rest.substr(0, p.spelling.size()) == p.spelling) return &p;
  return nullptr;
}

// "元、万元、亿元、%、个百分点、天、个月、年": for messages.
std::string listing();

// The unit of time of a span literal or a per-period amount, as written: 天, 个月, 年.
std::string_view span_word(TimeUnit t);

// The type of `a op b` under the unit algebra (金额 × 比例 → 金额, 金额 ÷ 金额 →
// 比例, 2000元/月 × 12个月 → 金额, 24000元 ÷ 12个月 → 金额/月, 6个月 ÷ 12个月 →
// 数值 …), or why it has none.
std::variant<Type, std::string> arith_type(ast::ArithOp op, const Type& a, const Type& b);

}  // namespace kuan::units
