// kuan::Decimal — exact decimal arithmetic for subsidy money.
//
// Value = mantissa × 10^(−scale). Money must never touch binary floating
// point, so there is none here. The mantissa lives in an __int128 (no heap,
// 32-byte object); when an operation would overflow it, the result moves
// transparently to a reference-counted boost::multiprecision::cpp_int kept
// behind a pointer, and comes back to __int128 as soon as a result fits.
//
// Invariant: big_ != nullptr  <=>  the mantissa does not fit in __int128.
// Hence a big value is never zero and is_big() is meaningful in tests.
//
// Boost is only included by decimal.cpp so that every translation unit that
// uses Decimal does not pay for cpp_int's heavy headers.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace kuan {

enum class RoundingMode {
  HalfUp,    // 四舍五入: ties away from zero
  HalfEven,  // banker's rounding
  Down,      // toward zero (truncate)
  Up,        // away from zero
  Floor,     // toward −∞
  Ceiling,   // toward +∞
};

namespace detail {
struct BigRep;  // refcounted cpp_int, defined in decimal.cpp
void big_retain(const BigRep* p) noexcept;
void big_release(const BigRep* p) noexcept;

// 10^38 is the largest power of ten below 2^127.
inline constexpr int kMaxPow10 = 38;
inline constexpr std::array<__int128, kMaxPow10 + 1> kPow10 = [] {
  std::array<__int128, kMaxPow10 + 1> t{};
  t[0] = 1;
  for (size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
  return t;
}();
inline constexpr __int128 kI128Max =
    static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1);
inline constexpr __int128 kI128Min = -kI128Max - 1;
}  // namespace detail

class Decimal {
 public:
  // Upper bound on scale (fraction digits). Exceeding it — only reachable by
  // pathological chains of multiplications or absurd literals — throws
  // std::overflow_error from arithmetic; parse() returns nullopt instead.
  static constexpr int kMaxScale = 10000;
  // Upper bound on the mantissa's length, about this many digits; a longer
  // result throws std::overflow_error, so no chain of operations can build
  // numbers whose arithmetic and printing would take unbounded time.
  static constexpr int kMaxDigits = 2 * kMaxScale;

  Decimal() noexcept = default;
  Decimal(const Decimal& o) noexcept : m_(o.m_), scale_(o.scale_), big_(o.big_) {
    if (big_) detail::big_retain(big_);
  }
  Decimal(Decimal&& o) noexcept : m_(o.m_), scale_(o.scale_), big_(o.big_) {
    o.m_ = 0;
    o.big_ = nullptr;
  }
  Decimal& operator=(const Decimal& o) noexcept {
    if (o.big_) detail::big_retain(o.big_);  // before release: self-assignment
    if (big_) detail::big_release(big_);
    m_ = o.m_;
    scale_ = o.scale_;
    big_ = o.big_;
    return *this;
  }
  Decimal& operator=(Decimal&& o) noexcept {
    if (this != &o) {
      if (big_) detail::big_release(big_);
      m_ = o.m_;
      scale_ = o.scale_;
      big_ = o.big_;
      o.m_ = 0;
      o.big_ = nullptr;
    }
    return *this;
  }
  ~Decimal() {
    if (big_) detail::big_release(big_);
  }

  static Decimal from_int(int64_t v) noexcept { return Decimal(v, 0); }
  // Negative scale multiplies: from_scaled(5, -2) == 500 (scale 0). Inline
  // for the usual scale, so that a caller's Decimal is built in registers (the
  // compiled evaluator's result: an out-of-line return is written as two 8-byte
  // halves and then read as one 16-byte value, a store-forwarding stall).
  static Decimal from_scaled(int64_t mantissa, int scale) {
    if (scale >= 0 && scale <= kMaxScale) [[likely]]
      return Decimal(mantissa, scale);
    return from_scaled_slow(mantissa, scale);
  }

  // Strict: -?(0|[1-9][0-9]*)(\.[0-9]+)?  — any length, scale <= kMaxScale.
  static std::optional<Decimal> parse(std::string_view text);

  std::string to_string() const;
  std::string to_fixed(int places, RoundingMode mode = RoundingMode::HalfUp) const;

  int scale() const noexcept { return scale_; }
  int sign() const noexcept {
    if (big_) [[unlikely]]
      return big_sign();
    return (m_ > 0) - (m_ < 0);
  }
  bool is_zero() const noexcept { return !big_ && m_ == 0; }
  bool is_big() const noexcept { return big_ != nullptr; }
  // The mantissa, when it fits in 64 bits (the compiled evaluator's fast path).
  bool mantissa64(int64_t& out) const noexcept {
    if (big_ || !fits64(m_)) return false;
    out = static_cast<int64_t>(m_);
    return true;
  }
  bool is_integer() const;

  Decimal normalized() const;
  Decimal rescaled(int new_scale) const;
  // Result has exactly `places` (>= 0) fraction digits.
  Decimal round(int places, RoundingMode mode) const;
  // k × step for the integer k nearest (per mode) to *this / step; the result
  // has step's scale. Throws std::invalid_argument unless step > 0.
  Decimal round_to_step(const Decimal& step, RoundingMode mode) const;
  std::optional<Decimal> divide(const Decimal& divisor, int result_scale,
                                RoundingMode mode) const;
  std::optional<int64_t> to_int64_at_scale(int places) const;

  friend Decimal operator+(const Decimal& a, const Decimal& b) {
    __int128 x, y, r;
    int s;
    if (fast_align(a, b, x, y, s) && !__builtin_add_overflow(x, y, &r)) [[likely]]
      return Decimal(r, s);
    return add_slow(a, b, false);
  }
  friend Decimal operator-(const Decimal& a, const Decimal& b) {
    __int128 x, y, r;
    int s;
    if (fast_align(a, b, x, y, s) && !__builtin_sub_overflow(x, y, &r)) [[likely]]
      return Decimal(r, s);
    return add_slow(a, b, true);
  }
  friend Decimal operator*(const Decimal& a, const Decimal& b) {
    __int128 r;
    if (!a.big_ && !b.big_ && a.scale_ + b.scale_ <= kMaxScale &&
        mul_fast(a.m_, b.m_, r)) [[likely]]
      return Decimal(r, a.scale_ + b.scale_);
    return mul_slow(a, b);
  }
  Decimal operator-() const {
    if (!big_ && m_ != detail::kI128Min) [[likely]]
      return Decimal(-m_, scale_);
    return neg_slow(*this);
  }
  Decimal& operator+=(const Decimal& o) { return *this = *this + o; }
  Decimal& operator-=(const Decimal& o) { return *this = *this - o; }
  Decimal& operator*=(const Decimal& o) { return *this = *this * o; }

  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
    __int128 x, y;
    int s;
    if (fast_align(a, b, x, y, s)) [[likely]]
      return x < y ? std::strong_ordering::less
             : x > y ? std::strong_ordering::greater
                     : std::strong_ordering::equal;
    return cmp_slow(a, b);
  }
  friend bool operator==(const Decimal& a, const Decimal& b) {
    __int128 x, y;
    int s;
    if (fast_align(a, b, x, y, s)) [[likely]]
      return x == y;
    return cmp_slow(a, b) == 0;
  }

  static const Decimal& min(const Decimal& a, const Decimal& b) { return b < a ? b : a; }
  static const Decimal& max(const Decimal& a, const Decimal& b) { return a < b ? b : a; }

 private:
  struct Impl;  // slow-path helpers in decimal.cpp (nested: has private access)
  static Decimal from_scaled_slow(int64_t mantissa, int scale);

  Decimal(__int128 m, int s) noexcept : m_(m), scale_(s) {}

  static bool fits64(__int128 v) noexcept { return v == static_cast<int64_t>(v); }
  // Money mantissas almost always fit in 64 bits; then one widening imul
  // cannot overflow (|x·y| < 2^126) and the costly int128 overflow check
  // is skipped.
  static bool mul_fast(__int128 x, __int128 y, __int128& r) noexcept {
    if (fits64(x) && fits64(y)) [[likely]] {
      r = static_cast<__int128>(static_cast<int64_t>(x)) * static_cast<int64_t>(y);
      return true;
    }
    return !__builtin_mul_overflow(x, y, &r);
  }
  // Multiplies v by 10^k in place; false on int128 overflow.
  static bool scale_up(__int128& v, int k) noexcept {
    if (k > detail::kMaxPow10) return v == 0;
    return mul_fast(v, detail::kPow10[k], v);
  }
  // Both mantissas at the common (larger) scale s, if both fit in int128.
  // The common case (64-bit mantissas, scale gap <= 18) is branch-free in the
  // scale comparison: the smaller-scale side is multiplied by 10^gap, the other
  // by 10^0, with widening 64x64 multiplies that cannot overflow.
  static bool fast_align(const Decimal& a, const Decimal& b, __int128& x, __int128& y,
                         int& s) noexcept {
    if (a.big_ || b.big_) [[unlikely]]
      return false;
    s = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
    const unsigned ka = static_cast<unsigned>(s - a.scale_);
    const unsigned kb = static_cast<unsigned>(s - b.scale_);
    if ((ka | kb) <= 18 && fits64(a.m_) && fits64(b.m_)) [[likely]] {
      x = static_cast<__int128>(static_cast<int64_t>(a.m_)) *
          static_cast<int64_t>(detail::kPow10[ka]);
      y = static_cast<__int128>(static_cast<int64_t>(b.m_)) *
          static_cast<int64_t>(detail::kPow10[kb]);
      return true;
    }
    x = a.m_;
    y = b.m_;
    return scale_up(x, static_cast<int>(ka)) && scale_up(y, static_cast<int>(kb));
  }

  int big_sign() const noexcept;
  static Decimal add_slow(const Decimal& a, const Decimal& b, bool subtract);
  static Decimal mul_slow(const Decimal& a, const Decimal& b);
  static Decimal neg_slow(const Decimal& a);
  static std::strong_ordering cmp_slow(const Decimal& a, const Decimal& b);

  __int128 m_ = 0;  // meaningless (kept 0) while big_ is set
  int scale_ = 0;
  const detail::BigRep* big_ = nullptr;
};

std::ostream& operator<<(std::ostream& os, const Decimal& d);

}  // namespace kuan
