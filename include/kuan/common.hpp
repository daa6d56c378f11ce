// Kuan (款) — what every public header shares: the export mark and a position
// in a text. Std-only, like every header of include/kuan/; included by the
// others, never needed on its own.
#pragma once

#include <string>

// KUAN_API marks what the shared library exports (everything else is hidden).
#ifndef KUAN_API
#if defined(__GNUC__) || defined(__clang__)
#define KUAN_API __attribute__((visibility("default")))
#else
#define KUAN_API
#endif
#endif

namespace kuan::api {

// A place in a rule file (or, for BadJson, in the JSON text). line and column
// are 1-based; columns count characters, not bytes. line == 0: no position.
struct Position {
  std::string file;
  int line = 0;
  int column = 0;
  bool known() const noexcept { return line > 0; }
};

// The line formats of batch input and output, for evaluation (batch_records.hpp)
// and allocation (allocator.hpp) alike.
enum class BatchFormat { Jsonl, Csv };

}  // namespace kuan::api
