// Kuan (款) — tooling for rule authors: what the `kuan` authoring commands
// (check, measures, fmt, diff, lsp) compute, as data, for any host that
// edits or reviews rule files (an editor plug-in, a review bot):
//
//   #include <kuan/tooling.hpp>
//
//   auto f = kuan::api::format(text, "a.kuan");            // the canonical layout
//   if (f.ok && f.text != text) write(f.text);
//   auto loaded = kuan::api::Policy::load("policies/hangzhou-ai");
//   auto editions = loaded.policy->editions();
//   for (const auto& c : kuan::api::diff(editions[0], editions[1]))
//     std::cout << c.what << ' ' << c.name << ": " << c.before << " → " << c.after << '\n';
//
// Like <kuan/kuan.hpp>, nothing here throws or exits; it stands alone
// (the standard library and kuan/kuan.hpp only).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kuan/kuan.hpp"

namespace kuan::api {

// The most a rule file may hold (docs/language.md, Limits: 16 MiB), for tools
// that look into rule files without loading them (kuan check's header scan,
// kuan serve's fingerprint): reading past it is never needed.
inline constexpr std::size_t kMaxRuleFileBytes = std::size_t{16} << 20;

// The most digits one number may have (docs/language.md, Limits), for bindings
// that check a value before writing it out in full (the Python module's Decimal
// facts: Decimal("1E+999999999") would be a gigabyte of zeros to build).
inline constexpr std::size_t kMaxNumberDigits = 4096;

// ------------------------------------------------------------- diagnostics

// Every diagnostic's `rendered` text, as `kuan check` prints them: after the
// first 50, one line counts what was not shown.
KUAN_API std::string render_diagnostics(const std::vector<Diagnostic>& diagnostics);

// Like Policy::load, with `unsaved` texts standing in for files on disk, by
// path as found under `path` (an editor's open documents).
KUAN_API LoadResult load_with_unsaved(std::string_view path, const std::map<std::string, std::string>& unsaved);

// ---------------------------------------------------------------- outline

struct ClauseInfo {
  std::string ref;  // "(一)"
  std::string title;
  std::string responsible;            // 责任单位, may be empty
  std::vector<std::size_t> measures;  // indices into Edition::measures(), in order
};

// What `kuan check` and `kuan measures` show of an edition besides its measures and facts.
struct EditionOutline {
  std::string status;     // 正式, 示例 or 草案
  bool official = true;   // only an official edition is ever chosen by date
  std::size_t params = 0;
  std::size_t examples = 0;         // 例
  std::vector<ClauseInfo> clauses;  // in the order written
};

KUAN_API EditionOutline outline(const Edition& edition);

// "金额 = …" or "基数 × 比例", then the caps and the number of requirements:
// how `kuan measures` sums up what a measure of `edition` computes.
KUAN_API std::string measure_computes(const Edition& edition, const MeasureInfo& measure);

// ------------------------------------------------------------- formatting

struct FormatOptions {
  // Display columns (a CJK character counts two); the 标签 and a trailing
  // comment do not count.
  std::size_t max_width = 120;
};

struct Formatted {
  bool ok = false;
  std::string text;                     // the formatted file, when ok
  std::vector<Diagnostic> diagnostics;  // syntax errors of the input (not formatted)
  std::string internal_error;           // the formatter would have changed the meaning (nothing to write)
};

// A rule file in its canonical layout (`kuan fmt`); only white space changes.
// `name` is used in diagnostics.
KUAN_API Formatted format(std::string_view text, std::string_view name, const FormatOptions& options = {});

// ------------------------------------------------------------------ diff

struct EditionChange {
  enum class Kind { Added, Removed, Changed };
  Kind kind = Kind::Changed;
  std::string what;  // 参数, 事实, 定义, 上限, 资金池, 条款, 校验, 措施, 舍入
  std::string name;
  std::string before, after;    // a short rendering of each side ("" when absent)
  Position before_at, after_at;  // where each side is written (not known when absent)
};

// What changed from one edition to another, in the order `kuan diff` lists it.
KUAN_API std::vector<EditionChange> diff(const Edition& before, const Edition& after);

// Applications evaluated under both editions, rendered as `kuan diff` shows them.
struct ApplicationsDiff {
  std::string rows;    // text lines; for JSON, the objects separated by ','
  std::string errors;  // applications that could not be evaluated, as lines for stderr
  bool ok = true;      // every application was evaluated under both editions
  bool bad_input = false;  // the facts text itself is malformed: `errors` says where, `rows` is empty
};

// One application: a JSON object of facts (from `facts_name`), for `measure`.
KUAN_API ApplicationsDiff diff_application(const Edition& before, const Edition& after, std::string_view measure,
                                           std::string_view facts_json, std::string_view facts_name, bool json);
// JSONL lines {"id"?, "measure", "facts"} (from `name`); blank lines are skipped.
KUAN_API ApplicationsDiff diff_applications(const Edition& before, const Edition& after, std::string_view jsonl,
                                            std::string_view name, bool json);

// --------------------------------------------------------- language server

enum class SymbolKind { Fact, EnumValue, Param, Define, Limit, Measure, Clause, Example, Property };

// A name declared in a rule file.
struct Declaration {
  std::string name;
  std::string file;
  std::size_t begin = 0, end = 0;  // byte offsets in the file's text
  SymbolKind kind = SymbolKind::Fact;
  std::string hover;  // Markdown: the declaration (type, value, label, clause text …)
  bool base = false;  // declared in the base edition (as asked)
};

struct FileDeclarations {
  bool parsed = false;       // false: the text does not parse, nothing is known
  std::string edition;       // its 版本, when the file states one
  std::string base_edition;  // its 基于, when it states one
  std::vector<Declaration> declarations;
};

// The declarations of one rule file, read from its syntax alone (so they are
// there while the file has type errors). `base`: mark them as the base edition's.
KUAN_API FileDeclarations declarations(std::string_view file, std::string_view text, bool base = false);

// An outline entry of a rule file.
struct OutlineSymbol {
  std::string name;  // "条款 (一) 标题", a measure's name, "例 M 标题" …
  SymbolKind kind = SymbolKind::Measure;
  std::size_t begin = 0, end = 0;  // byte offsets
  std::string container;           // "条款 (一)" for a measure in a clause
};

// Clauses, measures, parameters, facts, definitions, limits, 例 and 性质 of a
// rule file (in that order); empty when it does not parse.
KUAN_API std::vector<OutlineSymbol> document_symbols(std::string_view file, std::string_view text);

// Every word of the rule language, in the order of its one keyword table.
KUAN_API std::vector<std::string_view> keywords();
// The units a number may carry (元, 万元, %, 个月 …) and the amounts per period
// (元/月, 万元/年 …), as written after the digits.
KUAN_API std::vector<std::string> units();

// The name around byte `offset` of a rule text as {begin, end}; begin == end when none.
KUAN_API std::pair<std::size_t, std::size_t> name_at(std::string_view text, std::size_t offset);
// Every name written in a rule text (not keywords, strings or comments) as {begin, end}.
KUAN_API std::vector<std::pair<std::size_t, std::size_t>> names_in(std::string_view text);

// The code point starting at byte `i` of UTF-8 text; `i` moves past it (one
// byte for a malformed sequence). For editors' column arithmetic.
KUAN_API char32_t next_code_point(std::string_view text, std::size_t& i);

// "(是不是 X?)" with the candidate closest to a misspelt `wrong` — the words and
// the measure of closeness the checker uses for names —, or "" when none is close.
KUAN_API std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& candidates);
// The candidate itself, or "".
KUAN_API std::string closest_name(std::string_view wrong, const std::vector<std::string>& candidates);
// Terminal columns of UTF-8 text (CJK = 2), for aligning columns.
KUAN_API std::size_t display_width(std::string_view text);
// `text` as a terminal may show it, for quoting input or arguments in a
// message: control characters (C0, DEL, C1 — ESC, BEL, an OSC or CSI sequence)
// escaped, bytes that are not UTF-8 as \xNN, at most `max_chars` characters
// (then "…"). What Kuan's own diagnostics do to the values they quote.
KUAN_API std::string printable(std::string_view text, std::size_t max_chars = 200);
// The one wording of a date that is not a day: "WHAT 的日期无效:SHOWN(格式
// YYYY-MM-DD)" — WHAT where it was given ("--as-of"; empty: "日期无效:…"),
// SHOWN the text as the caller quotes it (empty: left out), as every Kuan message says it.
KUAN_API std::string bad_date_message(std::string_view what, std::string_view shown = {});

}  // namespace kuan::api
