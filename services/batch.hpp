// Batch evaluation (`kuan eval --batch`, kuan.dask, include/kuan/batch.hpp):
// JSONL or CSV records in, one result or error row per record out, in input
// order. Records are read as they come, cut into blocks, evaluated on a pool
// of threads against the one shared, immutable edition and written in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/error_kind.hpp"
#include "interpreter/policy.hpp"
#include "interpreter/result.hpp"
#include "kuan/batch_records.hpp"  // the run's options and summary: the public records themselves

namespace kuan::batch {

// `options` as evaluate_batch takes them (kuan/batch_records.hpp); `jobs` 0:
// one thread per core, at most 64; `as_of`, when not empty, a valid date.
// `policy` gives a record's own "version" or "as_of" its edition.
// Reads with `read` (a short read is a pause: the records complete so far are
// evaluated and written at once) and writes in input order, one thread at a
// time. Of the summary's statuses, neither BadArgument nor Internal (the API's).
api::BatchSummary run(const Policy& policy, const Edition& edition, const api::BatchReader& read,
                      const api::BatchWriter& out, const api::BatchOptions& options);

// One JSONL line of a batch appended to `out` as run() writes it (a result, or
// {"line","code","error"}), with '\n'; false for a bad line. Of `options`:
// explain, pass_through, whole_application, as_of, tally.
bool jsonl_line(const Policy& policy, const Edition& edition, std::string_view line, std::size_t line_no,
                const api::BatchOptions& options, std::string& out);

// Why one application was not evaluated, as a stable code beside the message
// (docs/cli-json.md); line and column place a JSON syntax error in its text.
struct LineError {
  ErrorKind kind;  // its stable code: error_kind_code(kind)
  std::string message;
  std::size_t line = 0, column = 0;
};

// One application as `kuan eval --facts` takes it: `measure` on a JSON object
// of facts; appends its result (JSON, no newline; or text) to `out`.
std::optional<LineError> single(const Edition& edition, std::string_view measure, std::string_view facts_json,
                                bool explain, bool text, std::string& out, std::optional<std::int32_t> as_of = std::nullopt);

// A whole application (`kuan eval` without --measure): a JSON object of facts,
// every measure they concern (interpreter/application.hpp), or why not.
std::variant<api::ApplicationResult, LineError> whole(const Edition& edition, std::string_view facts_json, bool explain,
                                                 std::optional<std::int32_t> as_of = std::nullopt);

}  // namespace kuan::batch
