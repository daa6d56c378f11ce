// Static types of Kuan expressions. Units are part of the type: 金额 (money in
// 元) and 比例 (a fraction) are different types, so `金额 × 金额` or comparing a
// money amount with a rate is caught before anything runs.
#pragma once

#include <cstdint>
#include <string>

namespace kuan {

// List: a list fact (Type::list_id says which); it is read only by the aggregates.
enum class TypeKind { Error, Money, Rate, Integer, Number, Bool, Date, Enum, List };

// Time as a unit (天, 月, 年). It is a dimension of a type, not a kind of its
// own: a span of time is a plain number that counts in this unit (12个月 is an
// 整数 counting months, 月数), and an amount per period is money per this unit
// (2000元/月). At run time both are the numbers they were; only the checker
// sees the unit, so 2000元/月 × 12个月 is 金额 and 2000元/月 × 1年 an error.
enum class TimeUnit : std::uint8_t { None, Day, Month, Year };

struct Type {
  TypeKind kind = TypeKind::Error;
  int enum_id = -1;  // for Enum: which enumeration (one per 枚举 declaration)
  // Integer/Number: a span of time counted in this unit; Money: an amount per
  // this unit. None for everything else.
  TimeUnit time = TimeUnit::None;
  int list_id = -1;  // for List: which list fact (Edition::lists)

  static Type money() { return {TypeKind::Money}; }
  static Type rate() { return {TypeKind::Rate}; }
  static Type integer() { return {TypeKind::Integer}; }
  static Type number() { return {TypeKind::Number}; }
  static Type boolean() { return {TypeKind::Bool}; }
  static Type date() { return {TypeKind::Date}; }
  static Type enumeration(int id) { return {TypeKind::Enum, id}; }
  static Type list(int id) { return {TypeKind::List, -1, TimeUnit::None, id}; }
  static Type error() { return {TypeKind::Error}; }
  static Type span_of(TimeUnit t, TypeKind k = TypeKind::Integer) { return {k, -1, t}; }
  static Type money_per(TimeUnit t) { return {TypeKind::Money, -1, t}; }

  bool is_error() const { return kind == TypeKind::Error; }
  bool is_numeric() const {
    return kind == TypeKind::Money || kind == TypeKind::Rate || kind == TypeKind::Integer || kind == TypeKind::Number;
  }
  // An integer or number without a unit of time: 3 and 1.5 mix freely, 3个月 does not.
  bool is_plain_number() const {
    return (kind == TypeKind::Integer || kind == TypeKind::Number) && time == TimeUnit::None;
  }
  bool is_span() const { return (kind == TypeKind::Integer || kind == TypeKind::Number) && time != TimeUnit::None; }
  bool is_per_period() const { return kind == TypeKind::Money && time != TimeUnit::None; }
  friend bool operator==(const Type&, const Type&) = default;
};

// Of one unit: equal, or integers and numbers counting the same unit of time
// (3 and 1.5 mix, as do 3个月 and 1.5个月; 3 and 3个月 do not).
inline bool same_unit(const Type& a, const Type& b) {
  if (a == b) return true;
  auto counting = [](const Type& t) { return t.kind == TypeKind::Integer || t.kind == TypeKind::Number; };
  return counting(a) && counting(b) && a.time == b.time;
}
// The wider of two types of one unit: a number when either is one.
inline Type wider(const Type& a, const Type& b) { return b.kind == TypeKind::Number ? b : a; }

// The name users see: 金额, 比例, 整数, 数值, 布尔, 日期, 枚举, 列表.
const char* type_name(TypeKind kind);
// With the unit of time: 月数 (a span counted in months), 金额/月.
std::string type_name(const Type& t);
// 天, 月, 年
const char* time_word(TimeUnit t);

}  // namespace kuan
