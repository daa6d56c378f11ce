// Built-in functions of the rule language: min/max and explicit rounding.
// Each has a static type rule (used by the checker) and an implementation
// (used by the evaluator); both live here so they cannot drift apart.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lang/value.hpp"
#include "lang/types.hpp"

namespace kuan {

enum class Builtin { Min, Max, Round, RoundHalfUp, RoundHalfEven, RoundDown, RoundUp, Abs };

std::optional<Builtin> find_builtin(std::string_view name);
std::vector<std::string> builtin_names();

// The result type, or a message saying what is wrong with the arguments.
std::variant<Type, std::string> builtin_type(Builtin fn, const std::vector<Type>& args);

// `edition_mode` is what 舍入(x, step) uses: the edition's declared rounding.
// Returns nullopt with `error` set for a runtime failure (a step that is not positive).
std::optional<Value> call_builtin(Builtin fn, std::span<const Value> args, RoundingMode edition_mode,
                                  std::string& error);

}  // namespace kuan
