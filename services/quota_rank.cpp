// The quota rule (quota_rank.hpp), and its public form over decimal text.
#include "services/quota_rank.hpp"

#include <algorithm>
#include <bit>
#include <string>
#include <unordered_map>

#include "base/radix_sort.hpp"
#include "kuan/allocator.hpp"

namespace kuan {

namespace {

// The 1-based rank of each sorted entry within its quota and group.
std::vector<std::uint32_t> ranks_in_order(const std::vector<QuotaEntry>& entries) {
  std::vector<std::uint32_t> ranks(entries.size());
  for (std::size_t i = 0, rank = 0; i < entries.size(); ++i) {
    const bool same = i > 0 && entries[i - 1].quota == entries[i].quota && entries[i - 1].group == entries[i].group;
    rank = same ? rank + 1 : 1;
    ranks[i] = static_cast<std::uint32_t>(rank);
  }
  return ranks;
}

// The usual year (no 按 F groups, entries in application order, scores as
// integer keys within a 2^k range, quotas and entries that fit the bits
// left): sorted by counting passes over packed 64-bit keys — quota, then the
// score from the best, then the entry's place (the earlier application, as
// the entries come in order) — instead of by comparison. False, entries
// untouched, when the year is not like that.
bool sort_packed(std::vector<QuotaEntry>& entries) {
  const std::size_t n = entries.size();
  if (n < 2 || n > 0xFFFFFFFFu) return false;
  std::int64_t low = entries[0].key, high = low;
  int quotas = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const QuotaEntry& e = entries[i];
    if (!e.group.empty() || e.quota < 0 || (i && e.order <= entries[i - 1].order)) return false;
    low = std::min(low, e.key), high = std::max(high, e.key);
    quotas = std::max(quotas, e.quota + 1);
  }
  const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);  // high − low, without overflow
  const int score_bits = std::bit_width(span), quota_bits = std::bit_width(static_cast<std::uint64_t>(quotas - 1));
  if (score_bits + quota_bits > 32) return false;
  std::vector<std::uint64_t> keys(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t from_best = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(entries[i].key);
    keys[i] = (static_cast<std::uint64_t>(entries[i].quota) << score_bits | from_best) << 32 | i;
  }
  sort_by_high_bits(keys, 32);  // stable: equal quota and score keep their place
  // Position k takes the entry from keys[k]'s low bits: moved in place, cycle
  // by cycle (a year's candidates are not copied), a moved position marked in
  // its key's top bit.
  constexpr std::uint64_t kMoved = std::uint64_t{1} << 63;
  for (std::size_t k = 0; k < n; ++k) {
    if (keys[k] & kMoved) continue;
    QuotaEntry held = entries[k];
    for (std::size_t at = k;;) {
      const std::size_t from = keys[at] & 0xFFFFFFFFu;
      keys[at] |= kMoved;
      if (from == k) {
        entries[at] = held;
        break;
      }
      entries[at] = entries[from];
      at = from;
    }
  }
  return true;
}

}  // namespace

std::vector<std::uint32_t> quota_ranks(std::vector<QuotaEntry>& entries) {
  // Scores compared as integers at the finest scale among them when every
  // one fits 64 bits there exactly (the usual case: no pointer to follow, no
  // scale to align per comparison); else as decimals.
  int scale = 0;
  for (const QuotaEntry& e : entries) scale = std::max(scale, e.score->scale());
  bool as_integers = true;
  for (QuotaEntry& e : entries) {
    const auto k = e.score->to_int64_at_scale(scale);
    if (!k) {
      as_integers = false;
      break;
    }
    e.key = *k;
  }
  if (as_integers && sort_packed(entries)) return ranks_in_order(entries);
  auto by_score = [&](const QuotaEntry& a, const QuotaEntry& b) {
    if (as_integers) return a.key == b.key ? 0 : a.key < b.key ? -1 : 1;
    const auto c = *a.score <=> *b.score;
    return c == 0 ? 0 : c < 0 ? -1 : 1;
  };
  std::sort(entries.begin(), entries.end(), [&](const QuotaEntry& a, const QuotaEntry& b) {
    if (a.quota != b.quota) return a.quota < b.quota;
    if (a.group != b.group) return a.group < b.group;
    if (const int c = by_score(a, b); c != 0) return c > 0;
    return a.order < b.order;
  });
  return ranks_in_order(entries);
}

}  // namespace kuan

namespace kuan::api {

std::variant<std::vector<std::uint32_t>, AllocationError> rank_quota_candidates(
    const std::vector<QuotaRankCandidate>& candidates) {
  try {
    std::vector<Decimal> scores;
    scores.reserve(candidates.size());
    std::unordered_map<std::string_view, int> quota_index;
    std::vector<QuotaEntry> entries;
    entries.reserve(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const auto& c = candidates[i];
      auto score = Decimal::parse(c.score);
      if (!score) {
        AllocationError e;
        e.field = "score";
        e.message = "名额候选的得分不是十进制数:" + std::string(c.score);
        return e;
      }
      scores.push_back(*score);
      const int quota = quota_index.emplace(c.quota, static_cast<int>(quota_index.size())).first->second;
      entries.push_back({nullptr, c.order, quota, static_cast<std::uint32_t>(i), c.group, 0});
    }
    for (std::size_t i = 0; i < entries.size(); ++i) entries[i].score = &scores[i];
    const std::vector<std::uint32_t> sorted_ranks = quota_ranks(entries);
    std::vector<std::uint32_t> ranks(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) ranks[entries[i].tag] = sorted_ranks[i];
    return ranks;
  } catch (const std::exception& ex) {
    AllocationError e;
    e.message = std::string("内部错误:") + ex.what();
    return e;
  }
}

}  // namespace kuan::api
