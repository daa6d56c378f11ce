// The pool rule of batch allocation: pro rata, rounded down to the 分, the
// cents left over to the largest remainders (ties: the earlier application).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "base/populate.hpp"
#include "kuan/allocator.hpp"  // give_leftover_cents: the same rule for hosts

namespace kuan {

// The pool rule. each(f) calls f(index, amount) for every participant in
// order (twice, unless `count` says how many there are: counting them first,
// so the candidates take no more room than they need — a year may have
// millions); mark(index) gives it one more cent.
// Returns the cents so given. total > pool ≥ 0 and total < 2^63 (so
// remainders fit 64 bits). floor(index, cents) is told each participant's
// share rounded down, as it is found (the caller's sums need no pass of their own).
struct NoFloor {
  void operator()(std::uint32_t, std::int64_t) const {}
};
template <class Each, class Mark, class Floor = NoFloor>
std::uint64_t largest_remainders(std::int64_t pool, __int128 total, Each each, Mark mark, std::size_t count = SIZE_MAX,
                                 Floor floor = {}) {
  std::vector<api::LeftoverCentCandidate> candidates;
  if (count == SIZE_MAX) {  // not known: counted first, for room at once
    count = 0;
    each([&](std::uint32_t, std::int64_t) { ++count; });
  }
  reserve_populated(candidates, count);
  __int128 floors = 0;
  each([&](std::uint32_t index, std::int64_t amount) {
    std::uint64_t r;
    if (std::uint64_t x; amount >= 0 && !__builtin_mul_overflow(static_cast<std::uint64_t>(amount), static_cast<std::uint64_t>(pool), &x)) {
      const auto t = static_cast<std::uint64_t>(total);  // < 2^63: a 64-bit division when the product fits
      const std::uint64_t q = x / t;
      floors += q;
      r = x % t;
      floor(index, static_cast<std::int64_t>(q));
    } else {
      const __int128 x128 = static_cast<__int128>(amount) * pool;
      const __int128 q = x128 / total;
      floors += q;
      r = static_cast<std::uint64_t>(x128 % total);
      floor(index, static_cast<std::int64_t>(q));  // |q| ≤ |amount|: pool < total
    }
    if (r) candidates.push_back({r, index});
  });
  // Σ remainders = total × left, each remainder < total: left ≤ candidates.
  const auto left = std::min(static_cast<std::size_t>(pool - floors), candidates.size());
  api::give_leftover_cents(candidates, left);
  for (std::size_t k = 0; k < left; ++k) mark(static_cast<std::uint32_t>(candidates[k].order));
  return static_cast<std::uint64_t>(pool - floors);
}

// The pool rule on plain numbers (分): when Σ amounts > pool, each amount
// becomes ⌊amount × pool ÷ Σ⌋ and the cents left over go one each to the
// largest remainders (ties: smaller index), so the result sums to pool
// exactly; otherwise the amounts are returned unchanged. Amounts ≥ 0.
std::vector<std::int64_t> pro_rata_cents(std::int64_t pool, const std::vector<std::int64_t>& amounts);

// 分 as "1234.50".
std::string cents_text(__int128 cents);

}  // namespace kuan
