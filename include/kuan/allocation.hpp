// Kuan (款) — batch allocation: one year's applications decided together, as
// `kuan allocate` does it (the spec's "Batch-level rules"). Which facts are
// running totals (累计), which measures share a pool (资金池) and each
// measure's quota (名额) all come from the edition.
//
//   #include <kuan/allocation.hpp>
//
//   auto edition = kuan::api::Policy::load("policies/hangzhou-ai").value().edition("2025年版").value();
//   std::ifstream in("applications.jsonl");
//   std::ofstream out("decisions.jsonl");
//   auto done = kuan::api::allocate(edition, in, out);
//   if (auto* e = std::get_if<kuan::api::AllocationError>(&done))
//     std::cerr << e->to_string("applications.jsonl") << '\n';     // applications.jsonl:12:5: error: …
//
// Input: one application a JSON line {"id", "applicant", "measure", "facts": {…}},
// or CSV with a header id,applicant,measure,<fact>…; output: one decision a
// line (or CSV row), in input order. Nothing is written unless every record is
// good — a partial year is worse than none. Memory is proportional to the
// number of applications (about 60 bytes each plus their facts), not to the input.
//
// Money is exact decimal text ("1234.50" 元), never binary floating point.
// Nothing here throws: errors are AllocationError values.
#pragma once

#include "kuan/allocator.hpp"  // the Allocator, its records and allocate()
#include "kuan/kuan.hpp"       // Policy, Edition
