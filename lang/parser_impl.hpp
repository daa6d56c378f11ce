// The parser's converter from PEGTL's parse tree to the typed AST, shared by
// the files it is split into (one concern each, named below); the parser's
// interface is lang/parser.hpp. Internal to lang/parser*.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/source.hpp"
#include "lang/ast.hpp"
#include "lang/grammar.hpp"
#include "lang/parse_node.hpp"

namespace kuan::parse {

namespace g = grammar;

// Raised while converting when a token is well-formed for the grammar but not
// meaningful (a date like 2025-02-30, a number with a leading zero).
struct ConvertError {
  Span span;
  std::string message;
};

// Too long an operator chain or too deep a nesting (the converter's bound and
// PEGTL's nesting limit say the same).
std::string too_deep_message();

// An expression while the parser still fills it in; stored as ast::ExprPtr.
using Built = std::unique_ptr<ast::Expr>;

// One parse tree to AST nodes; expressions are numbered from the id it starts at.
// Each conversion function names the grammar rule it reads (lang/grammar.hpp).
class Converter {
 public:
  Converter(const SourceFile* file, std::uint32_t first_id) : file_(file), next_id_(first_id) {}
  std::uint32_t next_id() const { return next_id_; }

  // parser.cpp: reading the parse tree
  Span span_of(const Node& n) const {
    return Span{file_, static_cast<std::uint32_t>(n.begin().byte), static_cast<std::uint32_t>(n.end().byte)};
  }
  // Structural nodes end after trailing white space; the tight span of an
  // expression runs from its first to its last leaf.
  Span tight(const Node& n) const {
    if (n.children.empty()) return span_of(n);
    Span s = span_of(n);
    s.end = tight(*n.children.back()).end;
    return s;
  }
  // Just past the '}' that closes a 按 { … }: skips blanks, commas and comments
  // after the last arm (the grammar guarantees the brace is there).
  std::uint32_t closing_brace_after(std::uint32_t pos, char ascii = '}', const char* wide = "｝") const;
  std::string string_value(const Node& n) const;
  // From the node's first byte to the end of its last converted operand (whose
  // span already covers any parentheses).
  Span through_last(const Node& n, const std::vector<ast::ExprPtr>& args) const {
    Span s = span_of(n);
    s.end = args.back()->span.end;
    return s;
  }
  static std::string text(const Node& n) { return std::string(n.string_view()); }
  const Node& child(const Node& n, std::size_t i) const { return *n.children.at(i); }
  template <typename Rule>
  const Node* find(const Node& n) const {
    for (const auto& c : n.children)
      if (c->is_type<Rule>()) return c.get();
    return nullptr;
  }
  ast::NamedSpan named(const Node& identifier) const { return {text(identifier), span_of(identifier)}; }
  std::string where(const Span& s) const { return position_text(s); }

  // parser_expressions.cpp: expression -> … (literals, operators, 按, 累进, aggregates)
  Built number(const Node& n) const;
  Built leaf(ast::ExprKind kind, const Node& n) const;
  static void bound(ast::Expr& e, int child_depth);
  Built node(ast::ExprKind kind, Span span, std::vector<ast::ExprPtr> args) const;
  Built expr(const Node& n) const;
  Built aggregate(const Node& n) const;
  Built progressive(const Node& n) const;
  void brackets(const Node& n, std::size_t first, ast::Expr& e) const;
  ast::MatchArm arm(const Node& n, ast::Expr& e) const;
  void patterns(const Node& n, ast::Expr& e, ast::MatchArm& a) const;
  void refusal(const Node& n, std::string& text, ast::ExprPtr& by, std::vector<std::string>& texts) const;
  void range(const Node& p, ast::Expr& e, ast::MatchArm& a) const;
  void ranges_or_values(ast::Expr& e) const;

  // parser_declarations.cpp: statement, declaration -> … (headers, facts, measures, limits, 例, 性质, clauses)
  ast::LimitDecl cap(const Node& n, bool stacking) const;
  ast::ExprPtr name_expr(const ast::NamedSpan& n) const;
  ast::LimitDecl limit(const Node& n) const;
  template <typename Decl>
  void type_of(const Node& t, Decl& f) const;
  ast::FactDecl fact(const Node& n) const;
  std::int32_t day(const Node& d) const;
  ast::InForce in_force(const Node& c, const std::optional<ast::InForce>& earlier, const char* where) const;
  ast::MeasureDecl measure(const Node& n, int clause) const;
  ast::ExampleFact example_fact(const Node& c) const;
  ast::ExampleDecl example(const Node& n) const;
  ast::PropertyDecl property(const Node& n) const;
  void declaration(const Node& c, ast::Module& m, int clause) const;
  void revision(const Node& c, ast::Module& m) const;
  ast::ClauseDecl clause_head(const Node& c) const;
  bool clause_text(const Node& item, ast::ClauseDecl& cl) const;
  template <typename T>
  void first_header(const std::optional<ast::Located<T>>& slot, const Span& again, const char* what) const;
  void statement(const Node& c, ast::Module& m) const;

 private:
  const SourceFile* file_;
  mutable std::uint32_t next_id_;  // the next expression's id (ast::Expr::id)
};

}  // namespace kuan::parse
