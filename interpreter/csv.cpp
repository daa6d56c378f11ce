// CSV as RFC 4180 has it: see csv.hpp.
#include "interpreter/csv.hpp"

#include <algorithm>

namespace kuan {

void put_csv_cell(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
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
      cell.assign(rec.substr(i, end - i));
      i = end;
    }
    if (i >= rec.size()) return std::string_view::npos;
    ++i;  // the comma
  }
}

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
    case TypeKind::Money:
      if (thousands_grouped(cell)) v.text.erase(std::remove(v.text.begin(), v.text.end(), ','), v.text.end());
      break;
    default: break;
  }
  return v;
}

std::string not_utf8_message(std::string_view bytes, std::size_t bad) {
  // GBK: a lead byte 0x81–0xFE and a trail byte 0x40–0xFE (not 0x7F), pair after pair.
  std::size_t pairs = 0, i = bad;
  while (i + 1 < bytes.size() && pairs < 8) {
    const auto lead = static_cast<unsigned char>(bytes[i]), trail = static_cast<unsigned char>(bytes[i + 1]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead < 0x81 || lead > 0xFE || trail < 0x40 || trail > 0xFE || trail == 0x7F) return "无效的 UTF-8 编码";
    ++pairs, i += 2;
  }
  if (pairs == 0) return "无效的 UTF-8 编码";
  return "无效的 UTF-8 编码:文件不是 UTF-8,可能是 GBK(请在 Excel 中另存为「CSV UTF-8」,或用 iconv -f GBK -t UTF-8 转换)";
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
