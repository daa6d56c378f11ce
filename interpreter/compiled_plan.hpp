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

// An operand names where a value is read: a register (≥ 0), a constant of the
// plan (kConstantRef | index into Program::constants) or a fact read in place
// from the application (kFactRef | slot: FactValues::fixed when given and
// fitting in 64 bits, else its constant default, Program::fact_default; given
// beyond 64 bits, or absent without a constant default, hands over). Facts are
// never copied into registers. `dst` is a register; a target is an index into
// Program::code.
constexpr std::int32_t kConstantRef = INT32_MIN;              // bit 31
constexpr std::int32_t kFactRef = INT32_MIN | (1 << 30);       // bits 31 and 30
constexpr std::int32_t kRefIndex = (1 << 30) - 1;
inline std::int32_t constant_ref(std::int32_t index) { return kConstantRef | index; }
inline std::int32_t fact_ref(std::int32_t slot) { return kFactRef | slot; }

enum class Op : std::uint8_t {
  Mov,     // dst ← a
  Given,   // dst ← fact slot a and jump to b when given (a computed default's code follows); beyond 64 bits: hand over
  Guard,   // dst ← fact slot a when given, else memo b (its computed default); given beyond 64 bits: hand over
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
  Rate,    // dst ← the measure's 比例 (segment plans; a flat plan computes it as a memo)
  Base,    // dst ← the measure's 基数 (likewise)
  MatchK,  // dst ← operand lists[b + a] (a 按 whose arms are all constants; c values)
  Match,   // jump to lists[b + a] (the arm's code; c values)
  Jmp,     // jump to a
  JmpZ,    // jump to b when a = 0
  JmpNZ,   // jump to b when a ≠ 0
  CmpJmp,  // jump to c when a `x` b (compare and branch in one)
  Choice,  // explanation: the 若 `expr` took branch x (only in the explaining plan)
  End,     // the segment's value is a
  // The steps of measure_steps.hpp, compiled into a flat plan:
  Need,    // a 需要 … 当 that applies: hand over unless fact slot a is given (the tree-walker words it)
  Fail,    // the a-th 要求 failed (recorded; the evaluation goes on to the next)
  Failed,  // stop when a 要求 failed (the outcome: not eligible)
  CapTo,   // cap c: room a (0 when negative); when less than the amount in register b, it becomes the amount
  CapLeft, // cap c: room a − b (its 不超过 − 已用; 0 when negative); when less than the amount in register dst, … the same
  Finish,  // the amount in register a: negative (x = 0: not 可为负) hands over; else rounded as the edition says — the end
  // Superinstructions: a comparison of operand a (a register or a fact) with a
  // constant held in the instruction (mantissa k, scale b) — a plain int64
  // compare when the scales agree, the exact aligned one otherwise.
  JmpK,    // jump to c when a `x` k
  NeedK,   // a 需要 … 当 a `x` k: when it holds, hand over unless fact slot c is given
  // a × a 按 whose arms are all constants, in one: dst ← a × arm_values[c + b]
  // (b the 按's subject; k values). An arm that is itself a 按 of constants
  // (over the fact in slot `to`) is a value marked kNested: the look-up goes
  // on in its table.
  MulMatchK,
  FailTo,  // the a-th 要求 failed: recorded, and on at c (the rest of the 要求, then Failed)
  Bail,    // what only the tree-walker evaluates (a division, a constant beyond 64 bits, a new kind)
};

struct Ins {
  Op op = Op::Bail;
  std::uint8_t x = 0;  // Cmp, CmpJmp: a comparison's mask (holds); Round: RoundingMode; Choice: held; JmpZ, JmpNZ: see specialize()
  // The machine's code for it: `op`, or one of its operand-kind variants (specialize()).
  std::uint16_t handler = 0;
  std::int32_t dst = -1, a = -1, b = -1, c = -1;
  // A jump's target (Given's b, Jmp's a, JmpZ's and JmpNZ's b, CmpJmp's,
  // JmpK's and FailTo's c) as a byte offset from this instruction
  // (resolve_handlers): the machine jumps with one add, not an index scaled
  // and added to the code's start. In what would be padding before `expr`.
  // MulMatchK: the nested 按s' subject, a fact's slot.
  std::int32_t to = 0;
  union {
    const ast::Expr* expr = nullptr;  // Match, MatchK, Choice: what a ChoiceTrace names
    std::int64_t k;                   // JmpK, NeedK: the constant's mantissa (its scale is b); MulMatchK: the values;
                                      // JmpZ, JmpNZ on a fact (x = 1): its constant default's mantissa
  };
  // The handler's address in the machine (resolve_handlers): each instruction
  // jumps to the next one's code straight from it, not through a table.
  const void* go = nullptr;
};

// Sets each instruction's `go` from its handler (compiled_run.cpp; called
// once the plan is specialized).
void resolve_handlers(std::vector<Ins>& code);

// Operand-kind variants: the ops below have one handler per kind of each
// operand read (register R, constant K, fact F), so that the machine reads an
// operand without first finding out what it is. specialize() picks the
// handler and leaves the operand a bare index. The machine's table of handlers
// follows this order (compiled_run.cpp).
#define KUAN_PLAN_BINARY(X) X(Add) X(Sub) X(Mul) X(Cmp) X(CmpJmp) X(CapLeft) X(MulMatchK)  // operands a and b: 9 variants each
#define KUAN_PLAN_UNARY(X) X(Mov) X(JmpZ) X(JmpNZ) X(MatchK) X(Match) X(CapTo) X(End)  // operand a: 3 each
// Operand a a register or a fact, against a constant; one handler per kind
// and per relation (the mask x: 1 <, 2 =, 3 ≤, 4 >, 5 ≠, 6 ≥), so that the
// common case is one compare and its branch.
#define KUAN_PLAN_AGAINST_CONSTANT(X) X(JmpK) X(NeedK)  // 2 × 6 variants each
enum class Kind : std::uint8_t { R, K, F };
inline Kind kind_of(std::int32_t ref) {
  return ref >= 0 ? Kind::R : (ref & kFactRef) == kFactRef ? Kind::F : Kind::K;
}
inline std::int32_t index_of(std::int32_t ref) { return ref >= 0 ? ref : ref & kRefIndex; }
constexpr std::uint16_t kGenericHandlers = static_cast<std::uint16_t>(Op::Bail) + 1;
#define KUAN_PLAN_COUNT(op) +1
constexpr std::uint16_t kBinaryOps = 0 KUAN_PLAN_BINARY(KUAN_PLAN_COUNT);
#undef KUAN_PLAN_COUNT
constexpr std::uint16_t kHandlers = kGenericHandlers + kBinaryOps * 9 + 3 * (0
#define KUAN_PLAN_COUNT(op) +1
    KUAN_PLAN_UNARY(KUAN_PLAN_COUNT)
#undef KUAN_PLAN_COUNT
    ) + 12 * (0
#define KUAN_PLAN_COUNT(op) +1
    KUAN_PLAN_AGAINST_CONSTANT(KUAN_PLAN_COUNT)
#undef KUAN_PLAN_COUNT
    );

// Program::fact_default's mark of a default that is another fact: kDefaultIsFact − its slot.
constexpr std::int32_t kDefaultIsFact = -2;

// Each instruction's handler, its operands bare indices where a variant reads
// them; a JmpZ or JmpNZ on a fact with a constant default holds that default's
// mantissa (x = 1, k: all the test reads of it).
inline void specialize(std::vector<Ins>& code, const std::vector<std::int32_t>& fact_default, const std::vector<Fx>& constants) {
  for (Ins& i : code) {
    if ((i.op == Op::JmpZ || i.op == Op::JmpNZ) && kind_of(i.a) == Kind::F) {
      const std::int32_t d = fact_default[static_cast<std::size_t>(index_of(i.a))];
      i.x = d >= 0 ? 1 : 0;
      if (d >= 0) i.k = constants[static_cast<std::size_t>(d)].m;
    }
    i.handler = static_cast<std::uint16_t>(i.op);
    std::uint16_t at = kGenericHandlers;
#define KUAN_PLAN_BINARY_CASE(name)                                                                         \
    if (i.op == Op::name) {                                                                                 \
      i.handler = static_cast<std::uint16_t>(at + 3 * static_cast<int>(kind_of(i.a)) + static_cast<int>(kind_of(i.b))); \
      i.a = index_of(i.a), i.b = index_of(i.b);                                                             \
      continue;                                                                                             \
    }                                                                                                       \
    at += 9;
    KUAN_PLAN_BINARY(KUAN_PLAN_BINARY_CASE)
#undef KUAN_PLAN_BINARY_CASE
#define KUAN_PLAN_UNARY_CASE(name)                                                    \
    if (i.op == Op::name) {                                                           \
      i.handler = static_cast<std::uint16_t>(at + static_cast<int>(kind_of(i.a)));    \
      i.a = index_of(i.a);                                                            \
      continue;                                                                       \
    }                                                                                 \
    at += 3;
    KUAN_PLAN_UNARY(KUAN_PLAN_UNARY_CASE)
#undef KUAN_PLAN_UNARY_CASE
#define KUAN_PLAN_AGAINST_CONSTANT_CASE(name)                                                                  \
    if (i.op == Op::name) {                                                                                  \
      i.handler = static_cast<std::uint16_t>(at + 6 * (kind_of(i.a) == Kind::F) + (i.x - 1));                \
      i.a = index_of(i.a);                                                                                   \
      continue;                                                                                              \
    }                                                                                                        \
    at += 12;
    KUAN_PLAN_AGAINST_CONSTANT(KUAN_PLAN_AGAINST_CONSTANT_CASE)
#undef KUAN_PLAN_AGAINST_CONSTANT_CASE
  }
}

// A segment: the code computing one expression of the measure. ≥ 0: its first
// instruction; kNone: not written; otherwise ~register (a value in a register
// without code: a memo's).
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
// The mask of b `x` a for a `x` b's (a < b is b > a).
inline std::uint8_t mirrored(std::uint8_t mask) {
  return static_cast<std::uint8_t>(((mask & 1) << 2) | (mask & 2) | ((mask >> 2) & 1));
}

// One plan: with or without the instructions that record an explanation.
// A flat plan (`flat`) holds the measure's steps too and runs from its first
// instruction to Finish (or Failed); a segment plan holds one segment per
// expression, and measure_steps.hpp's evaluate_in_order calls them in order
// (the explaining plan, and a measure with more 要求 than a flat plan counts).
struct Program {
  bool flat = false;
  std::vector<Ins> code;
  std::vector<Fx> constants;        // constant_ref(i) reads constants[i]
  std::vector<std::int32_t> lists;  // Match targets, MatchK operands, Min/Max arguments
  // MulMatchK's tables: per value of the 按's subject, its arm's constant
  // itself (not an operand to look up), or — no arm takes it — kNoArm: a
  // scale that no product fits (mul fails and hands over, the tree-walker's
  // error), so the look-up needs no check of its own.
  std::vector<Fx> arm_values;
  std::int32_t registers = 0;
  // Per fact slot: its constant default's index in `constants`; or, a default
  // that is another fact (itself without a default or with a constant one),
  // kDefaultIsFact − that fact's slot; or −1.
  std::vector<std::int32_t> fact_default;
  struct Memo {
    std::int32_t reg, entry;
  };
  std::vector<Memo> memos;  // fact defaults and definitions (and, in a flat plan, 比例 and 基数)
  // Segment plans: a condition is a segment, or (entry kTest) operands a and b compared.
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
  // Instructions that record a ChoiceTrace when explaining (Choice, Match,
  // MatchK): a list of choices is reserved to this at its first, not grown.
  std::int32_t choice_sites = 0;
};

constexpr Fx kNoArm{0, 1 << 20};  // beyond kMaxScale even added to any scale ≤ kMaxScale
// MulMatchK: an arm that is a nested 按 — m: its table's size << 32 | its
// index in arm_values. Its scale too is beyond any product's.
constexpr Fx kNested{0, 1 << 21};

// The most 要求 a flat plan records (one bit each).
constexpr std::size_t kFlatRequirements = 64;
// A plan with at most these registers and memos runs on the machine's stack.
constexpr std::size_t kInlineRegisters = 128, kInlineMemos = 64;

}  // namespace plan

struct CompiledMeasure {
  plan::Program plain, explaining;
  std::vector<int> must_have;  // facts the measure requires (missing_required_facts' rule)
  fixed::Fx step;                     // the edition's rounding
  RoundingMode rounding = RoundingMode::HalfUp;
  int places = 2;
  bool unit_step = false;  // the step is one unit of the last place (0.01 at 2 places): rounding needs no division by it
  // Set when the measure is built: no 校验 and no 施行 (nothing for
  // evaluate_measure to check before the plan), and the plain plan is flat and
  // fits the machine's stack — decide_flat may then decide it alone, into the
  // caller's Outcome.
  bool direct = false;
};

// Whether every fact the measure requires is given (inline: it is on every
// evaluation's path).
inline bool required_facts_given(const CompiledMeasure& p, const FactValues& facts) {
  for (const int slot : p.must_have)
    if (!facts.present[static_cast<std::size_t>(slot)]) return false;
  return true;
}

}  // namespace kuan
