// Compact stores for batch work over millions of applications: strings back
// to back in large blocks, and a string → index table that keeps no strings.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace kuan {

// Strings back to back in 1 MiB blocks, each preceded by its length as a
// varint; a ref is block << 32 | offset.
class Arena {
 public:
  std::uint64_t add(std::string_view s) {
    const std::size_t need = s.size() + 10;
    if (blocks_.empty() || used_ + need > cap_) {
      cap_ = std::max(kBlock, need);
      blocks_.emplace_back(new char[cap_]);
      used_ = 0;
    }
    char* p = blocks_.back().get() + used_;
    const std::uint64_t ref = (static_cast<std::uint64_t>(blocks_.size() - 1) << 32) | used_;
    std::size_t n = s.size(), k = 0;
    do {
      const unsigned char low = n & 0x7F;
      n >>= 7;
      p[k++] = static_cast<char>(low | (n ? 0x80 : 0));
    } while (n);
    std::memcpy(p + k, s.data(), s.size());
    used_ += k + s.size();
    return ref;
  }
  std::string_view get(std::uint64_t ref) const {
    const char* p = blocks_[ref >> 32].get() + (ref & 0xFFFFFFFFu);
    std::size_t n = 0, k = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(p[k++]);
      n |= static_cast<std::size_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    return {p + k, n};
  }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0, cap_ = 0;
};

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
  std::vector<std::uint64_t> slots_;
  std::size_t count_ = 0, mask_ = 0;
};

}  // namespace kuan
