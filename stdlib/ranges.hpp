// A range table's coverage (按 X { 50万元(含) 以下 => …, … }): given each arm's
// range, which arms are empty, overlap an earlier arm or can never be chosen,
// and which values no arm holds. Exact decimals throughout; the load-time check
// of constant tables (interpreter/tables.cpp) turns the findings into
// positioned errors.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/decimal.hpp"

namespace kuan {

struct RangeRow {
  bool otherwise = false;             // 其他: whatever no range holds
  std::optional<Decimal> lower, upper;  // none: unbounded (以下 / 以上)
  bool lower_inclusive = false, upper_inclusive = false;
};

struct RangeDomain {
  bool discrete = false;        // integers and dates: 3(含) 至 5(含) and 6(含) 以上 leave no gap
  std::optional<Decimal> min;   // the least value there can be (0 for a money fact), inclusive
};

struct RangeProblem {
  std::size_t row = 0;
  std::string message;
};

// `show` writes a value as the rule file would (50万元 → "500000元", a date as
// YYYY-MM-DD); `label` gives an arm's range as written, to name it.
std::vector<RangeProblem> check_ranges(const std::vector<RangeRow>& rows, const RangeDomain& domain,
                                       const std::function<std::string(const Decimal&)>& show,
                                       const std::function<std::string(std::size_t)>& label);

}  // namespace kuan
