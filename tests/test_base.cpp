// base/: UTF-8, display width and grapheme clusters, positions, carets, JSON
// strings and dates — the layer everything else builds on.
#include <catch2/catch.hpp>

#include <functional>
#include <random>
#include <sstream>
#include <unordered_map>
#include <vector>
#include <string>

#include "base/arena.hpp"
#include "base/csv.hpp"
#include "base/name_groups.hpp"
#include "base/date.hpp"
#include "base/json_string.hpp"
#include "base/source.hpp"
#include "base/tally_table.hpp"
#include "base/utf8.hpp"

using namespace kuan;

namespace {

// The caret line of a diagnostic on the span [begin, end) of a one-line file.
std::string caret_line(const std::string& line, std::string_view at, std::size_t length) {
  const SourceFile file("t.kuan", line + "\n");
  const auto begin = static_cast<std::uint32_t>(line.find(at));
  REQUIRE(begin != std::string::npos);
  const Diagnostic d = make_diagnostic(Severity::Error, Span{&file, begin, static_cast<std::uint32_t>(begin + length)}, "m");
  std::istringstream lines(d.rendered);
  std::string head, excerpt, caret;
  std::getline(lines, head);
  std::getline(lines, excerpt);
  std::getline(lines, caret);
  CHECK(excerpt == line);
  return caret;
}

}  // namespace

TEST_CASE("display width: CJK and emoji two columns, combining marks none", "[base]") {
  CHECK(display_width(U'a') == 1);
  CHECK(display_width(U'款') == 2);
  CHECK(display_width(U'「') == 2);
  CHECK(display_width(0x1F600) == 2);  // 😀
  CHECK(display_width(0x0301) == 0);   // combining acute accent
  CHECK(display_width(0x200D) == 0);   // zero width joiner
}

TEST_CASE("grapheme clusters: a letter with its marks, emoji sequences and flags are one", "[base]") {
  const std::string e_acute = "e\xCC\x81";                                        // e + U+0301
  const std::string family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";  // 👨‍👩‍👧
  const std::string flag = "\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3";                     // 🇨🇳
  CHECK(grapheme_end(e_acute + "x", 0) == e_acute.size());
  CHECK(grapheme_end(family + "x", 0) == family.size());
  CHECK(grapheme_end(flag + "x", 0) == flag.size());
  CHECK(cluster_width(e_acute) == 1);
  CHECK(cluster_width(family) == 2);
  CHECK(cluster_width(flag) == 2);
  CHECK(grapheme_end("\xFF" "a", 0) == 1);  // a byte that is not UTF-8 stands alone
}

TEST_CASE("carets land right after emoji, combining marks and CJK", "[base]") {
  // Columns before 未知: `x = "` 5, the cluster, `" + ` 4.
  CHECK(caret_line("x = \"😀\" + 未知", "未知", 6) == std::string(11, ' ') + "^~~~");
  CHECK(caret_line("x = \"e\xCC\x81\" + 未知", "未知", 6) == std::string(10, ' ') + "^~~~");
  CHECK(caret_line("x = \"👨‍👩‍👧\" + 未知", "未知", 6) == std::string(11, ' ') + "^~~~");
  CHECK(caret_line("x = \"🇨🇳\" + 未知", "未知", 6) == std::string(11, ' ') + "^~~~");
  CHECK(caret_line("中文 = 未知", "未知", 6) == std::string(7, ' ') + "^~~~");
  // A span on the emoji itself covers its two columns.
  CHECK(caret_line("x = 😀", "😀", 4) == std::string(4, ' ') + "^~");
}

TEST_CASE("positions count code points, a BOM is not a column", "[base]") {
  CHECK(text_position("ab\n中文x", 9).line == 2);
  CHECK(text_position("ab\n中文x", 9).column == 3);
  CHECK(text_position("\xEF\xBB\xBF{}", 4).column == 2);
  CHECK(text_position("abc", 99).column == 4);  // clamped to the end
  const SourceFile f("f", "一二\n三x");
  CHECK(f.locate(f.text().find('x')).line == 2);
  CHECK(f.locate(f.text().find('x')).column == 2);
}

TEST_CASE("UTF-8 validation finds the first bad byte", "[base]") {
  CHECK(bad_utf8("款 ok") == std::string_view::npos);
  CHECK(bad_utf8("ab\xC0\x80") == 2);        // overlong
  CHECK(bad_utf8("a\xED\xA0\x80") == 1);     // surrogate
  CHECK(bad_utf8("ab\xE6\xAC") == 2);        // cut short
}

TEST_CASE("one JSON string escaper", "[base]") {
  std::string out;
  append_json_string(out, "a\"b\\c\n\t\x01款");
  CHECK(out == "\"a\\\"b\\\\c\\n\\t\\u0001款\"");
}

TEST_CASE("echo: a value quoted in a message shows no control character and is cut", "[base]") {
  // C0, DEL and C1 (U+009B is an 8-bit CSI) escaped; not UTF-8 as \xNN; CJK kept.
  CHECK(echo("a\x1b]0;x\x07\x7f\xc2\x9b" "31m款\xff") == "a\\u001B]0;x\\u0007\\u007F\\u009B31m款\\xFF");
  CHECK(echo("\xc2\xa0") == "\xc2\xa0");  // U+00A0 is no control character
  CHECK(echo(std::string(100, '9'), 5) == "99999…");
}

TEST_CASE("dates round trip and China Standard Time decides the day", "[base]") {
  REQUIRE(parse_date("2025-07-01"));
  CHECK(format_date(*parse_date("2025-07-01")) == "2025-07-01");
  CHECK(!parse_date("2025-02-30"));
  CHECK(format_date(china_standard_day(1735689600 - 8 * 3600)) == "2025-01-01");  // 00:00 in Hangzhou
  CHECK(format_date(china_standard_day(1735689600 - 8 * 3600 - 1)) == "2024-12-31");
}

TEST_CASE("allocate's tables: arena records and tally columns against the standard containers", "[base]") {
  // Enough entries that every table grows several times.
  std::mt19937_64 rng(7);
  Arena arena;
  std::unordered_map<std::string, std::uint64_t> refs;  // key -> its record in the arena
  std::unordered_map<std::string, std::string> seconds;  // a record is the key, a second string and an empty third, as allocate's are
  TallyColumns tallies;
  tallies.reset(3, 100000);  // tally 1 never added to: no memory, reads 0
  std::unordered_map<std::uint64_t, std::int64_t> sums;
  for (int i = 0; i < 400000; ++i) {
    const std::string key = "E" + std::to_string(rng() % 150000);
    const std::string second(rng() % 40, static_cast<char>('a' + i % 26));
    if (refs.emplace(key, 0).second) {
      refs[key] = arena.add_all({key, second, ""});
      seconds[key] = second;
    }
    const std::uint64_t t = rng() % 300000;
    const auto add = static_cast<std::int64_t>(rng() % 1000) - 300;
    if (t % 3 != 1) tallies.at(static_cast<std::uint32_t>(t / 3), static_cast<int>(t % 3)) += add, sums[t] += add;
  }
  for (const auto& [key, ref] : refs) {
    REQUIRE(arena.get(ref) == key);
    REQUIRE(Arena::next(arena.get(ref)) == seconds[key]);
    REQUIRE(Arena::next(Arena::next(arena.get(ref))).empty());
  }
  for (std::uint64_t t = 0; t < 300000; ++t) {
    const auto it = sums.find(t);
    REQUIRE(tallies.get(static_cast<std::uint32_t>(t / 3), static_cast<int>(t % 3)) == (it == sums.end() ? 0 : it->second));
  }
  tallies.clear();
  CHECK(tallies.get(5, 2) == 0);
  CHECK(tallies.at(5, 2) == 0);
  CHECK(arena.get(arena.add_all({std::string(5 << 20, 'x')})).size() == (5u << 20));  // larger than a block
}

TEST_CASE("allocate's name groups: equal names one group, different names apart, whatever the hashes", "[base]") {
  std::mt19937_64 rng(29);
  std::vector<std::string> names;
  for (int i = 0; i < 100000; ++i) {
    // A shared prefix, lengths around 8 and 16 bytes, NUL bytes inside, and the empty name.
    std::string name = "E" + std::to_string(rng() % 20000);
    name.resize(rng() % 20, static_cast<char>(rng() % 3 ? '7' : '\0'));
    names.push_back(std::move(name));
  }
  const std::hash<std::string> real;
  // Hashes that settle nothing (all equal), that collide often (by length),
  // that differ only below the index bits, and the real one.
  const std::vector<std::function<std::uint64_t(const std::string&)>> hashes = {
      [](const std::string&) { return std::uint64_t{42}; },
      [](const std::string& s) { return static_cast<std::uint64_t>(s.size()) << 40; },
      [&](const std::string& s) { return real(s) & 0xFFFF; },
      [&](const std::string& s) { return real(s); },
  };
  for (std::size_t h = 0; h < hashes.size(); ++h) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{1000}, names.size()}) {
      std::size_t hashed = 0, named = 0;  // both asked in index order
      const NameGroups g = group_names(
          n,
          [&](std::size_t i) {
            REQUIRE(i == hashed++);
            return hashes[h](names[i]);
          },
          [&](std::size_t i) -> std::string_view {
            REQUIRE(i == named++);
            return names[i];
          });
      REQUIRE(g.of.size() == n);
      std::unordered_map<std::string, std::uint32_t> group_of;  // name → its group, met in order
      std::vector<bool> used(g.first.size());
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t group = g.of[i];
        REQUIRE(group < g.first.size());
        const auto [it, fresh] = group_of.emplace(names[i], group);
        if (fresh) {  // a name met for the first time: a group of its own, this its first
          REQUIRE(!used[group]);
          used[group] = true;
          REQUIRE(g.first[group] == i);
        }
        REQUIRE(it->second == group);
      }
      REQUIRE(g.first.size() == group_of.size());
    }
  }
}

TEST_CASE("CSV records: spaces around a bare cell are layout, a quoted cell keeps all", "[base]") {
  std::vector<std::string> cells;
  std::vector<std::size_t> starts;
  CHECK(kuan::split_csv("a, b ,\t\tc,\" d \",, ", cells, starts) == std::string::npos);
  CHECK(cells == std::vector<std::string>{"a", "b", "c", " d ", "", ""});
  CHECK(starts == std::vector<std::size_t>{0, 3, 8, 10, 16, 18});  // where each value begins: the caret's place
  CHECK(kuan::split_csv(" \"a\"", cells, starts) == 1);  // a quote after spaces is inside a bare cell: out of place
  CHECK(kuan::split_csv("\"a\" ,b", cells, starts) == 3);  // nothing but a comma after a closing quote
}

TEST_CASE("a source's name is shown safe: control characters and bytes that are not UTF-8 escaped", "[base]") {
  CHECK(kuan::terminal_safe("规则/\xB9\xE6.kuan") == "规则/\\xB9\\xE6.kuan");
  CHECK(kuan::terminal_safe("a\x1b[31m\tb\n") == "a\\u{1B}[31m\tb\n");  // tabs and newlines are a message's own
  CHECK(kuan::terminal_safe("\xC2\x9B") == "\\u{9B}");                     // C1 (a CSI) as a code point
  CHECK(kuan::terminal_safe("\xE4\xB8") == "\\xE4\\xB8");                  // a sequence cut short
  const kuan::SourceFile source("政策/\xff\x1b.kuan", "参数 a = 1元\n");
  CHECK(source.name() == "政策/\\xFF\\u{1B}.kuan");
  CHECK(kuan::terminal_safe(source.name()) == source.name());  // rendering it again changes nothing
}
