// Running totals for batch work over millions of records (allocate:
// applicant × tally).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kuan {

// Running totals, applicant × tally, in flat columns: one int64 per applicant
// for each tally the year adds to (made when first added to), so a lookup is
// one look into memory — no hashing, no probing. Applicants are all known
// before deciding (the rows). Memory: 8 bytes × applicants × tallies used.
class TallyColumns {
 public:
  void reset(std::size_t columns, std::size_t rows) {
    columns_.assign(columns, {});
    rows_ = rows;
  }
  // 0 when never added to.
  std::int64_t get(std::uint32_t row, int column) const {
    const auto& c = columns_[static_cast<std::size_t>(column)];
    return c.empty() ? 0 : c[row];
  }
  std::int64_t& at(std::uint32_t row, int column) {
    auto& c = columns_[static_cast<std::size_t>(column)];
    if (c.empty()) c.assign(rows_, 0);
    return c[row];
  }
  void prefetch(std::uint32_t row, int column) const {
    const auto& c = columns_[static_cast<std::size_t>(column)];
    if (!c.empty()) __builtin_prefetch(&c[row]);
  }
  // Every total back to 0, the memory released.
  void clear() {
    for (auto& c : columns_) std::vector<std::int64_t>().swap(c);
  }

 private:
  std::vector<std::vector<std::int64_t>> columns_;
  std::size_t rows_ = 0;
};

}  // namespace kuan
