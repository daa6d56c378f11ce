// Kuan (款) — batch evaluation, as `kuan eval --batch` runs it.
//
//   kuan::api::BatchOptions options;             // JSONL in and out, all cores
//   auto summary = kuan::api::evaluate_batch(policy, edition, std::cin, std::cout, options);
//   if (summary.status != kuan::api::BatchStatus::Ok) …
//
// Each input record is one application: a JSONL line {"id": …, "measure": …,
// "facts": {…}} (optionally "as_of": "YYYY-MM-DD", evaluated in the edition in
// force that day, or "version": "2025年版", that edition; "explain": true, the
// result with its explanation; without "measure", every measure the facts
// concern, as one object {"id", "version", "results": […]}), or a CSV record under a header of measure, id, as_of and
// fact names. Each gives one output row, in input order: the result as
// `kuan eval` prints it, or {"id","line","code","error"} for a bad record
// (docs/cli-json.md); the other records are evaluated as usual. Records are
// evaluated on `jobs` threads; a Policy's editions are shared, not copied.
//
// This header stands alone: it includes only the standard library, <kuan/kuan.hpp>
// and <kuan/batch_records.hpp>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "kuan/batch_records.hpp"  // BatchOptions, BatchSummary, BatchReader, BatchWriter
#include "kuan/kuan.hpp"

namespace kuan::api {

KUAN_API BatchSummary evaluate_batch(const Policy& policy, const Edition& edition, const BatchReader& read,
                                     const BatchWriter& write, const BatchOptions& options = {});
// The same over streams (`in` is read in large pieces: a pipe's results come as those fill).
KUAN_API BatchSummary evaluate_batch(const Policy& policy, const Edition& edition, std::istream& in, std::ostream& out,
                                     const BatchOptions& options = {});

// One JSONL line of a batch appended to `out` exactly as evaluate_batch writes
// it (a result or an error row, with '\n'); false for a bad line. `line_no`
// is the number its error row names. For hosts that split the input themselves
// (kuan.dask, kuan serve). Only `explain`, `pass_through`, `whole_application`,
// `as_of` and `tally` of `options` apply.
KUAN_API bool evaluate_batch_line(const Policy& policy, const Edition& edition, std::string_view line,
                                  std::size_t line_no, const BatchOptions& options, std::string& out);

// Why one application (evaluate_facts_json) was not evaluated: the code a
// batch row would carry, and the message. line/column: a JSON syntax error's
// place in the text (0 otherwise).
struct ApplicationError {
  std::string code;  // bad_line, unknown_measure, unknown_fact, bad_fact, missing_fact, evaluation_error, invalid_application
  std::string message;
  std::size_t line = 0, column = 0;
};

enum class ResultFormat { Json, Text };

// One application as `kuan eval --facts` takes it (the same messages as a
// batch row): `measure` on a JSON object of facts. Appends the result as
// to_json/to_text would print it (JSON without a newline) to `out`, or returns why not.
KUAN_API std::optional<ApplicationError> evaluate_facts_json(const Edition& edition, std::string_view measure,
                                                             std::string_view facts_json, bool explain,
                                                             ResultFormat format, std::string& out,
                                                             std::string_view as_of = {});

// A whole application as `kuan eval --facts` without --measure takes it: every
// measure the JSON object of facts concerns (ApplicationResult), appended as
// to_json/to_text would print it (JSON without a newline), or why not. A batch
// line without "measure" gives the same object, with its "id", on one line.
KUAN_API std::optional<ApplicationError> evaluate_application_json(const Edition& edition, std::string_view facts_json,
                                                                   bool explain, ResultFormat format, std::string& out,
                                                                   std::string_view as_of = {});

}  // namespace kuan::api
