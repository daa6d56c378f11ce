#include "base/suggest.hpp"

#include <algorithm>

#include "base/utf8.hpp"

namespace kuan {

namespace {
// Names longer than this get no hint: a hostile input must not cost length² per candidate.
constexpr std::size_t kLongestHinted = 64;

std::u32string code_points(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) out += decode_utf8(s, i);
  return out;
}
}  // namespace

std::size_t edit_distance(std::u32string_view a, std::u32string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

ClosestName::ClosestName(std::string_view wrong)
    : wrong_(wrong.size() <= 4 * kLongestHinted ? code_points(wrong) : std::u32string()),
      allowed_(std::max<std::size_t>(1, wrong_.size() / 3)),
      best_distance_(allowed_ + 1) {
  if (wrong_.empty() || wrong_.size() > kLongestHinted) best_distance_ = 0;  // nothing will do
}

void ClosestName::consider(std::string_view candidate) {
  if (best_distance_ == 0 || candidate.size() > 4 * kLongestHinted) return;
  const std::u32string n = code_points(candidate);
  const std::size_t longer = std::max(n.size(), wrong_.size()), shorter = std::min(n.size(), wrong_.size());
  if (longer - shorter > allowed_ || n == wrong_) return;
  const std::size_t d = edit_distance(wrong_, n);
  if (d < best_distance_ || (d == best_distance_ && candidate < best_)) {
    best_distance_ = d;
    best_ = std::string(candidate);
  }
}

std::string closest_name(std::string_view wrong, const std::vector<std::string>& candidates) {
  ClosestName closest(wrong);
  for (const auto& c : candidates) closest.consider(c);
  return closest.best();
}

std::string did_you_mean_text(const std::string& nearest) {
  return nearest.empty() ? std::string() : "(是不是 " + nearest + "?)";
}

std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& candidates) {
  return did_you_mean_text(closest_name(wrong, candidates));
}

}  // namespace kuan
