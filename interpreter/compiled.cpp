// The compiler of the compiled form (compiled.hpp): checked expressions of a
// measure to its flat plan (compiled_plan.hpp). What it does not know becomes
// a Bail instruction; compiled_run.cpp runs the plan.
#include "interpreter/compiled.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "interpreter/compiled_plan.hpp"
#include "stdlib/builtins.hpp"

namespace kuan {

using fixed::Fx;
using namespace plan;

namespace {

// ---------------------------------------------------------------- compiler
class Compiler {
 public:
  // `once`: per memo slot, how many places read it (a first compilation's
  // uses()); a flat plan inlines the code of those read in one place.
  Compiler(const Edition& ed, const MeasureInfo& info, Program& p, bool explain, const std::vector<int>* once = nullptr)
      : ed_(ed), info_(info), p_(p), explain_(explain), memo_of_(static_cast<std::size_t>(ed.memo_slots) + 2, -1),
        uses_(memo_of_.size(), 0), once_(once) {
    p_.fact_default.assign(ed.facts.size(), -1);
  }
  const std::vector<int>& uses() const { return uses_; }

  // The code computing `e` as a segment.
  std::int32_t segment(const ast::Expr* e) {
    if (!e) return kNone;
    const auto start = here();
    const std::int32_t r = value(*e);
    if (here() == start && r >= 0) return ~r;
    emit(Op::End, -1, r);  // a constant or a fact read in place: a segment of one instruction
    return start;
  }

  // A flat plan: the measure's steps in measure_steps.hpp's order, each
  // condition compiled to compare-and-branch instructions, the amount kept in
  // one register from the first computation through the caps to Finish.
  void steps() {
    p_.flat = true;
    const ast::MeasureDecl& m = *info_.decl;
    for (std::size_t k = 0; k < m.conditional_needs.size(); ++k) {  // 1. 需要 … 当
      const auto& slots = info_.conditional_needs[k];
      if (slots.size() == 1 && against_constant(Op::NeedK, *m.conditional_needs[k].when, true, slots[0]) >= 0) continue;
      Labels skip;
      jump_unless(*m.conditional_needs[k].when, skip);
      for (const int slot : info_.conditional_needs[k]) emit(Op::Need, -1, slot);
      land(skip);
    }
    // 2. 要求, each recorded when it fails: while all hold, each goes on to the
    // next (no check after the last); the first that fails jumps into a
    // second copy of those after it (after Finish), which records the others
    // and stops.
    std::vector<std::int32_t> first_failure(info_.requirements.size(), -1);  // FailTo, per 要求
    requirements(&first_failure);
    const std::int32_t amount = reg();  // 3. the amount
    if (m.amount) {
      into(*m.amount, amount);
    } else if (m.base && m.rate) {
      const std::int32_t base = memo_read(measure_base(), *m.base, -1);  // 基数 first, as the tree-walker
      if (kind_of(base) != Kind::R && inlined(measure_rate())) {  // 基数 × each of 比例's outcomes (product_into)
        ++uses_[static_cast<std::size_t>(measure_rate())];
        ++depth_;
        product_into(*m.rate, base, amount);
        --depth_;
      } else {
        const std::int32_t rate = memo_read(measure_rate(), *m.rate, -1);
        emit(Op::Mul, amount, base, rate);
      }
    } else {
      bail_here(amount);
    }
    for (std::size_t i = 0; i < info_.caps.size(); ++i) {  // 4. the caps in order
      const ast::LimitDecl& cap = *info_.caps[i];
      Labels skip;
      if (cap.when) jump_unless(*cap.when, skip);
      if (cap.limit) cap_into(*cap.limit, cap, amount, static_cast<std::int32_t>(i));
      else cap_with(bail_here(), cap, amount, static_cast<std::int32_t>(i));
      land(skip);
    }
    emit(Op::Finish, -1, amount, -1, -1, m.signed_result ? 1 : 0);  // 5. and 6.
    const std::vector<int> counted = uses_;  // the second copy reads what the first does, in other evaluations
    requirements(nullptr, &first_failure);
    uses_ = counted;
  }
  // The 要求 in order: the first copy (`fail_to`: each failure a FailTo, to
  // patch), or the second (`after`: the first copy's FailTo of each 要求 lands
  // after its copy here), which ends with Failed.
  void requirements(std::vector<std::int32_t>* fail_to, const std::vector<std::int32_t>* after = nullptr) {
    std::int32_t pending = -1;  // the first copy's FailTo of the 要求 just copied
    for (std::size_t i = 0; i < info_.requirements.size(); ++i) {
      const ast::Requirement* r = info_.requirements[i];
      if (r->alternative_of) continue;
      if (pending >= 0) p_.code[static_cast<std::size_t>(pending)].c = here(), pending = -1;
      if (!r->condition) {
        bail_here();
        continue;
      }
      Labels held;
      branch(*r->condition, true, held);
      if (fail_to) (*fail_to)[i] = emit(Op::FailTo, -1, static_cast<std::int32_t>(i));
      else emit(Op::Fail, -1, static_cast<std::int32_t>(i)), pending = (*after)[i];
      land(held);
    }
    if (pending >= 0) p_.code[static_cast<std::size_t>(pending)].c = here();
    if (!fail_to) emit(Op::Failed);
  }
  // A condition: a comparison of two values that need no code (most are) is
  // tested in place; anything else is a segment giving 1 or 0.
  Program::Test condition(const ast::Expr* e) {
    if (!e) return {kNone};
    const ast::Expr* x = e;
    bool positive = true;
    while (x->kind == ast::ExprKind::Not) x = x->args[0].get(), positive = !positive;
    const auto start = here();
    if (x->kind == ast::ExprKind::Compare) {
      const std::int32_t a = value(*x->args[0]), b = value(*x->args[1]);
      if (here() == start) return {kTest, a, b, mask_of(x->compare, positive)};
      const std::int32_t r = reg();
      emit(Op::Cmp, r, a, b, -1, mask_of(x->compare, positive));
      emit(Op::End, -1, r);
      return {start};
    }
    if (x->kind != ast::ExprKind::And && x->kind != ast::ExprKind::Or) {
      const std::int32_t r = value(*x);
      if (here() == start) return {kTest, r, constant({0, 0}), mask_of(ast::CompareOp::Ne, positive)};
      const std::int32_t t = reg();
      emit(Op::Cmp, t, r, constant({0, 0}), -1, mask_of(ast::CompareOp::Ne, positive));
      emit(Op::End, -1, t);
      return {start};
    }
    std::vector<std::int32_t> otherwise;
    jump_unless(*e, otherwise);
    emit(Op::End, -1, constant({1, 0}));
    land(otherwise);
    emit(Op::End, -1, constant({0, 0}));
    return {start};
  }

  // Compiles the bodies of the memos referred to so far (and those they refer
  // to).
  void finish() {
    while (!pending_.empty()) {
      const std::int32_t memo = pending_.back();
      pending_.pop_back();
      const ast::Expr& body = *memo_body_[static_cast<std::size_t>(memo)];
      p_.memos[static_cast<std::size_t>(memo)].entry = here();
      const std::int32_t reg = p_.memos[static_cast<std::size_t>(memo)].reg;
      into(body, reg);
      emit(Op::End, -1, reg);
    }
    p_.registers = next_reg_;
    p_.choice_sites = static_cast<std::int32_t>(std::count_if(p_.code.begin(), p_.code.end(), [](const Ins& i) {
      return i.op == Op::Choice || i.op == Op::Match || i.op == Op::MatchK;
    }));
    specialize(p_.code, p_.fact_default, p_.constants);
    resolve_handlers(p_.code);
  }

 private:
  using Labels = std::vector<std::int32_t>;  // instructions whose target is the same place, to patch

  std::int32_t here() const { return static_cast<std::int32_t>(p_.code.size()); }
  std::int32_t emit(Op op, std::int32_t dst = -1, std::int32_t a = -1, std::int32_t b = -1, std::int32_t c = -1,
                    std::uint8_t x = 0, const ast::Expr* e = nullptr) {
    p_.code.push_back({op, x, 0, dst, a, b, c, 0, e});
    return here() - 1;
  }
  std::int32_t reg() { return next_reg_++; }
  // Where the jumps in `labels` go: here.
  void land(const Labels& labels) {
    for (const std::int32_t at : labels) {
      Ins& i = p_.code[static_cast<std::size_t>(at)];
      (i.op == Op::Jmp ? i.a : i.op == Op::CmpJmp || i.op == Op::JmpK ? i.c : i.b) = here();
    }
  }
  std::int32_t constant(Fx k) {
    for (std::size_t i = 0; i < p_.constants.size(); ++i)
      if (p_.constants[i].m == k.m && p_.constants[i].s == k.s) return constant_ref(static_cast<std::int32_t>(i));
    p_.constants.push_back(k);
    return constant_ref(static_cast<std::int32_t>(p_.constants.size() - 1));
  }
  // The memo slots past the edition's: a flat plan's 比例 and 基数.
  int measure_rate() const { return ed_.memo_slots; }
  int measure_base() const { return ed_.memo_slots + 1; }
  // A constant that stands for the expression, if it is one.
  std::optional<Fx> constant_of(const ast::Expr& e) const {
    Fx k;
    switch (e.kind) {
      case ast::ExprKind::Number:
        if (fixed::from_decimal(e.number, k)) return k;
        return std::nullopt;
      case ast::ExprKind::Boolean: return Fx{e.boolean ? 1 : 0, 0};
      case ast::ExprKind::Date: return Fx{e.date, 0};
      case ast::ExprKind::Name: {
        const ExprNote& n = ed_.notes[e];
        if (n.ref == ast::RefKind::EnumValue) return Fx{n.index, 0};
        if (n.ref == ast::RefKind::Param && fixed::of_value(ed_.params[static_cast<std::size_t>(n.index)].value, k)) return k;
        return std::nullopt;
      }
      default: return std::nullopt;
    }
  }
  // The register a result goes to: the one asked for (into), or a new one.
  std::int32_t out(std::int32_t dst) { return dst >= 0 ? dst : reg(); }
  std::int32_t bail_here(std::int32_t dst = -1) {
    const std::int32_t r = out(dst);
    emit(Op::Bail, r);
    return r;
  }

  // The code computing `e`; returns the register that holds its value (the
  // one into() asked for, unless `e` is a constant, a fact or a memo: those
  // have their own).
  std::int32_t value(const ast::Expr& e) {
    using K = ast::ExprKind;
    const std::int32_t dst = std::exchange(want_, -1);  // for this node only, not its operands
    if (auto k = constant_of(e)) return constant(*k);
    switch (e.kind) {
      case K::Name: {
        const ExprNote& n = ed_.notes[e];
        switch (n.ref) {
          case ast::RefKind::Fact: return fact(n.index, dst);
          case ast::RefKind::Define: {
            const DefineInfo& d = ed_.defines[static_cast<std::size_t>(n.index)];
            return memo_read(d.memo, *d.decl->value, dst);
          }
          case ast::RefKind::MeasureRate:
            if (!p_.flat) return simple(Op::Rate, dst);
            return info_.decl->rate ? memo_read(measure_rate(), *info_.decl->rate, dst) : bail_here(dst);
          case ast::RefKind::MeasureBase:
            if (!p_.flat) return simple(Op::Base, dst);
            return info_.decl->base ? memo_read(measure_base(), *info_.decl->base, dst) : bail_here(dst);
          default: return bail_here(dst);  // 金额/适用 (only in a 性质), a constant beyond 64 bits, anything new
        }
      }
      case K::Has: {
        const std::int32_t r = out(dst);
        emit(Op::Has, r, ed_.notes[e].index);
        return r;
      }
      case K::Call: return call(e, dst);
      case K::Negate: return unary(Op::Neg, e, dst);
      case K::Not: return unary(Op::Not, e, dst);
      case K::Arith:
        switch (e.arith) {
          case ast::ArithOp::Add: return binary(Op::Add, e, dst);
          case ast::ArithOp::Sub: return binary(Op::Sub, e, dst);
          case ast::ArithOp::Mul: return binary(Op::Mul, e, dst);
          default: return bail_here(dst);  // division: 18 places, the Decimal path's
        }
      case K::Compare: {
        const std::int32_t a = value(*e.args[0]), b = value(*e.args[1]);
        const std::int32_t r = out(dst);
        emit(Op::Cmp, r, a, b, -1, mask_of(e.compare, true));
        return r;
      }
      case K::And:
      case K::Or: {  // short-circuit, as the tree-walker
        const std::int32_t r = out(dst);
        Labels otherwise, done;
        jump_unless(e, otherwise);
        emit(Op::Mov, r, constant({1, 0}));
        done.push_back(emit(Op::Jmp));
        land(otherwise);
        emit(Op::Mov, r, constant({0, 0}));
        land(done);
        return r;
      }
      case K::If: {
        const std::int32_t r = out(dst);
        Labels otherwise, done;
        jump_unless(*e.args[0], otherwise);
        if (explain_) emit(Op::Choice, -1, -1, -1, -1, 1, &e);
        into(*e.args[1], r);
        done.push_back(emit(Op::Jmp));
        land(otherwise);
        if (explain_) emit(Op::Choice, -1, -1, -1, -1, 0, &e);
        into(*e.args[2], r);
        land(done);
        return r;
      }
      case K::Match: return match(e, dst);
      default: return bail_here(dst);  // a kind of expression this compiler does not know: the tree-walker's
    }
  }

  // `e` computed into `dst` (straight there when it is computed at all).
  void into(const ast::Expr& e, std::int32_t dst) {
    want_ = dst;
    const std::int32_t r = value(e);
    if (r != dst) emit(Op::Mov, dst, r);
  }
  // A memo's value (a fact's computed default, a definition, a flat plan's
  // 比例 or 基数): its code inlined where it is read, when a flat plan reads it
  // in one place only (then it runs at most once anyway); else computed once,
  // by Ensure, into its own register.
  std::int32_t memo_read(int slot, const ast::Expr& body, std::int32_t dst) {
    if (inlined(slot)) {
      ++uses_[static_cast<std::size_t>(slot)];
      ++depth_;
      want_ = dst;
      const std::int32_t r = value(body);
      --depth_;
      return r;
    }
    const std::int32_t memo = memo_for(slot, body);
    if (memo < 0) return bail_here(dst);
    emit(Op::Ensure, -1, memo);
    return p_.memos[static_cast<std::size_t>(memo)].reg;
  }
  bool inlined(int slot) const {
    // A memo on a cycle is read in two places at least (the checker rejects cycles; the depth guards anyway).
    return p_.flat && once_ && slot >= 0 && static_cast<std::size_t>(slot) < once_->size() &&
           (*once_)[static_cast<std::size_t>(slot)] == 1 && depth_ < 32;
  }
  std::int32_t simple(Op op, std::int32_t dst) {
    const std::int32_t r = out(dst);
    emit(op, r);
    return r;
  }
  std::int32_t unary(Op op, const ast::Expr& e, std::int32_t dst) {
    const std::int32_t a = value(*e.args[0]);
    const std::int32_t r = out(dst);
    emit(op, r, a);
    return r;
  }
  std::int32_t binary(Op op, const ast::Expr& e, std::int32_t dst) {
    if (op == Op::Mul && !explain_)  // a × 按 x { constants } (either side): one MulMatchK
      for (int side = 1; side >= 0; --side) {
        const ast::Expr& table = *e.args[static_cast<std::size_t>(side)];
        if (table.kind != ast::ExprKind::Match || !multiplied_table(table)) continue;
        const std::int32_t a = value(*e.args[static_cast<std::size_t>(1 - side)]);
        return match(table, dst, a);
      }
    const std::int32_t a = value(*e.args[0]), b = value(*e.args[1]);
    const std::int32_t r = out(dst);
    emit(op, r, a, b);
    return r;
  }

  // Jumps (to be landed at `otherwise`) when `e` is false; falls through when true.
  void jump_unless(const ast::Expr& e, Labels& otherwise) { branch(e, false, otherwise); }
  // … when `e` has the value `when`.
  void branch(const ast::Expr& e, bool when, Labels& to) {
    using K = ast::ExprKind;
    switch (e.kind) {
      case K::Not: branch(*e.args[0], !when, to); return;
      case K::And:
      case K::Or: {
        // (a 且 b) is false when a is false, else when b is; (a 或 b) is true when a is, else when b is.
        const bool short_value = e.kind == K::Or;
        if (when == short_value) {
          branch(*e.args[0], when, to);
          branch(*e.args[1], when, to);
        } else {
          Labels decided;
          branch(*e.args[0], short_value, decided);
          branch(*e.args[1], when, to);
          land(decided);
        }
        return;
      }
      case K::Compare: {
        if (const std::int32_t jump = against_constant(Op::JmpK, e, when, -1); jump >= 0) {
          to.push_back(jump);
          return;
        }
        const std::int32_t a = value(*e.args[0]), b = value(*e.args[1]);
        to.push_back(emit(Op::CmpJmp, -1, a, b, -1, mask_of(e.compare, when)));
        return;
      }
      default: {
        const std::int32_t r = value(e);
        to.push_back(emit(when ? Op::JmpNZ : Op::JmpZ, -1, r));
        return;
      }
    }
  }
  // A comparison of a register or a fact with a constant (either side), as
  // one superinstruction `op` (JmpK, NeedK) holding the constant, for when `e`
  // has the value `when`; c is NeedK's fact slot. The instruction that jumps
  // (JmpK's target is landed later); −1, and nothing emitted, when `e` is not
  // of that shape.
  std::int32_t against_constant(Op op, const ast::Expr& e, bool when, std::int32_t c) {
    if (e.kind != ast::ExprKind::Compare) return -1;
    const auto k0 = constant_of(*e.args[0]), k1 = constant_of(*e.args[1]);
    if (k0.has_value() == k1.has_value()) return -1;  // two constants (rare): the generic compare
    const std::int32_t a = value(*e.args[k1 ? 0 : 1]);  // the operand that is not the constant
    const Fx k = k1 ? *k1 : *k0;
    if (kind_of(a) == Kind::K) {  // a constant after all (a definition folded to one): the generic compare
      const std::int32_t x = k0 ? constant(k) : a, y = k0 ? a : constant(k);
      if (op == Op::JmpK) return emit(Op::CmpJmp, -1, x, y, -1, mask_of(e.compare, when));
      const Labels skip{emit(Op::CmpJmp, -1, x, y, -1, mask_of(e.compare, !when))};
      emit(Op::Need, -1, c);
      land(skip);
      return skip[0];
    }
    std::uint8_t mask = mask_of(e.compare, when);
    if (k0) mask = mirrored(mask);  // K `x` a is a `x'` K
    const std::int32_t at = emit(op, -1, a, k.s, c, mask);
    p_.code.back().k = k.m;
    return at;
  }

  // A fact default or a definition: a memo computed at most once per
  // evaluation by its own code (compiled in finish()); −1 when it cannot be.
  std::int32_t memo_for(int slot, const ast::Expr& body) {
    if (slot < 0 || slot >= static_cast<int>(memo_of_.size())) return -1;
    ++uses_[static_cast<std::size_t>(slot)];
    std::int32_t& m = memo_of_[static_cast<std::size_t>(slot)];
    if (m < 0) {
      m = static_cast<std::int32_t>(p_.memos.size());
      p_.memos.push_back({reg(), -1});
      memo_body_.push_back(&body);
      pending_.push_back(m);
    }
    return m;
  }

  // A fact as an operand, read in place: given, or else its constant default
  // (Program::fact_default; absent without one: the tree-walker's error). A
  // computed default is the one fact read that takes code.
  std::int32_t fact(int slot, std::int32_t dst) {
    const FactInfo& info = ed_.facts[static_cast<std::size_t>(slot)];
    const auto& needs = info_.needs;
    const ast::Expr* d = info.decl->default_value.get();
    if (!d || info.required() || std::find(needs.begin(), needs.end(), slot) != needs.end()) return fact_ref(slot);
    if (auto k = constant_of(*d)) {
      p_.fact_default[static_cast<std::size_t>(slot)] = constant(*k) & kRefIndex;
      return fact_ref(slot);
    }
    if (const int other = fact_read_in_place(*d); other >= 0 && other != slot) {  // `= 另一事实`: no code either
      fact(other, -1);  // its own constant default, if any
      p_.fact_default[static_cast<std::size_t>(slot)] = kDefaultIsFact - other;
      return fact_ref(slot);
    }
    const std::int32_t r = out(dst);
    if (inlined(info.memo)) {  // given: the fact; else the default's code, inlined
      Labels given;
      given.push_back(emit(Op::Given, r, slot));
      const std::int32_t v = memo_read(info.memo, *d, r);
      if (v != r) emit(Op::Mov, r, v);
      land(given);
      return r;
    }
    const std::int32_t memo = memo_for(info.memo, *d);
    if (memo < 0) return bail_here(r);
    emit(Op::Guard, r, slot, memo);
    return r;
  }

  // The fact `e` names, when it is one read in place with no code (no default,
  // a constant one, or none used: required or needed); else −1.
  int fact_read_in_place(const ast::Expr& e) const {
    if (e.kind != ast::ExprKind::Name || ed_.notes[e].ref != ast::RefKind::Fact) return -1;
    const int slot = ed_.notes[e].index;
    const FactInfo& info = ed_.facts[static_cast<std::size_t>(slot)];
    const ast::Expr* d = info.decl->default_value.get();
    const auto& needs = info_.needs;
    if (!d || info.required() || std::find(needs.begin(), needs.end(), slot) != needs.end() || constant_of(*d)) return slot;
    return -1;
  }

  std::int32_t call(const ast::Expr& e, std::int32_t dst) {
    std::vector<std::int32_t> args;
    for (const auto& a : e.args) args.push_back(value(*a));  // all of them, in order, as the tree-walker
    const auto builtin = static_cast<Builtin>(ed_.notes[e].index);
    const std::int32_t r = out(dst);
    switch (builtin) {
      case Builtin::Min:
      case Builtin::Max: {
        if (args.empty()) break;
        const auto at = static_cast<std::int32_t>(p_.lists.size());
        p_.lists.insert(p_.lists.end(), args.begin(), args.end());
        emit(builtin == Builtin::Min ? Op::Min : Op::Max, r, at, static_cast<std::int32_t>(args.size()));
        return r;
      }
      case Builtin::Abs:
        if (args.size() != 1) break;
        emit(Op::Abs, r, args[0]);
        return r;
      case Builtin::Round:
      case Builtin::RoundHalfUp:
      case Builtin::RoundHalfEven:
      case Builtin::RoundDown:
      case Builtin::RoundUp: {
        if (args.size() != 2) break;
        const RoundingMode mode = builtin == Builtin::Round           ? ed_.rounding
                                  : builtin == Builtin::RoundHalfUp   ? RoundingMode::HalfUp
                                  : builtin == Builtin::RoundHalfEven ? RoundingMode::HalfEven
                                  : builtin == Builtin::RoundDown     ? RoundingMode::Down
                                                                      : RoundingMode::Up;
        emit(Op::Round, r, args[0], args[1], -1, static_cast<std::uint8_t>(mode));
        return r;
      }
      default: break;  // a built-in this compiler does not know
    }
    emit(Op::Bail, r);
    return r;
  }

  // 按 x { … }: a table from each enumeration value to the arm that takes it
  // (the first arm naming it, or 其他; −1: none), as the tree-walker tries
  // them in order; empty when x is not an enumeration.
  std::vector<std::int32_t> arms_by_value(const ast::Expr& e) const {
    const Type& t = ed_.notes[*e.args[0]].type;
    if (t.kind != TypeKind::Enum || t.enum_id < 0 || t.enum_id >= static_cast<int>(ed_.enums.size())) return {};
    const auto size = static_cast<std::int32_t>(ed_.enums[static_cast<std::size_t>(t.enum_id)].values.size());
    std::vector<std::int32_t> arm_of(static_cast<std::size_t>(size), -1);  // value → arm
    for (std::int32_t v = 0; v < size; ++v)
      for (std::size_t i = 0; i < e.arms.size() && arm_of[static_cast<std::size_t>(v)] < 0; ++i) {
        bool takes = e.arms[i].otherwise;
        for (int pv : ed_.notes.arm_values(e, i)) takes = takes || pv == v;
        if (takes) arm_of[static_cast<std::size_t>(v)] = static_cast<std::int32_t>(i);
      }
    return arm_of;
  }
  // The 按's arms as constant operands, when they all are.
  std::optional<std::vector<std::int32_t>> constant_arms(const ast::Expr& e) {
    std::vector<std::int32_t> arms;
    for (const auto& arm : e.arms) {
      const auto k = constant_of(*arm.value);
      if (!k) return std::nullopt;
      arms.push_back(constant(*k));
    }
    return arms;
  }
  // MatchK's table: per value, the constant operand of its arm (−1: none takes it).
  std::int32_t constant_table(const std::vector<std::int32_t>& arm_of, const std::vector<std::int32_t>& arms) {
    const auto at = static_cast<std::int32_t>(p_.lists.size());
    for (const std::int32_t arm : arm_of) p_.lists.push_back(arm < 0 ? -1 : arms[static_cast<std::size_t>(arm)]);
    return at;
  }

  // Whether MulMatchK multiplies by the 按 `e` in one look-up: over an
  // enumeration, each arm a constant or a nested 按 of constants over a fact
  // read in place (the same fact for every nested 按: the instruction holds
  // one), itself over an enumeration.
  bool multiplied_table(const ast::Expr& e) {
    if (arms_by_value(e).empty()) return false;
    const int nested = nested_fact(e);
    for (const auto& arm : e.arms) {
      if (constant_of(*arm.value)) continue;
      const ast::Expr& v = *arm.value;
      if (v.kind != ast::ExprKind::Match || nested < 0 || fact_read_in_place(*v.args[0]) != nested ||
          arms_by_value(v).empty() || !constant_arms(v))
        return false;
    }
    return true;
  }
  // The first nested 按's subject among e's arms (null: none), and the fact it reads in place (−1: none).
  static const ast::Expr* nested_subject(const ast::Expr& e) {
    for (const auto& arm : e.arms)
      if (arm.value->kind == ast::ExprKind::Match) return arm.value->args[0].get();
    return nullptr;
  }
  int nested_fact(const ast::Expr& e) const {
    const ast::Expr* subject = nested_subject(e);
    return subject ? fact_read_in_place(*subject) : -1;
  }
  // MulMatchK's table of a multiplied_table: per value of e's subject, its
  // arm's constant, or (a nested 按) the mark kNested of the nested table that
  // follows; kNoArm where no arm takes the value. Its index in arm_values.
  std::int32_t arm_value_table(const ast::Expr& e, const std::vector<std::int32_t>& arm_of) {
    const auto at = p_.arm_values.size();
    p_.arm_values.resize(at + arm_of.size(), kNoArm);
    std::vector<Fx> arm_value;
    for (const auto& arm : e.arms) {
      if (const auto k = constant_of(*arm.value)) {
        arm_value.push_back(*k);
        continue;
      }
      const std::vector<std::int32_t> nested_of = arms_by_value(*arm.value);
      const auto nested = static_cast<std::int64_t>(p_.arm_values.size());
      for (const std::int32_t a : nested_of)
        p_.arm_values.push_back(a < 0 ? kNoArm : *constant_of(*arm.value->arms[static_cast<std::size_t>(a)].value));
      arm_value.push_back({static_cast<std::int64_t>(nested_of.size()) << 32 | nested, kNested.s});
    }
    for (std::size_t v = 0; v < arm_of.size(); ++v)
      if (arm_of[v] >= 0) p_.arm_values[at + v] = arm_value[static_cast<std::size_t>(arm_of[v])];
    return static_cast<std::int32_t>(at);
  }

  // 按 x { … }, into dst; with a `factor`, factor × it (product_into).
  static constexpr std::int32_t kNoFactor = -1;  // no operand is −1 (constant_ref(0) is kNone's bits)
  std::int32_t match(const ast::Expr& e, std::int32_t dst, std::int32_t factor = kNoFactor) {
    const std::vector<std::int32_t> arm_of = arms_by_value(e);
    if (arm_of.empty()) return bail_here(dst);
    const std::int32_t subject = value(*e.args[0]);
    const auto size = static_cast<std::int32_t>(arm_of.size());
    const std::int32_t r = out(dst);
    if (factor != kNoFactor && multiplied_table(e)) {
      emit(Op::MulMatchK, r, factor, subject, arm_value_table(e, arm_of));
      p_.code.back().k = size;
      if (const ast::Expr* nested = nested_subject(e)) p_.code.back().to = value(*nested) & kRefIndex;  // a fact read in place: its slot
      return r;
    }
    if (const auto arms = constant_arms(e)) {
      emit(Op::MatchK, r, subject, constant_table(arm_of, *arms), size, 0, &e);
      return r;
    }
    const auto at = static_cast<std::int32_t>(p_.lists.size());
    p_.lists.resize(p_.lists.size() + static_cast<std::size_t>(size), -1);
    emit(Op::Match, -1, subject, at, size, 0, &e);
    Labels done;
    for (std::size_t i = 0; i < e.arms.size(); ++i) {
      if (std::find(arm_of.begin(), arm_of.end(), static_cast<std::int32_t>(i)) == arm_of.end()) continue;  // never taken
      const std::int32_t start = here();
      for (std::int32_t v = 0; v < size; ++v)
        if (arm_of[static_cast<std::size_t>(v)] == static_cast<std::int32_t>(i)) p_.lists[static_cast<std::size_t>(at + v)] = start;
      if (factor != kNoFactor) product_into(*e.arms[i].value, factor, r);
      else into(*e.arms[i].value, r);
      done.push_back(emit(Op::Jmp));
    }
    if (!done.empty() && done.back() == here() - 1) {  // the last arm falls through to what follows
      p_.code.pop_back();
      done.pop_back();
    }
    land(done);
    return r;
  }

  // factor × e into dst, the multiplication carried into e's outcomes: each
  // 若 branch and 按 arm multiplies its own value (a 按 of constants is one
  // MulMatchK), so no register holds e and no instruction multiplies after
  // the join. `factor` is an operand read without code (a fact or a
  // constant). Exact all the same: fixed-point products do not depend on
  // where they are taken, and whatever hands over hands the whole evaluation
  // over. Plain plans only (the explaining plan records 若's choices).
  void product_into(const ast::Expr& e, std::int32_t factor, std::int32_t dst) {
    if (!explain_ && !constant_of(e)) {
      if (e.kind == ast::ExprKind::Match && !arms_by_value(e).empty()) {
        const std::int32_t r = match(e, dst, factor);
        if (r != dst) emit(Op::Mov, dst, r);
        return;
      }
      if (carried(e, [&](const ast::Expr& part) { product_into(part, factor, dst); })) return;
    }
    const std::int32_t v = value(e);
    emit(Op::Mul, dst, factor, v);
  }

  // Where product_into and cap_into carry their work into e's outcomes: each
  // 若 branch (`at` compiles it, jumping past the other), or a definition read
  // here alone (its code is this place's). False when e is neither.
  template <class At>
  bool carried(const ast::Expr& e, At&& at) {
    using K = ast::ExprKind;
    if (e.kind == K::If) {
      Labels otherwise, done;
      jump_unless(*e.args[0], otherwise);
      at(*e.args[1]);
      done.push_back(emit(Op::Jmp));
      land(otherwise);
      at(*e.args[2]);
      land(done);
      return true;
    }
    if (e.kind == K::Name && ed_.notes[e].ref == ast::RefKind::Define) {
      const DefineInfo& d = ed_.defines[static_cast<std::size_t>(ed_.notes[e].index)];
      if (inlined(d.memo)) {
        ++uses_[static_cast<std::size_t>(d.memo)];
        ++depth_;
        at(*d.decl->value);
        --depth_;
        return true;
      }
    }
    return false;
  }

  // Cap the amount in register `amount` by the i-th cap with its limit `e`,
  // carried into e's 若 branches (a definition read here alone included), as
  // product_into carries 基数 into 比例's: each branch caps with its own
  // limit — a constant one straight from the plan — so no register holds the
  // limit and no Mov writes one before the join (the 已用 is read in each
  // branch). Exact all the same: the room is the limit the branch gives minus
  // the same 已用, and whatever hands over hands the whole evaluation over.
  void cap_into(const ast::Expr& e, const ast::LimitDecl& cap, std::int32_t amount, std::int32_t i) {
    if (!constant_of(e) && carried(e, [&](const ast::Expr& part) { cap_into(part, cap, amount, i); })) return;
    cap_with(value(e), cap, amount, i);
  }
  void cap_with(std::int32_t limit, const ast::LimitDecl& cap, std::int32_t amount, std::int32_t i) {
    if (cap.used) emit(Op::CapLeft, amount, limit, value(*cap.used), i);
    else emit(Op::CapTo, -1, limit, amount, i);
  }

  const Edition& ed_;
  const MeasureInfo& info_;
  Program& p_;
  bool explain_;
  std::int32_t next_reg_ = 0;
  std::int32_t want_ = -1;  // where into() wants the next value()'s result
  std::vector<std::int32_t> memo_of_;            // edition cache slot (then 比例, 基数) → this plan's memo
  std::vector<int> uses_;                        // per memo slot: places read so far
  const std::vector<int>* once_;
  int depth_ = 0;                                // memos inlined within one another
  std::vector<const ast::Expr*> memo_body_;      // per memo
  std::vector<std::int32_t> pending_;            // memos whose code is not written yet
};

bool compile_program(const Edition& ed, const MeasureInfo& info, Program& p, bool explain) {
  const ast::MeasureDecl& m = *info.decl;
  Compiler c(ed, info, p, explain);
  if (!explain && info.requirements.size() <= kFlatRequirements) {
    c.steps();  // a first time to count where each memo is read …
    c.finish();
    const std::vector<int> uses = c.uses();
    p = Program{};
    Compiler inlining(ed, info, p, explain, &uses);  // … then inlining those read in one place
    inlining.steps();
    inlining.finish();
    return true;
  }
  for (const auto& need : m.conditional_needs) p.needs.push_back(c.condition(need.when.get()));
  for (const ast::Requirement* req : info.requirements) p.requirements.push_back(c.condition(req->condition.get()));
  p.amount = c.segment(m.amount.get());
  p.rate = c.segment(m.rate.get());
  p.base = c.segment(m.base.get());
  for (const ast::LimitDecl* cap : info.caps)
    p.caps.push_back({c.condition(cap->when.get()), c.segment(cap->limit.get()), c.segment(cap->used.get())});
  c.finish();
  return true;
}

}  // namespace

std::shared_ptr<const CompiledMeasure> compile_measure(const Edition& ed, const MeasureInfo& info) {
  if (info.refusal_by_arm) return nullptr;  // 否则 按 X { … }: the tree-walker chooses the text
  if (!info.decl->results.empty()) return nullptr;  // 结果: the tree-walker computes the figures (measure_steps.hpp)
  auto p = std::make_shared<CompiledMeasure>();
  if (!fixed::from_decimal(ed.rounding_step, p->step) || p->step.m <= 0) return nullptr;
  if (ed.rounding_places < 0 || ed.rounding_places > fixed::kMaxScale) return nullptr;
  p->rounding = ed.rounding;
  p->places = ed.rounding_places;
  p->unit_step = p->step.m == 1 && p->step.s == p->places;
  const auto& needs = info.needs;
  for (const int f : info.facts)
    if (ed.facts[static_cast<std::size_t>(f)].required() || std::find(needs.begin(), needs.end(), f) != needs.end())
      p->must_have.push_back(f);
  if (!compile_program(ed, info, p->plain, false) || !compile_program(ed, info, p->explaining, true)) return nullptr;
  p->direct = info.validations.empty() && !info.in_force && p->plain.flat &&
              static_cast<std::size_t>(p->plain.registers) <= kInlineRegisters && p->plain.memos.size() <= kInlineMemos;
  return p;
}

void compile_measures(LoadedEdition& ed) {
  ed.compiled.clear();
  ed.compiled.reserve(ed.measures.size());
  for (const auto& m : ed.measures) ed.compiled.push_back(compile_measure(ed, m));
}

}  // namespace kuan
