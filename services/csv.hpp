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
// money may also be written as spreadsheets show it: ￥480,000.00 or ¥480,000.00.
json::Scalar csv_cell_value(const Edition& edition, int slot, std::string_view cell);

// The column a CSV header cell names: id, measure, as_of and applicant also by
// their Chinese names (编号, 措施, 日期, 申请人); any other cell as it is (a fact,
// or a column that is not one).
std::string_view csv_column_name(std::string_view header_cell);
bool csv_special_column(std::string_view name);  // id, measure, as_of, applicant

// A header cell that is neither special nor a fact of `edition`: "" when it is
// a column to pass by (企业名称), else why it is refused — a name so close to a
// fact that it is surely that fact misspelt (CSV 表头中的未知的事实 X(是不是 Y?)).
std::string csv_foreign_column_problem(const Edition& edition, std::string_view name);

}  // namespace kuan
