// The REPL session's small helpers shared by the files it is split into:
// services/session.cpp (loading, input, evaluation, inline definitions) and
// services/session_commands.cpp (the :commands and the terminal's helpers).
// Internal to services/session*.cpp; the interface is services/session.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "services/session.hpp"

namespace kuan::repl {

// White space at s[i] (ASCII or the ideographic space U+3000); its length in `len`.
bool is_space_at(std::string_view s, std::size_t i, std::size_t* len);
// `s` without white space (ASCII or U+3000) at either end.
std::string trim(std::string_view s);
std::string join(const std::vector<std::string>& v, const char* sep = "、");

// A reply that is a mistake, and one that is not.
Reply fail(std::string text);
Reply said(std::string text, Kind kind);

// The edition a selection (a version name or a date, else the current one) picks; with
// both, the version (the date is then the applications' only).
const Edition* choose(const Policy& policy, const Selection& s, std::string& error);
// "申请日期:D" (the selection's date) or "申请日期:今天(D,中国标准时间)", a line.
std::string application_date(const Selection& s);
// 版本 NAME(施行 FROM 至 TO,N 项措施)
std::string edition_summary(const Edition& ed);

}  // namespace kuan::repl
