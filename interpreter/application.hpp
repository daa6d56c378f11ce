// A whole application (`kuan eval` without --measure, a batch line without
// "measure", Edition::evaluate_all, POST /v1/match): every measure of the
// edition that reads at least one of the facts given, each evaluated on its
// own — a measure lacking facts says which, an evaluation error stays with
// its measure — sorted eligible, not eligible, needing facts, errors.
#pragma once

#include "interpreter/evaluator.hpp"
#include "interpreter/result.hpp"

namespace kuan {

api::ApplicationResult evaluate_application(const Edition& edition, const FactValues& facts, bool explain);

}  // namespace kuan
