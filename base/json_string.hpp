// JSON text out: the one string escaper every JSON writer uses (CLI, API,
// allocate), so that all of them escape alike.
#pragma once

#include <string>
#include <string_view>

namespace kuan {

// Appends `s` as a JSON string: quotes, backslashes and control characters
// escaped; other bytes (UTF-8) copied as they are.
void append_json_string(std::string& out, std::string_view s);

// The same bytes written at `p`, which has room for 6 × s.size() + 2 of them
// (a control character takes six); returns their end.
char* write_json_string(char* p, std::string_view s);

}  // namespace kuan
