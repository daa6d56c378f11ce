// Kuan (款) — a batch run (kuan/batch.hpp: evaluate_batch, evaluate_batch_line)
// as data: its options, its input and output, its summary. Std-only: the batch
// service reads and fills these very records (services/batch.hpp), so each is
// written once, here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kuan::api {

enum class BatchFormat { Jsonl, Csv };

struct BatchProgress {
  std::size_t written = 0;        // rows written so far
  std::uint64_t bytes_read = 0;   // input bytes read so far
};

struct BatchOptions {
  BatchFormat input = BatchFormat::Jsonl;
  BatchFormat output = BatchFormat::Jsonl;
  bool explain = false;       // JSONL output: each result with its "explanation"
  bool pass_through = false;  // JSONL input: a line's other members are copied into its row (else an error)
  bool excel = false;         // CSV output starts with a UTF-8 BOM (for Chinese Excel)
  unsigned jobs = 0;          // threads; 0: one per core (at most 64)
  // Called on the reading thread after each read of the input.
  std::function<void(const BatchProgress&)> progress;
  // JSONL: a line naming a "measure" is a bad_line (every line is a whole application).
  bool whole_application = false;
  // The applications' date, "YYYY-MM-DD" (a line's own "as_of" wins): which measures are
  // in force (施行 on a measure or clause). Empty: today in China (UTC+8).
  std::string as_of;
  // Called for each measure evaluated, with its name and "eligible",
  // "not_eligible", "needs_facts" or "error", and for each bad record, with an
  // empty name and its code; on the evaluating threads (it must be thread-safe).
  std::function<void(std::string_view measure, std::string_view outcome)> tally;
};

enum class BatchStatus {
  Ok = 0,
  BadRecords = 1,  // some rows are errors (every record still has its row)
  BadHeader = 2,   // the CSV header was refused: nothing was evaluated
  ReadError = 3,   // reading the input failed part way
  BadArgument = 4, // options that do not go together (e.g. explain with CSV output)
  Internal = 5,    // out of memory or another unexpected failure
};

struct BatchSummary {
  BatchStatus status = BatchStatus::Ok;
  std::size_t written = 0;  // rows written
  std::size_t bad = 0;      // of them, bad records (BadRecords)
  std::size_t line = 0;     // BadHeader: the header's line
  std::string message;      // why, for every status but Ok and BadRecords
  std::vector<std::string> warnings;  // about the whole input, for people (a CSV column that is not a fact)
};

// Reads up to `size` bytes into `buffer`; returns how many, 0 at the end of
// the input, −1 on a read error. A short count is a pause in the input: the
// records complete so far are evaluated and written at once (a pipe's first
// results appear before it ends).
using BatchReader = std::function<long(char* buffer, std::size_t size)>;
// Receives the output in input order, one piece at a time; `flush` (may be
// empty) after each group of pieces.
struct BatchWriter {
  std::function<void(std::string_view bytes)> write;
  std::function<void()> flush;
};

}  // namespace kuan::api
