// Running totals by a 64-bit key for batch work over millions of records
// (allocate: applicant × tally). Only keys ever added to take room: most
// applicants touch few of an edition's tallies, so a dense applicant × tally
// table would be mostly zeros (and grow by copying).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace kuan {

// Open addressing, 16 bytes a slot, at most three quarters full.
class TallyTable {
 public:
  // 0 when never added to.
  std::int64_t get(std::uint64_t key) const {
    if (slots_.empty()) return 0;
    for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key + 1) return slots_[i].value;
      if (!slots_[i].key) return 0;
    }
  }
  // Asks for the memory of `key`'s first slot ahead of a get() or at().
  void prefetch(std::uint64_t key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash(key) & mask_]);
  }
  // The total, inserted as 0 when new.
  std::int64_t& at(std::uint64_t key) {
    if ((count_ + 1) * 4 > slots_.size() * 3) grow();
    for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key + 1) return slots_[i].value;
      if (!slots_[i].key) {
        ++count_;
        slots_[i] = {key + 1, 0};
        return slots_[i].value;
      }
    }
  }
  void clear() { std::vector<Slot>().swap(slots_), count_ = 0, mask_ = 0; }

 private:
  struct Slot {
    std::uint64_t key;  // key + 1; 0: free
    std::int64_t value;
  };
  static std::size_t hash(std::uint64_t k) {  // splitmix64's finalizer: consecutive keys spread
    k = (k ^ (k >> 30)) * 0xBF58476D1CE4E5B9ull;
    k = (k ^ (k >> 27)) * 0x94D049BB133111EBull;
    return static_cast<std::size_t>(k ^ (k >> 31));
  }
  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(1024, slots_.size() * 2), Slot{0, 0});
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.key)
        for (std::size_t i = hash(s.key - 1) & mask_;; i = (i + 1) & mask_)
          if (!slots_[i].key) {
            slots_[i] = s;
            break;
          }
  }
  std::vector<Slot> slots_;
  std::size_t count_ = 0, mask_ = 0;
};

}  // namespace kuan
