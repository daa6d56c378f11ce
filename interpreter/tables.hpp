// Load-time checks of tables whose entries are constants: a 累进 schedule whose
// bounds, rates and 速算扣除数 are literals or 参数 is checked once, when the
// edition is built, so `kuan check` reports a wrong quick deduction at the
// bracket instead of the first application that reaches it. (A table that
// reads facts is checked on each evaluation, by the evaluator.) A range table
// (按 X { 50万元(含) 以下 => … }) must have constant ends; its gaps, overlaps and
// unreachable arms are reported here, at the arm (stdlib/ranges).
#pragma once

#include <vector>

#include "base/source.hpp"
#include "lang/edition.hpp"

namespace kuan {

// Appends an error per inconsistent constant table; false if there was one.
bool check_constant_tables(const Edition& ed, std::vector<Diagnostic>& diagnostics);

}  // namespace kuan
