// Name resolution and type checking of an edition, before anything runs:
// units (金额 × 比例 → 金额, 金额 × 金额 is an error), undefined names, cycles
// between definitions, unhandled enumeration values, rate literals outside
// 0–100%, unused facts (a warning).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "lang/edition.hpp"
#include "base/source.hpp"

namespace kuan {

struct CheckedEdition {
  bool ok = false;               // no errors: the edition given is filled
  std::vector<int> param_order;  // parameters in dependency order
  std::vector<Diagnostic> diagnostics;
};

// Checks the modules into `edition`, a new one of the caller's (an Edition is
// the base of what a later stage builds: lang/edition.hpp). On errors it is
// left part filled and must not be used.
CheckedEdition check_edition(std::vector<std::unique_ptr<ast::Module>> modules, Edition& edition);

// Checks one free-standing expression (the REPL's input) against an edition;
// `edition` may be null (then only literals and built-ins are known). The
// expression is not changed: the result holds a checked copy, to evaluate with
// evaluate_expression. Null, with diagnostics added, on error.
std::optional<CheckedExpression> check_expression(const Edition* edition, const ast::Expr& expr,
                                                  std::vector<Diagnostic>& diagnostics);

bool has_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace kuan
