// The result of one evaluation as data: amount, eligibility, reasons, bound
// cap and the explanation, in the words and places of the rule file. The
// records are the public ones (include/kuan/records.hpp, std-only): the engine
// builds them here, every rendering (interpreter/render.hpp: JSON and text) is
// made from them and the C++ API returns them as they are, so the CLI, the API
// and allocate print one shape.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "kuan/records.hpp"

namespace kuan {

// The place of a span in its rule file; line 0 when it has none.
api::Position place_of(const Span& span);

// The note of an eligible result whose cap left nothing (results and allocate's decisions).
std::string exhausted_cap_note(std::string_view cap);
// The notes of an outcome (an exhausted cap), as results in every format give them.
std::vector<std::string> outcome_notes(const Outcome& outcome);
// "file:line:col", or "" when the place is not known.
std::string where(const api::Position& at);

// "eligible", "not_eligible", "needs_facts", "error" (a whole application's "status").
const char* measure_status_name(api::MeasureStatus status) noexcept;

// The stable `code` (docs/cli-json.md) of a public error from its parts — the
// one translation of api::ErrorCode to error kinds (base/error_kind.hpp), for
// Error::kind(), the C API and the renderer. The API's codes are coarser and
// finer than the kinds by turns: WrongFactType and InvalidFactValue are both
// a bad fact; an EvaluationError naming a fact is one the path taken needed.
const char* error_code_kind(api::ErrorCode code, bool names_fact) noexcept;

// The record of an outcome of `edition`; with its explanation when `trace` is given.
api::Evaluation describe_result(const Edition& edition, const Outcome& outcome, const Trace* trace);
api::Explanation describe_explanation(const Edition& edition, const Outcome& outcome, const Trace& trace);

}  // namespace kuan
