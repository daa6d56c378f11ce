// Kuan (款) — the C++ embedding API.
//
// Load a policy once, evaluate it many times, from any number of threads:
//
//   #include <kuan/kuan.hpp>
//
//   auto loaded = kuan::api::Policy::load("policies/hangzhou-ai");
//   if (!loaded) { std::cerr << loaded.rendered(); return 1; }      // file:line:col: error: …
//   auto edition = loaded.policy->edition_on("2025-07-01");        // or ->edition("2025年版")
//   if (!edition) { std::cerr << edition.error().message << '\n'; return 1; }
//   kuan::api::Facts facts = edition->new_facts();
//   facts.set_money("合同金额", "120万元");                          // or set_money_fen(…, 120000000)
//   facts.set_enum("采购类型", "算力服务");
//   facts.set_enum("算力设施档位", "一档");
//   auto r = edition->evaluate("算力券", facts);
//   if (r) std::cout << r->eligible << ' ' << r->amount << '\n';     // 1 360000.00
//   else   std::cerr << r.error().to_string() << '\n';
//
// Nothing here throws unless asked to (Result::value() and LoadResult::value()
// throw kuan::api::Exception on an error); nothing exits the process. A Policy
// and its Editions are immutable once loaded and may be shared by all threads;
// everything one evaluation needs lives in that call. A Facts object is a plain
// value: one thread fills it, after which any number of threads may evaluate it.
// There is no global state.
//
// Strings are UTF-8. Money is never binary floating point: amounts go in as
// decimal text ("1234.56", "120万元") or integers of 分, and come out as exact
// decimal text and, when it fits, an integer of 分.
//
// This header stands alone: it includes only the standard library and
// kuan/records.hpp (the results and errors as data) with kuan/common.hpp, which
// do the same. The plain C interface over the same library is <kuan/kuan.h>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kuan/records.hpp"  // the results, errors and positions as data

namespace kuan::api {

namespace detail {
struct PolicyData;
struct EditionData;
struct FactsData;
struct Access;  // api/ reaches a handle's data through it
}  // namespace detail

// The library's version, "MAJOR.MINOR.PATCH" (as kuan_version() in <kuan/kuan.h>).
KUAN_API const char* version() noexcept;

// Appends `text` to `out` as a JSON string literal: quotes, backslashes and
// control characters escaped, other bytes (UTF-8) copied as they are.
KUAN_API void append_json_string(std::string& out, std::string_view text);

// "ok", "rule_errors", "unknown_edition", …
KUAN_API const char* error_code_name(ErrorCode code) noexcept;

// Thrown only by the accessors that are documented to throw.
class KUAN_API Exception : public std::runtime_error {
 public:
  explicit Exception(Error error);
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

// A value or the Error that prevented it.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // The value; throws Exception when there is none.
  T& value() & {
    if (!ok()) throw Exception(std::get<1>(v_));
    return std::get<0>(v_);
  }
  const T& value() const& {
    if (!ok()) throw Exception(std::get<1>(v_));
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!ok()) throw Exception(std::get<1>(v_));
    return std::get<0>(std::move(v_));
  }
  // Access to the value; like value(), they throw Exception when there is none.
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The error; an Error with code Ok when there is a value.
  const Error& error() const noexcept {
    static const Error none{};
    return ok() ? none : std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error (the result of a fact setter). Not [[nodiscard]]: a
// setter's error is also remembered by the Facts and reported by evaluate().
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}
  bool ok() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const noexcept {
    static const Error none{};
    return error_ ? *error_ : none;
  }

 private:
  std::optional<Error> error_;
};

// ------------------------------------------------------------- diagnostics

enum class Severity { Error, Warning, Note };

// One problem in the rule files, found when loading.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::string file;  // empty when the problem has no file (e.g. a missing folder)
  int line = 0;      // 1-based; 0 when there is no position
  int column = 0;    // 1-based, in characters
  std::string message;
  std::string rendered;  // "file:line:col: error: message\n<source line>\n<caret>\n", then the notes'
  std::vector<Diagnostic> notes;  // other places that explain it (severity Note), e.g. the rule a revision broke
  std::size_t length = 0;  // bytes of source the problem covers, from line:column (0: a point)
};

// --------------------------------------------------------------- metadata

// List: 列表 { … }, a list of records; it is given only as JSON (Facts::set_json,
// an array of objects).
enum class FactType { Money, Rate, Integer, Number, Bool, Date, Enum, List };

// The rule language's name of a type: 金额, 比例, 整数, 数值, 布尔, 日期, 枚举, 列表.
const char* fact_type_name(FactType type) noexcept;

struct FactInfo {
  std::string name;
  FactType type = FactType::Money;
  std::string type_name;                     // 金额 … 枚举
  std::vector<std::string> enum_values;      // for Enum, in declaration order
  bool required = false;                     // neither a default nor 可选
  bool optional = false;                     // declared 可选
  std::optional<std::string> default_text;   // the default as written: "否", "0元", "合同金额"
  std::string label;                         // 标签, may be empty
  Position where;
};

struct CapInfo {
  std::string name;
  bool stacking = false;  // 叠加: a ceiling shared with another program
};

struct MeasureInfo {
  std::string name;
  std::string title;               // may be empty
  std::string clause;              // "(一)"; empty when written outside a clause
  std::string clause_title;
  std::vector<FactInfo> facts;     // every fact the measure may read, in declaration order
  std::vector<CapInfo> caps;       // in the order they are applied
  Position where;
};

// --------------------------------------------------------------- results
// (the records: <kuan/records.hpp>)

struct EvaluateOptions {
  bool explain = false;
  // The application's date, "YYYY-MM-DD": which measures and clauses are in force
  // (施行 D1 至 D2 on them, 施行中(M)). Empty: today in China (UTC+8). It does not
  // choose the edition (Policy::edition_on does). A malformed date, or a day that
  // does not exist, is an Error with code InvalidArgument.
  std::string as_of = {};
};

// A result as `kuan eval --format json` prints it (one line, no newline; with
// "explanation" when it has one; the shape of docs/cli-json.md), and as
// `--format text` prints it. The same renderer prints all of them.
KUAN_API std::string to_json(const Evaluation& result);
KUAN_API std::string to_text(const Evaluation& result);
// An explanation alone, as under a result's "explanation" / after its text.
KUAN_API std::string to_json(const Explanation& explanation);
KUAN_API std::string to_text(const Explanation& explanation);

// ---------------------------------------------------- a whole application

// "eligible", "not_eligible", "needs_facts", "error" (the JSON's "status").
KUAN_API const char* measure_status_name(MeasureStatus status) noexcept;

// As `kuan eval` without --measure prints it: JSON {"version", "results": […]}
// (one line, no newline; docs/cli-json.md) and text.
KUAN_API std::string to_json(const ApplicationResult& application);
KUAN_API std::string to_text(const ApplicationResult& application);

class Facts;

// ------------------------------------------------------------------ edition

// One edition of a policy (e.g. 2025年版): what it declares and how to evaluate
// it. A cheap handle; it keeps its policy alive.
class KUAN_API Edition {
 public:
  const std::string& name() const noexcept;
  const std::string& policy_name() const noexcept;
  const std::string& effective_from() const noexcept;            // YYYY-MM-DD
  const std::optional<std::string>& effective_to() const noexcept;  // none: open-ended
  const std::string& rounding() const noexcept;                  // "四舍五入 至 0.01元"
  // 正式 (an official text, chosen by date), 示例 or 草案 (chosen by name only).
  const char* status() const noexcept;

  const std::vector<MeasureInfo>& measures() const noexcept;
  const MeasureInfo* measure(std::string_view name) const noexcept;  // null when unknown
  const std::vector<FactInfo>& facts() const noexcept;               // every fact of the edition
  const FactInfo* fact(std::string_view name) const noexcept;        // null when unknown

  // An empty application for this edition.
  Facts new_facts() const;
  // An application read from a JSON object of facts (money as 1234.56,
  // "1234.56" or "120万元"; rates as 0.3 or "30%"; dates "YYYY-MM-DD").
  Result<Facts> facts_from_json(std::string_view json) const;

  // Evaluates a measure. Host mistakes (unknown measure, facts with errors or
  // built for another edition, missing required facts) and language errors
  // found while running (a 可选 fact read while absent) come back as the Error.
  Result<Evaluation> evaluate(std::string_view measure, const Facts& facts,
                              const EvaluateOptions& options = {}) const;
  Result<Evaluation> evaluate_json(std::string_view measure, std::string_view facts_json,
                                   const EvaluateOptions& options = {}) const;
  // Every measure the facts concern, each on its own (see ApplicationResult).
  // A measure lacking facts or failing to compute is reported in its entry;
  // the Error is only for the facts themselves (wrong edition, bad values).
  Result<ApplicationResult> evaluate_all(const Facts& facts, const EvaluateOptions& options = {}) const;
  Result<ApplicationResult> evaluate_all_json(std::string_view facts_json, const EvaluateOptions& options = {}) const;

  friend bool operator==(const Edition& a, const Edition& b) noexcept { return a.data_ == b.data_; }

 private:
  friend class Policy;
  friend class Facts;
  friend struct detail::Access;
  Edition(std::shared_ptr<const detail::PolicyData> policy, const detail::EditionData* data)
      : policy_(std::move(policy)), data_(data) {}
  std::shared_ptr<const detail::PolicyData> policy_;
  const detail::EditionData* data_;
};

// -------------------------------------------------------------------- facts

// The facts of one application, typed by the edition it was made for. Every
// setter checks the fact's name and declared type and the value, and returns
// a Status; an error that was not fixed is also remembered, and evaluate()
// then returns it instead of a result. A host recovers from it without losing
// the other facts: setting that fact again (or unset) fixes a bad value; a
// misspelt name is forgotten by unset(the misspelt name) or clear_errors().
class KUAN_API Facts {
 public:
  Facts(const Facts&);
  Facts(Facts&&) noexcept;
  Facts& operator=(const Facts&);
  Facts& operator=(Facts&&) noexcept;
  ~Facts();

  Status set_money(std::string_view fact, std::string_view amount);  // "1234.56", "120万元", "2.5亿元", "800元"
  Status set_money_fen(std::string_view fact, std::int64_t fen);      // 12345 → 123.45元
  Status set_rate(std::string_view fact, std::string_view rate);      // "0.3", "30%", "1.5个百分点"
  Status set_integer(std::string_view fact, std::int64_t value);      // 整数 (or 数值)
  Status set_number(std::string_view fact, std::string_view value);   // 数值 (or 整数): "87.5"
  Status set_bool(std::string_view fact, bool value);
  Status set_enum(std::string_view fact, std::string_view value);     // one of the declared values
  Status set_date(std::string_view fact, std::string_view date);      // "YYYY-MM-DD"
  Status set_date(std::string_view fact, int year, int month, int day);
  // Any type, from text as a person would write it ("120万元", "30%", "是", "2025-07-01").
  Status set(std::string_view fact, std::string_view text);
  // Every member of a JSON object of facts; stops at the first bad one.
  Status set_json(std::string_view json);
  // The fact is no longer given, and its remembered error is forgotten. For a
  // name the edition does not declare: forgets the error remembered for it
  // (ok), or returns UnknownFact when there is none.
  Status unset(std::string_view fact);
  void clear();         // no facts and no remembered errors
  void clear_errors();  // no remembered errors; the facts set stay

  bool has(std::string_view fact) const noexcept;
  // The remembered errors of setters, oldest first.
  std::vector<Error> errors() const;
  const std::string& edition() const noexcept;

 private:
  friend class Edition;
  friend struct detail::Access;
  explicit Facts(std::unique_ptr<detail::FactsData> d);
  std::unique_ptr<detail::FactsData> d_;
};

// ------------------------------------------------------------------- policy

struct LoadResult;

// A loaded, checked policy: one or more editions. Immutable; copies share it.
class KUAN_API Policy {
 public:
  // A policy folder (one subfolder per edition, or .kuan files directly in it)
  // or a single .kuan file.
  static LoadResult load(std::string_view path);
  // One edition from rule text in memory; `name` is used in diagnostics.
  static LoadResult from_text(std::string_view text, std::string_view name = "<text>");
  // One edition from several files given as (name, text).
  static LoadResult from_sources(const std::vector<std::pair<std::string, std::string>>& files);
  // A whole policy from rule texts in memory, by path, grouped as load() groups
  // a folder: files directly in the paths' common folder form one edition,
  // those of each of its subfolders another. Nothing is read from disk.
  static LoadResult from_texts(const std::vector<std::pair<std::string, std::string>>& files);

  // The rule texts it was loaded from, (path, text) in load order:
  // from_texts() of them gives the same policy, with the same file names in
  // every position — how a policy travels to another process.
  std::vector<std::pair<std::string, std::string>> sources() const;

  std::vector<Edition> editions() const;
  Result<Edition> edition(std::string_view name) const;      // "2025年版"
  Result<Edition> edition_on(std::string_view date) const;   // the edition in force on "YYYY-MM-DD"
  Edition latest() const;  // the only edition, or the one most recently in force

 private:
  friend struct detail::Access;
  explicit Policy(std::shared_ptr<const detail::PolicyData> d) : d_(std::move(d)) {}
  std::shared_ptr<const detail::PolicyData> d_;
};

// Either a policy or the diagnostics that prevented it (warnings may come with a policy).
struct KUAN_API LoadResult {
  std::optional<Policy> policy;
  std::vector<Diagnostic> diagnostics;

  bool ok() const noexcept { return policy.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  // The policy; throws Exception (RuleErrors, with the first error's position) when there is none.
  Policy& value();
  // Every diagnostic, rendered as `kuan check` prints them.
  std::string rendered() const;
};

inline Policy& LoadResult::value() {
  if (!policy) {
    Error e;
    e.code = ErrorCode::RuleErrors;
    e.message = "the policy did not load";
    for (const auto& d : diagnostics) {
      if (d.severity != Severity::Error) continue;
      e.message = d.message;
      e.where = Position{d.file, d.line, d.column};
      break;
    }
    throw Exception(std::move(e));
  }
  return *policy;
}

}  // namespace kuan::api
