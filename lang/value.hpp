// A runtime value. One small struct for every type: numbers of every unit are
// exact Decimals (the type says whether it is 元, a rate, or a plain number);
// booleans, enumeration indices and dates share one integer slot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/decimal.hpp"
#include "lang/types.hpp"

namespace kuan {

struct Value {
  TypeKind kind = TypeKind::Error;
  std::int64_t small = 0;  // Bool: 0/1; Enum: value index; Date: days since 1970-01-01
  Decimal number;          // Money (元), Rate (fraction), Integer, Number

  static Value of_number(TypeKind kind, Decimal d) {
    Value v;
    v.kind = kind;
    v.number = std::move(d);
    return v;
  }
  static Value money(Decimal d) { return of_number(TypeKind::Money, std::move(d)); }
  static Value rate(Decimal d) { return of_number(TypeKind::Rate, std::move(d)); }
  static Value boolean(bool b) {
    Value v;
    v.kind = TypeKind::Bool;
    v.small = b;
    return v;
  }
  static Value enumeration(int index) {
    Value v;
    v.kind = TypeKind::Enum;
    v.small = index;
    return v;
  }
  static Value date(std::int32_t days) {
    Value v;
    v.kind = TypeKind::Date;
    v.small = days;
    return v;
  }
  bool truthy() const { return small != 0; }
};

// The items of a list fact: `width` values per item, in the order of its
// fields. A list fact's Value has kind List and, in `small`, the index of its
// ListValue in the application's FactValues::lists.
struct ListValue {
  std::size_t width = 0;
  std::vector<Value> cells;
  std::size_t size() const { return width ? cells.size() / width : 0; }
  const Value* item(std::size_t i) const { return cells.data() + i * width; }
};

}  // namespace kuan
