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
// A named schedule's table (累进表 N { … }, ast::ScheduleDecl): its brackets, the
// bounds of one unit. Returns the type of its bounds — 金额 or 数值 — or an error.
Type check_schedule(const ast::Expr& table, const OperandChecker& c);
// `累进 X 按 N` of a schedule whose bounds are of type `unit`: X must be of that unit.
Type check_schedule_use(const ast::Expr& e, const Type& unit, const OperandChecker& c);

}  // namespace kuan
