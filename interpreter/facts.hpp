// Turning an application's facts (as read from JSON, or typed in a REPL) into
// typed values, with the checks the spec requires: money ≥ 0, rates within
// 0–100%, integers whole, enumerations one of their values, no unknown names.
// Every message names the fact.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "interpreter/evaluator.hpp"
#include "interpreter/json_input.hpp"
#include "lang/edition.hpp"

namespace kuan {

// A JSON number in any form JSON allows ("1234.5", "-5", "6.39324688E+6",
// "1.5E-2"), read exactly. Exponents beyond ±kMaxJsonExponent are refused:
// they would spell out numbers of that many digits.
inline constexpr long long kMaxJsonExponent = 4000;
std::optional<Decimal> parse_json_number(std::string_view text);

// Money with an optional unit ("1234.56", "120万元", "2.5亿元", "800元") or a
// rate ("0.3", "30%", "1.2个百分点"): exact, never through binary floating point.
std::optional<Decimal> parse_money_text(std::string_view text);
std::optional<Decimal> parse_rate_text(std::string_view text);

// Converts one JSON value for the fact in `slot`; on failure returns the message.
std::variant<Value, std::string> convert_fact(const Edition& edition, int slot, const json::Scalar& value);

// What a money or rate fact may not be, whoever gives it (JSON, CSV, the API, a
// 例): the rest of its message after "事实 NAME" ("的金额不能为负"), or null.
const char* fact_range_problem(TypeKind kind, const Decimal& value);

// A list fact's JSON array (each element an object of its fields, every field
// given); on failure the message names the fact, the item and the field.
std::variant<ListValue, std::string> convert_list(const Edition& edition, int slot, const json::Scalar& value);

// All fields of a facts object; fails on the first unknown or malformed fact,
// and then says which kind of problem it was (UnknownFact or BadFact) in `kind`
// and where it is in `at`: the unknown name's key_at, the bad value's value_at.
std::variant<FactValues, std::string> bind_facts(const Edition& edition, const std::vector<json::Field>& fields,
                                                 ErrorKind* kind = nullptr, std::size_t* at = nullptr);

}  // namespace kuan
