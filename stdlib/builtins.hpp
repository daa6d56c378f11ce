// The standard library: what each built-in function of the rule language
// computes. Its name and type rule are the language's (lang/builtin_types.hpp).
#pragma once

#include <optional>
#include <span>
#include <string>

#include "lang/builtin_types.hpp"
#include "lang/value.hpp"

namespace kuan {

// `edition_mode` is what 舍入(x, step) uses: the edition's declared rounding.
// Returns nullopt with `error` set for a runtime failure (a step that is not positive).
std::optional<Value> call_builtin(Builtin fn, std::span<const Value> args, RoundingMode edition_mode,
                                  std::string& error);

}  // namespace kuan
