// A string → index table for batch work over millions of records that keeps
// no strings of its own (the caller stores them, e.g. in an Arena).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace kuan {

// Open addressing from a string to a 32-bit value; the table keeps only a
// 32-bit hash and the value (8 bytes a slot): the caller maps a value back to
// its string (key_of) to settle equal hashes exactly.
class StringTable {
 public:
  template <class KeyOf, class Make>
  std::pair<std::uint32_t, bool> find_or_insert(std::string_view key, KeyOf key_of, Make make) {
    if ((count_ + 1) * 4 > slots_.size() * 3) grow();
    const std::uint64_t full = std::hash<std::string_view>{}(key);
    const auto h = static_cast<std::uint32_t>(full ^ (full >> 32));
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t s = slots_[i];
      if (!s) {
        const std::uint32_t v = make();
        slots_[i] = (static_cast<std::uint64_t>(h) << 32) | (static_cast<std::uint64_t>(v) + 1);
        ++count_;
        return {v, true};
      }
      if ((s >> 32) == h && key_of(static_cast<std::uint32_t>(s) - 1) == key) return {static_cast<std::uint32_t>(s) - 1, false};
    }
  }
  // The value of `key`, without adding it.
  template <class KeyOf>
  std::optional<std::uint32_t> find(std::string_view key, KeyOf key_of) const {
    if (slots_.empty()) return std::nullopt;
    const std::uint64_t full = std::hash<std::string_view>{}(key);
    const auto h = static_cast<std::uint32_t>(full ^ (full >> 32));
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t s = slots_[i];
      if (!s) return std::nullopt;
      if ((s >> 32) == h && key_of(static_cast<std::uint32_t>(s) - 1) == key) return static_cast<std::uint32_t>(s) - 1;
    }
  }
  // Asking for memory early (__builtin_prefetch), for a key met a few records
  // ahead: its first slot; and, once that slot is at hand, what it holds —
  // `then(value)` for the value of the first slot of the same hash (which
  // the lookup will compare, most likely the key's own).
  void prefetch(std::string_view key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash_of(key) & mask_]);
  }
  template <class Then>
  void prefetch_value(std::string_view key, Then then) const {
    if (slots_.empty()) return;
    const std::uint32_t h = hash_of(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t s = slots_[i];
      if (!s) return;
      if ((s >> 32) == h) return then(static_cast<std::uint32_t>(s) - 1);
    }
  }
  void release() { std::vector<std::uint64_t>().swap(slots_), count_ = 0, mask_ = 0; }

 private:
  void grow() {
    std::vector<std::uint64_t> old(std::max<std::size_t>(1024, slots_.size() * 2), 0);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const std::uint64_t s : old)
      if (s)
        for (std::size_t i = (s >> 32) & mask_;; i = (i + 1) & mask_)
          if (!slots_[i]) {
            slots_[i] = s;
            break;
          }
  }
  static std::uint32_t hash_of(std::string_view key) {
    const std::uint64_t full = std::hash<std::string_view>{}(key);
    return static_cast<std::uint32_t>(full ^ (full >> 32));
  }
  std::vector<std::uint64_t> slots_;
  std::size_t count_ = 0, mask_ = 0;
};

}  // namespace kuan
