// Built-in functions of the rule language (min/max, abs, explicit rounding):
// their names and static type rules, which the checker uses. What they compute
// is the standard library's (stdlib/builtins.hpp, a layer above): it switches
// over the same Builtin, so a function added here and not there fails to
// compile (-Wswitch).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lang/types.hpp"

namespace kuan {

enum class Builtin { Min, Max, Round, RoundHalfUp, RoundHalfEven, RoundDown, RoundUp, Abs };

std::optional<Builtin> find_builtin(std::string_view name);

// The result type, or a message saying what is wrong with the arguments.
std::variant<Type, std::string> builtin_type(Builtin fn, const std::vector<Type>& args);

}  // namespace kuan
