// Source text → typed AST. PEGTL stays behind this header: it builds a parse
// tree, which is converted at once into ast::Module and then dropped.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/ast.hpp"
#include "base/source.hpp"

namespace kuan {

struct ParsedModule {
  std::unique_ptr<ast::Module> module;  // null when the file has a syntax error
  std::vector<Diagnostic> diagnostics;
};

// Expressions are numbered from `first_id` (ast::Expr::id): files that go into
// one edition are parsed with ranges that do not overlap (when they do, the
// checker numbers them afresh before checking).
ParsedModule parse_module(SourcePtr source, std::uint32_t first_id = 0);

// One expression alone (the REPL's input); the whole text must be the expression.
struct ParsedExpression {
  ast::ExprPtr expr;
  std::vector<Diagnostic> diagnostics;
};
ParsedExpression parse_expression(const SourcePtr& source);

// Whether text typed at the REPL is a whole entry, by the grammar: Complete
// when it parses (as statements, an expression or NAME = expression);
// Incomplete when the parser ran out of input inside an open { … } block or
// inside a 「…」/“…” text; Invalid when it has a mistake to report now.
enum class InputStatus { Complete, Incomplete, Invalid };
InputStatus input_status(std::string_view text);

}  // namespace kuan
