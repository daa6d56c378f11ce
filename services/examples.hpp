// Running one 例 (an example written beside the rules): evaluate its facts,
// compare what the measure gives with what the 例 states.
#pragma once

#include <string>
#include <variant>

#include "interpreter/evaluator.hpp"
#include "lang/edition.hpp"

namespace kuan {

struct ExampleOutcome {
  bool passed = false;
  std::string detail;    // when failed: what differed ("预期 得 100.00元,实得 不适用"), or why it could not run
  std::string expected;  // when failed on a comparison: what the 例 states ("得 100.00元", "不适用")
  std::string actual;    // …and what the measure gave ("得 80.00元 受限 年度上限", "不适用「仅限甲类」")
};

// A 例's facts as an application (its list facts too); or why one could not be computed.
std::variant<FactValues, std::string> example_facts(const Edition& edition, const ast::ExampleDecl& example);

ExampleOutcome run_example(const Edition& edition, const ast::ExampleDecl& example);

}  // namespace kuan
