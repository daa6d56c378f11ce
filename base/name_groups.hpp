// Interning millions of names at once, after they are all known (allocate's
// applicants): no table looked into per name, which waits on memory at
// random. The names' hashes are sorted once (by their bits above the name's
// index, so the index rides along), each run of equal hashes is one group,
// and a pass in input order checks every name against its group's first — a
// different name whose hash bits happen to be equal gets a group of its own.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/populate.hpp"
#include "base/radix_sort.hpp"

namespace kuan {

struct NameGroups {
  std::vector<std::uint32_t> of;     // per name: its group, 0 … first.size() - 1
  std::vector<std::uint32_t> first;  // per group: its first name's index
};

// Groups names 0 … n - 1 (n ≤ 2^32) by equality: hash_of(i) is name i's
// 64-bit hash, name_of(i) the name (a view that stays valid); both are asked
// in index order. Equal names get one group, different names different ones,
// whatever the hashes. each(i, group, groups) is told each name's group in
// index order as soon as it is final (`groups`: the groups so far), so that a
// caller's own pass in input order can ride along with the check.
struct EachNameGroup {
  void operator()(std::size_t, std::uint32_t, const NameGroups&) const {}
};
template <class HashOf, class NameOf, class Each = EachNameGroup>
NameGroups group_names(std::size_t n, HashOf hash_of, NameOf name_of, Each each = {}) {
  NameGroups g;
  // The hash's high 32 bits above the index: two sorting passes; names
  // whose high bits are equal (a few among a million) are told apart below.
  constexpr int index_bits = 32;
  constexpr std::uint64_t index_mask = (std::uint64_t{1} << index_bits) - 1;
  reserve_populated(g.of, n);
  g.of.resize(n);
  {
    std::vector<std::uint64_t> keys;
    reserve_populated(keys, n);
    keys.resize(n);
    for (std::size_t i = 0; i < n; ++i) keys[i] = (hash_of(i) & ~index_mask) | i;
    sort_by_high_bits(keys, index_bits);  // names of one hash together, each run in index order
    for (std::size_t k = 0; k < n; ++k) {
      const auto i = static_cast<std::uint32_t>(keys[k] & index_mask);
      if (k == 0 || ((keys[k] ^ keys[k - 1]) & ~index_mask)) g.first.push_back(i);
      g.of[i] = static_cast<std::uint32_t>(g.first.size() - 1);
    }
  }
  // Each name against its group's first (met first in index order: its
  // first), asked for a few names ahead.
  // A group's first name once it is met (a name's view always has a place:
  // its data is never null, as a default view's is).
  std::vector<std::string_view> first_name(g.first.size());
  std::unordered_map<std::string_view, std::uint32_t> apart;  // names whose hash bits another name has
  for (std::size_t i = 0; i < n; ++i) {
    constexpr std::size_t kAhead = 64;  // a step here is short: ask well ahead of the wait for memory
    if (i + kAhead < n) __builtin_prefetch(&first_name[g.of[i + kAhead]]);
    if (i + kAhead / 2 < n) __builtin_prefetch(first_name[g.of[i + kAhead / 2]].data());
    const std::uint32_t group = g.of[i];
    const std::string_view name = name_of(i);
    if (!first_name[group].data()) {
      first_name[group] = name.data() ? name : std::string_view("", 0);
    } else if (name != first_name[group]) {
      const auto [at, fresh] = apart.try_emplace(name, static_cast<std::uint32_t>(g.first.size()));
      if (fresh) g.first.push_back(static_cast<std::uint32_t>(i));
      g.of[i] = at->second;
    }
    each(i, g.of[i], g);
  }
  return g;
}

}  // namespace kuan
