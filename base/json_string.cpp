#include "base/json_string.hpp"

#include <cstdio>

namespace kuan {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {  // runs that need no escape are copied whole
    std::size_t j = i;
    while (j < s.size() && s[j] != '"' && s[j] != '\\' && static_cast<unsigned char>(s[j]) >= 0x20) ++j;
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
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out += '"';
}

}  // namespace kuan
