// Kuan (款) — the options of a batch run (kuan/batch.hpp: evaluate_batch,
// evaluate_batch_line) as data. Std-only: the batch service reads this very
// record (services/batch.hpp), so an option is written once, here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

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

}  // namespace kuan::api
