#include "interpreter/tables.hpp"

#include "interpreter/evaluator.hpp"
#include "stdlib/brackets.hpp"

namespace kuan {

namespace {

// Literals and 参数, combined by arithmetic and built-ins: known when the edition is built.
bool constant(const Edition& ed, const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::Number: return true;
    case K::Name: return ed.notes[e].ref == ast::RefKind::Param;
    case K::Negate:
    case K::Arith:
    case K::Call:
      for (const auto& a : e.args)
        if (!constant(ed, *a)) return false;
      return true;
    default: return false;
  }
}

class TableCheck {
 public:
  TableCheck(const Edition& ed, std::vector<Diagnostic>& out) : ed_(ed), out_(out), none_(ed.facts.size()) {}
  bool ok = true;

  void walk(const ast::Expr& e) {
    for (const auto& a : e.args) walk(*a);
    for (const auto& arm : e.arms) walk(*arm.value);
    if (e.kind == ast::ExprKind::Progressive) brackets(e);
  }

 private:
  std::optional<Decimal> value(const ast::Expr& e) {
    auto v = evaluate_expression(&ed_, e, none_);
    if (auto* err = std::get_if<EvalError>(&v)) {
      out_.push_back(make_diagnostic(Severity::Error, err->span, err->message));
      ok = false;
      return std::nullopt;
    }
    return std::get<Value>(v).number;
  }

  void brackets(const ast::Expr& e) {
    for (std::size_t i = 1; i < e.args.size(); ++i)
      if (!constant(ed_, *e.args[i])) return;
    std::vector<BracketRow> rows;
    for (const auto& b : e.brackets) {
      BracketRow r;
      if (b.upper >= 0) r.upper = value(*e.args[static_cast<std::size_t>(b.upper)]);
      auto rate = value(*e.args[static_cast<std::size_t>(b.rate)]);
      if (b.deduction >= 0) r.deduction = value(*e.args[static_cast<std::size_t>(b.deduction)]);
      if (!ok || !rate) return;
      r.rate = *rate;
      rows.push_back(std::move(r));
    }
    const char* unit = ed_.notes[e].type.kind == TypeKind::Money ? "元" : "";
    if (auto problem = check_brackets(rows, unit)) {
      const ast::Bracket& b = e.brackets[problem->row];
      const Span at = problem->at_deduction ? e.args[static_cast<std::size_t>(b.deduction)]->span : b.span;
      out_.push_back(make_diagnostic(Severity::Error, at, problem->message));
      ok = false;
    }
  }

  const Edition& ed_;
  std::vector<Diagnostic>& out_;
  FactValues none_;
};

}  // namespace

bool check_constant_tables(const Edition& ed, std::vector<Diagnostic>& diagnostics) {
  TableCheck check(ed, diagnostics);
  // for_each_expr_slot hands out the slots; nothing here changes them.
  for (const auto& m : ed.modules) ast::for_each_expr_slot(*m, [&](ast::ExprPtr& p) { check.walk(*p); });
  return check.ok;
}

}  // namespace kuan
