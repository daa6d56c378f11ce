// Source text → typed AST. PEGTL stays behind this header: it builds a parse
// tree, which is converted at once into ast::Module and then dropped.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lang/ast.hpp"
#include "lang/source.hpp"

namespace kuan {

struct ParsedModule {
  std::unique_ptr<ast::Module> module;  // null when the file has a syntax error
  std::vector<Diagnostic> diagnostics;
};

ParsedModule parse_module(SourcePtr source);

// One expression alone (the REPL's input); the whole text must be the expression.
struct ParsedExpression {
  ast::ExprPtr expr;
  std::vector<Diagnostic> diagnostics;
};
ParsedExpression parse_expression(const SourcePtr& source);

// Dates are days since 1970-01-01 (proleptic Gregorian).
std::optional<std::int32_t> parse_date(std::string_view text);
std::string format_date(std::int32_t days);
// The calendar day in China Standard Time (UTC+8, no daylight saving) at a
// moment given as seconds since 1970-01-01 UTC: policies are dated in Hangzhou,
// whatever the machine's time zone.
std::int32_t china_standard_day(std::int64_t unix_seconds);

}  // namespace kuan
