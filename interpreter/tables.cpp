#include "interpreter/tables.hpp"

#include "interpreter/evaluator.hpp"
#include "base/date.hpp"
#include "stdlib/brackets.hpp"
#include "stdlib/ranges.hpp"

namespace kuan {

namespace {

// Literals and 参数, combined by arithmetic and built-ins: known when the edition is built.
bool constant(const Edition& ed, const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::Number:
    case K::Date: return true;
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
    if (e.kind == ast::ExprKind::Ranges) ranges(e);
  }

 private:
  std::optional<Decimal> value(const ast::Expr& e) {
    auto v = evaluate_expression(&ed_, e, none_);
    if (auto* err = std::get_if<EvalError>(&v)) {
      out_.push_back(make_diagnostic(Severity::Error, err->span, err->message));
      ok = false;
      return std::nullopt;
    }
    const Value& x = std::get<Value>(v);
    return x.kind == TypeKind::Date ? Decimal::from_int(x.small) : x.number;
  }

  void error(const Span& at, std::string message) {
    out_.push_back(make_diagnostic(Severity::Error, at, std::move(message)));
    ok = false;
  }

  // A range table's ends are constants, so its gaps and overlaps are known now.
  void ranges(const ast::Expr& e) {
    const Type& subject = ed_.notes[*e.args[0]].type;
    bool constants = true;
    for (std::size_t i = 1; i < e.args.size(); ++i)
      if (!constant(ed_, *e.args[i])) {
        error(e.args[i]->span, "区间的端点须是常量(数字、日期或参数),这里是 " + std::string(span_text(e.args[i]->span)));
        constants = false;
      }
    if (!constants) return;
    std::vector<RangeRow> rows;
    for (const auto& arm : e.arms) {
      RangeRow r;
      r.otherwise = arm.otherwise;
      r.lower_inclusive = arm.lower.inclusive, r.upper_inclusive = arm.upper.inclusive;
      if (arm.lower.arg >= 0 && !(r.lower = value(*e.args[static_cast<std::size_t>(arm.lower.arg)]))) return;
      if (arm.upper.arg >= 0 && !(r.upper = value(*e.args[static_cast<std::size_t>(arm.upper.arg)]))) return;
      rows.push_back(std::move(r));
    }
    RangeDomain domain;
    domain.discrete = subject.kind == TypeKind::Integer || subject.kind == TypeKind::Date;
    // Money and rate facts are refused when negative (interpreter/facts.cpp).
    const bool fact = e.args[0]->kind == ast::ExprKind::Name && ed_.notes[*e.args[0]].ref == ast::RefKind::Fact;
    if (fact && (subject.kind == TypeKind::Money || subject.kind == TypeKind::Rate)) domain.min = Decimal::from_int(0);
    auto show = [&](const Decimal& d) -> std::string {
      switch (subject.kind) {
        case TypeKind::Money: {  // as a rule file writes it: 2亿元, 500万元, 12.5元
          for (const auto& [factor, unit] : {std::pair{Decimal::from_int(100000000), "亿元"}, std::pair{Decimal::from_int(10000), "万元"}}) {
            auto in_unit = d.divide(factor, d.scale(), RoundingMode::HalfUp);
            if (!d.is_zero() && in_unit && *in_unit * factor == d) return in_unit->normalized().to_string() + unit;
          }
          return d.normalized().to_string() + "元";
        }
        case TypeKind::Rate: return (d * Decimal::from_int(100)).normalized().to_string() + "%";
        case TypeKind::Date: {
          auto days = d.to_int64_at_scale(0);
          return days ? format_date(static_cast<std::int32_t>(*days)) : d.to_string();
        }
        default: return d.normalized().to_string();
      }
    };
    auto label = [&](std::size_t i) { return std::string(span_text(e.arms[i].pattern_span)); };
    for (const auto& p : check_ranges(rows, domain, show, label)) {
      const ast::MatchArm& arm = e.arms[p.row];
      error(arm.otherwise ? Span{arm.span.file, arm.span.begin, arm.span.begin + 6} : arm.pattern_span, p.message);
    }
  }

  // A 累进's own brackets (operands after its base) or a 累进表's table (operands
  // from the first; always constant); 累进 X 按 N has none of its own.
  void brackets(const ast::Expr& e) {
    if (e.brackets.empty()) return;
    const ast::Bracket& first = e.brackets.front();
    for (std::size_t i = static_cast<std::size_t>(first.upper >= 0 ? first.upper : first.rate); i < e.args.size(); ++i)
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
