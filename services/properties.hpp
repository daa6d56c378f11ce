// kuan test --properties: properties every measure must have, and the 性质
// the author wrote, checked on generated applications (seeded, so a run can be
// repeated) and shrunk to a small counter-example when one fails.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/edition.hpp"

namespace kuan {

struct PropertyOptions {
  std::uint64_t seed = 1;
  int count = 200;  // applications per measure (and per 性质)
};

enum class PropertyStatus {
  Passed,
  Failed,
  Unchecked,  // no generated application it applies to (a generated property: no cap applied…; a 性质: its 当 never held)
  Note,       // not a property: a threshold that explains a lower amount as the base rises
};

struct PropertyEntry {
  PropertyStatus status = PropertyStatus::Passed;
  bool authored = false;  // a 性质 of the rule files, not one every measure must have
  std::string measure;
  std::string property;        // 金额非负 …, or the 性质's title (its claim when untitled); empty for a Note
  Span at;                     // the measure, the 性质, or (Note) the threshold
  int checked = 0;             // applications the property was checked on
  std::string detail;          // Failed: what went wrong; Note: what fell, and which threshold
  std::string counterexample;  // Failed: the shrunk application as a 例 ready to paste beside the rules
};

// Checks every measure of `edition`, then its 性质. In order: for each
// measure its properties (金额非负, 不超过上限, 不适用得0并有理由, 按版本舍入,
// 基数增加金额不减) then at most three notes; then each 性质 in file order.
std::vector<PropertyEntry> check_properties(const Edition& edition, const PropertyOptions& options);

}  // namespace kuan
