// A list that keeps its first N items inside itself and moves to the heap only
// past them: for short lists built and dropped once per call (an explanation's
// conditions, choices and caps), where a std::vector's allocation and release
// cost more than the work recorded in it.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace kuan {

template <class T, std::size_t N>
class InlineList {
  static_assert(N > 0);

 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;

  InlineList() noexcept {}  // user-provided: a value-initialized list does not clear its storage
  InlineList(const InlineList& o) { append(o); }
  InlineList(InlineList&& o) noexcept { take(o); }
  InlineList& operator=(const InlineList& o) {
    if (this != &o) {
      clear();
      append(o);
    }
    return *this;
  }
  InlineList& operator=(InlineList&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }
  ~InlineList() { release(); }

  T* begin() noexcept { return data_; }
  T* end() noexcept { return data_ + size_; }
  const T* begin() const noexcept { return data_; }
  const T* end() const noexcept { return data_ + size_; }
  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T& front() noexcept { return data_[0]; }
  const T& front() const noexcept { return data_[0]; }
  T& back() noexcept { return data_[size_ - 1]; }
  const T& back() const noexcept { return data_[size_ - 1]; }

  void reserve(std::size_t n) {
    if (n > capacity_) grow(n);
  }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == capacity_) grow(2 * capacity_);
    T* at = ::new (static_cast<void*>(data_ + size_)) T(std::forward<Args>(args)...);
    ++size_;
    return *at;
  }
  void push_back(const T& x) { emplace_back(x); }
  void push_back(T&& x) { emplace_back(std::move(x)); }
  void clear() noexcept {
    std::destroy(begin(), end());
    size_ = 0;
  }

 private:
  bool inline_storage() const noexcept { return data_ == reinterpret_cast<const T*>(local_); }
  // Moves the items to a heap block for `n`.
  void grow(std::size_t n) {
    T* block = std::allocator<T>().allocate(n);
    std::uninitialized_move(begin(), end(), block);
    std::destroy(begin(), end());
    if (!inline_storage()) std::allocator<T>().deallocate(data_, capacity_);
    data_ = block;
    capacity_ = n;
  }
  void append(const InlineList& o) {
    reserve(size_ + o.size_);
    for (const T& x : o) emplace_back(x);
  }
  // Takes o's items (its block, or each of its inline ones moved), leaving it empty; *this holds none.
  void take(InlineList& o) noexcept {
    if (o.inline_storage()) {
      data_ = reinterpret_cast<T*>(local_);
      capacity_ = N;
      std::uninitialized_move(o.begin(), o.end(), data_);
      size_ = o.size_;
      o.clear();
      return;
    }
    data_ = o.data_, size_ = o.size_, capacity_ = o.capacity_;
    o.data_ = reinterpret_cast<T*>(o.local_), o.size_ = 0, o.capacity_ = N;
  }
  void release() noexcept {
    clear();
    if (!inline_storage()) std::allocator<T>().deallocate(data_, capacity_);
    data_ = reinterpret_cast<T*>(local_);
    capacity_ = N;
  }

  T* data_ = reinterpret_cast<T*>(local_);
  std::size_t size_ = 0, capacity_ = N;
  alignas(T) unsigned char local_[N * sizeof(T)];
};

}  // namespace kuan
