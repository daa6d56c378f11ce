// A measure compiled once, when its edition is built, into a flat plan: an
// array of instructions (compiled_plan.hpp) over registers of unboxed fixed
// point (interpreter/fixed.hpp) whose operands are read where they are — facts
// in place from their 64-bit slots (never copied into registers), parameters
// and literals folded to constants — each with its own code per kind of operand
// (register, constant, fact), conditions compiled to fused compare-and-branch
// instructions, each 按 a jump table. The measure's steps (measure_steps.hpp:
// needs, 要求, amount, caps, rounding) are compiled in, in that order; a fact
// default or definition read in one place is inlined there, one read in more is
// computed at most once. The amount stays a 64-bit fixed-point value until the
// end, where it becomes the Outcome's Decimal once. Evaluating it makes no
// virtual call and allocates nothing (unless a 要求 fails: the Outcome lists it).
// The explaining plan (and a measure with more 要求 than a flat plan records)
// keeps one segment per expression, run under measure_steps.hpp's
// evaluate_in_order — the order the tree-walker follows too.
//
// It decides only what it can decide exactly in 64 bits. Anything else — a
// mantissa or scale that does not fit, a division, and every error (a missing
// fact, a negative amount, …) — hands the whole evaluation to the reference
// tree-walker (evaluator.cpp, its expressions in activation.cpp), which computes with Decimal (__int128, then
// cpp_int) and words the errors. So results, explanations and errors are the
// tree-walker's by construction; tests/test_compiled.cpp checks that they are.
//
// A new kind of expression, name, built-in or value type needs nothing here to
// be correct: the compiler turns whatever it does not know into a `Bail`
// instruction (see Compiler::value's `default:` in compiled.cpp), and an evaluation that
// reaches one is handed to the tree-walker. Compile it here only when it is
// worth the speed, and extend tests/test_compiled.cpp's generator to reach it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "interpreter/evaluator.hpp"
#include "interpreter/loaded_edition.hpp"

namespace kuan {

// Null when the measure cannot be compiled (then the tree-walker serves it).
std::shared_ptr<const CompiledMeasure> compile_measure(const Edition& edition, const MeasureInfo& measure);

// Every measure of a built edition, into its table (called once by build_edition).
void compile_measures(LoadedEdition& edition);

// The outcome, or nullopt when the reference evaluator must decide. `trace`,
// when given, is filled as the tree-walker fills it (and is left partly filled
// on nullopt: the caller clears it). The measure's required facts must be
// given (evaluate_measure checks them first).
std::optional<Outcome> run_compiled(const Edition& edition, const MeasureInfo& measure,
                                    const CompiledMeasure& program, const FactValues& facts, Trace* trace);

// The outcome when the compiled form decides it alone — the measure has one and
// no 校验, its required facts are given, and it is exact in 64 bits — else
// nullopt (then evaluate_measure decides, and words any error). Reads only the
// facts' fixed-point lanes (FactValues::present and fixed), so facts bound
// straight into them (services/json_fast.hpp, Binding::FixedOnly) serve.
std::optional<Outcome> decide_compiled(const Edition& edition, const MeasureInfo& measure, const FactValues& facts);

// The flat plan's decision (decide_flat), before it becomes an Outcome: the
// Outcome is then built whole where it goes (AsOutcome), never default-built
// (a 128-byte clear) and then filled.
struct FlatDecision {
  std::int64_t amount = 0;   // eligible: the amount's mantissa, rounded …
  std::int32_t scale = 0;    // … and its scale
  std::int32_t bound = -1;   // … and the cap that bound it (an index into MeasureInfo::caps), or −1
  std::uint64_t failed = 0;  // not eligible: which 要求 failed, one bit each (non-zero)
};

// The fast entry of a measure whose compiled form is `direct` (no 校验, no
// 施行, a flat plan; compiled_plan.hpp): runs the plain plan into `out` (which
// must start as FlatDecision{}: the plan writes only what it decides) and
// returns true; false when the required facts are not all given or the plan
// hands over (then the caller asks the tree-walker).
bool decide_flat(const Edition& edition, const MeasureInfo& measure, const CompiledMeasure& program,
                 const FactValues& facts, FlatDecision& out);

// evaluate_measure (evaluator.hpp) is defined beside the machine
// (compiled_run.cpp), so that a `direct` measure evaluated without an
// explanation takes one call frame to the machine: decide_flat's decision built
// as the Outcome where the caller's result lies. Everything else — a measure
// that is not direct, an explanation — it hands to evaluate_checked
// (evaluator.cpp): 校验, 施行, then the compiled form or the tree-walker.
EvalResult evaluate_checked(const Edition& edition, const MeasureInfo& measure, const FactValues& facts, Trace* trace,
                            const CompiledMeasure* compiled);

// Not eligible: the Outcome listing which 要求 failed (`failed`: one bit each), as the tree-walker lists them.
Outcome not_eligible(const Edition& edition, const MeasureInfo& measure, std::uint64_t failed);

// An initializer that becomes the Outcome of a flat decision in place, as the
// tree-walker gives it: EvalResult(std::in_place_type<Outcome>, AsOutcome{…})
// or optional::emplace build the variant's own Outcome from the conversion's
// result (guaranteed elision: no move, no Decimal read back as one 16-byte
// value just after being written as two halves).
struct AsOutcome {
  const Edition& edition;
  const MeasureInfo& measure;
  const FlatDecision& decision;
  operator Outcome() const {
    const FlatDecision& d = decision;
    if (d.failed) [[unlikely]] return not_eligible(edition, measure, d.failed);
    return Outcome(&measure, d.amount, d.scale, d.bound >= 0 ? measure.caps[static_cast<std::size_t>(d.bound)] : nullptr);
  }
};

// required_facts_given (compiled_plan.hpp): whether every fact the measure
// requires is given (the compiled form's quick check; when false,
// evaluate_measure words which are missing).

}  // namespace kuan
