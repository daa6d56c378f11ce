// The machine of the compiled form (compiled.hpp): runs a measure's flat plan
// (compiled_plan.hpp) under the steps of measure_steps.hpp, handing anything it
// cannot decide exactly in 64 bits to the tree-walker.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

#include "interpreter/compiled.hpp"
#include "interpreter/compiled_plan.hpp"
#include "interpreter/measure_steps.hpp"

namespace kuan {

using fixed::Fx;
using namespace plan;

namespace {

// Thrown to hand the evaluation to the tree-walker; never escapes run_compiled.
struct Bail {};
[[noreturn, gnu::cold, gnu::noinline]] void bail() { throw Bail{}; }

// A fact operand not given (or given beyond 64 bits): its default — a constant
// of the plan, or another fact read in place (given, else its own constant
// default; Program::fact_default) — or hand over. Inline, and calling nothing
// that returns, so the machine's state stays in registers across it.
[[gnu::always_inline]] inline Fx default_value(std::int32_t slot, const unsigned char* P, const Fx* F, const Fx* K, const std::int32_t* D) {
  std::int32_t d = D[slot];
  if (P[slot]) bail();  // given beyond 64 bits
  if (d <= kDefaultIsFact) {
    const std::int32_t other = kDefaultIsFact - d;
    if (P[other] & FactValues::kFits) return F[other];
    if (P[other]) bail();
    d = D[other];
  }
  if (d < 0) bail();
  return K[d];
}

// A register: a value as its two fields, always written and read as them —
// never copied whole as an Fx, which could be one 16-byte load over two
// narrower stores, which the processor cannot forward (a stall of a dozen
// cycles on nearly every read). No initializers: the machine's registers are
// raw storage, each written before it is read.
struct Reg {
  std::int64_t m;
  std::int32_t s;
};

// The operands (compiled_plan.hpp): registers, the plan's constants and the
// application's facts, read in place (constants and facts are written long
// before they are read). One array of registers, not two of mantissas and
// scales: one pointer less for the machine to keep in a processor register.
struct Registers {
  Reg* r;
  const Fx* constants;
  const Fx* facts;
  const unsigned char* present;
  const std::int32_t* fact_default;
  Fx operator[](std::int32_t ref) const {
    if (ref >= 0) return {r[ref].m, r[ref].s};
    const std::int32_t i = ref & kRefIndex;
    if (!(ref & (1 << 30))) return constants[i];
    if (present[i] & FactValues::kFits) [[likely]] return facts[i];
    return absent(i, present, facts, constants, fact_default);
  }
  // A fact not given (or beyond 64 bits) read as an operand: its default, or
  // hand over. Out of line: the reads stay short where they are inlined
  // (inlined whole, the machine's registers spill and it runs slower). Static:
  // a Registers is a bundle of locals, never an object in memory.
  [[gnu::noinline, gnu::cold]] static Fx absent(std::int32_t slot, const unsigned char* P, const Fx* F, const Fx* K,
                                                const std::int32_t* D) {
    return default_value(slot, P, F, K, D);
  }
  void set(std::int32_t ref, Fx x) const {
    r[ref].m = x.m;
    r[ref].s = x.s;
  }
};

// ---------------------------------------------------------------- machine
// Runs a plan's segments; the compiled form's side of measure_steps.hpp.
class Machine {
 public:
  using Number = Fx;

  // What only a segment plan keeps (比例 and 基数 once computed; a flat
  // plan's are memos): kept out of the Machine, so a flat plan's run does not
  // initialise it (fewer stores on every evaluation).
  struct SegmentState {
    ChoiceList* rate_choices = nullptr;  // where 比例's choices go while explaining
    bool computing_rate = false, computing_base = false;
    std::optional<Fx> rate, base;
  };

  // `segment`: null for a flat plan.
  Machine(const Program& p, const CompiledMeasure& cm, const MeasureInfo& info, const FactValues& facts, Reg* regs,
          unsigned char* done, SegmentState* segment)
      : p_(p), cm_(cm), info_(info), facts_(facts), regs_(regs), done_(done), seg_(segment) {}

  // A flat plan, from its first instruction: its decision written into `d`
  // where Finish or Failed ends it — the amount, rounded, and the cap that
  // bound it, or which 要求 failed (one bit each) — each field stored once, as
  // it is read (no value copied whole between the machine and its caller).
  void run_flat(FlatDecision& d) {
    decision_ = &d;
    run(0);
  }

  bool need_applies(std::size_t k) { return test(p_.needs[k]); }
  void need_facts(std::size_t k) {
    for (const int slot : info_.conditional_needs[k])
      if (!facts_.present[static_cast<std::size_t>(slot)]) bail();  // the tree-walker words it
  }
  std::optional<bool> requirement(std::size_t i, bool) { return test(p_.requirements[i]); }
  const FactValues& given() const { return facts_; }
  Fx amount(ChoiceList* choices) {
    choices_ = choices;
    const Fx a = segment(p_.amount);
    choices_ = nullptr;
    return a;
  }
  Fx rate() {
    SegmentState& g = *seg_;
    if (g.rate) return *g.rate;
    if (p_.rate == kNone || g.computing_rate) bail();
    g.computing_rate = true;
    auto* saved = choices_;
    choices_ = g.rate_choices;
    g.rate = segment(p_.rate);
    choices_ = saved;
    g.computing_rate = false;
    return *g.rate;
  }
  Fx base() {
    SegmentState& g = *seg_;
    if (g.base) return *g.base;
    if (p_.base == kNone || g.computing_base) bail();
    g.computing_base = true;
    auto* saved = choices_;
    choices_ = nullptr;  // as the tree-walker: 基数's choices are not explained
    g.base = segment(p_.base);
    choices_ = saved;
    g.computing_base = false;
    return *g.base;
  }
  static Fx times(Fx a, Fx b) {
    Fx r;
    if (!fixed::mul(a, b, r)) bail();
    return r;
  }
  std::optional<Decimal> traced_rate() const { return seg_->rate ? std::optional(fixed::to_decimal(*seg_->rate)) : std::nullopt; }
  std::optional<Decimal> traced_base() const { return seg_->base ? std::optional(fixed::to_decimal(*seg_->base)) : std::nullopt; }
  bool cap_applies(std::size_t i) { return test(p_.caps[i].when); }
  Fx cap_limit(std::size_t i) { return segment(p_.caps[i].limit); }
  Fx cap_used(std::size_t i) { return segment(p_.caps[i].used); }
  static Fx minus(Fx a, Fx b) {
    Fx r;
    if (!fixed::sub(a, b, r)) bail();
    return r;
  }
  static int sign(Fx x) { return (x.m > 0) - (x.m < 0); }
  static bool less(Fx a, Fx b) { return fixed::compare(a, b) < 0; }
  static Fx zero() { return {0, 0}; }  // as Decimal(): zero at scale 0
  static Decimal decimal(Fx x) { return fixed::to_decimal(x); }
  [[noreturn]] static void negative(Fx) { bail(); }  // an error in the rule: the tree-walker says where
  Decimal rounded(Fx amount) const {
    Fx r;
    round(amount, r.m, r.s);
    return fixed::to_decimal(r);
  }

 private:
  // The amount rounded as the edition says, into m and s. Inline: once per
  // evaluation, at the end, where a call would make the machine keep its state
  // on the stack; and the result goes out as its two fields (a flat plan's
  // straight into its FlatDecision), never as one 16-byte Fx read back just
  // after being written as two narrower halves (a store-forwarding stall).
  [[gnu::always_inline]] void round(Fx amount, std::int64_t& m, std::int32_t& s) const {
    if (cm_.unit_step) [[likely]] {  // to whole 分 (or whatever the places are): no division by 1
      const int places = cm_.places;
      std::int64_t r;
      bool ok;
      if (amount.s <= places)
        ok = !__builtin_mul_overflow(amount.m, fixed::kPow10[places - amount.s], &r);
      else if (cm_.rounding == RoundingMode::HalfUp) [[likely]]
        ok = fixed::round_half_up_places(amount.m, amount.s - places, r);
      else
        ok = fixed::round_places(amount.m, amount.s - places, cm_.rounding, r);
      if (!ok) bail();
      m = r, s = places;
      return;
    }
    Fx r;
    if (!fixed::round_to_step(amount, cm_.step, cm_.rounding, r) || !fixed::rescaled(r, cm_.places, r)) bail();
    m = r.m, s = r.s;
  }
  // Whether fact slot `slot` is read in place: given and fitting; given beyond 64 bits hands over.
  bool given_fitting(std::int32_t slot) const {
    const unsigned char state = facts_.present[static_cast<std::size_t>(slot)];
    if (state & FactValues::kFits) return true;
    if (state) bail();
    return false;
  }
  bool test(const Program::Test& t) {
    if (t.entry == kTest) return holds(fixed::compare(operands()[t.a], operands()[t.b]), t.mask);
    return segment(t.entry).m != 0;
  }
  Fx segment(std::int32_t s) {
    if (s >= 0) return run(s);
    if (s == kNone) bail();
    return operands()[~s];
  }
  Fx run(std::int32_t pc);
 public:
  // The handlers' addresses, in kHandlers' order (resolve_handlers).
  static constexpr std::int32_t kHandlerTable = -1;
  const void* const* handlers() {
    run(kHandlerTable);
    return handlers_;
  }

 private:
  const void* const* handlers_;  // set by run(kHandlerTable), read only after it
  void ensure(std::int32_t memo) {
    const auto m = static_cast<std::size_t>(memo);
    if (done_[m] == 1) return;
    if (done_[m] == 2) bail();  // being computed: the checker rejects cycles; guard anyway
    done_[m] = 2;
    operands().set(p_.memos[m].reg, run(p_.memos[m].entry));
    done_[m] = 1;
  }
  std::int32_t arm(const Ins& i, Fx subject) {
    if (choices_) [[unlikely]] record({i.expr, false, static_cast<int>(subject.m), {}});
    if (subject.m < 0 || subject.m >= i.c) bail();
    const std::int32_t to = p_.lists[static_cast<std::size_t>(i.b + subject.m)];
    if (to == -1) bail();  // no arm takes it: the tree-walker's error (MatchK's operands are constants: < 0 but not −1)
    return to;
  }

  // Out of line: a call on the machine's hot path makes GCC keep its state on
  // the stack (the explaining plan alone records choices).
  // Past a list's own room, room for all the plan may record (one allocation, not doublings).
  [[gnu::noinline]] void record(ChoiceTrace&& c) {
    if (choices_->size() == choices_->capacity())
      choices_->reserve(std::max(static_cast<std::size_t>(p_.choice_sites), 2 * choices_->size()));
    choices_->push_back(std::move(c));
  }
  const Program& p_;
  const CompiledMeasure& cm_;
  const MeasureInfo& info_;
  const FactValues& facts_;
  Reg* regs_;
  // The operands as the generic ops read them (built where used: no copy of
  // the plan's and the facts' pointers kept in the machine, nor in run()'s frame).
  Registers operands() const {
    return {regs_, p_.constants.data(), facts_.fixed.data(), facts_.present.data(), p_.fact_default.data()};
  }
  unsigned char* done_;  // per memo: 0 not yet, 2 being computed, 1 done
  ChoiceList* choices_ = nullptr;  // where 若/按 choices go while explaining
  SegmentState* seg_;              // a segment plan's 比例 and 基数; null for a flat plan
  // A flat plan's decision, written as it runs: the failed 要求 (one bit
  // each) and the cap that bound the amount straight into it (it starts as
  // FlatDecision{}: nothing failed, no cap), no copy kept in the Machine.
  FlatDecision* decision_ = nullptr;
};

// Threaded dispatch (GCC's and Clang's labels as values): each instruction
// jumps to the next one's code from its own indirect jump, which the processor
// predicts per site — one shared jump (a switch in a loop) mispredicts most.
Fx Machine::run(std::int32_t pc) {
  // An op with operand-kind variants is never run as itself (specialize()
  // gave it a variant): its own entry hands over, should one ever be reached.
  static const void* const kCode[] = {
      &&op_bail, &&op_given,   &&op_guard,  &&op_ensure, &&op_has,   &&op_not,     &&op_neg,
      &&op_abs,  &&op_bail,    &&op_bail,    &&op_bail,   &&op_bail,   &&op_min,   &&op_max,     &&op_round,
      &&op_rate, &&op_base,    &&op_bail,    &&op_bail,   &&op_jmp,    &&op_bail,  &&op_bail,    &&op_bail,
      &&op_choice, &&op_bail,  &&op_need,    &&op_fail,   &&op_failed, &&op_bail,  &&op_bail,    &&op_finish,
      &&op_bail,   &&op_bail,  &&op_bail,  &&op_fail_to, &&op_bail,
#define KUAN_VARIANTS9(op) &&op##_RR, &&op##_RK, &&op##_RF, &&op##_KR, &&op##_KK, &&op##_KF, &&op##_FR, &&op##_FK, &&op##_FF,
#define KUAN_VARIANTS3(op) &&op##_R, &&op##_K, &&op##_F,
#define KUAN_VARIANTS12(op) &&op##_R1, &&op##_R2, &&op##_R3, &&op##_R4, &&op##_R5, &&op##_R6, \
                            &&op##_F1, &&op##_F2, &&op##_F3, &&op##_F4, &&op##_F5, &&op##_F6,
      KUAN_PLAN_BINARY(KUAN_VARIANTS9) KUAN_PLAN_UNARY(KUAN_VARIANTS3) KUAN_PLAN_AGAINST_CONSTANT(KUAN_VARIANTS12)
#undef KUAN_VARIANTS9
#undef KUAN_VARIANTS3
#undef KUAN_VARIANTS12
  };
  static_assert(sizeof kCode / sizeof kCode[0] == kHandlers, "one label per Op, in Op's order, then the variants");
  if (pc == kHandlerTable) [[unlikely]] {  // resolve_handlers asks where the handlers are
    handlers_ = kCode;
    return {};
  }
  const Fx* const K = p_.constants.data();
  const Fx* const F = facts_.fixed.data();
  const unsigned char* const P = facts_.present.data();
  const std::int32_t* const D = p_.fact_default.data();
  const Fx* const V = p_.arm_values.data();
  const Ins* const code = p_.code.data();
  const Ins* next = code + pc;  // the instruction after the current one, or a jump's target
  Reg* const Rg = regs_;
  const Ins* i;
  // `r`, computed by the call, into the destination — or hand over when the
  // call says it is not exact. Each handler's own `r`: one variable of the
  // whole function would live on the stack, its scale stored on every op.
#define KUAN_RESULT(...)                \
  do {                                  \
    Fx r;                               \
    if (!(__VA_ARGS__)) bail();         \
    Rg[i->dst].m = r.m, Rg[i->dst].s = r.s; \
  } while (false)
  // A jump's target: `to` bytes from the jump (Ins::to), one add.
  const auto target = [](const Ins* jump) {
    return reinterpret_cast<const Ins*>(reinterpret_cast<const char*>(jump) + jump->to);
  };
// A label attribute is GCC's; clang (the fuzz build) would warn that it ignores it.
#if defined(__clang__)
#define KUAN_COLD_LABEL
#else
#define KUAN_COLD_LABEL __attribute__((cold))
#endif
#define KUAN_NEXT()                                     \
  do {                                                  \
    i = next++;                                         \
    goto* i->go;                                        \
  } while (false)
  KUAN_NEXT();
  // The ops marked cold are those a usual plain plan does not run (memos read
  // in more than one place, 若 and 按 values not carried into the amount,
  // built-ins, the explaining plan's Choice): so marked, GCC keeps the hot
  // ops' pointers (the facts', the registers') in processor registers across
  // the whole machine rather than on the stack, reloaded by every fact read —
  // its allocation is otherwise at the mercy of any change to a cold op.
  // They read their operands through operands() (built where used, no copy
  // of the pointers stored in this frame on every run).
op_given:
  if (given_fitting(i->a)) {
    Rg[i->dst].m = F[i->a].m, Rg[i->dst].s = F[i->a].s;
    next = target(i);
  }
  KUAN_NEXT();
op_guard: KUAN_COLD_LABEL;
  if (given_fitting(i->a)) {
    operands().set(i->dst, operands()[fact_ref(i->a)]);
  } else {
    ensure(i->b);
    operands().set(i->dst, operands()[p_.memos[static_cast<std::size_t>(i->b)].reg]);
  }
  KUAN_NEXT();
op_ensure: KUAN_COLD_LABEL;
  ensure(i->a);
  KUAN_NEXT();
op_has: KUAN_COLD_LABEL;
  operands().set(i->dst, Fx{facts_.present[static_cast<std::size_t>(i->a)] ? 1 : 0, 0});
  KUAN_NEXT();
op_not: KUAN_COLD_LABEL;
  operands().set(i->dst, Fx{operands()[i->a].m == 0 ? 1 : 0, 0});
  KUAN_NEXT();
op_neg: KUAN_COLD_LABEL;
  KUAN_RESULT(fixed::neg(operands()[i->a], r));
  KUAN_NEXT();
op_abs: KUAN_COLD_LABEL;
  KUAN_RESULT(operands()[i->a].m >= 0 ? (r = operands()[i->a], true) : fixed::neg(operands()[i->a], r));
  KUAN_NEXT();
op_min: KUAN_COLD_LABEL;
op_max: {
  const std::int32_t* args = p_.lists.data() + i->a;
  Fx best = operands()[args[0]];
  for (std::int32_t k = 1; k < i->b; ++k) {
    const Fx v = operands()[args[k]];
    const int c = fixed::compare(v, best);
    if (i->op == Op::Min ? c < 0 : c > 0) best = v;
  }
  operands().set(i->dst, best);
  KUAN_NEXT();
}
op_round: KUAN_COLD_LABEL; {
  const Fx step = operands()[i->b];
  KUAN_RESULT(step.m > 0 && fixed::round_to_step(operands()[i->a], step, static_cast<RoundingMode>(i->x), r));
  KUAN_NEXT();
}
op_rate: KUAN_COLD_LABEL;
  operands().set(i->dst, rate());
  KUAN_NEXT();
op_base: KUAN_COLD_LABEL;
  operands().set(i->dst, base());
  KUAN_NEXT();
op_jmp:
  next = target(i);
  KUAN_NEXT();
op_choice: KUAN_COLD_LABEL;
  if (choices_) record({i->expr, i->x != 0, -1, {}});
  KUAN_NEXT();
op_need:
  if (!facts_.present[static_cast<std::size_t>(i->a)]) bail();  // the tree-walker words it
  KUAN_NEXT();
op_fail:
  decision_->failed |= std::uint64_t{1} << i->a;
  KUAN_NEXT();
op_failed:
  if (decision_->failed) return {};
  KUAN_NEXT();
op_fail_to:
  decision_->failed |= std::uint64_t{1} << i->a;
  next = target(i);
  KUAN_NEXT();
op_finish: {
  const Fx amount{Rg[i->a].m, Rg[i->a].s};  // the amount's register (steps())
  if (amount.m < 0 && !i->x) bail();  // an error in the rule: the tree-walker says where
  round(amount, decision_->amount, decision_->scale);
  return {};
}
op_bail:
  bail();

  // The operand-kind variants (compiled_plan.hpp): A and B read as the kinds say.
#define KUAN_READ_R(x) Fx{Rg[x].m, Rg[x].s}
#define KUAN_READ_K(x) K[x]
#define KUAN_READ_F(x) (__builtin_expect(P[x] & FactValues::kFits, 1) ? F[x] : default_value(x, P, F, K, D))
#define KUAN_BINARY(op, ka, kb, ...)       \
  op##_##ka##kb : {                         \
    const Fx A = KUAN_READ_##ka(i->a);      \
    const Fx B = KUAN_READ_##kb(i->b);      \
    __VA_ARGS__                             \
  }                                         \
  KUAN_NEXT();
#define KUAN_BINARY9(op, ...)                                                                               \
  KUAN_BINARY(op, R, R, __VA_ARGS__) KUAN_BINARY(op, R, K, __VA_ARGS__) KUAN_BINARY(op, R, F, __VA_ARGS__)  \
  KUAN_BINARY(op, K, R, __VA_ARGS__) KUAN_BINARY(op, K, K, __VA_ARGS__) KUAN_BINARY(op, K, F, __VA_ARGS__)  \
  KUAN_BINARY(op, F, R, __VA_ARGS__) KUAN_BINARY(op, F, K, __VA_ARGS__) KUAN_BINARY(op, F, F, __VA_ARGS__)
#define KUAN_UNARY(op, ka, ...)        \
  op##_##ka : {                        \
    const Fx A = KUAN_READ_##ka(i->a); \
    __VA_ARGS__                        \
  }                                    \
  KUAN_NEXT();
#define KUAN_UNARY3(op, ...) KUAN_UNARY(op, R, __VA_ARGS__) KUAN_UNARY(op, K, __VA_ARGS__) KUAN_UNARY(op, F, __VA_ARGS__)

  KUAN_BINARY9(Add, KUAN_RESULT(fixed::add(A, B, r));)
  KUAN_BINARY9(Sub, KUAN_RESULT(fixed::sub(A, B, r));)
  KUAN_BINARY9(Mul, KUAN_RESULT(fixed::mul(A, B, r));)
  KUAN_BINARY9(Cmp, Rg[i->dst].m = holds(fixed::compare(A, B), i->x) ? 1 : 0, Rg[i->dst].s = 0;)
  KUAN_BINARY9(CmpJmp, if (holds(fixed::compare(A, B), i->x)) next = target(i);)
  KUAN_BINARY9(CapLeft, {
    Fx room;
    if (!fixed::sub(A, B, room)) bail();
    if (room.m < 0) room = {0, 0};  // no room: zero at scale 0, as Decimal()
    if (fixed::compare(room, KUAN_READ_R(i->dst)) < 0) Rg[i->dst].m = room.m, Rg[i->dst].s = room.s, decision_->bound = i->c;
  })
  KUAN_BINARY9(MulMatchK, {  // A × the constant arm B takes (kNoArm when none: mul fails, the tree-walker's error)
    if (static_cast<std::uint64_t>(B.m) >= static_cast<std::uint64_t>(i->k)) bail();
    const Fx* arm = &V[i->c + B.m];
    if (arm->s == kNested.s) {  // a nested 按: the arm its subject (the fact slot `to`) takes in its table
      const std::int64_t v = KUAN_READ_F(i->to).m;
      if (static_cast<std::uint64_t>(v) >= static_cast<std::uint64_t>(arm->m >> 32)) bail();
      arm = &V[(arm->m & 0xffffffff) + v];
    }
    KUAN_RESULT(fixed::mul(A, {arm->m, arm->s}, r));
  })
  KUAN_UNARY3(Mov, Rg[i->dst].m = A.m, Rg[i->dst].s = A.s;)
  // JmpZ and JmpNZ on a fact: when it is absent and its default a constant,
  // the default's mantissa is the instruction's own (x = 1, k; specialize()),
  // read without looking the default up — most often a 布尔 = 否 not given.
#define KUAN_TRUTH_F(slot)                                                                   \
  (__builtin_expect(P[slot] & FactValues::kFits, 1) ? F[slot].m                             \
   : i->x && !P[slot]                               ? i->k                                  \
                                                    : default_value(slot, P, F, K, D).m)
  KUAN_UNARY(JmpZ, R, if (A.m == 0) next = target(i);)
  KUAN_UNARY(JmpZ, K, if (A.m == 0) next = target(i);)
JmpZ_F:
  if (KUAN_TRUTH_F(i->a) == 0) next = target(i);
  KUAN_NEXT();
  KUAN_UNARY(JmpNZ, R, if (A.m != 0) next = target(i);)
  KUAN_UNARY(JmpNZ, K, if (A.m != 0) next = target(i);)
JmpNZ_F:
  if (KUAN_TRUTH_F(i->a) != 0) next = target(i);
  KUAN_NEXT();
#undef KUAN_TRUTH_F
  KUAN_UNARY3(MatchK, {  // every arm a constant
    const Fx v = K[arm(*i, A) & kRefIndex];
    Rg[i->dst].m = v.m, Rg[i->dst].s = v.s;
  })
  KUAN_UNARY3(Match, next = code + arm(*i, A);)
  KUAN_UNARY3(CapTo, {
    Fx room = A;
    if (room.m < 0) room = {0, 0};  // no room: zero at scale 0, as Decimal()
    if (fixed::compare(room, KUAN_READ_R(i->b)) < 0) Rg[i->b].m = room.m, Rg[i->b].s = room.s, decision_->bound = i->c;
  })
  KUAN_UNARY3(End, return A;)

  // Against a constant: `held` is A `x` the constant, one int64 compare when
  // the scales agree (the relation is the handler's own), else exact.
#define KUAN_RELATION_1(x, y) ((x) < (y))
#define KUAN_RELATION_2(x, y) ((x) == (y))
#define KUAN_RELATION_3(x, y) ((x) <= (y))
#define KUAN_RELATION_4(x, y) ((x) > (y))
#define KUAN_RELATION_5(x, y) ((x) != (y))
#define KUAN_RELATION_6(x, y) ((x) >= (y))
#define KUAN_AGAINST(op, ka, rel, ...)                                                                            \
  op##_##ka##rel : {                                                                                             \
    const Fx A = KUAN_READ_##ka(i->a);                                                                           \
    const bool held = __builtin_expect(A.s == i->b, 1) ? KUAN_RELATION_##rel(A.m, i->k)                         \
                                                       : holds(fixed::compare(A, Fx{i->k, i->b}), i->x);        \
    __VA_ARGS__                                                                                                  \
  }                                                                                                              \
  KUAN_NEXT();
#define KUAN_AGAINST6(op, ka, ...)                                                                     \
  KUAN_AGAINST(op, ka, 1, __VA_ARGS__) KUAN_AGAINST(op, ka, 2, __VA_ARGS__) KUAN_AGAINST(op, ka, 3, __VA_ARGS__) \
  KUAN_AGAINST(op, ka, 4, __VA_ARGS__) KUAN_AGAINST(op, ka, 5, __VA_ARGS__) KUAN_AGAINST(op, ka, 6, __VA_ARGS__)
#define KUAN_AGAINST12(op, ...) KUAN_AGAINST6(op, R, __VA_ARGS__) KUAN_AGAINST6(op, F, __VA_ARGS__)
  KUAN_AGAINST12(JmpK, if (held) next = target(i);)
  KUAN_AGAINST12(NeedK, if (held && !P[i->c]) bail();)  // the tree-walker words the missing fact
#undef KUAN_RELATION_1
#undef KUAN_RELATION_2
#undef KUAN_RELATION_3
#undef KUAN_RELATION_4
#undef KUAN_RELATION_5
#undef KUAN_RELATION_6
#undef KUAN_AGAINST
#undef KUAN_AGAINST6
#undef KUAN_AGAINST12
#undef KUAN_READ_R
#undef KUAN_READ_K
#undef KUAN_READ_F
#undef KUAN_BINARY
#undef KUAN_BINARY9
#undef KUAN_UNARY
#undef KUAN_UNARY3
#undef KUAN_NEXT
#undef KUAN_COLD_LABEL
#undef KUAN_RESULT
}

}  // namespace

void plan::resolve_handlers(std::vector<Ins>& code) {
  const Program none;
  const CompiledMeasure measure;
  const MeasureInfo info;
  const FactValues facts;
  Machine machine(none, measure, info, facts, nullptr, nullptr, nullptr);
  const void* const* table = machine.handlers();
  for (std::size_t k = 0; k < code.size(); ++k) {
    Ins& i = code[k];
    i.go = table[i.handler];
    const std::int32_t to = i.op == Op::Jmp ? i.a
                            : i.op == Op::Given || i.op == Op::JmpZ || i.op == Op::JmpNZ ? i.b
                            : i.op == Op::CmpJmp || i.op == Op::JmpK || i.op == Op::FailTo ? i.c
                                                                                           : -1;
    if (to >= 0) i.to = static_cast<std::int32_t>((to - static_cast<std::int64_t>(k)) * static_cast<std::int64_t>(sizeof(Ins)));
  }
}

namespace {

// A flat plan run to its end, its decision written into `d`; false when the
// plan hands over. Inlined into its two callers (one call less on every
// evaluation).
[[gnu::always_inline]] inline bool run_flat(const MeasureInfo& info, const CompiledMeasure& cm, const Program& p,
                                            const FactValues& facts, Reg* r,
                                            unsigned char* done, FlatDecision& d) {
  try {
    Machine machine(p, cm, info, facts, r, done, nullptr);
    machine.run_flat(d);
    return true;
  } catch (const Bail&) {
    return false;
  }
}

std::optional<Outcome> flat_outcome(const Edition& ed, const MeasureInfo& info, const CompiledMeasure& cm,
                                    const Program& p, const FactValues& facts, Reg* r,
                                    unsigned char* done) {
  std::optional<Outcome> out;
  FlatDecision d;
  if (run_flat(info, cm, p, facts, r, done, d)) out.emplace(AsOutcome{ed, info, d});
  return out;
}

// A segment plan under evaluate_in_order (measure_steps.hpp).
std::optional<Outcome> run_segments(const Edition& ed, const MeasureInfo& info, const CompiledMeasure& cm,
                                    const Program& p, const FactValues& facts, Trace* trace, Reg* r, unsigned char* done) {
  try {
    Machine::SegmentState segment;
    if (trace) segment.rate_choices = &trace->rate_choices;
    Machine machine(p, cm, info, facts, r, done, &segment);
    return evaluate_in_order(ed, info, machine, trace);
  } catch (const Bail&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<Outcome> run_compiled(const Edition& ed, const MeasureInfo& info, const CompiledMeasure& cm,
                                    const FactValues& facts, Trace* trace) {
  const Program& p = trace ? cm.explaining : cm.plain;
  const auto registers = static_cast<std::size_t>(p.registers), memos = p.memos.size();
  if (registers <= kInlineRegisters && memos <= kInlineMemos) {
    // Raw storage: a register is written before it is read, so the 2 KiB are
    // not cleared on every evaluation.
    Reg regs[kInlineRegisters];
    unsigned char done[kInlineMemos];
    for (std::size_t k = 0; k < memos; ++k) done[k] = 0;
    if (p.flat) return flat_outcome(ed, info, cm, p, facts, regs, done);
    return run_segments(ed, info, cm, p, facts, trace, regs, done);
  }
  std::vector<Reg> regs(registers);
  std::vector<unsigned char> done(memos, 0);
  if (p.flat) return flat_outcome(ed, info, cm, p, facts, regs.data(), done.data());
  return run_segments(ed, info, cm, p, facts, trace, regs.data(), done.data());
}

namespace {
// decide_flat's body, inlined into it and into evaluate_measure.
[[gnu::always_inline]] inline bool decide_direct(const MeasureInfo& info, const CompiledMeasure& cm,
                                                 const FactValues& facts, FlatDecision& out) {
  if (!required_facts_given(cm, facts)) return false;
  const Program& p = cm.plain;
  // Raw storage: a register is written before it is read, so the 2 KiB are
  // not cleared on every evaluation.
  Reg regs[kInlineRegisters];
  unsigned char done[kInlineMemos];
  // Most direct plans have no memo: only the emptiness test on the hot path.
  if (!p.memos.empty()) [[unlikely]]
    std::memset(done, 0, p.memos.size());
  return run_flat(info, cm, p, facts, regs, done, out);
}
}  // namespace

bool decide_flat(const Edition&, const MeasureInfo& info, const CompiledMeasure& cm, const FactValues& facts,
                 FlatDecision& out) {
  return decide_direct(info, cm, facts, out);
}

EvalResult evaluate_measure(const Edition& ed, const MeasureInfo& info, const FactValues& facts, Trace* trace) {
  const CompiledMeasure* compiled = compiled_form(ed, info);
  if (!compiled || !compiled->direct || trace) return evaluate_checked(ed, info, facts, trace, compiled);
  FlatDecision d;
  if (decide_direct(info, *compiled, facts, d)) return EvalResult(std::in_place_type<Outcome>, AsOutcome{ed, info, d});
  return evaluate_measure_reference(ed, info, facts);  // a direct measure has no 校验 and no 施行 to check first
}

Outcome not_eligible(const Edition& ed, const MeasureInfo& info, std::uint64_t failed) {
  Outcome o;
  o.measure = &info;
  o.amount = Decimal::from_scaled(0, ed.rounding_places);
  for (std::uint64_t bits = failed; bits; bits &= bits - 1)
    o.failed.push_back(info.requirements[static_cast<std::size_t>(__builtin_ctzll(bits))]);
  return o;
}

std::optional<Outcome> decide_compiled(const Edition& ed, const MeasureInfo& info, const FactValues& facts) {
  const CompiledMeasure* compiled = compiled_form(ed, info);
  // 校验 and 施行 (a measure dated outside its days) are evaluate_measure's, before any plan runs.
  if (!compiled || !info.validations.empty() || info.in_force) return std::nullopt;
  if (compiled->direct) {
    std::optional<Outcome> out;
    FlatDecision d;
    if (decide_flat(ed, info, *compiled, facts, d)) out.emplace(AsOutcome{ed, info, d});
    return out;
  }
  if (!required_facts_given(*compiled, facts)) return std::nullopt;
  return run_compiled(ed, info, *compiled, facts, nullptr);
}

}  // namespace kuan
