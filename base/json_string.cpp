#include "base/json_string.hpp"

#include <cstdint>
#include <cstring>
#include <fmt/format.h>

namespace kuan {

namespace {

// Where the run of bytes from i that need no escape ends: eight bytes at a
// time while eight remain (the lowest byte flagged is exact), then one by one.
std::size_t plain_run(std::string_view s, std::size_t i) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    const std::uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    const std::uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x);
    if (hit & highs) return i + static_cast<std::size_t>(__builtin_ctzll(hit & highs) >> 3);
  }
  while (i < s.size() && s[i] != '"' && s[i] != '\\' && static_cast<unsigned char>(s[i]) >= 0x20) ++i;
  return i;
}

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {  // runs that need no escape are copied whole
    const std::size_t j = plain_run(s, i);
    out.append(s.data() + i, j - i);
    if (j == s.size()) break;
    i = j + 1;
    switch (const char c = s[j]) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {  // other control characters
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
      }
    }
  }
  out += '"';
}

char* write_json_string(char* p, std::string_view s) {
  *p++ = '"';
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t j = plain_run(s, i);
    std::memcpy(p, s.data() + i, j - i);
    p += j - i;
    if (j == s.size()) break;
    i = j + 1;
    *p++ = '\\';
    switch (const char c = s[j]) {  // as append_json_string escapes them
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        std::memcpy(p, "u00", 3);
        p[3] = kHex[u >> 4], p[4] = kHex[u & 15];
        p += 5;
      }
    }
  }
  *p++ = '"';
  return p;
}

}  // namespace kuan
