// What changed between two editions of a policy: parameters with old → new
// values, facts, definitions, caps, pools and measures added, removed or
// changed, each with the place it is written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lang/edition.hpp"

namespace kuan {

struct EditionChange {
  enum class Kind { Added, Removed, Changed };
  Kind kind;
  std::string what;  // 参数, 事实, 定义, 上限, 资金池, 条款, 校验, 措施, 舍入
  std::string name;
  std::string before, after;  // a short rendering of each side ("" when absent)
  Span before_at, after_at;
};

std::vector<EditionChange> diff_editions(const Edition& before, const Edition& after);

// Applications evaluated under both editions, as `kuan diff` shows them: a
// text line, or a JSON object, per application.
struct ApplicationsDiff {
  std::string rows;    // text lines; for JSON, the objects separated by ','
  std::string errors;  // what could not be evaluated, as lines for stderr
  bool ok = true;
  bool bad_input = false;  // the facts text is malformed: `errors` says where, nothing else is shown
};

// One JSON object of facts (read from `facts_name`) for `measure`.
ApplicationsDiff diff_application(const Edition& a, const Edition& b, std::string_view measure,
                                  std::string_view facts_json, const std::string& facts_name, bool json);
// JSONL application lines (read from `name`); blank lines are skipped.
ApplicationsDiff diff_applications(const Edition& a, const Edition& b, std::string_view jsonl, const std::string& name,
                                   bool json);

}  // namespace kuan
