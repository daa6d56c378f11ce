// Calendar dates as Kuan uses them: days since 1970-01-01 (proleptic
// Gregorian), written YYYY-MM-DD.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kuan {

// "2025-07-01" → days; nothing for anything else (including 2025-02-30).
std::optional<std::int32_t> parse_date(std::string_view text);
std::string format_date(std::int32_t days);
// The calendar day in China Standard Time (UTC+8, no daylight saving) at a
// moment given as seconds since 1970-01-01 UTC: policies are dated in Hangzhou,
// whatever the machine's time zone.
std::int32_t china_standard_day(std::int64_t unix_seconds);

// The one wording of a date that is not a day, wherever one is given:
// "WHAT 的日期无效:SHOWN(格式 YYYY-MM-DDALSO)". WHAT says where it was given
// (--as-of, "as_of", as_of …; empty: "日期无效:…"); SHOWN is the text as the
// caller quotes and escapes it ("\"2025-02-30\"", Python's repr; empty: left out
// with its colon); ALSO adds to the format (",或 今天").
std::string bad_date_message(std::string_view what, std::string_view shown = {}, std::string_view also = {});

}  // namespace kuan
