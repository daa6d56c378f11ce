// Static types of Kuan expressions. Units are part of the type: 金额 (money in
// 元) and 比例 (a fraction) are different types, so `金额 × 金额` or comparing a
// money amount with a rate is caught before anything runs.
#pragma once

#include <string>

namespace kuan {

// List: a list fact (Type::list_id says which); it is read only by the aggregates.
enum class TypeKind { Error, Money, Rate, Integer, Number, Bool, Date, Enum, List };

struct Type {
  TypeKind kind = TypeKind::Error;
  int enum_id = -1;  // for Enum: which enumeration (one per 枚举 declaration)
  int list_id = -1;  // for List: which list fact (Edition::lists)

  static Type money() { return {TypeKind::Money}; }
  static Type rate() { return {TypeKind::Rate}; }
  static Type integer() { return {TypeKind::Integer}; }
  static Type number() { return {TypeKind::Number}; }
  static Type boolean() { return {TypeKind::Bool}; }
  static Type date() { return {TypeKind::Date}; }
  static Type enumeration(int id) { return {TypeKind::Enum, id}; }
  static Type list(int id) { return {TypeKind::List, -1, id}; }
  static Type error() { return {TypeKind::Error}; }

  bool is_error() const { return kind == TypeKind::Error; }
  bool is_numeric() const {
    return kind == TypeKind::Money || kind == TypeKind::Rate || kind == TypeKind::Integer || kind == TypeKind::Number;
  }
  bool is_plain_number() const { return kind == TypeKind::Integer || kind == TypeKind::Number; }
  friend bool operator==(const Type&, const Type&) = default;
};

// The name users see: 金额, 比例, 整数, 数值, 布尔, 日期, 枚举, 列表.
const char* type_name(TypeKind kind);

}  // namespace kuan
