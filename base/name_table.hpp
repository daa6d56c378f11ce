// Interned names for batch work over millions of records (allocate's
// applicants): each name gets a dense index, and a name short enough lives in
// its fixed-size entry, so that finding or printing one costs one look into
// memory after the hash slot instead of two (entry → arena).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "base/arena.hpp"
#include "base/string_table.hpp"

namespace kuan {

class NameTable {
 public:
  // The index of `name`, and whether it is new.
  std::pair<std::uint32_t, bool> intern(std::string_view name) {
    return index_.find_or_insert(
        name, [&](std::uint32_t i) { return get(i); },
        [&] {
          Entry e{};
          if (name.size() <= kInline) {
            e.size = static_cast<std::uint8_t>(name.size());
            std::memcpy(e.bytes, name.data(), name.size());
          } else {
            e.size = kInArena;
            const std::uint64_t ref = long_.add(name);
            std::memcpy(e.bytes, &ref, sizeof ref);
          }
          entries_.push_back(e);
          return static_cast<std::uint32_t>(entries_.size() - 1);
        });
  }
  // The index of `name` if it was interned (before release_index()).
  std::optional<std::uint32_t> find(std::string_view name) const {
    return index_.find(name, [&](std::uint32_t k) { return get(k); });
  }
  std::string_view get(std::uint32_t i) const {
    const Entry& e = entries_[i];
    if (e.size != kInArena) return {e.bytes, e.size};
    std::uint64_t ref;
    std::memcpy(&ref, e.bytes, sizeof ref);
    return long_.get(ref);
  }
  // Asking early for what intern(name) will read, a few records ahead: the
  // hash slot (prefetch_slot), then — the slot at hand — the entry.
  void prefetch_slot(std::string_view name) const { index_.prefetch(name); }
  // `also(i)` is told the index found, to ask for the caller's own data of name i.
  template <class Also>
  void prefetch_entry(std::string_view name, Also also) const {
    index_.prefetch_value(name, [&](std::uint32_t i) {
      if (i >= entries_.size()) return;
      __builtin_prefetch(&entries_[i]);
      also(i);
    });
  }
  // Where name i's entry is (to ask for it early: __builtin_prefetch).
  const void* address(std::uint32_t i) const { return &entries_[i]; }
  std::size_t size() const { return entries_.size(); }
  // Names are known: lookups are over, get() still answers.
  void release_index() { index_.release(); }

 private:
  static constexpr std::size_t kInline = 23;
  static constexpr std::uint8_t kInArena = 0xFF;
  struct Entry {
    std::uint8_t size;  // bytes of the name inline, or kInArena: `bytes` holds its Arena ref
    char bytes[kInline];
  };
  static_assert(sizeof(Entry) == 24);
  std::vector<Entry> entries_;
  Arena long_;
  StringTable index_;
};

}  // namespace kuan
