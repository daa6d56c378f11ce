// CSV cells as facts: see csv.hpp.
#include "services/csv.hpp"

#include <algorithm>
#include <string>

namespace kuan {

namespace {
bool thousands_grouped(std::string_view t) {  // 1,234 or 12,345,678.9 — groups of three
  const std::size_t dot = t.find('.');
  const std::string_view whole = t.substr(0, dot);
  if (whole.empty() || whole.find(',') == std::string_view::npos) return false;
  std::size_t group = 0;
  for (std::size_t i = whole.size(); i-- > 0;) {
    if (whole[i] == ',') {
      if (group != 3 || i == 0) return false;
      group = 0;
    } else if (whole[i] >= '0' && whole[i] <= '9') {
      if (++group > 3 && whole.find(',', i) != std::string_view::npos) return false;
    } else {
      return false;
    }
  }
  return group >= 1 && group <= 3;
}
}  // namespace

std::string_view csv_column_name(std::string_view cell) {
  if (cell == "编号") return "id";
  if (cell == "措施") return "measure";
  if (cell == "日期") return "as_of";
  if (cell == "申请人") return "applicant";
  return cell;
}

bool csv_special_column(std::string_view name) {
  return name == "id" || name == "measure" || name == "as_of" || name == "applicant";
}

std::string csv_foreign_column_problem(const Edition& ed, std::string_view name) {
  if (ed.fact_hint(name).empty()) return "";
  return "CSV 表头中有" + ed.unknown_fact_message(name, name);
}

json::Scalar csv_cell_value(const Edition& ed, int slot, std::string_view cell) {
  using K = json::Scalar::Kind;
  json::Scalar v;
  v.kind = K::String;
  v.text = cell;
  switch (ed.facts[slot].type.kind) {
    case TypeKind::Bool: {
      std::string lower(cell);
      for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (lower == "true" || cell == "是") v.kind = K::Bool, v.boolean = true;
      else if (lower == "false" || cell == "否") v.kind = K::Bool, v.boolean = false;
      break;
    }
    case TypeKind::Integer: v.kind = K::Number; break;
    case TypeKind::Money: {
      std::string_view digits = cell;  // a currency sign as Excel's 货币 format writes it
      for (const std::string_view sign : {std::string_view("\uFFE5"), std::string_view("\u00A5")})
        if (digits.substr(0, sign.size()) == sign) digits.remove_prefix(sign.size());
      if (digits.size() != cell.size() || thousands_grouped(digits)) {
        v.text = digits;
        if (thousands_grouped(digits)) v.text.erase(std::remove(v.text.begin(), v.text.end(), ','), v.text.end());
      }
      break;
    }
    default: break;
  }
  return v;
}

}  // namespace kuan
