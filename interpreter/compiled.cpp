// The compiled form of a measure (compiled.hpp): the compiler from checked
// expressions to a flat plan, and the machine that runs it under the steps of
// measure_steps.hpp.
#include "interpreter/compiled.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "interpreter/fixed.hpp"
#include "interpreter/measure_steps.hpp"
#include "stdlib/builtins.hpp"

namespace kuan {

using fixed::Fx;

namespace {

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
std::uint8_t mask_of(ast::CompareOp op, bool positive) {
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

// Thrown to hand the evaluation to the tree-walker; never escapes run_compiled.
struct Bail {};
[[noreturn]] void bail() { throw Bail{}; }

}  // namespace

// One flat plan: with or without the instructions that record an explanation.
struct Program {
  std::vector<Ins> code;
  std::vector<Fx> constants;        // registers [0, constants.size()), copied in at the start
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

struct CompiledMeasure {
  Program plain, explaining;
  std::vector<int> must_have;  // facts the measure requires (missing_required_facts' rule)
  Fx step;                     // the edition's rounding
  RoundingMode rounding = RoundingMode::HalfUp;
  int places = 2;
};

namespace {

// ---------------------------------------------------------------- compiler
class Compiler {
 public:
  Compiler(const Edition& ed, const MeasureInfo& info, Program& p, bool explain)
      : ed_(ed), info_(info), p_(p), explain_(explain), memo_of_(static_cast<std::size_t>(ed.memo_slots), -1),
        fact_reg_(ed.facts.size(), -1) {}

  // The code computing `e` as a segment.
  std::int32_t segment(const ast::Expr* e) {
    if (!e) return kNone;
    const auto start = here();
    const std::int32_t r = value(*e);
    if (here() == start) return ~r;
    emit(Op::End, -1, r);
    return start;
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
  // to), then puts the constants first among the registers.
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
    renumber();
  }

 private:
  using Labels = std::vector<std::int32_t>;  // instructions whose target is the same place, to patch

  std::int32_t here() const { return static_cast<std::int32_t>(p_.code.size()); }
  std::int32_t emit(Op op, std::int32_t dst = -1, std::int32_t a = -1, std::int32_t b = -1, std::int32_t c = -1,
                    std::uint8_t x = 0, const ast::Expr* e = nullptr) {
    p_.code.push_back({op, x, dst, a, b, c, e});
    return here() - 1;
  }
  std::int32_t reg() { return next_reg_++; }
  // Where the jumps in `labels` go: here.
  void land(const Labels& labels) {
    for (const std::int32_t at : labels) {
      Ins& i = p_.code[static_cast<std::size_t>(at)];
      (i.op == Op::Jmp ? i.a : i.op == Op::CmpJmp ? i.c : i.b) = here();
    }
  }
  std::int32_t constant(Fx k) {
    for (const auto& [v, r] : constants_)
      if (v.m == k.m && v.s == k.s) return r;
    const std::int32_t r = reg();
    constants_.push_back({k, r});
    return r;
  }
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
          case ast::RefKind::Fact: return fact(n.index);
          case ast::RefKind::Define: {
            const DefineInfo& d = ed_.defines[static_cast<std::size_t>(n.index)];
            const std::int32_t memo = memo_for(d.memo, *d.decl->value);
            if (memo < 0) return bail_here(dst);
            emit(Op::Ensure, -1, memo);
            return p_.memos[static_cast<std::size_t>(memo)].reg;
          }
          case ast::RefKind::MeasureRate: return simple(Op::Rate, dst);
          case ast::RefKind::MeasureBase: return simple(Op::Base, dst);
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
  // A fact default or a definition: a memo computed at most once per
  // evaluation by its own code (compiled in finish()); −1 when it cannot be.
  std::int32_t memo_for(int slot, const ast::Expr& body) {
    if (slot < 0 || slot >= static_cast<int>(memo_of_.size())) return -1;
    std::int32_t& m = memo_of_[static_cast<std::size_t>(slot)];
    if (m < 0) {
      m = static_cast<std::int32_t>(p_.memos.size());
      p_.memos.push_back({reg(), -1});
      memo_body_.push_back(&body);
      pending_.push_back(m);
    }
    return m;
  }

  std::int32_t fact(int slot) {
    const FactInfo& info = ed_.facts[static_cast<std::size_t>(slot)];
    std::int32_t& r = fact_reg_[static_cast<std::size_t>(slot)];
    if (r < 0) {
      r = reg();
      Program::Load load{slot, r, -1, false};
      const auto& needs = info_.needs;
      load.required = info.required() || std::find(needs.begin(), needs.end(), slot) != needs.end();
      if (!load.required && info.decl->default_value) {
        if (auto k = constant_of(*info.decl->default_value)) load.fallback = constant(*k);
        else guard_memo_.push_back({slot, memo_for(info.memo, *info.decl->default_value)});
      }
      p_.loads.push_back(load);
    }
    const Program::Load& load = *std::find_if(p_.loads.begin(), p_.loads.end(), [&](const auto& l) { return l.slot == slot; });
    if (!load.required && load.fallback < 0) {  // 可选, or a computed default: see whether it is given
      std::int32_t memo = -1;
      for (const auto& [s, m] : guard_memo_)
        if (s == slot) memo = m;
      emit(Op::Guard, r, slot, memo);
    }
    return r;
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
  // (the first arm naming it, or 其他), as the tree-walker tries them in order.
  std::int32_t match(const ast::Expr& e, std::int32_t dst) {
    const Type& t = ed_.notes[*e.args[0]].type;
    if (t.kind != TypeKind::Enum || t.enum_id < 0 || t.enum_id >= static_cast<int>(ed_.enums.size())) return bail_here(dst);
    const std::int32_t subject = value(*e.args[0]);
    const auto size = static_cast<std::int32_t>(ed_.enums[static_cast<std::size_t>(t.enum_id)].values.size());
    std::vector<std::int32_t> arm_of(static_cast<std::size_t>(size), -1);  // value → arm
    for (std::int32_t v = 0; v < size; ++v)
      for (std::size_t i = 0; i < e.arms.size() && arm_of[static_cast<std::size_t>(v)] < 0; ++i) {
        bool takes = e.arms[i].otherwise;
        for (int pv : ed_.notes.arm_values(e, i)) takes = takes || pv == v;
        if (takes) arm_of[static_cast<std::size_t>(v)] = static_cast<std::int32_t>(i);
      }
    const std::int32_t r = out(dst);
    const auto at = static_cast<std::int32_t>(p_.lists.size());
    bool all_constant = true;
    std::vector<std::int32_t> constant_arm(e.arms.size(), -1);
    for (std::size_t i = 0; i < e.arms.size(); ++i) {
      if (auto k = constant_of(*e.arms[i].value)) constant_arm[i] = constant(*k);
      else all_constant = false;
    }
    if (all_constant) {
      for (const std::int32_t arm : arm_of) p_.lists.push_back(arm < 0 ? -1 : constant_arm[static_cast<std::size_t>(arm)]);
      emit(Op::MatchK, r, subject, at, size, 0, &e);
      return r;
    }
    p_.lists.resize(p_.lists.size() + static_cast<std::size_t>(size), -1);
    emit(Op::Match, -1, subject, at, size, 0, &e);
    Labels done;
    for (std::size_t i = 0; i < e.arms.size(); ++i) {
      if (std::find(arm_of.begin(), arm_of.end(), static_cast<std::int32_t>(i)) == arm_of.end()) continue;  // never taken
      const std::int32_t start = here();
      for (std::int32_t v = 0; v < size; ++v)
        if (arm_of[static_cast<std::size_t>(v)] == static_cast<std::int32_t>(i)) p_.lists[static_cast<std::size_t>(at + v)] = start;
      into(*e.arms[i].value, r);
      done.push_back(emit(Op::Jmp));
    }
    land(done);
    return r;
  }

  // Constants first among the registers: copied in with one memcpy.
  void renumber() {
    std::vector<std::int32_t> to(static_cast<std::size_t>(next_reg_), -1);
    std::int32_t n = 0;
    for (const auto& [k, r] : constants_) to[static_cast<std::size_t>(r)] = n++, p_.constants.push_back(k);
    for (auto& t : to)
      if (t < 0) t = n++;
    p_.registers = n;
    auto map = [&](std::int32_t& r) {
      if (r >= 0) r = to[static_cast<std::size_t>(r)];
    };
    auto map_list = [&](std::int32_t at, std::int32_t count) {
      for (std::int32_t k = 0; k < count; ++k) map(p_.lists[static_cast<std::size_t>(at + k)]);
    };
    for (Ins& i : p_.code) {
      map(i.dst);
      switch (i.op) {
        case Op::Mov:
        case Op::Not:
        case Op::Neg:
        case Op::Abs:
        case Op::JmpZ:
        case Op::JmpNZ:
        case Op::End: map(i.a); break;
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::Cmp:
        case Op::Round:
        case Op::CmpJmp: map(i.a), map(i.b); break;
        case Op::Min:
        case Op::Max: map_list(i.a, i.b); break;
        case Op::MatchK: map(i.a), map_list(i.b, i.c); break;
        case Op::Match: map(i.a); break;
        default: break;
      }
    }
    for (auto& m : p_.memos) map(m.reg);
    for (auto& l : p_.loads) map(l.reg), map(l.fallback);
    auto map_segment = [&](std::int32_t& s) {
      if (s != kNone && s != kTest && s < 0) s = ~to[static_cast<std::size_t>(~s)];
    };
    auto map_test = [&](Program::Test& t) {
      if (t.entry == kTest) map(t.a), map(t.b);
    };
    for (auto& t : p_.needs) map_test(t);
    for (auto& t : p_.requirements) map_test(t);
    map_segment(p_.rate), map_segment(p_.base), map_segment(p_.amount);
    for (auto& c : p_.caps) map_test(c.when), map_segment(c.limit), map_segment(c.used);
  }

  const Edition& ed_;
  const MeasureInfo& info_;
  Program& p_;
  bool explain_;
  std::int32_t next_reg_ = 0;
  std::int32_t want_ = -1;  // where into() wants the next value()'s result
  std::vector<std::pair<Fx, std::int32_t>> constants_;
  std::vector<std::int32_t> memo_of_;            // edition cache slot → this plan's memo
  std::vector<const ast::Expr*> memo_body_;      // per memo
  std::vector<std::int32_t> pending_;            // memos whose code is not written yet
  std::vector<std::int32_t> fact_reg_;           // fact slot → register
  std::vector<std::pair<int, std::int32_t>> guard_memo_;  // fact slot → memo of its computed default
};

bool compile_program(const Edition& ed, const MeasureInfo& info, Program& p, bool explain) {
  const ast::MeasureDecl& m = *info.decl;
  Compiler c(ed, info, p, explain);
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

// ---------------------------------------------------------------- machine
// Runs a plan's segments; the compiled form's side of measure_steps.hpp.
class Machine {
 public:
  using Number = Fx;

  Machine(const Program& p, const CompiledMeasure& cm, const MeasureInfo& info, const FactValues& facts, Fx* regs,
          unsigned char* done, Trace* trace)
      : p_(p), cm_(cm), info_(info), facts_(facts), regs_(regs), done_(done),
        rate_choices_(trace ? &trace->rate_choices : nullptr) {
    if (!p.constants.empty()) std::memcpy(static_cast<void*>(regs), p.constants.data(), p.constants.size() * sizeof(Fx));
    const unsigned char* present = facts.present.data();
    const Fx* given = facts.fixed.data();
    for (const Program::Load& l : p.loads) {
      const unsigned char state = present[l.slot];
      if (state & FactValues::kFits) regs[l.reg] = given[l.slot];
      else if (state) bail();  // given, beyond 64 bits
      else if (l.fallback >= 0) regs[l.reg] = regs[l.fallback];
      else if (l.required) bail();
    }
  }

  bool need_applies(std::size_t k) { return test(p_.needs[k]); }
  void need_facts(std::size_t k) {
    for (const int slot : info_.conditional_needs[k])
      if (!facts_.present[static_cast<std::size_t>(slot)]) bail();  // the tree-walker words it
  }
  std::optional<bool> requirement(std::size_t i, bool) { return test(p_.requirements[i]); }
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
    regs_[p_.memos[m].reg] = run(p_.memos[m].entry);
    done_[m] = 1;
  }
  std::int32_t arm(const Ins& i, Fx subject) {
    if (choices_) choices_->push_back({i.expr, false, static_cast<int>(subject.m)});
    if (subject.m < 0 || subject.m >= i.c) bail();
    const std::int32_t to = p_.lists[static_cast<std::size_t>(i.b + subject.m)];
    if (to < 0) bail();  // no arm takes it: the tree-walker's error
    return to;
  }

  const Program& p_;
  const CompiledMeasure& cm_;
  const MeasureInfo& info_;
  const FactValues& facts_;
  Fx* regs_;
  unsigned char* done_;  // per memo: 0 not yet, 2 being computed, 1 done
  std::vector<ChoiceTrace>* choices_ = nullptr;  // where 若/按 choices go while explaining
  std::vector<ChoiceTrace>* rate_choices_;       // … while computing 比例
  bool has_rate_ = false, has_base_ = false, computing_rate_ = false, computing_base_ = false;
  Fx rate_, base_;
};

Fx Machine::run(std::int32_t pc) {
  const Ins* code = p_.code.data();
  Fx* R = regs_;
  for (;;) {
    const Ins& i = code[pc++];
    Fx r;
    switch (i.op) {
      case Op::Mov: R[i.dst] = R[i.a]; break;
      case Op::Guard:
        if (!facts_.present[static_cast<std::size_t>(i.a)]) {
          if (i.b < 0) bail();  // a missing fact: the tree-walker words the error
          ensure(i.b);
          R[i.dst] = R[p_.memos[static_cast<std::size_t>(i.b)].reg];
        }
        break;
      case Op::Ensure: ensure(i.a); break;
      case Op::Has: R[i.dst] = {facts_.present[static_cast<std::size_t>(i.a)] ? 1 : 0, 0}; break;
      case Op::Not: R[i.dst] = {R[i.a].m == 0 ? 1 : 0, 0}; break;
      case Op::Neg:
        if (!fixed::neg(R[i.a], r)) bail();
        R[i.dst] = r;
        break;
      case Op::Abs:
        r = R[i.a];
        if (r.m < 0 && !fixed::neg(R[i.a], r)) bail();
        R[i.dst] = r;
        break;
      case Op::Add:
        if (!fixed::add(R[i.a], R[i.b], r)) bail();
        R[i.dst] = r;
        break;
      case Op::Sub:
        if (!fixed::sub(R[i.a], R[i.b], r)) bail();
        R[i.dst] = r;
        break;
      case Op::Mul:
        if (!fixed::mul(R[i.a], R[i.b], r)) bail();
        R[i.dst] = r;
        break;
      case Op::Cmp: R[i.dst] = {holds(fixed::compare(R[i.a], R[i.b]), i.x) ? 1 : 0, 0}; break;
      case Op::Min:
      case Op::Max: {
        const std::int32_t* args = p_.lists.data() + i.a;
        Fx best = R[args[0]];
        for (std::int32_t k = 1; k < i.b; ++k) {
          const Fx v = R[args[k]];
          const int c = fixed::compare(v, best);
          if (i.op == Op::Min ? c < 0 : c > 0) best = v;
        }
        R[i.dst] = best;
        break;
      }
      case Op::Round: {
        const Fx step = R[i.b];
        if (step.m <= 0 || !fixed::round_to_step(R[i.a], step, static_cast<RoundingMode>(i.x), r)) bail();
        R[i.dst] = r;
        break;
      }
      case Op::Rate: R[i.dst] = rate(); break;
      case Op::Base: R[i.dst] = base(); break;
      case Op::MatchK: R[i.dst] = R[arm(i, R[i.a])]; break;
      case Op::Match: pc = arm(i, R[i.a]); break;
      case Op::Jmp: pc = i.a; break;
      case Op::JmpZ:
        if (R[i.a].m == 0) pc = i.b;
        break;
      case Op::JmpNZ:
        if (R[i.a].m != 0) pc = i.b;
        break;
      case Op::CmpJmp:
        if (holds(fixed::compare(R[i.a], R[i.b]), i.x)) pc = i.c;
        break;
      case Op::Choice:
        if (choices_) choices_->push_back({i.expr, i.x != 0, -1});
        break;
      case Op::End: return R[i.a];
      case Op::Bail: bail();
    }
  }
}

}  // namespace

std::shared_ptr<const CompiledMeasure> compile_measure(const Edition& ed, const MeasureInfo& info) {
  auto p = std::make_shared<CompiledMeasure>();
  if (!fixed::from_decimal(ed.rounding_step, p->step) || p->step.m <= 0) return nullptr;
  if (ed.rounding_places < 0 || ed.rounding_places > fixed::kMaxScale) return nullptr;
  p->rounding = ed.rounding;
  p->places = ed.rounding_places;
  const auto& needs = info.needs;
  for (const int f : info.facts)
    if (ed.facts[static_cast<std::size_t>(f)].required() || std::find(needs.begin(), needs.end(), f) != needs.end())
      p->must_have.push_back(f);
  if (!compile_program(ed, info, p->plain, false) || !compile_program(ed, info, p->explaining, true)) return nullptr;
  return p;
}

void compile_measures(Edition& ed) {
  for (auto& m : ed.measures) m.compiled = compile_measure(ed, m);
}

bool required_facts_given(const CompiledMeasure& p, const FactValues& facts) {
  for (const int slot : p.must_have)
    if (!facts.present[static_cast<std::size_t>(slot)]) return false;
  return true;
}

std::optional<Outcome> run_compiled(const Edition& ed, const MeasureInfo& info, const CompiledMeasure& cm,
                                    const FactValues& facts, Trace* trace) {
  const Program& p = trace ? cm.explaining : cm.plain;
  constexpr std::size_t kInlineRegisters = 128, kInlineMemos = 64;
  const auto registers = static_cast<std::size_t>(p.registers), memos = p.memos.size();
  try {
    if (registers <= kInlineRegisters && memos <= kInlineMemos) {
      // Raw storage: a register is written before it is read, so the 2 KiB are
      // not cleared on every evaluation.
      alignas(Fx) unsigned char regs[kInlineRegisters * sizeof(Fx)];
      unsigned char done[kInlineMemos];
      std::fill_n(done, memos, 0);
      Machine machine(p, cm, info, facts, reinterpret_cast<Fx*>(regs), done, trace);
      return evaluate_in_order(ed, info, machine, trace);
    }
    std::vector<Fx> regs(registers);
    std::vector<unsigned char> done(memos, 0);
    Machine machine(p, cm, info, facts, regs.data(), done.data(), trace);
    return evaluate_in_order(ed, info, machine, trace);
  } catch (const Bail&) {
    return std::nullopt;
  }
}

}  // namespace kuan
