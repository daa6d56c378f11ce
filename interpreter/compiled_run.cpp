// The machine of the compiled form (compiled.hpp): runs a measure's flat plan
// (compiled_plan.hpp) under the steps of measure_steps.hpp, handing anything it
// cannot decide exactly in 64 bits to the tree-walker.
#include <algorithm>
#include <cstdint>
#include <cstring>
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
[[noreturn]] void bail() { throw Bail{}; }

// The registers as two arrays, mantissas and scales, rather than an array of
// Fx: a register is written as its two fields and read back as them — never
// one 16-byte load over two narrower stores, which the processor cannot
// forward (a stall of a dozen cycles on nearly every read).
struct Registers {
  std::int64_t* m;
  std::int32_t* s;
  Fx operator[](std::int32_t r) const { return {m[r], s[r]}; }
  void set(std::int32_t r, Fx x) const {
    m[r] = x.m;
    s[r] = x.s;
  }
};

// ---------------------------------------------------------------- machine
// Runs a plan's segments; the compiled form's side of measure_steps.hpp.
class Machine {
 public:
  using Number = Fx;

  Machine(const Program& p, const CompiledMeasure& cm, const MeasureInfo& info, const FactValues& facts, Registers regs,
          unsigned char* done, Trace* trace)
      : p_(p), cm_(cm), info_(info), facts_(facts), regs_(regs), done_(done),
        rate_choices_(trace ? &trace->rate_choices : nullptr) {
    if (const std::size_t k = p.constant_m.size()) {
      std::memcpy(regs.m, p.constant_m.data(), k * sizeof(std::int64_t));
      std::memcpy(regs.s, p.constant_s.data(), k * sizeof(std::int32_t));
    }
    const unsigned char* present = facts.present.data();
    const Fx* given = facts.fixed.data();
    for (const Program::Load& l : p.loads) {
      const unsigned char state = present[l.slot];
      if (state & FactValues::kFits) regs.m[l.reg] = given[l.slot].m, regs.s[l.reg] = given[l.slot].s;
      else if (state) bail();  // given, beyond 64 bits
      else if (l.fallback >= 0) regs.m[l.reg] = regs.m[l.fallback], regs.s[l.reg] = regs.s[l.fallback];
      else if (l.required) bail();
    }
  }

  bool need_applies(std::size_t k) { return test(p_.needs[k]); }
  void need_facts(std::size_t k) {
    for (const int slot : info_.conditional_needs[k])
      if (!facts_.present[static_cast<std::size_t>(slot)]) bail();  // the tree-walker words it
  }
  std::optional<bool> requirement(std::size_t i, bool) { return test(p_.requirements[i]); }
  const FactValues& given() const { return facts_; }
  Fx amount(std::vector<ChoiceTrace>* choices) {
    choices_ = choices;
    const Fx a = segment(p_.amount);
    choices_ = nullptr;
    return a;
  }
  Fx rate() {
    if (has_rate_) return rate_;
    if (p_.rate == kNone || computing_rate_) bail();
    computing_rate_ = true;
    auto* saved = choices_;
    choices_ = rate_choices_;
    rate_ = segment(p_.rate);
    choices_ = saved;
    computing_rate_ = false;
    has_rate_ = true;
    return rate_;
  }
  Fx base() {
    if (has_base_) return base_;
    if (p_.base == kNone || computing_base_) bail();
    computing_base_ = true;
    auto* saved = choices_;
    choices_ = nullptr;  // as the tree-walker: 基数's choices are not explained
    base_ = segment(p_.base);
    choices_ = saved;
    computing_base_ = false;
    has_base_ = true;
    return base_;
  }
  static Fx times(Fx a, Fx b) {
    Fx r;
    if (!fixed::mul(a, b, r)) bail();
    return r;
  }
  std::optional<Decimal> traced_rate() const { return has_rate_ ? std::optional(fixed::to_decimal(rate_)) : std::nullopt; }
  std::optional<Decimal> traced_base() const { return has_base_ ? std::optional(fixed::to_decimal(base_)) : std::nullopt; }
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
    if (cm_.step.m == 1 && cm_.step.s == cm_.places) {  // to whole 分 (or whatever the places are): no division by 1
      r.s = cm_.places;
      const bool ok = amount.s <= cm_.places
                          ? !__builtin_mul_overflow(amount.m, fixed::kPow10[cm_.places - amount.s], &r.m)
                          : fixed::div_round(amount.m, fixed::kPow10[amount.s - cm_.places], cm_.rounding, r.m);
      if (!ok) bail();
    } else if (!fixed::round_to_step(amount, cm_.step, cm_.rounding, r) || !fixed::rescaled(r, cm_.places, r)) {
      bail();
    }
    return fixed::to_decimal(r);
  }

 private:
  bool test(const Program::Test& t) {
    if (t.entry == kTest) return holds(fixed::compare(regs_[t.a], regs_[t.b]), t.mask);
    return segment(t.entry).m != 0;
  }
  Fx segment(std::int32_t s) {
    if (s >= 0) return run(s);
    if (s == kNone) bail();
    return regs_[~s];
  }
  Fx run(std::int32_t pc);
  void ensure(std::int32_t memo) {
    const auto m = static_cast<std::size_t>(memo);
    if (done_[m] == 1) return;
    if (done_[m] == 2) bail();  // being computed: the checker rejects cycles; guard anyway
    done_[m] = 2;
    regs_.set(p_.memos[m].reg, run(p_.memos[m].entry));
    done_[m] = 1;
  }
  std::int32_t arm(const Ins& i, Fx subject) {
    if (choices_) choices_->push_back({i.expr, false, static_cast<int>(subject.m), {}});
    if (subject.m < 0 || subject.m >= i.c) bail();
    const std::int32_t to = p_.lists[static_cast<std::size_t>(i.b + subject.m)];
    if (to < 0) bail();  // no arm takes it: the tree-walker's error
    return to;
  }

  const Program& p_;
  const CompiledMeasure& cm_;
  const MeasureInfo& info_;
  const FactValues& facts_;
  Registers regs_;
  unsigned char* done_;  // per memo: 0 not yet, 2 being computed, 1 done
  std::vector<ChoiceTrace>* choices_ = nullptr;  // where 若/按 choices go while explaining
  std::vector<ChoiceTrace>* rate_choices_;       // … while computing 比例
  bool has_rate_ = false, has_base_ = false, computing_rate_ = false, computing_base_ = false;
  Fx rate_, base_;
};

// Threaded dispatch (GCC's and Clang's labels as values): each instruction
// jumps to the next one's code from its own indirect jump, which the processor
// predicts per site — one shared jump (a switch in a loop) mispredicts most.
Fx Machine::run(std::int32_t pc) {
  static const void* const kCode[] = {&&op_mov,   &&op_guard, &&op_ensure,  &&op_has,    &&op_not,    &&op_neg,  &&op_abs,
                                      &&op_add,   &&op_sub,   &&op_mul,     &&op_cmp,    &&op_min,    &&op_max,  &&op_round,
                                      &&op_rate,  &&op_base,  &&op_match_k, &&op_match,  &&op_jmp,    &&op_jmp_z, &&op_jmp_nz,
                                      &&op_cmp_jmp, &&op_choice, &&op_end, &&op_bail};
  static_assert(sizeof kCode / sizeof kCode[0] == static_cast<std::size_t>(Op::Bail) + 1, "one label per Op, in Op's order");
  const Ins* code = p_.code.data();
  const Registers R = regs_;
  const Ins* i;
  Fx r;
  auto result = [&](bool exact) {  // r into the destination, or hand over
    if (!exact) bail();
    R.set(i->dst, r);
  };
#define KUAN_NEXT()                                     \
  do {                                                  \
    i = &code[pc++];                                    \
    goto* kCode[static_cast<std::size_t>(i->op)];       \
  } while (false)
  KUAN_NEXT();
op_mov:
  R.set(i->dst, R[i->a]);
  KUAN_NEXT();
op_guard:
  if (!facts_.present[static_cast<std::size_t>(i->a)]) {
    if (i->b < 0) bail();  // a missing fact: the tree-walker words the error
    ensure(i->b);
    R.set(i->dst, R[p_.memos[static_cast<std::size_t>(i->b)].reg]);
  }
  KUAN_NEXT();
op_ensure:
  ensure(i->a);
  KUAN_NEXT();
op_has:
  R.set(i->dst, Fx{facts_.present[static_cast<std::size_t>(i->a)] ? 1 : 0, 0});
  KUAN_NEXT();
op_not:
  R.set(i->dst, Fx{R[i->a].m == 0 ? 1 : 0, 0});
  KUAN_NEXT();
op_neg:
  result(fixed::neg(R[i->a], r));
  KUAN_NEXT();
op_abs:
  r = R[i->a];
  result(r.m >= 0 || fixed::neg(R[i->a], r));
  KUAN_NEXT();
op_add:
  result(fixed::add(R[i->a], R[i->b], r));
  KUAN_NEXT();
op_sub:
  result(fixed::sub(R[i->a], R[i->b], r));
  KUAN_NEXT();
op_mul:
  result(fixed::mul(R[i->a], R[i->b], r));
  KUAN_NEXT();
op_cmp:
  R.set(i->dst, Fx{holds(fixed::compare(R[i->a], R[i->b]), i->x) ? 1 : 0, 0});
  KUAN_NEXT();
op_min:
op_max: {
  const std::int32_t* args = p_.lists.data() + i->a;
  Fx best = R[args[0]];
  for (std::int32_t k = 1; k < i->b; ++k) {
    const Fx v = R[args[k]];
    const int c = fixed::compare(v, best);
    if (i->op == Op::Min ? c < 0 : c > 0) best = v;
  }
  R.set(i->dst, best);
  KUAN_NEXT();
}
op_round: {
  const Fx step = R[i->b];
  result(step.m > 0 && fixed::round_to_step(R[i->a], step, static_cast<RoundingMode>(i->x), r));
  KUAN_NEXT();
}
op_rate:
  R.set(i->dst, rate());
  KUAN_NEXT();
op_base:
  R.set(i->dst, base());
  KUAN_NEXT();
op_match_k:
  R.set(i->dst, R[arm(*i, R[i->a])]);
  KUAN_NEXT();
op_match:
  pc = arm(*i, R[i->a]);
  KUAN_NEXT();
op_jmp:
  pc = i->a;
  KUAN_NEXT();
op_jmp_z:
  if (R[i->a].m == 0) pc = i->b;
  KUAN_NEXT();
op_jmp_nz:
  if (R[i->a].m != 0) pc = i->b;
  KUAN_NEXT();
op_cmp_jmp:
  if (holds(fixed::compare(R[i->a], R[i->b]), i->x)) pc = i->c;
  KUAN_NEXT();
op_choice:
  if (choices_) choices_->push_back({i->expr, i->x != 0, -1, {}});
  KUAN_NEXT();
op_end:
  return R[i->a];
op_bail:
  bail();
#undef KUAN_NEXT
}


}  // namespace

std::optional<Outcome> run_compiled(const Edition& ed, const MeasureInfo& info, const CompiledMeasure& cm,
                                    const FactValues& facts, Trace* trace) {
  const Program& p = trace ? cm.explaining : cm.plain;
  constexpr std::size_t kInlineRegisters = 128, kInlineMemos = 64;
  const auto registers = static_cast<std::size_t>(p.registers), memos = p.memos.size();
  try {
    if (registers <= kInlineRegisters && memos <= kInlineMemos) {
      // Raw storage: a register is written before it is read, so the 1.5 KiB are
      // not cleared on every evaluation.
      std::int64_t mantissas[kInlineRegisters];
      std::int32_t scales[kInlineRegisters];
      unsigned char done[kInlineMemos];
      std::fill_n(done, memos, 0);
      Machine machine(p, cm, info, facts, Registers{mantissas, scales}, done, trace);
      return evaluate_in_order(ed, info, machine, trace);
    }
    std::vector<std::int64_t> mantissas(registers);
    std::vector<std::int32_t> scales(registers);
    std::vector<unsigned char> done(memos, 0);
    Machine machine(p, cm, info, facts, Registers{mantissas.data(), scales.data()}, done.data(), trace);
    return evaluate_in_order(ed, info, machine, trace);
  } catch (const Bail&) {
    return std::nullopt;
  }
}


std::optional<Outcome> decide_compiled(const Edition& ed, const MeasureInfo& info, const FactValues& facts) {
  const CompiledMeasure* compiled = compiled_form(ed, info);
  // 校验 and 施行 (a measure dated outside its days) are evaluate_measure's, before any plan runs.
  if (!compiled || !info.validations.empty() || info.in_force || !required_facts_given(*compiled, facts)) return std::nullopt;
  return run_compiled(ed, info, *compiled, facts, nullptr);
}

}  // namespace kuan
