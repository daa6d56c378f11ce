// What an unknown name probably meant: a missing space after a keyword, a
// close declared name (base/suggest.hpp), an enumeration value.

#include "lang/checker_impl.hpp"

#include <algorithm>

#include "base/suggest.hpp"
#include "lang/keywords.hpp"

namespace kuan::checking {

// The declared name closest to a misspelt one, when it is close enough to be meant.
std::string Checker::closest_name(const std::string& wrong) const {
  ClosestName closest(wrong);  // base/suggest: the one measure of a near name, shared with the CLI's hints
  for (const auto& entry : symbols_) closest.consider(entry.first);
  return closest.best();
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
    message += did_you_mean_text(closest_name(e.name));
  }
  for (const auto& en : ed_.enums)
    if (std::find(en.values.begin(), en.values.end(), e.name) != en.values.end()) {
      message += "(" + e.name + " 是 " + en.name + " 的取值,只能与 " + en.name + " 比较或在 按 " + en.name + " { } 中使用)";
      break;
    }
  error(e.span, message);
}

}  // namespace kuan::checking
