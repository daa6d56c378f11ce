#include "base/decimal.hpp"

#include <atomic>
#include <boost/multiprecision/cpp_int.hpp>
#include <ostream>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace kuan {

using BigInt = boost::multiprecision::cpp_int;
using U128 = unsigned __int128;

namespace detail {

struct BigRep {
  explicit BigRep(BigInt v) : refs(1), value(std::move(v)) {}
  mutable std::atomic<int> refs;
  const BigInt value;
};

void big_retain(const BigRep* p) noexcept { p->refs.fetch_add(1, std::memory_order_relaxed); }

void big_release(const BigRep* p) noexcept {
  if (p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p;
}

}  // namespace detail

namespace {

// Magnitude as unsigned so that |INT128_MIN| is representable.
U128 uabs(__int128 v) noexcept { return v < 0 ? U128(0) - U128(v) : U128(v); }

BigInt big_from_u128(U128 mag) {
  BigInt r = static_cast<uint64_t>(mag >> 64);
  r <<= 64;
  r |= static_cast<uint64_t>(mag);
  return r;
}

BigInt big_from_i128(__int128 v) {
  BigInt r = big_from_u128(uabs(v));
  if (v < 0) r = -r;
  return r;
}

const BigInt& big_i128_max() {
  static const BigInt v = big_from_i128(detail::kI128Max);
  return v;
}
const BigInt& big_i128_min() {
  static const BigInt v = big_from_i128(detail::kI128Min);
  return v;
}

bool fits_i128(const BigInt& v) { return v >= big_i128_min() && v <= big_i128_max(); }

// Precondition: fits_i128(v).
__int128 i128_from_big(const BigInt& v) {
  BigInt mag = abs(v);
  const BigInt lo_b = mag & BigInt(~uint64_t(0));
  const BigInt hi_b = mag >> 64;
  const auto lo = lo_b.convert_to<uint64_t>();
  const auto hi = hi_b.convert_to<uint64_t>();
  const U128 u = (U128(hi) << 64) | lo;
  return v.sign() < 0 ? static_cast<__int128>(U128(0) - u) : static_cast<__int128>(u);
}

BigInt pow10_big(int k) {
  // Scales in real policies are small; cache those powers once (thread-safe
  // static init) and compute the rest on demand.
  static const std::vector<BigInt> table = [] {
    std::vector<BigInt> t(128);
    BigInt v = 1;
    for (auto& e : t) {
      e = v;
      v *= 10;
    }
    return t;
  }();
  if (k < static_cast<int>(table.size())) return table[static_cast<size_t>(k)];
  return boost::multiprecision::pow(BigInt(10), static_cast<unsigned>(k));
}

void check_scale(long s) {
  if (s < 0 || s > Decimal::kMaxScale)
    throw std::overflow_error(fmt::format("kuan::Decimal: scale {} outside [0, {}]", s, Decimal::kMaxScale));
}

void check_places(int p, const char* what) {
  if (p < 0 || p > Decimal::kMaxScale)
    throw std::invalid_argument(fmt::format("kuan::Decimal::{}: places {} outside [0, kMaxScale]", what, p));
}

// Whether the truncated quotient magnitude q (remainder r of divisor d, all
// magnitudes) must move one unit away from zero. `negative` is the sign of
// the exact quotient. Ties are compared as r vs d − r to avoid overflow of 2r.
template <class U>
bool round_away(const U& q, const U& r, const U& d, bool negative, RoundingMode mode) {
  if (r == 0) return false;
  switch (mode) {
    case RoundingMode::Down: return false;
    case RoundingMode::Up: return true;
    case RoundingMode::Floor: return negative;
    case RoundingMode::Ceiling: return !negative;
    case RoundingMode::HalfUp: return r >= U(d - r);
    case RoundingMode::HalfEven: {
      const U rest = d - r;
      if (r != rest) return r > rest;
      return U(q % 2) != 0;
    }
  }
  return false;
}

// n / d rounded to an integer; false when the result leaves int128 (or d == 0).
bool div_round_fast(__int128 n, __int128 d, RoundingMode mode, __int128& out) noexcept {
  if (d == 0) return false;
  const bool neg = (n < 0) != (d < 0);
  const U128 na = uabs(n), da = uabs(d);
  U128 q = na / da;
  const U128 r = na % da;
  if (round_away<U128>(q, r, da, neg, mode)) ++q;
  if (q > U128(detail::kI128Max) + (neg ? 1 : 0)) return false;
  out = neg ? static_cast<__int128>(U128(0) - q) : static_cast<__int128>(q);
  return true;
}

BigInt div_round_big(const BigInt& n, const BigInt& d, RoundingMode mode) {
  const bool neg = (n.sign() < 0) != (d.sign() < 0);
  const BigInt na = abs(n), da = abs(d);
  BigInt q, r;
  boost::multiprecision::divide_qr(na, da, q, r);
  if (round_away<BigInt>(q, r, da, neg, mode)) ++q;
  if (neg) q = -q;
  return q;
}

std::string u128_digits(U128 v) {
  char buf[48];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  return std::string(p, buf + sizeof buf);
}

}  // namespace

struct Decimal::Impl {
  static BigInt mantissa(const Decimal& d) { return d.big_ ? d.big_->value : big_from_i128(d.m_); }

  // Mantissa expressed at scale s >= d.scale_.
  static BigInt aligned(const Decimal& d, int s) {
    BigInt v = mantissa(d);
    if (s != d.scale_) v *= pow10_big(s - d.scale_);
    return v;
  }

  static Decimal make(BigInt v, long scale) {
    check_scale(scale);
    const int s = static_cast<int>(scale);
    if (fits_i128(v)) return Decimal(i128_from_big(v), s);
    // log2(10) < 3.3220: a mantissa below 2^(3.3220 × kMaxDigits) has at most
    // about kMaxDigits digits.
    constexpr unsigned kMaxBits = static_cast<unsigned>(Decimal::kMaxDigits) * 33220u / 10000u;
    if (boost::multiprecision::msb(abs(v)) >= kMaxBits)
      throw std::overflow_error(fmt::format("kuan::Decimal: result longer than {} digits", Decimal::kMaxDigits));
    Decimal d;
    d.scale_ = s;
    d.big_ = new detail::BigRep(std::move(v));
    return d;
  }
};

int Decimal::big_sign() const noexcept { return big_->value.sign(); }

Decimal Decimal::add_slow(const Decimal& a, const Decimal& b, bool subtract) {
  const int s = std::max(a.scale_, b.scale_);
  BigInt x = Impl::aligned(a, s);
  if (subtract)
    x -= Impl::aligned(b, s);
  else
    x += Impl::aligned(b, s);
  return Impl::make(std::move(x), s);
}

Decimal Decimal::mul_slow(const Decimal& a, const Decimal& b) {
  const long s = long(a.scale_) + b.scale_;
  check_scale(s);
  return Impl::make(Impl::mantissa(a) * Impl::mantissa(b), s);
}

Decimal Decimal::neg_slow(const Decimal& a) { return Impl::make(-Impl::mantissa(a), a.scale_); }

std::strong_ordering Decimal::cmp_slow(const Decimal& a, const Decimal& b) {
  const int s = std::max(a.scale_, b.scale_);
  const int c = Impl::aligned(a, s).compare(Impl::aligned(b, s));
  return c < 0 ? std::strong_ordering::less
         : c > 0 ? std::strong_ordering::greater
                 : std::strong_ordering::equal;
}

Decimal Decimal::from_scaled_slow(int64_t mantissa, int scale) {
  if (scale >= 0) {
    check_scale(scale);
    return Decimal(mantissa, scale);
  }
  if (scale < -Decimal::kMaxScale) check_scale(scale);  // throws
  __int128 v = mantissa;
  if (scale_up(v, -scale)) return Decimal(v, 0);
  return Impl::make(BigInt(mantissa) * pow10_big(-scale), 0);
}

std::optional<Decimal> Decimal::parse(std::string_view t) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0;
  const size_t n = t.size();
  bool neg = false;
  if (i < n && t[i] == '-') {
    neg = true;
    ++i;
  }
  const size_t int_begin = i;
  while (i < n && is_digit(t[i])) ++i;
  const size_t int_len = i - int_begin;
  if (int_len == 0) return std::nullopt;
  if (int_len > 1 && t[int_begin] == '0') return std::nullopt;
  size_t frac_begin = i, frac_len = 0;
  if (i < n && t[i] == '.') {
    frac_begin = ++i;
    while (i < n && is_digit(t[i])) ++i;
    frac_len = i - frac_begin;
    if (frac_len == 0) return std::nullopt;
  }
  if (i != n) return std::nullopt;
  if (frac_len > static_cast<size_t>(kMaxScale)) return std::nullopt;
  const int scale = static_cast<int>(frac_len);
  const std::string_view ip = t.substr(int_begin, int_len);
  const std::string_view fp = t.substr(frac_begin, frac_len);

  if (int_len + frac_len <= static_cast<size_t>(detail::kMaxPow10)) {
    __int128 v = 0;  // < 10^38, cannot overflow
    for (char c : ip) v = v * 10 + (c - '0');
    for (char c : fp) v = v * 10 + (c - '0');
    return Decimal(neg ? -v : v, scale);
  }
  // Chunked accumulation instead of cpp_int's string constructor, which would
  // read a leading "0" as an octal prefix.
  BigInt v = 0;
  uint64_t chunk = 0;
  int chunk_len = 0;
  const auto feed = [&](std::string_view part) {
    for (char c : part) {
      chunk = chunk * 10 + static_cast<uint64_t>(c - '0');
      if (++chunk_len == 18) {
        v *= pow10_big(18);
        v += chunk;
        chunk = 0;
        chunk_len = 0;
      }
    }
  };
  feed(ip);
  feed(fp);
  if (chunk_len > 0) {
    v *= pow10_big(chunk_len);
    v += chunk;
  }
  if (neg) v = -v;
  return Impl::make(std::move(v), scale);
}

std::string Decimal::to_string() const {
  std::string s = big_ ? BigInt(abs(big_->value)).str() : u128_digits(uabs(m_));
  if (s.size() <= static_cast<size_t>(scale_)) s.insert(0, static_cast<size_t>(scale_) + 1 - s.size(), '0');
  if (scale_ > 0) s.insert(s.size() - static_cast<size_t>(scale_), 1, '.');
  if (sign() < 0) s.insert(0, 1, '-');
  return s;
}

std::string Decimal::to_fixed(int places, RoundingMode mode) const {
  return round(places, mode).to_string();
}

bool Decimal::is_integer() const {
  if (scale_ == 0) return true;
  if (!big_) {
    if (scale_ > detail::kMaxPow10) return m_ == 0;  // |m| < 10^39 <= 10^scale
    return m_ % detail::kPow10[scale_] == 0;
  }
  return big_->value % pow10_big(scale_) == 0;
}

Decimal Decimal::normalized() const {
  if (!big_) {
    __int128 v = m_;
    int s = scale_;
    while (s > 0 && v % 10 == 0) {
      v /= 10;
      --s;
    }
    return Decimal(v, s);
  }
  BigInt v = big_->value, q, r;
  int s = scale_;
  while (s > 0) {
    boost::multiprecision::divide_qr(v, BigInt(10), q, r);
    if (r != 0) break;
    v.swap(q);
    --s;
  }
  return Impl::make(std::move(v), s);
}

Decimal Decimal::rescaled(int new_scale) const {
  if (new_scale < scale_) return round(new_scale, RoundingMode::HalfUp);
  check_scale(new_scale);
  if (!big_) {
    __int128 v = m_;
    if (scale_up(v, new_scale - scale_)) return Decimal(v, new_scale);
  }
  return Impl::make(Impl::aligned(*this, new_scale), new_scale);
}

Decimal Decimal::round(int places, RoundingMode mode) const {
  check_places(places, "round");
  if (places >= scale_) return rescaled(places);
  const int k = scale_ - places;
  if (!big_ && k <= detail::kMaxPow10) {
    __int128 q;
    if (div_round_fast(m_, detail::kPow10[k], mode, q)) return Decimal(q, places);
  }
  return Impl::make(div_round_big(Impl::mantissa(*this), pow10_big(k), mode), places);
}

Decimal Decimal::round_to_step(const Decimal& step, RoundingMode mode) const {
  if (step.sign() <= 0)
    throw std::invalid_argument("kuan::Decimal::round_to_step: step must be > 0");
  __int128 x, y, k, r;
  int s;
  if (fast_align(*this, step, x, y, s) && div_round_fast(x, y, mode, k) &&
      !__builtin_mul_overflow(k, step.m_, &r))
    return Decimal(r, step.scale_);
  s = std::max(scale_, step.scale_);
  const BigInt kb = div_round_big(Impl::aligned(*this, s), Impl::aligned(step, s), mode);
  return Impl::make(kb * Impl::mantissa(step), step.scale_);
}

std::optional<Decimal> Decimal::divide(const Decimal& divisor, int result_scale,
                                       RoundingMode mode) const {
  if (divisor.is_zero()) return std::nullopt;
  check_places(result_scale, "divide");
  // this/divisor × 10^rs = m × 10^(rs + ds − s) / dm
  const int e = result_scale + divisor.scale_ - scale_;
  if (!big_ && !divisor.big_) {
    __int128 n = m_, d = divisor.m_, q;
    const bool ok = e >= 0 ? scale_up(n, e) : scale_up(d, -e);
    if (ok && div_round_fast(n, d, mode, q)) return Decimal(q, result_scale);
  }
  BigInt n = Impl::mantissa(*this), d = Impl::mantissa(divisor);
  if (e >= 0)
    n *= pow10_big(e);
  else
    d *= pow10_big(-e);
  return Impl::make(div_round_big(n, d, mode), result_scale);
}

std::optional<int64_t> Decimal::to_int64_at_scale(int places) const {
  if (places < -kMaxScale || places > kMaxScale) return std::nullopt;
  const int k = places - scale_;
  const auto fit = [](__int128 v) -> std::optional<int64_t> {
    if (v < INT64_MIN || v > INT64_MAX) return std::nullopt;
    return static_cast<int64_t>(v);
  };
  if (!big_) {
    __int128 v = m_;
    if (k >= 0) {
      if (!scale_up(v, k)) return std::nullopt;
      return fit(v);
    }
    if (-k > detail::kMaxPow10) return m_ == 0 ? std::optional<int64_t>(0) : std::nullopt;
    const __int128 p = detail::kPow10[-k];
    if (v % p != 0) return std::nullopt;
    return fit(v / p);
  }
  if (k >= 0) return std::nullopt;  // |mantissa| >= 2^127 already
  BigInt q, r;
  boost::multiprecision::divide_qr(big_->value, pow10_big(-k), q, r);
  if (r != 0 || q < INT64_MIN || q > INT64_MAX) return std::nullopt;
  return q.convert_to<int64_t>();
}

std::ostream& operator<<(std::ostream& os, const Decimal& d) { return os << d.to_string(); }

}  // namespace kuan
