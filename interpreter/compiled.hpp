// A measure compiled once, when its edition is built, into a compact typed
// tree over unboxed fixed point (interpreter/fixed.hpp): names resolved to fact
// slots and cache slots, parameters and literals folded to constants, each 按
// a jump table. Evaluating it allocates nothing unless an explanation is
// recorded.
//
// It decides only what it can decide exactly in 64 bits. Anything else — a
// mantissa or scale that does not fit, a division, and every error (a missing
// fact, a negative amount, …) — hands the whole evaluation to the reference
// tree-walker (evaluator.cpp), which computes with Decimal (__int128, then
// cpp_int) and words the errors. So results, explanations and errors are the
// tree-walker's by construction; tests/test_compiled.cpp checks that they are.
#pragma once

#include <memory>
#include <optional>

#include "interpreter/evaluator.hpp"

namespace kuan {

// Null when the measure cannot be compiled (then the tree-walker serves it).
std::shared_ptr<const CompiledMeasure> compile_measure(const Edition& edition, const MeasureInfo& measure);

// Every measure of a built edition (called once by build_edition).
void compile_measures(Edition& edition);

// The outcome, or nullopt when the reference evaluator must decide. `trace`,
// when given, is filled as the tree-walker fills it (and is left partly filled
// on nullopt: the caller clears it).
std::optional<Outcome> run_compiled(const Edition& edition, const MeasureInfo& measure,
                                    const CompiledMeasure& program, const FactValues& facts, Trace* trace);

}  // namespace kuan
