// CSV as RFC 4180 has it, for batch input and output: a cell is bare (no
// quote in it) or quoted from its first byte ("" inside is one quote; commas
// and newlines are kept); nothing may follow a closing quote but a comma or
// the end of the record.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kuan {

// Quotes the cell when it holds a comma, a quote or a line break. Every CSV
// writer goes through here, so every CSV Kuan writes (eval --batch CSV,
// --excel, allocate) is safe to open in a spreadsheet: a cell that begins with
// = + - @, a tab or a carriage return and is not a number (csv_formula_like)
// gets a leading apostrophe, as OWASP recommends for CSV injection.
void put_csv_cell(std::string& out, std::string_view s);
bool csv_formula_like(std::string_view s);

// One record into cells and each cell's byte offset. A bare cell loses the spaces
// and tabs around it (a quoted one keeps all it holds). Returns the offset of a
// quote out of place (inside a bare cell, unclosed, or followed by text), or npos.
std::size_t split_csv(std::string_view rec, std::vector<std::string>& cells, std::vector<std::size_t>& starts);

// A record with nothing in it: only commas, spaces and tabs — the rows a
// spreadsheet writes below the data when cells there were ever touched
// (",,,,,"). Readers skip it as they skip a blank line.
inline bool csv_blank_record(std::string_view rec) { return rec.find_first_not_of(", \t") == std::string_view::npos; }

// Finds where records end in a stream read in pieces: feed each line's bytes
// (without its '\n'); a '\n' ends the record unless in_quotes().
class CsvScanner {
 public:
  static constexpr std::size_t npos = std::string_view::npos;
  // `base` is the segment's offset within the record. Returns the offset
  // within the record of a quote out of place, or npos.
  std::size_t scan(std::string_view segment, std::size_t base);
  bool in_quotes() const { return state_ == State::Quoted; }
  std::size_t open_quote() const { return open_quote_; }  // where the unclosed cell began
  void next_record() { state_ = State::CellStart; }

 private:
  enum class State { CellStart, Bare, Quoted, QuoteInQuoted };
  State state_ = State::CellStart;
  std::size_t open_quote_ = 0;
};

}  // namespace kuan
