// What an unknown name probably meant: a missing space after a keyword, a
// close declared name (edit distance by character), an enumeration value.

#include "lang/checker_impl.hpp"

#include <algorithm>

#include "lang/keywords.hpp"

namespace kuan::checking {

// Code points of a UTF-8 name (names are checked UTF-8 by the time they get here).
std::u32string Checker::code_points(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += static_cast<std::size_t>(n);
  }
  return out;
}

// Edit distance (insert, delete, replace one character), Chinese counted by character.
std::size_t Checker::edit_distance(const std::u32string& a, const std::u32string& b) {
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

// The declared name closest to a misspelt one, when it is close enough to be meant.
std::string Checker::closest_name(const std::string& wrong) const {
  const std::u32string w = code_points(wrong);
  if (w.size() > 64) return "";
  const std::size_t allowed = std::max<std::size_t>(1, w.size() / 3);
  std::string best;
  std::size_t best_distance = allowed + 1;
  for (const auto& [name, symbol] : symbols_) {
    const std::u32string n = code_points(name);
    const std::size_t longer = std::max(n.size(), w.size()), shorter = std::min(n.size(), w.size());
    if (longer - shorter > allowed) continue;
    const std::size_t d = edit_distance(w, n);
    if (d < best_distance || (d == best_distance && name < best)) best_distance = d, best = name;
  }
  return best;
}

void Checker::undefined(const ast::Expr& e) {
  blame_removal(e.name);
  std::string message = "未定义的名称 " + e.name;
  bool hinted = false;
  // Only a reserved word can be what the parser ran into a name (`若中小企业`);
  // 是/否 start too many names (是否备案), and Latin words are spaced by habit.
  for (const auto& k : keywords::kAll) {
    const std::string_view kw = k.word;
    if (k.reach != keywords::Reach::Reserved || k.role == keywords::Role::Value || static_cast<unsigned char>(kw[0]) < 0x80)
      continue;
    if (e.name.size() > kw.size() && e.name.compare(0, kw.size(), kw) == 0) {
      message += "(关键字 " + std::string(kw) + " 与后面的名称之间需要空格?)";
      hinted = true;
      break;
    }
  }
  // Only the first few get a suggestion: at most 50 diagnostics are shown, and a
  // hostile file with thousands of unknown names must not cost names × symbols.
  if (!hinted && suggestions_left_ > 0) {
    --suggestions_left_;
    if (const std::string near = closest_name(e.name); !near.empty()) message += "(是不是 " + near + "?)";
  }
  for (const auto& en : ed_.enums)
    if (std::find(en.values.begin(), en.values.end(), e.name) != en.values.end()) {
      message += "(" + e.name + " 是 " + en.name + " 的取值,只能与 " + en.name + " 比较或在 按 " + en.name + " { } 中使用)";
      break;
    }
  error(e.span, message);
}

}  // namespace kuan::checking
