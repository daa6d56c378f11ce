// 累进: a marginal (超额累进) schedule. Each rate applies to the part of the
// amount within its bracket: with brackets up to 36000 at 3% and above at 10%,
// 50000 pays 36000 × 3% + 14000 × 10%. A published table adds a quick deduction
// (速算扣除数) per bracket so that the tax is amount × rate − deduction within
// the bracket; check_brackets says whether a table's deductions agree with its
// rates. Exact decimal arithmetic throughout; shared by the evaluator and the
// load-time check of constant tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/decimal.hpp"

namespace kuan {

struct BracketRow {
  std::optional<Decimal> upper;  // none: 以上 (the last bracket)
  Decimal rate;
  std::optional<Decimal> deduction;  // 速算扣除数, when written
};

// The part of the amount in one bracket and its tax.
struct BracketSlice {
  std::size_t row = 0;
  Decimal base, tax;
};

struct BracketProblem {
  std::size_t row = 0;
  bool at_deduction = false;  // the 速算扣除数 is wrong (else the bound)
  std::string message;
};

// Bounds positive and increasing; every written deduction equal to the one the
// rates imply (the tax of the bracket's lower bound subtracted from lower × rate).
// `unit` is appended to amounts in messages ("元" for money).
std::optional<BracketProblem> check_brackets(const std::vector<BracketRow>& rows, const char* unit);

// The tax of `amount` (0 when it is not positive); the slices it fell into
// when `slices` is given.
Decimal progressive_amount(const Decimal& amount, const std::vector<BracketRow>& rows,
                           std::vector<BracketSlice>* slices = nullptr);

}  // namespace kuan
