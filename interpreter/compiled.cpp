#include "interpreter/compiled.hpp"

#include <cstdint>
#include <vector>

#include "interpreter/fixed.hpp"
#include "stdlib/builtins.hpp"

namespace kuan {

using fixed::Fx;

namespace {

enum class Op : std::uint8_t {
  Const, Fact, Define, Rate, Base, Has, Neg, Not, And, Or, Add, Sub, Mul, Cmp, If, Match, Min, Max, Abs, Round,
  Bail,  // what only the tree-walker evaluates (a division, a constant beyond 64 bits)
};

// One node of the compiled tree. Children are indices into CompiledMeasure::nodes.
struct Node {
  Op op = Op::Bail;
  ast::CompareOp cmp = ast::CompareOp::Eq;  // Cmp
  RoundingMode mode = RoundingMode::HalfUp;  // Round
  bool number = false;                       // Fact: numeric (else boolean, enumeration or date)
  // Fact: slot, cache slot of its default (−1: none), default's node.
  // Define: cache slot, node. Has: slot. Match: subject, table offset, table size.
  // Min/Max: argument list offset, count. Otherwise the operands in order.
  std::int32_t a = -1, b = -1, c = -1;
  Fx k;                                      // Const
  const ast::Expr* expr = nullptr;           // If, Match: what a ChoiceTrace names
};

// Thrown to hand the evaluation to the tree-walker; never escapes run_compiled.
struct Bail {};
[[noreturn]] void bail() { throw Bail{}; }

}  // namespace

struct CompiledMeasure {
  std::vector<Node> nodes;
  std::vector<std::int32_t> lists;  // Match tables (enumeration index → arm node, −1: none), Min/Max arguments
  int memo_count = 0;               // fact defaults and definitions this measure may compute
  struct Need {
    std::int32_t when;
    std::vector<int> slots;
  };
  std::vector<Need> needs;
  std::vector<std::int32_t> requirements;
  std::int32_t rate = -1, base = -1, amount = -1;
  // Parallel to MeasureInfo::caps. All knowledge of caps is in compile_caps and
  // apply_caps below.
  struct Cap {
    std::int32_t when = -1, limit = -1, used = -1;
  };
  std::vector<Cap> caps;
  Fx step;
  RoundingMode rounding = RoundingMode::HalfUp;
  int places = 2;
};

namespace {

class Compiler {
 public:
  Compiler(const Edition& ed, CompiledMeasure& p)
      : ed_(ed), p_(p), memo_of_(static_cast<std::size_t>(ed.memo_slots), -1),
        body_of_(static_cast<std::size_t>(ed.memo_slots), -1) {}

  std::int32_t expr(const ast::Expr* e) { return e ? expr(*e) : add(Op::Bail); }

  std::int32_t expr(const ast::Expr& e) {
    using K = ast::ExprKind;
    switch (e.kind) {
      case K::Number: return number(e.number);
      case K::Boolean: return constant({e.boolean ? 1 : 0, 0});
      case K::Date: return constant({e.date, 0});
      case K::Name: {
        const ExprNote& n = ed_.notes[e];
        switch (n.ref) {
          case ast::RefKind::Fact: return fact(n.index);
          case ast::RefKind::Param: return value(ed_.params[n.index].value);
          case ast::RefKind::Define: return memo(ed_.defines[n.index].memo, *ed_.defines[n.index].decl->value, Op::Define);
          case ast::RefKind::EnumValue: return constant({n.index, 0});
          case ast::RefKind::MeasureRate: return add(Op::Rate);
          case ast::RefKind::MeasureBase: return add(Op::Base);
          case ast::RefKind::MeasureAmount:    // 金额/适用 name an outcome: only in a 性质,
          case ast::RefKind::MeasureEligible:  // which the tree-walker evaluates
          case ast::RefKind::Unresolved: break;
        }
        return add(Op::Bail);
      }
      case K::Has: return add(Op::Has, ed_.notes[e].index);
      case K::Call: return call(e);
      case K::Negate: return unary(Op::Neg, e);
      case K::Not: return unary(Op::Not, e);
      case K::And: return binary(Op::And, e);
      case K::Or: return binary(Op::Or, e);
      case K::Arith:
        switch (e.arith) {
          case ast::ArithOp::Add: return binary(Op::Add, e);
          case ast::ArithOp::Sub: return binary(Op::Sub, e);
          case ast::ArithOp::Mul: return binary(Op::Mul, e);
          case ast::ArithOp::Div: return add(Op::Bail);  // 18 places: the Decimal path's
        }
        return add(Op::Bail);
      case K::Compare: {
        const std::int32_t l = expr(*e.args[0]), r = expr(*e.args[1]);
        const std::int32_t n = add(Op::Cmp, l, r);
        p_.nodes[static_cast<std::size_t>(n)].cmp = e.compare;
        return n;
      }
      case K::If: {
        const std::int32_t c = expr(*e.args[0]), t = expr(*e.args[1]), f = expr(*e.args[2]);
        return add(Op::If, c, t, f, &e);
      }
      case K::Match: return match(e);
      // New forms are evaluated by the tree-walker: the compiled form hands the
      // evaluation over (Bail) when it reaches one.
      case K::Progressive: return add(Op::Bail);
    }
    return add(Op::Bail);
  }

 private:
  std::int32_t add(Op op, std::int32_t a = -1, std::int32_t b = -1, std::int32_t c = -1,
                   const ast::Expr* e = nullptr) {
    Node n;
    n.op = op, n.a = a, n.b = b, n.c = c, n.expr = e;
    p_.nodes.push_back(n);
    return static_cast<std::int32_t>(p_.nodes.size() - 1);
  }
  std::int32_t constant(Fx k) {
    const std::int32_t n = add(Op::Const);
    p_.nodes[static_cast<std::size_t>(n)].k = k;
    return n;
  }
  std::int32_t number(const Decimal& d) {
    Fx k;
    return fixed::from_decimal(d, k) ? constant(k) : add(Op::Bail);
  }
  std::int32_t value(const Value& v) {
    switch (v.kind) {
      case TypeKind::Money:
      case TypeKind::Rate:
      case TypeKind::Integer:
      case TypeKind::Number: return number(v.number);
      case TypeKind::Bool:
      case TypeKind::Enum:
      case TypeKind::Date: return constant({v.small, 0});
      case TypeKind::Error: break;
    }
    return add(Op::Bail);
  }
  std::int32_t unary(Op op, const ast::Expr& e) {
    const std::int32_t a = expr(*e.args[0]);
    return add(op, a);
  }
  std::int32_t binary(Op op, const ast::Expr& e) {
    const std::int32_t a = expr(*e.args[0]), b = expr(*e.args[1]);
    return add(op, a, b);
  }

  // A fact default or a definition: computed at most once per evaluation.
  std::int32_t memo(int slot, const ast::Expr& body, Op op) {
    if (slot < 0 || slot >= static_cast<int>(memo_of_.size())) return add(Op::Bail);
    if (memo_of_[slot] < 0) {
      memo_of_[slot] = p_.memo_count++;
      body_of_[slot] = -2;  // being compiled: the checker rejects cycles; guard anyway
      body_of_[slot] = expr(body);
    }
    if (body_of_[slot] == -2) return add(Op::Bail);
    return add(op, memo_of_[slot], body_of_[slot]);
  }

  std::int32_t fact(int slot) {
    const FactInfo& info = ed_.facts[slot];
    std::int32_t cache = -1, body = -1;
    if (info.decl->default_value) {
      const auto d = static_cast<std::size_t>(memo(info.memo, *info.decl->default_value, Op::Define));
      if (p_.nodes[d].op != Op::Define) return static_cast<std::int32_t>(d);
      cache = p_.nodes[d].a;
      body = p_.nodes[d].b;
    }
    const std::int32_t n = add(Op::Fact, slot, cache, body);
    p_.nodes[static_cast<std::size_t>(n)].number = info.type.is_numeric();
    return n;
  }

  std::int32_t call(const ast::Expr& e) {
    std::vector<std::int32_t> args;
    for (const auto& a : e.args) args.push_back(expr(*a));
    const auto builtin = static_cast<Builtin>(ed_.notes[e].index);
    switch (builtin) {
      case Builtin::Min:
      case Builtin::Max: {
        if (args.empty()) return add(Op::Bail);
        const auto at = static_cast<std::int32_t>(p_.lists.size());
        p_.lists.insert(p_.lists.end(), args.begin(), args.end());
        const Op op = builtin == Builtin::Min ? Op::Min : Op::Max;
        return add(op, at, static_cast<std::int32_t>(args.size()));
      }
      case Builtin::Abs:
        if (args.size() != 1) return add(Op::Bail);
        return add(Op::Abs, args[0]);
      case Builtin::Round:
      case Builtin::RoundHalfUp:
      case Builtin::RoundHalfEven:
      case Builtin::RoundDown:
      case Builtin::RoundUp: {
        if (args.size() != 2) return add(Op::Bail);
        const auto fn = builtin;
        const RoundingMode mode = fn == Builtin::Round           ? ed_.rounding
                                  : fn == Builtin::RoundHalfUp   ? RoundingMode::HalfUp
                                  : fn == Builtin::RoundHalfEven ? RoundingMode::HalfEven
                                  : fn == Builtin::RoundDown     ? RoundingMode::Down
                                                                 : RoundingMode::Up;
        const std::int32_t n = add(Op::Round, args[0], args[1]);
        p_.nodes[static_cast<std::size_t>(n)].mode = mode;
        return n;
      }
    }
    return add(Op::Bail);
  }

  // 按 x { … }: a table from each enumeration value to the arm that takes it
  // (the first arm naming it, or 其他), as the tree-walker tries them in order.
  std::int32_t match(const ast::Expr& e) {
    const std::int32_t subject = expr(*e.args[0]);
    const Type& t = ed_.notes[*e.args[0]].type;
    if (t.kind != TypeKind::Enum || t.enum_id < 0 || t.enum_id >= static_cast<int>(ed_.enums.size())) return add(Op::Bail);
    const auto size = static_cast<std::int32_t>(ed_.enums[t.enum_id].values.size());
    std::vector<std::int32_t> arm_nodes;
    for (const auto& arm : e.arms) arm_nodes.push_back(expr(*arm.value));
    const auto at = static_cast<std::int32_t>(p_.lists.size());
    for (std::int32_t v = 0; v < size; ++v) {
      std::int32_t target = -1;
      for (std::size_t i = 0; i < e.arms.size() && target < 0; ++i) {
        const auto& arm = e.arms[i];
        bool takes = arm.otherwise;
        for (int pv : ed_.notes.arm_values(e, i)) takes = takes || pv == v;
        if (takes) target = arm_nodes[i];
      }
      p_.lists.push_back(target);
    }
    return add(Op::Match, subject, at, size, &e);
  }

  const Edition& ed_;
  CompiledMeasure& p_;
  std::vector<std::int32_t> memo_of_;  // edition cache slot → this measure's
  std::vector<std::int32_t> body_of_;  // edition cache slot → node computing it
};

// Per-evaluation state: like the tree-walker's Activation, over Fx.
class Run {
 public:
  Run(const CompiledMeasure& p, const FactValues& facts, Fx* memo, unsigned char* done)
      : p_(p), facts_(facts), memo_(memo), done_(done) {}

  std::vector<ChoiceTrace>* choices = nullptr;       // where 若/按 choices go while explaining
  std::vector<ChoiceTrace>* rate_choices = nullptr;  // … while computing 比例
  bool has_rate = false, has_base = false;
  Fx rate_value, base_value;

  bool cond(std::int32_t i) { return value(i).m != 0; }

  // A node's value; constants and given facts are read here, in the caller,
  // without a call (they are half of all nodes).
  Fx value(std::int32_t i) {
    const Node& n = p_.nodes[static_cast<std::size_t>(i)];
    if (n.op == Op::Const) return n.k;
    if (n.op == Op::Fact && facts_.present[static_cast<std::size_t>(n.a)]) {
      const Value& v = facts_.values[static_cast<std::size_t>(n.a)];
      if (!n.number) return {v.small, 0};
      Fx r;
      if (!fixed::from_decimal(v.number, r)) bail();
      return r;
    }
    return eval(i);
  }

  Fx rate() {
    if (has_rate) return rate_value;
    if (p_.rate < 0 || computing_rate_) bail();
    computing_rate_ = true;
    auto* saved = choices;
    choices = rate_choices;
    rate_value = value(p_.rate);
    choices = saved;
    computing_rate_ = false;
    has_rate = true;
    return rate_value;
  }
  Fx base() {
    if (has_base) return base_value;
    if (p_.base < 0 || computing_base_) bail();
    computing_base_ = true;
    auto* saved = choices;
    choices = nullptr;  // as the tree-walker: 基数's choices are not explained
    base_value = value(p_.base);
    choices = saved;
    computing_base_ = false;
    has_base = true;
    return base_value;
  }

  __attribute__((noinline)) Fx eval(std::int32_t i) {
    const Node& n = p_.nodes[static_cast<std::size_t>(i)];
    Fx r;
    switch (n.op) {
      case Op::Const: return n.k;
      case Op::Fact:
        if (facts_.present[static_cast<std::size_t>(n.a)]) {
          const Value& v = facts_.values[static_cast<std::size_t>(n.a)];
          if (!n.number) return {v.small, 0};
          if (!fixed::from_decimal(v.number, r)) bail();
          return r;
        }
        if (n.b < 0) bail();  // a missing fact: the tree-walker words the error
        return memoized(n.b, n.c);
      case Op::Define: return memoized(n.a, n.b);
      case Op::Not: return {cond(n.a) ? 0 : 1, 0};
      case Op::And: return {cond(n.a) && cond(n.b) ? 1 : 0, 0};
      case Op::Or: return {cond(n.a) || cond(n.b) ? 1 : 0, 0};
      case Op::Add:
      case Op::Sub:
      case Op::Mul: {
        const Fx x = value(n.a);
        const Fx y = value(n.b);
        const bool ok = n.op == Op::Add ? fixed::add(x, y, r) : n.op == Op::Sub ? fixed::sub(x, y, r) : fixed::mul(x, y, r);
        if (!ok) bail();
        return r;
      }
      case Op::Cmp: {
        const Fx x = value(n.a);
        const Fx y = value(n.b);
        const int c = fixed::compare(x, y);
        bool held = false;
        switch (n.cmp) {
          case ast::CompareOp::Lt: held = c < 0; break;
          case ast::CompareOp::Le: held = c <= 0; break;
          case ast::CompareOp::Gt: held = c > 0; break;
          case ast::CompareOp::Ge: held = c >= 0; break;
          case ast::CompareOp::Eq: held = c == 0; break;
          case ast::CompareOp::Ne: held = c != 0; break;
        }
        return {held ? 1 : 0, 0};
      }
      case Op::If: {
        const bool held = cond(n.a);
        if (choices) choices->push_back({n.expr, held, -1, {}});
        return value(held ? n.b : n.c);
      }
      case Op::Match: {
        const Fx subject = value(n.a);
        if (choices) choices->push_back({n.expr, false, static_cast<int>(subject.m), {}});
        if (subject.m < 0 || subject.m >= n.c) bail();
        const std::int32_t arm = p_.lists[static_cast<std::size_t>(n.b + subject.m)];
        if (arm < 0) bail();  // no arm takes it: the tree-walker's error
        return value(arm);
      }
      case Op::Rate:
      case Op::Base:
      case Op::Has:
      case Op::Neg:
      case Op::Min:
      case Op::Max:
      case Op::Abs:
      case Op::Round: return cold(n);
      case Op::Bail: break;
    }
    bail();
  }

  // The rarer nodes, out of line so that eval keeps few registers to save.
  __attribute__((noinline)) Fx cold(const Node& n) {
    Fx r;
    switch (n.op) {
      case Op::Rate: return rate();
      case Op::Base: return base();
      case Op::Has: return {facts_.present[static_cast<std::size_t>(n.a)] ? 1 : 0, 0};
      case Op::Neg:
        if (!fixed::neg(value(n.a), r)) bail();
        return r;
      case Op::Min:
      case Op::Max: {
        Fx best = value(p_.lists[static_cast<std::size_t>(n.a)]);
        for (std::int32_t k = 1; k < n.b; ++k) {
          const Fx x = value(p_.lists[static_cast<std::size_t>(n.a + k)]);
          const int c = fixed::compare(x, best);
          if (n.op == Op::Min ? c < 0 : c > 0) best = x;
        }
        return best;
      }
      case Op::Abs: {
        const Fx x = value(n.a);
        if (x.m >= 0) return x;
        if (!fixed::neg(x, r)) bail();
        return r;
      }
      case Op::Round: {
        const Fx x = value(n.a);
        const Fx step = value(n.b);
        if (step.m <= 0 || !fixed::round_to_step(x, step, n.mode, r)) bail();
        return r;
      }
      default: break;
    }
    bail();
  }

 private:
  Fx memoized(std::int32_t slot, std::int32_t body) {
    const auto s = static_cast<std::size_t>(slot);
    if (!done_[s]) {
      memo_[s] = value(body);
      done_[s] = 1;
    }
    return memo_[s];
  }

  const CompiledMeasure& p_;
  const FactValues& facts_;
  Fx* memo_;
  unsigned char* done_;
  bool computing_rate_ = false, computing_base_ = false;
};

// ---------------------------------------------------------------- caps
// The one place that knows how a measure's caps are evaluated (the tree-walker's
// loop in evaluate_measure, over Fx).
void compile_caps(Compiler& c, const MeasureInfo& info, CompiledMeasure& p) {
  for (const ast::LimitDecl* cap : info.caps)
    p.caps.push_back({cap->when ? c.expr(*cap->when) : -1, c.expr(cap->limit.get()), cap->used ? c.expr(*cap->used) : -1});
}

void apply_caps(Run& r, const MeasureInfo& info, const CompiledMeasure& p, Fx& amount, Outcome& out, Trace* trace) {
  for (std::size_t i = 0; i < p.caps.size(); ++i) {
    const ast::LimitDecl* cap = info.caps[i];
    const CompiledMeasure::Cap& c = p.caps[i];
    if (c.when >= 0 && !r.cond(c.when)) {
      if (trace) trace->caps.push_back({cap, false, {}, std::nullopt, {}});
      continue;
    }
    const Fx limit = r.value(c.limit);
    Fx room = limit, used;
    if (c.used >= 0) {
      used = r.value(c.used);
      if (!fixed::sub(limit, used, room)) bail();
    }
    if (room.m < 0) room = {0, 0};  // as Decimal(): zero at scale 0
    if (fixed::compare(room, amount) < 0) {
      amount = room;
      out.bound = cap;
    }
    if (trace)
      trace->caps.push_back({cap, true, fixed::to_decimal(limit),
                             c.used >= 0 ? std::optional<Decimal>(fixed::to_decimal(used)) : std::nullopt,
                             fixed::to_decimal(room)});
  }
}

Outcome run(const Edition& ed, const MeasureInfo& info, const CompiledMeasure& p, const FactValues& facts, Trace* trace,
            Fx* memo, unsigned char* done) {
  Run r(p, facts, memo, done);
  if (trace) r.rate_choices = &trace->rate_choices;
  Outcome out;
  out.measure = &info;
  for (const auto& need : p.needs) {
    if (!r.cond(need.when)) continue;
    for (int slot : need.slots)
      if (!facts.present[static_cast<std::size_t>(slot)]) bail();
  }
  for (std::size_t i = 0; i < p.requirements.size(); ++i) {
    const bool held = r.cond(p.requirements[i]);
    if (trace) trace->conditions.push_back({info.requirements[i], held});
    if (!held) out.failed.push_back(info.requirements[i]);
  }
  if (!out.failed.empty()) {
    out.eligible = false;
    out.amount = Decimal::from_scaled(0, ed.rounding_places);
    return out;
  }
  out.eligible = true;
  Fx amount;
  if (p.amount >= 0) {
    if (trace) r.choices = &trace->amount_choices;
    amount = r.value(p.amount);
    r.choices = nullptr;
  } else {
    const Fx base = r.base();
    const Fx rate = r.rate();
    if (!fixed::mul(base, rate, amount)) bail();
  }
  if (trace) {
    if (r.has_rate) trace->rate = fixed::to_decimal(r.rate_value);
    if (r.has_base) trace->base = fixed::to_decimal(r.base_value);
    trace->computed = fixed::to_decimal(amount);
  }
  apply_caps(r, info, p, amount, out, trace);
  if (trace) trace->before_rounding = fixed::to_decimal(amount);
  if (amount.m < 0) bail();  // an error in the rule: the tree-walker says where
  Fx rounded;
  if (!fixed::round_to_step(amount, p.step, p.rounding, rounded) || !fixed::rescaled(rounded, p.places, rounded)) bail();
  out.amount = fixed::to_decimal(rounded);
  return out;
}

}  // namespace

std::shared_ptr<const CompiledMeasure> compile_measure(const Edition& ed, const MeasureInfo& info) {
  auto p = std::make_shared<CompiledMeasure>();
  if (!fixed::from_decimal(ed.rounding_step, p->step) || p->step.m <= 0) return nullptr;
  if (ed.rounding_places < 0 || ed.rounding_places > fixed::kMaxScale) return nullptr;
  p->rounding = ed.rounding;
  p->places = ed.rounding_places;
  const ast::MeasureDecl& m = *info.decl;
  Compiler c(ed, *p);
  for (std::size_t k = 0; k < m.conditional_needs.size(); ++k)
    p->needs.push_back({c.expr(*m.conditional_needs[k].when), info.conditional_needs[k]});
  for (const ast::Requirement* req : info.requirements) p->requirements.push_back(c.expr(*req->condition));
  if (m.amount) p->amount = c.expr(*m.amount);
  if (m.rate) p->rate = c.expr(*m.rate);
  if (m.base) p->base = c.expr(*m.base);
  compile_caps(c, info, *p);
  return p;
}

void compile_measures(Edition& ed) {
  for (auto& m : ed.measures) m.compiled = compile_measure(ed, m);
}

std::optional<Outcome> run_compiled(const Edition& ed, const MeasureInfo& info, const CompiledMeasure& p,
                                    const FactValues& facts, Trace* trace) {
  constexpr int kInline = 64;
  try {
    if (p.memo_count <= kInline) {
      // Raw storage: a slot is written before it is read (`done`), so the
      // 1 KiB is not cleared on every evaluation.
      alignas(Fx) unsigned char memo[kInline * sizeof(Fx)];
      unsigned char done[kInline];
      std::fill_n(done, p.memo_count, 0);
      return run(ed, info, p, facts, trace, reinterpret_cast<Fx*>(memo), done);
    }
    std::vector<Fx> memo(static_cast<std::size_t>(p.memo_count));
    std::vector<unsigned char> done(static_cast<std::size_t>(p.memo_count), 0);
    return run(ed, info, p, facts, trace, memo.data(), done.data());
  } catch (const Bail&) {
    return std::nullopt;
  }
}

}  // namespace kuan
