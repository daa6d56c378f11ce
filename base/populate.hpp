// Memory about to be written whole (allocate's record blocks, arena blocks
// and sort buffers, millions of records): the kernel is asked to back it now, in one
// call, rather than at one page fault for each 4 KiB as it is first written.
// Linux only; elsewhere, and if the kernel declines, the faults come as before.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace kuan {

inline void populate_for_writing(void* p, std::size_t n) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr std::uintptr_t kPage = 4096;  // the smallest page: madvise wants the range page-aligned
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(p) + n) & ~(kPage - 1);
  if (end > begin) static_cast<void>(madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE));
#else
  static_cast<void>(p), static_cast<void>(n);
#endif
}

// Room for n elements in v, backed at once (a large vector that is about to
// be filled: sort buffers, per-record tables).
template <class Vector>
void reserve_populated(Vector& v, std::size_t n) {
  v.reserve(n);
  populate_for_writing(v.data(), n * sizeof(typename Vector::value_type));
}

}  // namespace kuan
