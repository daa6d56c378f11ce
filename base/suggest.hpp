// "是不是 …?": the name someone most likely meant when they misspelt one — a
// rule file's name (the checker), a command, an option, a measure, a fact or a
// REPL command. One measure of closeness for all of them, so the hints agree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kuan {

// Edit distance (insert, delete or replace one character), Chinese counted by
// character: on code points, so 算力卷 is one step from 算力券.
std::size_t edit_distance(std::u32string_view a, std::u32string_view b);

// Keeps the candidate closest to `wrong` among those close enough to be meant
// (at most max(1, characters / 3) edits); ties go to the smaller name, so the
// hint does not depend on the order candidates come in.
class ClosestName {
 public:
  explicit ClosestName(std::string_view wrong);
  void consider(std::string_view candidate);
  // "" when nothing was close enough.
  const std::string& best() const { return best_; }

 private:
  std::u32string wrong_;
  std::size_t allowed_;
  std::size_t best_distance_;
  std::string best_;
};

// The closest of `candidates` to `wrong`, or "".
std::string closest_name(std::string_view wrong, const std::vector<std::string>& candidates);

// "(是不是 X?)" for the closest candidate, or "" — the checker's words.
std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& candidates);
std::string did_you_mean_text(const std::string& nearest);

}  // namespace kuan
