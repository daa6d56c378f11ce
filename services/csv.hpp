// CSV cells as facts: the typed side of batch CSV input. The format itself
// (cells, quoting, records across lines) is base/csv.hpp.
#pragma once

#include <string_view>

#include "base/csv.hpp"
#include "base/utf8.hpp"  // bad_utf8, not_utf8_message
#include "interpreter/json_input.hpp"
#include "lang/edition.hpp"

namespace kuan {

// A CSV cell as the JSON value it stands for, by the fact's type, for the
// conversion every fact goes through (convert_fact): booleans 是/否/true/false
// (any case); integers as numbers; money may carry thousands separators
// ("1,234,567.89", CSV only: spreadsheets write them). Other cells stay text.
json::Scalar csv_cell_value(const Edition& edition, int slot, std::string_view cell);

}  // namespace kuan
