// ast_fingerprint: the parsed tree written out field by field, positions left
// out, so that `kuan fmt` can prove it changed nothing but layout.
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "lang/format.hpp"

namespace kuan {
namespace {

class Dumper {
 public:
  std::string out;

  void str(std::string_view tag, std::string_view s) { fmt::format_to(std::back_inserter(out), "{}<{}:{}>", tag, s.size(), s); }
  void num(std::string_view tag, long long v) { fmt::format_to(std::back_inserter(out), "{}={} ", tag, v); }
  void names(std::string_view tag, const std::vector<ast::NamedSpan>& v) {
    out += tag;
    out += '[';
    for (const auto& n : v) str("", n.name);
    out += ']';
  }

  void in_force(const std::optional<ast::InForce>& f) {
    if (!f) return;
    num("in_force", f->from);
    num("to", f->to ? *f->to : -1);
  }

  // A refusal's text, or for 按 X { … } the table, not its layout (`text` is then its source text).
  void refusal(const std::string& text, const ast::ExprPtr& by, const std::vector<std::string>& texts) {
    if (!by) return str("else", text);
    expr(by);
    for (const auto& t : texts) str("else", t);
  }
  void expr(const ast::ExprPtr& e) {
    if (!e) {
      out += "null ";
      return;
    }
    out += '(';
    num("k", static_cast<int>(e->kind));
    switch (e->kind) {
      case ast::ExprKind::Number:
        str("n", e->number.to_string());
        num("u", static_cast<int>(e->unit));
        num("per", static_cast<int>(e->per));
        break;
      case ast::ExprKind::Boolean: num("b", e->boolean); break;
      case ast::ExprKind::Date: num("d", e->date); break;
      case ast::ExprKind::Arith: num("op", static_cast<int>(e->arith)); break;
      case ast::ExprKind::Compare: num("op", static_cast<int>(e->compare)); break;
      case ast::ExprKind::Aggregate:
        num("agg", static_cast<int>(e->aggregate));
        num("v", e->has_value);
        num("w", e->has_filter);
        break;
      default: break;
    }
    str("name", e->name);
    for (const auto& a : e->args) expr(a);
    for (const auto& arm : e->arms) {
      out += "arm";
      num("other", arm.otherwise);
      names("p", arm.patterns);
      if (e->kind == ast::ExprKind::Ranges)
        num("lo", arm.lower.arg), num("loin", arm.lower.inclusive), num("hi", arm.upper.arg), num("hiin", arm.upper.inclusive);
      expr(arm.value);
    }
    for (const auto& b : e->brackets) {
      out += "bracket";
      num("u", b.upper), num("r", b.rate), num("d", b.deduction);
    }
    out += ')';
  }

  void header(ast::Revision r, std::string_view kind, const std::string& name) {
    out += '\n';
    out += kind;
    num("rev", static_cast<int>(r));
    str("name", name);
  }

  void limit(const ast::LimitDecl& c) {
    header(c.revision, "limit", c.name);
    num("spelling", static_cast<int>(c.spelling));
    num("what", static_cast<int>(c.what));
    num("scope", static_cast<int>(c.scope));
    if (c.group) str("group", c.group->name);
    num("period", static_cast<int>(c.period));
    num("from", c.period_from);
    num("to", c.period_to);
    num("stack", c.stacking);
    expr(c.limit);
    expr(c.used);
    expr(c.when);
    names("covers", c.covers);
    num("action", static_cast<int>(c.action));
    refusal(c.refusal, c.refusal_by, c.refusals);
    if (c.score) str("score", c.score->name);
  }

  void module(const ast::Module& m) {
    if (m.base_edition) str("base", m.base_edition->value);
    for (const auto& r : m.removals) {
      num("remove", static_cast<int>(r.kind));
      str("", r.name);
    }
    if (m.policy) str("policy", m.policy->value);
    if (m.edition) str("edition", m.edition->value);
    if (m.status) num("status", static_cast<int>(m.status->value));
    if (m.effective_from) num("from", m.effective_from->value);
    if (m.effective_to) num("to", m.effective_to->value);
    if (m.rounding) num("rounding", static_cast<int>(m.rounding->value));
    expr(m.rounding_step);
    for (const auto& f : m.facts) {
      header(f.revision, "fact", f.name);
      num("kind", static_cast<int>(f.kind));
      num("time", static_cast<int>(f.time));
      names("enum", f.enum_values);
      for (const auto& field : f.fields) {
        str("field", field.name);
        num("kind", static_cast<int>(field.kind));
        names("enum", field.enum_values);
      }
      expr(f.default_value);
      num("opt", f.optional);
      str("label", f.label);
    }
    for (const auto& p : m.params) {
      header(p.revision, "param", p.name);
      expr(p.value);
      str("label", p.label);
    }
    for (const auto& d : m.defines) {
      header(d.revision, "define", d.name);
      expr(d.value);
    }
    for (const auto& x : m.schedules) {
      header(x.revision, "schedule", x.name);
      expr(x.table);
    }
    for (const auto& c : m.limits) limit(c);
    for (const auto& a : m.accumulations) {
      str("\naccumulate", a.fact.name);
      names("of", a.measures);
      str("year", a.year_total_of.name);
    }
    for (const auto* clauses : {&m.clauses, &m.clause_revisions}) {
      for (const auto& c : *clauses) {
        str(clauses == &m.clauses ? "\nclause" : "\nrevise clause", c.ref);
        str("title", c.title);
        str("text", c.text);
        str("responsible", c.responsible);
        in_force(c.in_force);
      }
    }
    for (const auto& ms : m.measures) {
      header(ms.revision, "measure", ms.name);
      str("title", ms.title);
      num("clause", ms.clause);
      if (ms.signed_result) out += "signed";
      in_force(ms.in_force);
      for (const auto& r : ms.requirements) {
        out += "require";
        expr(r.condition);
        refusal(r.reason, r.refusal, r.refusals);
      }
      names("needs", ms.needs);
      for (const auto& n : ms.conditional_needs) {
        names("need", n.facts);
        expr(n.when);
      }
      expr(ms.rate);
      expr(ms.base);
      expr(ms.amount);
      for (const auto& r : ms.results) {
        str("result", r.name);
        expr(r.value);
      }
      for (const auto& c : ms.limits) limit(c);
    }
    for (const auto& x : m.examples) {
      str("\nexample", x.measure);
      str("title", x.title);
      if (x.as_of) num("as_of", *x.as_of);
      for (const auto& f : x.facts) {
        str("fact", f.name);
        expr(f.value);
        num("list", f.list);
        for (const auto& item : f.items) {
          out += "item";
          for (const auto& field : item) {
            str("field", field.name);
            expr(field.value);
          }
        }
      }
      num("eligible", x.expect_eligible);
      expr(x.expected_amount);
      if (x.expected_bound) str("bound", x.expected_bound->name);
      num("unbound", x.expect_unbound);
      for (const auto& r : x.expected_results) {
        str("result", r.name);
        expr(r.value);
      }
      str("reason", x.expected_reason);
      if (x.expect_error) {
        out += "error";
        if (x.expected_error_code) str("code", x.expected_error_code->name);
        str("text", x.expected_error_text);
      }
    }
    for (const auto& v : m.validations) {
      out += "\nvalidation";
      num("clause", v.clause);
      expr(v.condition);
      refusal(v.message, v.refusal, v.refusals);
    }
    for (const auto& p : m.properties) {
      str("\nproperty", p.measure);
      str("title", p.title);
      str("for all", p.variable.name);
      expr(p.when);
      expr(p.holds);
    }
  }
};

}  // namespace

std::string ast_fingerprint(const ast::Module& module) {
  Dumper d;
  d.module(module);
  return std::move(d.out);
}

}  // namespace kuan
