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
    for (const auto& [k, r] : constants_) {
      to[static_cast<std::size_t>(r)] = n++;
      p_.constants.push_back(k);
      p_.constant_m.push_back(k.m);
      p_.constant_s.push_back(k.s);
    }
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

}  // namespace

std::shared_ptr<const CompiledMeasure> compile_measure(const Edition& ed, const MeasureInfo& info) {
  if (info.refusal_by_arm) return nullptr;  // 否则 按 X { … }: the tree-walker chooses the text
  if (!info.decl->results.empty()) return nullptr;  // 结果: the tree-walker computes the figures (measure_steps.hpp)
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

void compile_measures(LoadedEdition& ed) {
  ed.compiled.clear();
  ed.compiled.reserve(ed.measures.size());
  for (const auto& m : ed.measures) ed.compiled.push_back(compile_measure(ed, m));
}

bool required_facts_given(const CompiledMeasure& p, const FactValues& facts) {
  for (const int slot : p.must_have)
    if (!facts.present[static_cast<std::size_t>(slot)]) return false;
  return true;
}

}  // namespace kuan
