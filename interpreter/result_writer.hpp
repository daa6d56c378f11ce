// The bytes of append_result_json without an explanation (interpreter/render.hpp),
// fast, for many results of one edition (a batch). Each measure's constant
// pieces — its head up to the amount, each reason, each bound with what
// follows it to the end of the row (the note of a cap used up, the clause) —
// are escaped once, so a row is written in place from those pieces, its id and
// its amount's digits, with one capacity check. Anything else (another
// edition's result, one with 结果, an amount past 64 bits) goes through
// append_result_json; tests/test_result_writer.cpp holds them to the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/out_bytes.hpp"
#include "interpreter/result.hpp"

namespace kuan {

class ResultWriter {
 public:
  explicit ResultWriter(const Edition& edition);
  // append_result_json(out, edition, outcome, id, nullptr): the result, no newline.
  void append(std::string& out, const Edition& edition, const Outcome& outcome, const std::string_view* id) const;
  // The same result and '\n'. `id_plain`: the id holds nothing JSON escapes
  // (no '"', '\\' or control character), so it is copied as it is.
  void append_line(OutBytes& out, const Edition& edition, const Outcome& outcome, const std::string_view* id,
                   bool id_plain = false) const;

 private:
  struct Piece {  // bytes of text_
    std::uint32_t at = 0, size = 0;
  };
  struct Pieces {
    Piece head[2];  // "measure":…,"version":…,"eligible":false|true,"amount":"
    Piece no_reasons;  // ","reasons":[],
    std::vector<std::pair<const ast::Requirement*, Piece>> reasons;  // "reason"
    Piece unbound;  // "bound":null,"clause":…}\n
    // Per cap: "bound":"…","clause":…}\n, and the same with the note of a cap used up.
    std::vector<std::pair<const ast::LimitDecl*, Piece>> bounds, used_up;
    std::size_t longest_end = 0;  // the longest of unbound, bounds and used_up
  };
  Piece keep(std::string_view bytes);
  // The bytes a row of `o` takes at most, or 0 when it is not this writer's.
  std::size_t row_bound(const Edition& edition, const Outcome& o, const std::string_view* id, bool id_plain) const;
  // Writes the row (with '\n') at p; returns its end.
  char* put_row(char* p, const Outcome& o, const std::string_view* id, bool id_plain) const;
  char* put(char* p, Piece piece) const;
  const Edition& ed_;
  std::string text_;  // every piece, then padding (pieces are copied in whole 32-byte chunks)
  std::vector<Pieces> pieces_;
};

}  // namespace kuan
