// Checking a range table, 按 X { 50万元(含) 以下 => …, … }: the types of its
// subject, ends and values. Whether the ranges leave gaps or overlap needs the
// ends' values, known once the edition is built: interpreter/tables.cpp.
#pragma once

#include "lang/check_brackets.hpp"

namespace kuan {

// The type of the arms' values (Error when they disagree, reported).
Type check_ranges(const ast::Expr& e, const OperandChecker& c, const Type* hint);

}  // namespace kuan
