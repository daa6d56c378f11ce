#include "stdlib/ranges.hpp"

#include <algorithm>

namespace kuan {

namespace {

// The distinct finite ends cut the line into pieces: the open stretch below the
// first end (piece 0), the first end itself (1), the stretch up to the next (2),
// … and the stretch above the last (2k). Every range is a run of pieces.
class Pieces {
 public:
  Pieces(std::vector<Decimal> points, const RangeDomain& d) : p_(std::move(points)), discrete_(d.discrete) {
    std::sort(p_.begin(), p_.end());
    p_.erase(std::unique(p_.begin(), p_.end()), p_.end());
    if (d.min) first_ = 2 * index(*d.min) + 1;
  }
  std::size_t count() const { return 2 * p_.size() + 1; }
  std::size_t index(const Decimal& v) const {
    return static_cast<std::size_t>(std::lower_bound(p_.begin(), p_.end(), v) - p_.begin());
  }
  std::size_t start(const std::optional<Decimal>& v, bool inclusive) const {
    if (!v) return 0;
    return 2 * index(*v) + (inclusive ? 1 : 2);
  }
  // One past the last piece.
  std::size_t stop(const std::optional<Decimal>& v, bool inclusive) const {
    if (!v) return count();
    return 2 * index(*v) + (inclusive ? 2 : 1);
  }
  // Holds a value that can occur: within the domain, and for integers an open
  // stretch holds one only when its ends are more than 1 apart.
  bool real(std::size_t k) const {
    if (k < first_) return false;
    if (k % 2 == 1 || !discrete_ || k == 0 || k + 1 == count()) return true;
    return p_[k / 2] - p_[k / 2 - 1] > Decimal::from_int(1);
  }
  // The values of pieces [s, e] as a range would be written.
  // For integers an open end becomes the next integer in: 3(不含) 至 5(不含) is 恰为 4.
  std::string describe(std::size_t s, std::size_t e, const std::function<std::string(const Decimal&)>& show) const {
    std::optional<Decimal> lo_v, hi_v;
    bool lo_in = true, hi_in = true;
    if (s % 2 == 1) lo_v = p_[s / 2];
    else if (s > 0) lo_v = p_[s / 2 - 1], lo_in = false;
    if (e % 2 == 1) hi_v = p_[e / 2];
    else if (e + 1 < count()) hi_v = p_[e / 2], hi_in = false;
    if (discrete_) {
      if (lo_v && !lo_in) lo_v = *lo_v + Decimal::from_int(1), lo_in = true;
      if (hi_v && !hi_in) hi_v = *hi_v - Decimal::from_int(1), hi_in = true;
    }
    if (lo_v && hi_v && lo_in && hi_in && *lo_v == *hi_v) return "恰为 " + show(*lo_v);
    std::string lo, hi;
    if (lo_v) lo = show(*lo_v) + (lo_in ? "(含)" : "(不含)");
    if (hi_v) hi = show(*hi_v) + (hi_in ? "(含)" : "(不含)");
    if (lo.empty() && hi.empty()) return "全部取值";
    if (hi.empty()) return lo + " 以上";
    if (lo.empty()) return hi + " 以下";
    return lo + " 至 " + hi;
  }

 private:
  std::vector<Decimal> p_;
  bool discrete_;
  std::size_t first_ = 0;  // the first piece within the domain
};

// For integers every end becomes an inclusive integer: 3(不含) 以上 is 4(含) 以上.
void to_integers(RangeRow& r) {
  auto floor = [](const Decimal& d) { return d.round(0, RoundingMode::Floor); };
  auto ceil = [](const Decimal& d) { return d.round(0, RoundingMode::Ceiling); };
  if (r.lower) r.lower = r.lower_inclusive ? ceil(*r.lower) : floor(*r.lower) + Decimal::from_int(1), r.lower_inclusive = true;
  if (r.upper) r.upper = r.upper_inclusive ? floor(*r.upper) : ceil(*r.upper) - Decimal::from_int(1), r.upper_inclusive = true;
}

}  // namespace

std::vector<RangeProblem> check_ranges(const std::vector<RangeRow>& given, const RangeDomain& domain,
                                       const std::function<std::string(const Decimal&)>& show,
                                       const std::function<std::string(std::size_t)>& label) {
  std::vector<RangeRow> rows = given;
  std::vector<Decimal> points;
  if (domain.min) points.push_back(*domain.min);
  for (auto& r : rows) {
    if (domain.discrete) to_integers(r);
    if (r.lower) points.push_back(*r.lower);
    if (r.upper) points.push_back(*r.upper);
  }
  const Pieces pieces(std::move(points), domain);
  std::vector<RangeProblem> out;
  std::vector<int> owner(pieces.count(), -1);  // the first arm holding each piece
  // real_before[k]: how many of pieces [0, k) can hold a value. skip[k]: a link
  // towards the first piece from k on that no arm holds yet and that is real
  // (path-halving, so marking a table's pieces costs about linear time).
  std::vector<std::size_t> real_before(pieces.count() + 1, 0), skip(pieces.count() + 1);
  for (std::size_t k = 0; k < pieces.count(); ++k) real_before[k + 1] = real_before[k] + (pieces.real(k) ? 1 : 0);
  for (std::size_t k = 0; k <= pieces.count(); ++k) skip[k] = k < pieces.count() && !pieces.real(k) ? k + 1 : k;
  auto next_free = [&](std::size_t k) {
    while (skip[k] != k) skip[k] = skip[skip[k]], k = skip[k];
    return k;
  };
  std::vector<std::pair<std::size_t, std::size_t>> runs(rows.size(), {0, 0});
  const RangeRow* otherwise = nullptr;
  std::size_t otherwise_row = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RangeRow& r = rows[i];
    if (r.otherwise) {
      if (!otherwise) otherwise = &r, otherwise_row = i;
      continue;
    }
    const std::size_t s = pieces.start(r.lower, r.lower_inclusive), e = pieces.stop(r.upper, r.upper_inclusive);
    runs[i] = {s, e};
    if (r.lower && r.upper && (*r.lower > *r.upper || s >= e)) {
      out.push_back({i, "区间为空:" + label(i) + " 中没有任何取值,这一分支永远不会被选中"});
      continue;
    }
    // Marks the pieces no earlier arm holds (each piece is marked once: `next`
    // skips held ones), and counts the held ones from how many real pieces the run has.
    std::size_t fresh = 0;
    for (std::size_t k = next_free(s); k < e; k = next_free(k + 1)) owner[k] = static_cast<int>(i), skip[k] = k + 1, ++fresh;
    const std::size_t held = (real_before[e] - real_before[s]) - fresh;
    int first_owner = -1;
    std::size_t overlap_from = 0, overlap_to = 0;
    if (held > 0) {
      std::size_t k = s;
      while (!pieces.real(k) || owner[k] == static_cast<int>(i)) ++k;  // stops: a held real piece is in [s, e)
      first_owner = owner[k];
      // What the two arms share, as the message names it.
      const auto other = runs[static_cast<std::size_t>(first_owner)];
      overlap_from = std::max(s, other.first), overlap_to = std::min(e, other.second) - 1;
      while (!pieces.real(overlap_from)) ++overlap_from;
      while (!pieces.real(overlap_to)) --overlap_to;
    }
    if (fresh == 0 && held == 0) {
      out.push_back({i, "这一分支永远不会被选中:" + label(i) + " 中没有可能的取值" +
                            (domain.min ? "(取值不小于 " + show(*domain.min) + ")" : std::string())});
    } else if (fresh == 0) {
      out.push_back({i, "这一分支永远不会被选中:" + label(i) + " 已全部落在前面的分支内(" +
                            label(static_cast<std::size_t>(first_owner)) + " 等)"});
    } else if (held > 0) {
      out.push_back({i, label(i) + " 与前面的分支 " + label(static_cast<std::size_t>(first_owner)) + " 重叠:" +
                            pieces.describe(overlap_from, overlap_to, show) + " 同时落在两个分支内"});
    }
  }
  // Values no arm holds: one message per gap, at the arm just after it.
  bool gap = false;
  for (std::size_t k = 0; k < pieces.count();) {
    if (!pieces.real(k) || owner[k] >= 0) {
      ++k;
      continue;
    }
    std::size_t e = k;
    while (e + 1 < pieces.count() && owner[e + 1] < 0) ++e;
    while (!pieces.real(e)) --e;  // trailing pieces that hold no value
    gap = true;
    if (!otherwise) {
      std::size_t at = rows.size() - 1;
      std::size_t best = pieces.count() + 1;
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (!rows[i].otherwise && runs[i].first > e && runs[i].first < best) best = runs[i].first, at = i;
      out.push_back({at, "区间表有空档:" + pieces.describe(k, e, show) + " 没有分支(补上区间,或加 其他 => …)"});
    }
    k = e + 1;
  }
  if (otherwise && !gap)
    out.push_back({otherwise_row, "其他 永远不会被选中:前面的区间已包含全部可能的取值"});
  std::stable_sort(out.begin(), out.end(), [](const RangeProblem& a, const RangeProblem& b) { return a.row < b.row; });
  return out;
}

}  // namespace kuan
