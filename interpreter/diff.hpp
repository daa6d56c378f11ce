// What changed between two editions of a policy: parameters with old → new
// values, facts, definitions, caps, pools and measures added, removed or
// changed, each with the place it is written.
#pragma once

#include <string>
#include <vector>

#include "lang/edition.hpp"

namespace kuan {

struct EditionChange {
  enum class Kind { Added, Removed, Changed };
  Kind kind;
  std::string what;  // 参数, 事实, 定义, 上限, 资金池, 条款, 措施, 舍入
  std::string name;
  std::string before, after;  // a short rendering of each side ("" when absent)
  Span before_at, after_at;
};

std::vector<EditionChange> diff_editions(const Edition& before, const Edition& after);

}  // namespace kuan
