// The flat plan of a measure (compiled.hpp), shared by its compiler
// (compiled.cpp) and the machine that runs it (compiled_run.cpp). Internal to
// the compiled form.
#pragma once

#include <cstdint>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/fixed.hpp"

namespace kuan {
namespace plan {

using fixed::Fx;

// Registers hold Fx values. `dst` is written; `a`, `b`, `c` are read as the
// comments say. A target is an index into Program::code.
enum class Op : std::uint8_t {
  Mov,     // dst ← a
  Guard,   // fact slot `a` into register dst when it is not given: its default (memo b), or hand over (b < 0)
  Ensure,  // memo a computed (once per evaluation)
  Has,     // dst ← fact slot a given
  Not,     // dst ← a = 0
  Neg,     // dst ← −a
  Abs,     // dst ← |a|
  Add,     // dst ← a + b
  Sub,     // dst ← a − b
  Mul,     // dst ← a × b
  Cmp,     // dst ← a `x` b
  Min,     // dst ← the least of lists[a …a+b)
  Max,     // dst ← the greatest of lists[a …a+b)
  Round,   // dst ← a rounded to step b, mode x
  Rate,    // dst ← the measure's 比例
  Base,    // dst ← the measure's 基数
  MatchK,  // dst ← register lists[b + a] (a 按 whose arms are all constants; c values)
  Match,   // jump to lists[b + a] (the arm's code; c values)
  Jmp,     // jump to a
  JmpZ,    // jump to b when a = 0
  JmpNZ,   // jump to b when a ≠ 0
  CmpJmp,  // jump to c when a `x` b (compare and branch in one)
  Choice,  // explanation: the 若 `expr` took branch x (only in the explaining plan)
  End,     // the segment's value is a
  Bail,    // what only the tree-walker evaluates (a division, a constant beyond 64 bits, a new kind)
};

struct Ins {
  Op op = Op::Bail;
  std::uint8_t x = 0;  // Cmp, CmpJmp: a comparison's mask (holds); Round: RoundingMode; Choice: held
  std::int32_t dst = -1, a = -1, b = -1, c = -1;
  const ast::Expr* expr = nullptr;  // Match, MatchK, Choice: what a ChoiceTrace names
};

// A segment: the code computing one expression of the measure. ≥ 0: its first
// instruction; kNone: not written; otherwise ~register (a value without code:
// a constant or a fact read as given).
constexpr std::int32_t kNone = INT32_MIN;
constexpr std::int32_t kTest = INT32_MIN + 1;  // a condition tested in place (Program::Test)

// A comparison as the outcomes (−1, 0, 1 of fixed::compare) for which it holds:
// bit c + 1.
inline std::uint8_t mask_of(ast::CompareOp op, bool positive) {
  std::uint8_t m = 0;
  switch (op) {
    case ast::CompareOp::Lt: m = 0b001; break;
    case ast::CompareOp::Le: m = 0b011; break;
    case ast::CompareOp::Gt: m = 0b100; break;
    case ast::CompareOp::Ge: m = 0b110; break;
    case ast::CompareOp::Eq: m = 0b010; break;
    case ast::CompareOp::Ne: m = 0b101; break;
  }
  return positive ? m : static_cast<std::uint8_t>(~m & 0b111);
}
inline bool holds(int c, std::uint8_t mask) { return (mask >> (c + 1)) & 1; }

// One flat plan: with or without the instructions that record an explanation.
struct Program {
  std::vector<Ins> code;
  std::vector<Fx> constants;        // registers [0, constants.size()), copied in at the start …
  std::vector<std::int64_t> constant_m;  // … as the machine keeps registers: mantissas
  std::vector<std::int32_t> constant_s;  // and scales apart (compiled_run.cpp, Registers)
  std::vector<std::int32_t> lists;  // Match targets, MatchK registers, Min/Max arguments
  std::int32_t registers = 0;
  // Facts read, loaded into their registers at the start (so reading one costs
  // nothing): given and fitting in 64 bits, or else their constant default.
  // One given that does not fit hands the evaluation over at once; one not
  // given with neither (可选, or a computed default) is read through Guard.
  struct Load {
    std::int32_t slot, reg, fallback;  // fallback: the default's register, or −1
    bool required;                     // given whenever the measure is evaluated
  };
  std::vector<Load> loads;
  struct Memo {
    std::int32_t reg, entry;
  };
  std::vector<Memo> memos;  // fact defaults and definitions
  // A condition: a segment, or (entry kTest) registers a and b compared.
  struct Test {
    std::int32_t entry = kNone, a = -1, b = -1;
    std::uint8_t mask = 0;
  };
  std::vector<Test> needs, requirements;
  std::int32_t rate = kNone, base = kNone, amount = kNone;
  struct Cap {
    Test when;
    std::int32_t limit = kNone, used = kNone;
  };
  std::vector<Cap> caps;  // parallel to MeasureInfo::caps
};

}  // namespace plan

struct CompiledMeasure {
  plan::Program plain, explaining;
  std::vector<int> must_have;  // facts the measure requires (missing_required_facts' rule)
  fixed::Fx step;                     // the edition's rounding
  RoundingMode rounding = RoundingMode::HalfUp;
  int places = 2;
};

}  // namespace kuan
