// The quota rule of batch allocation (名额 / 限额 … 个): which applications a
// quota takes. One function for the Allocator (allocate.cpp) and for hosts
// that split a year and rank it outside (api::rank_quota_candidates, which
// kuan.dask calls), so the two cannot drift.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/decimal.hpp"

namespace kuan {

struct QuotaEntry {
  const Decimal* score;    // 0 when the quota has no score fact (ranked by order alone)
  std::uint64_t order;     // the application's place in the year
  int quota;               // which quota: ranks are counted per quota …
  std::uint32_t tag;       // the caller's: which candidate this is
  std::string_view group;  // … and per value of its 按 F ("" without one)
  std::int64_t key = 0;    // quota_ranks' own: the score at one scale, when every score fits
};

// Sorts `entries` into rank order — per quota and group, the best score
// first, ties to the earlier application (smaller order) — and returns the
// 1-based rank of each within its quota and group, in that order. Orders are
// distinct. In place: a year's candidates are not copied.
std::vector<std::uint32_t> quota_ranks(std::vector<QuotaEntry>& entries);

}  // namespace kuan
