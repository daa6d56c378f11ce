// What the fuzz targets share: the shipped policy, facts for any edition, and
// one evaluation path that renders every result as the CLI does and checks the
// invariants a result must keep whatever the input.
//
// A finding is reported by fail(): it prints the broken check and aborts, which
// libFuzzer records as a crash with the input that caused it. Checks for bugs
// that are known and being fixed elsewhere can be switched off by name through
// the environment (KUAN_FUZZ_KNOWN=negative-amount,invalid-utf8-output); the
// names are listed in tests/fuzz/known_issues.txt, which run_fuzz.sh reads.
#pragma once

#include <string>
#include <string_view>

#include "interpreter/evaluator.hpp"
#include "lang/edition.hpp"

namespace kuan::fuzz {

// The 2025年版 of policies/hangzhou-ai, loaded on first use (aborts if it fails).
const Edition& shipped_edition();

// True when the check named `name` is listed in KUAN_FUZZ_KNOWN.
bool known(std::string_view name);

[[noreturn]] void fail(std::string_view check, std::string_view detail);

// Facts for every fact of `edition`, with values chosen by `variant` (0–2):
// ordinary, all zero/false/first, large. variant 3 leaves them all absent.
FactValues sample_facts(const Edition& edition, int variant);

// Evaluates `measure` (when no required fact is missing) with and without a
// trace, compares the two, renders the result as JSON and text with the
// explanation, and checks the invariants (amount ≥ 0 when eligible, valid
// UTF-8 output, run-time errors positioned).
void evaluate_checked(const Edition& edition, const MeasureInfo& measure, const FactValues& facts,
                      const std::string* id = nullptr);

// Every 例 of the edition, as `kuan test` runs them (results not compared: the
// fuzzer's examples rarely hold; only crashes and invariants matter).
void run_examples(const Edition& edition);

// Strict UTF-8 (no overlongs, surrogates or truncation). Written apart from
// base/source.cpp's decoder on purpose: an oracle must not share the code it checks.
bool valid_utf8(std::string_view text);

}  // namespace kuan::fuzz
