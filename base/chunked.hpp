// A growing array for batch work over millions of records (allocate's
// records): fixed blocks of 2^kShift elements, so that growing never copies
// (no 2× peak) and an index is a shift and a mask. std::deque's blocks hold
// 512 bytes: for a 48-byte record, an allocation every 10 records and a map
// lookup per index.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>
#include <vector>

#include "base/populate.hpp"

namespace kuan {

template <class T, int kShift = 16>
class Chunked {
  static_assert(std::is_trivially_copyable_v<T>, "blocks are left unset until written");
  static constexpr std::size_t kBlock = std::size_t{1} << kShift, kMask = kBlock - 1;

 public:
  template <bool Const>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<Const, const T*, T*>;
    using reference = std::conditional_t<Const, const T&, T&>;
    Iterator() = default;
    Iterator(const Chunked* c, std::size_t i) : c_(c), i_(i) {}
    reference operator*() const { return const_cast<reference>((*c_)[i_]); }
    pointer operator->() const { return &**this; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator was = *this;
      ++i_;
      return was;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const Chunked* c_ = nullptr;
    std::size_t i_ = 0;
  };
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return blocks_[i >> kShift][i & kMask]; }
  const T& operator[](std::size_t i) const { return blocks_[i >> kShift][i & kMask]; }
  void push_back(const T& v) {
    if ((size_ >> kShift) == blocks_.size()) {
      blocks_.emplace_back(new T[kBlock]);
      populate_for_writing(blocks_.back().get(), kBlock * sizeof(T));  // every element is written in turn
    }
    (*this)[size_++] = v;
  }
  // The index of an element, from its address (a walk over the blocks: for
  // the rare caller that holds only a reference).
  std::size_t index_of(const T* p) const {
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const T* first = blocks_[b].get();
      if (p >= first && p < first + kBlock) return (b << kShift) + static_cast<std::size_t>(p - first);
    }
    return size_;
  }
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;  // each kBlock elements, left unset until written
  std::size_t size_ = 0;
};

}  // namespace kuan
