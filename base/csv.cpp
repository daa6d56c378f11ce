// CSV as RFC 4180 has it: see csv.hpp.
#include "base/csv.hpp"

#include <algorithm>

namespace kuan {

namespace {

// A plain decimal number ([+-]digits[.digits][e[+-]digits]): a spreadsheet
// reads it as a number, never as a formula, so it is written as it is.
bool is_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  bool any = digits();
  if (i < s.size() && s[i] == '.') ++i, any = digits() || any;
  if (!any) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

}  // namespace

bool csv_formula_like(std::string_view s) {
  if (s.empty()) return false;
  const char c = s.front();
  return (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') && !is_number(s);
}

void put_csv_cell(std::string& out, std::string_view s) {
  // A cell a spreadsheet would run as a formula is neutralised as OWASP
  // recommends: a leading apostrophe makes it text (docs/cli-json.md, "CSV").
  const bool neutralise = csv_formula_like(s);
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    if (neutralise) out += '\'';
    out += s;
    return;
  }
  out += '"';
  if (neutralise) out += '\'';
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// One CSV record (RFC 4180: a quoted cell may hold commas, "" and newlines).
// Returns the offset of a malformed quote, or npos.
std::size_t split_csv(std::string_view rec, std::vector<std::string>& cells, std::vector<std::size_t>& starts) {
  cells.clear();
  starts.clear();
  std::size_t i = 0;
  for (;;) {
    starts.push_back(i);
    std::string& cell = cells.emplace_back();
    if (i < rec.size() && rec[i] == '"') {
      for (++i;; ++i) {
        if (i >= rec.size()) return starts.back();  // no closing quote
        if (rec[i] != '"') {
          cell += rec[i];
        } else if (i + 1 < rec.size() && rec[i + 1] == '"') {
          cell += '"', ++i;
        } else {
          break;
        }
      }
      ++i;
      if (i < rec.size() && rec[i] != ',') return i;
    } else {
      const std::size_t end = std::min(rec.find(',', i), rec.size());
      if (const std::size_t quote = rec.find('"', i); quote < end) return quote;  // a quote inside a bare cell
      // Spaces and tabs around a bare cell are layout ("a, b" as people type it;
      // Excel and pandas' skipinitialspace read it so): the value is what is
      // between them, and its position the first byte of that.
      std::size_t first = i, last = end;
      while (first < last && (rec[first] == ' ' || rec[first] == '\t')) ++first;
      while (last > first && (rec[last - 1] == ' ' || rec[last - 1] == '\t')) --last;
      starts.back() = first;
      cell.assign(rec.substr(first, last - first));
      i = end;
    }
    if (i >= rec.size()) return std::string_view::npos;
    ++i;  // the comma
  }
}

std::size_t CsvScanner::scan(std::string_view segment, std::size_t base) {
  for (std::size_t i = 0; i < segment.size(); ++i) {
    const char c = segment[i];
    switch (state_) {
      case State::CellStart:
        if (c == '"') state_ = State::Quoted, open_quote_ = base + i;
        else if (c != ',') state_ = State::Bare;
        break;
      case State::Bare:
        if (c == ',') state_ = State::CellStart;
        else if (c == '"') return base + i;  // a quote may only open a cell
        break;
      case State::Quoted:
        if (c == '"') state_ = State::QuoteInQuoted;
        break;
      case State::QuoteInQuoted:  // "" is a quote; else the cell has closed
        if (c == '"') state_ = State::Quoted;
        else if (c == ',') state_ = State::CellStart;
        else if (!(c == '\r' && i + 1 == segment.size())) return base + i;  // text after a closing quote
        break;
    }
  }
  return npos;
}

}  // namespace kuan
