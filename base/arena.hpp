// A compact store for batch work over millions of records: strings back to
// back in large blocks, each reached by a 64-bit ref.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <vector>

#include "base/populate.hpp"

namespace kuan {

// Strings back to back in 1 MiB blocks, each preceded by its length as a
// varint; a ref is block << 32 | offset.
class Arena {
 public:
  // Strings back to back under one ref: get(ref) is the first, next() of it the second, and so on.
  std::uint64_t add_all(std::initializer_list<std::string_view> parts) {
    std::size_t need = 0;
    for (const std::string_view s : parts) need += s.size() + 10;
    if (blocks_.empty() || used_ + need > cap_) {
      cap_ = std::max(kBlock, need);
      blocks_.emplace_back(new char[cap_]);
      populate_for_writing(blocks_.back().get(), cap_);  // filled in turn
      used_ = 0;
    }
    const std::uint64_t ref = (static_cast<std::uint64_t>(blocks_.size() - 1) << 32) | used_;
    for (const std::string_view s : parts) write(s);
    return ref;
  }
  std::string_view get(std::uint64_t ref) const { return read(blocks_[ref >> 32].get() + (ref & 0xFFFFFFFFu)); }
  // Where a ref's bytes start (to ask for them early: __builtin_prefetch).
  const char* address(std::uint64_t ref) const { return blocks_[ref >> 32].get() + (ref & 0xFFFFFFFFu); }
  // The string stored after `s` under the same ref (s: one got from it).
  static std::string_view next(std::string_view s) { return read(s.data() + s.size()); }

 private:
  void write(std::string_view s) {
    char* p = blocks_.back().get() + used_;
    std::size_t n = s.size(), k = 0;
    do {
      const unsigned char low = n & 0x7F;
      n >>= 7;
      p[k++] = static_cast<char>(low | (n ? 0x80 : 0));
    } while (n);
    std::memcpy(p + k, s.data(), s.size());
    used_ += k + s.size();
  }
  static std::string_view read(const char* p) {
    std::size_t n = 0, k = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(p[k++]);
      n |= static_cast<std::size_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    return {p + k, n};
  }

  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0, cap_ = 0;
};

}  // namespace kuan
