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
#include "services/allocate.hpp"  // BatchFormat
#include "interpreter/policy.hpp"
#include "interpreter/result.hpp"

namespace kuan::batch {

struct Settings {
  const Policy* policy = nullptr;  // for a record's own "as_of"
  // The run's date (--as-of) for 施行 on measures and clauses; a record's own as_of wins. None: today.
  std::optional<std::int32_t> as_of;
  bool explain = false;
  bool pass_through = false;  // copy a line's other members into its result
  BatchFormat input = BatchFormat::Jsonl, output = BatchFormat::Jsonl;
  bool excel = false;  // CSV output starts with a UTF-8 BOM
  unsigned jobs = 1;   // threads (1: the caller's)
  // After each read: the records written so far and the bytes read.
  std::function<void(std::size_t written, std::uint64_t bytes_read)> progress;
  bool whole_only = false;  // a line naming a "measure" is a bad_line (POST /v1/match)
  // Each measure evaluated (its name and eligible, not_eligible, needs_facts
  // or error) and each bad record (an empty name and its code); called on
  // the evaluating threads.
  std::function<void(std::string_view measure, std::string_view outcome)> tally;
};

// Reads up to `size` bytes; returns how many (a short read is a pause in the
// input: the records complete so far are evaluated and written at once), 0 at
// the end, −1 on a read error.
using Reader = std::function<long(char* buffer, std::size_t size)>;
// Output, in input order, from one thread at a time; flush() after each group.
struct Output {
  std::function<void(std::string_view bytes)> write;
  std::function<void()> flush;  // may be empty
};

struct Summary {
  enum class Status { Ok, BadRecords, BadHeader, ReadError };
  Status status = Status::Ok;
  std::size_t records = 0;  // rows written (results and errors)
  std::size_t bad_records = 0;  // of them, errors
  std::size_t line = 0;     // BadHeader: the header's line
  std::string message;      // BadHeader: why
  std::vector<std::string> warnings;  // about the whole input (a CSV column that is not a fact)
};

Summary run(const Edition& edition, const Reader& read, const Output& out, const Settings& settings);

// One JSONL line of a batch appended to `out` as run() writes it (a result, or
// {"line","code","error"}), with '\n'; false for a bad line. Of `settings`:
// policy (not null), explain, pass_through, whole_only, tally.
bool jsonl_line(const Edition& edition, std::string_view line, std::size_t line_no, const Settings& settings,
                std::string& out);
inline bool jsonl_line(const Policy& policy, const Edition& edition, std::string_view line, std::size_t line_no,
                       bool explain, bool pass_through, std::string& out) {
  Settings settings;
  settings.policy = &policy;
  settings.explain = explain;
  settings.pass_through = pass_through;
  return jsonl_line(edition, line, line_no, settings, out);
}

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
