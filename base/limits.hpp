// The documented limits of Kuan (docs/language.md, "Limits"). Each one is
// enforced with a positioned error where the input crosses it, so that no rule
// file or facts document — however large, deep or hostile — can exhaust the
// stack, run in quadratic time or flood the terminal.
#pragma once

#include <cstddef>

namespace kuan::limits {

// Nesting depth, counted one way everywhere: every operator, call argument,
// 若/按 branch, 非, negation and pair of parentheses is one level, and an
// expression that reads a 定义 (or a fact's computed default) adds that
// definition's own depth. The parser, the checker and the evaluator all recurse
// over it, so this bounds their stack use.
inline constexpr int kMaxNesting = 200;

// 定义 per edition. Each takes a per-evaluation cache slot.
inline constexpr std::size_t kMaxDefinitions = 100000;

// Digits in one number, in a rule file or a facts document (integer and
// fraction digits together). Decimal conversion is superlinear in the length;
// this keeps reading and printing any accepted number in microseconds.
inline constexpr std::size_t kMaxNumberDigits = 4096;

// One rule file, and one line of it.
inline constexpr std::size_t kMaxFileBytes = 16u << 20;  // 16 MiB
inline constexpr std::size_t kMaxLineBytes = 64u << 10;  // 64 KiB

// One record (line) of a batch or allocation input; at a longer one reading
// stops, in bounded memory, with an error row (eval --batch) or error (allocate).
inline constexpr std::size_t kMaxBatchRecordBytes = 16u << 20;  // 16 MiB

// Diagnostics printed by one command; the rest are counted.
inline constexpr std::size_t kMaxDiagnosticsShown = 50;

// Display columns of source shown either side of a caret.
inline constexpr std::size_t kExcerptColumns = 60;

// Characters of an input value echoed back in a message.
inline constexpr std::size_t kEchoChars = 60;

}  // namespace kuan::limits
