#include "base/utf8.hpp"

#include <algorithm>
#include <cstring>
#include <utf8proc.h>

namespace kuan {

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + i;
  const std::size_t n = text.size() - i;
  const unsigned c = s[0];
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if ((s[k] & 0xC0) != 0x80) return 0;
  return len;
}

std::size_t bad_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII runs are the common case
      ++i;
      continue;
    }
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

char32_t decode_utf8(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) -> int {
    if (i + k >= s.size()) return -1;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 < 0x80) { ++i; return b0; }
  if ((b0 & 0xE0) == 0xC0) {
    int c1 = cont(1);
    if (c1 >= 0) { i += 2; return (char32_t(b0 & 0x1F) << 6) | c1; }
  } else if ((b0 & 0xF0) == 0xE0) {
    int c1 = cont(1), c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) { i += 3; return (char32_t(b0 & 0x0F) << 12) | (c1 << 6) | c2; }
  } else if ((b0 & 0xF8) == 0xF0) {
    int c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      i += 4;
      return (char32_t(b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    }
  }
  ++i;
  return 0xFFFD;
}

std::size_t display_width(char32_t c) {
  if (c > 0x10FFFF) return 1;
  return static_cast<std::size_t>(utf8proc_charwidth(static_cast<utf8proc_int32_t>(c)));
}

std::size_t grapheme_end(std::string_view text, std::size_t i) {
  std::size_t len = utf8_sequence_length(text, i);
  if (len == 0) return i + 1;
  std::size_t j = i;
  char32_t previous = decode_utf8(text, j);
  utf8proc_int32_t state = 0;
  while (j < text.size()) {
    if (utf8_sequence_length(text, j) == 0) break;
    std::size_t k = j;
    const char32_t c = decode_utf8(text, k);
    if (utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(previous), static_cast<utf8proc_int32_t>(c), &state))
      break;
    previous = c;
    j = k;
  }
  return j;
}

std::size_t cluster_width(std::string_view cluster) {
  // A cluster occupies the cell of its widest code point; terminals draw a
  // presentation selector (U+FE0F) and a pair of regional indicators (a flag)
  // as an emoji, two columns.
  std::size_t width = 0, indicators = 0;
  for (std::size_t i = 0; i < cluster.size();) {
    const char32_t c = decode_utf8(cluster, i);
    if (c == 0xFE0F) width = std::max<std::size_t>(width, 2);
    if (c >= 0x1F1E6 && c <= 0x1F1FF) ++indicators;
    width = std::max(width, display_width(c));
  }
  return indicators >= 2 ? std::max<std::size_t>(width, 2) : width;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

TextPosition text_position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, line_start = 0;
  for (const char* p = text.data(); const void* nl = std::memchr(p, '\n', text.data() + offset - p);) {
    p = static_cast<const char*>(nl) + 1;
    line_start = static_cast<std::size_t>(p - text.data());
    ++line;
  }
  if (line_start == 0 && text.substr(0, 3) == "\xEF\xBB\xBF" && offset >= 3) line_start = 3;  // not a visible column
  return {line, 1 + count_code_points(text.substr(line_start, offset - line_start))};
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
  return "无效的 UTF-8 编码:文件不是 UTF-8,可能是 GBK(用 kuan 的 --encoding gbk 读入,或在 Excel 中另存为「CSV UTF-8」)";
}

}  // namespace kuan
