// Kuan (款) — the records of the public API: results, explanations, a whole
// application's outcome, errors and positions, as plain data. The engine
// builds them and the renderer prints them (the same types, never a copy), so
// what `kuan eval` prints, what the C++, C and Python APIs return and what a
// batch writes is one model. Included by <kuan/kuan.hpp>; std-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kuan/common.hpp"  // KUAN_API, Position

namespace kuan::api {

// ------------------------------------------------------------------ errors

enum class ErrorCode {
  Ok = 0,
  RuleErrors = 1,        // the rule files have errors: see the diagnostics
  UnknownEdition = 2,    // no edition of that name, or none in force on that day
  UnknownMeasure = 3,    // the edition has no measure of that name
  UnknownFact = 4,       // the edition declares no fact of that name
  WrongFactType = 5,     // e.g. set_money on a fact declared 比例
  InvalidFactValue = 6,  // right type, bad value: negative money, rate > 100%, unknown enumeration value…
  BadJson = 7,           // a facts JSON text is malformed (position is in the JSON text)
  MissingFacts = 8,      // facts the measure requires were not given
  EvaluationError = 9,   // a language error at run time, positioned in the rule file
  WrongEdition = 10,     // the facts were built for another edition
  InvalidArgument = 11,  // a malformed date, a moved-from object…
  Internal = 12,         // out of memory or another unexpected failure
  InvalidApplication = 13,  // a 校验 of the rules failed: the message is its 否则 text, the position its condition
};

struct KUAN_API Error {
  ErrorCode code = ErrorCode::Ok;
  std::string message;               // for people (the rule language's messages are Chinese)
  Position where;                    // see Position
  std::string fact;                  // the fact concerned, when there is one
  std::vector<std::string> missing;  // MissingFacts: every missing fact, in declaration order
  // The kind of bad input, as the stable `code` of docs/cli-json.md that every
  // host reports: "missing_fact", "bad_fact", "unknown_fact", "unknown_measure",
  // "no_edition", "bad_line", "evaluation_error", and beyond a batch row's
  // "rule_errors", "invalid_argument", "internal"; "" when ok. An
  // EvaluationError that names a `fact` is a fact the path taken needed (a 可选
  // fact read while absent, 需要 … 当 …): "missing_fact". (kind() and
  // to_string() are the library's: the engine, which builds Errors, calls neither.)
  const char* kind() const noexcept;
  // "file:line:col: message", or the message alone when there is no position.
  std::string to_string() const;
};

// --------------------------------------------------------------- results

struct ConditionStep {
  std::string reason;  // the 否则 text of the requirement
  bool held = false;
  Position where;
  std::string condition;  // the requirement as written, on one line (a count limit's: "未达 限额 X 的上限")
  std::string detail;     // a count limit's numbers ("限额 X:本人 本年 已用 3 件,上限 3 件"); empty otherwise
};

// A choice made while computing the rate or the amount: a 若 … 则 … 否则 branch
// or a 按 … arm, and why.
struct ChoiceStep {
  std::string kind;        // 若 | 按
  std::string expression;  // the condition or subject as written
  std::string outcome;     // 成立 | 不成立 | the enumeration value chosen
  Position where;
};

struct CapStep {
  std::string name;
  bool stacking = false;
  bool applies = false;             // its 当 condition held (or it has none)
  std::string limit;                // 元, exact decimal; empty when it does not apply
  std::optional<std::string> used;  // for a room (已用)
  std::string room;                 // max(0, limit − used), or the limit
  bool lowered = false;             // it lowered the amount when it was applied
  bool bound = false;               // it is the cap reported as Evaluation::bound
  Position where;
  std::string when;                 // its 当 condition as written, when it does not apply
};

// A named result of a measure (结果 R = …): one figure of the application
// besides the amount (taxable income, tax, tax due …).
struct Figure {
  std::string name;
  std::string amount;  // exact, rounded as the amount: "17500.00"; may be below zero
};

// How a 结果 was computed.
struct FigureStep {
  std::string name;
  std::string value;       // as Figure::amount
  std::string expression;  // the rule as written, on one line
  Position where;
  std::vector<ChoiceStep> choices;
};

// Why an amount is what it is; every step cites the rule line it comes from.
struct Explanation {
  std::string measure, title, clause, clause_title;
  Position where;
  std::vector<ConditionStep> conditions;  // requirements tested, in order
  // The rest is filled only when eligible.
  std::optional<std::string> rate;  // a fraction: "0.3"
  Position rate_where;
  std::optional<std::string> base;  // 元
  Position base_where;
  std::string computed;             // 元, before caps
  std::vector<CapStep> caps;
  std::string rounding_mode;        // 四舍五入 …
  std::string rounding_step;        // "0.01" (元)
  std::string before_rounding;      // 元
  std::string edition;
  bool eligible = false;
  std::vector<ChoiceStep> rate_choices;
  std::string computed_expression;  // the 金额 rule as written, or 基数 × 比例
  Position computed_where;          // known when the measure writes its 金额 rule
  std::vector<ChoiceStep> amount_choices;
  std::string amount;               // as Evaluation::amount
  std::optional<std::string> bound;  // as Evaluation::bound
  std::vector<FigureStep> figures;   // eligible: each 结果, in order
};

struct Evaluation {
  std::string measure;
  std::string edition;
  std::string clause;                       // "(一)"; empty when outside a clause
  bool eligible = false;
  std::string amount;                       // exact, as the edition rounds it: "360000.00"
  std::optional<std::int64_t> amount_fen;   // the amount in 分, when a whole number of 分 within int64
  std::vector<std::string> reasons;         // why not eligible: the failed requirements' texts
  std::optional<std::string> bound;         // the cap that limited the final amount
  std::vector<std::string> notes;           // e.g. a cap already exhausted
  std::vector<Figure> figures;              // eligible: the measure's named results (结果), in order
  std::optional<Explanation> explanation;   // when EvaluateOptions::explain
};

// ---------------------------------------------------- a whole application

// Where one measure stands for an application evaluated whole (Edition::evaluate_all).
enum class MeasureStatus { Eligible, NotEligible, NeedsFacts, Error };

struct MeasureOutcome {
  MeasureStatus status = MeasureStatus::Error;
  std::string measure, edition, clause;
  std::optional<Evaluation> evaluation;  // Eligible and NotEligible
  std::vector<std::string> needs;        // NeedsFacts: the facts to add, in declaration order
  std::optional<Error> error;            // Error: an EvaluationError (or a failed 校验, InvalidApplication) of this measure alone
};

// Every measure of the edition that reads at least one of the facts given:
// eligible first, then not eligible (with reasons), then those needing facts,
// then errors; declaration order within each.
struct ApplicationResult {
  std::string edition;
  std::vector<MeasureOutcome> measures;
};

}  // namespace kuan::api
