// Output bytes written in place: a writer asks for room for at most n bytes,
// writes through the pointer and commits where it stopped — one capacity check
// for a whole row instead of one per piece (as std::string::append does), and
// no zero-fill of the room (as std::string::resize does).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace kuan {

class OutBytes {
 public:
  // Bytes past the room asked for that a writer may store into (and not
  // commit): copies in whole 32-byte chunks may run over by this much.
  static constexpr std::size_t kSlack = 64;

  // Where up to n more bytes go (n + kSlack writable).
  char* room(std::size_t n) {
    if (capacity_ - size_ < n + kSlack) grow(n + kSlack);
    return bytes_.get() + size_;
  }
  // The bytes written from room() up to `end` are kept.
  void commit(const char* end) { size_ = static_cast<std::size_t>(end - bytes_.get()); }
  void append(std::string_view s) {
    char* p = room(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    size_ += s.size();
  }
  std::string_view view() const { return {bytes_.get(), size_}; }
  // The bytes kept, for an owner that edits them in place (commit() sets how many stay).
  char* data() { return bytes_.get(); }
  std::size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  void grow(std::size_t more) {
    const std::size_t capacity = std::max(size_ + more, 2 * capacity_);
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_) std::memcpy(bigger.get(), bytes_.get(), size_);
    bytes_ = std::move(bigger);
    capacity_ = capacity;
  }
  std::unique_ptr<char[]> bytes_;
  std::size_t size_ = 0, capacity_ = 0;
};

}  // namespace kuan
