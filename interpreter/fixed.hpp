// Unboxed decimal fixed point for the compiled evaluator: a 64-bit mantissa
// and a scale (value = m × 10^−s), with the same scale rules as kuan::Decimal
// (a sum has the larger scale, a product the sum of the scales, a rounded value
// the step's scale) so a result converts back to the very Decimal the
// reference evaluator computes. Every operation reports whether it fitted;
// when one does not (a mantissa beyond 64 bits, a scale beyond 18), the caller
// gives the whole evaluation to the exact Decimal path (__int128, then cpp_int).
#pragma once

#include <array>
#include <cstdint>

#include "base/decimal.hpp"
#include "lang/value.hpp"

namespace kuan::fixed {

struct Fx {
  std::int64_t m = 0;
  std::int32_t s = 0;  // scale; 0 for booleans, enumeration indices and dates
};

inline constexpr int kMaxScale = 18;  // 10^18 is the largest power of ten in int64
inline constexpr std::array<std::int64_t, kMaxScale + 1> kPow10 = [] {
  std::array<std::int64_t, kMaxScale + 1> t{};
  t[0] = 1;
  for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
  return t;
}();

// A Decimal that fits, as Fx.
inline bool from_decimal(const Decimal& d, Fx& out) noexcept {
  std::int64_t m;
  if (!d.mantissa64(m) || d.scale() > kMaxScale) return false;
  out = {m, d.scale()};
  return true;
}
inline Decimal to_decimal(Fx x) { return Decimal::from_scaled(x.m, x.s); }
// A fact's value as Fx: booleans, enumeration indices and dates as they are,
// numbers when they fit.
inline bool of_value(const Value& v, Fx& out) noexcept {
  switch (v.kind) {
    case TypeKind::Money:
    case TypeKind::Rate:
    case TypeKind::Integer:
    case TypeKind::Number: return from_decimal(v.number, out);
    case TypeKind::Bool:
    case TypeKind::Enum:
    case TypeKind::Date: out = {v.small, 0}; return true;
    default: return false;
  }
}

// Both mantissas at the larger scale.
inline bool align(Fx a, Fx b, std::int64_t& x, std::int64_t& y, std::int32_t& s) noexcept {
  if (a.s == b.s) {
    x = a.m, y = b.m, s = a.s;
    return true;
  }
  if (a.s < b.s) {
    s = b.s, y = b.m;
    return !__builtin_mul_overflow(a.m, kPow10[b.s - a.s], &x);
  }
  s = a.s, x = a.m;
  return !__builtin_mul_overflow(b.m, kPow10[a.s - b.s], &y);
}

inline bool add(Fx a, Fx b, Fx& out) noexcept {
  std::int64_t x, y;
  return align(a, b, x, y, out.s) && !__builtin_add_overflow(x, y, &out.m);
}
inline bool sub(Fx a, Fx b, Fx& out) noexcept {
  std::int64_t x, y;
  return align(a, b, x, y, out.s) && !__builtin_sub_overflow(x, y, &out.m);
}
inline bool mul(Fx a, Fx b, Fx& out) noexcept {
  out.s = a.s + b.s;
  return out.s <= kMaxScale && !__builtin_mul_overflow(a.m, b.m, &out.m);
}
inline bool neg(Fx a, Fx& out) noexcept {
  out.s = a.s;
  return !__builtin_sub_overflow(std::int64_t{0}, a.m, &out.m);
}

// −1, 0 or 1; exact for any two values (aligned in 128 bits, which cannot overflow).
inline int compare(Fx a, Fx b) noexcept {
  if (a.s == b.s) [[likely]]
    return (a.m > b.m) - (a.m < b.m);
  std::int64_t aligned;  // the one at the smaller scale, at the larger: when it fits, a 64-bit compare
  if (a.s < b.s) {
    if (!__builtin_mul_overflow(a.m, kPow10[b.s - a.s], &aligned)) return (aligned > b.m) - (aligned < b.m);
  } else if (!__builtin_mul_overflow(b.m, kPow10[a.s - b.s], &aligned)) {
    return (a.m > aligned) - (a.m < aligned);
  }
  const __int128 x = a.s < b.s ? static_cast<__int128>(a.m) * kPow10[b.s - a.s] : a.m;
  const __int128 y = b.s < a.s ? static_cast<__int128>(b.m) * kPow10[a.s - b.s] : b.m;
  return (x > y) - (x < y);
}

// n ÷ d rounded to an integer per mode, as Decimal rounds.
inline bool div_round(std::int64_t n, std::int64_t d, RoundingMode mode, std::int64_t& out) noexcept {
  if (d == 0) return false;
  const bool negative = (n < 0) != (d < 0);
  const std::uint64_t na = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  const std::uint64_t da = d < 0 ? 0 - static_cast<std::uint64_t>(d) : static_cast<std::uint64_t>(d);
  std::uint64_t q = na / da;
  const std::uint64_t r = na % da;
  bool away = false;
  if (r != 0) {
    switch (mode) {
      case RoundingMode::Down: away = false; break;
      case RoundingMode::Up: away = true; break;
      case RoundingMode::Floor: away = negative; break;
      case RoundingMode::Ceiling: away = !negative; break;
      case RoundingMode::HalfUp: away = r >= da - r; break;
      case RoundingMode::HalfEven: away = r != da - r ? r > da - r : (q % 2) != 0; break;
    }
  }
  if (away) ++q;
  if (q > static_cast<std::uint64_t>(INT64_MAX) + (negative ? 1 : 0)) return false;
  out = negative ? static_cast<std::int64_t>(0 - q) : static_cast<std::int64_t>(q);
  return true;
}

// n × 10^−k rounded to an integer per mode (1 ≤ k ≤ 18): div_round, with the
// usual few k dividing by a constant (a multiplication, not a division).
inline bool round_places(std::int64_t n, std::int32_t k, RoundingMode mode, std::int64_t& out) noexcept {
  switch (k) {
    case 1: return div_round(n, 10, mode, out);
    case 2: return div_round(n, 100, mode, out);
    case 3: return div_round(n, 1000, mode, out);
    case 4: return div_round(n, 10000, mode, out);
    default: return k > 0 && k <= kMaxScale && div_round(n, kPow10[static_cast<std::size_t>(k)], mode, out);
  }
}

// round_places for RoundingMode::HalfUp (ties away from zero), the usual
// rounding of an amount to 分: (|n| + d/2) ÷ d, as d = 10^k is even, so
// |n| % d ≥ d/2 exactly when the tie or more rounds away. No mode to switch
// on, and the usual k divide by a constant. Cannot overflow: |n| ≤ 2^63 and
// d/2 < 2^59, and the quotient is less than |n|.
[[gnu::always_inline]] inline bool round_half_up_places(std::int64_t n, std::int32_t k, std::int64_t& out) noexcept {
  const std::uint64_t na = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  std::uint64_t q;
  switch (k) {
    case 1: q = (na + 5) / 10; break;
    case 2: q = (na + 50) / 100; break;
    case 3: q = (na + 500) / 1000; break;
    case 4: q = (na + 5000) / 10000; break;
    default: return round_places(n, k, RoundingMode::HalfUp, out);
  }
  out = n < 0 ? static_cast<std::int64_t>(0 - q) : static_cast<std::int64_t>(q);
  return true;
}

// Decimal::round_to_step: k × step for the integer k nearest (per mode) to
// x ÷ step, at the step's scale. The step must be positive.
inline bool round_to_step(Fx x, Fx step, RoundingMode mode, Fx& out) noexcept {
  std::int64_t a, b, k;
  std::int32_t s;
  if (!align(x, step, a, b, s) || !div_round(a, b, mode, k)) return false;
  out.s = step.s;
  return !__builtin_mul_overflow(k, step.m, &out.m);
}

// Decimal::rescaled: more places multiply; fewer round half-up.
inline bool rescaled(Fx x, std::int32_t places, Fx& out) noexcept {
  if (places < 0 || places > kMaxScale) return false;
  if (places >= x.s) {
    out.s = places;
    return !__builtin_mul_overflow(x.m, kPow10[places - x.s], &out.m);
  }
  out.s = places;
  return div_round(x.m, kPow10[x.s - places], RoundingMode::HalfUp, out.m);
}

}  // namespace kuan::fixed
