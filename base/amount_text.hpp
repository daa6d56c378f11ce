// An exact decimal amount as text, written in place with no string of its
// own: the batch's result lines (interpreter/result_writer.cpp) and
// allocate's decisions (services/allocate_write.cpp), millions per run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace kuan {

// The digits are copied in whole chunks of this many bytes: the caller leaves
// this much writable room past where the text starts.
inline constexpr std::size_t kAmountChunk = 32;
// An amount's digits need at most this many bytes besides its scale.
inline constexpr std::size_t kAmountDigits = 24;
// The largest scale put_amount writes.
inline constexpr int kAmountMaxScale = 30;

// Decimal::to_string's text of mantissa × 10^-scale (0 <= scale <=
// kAmountMaxScale), written at p, two digits at a time from the right;
// returns its end.
inline char* put_amount(char* p, std::int64_t mantissa, int scale) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char digits[kAmountDigits + kAmountMaxScale + kAmountChunk];
  char* const end = digits + kAmountDigits + kAmountMaxScale;
  char* q = end;
  std::uint64_t v = mantissa < 0 ? 0 - static_cast<std::uint64_t>(mantissa) : static_cast<std::uint64_t>(mantissa);
  int places = 0;
  for (; places + 2 <= scale; places += 2) {
    q -= 2;
    std::memcpy(q, kPairs + 2 * (v % 100), 2);
    v /= 100;
  }
  if (places < scale) *--q = static_cast<char>('0' + v % 10), v /= 10;
  if (scale) *--q = '.';
  while (v >= 100) {
    q -= 2;
    std::memcpy(q, kPairs + 2 * (v % 100), 2);
    v /= 100;
  }
  if (v >= 10) q -= 2, std::memcpy(q, kPairs + 2 * v, 2);
  else *--q = static_cast<char>('0' + v);
  if (mantissa < 0) *--q = '-';
  const auto n = static_cast<std::size_t>(end - q);
  for (std::size_t i = 0; i < n; i += kAmountChunk) std::memcpy(p + i, q + i, kAmountChunk);
  return p + n;
}

}  // namespace kuan
