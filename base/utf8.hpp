// UTF-8 as Kuan reads and shows it: well-formedness, decoding, code-point
// columns and terminal display width. Display width and grapheme clusters come
// from utf8proc (Debian libutf8proc-dev), so that a caret after an emoji, a
// combining mark or a flag lands under the right column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kuan {

// Length of the well-formed UTF-8 sequence starting at text[i] (no overlong
// forms, surrogates or code points beyond U+10FFFF), or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

// Offset of the first byte that is not well-formed UTF-8, or npos.
std::size_t bad_utf8(std::string_view text);

// Decodes one UTF-8 code point starting at text[i]; advances i. Invalid bytes
// decode as U+FFFD and advance one byte, so callers never loop forever.
char32_t decode_utf8(std::string_view text, std::size_t& i);

// Terminal columns of one code point: 2 for East Asian wide and emoji, 0 for
// combining marks and other zero-width characters, else 1.
std::size_t display_width(char32_t c);

// End of the extended grapheme cluster (UAX #29) that starts at text[i]: what a
// reader sees as one character (e + U+0301, an emoji ZWJ sequence, a flag).
// A byte that is not UTF-8 is a cluster of its own.
std::size_t grapheme_end(std::string_view text, std::size_t i);
// Terminal columns of one grapheme cluster (as grapheme_end delimits it).
std::size_t cluster_width(std::string_view cluster);

// A position in a text as people count it: 1-based line, and 1-based column in
// code points (a byte that is not UTF-8 counts as one; a leading BOM does not count).
struct TextPosition {
  std::size_t line;
  std::size_t column;
};
TextPosition text_position(std::string_view text, std::size_t offset);
// Code points in a run of text (bytes that are not continuation bytes).
std::size_t count_code_points(std::string_view text);

// The message for input that is not UTF-8 (bad_utf8 found `bad_offset`):
// "无效的 UTF-8 编码", with a hint when the bytes look like GBK (what Chinese
// Excel writes by default).
std::string not_utf8_message(std::string_view bytes, std::size_t bad_offset);

}  // namespace kuan
