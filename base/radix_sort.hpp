// Sorting millions of 64-bit keys by their high bits (hashes above a record
// index): counting passes of 11 bits, stable, so keys equal in those bits keep
// their order — a record index in the low bits stays ascending among equal
// hashes. A sort by comparison took about 3× as long; passes of 16 bits, one
// fewer, each scattered over 65,536 places (a 256 KiB count table and as many
// places written at random), which no cache holds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "base/populate.hpp"

namespace kuan {

// Sorts `keys` by bits [from_bit, 64), stably. Uses a second buffer of the
// same size while it runs.
inline void sort_by_high_bits(std::vector<std::uint64_t>& keys, int from_bit) {
  std::vector<std::uint64_t> other;
  reserve_populated(other, keys.size());
  other.resize(keys.size());
  constexpr int kDigit = 11;
  constexpr std::uint64_t kMask = (std::uint64_t{1} << kDigit) - 1;
  std::vector<std::uint32_t> count(std::size_t{1} << kDigit);
  for (int shift = from_bit; shift < 64; shift += kDigit) {
    std::fill(count.begin(), count.end(), 0u);
    for (const std::uint64_t k : keys) ++count[(k >> shift) & kMask];
    std::uint32_t at = 0;
    for (auto& c : count) at += std::exchange(c, at);
    for (const std::uint64_t k : keys) other[count[(k >> shift) & kMask]++] = k;
    keys.swap(other);
  }
}

}  // namespace kuan
