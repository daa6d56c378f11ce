// Checking a 累进 expression (progressive brackets): kept apart from the
// checker's walk, which hands over how to check an operand and report.
#pragma once

#include <functional>
#include <string>

#include "lang/ast.hpp"

namespace kuan {

struct OperandChecker {
  std::function<Type(const ast::Expr&, const Type* hint)> check;
  std::function<void(const Span&, std::string)> error;
  std::function<std::string(const Type&)> describe;
};

// The type of `累进 X { … }`: 金额 over money, 数值 over a plain number.
Type check_progressive(const ast::Expr& e, const OperandChecker& c);

}  // namespace kuan
