// cents_text and pro_rata_cents, on plain numbers.
#include "services/pro_rata.hpp"

#include <algorithm>
#include <string>

namespace kuan {

std::string cents_text(__int128 cents) {
  const bool negative = cents < 0;
  unsigned __int128 v = negative ? -static_cast<unsigned __int128>(cents) : static_cast<unsigned __int128>(cents);
  char buf[48];
  char* p = buf + sizeof buf;
  int digits = 0;
  auto digit = [&](unsigned d) {
    *--p = static_cast<char>('0' + d);
    if (++digits == 2) *--p = '.';
  };
  for (; v > UINT64_MAX; v /= 10) digit(static_cast<unsigned>(v % 10));
  auto w = static_cast<std::uint64_t>(v);  // 64-bit division from here: much cheaper
  do {
    digit(static_cast<unsigned>(w % 10));
    w /= 10;
  } while (w || digits < 3);
  if (negative) *--p = '-';
  return std::string(p, buf + sizeof buf);
}

std::vector<std::int64_t> pro_rata_cents(std::int64_t pool, const std::vector<std::int64_t>& amounts) {
  __int128 total = 0;
  for (const auto a : amounts) total += a;
  if (total <= pool) return amounts;
  std::vector<std::int64_t> out(amounts.size());
  largest_remainders(
      pool, total,
      [&](auto f) {
        for (std::size_t i = 0; i < amounts.size(); ++i) f(static_cast<std::uint32_t>(i), amounts[i]);
      },
      [&](std::uint32_t i) { out[i] = 1; });
  for (std::size_t i = 0; i < amounts.size(); ++i)
    out[i] += static_cast<std::int64_t>(static_cast<__int128>(amounts[i]) * pool / total);
  return out;
}

}  // namespace kuan

namespace kuan::api {

bool give_leftover_cents(std::vector<LeftoverCentCandidate>& candidates, std::size_t cents) {
  if (cents > candidates.size()) return false;
  if (cents == 0) return true;
  auto before = [](const LeftoverCentCandidate& a, const LeftoverCentCandidate& b) {
    return a.remainder != b.remainder ? a.remainder > b.remainder : a.order < b.order;
  };
  std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(cents - 1), candidates.end(), before);
  return true;
}

}  // namespace kuan::api
