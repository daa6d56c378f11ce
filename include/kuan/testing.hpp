// Kuan (款) — running a policy's own tests, as `kuan test` does: its 例 (the
// examples written beside the rules) and its properties (`kuan test
// --properties`: what every measure must satisfy, and the 性质 the author
// wrote), checked on generated applications and shrunk to a pasteable 例.
//
//   auto loaded = kuan::api::Policy::load("policies/hangzhou-ai");
//   for (const auto& edition : loaded.policy->editions()) {
//     auto examples = kuan::api::run_examples(edition);
//     if (!examples) { std::cerr << examples.error().to_string() << '\n'; continue; }
//     for (const auto& x : *examples)
//       if (!x.passed) std::cerr << x.where.line << ": " << x.detail << '\n';
//     auto properties = kuan::api::check_properties(edition, {7, 500});  // seed 7, 500 applications
//     for (const auto& p : *properties)
//       if (p.status == kuan::api::PropertyStatus::Failed) std::cout << p.counterexample;
//   }
//
// Results are data; nothing is printed. As everywhere in the façade, nothing
// throws to the host: an unexpected failure comes back as the Result's Error.
// Properties are checked on seeded draws: the same seed gives the same results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kuan/kuan.hpp"

namespace kuan::api {

// ------------------------------------------------------------------ 例

struct ExampleResult {
  std::string edition;
  std::string measure;
  std::string title;     // the 例's title
  Position where;        // the 例
  bool passed = false;
  std::string detail;    // when failed: what differed ("预期 得 100.00元,实得 不适用"), or why it could not run
  std::string expected;  // when failed on a comparison: what the 例 states ("得 100.00元", "不适用")
  std::string actual;    // …and what the measure gave ("得 80.00元 受限 年度上限", "不适用「仅限甲类」")
};

// Every 例 of the edition, in file order.
KUAN_API Result<std::vector<ExampleResult>> run_examples(const Edition& edition);

// ------------------------------------------------------------ properties

struct PropertyOptions {
  std::uint64_t seed = 1;  // the same seed draws the same applications
  int count = 200;         // applications drawn per measure and per 性质
};

enum class PropertyStatus {
  Passed,
  Failed,
  Unchecked,  // no drawn application it applies to (no cap applied, nothing ineligible; a 性质 whose 当 never held)
  Note,       // not a property: a threshold of the rules that explains why a larger base gave a smaller amount
};

struct PropertyResult {
  std::string edition;
  std::string measure;
  PropertyStatus status = PropertyStatus::Passed;
  bool authored = false;       // a 性质 of the rule files, not one every measure must have
  std::string property;        // 金额非负, 不超过上限, 不适用得0并有理由, 按版本舍入, 基数增加金额不减,
                               // or the 性质's title (its claim when untitled); empty for a Note
  Position where;              // the measure, the 性质, or (Note) the threshold
  int checked = 0;             // applications it was checked on
  std::string detail;          // Failed: what went wrong; Note: what fell and which threshold explains it
  std::string counterexample;  // Failed: the shrunk application as a 例 block, ready to paste beside the rules
};

// For each measure its properties, then at most three notes; then each 性质
// in file order.
KUAN_API Result<std::vector<PropertyResult>> check_properties(const Edition& edition,
                                                              const PropertyOptions& options = {});

}  // namespace kuan::api
