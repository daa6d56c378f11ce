// The result of one evaluation as data: amount, eligibility, reasons, bound
// cap and the explanation, in the words and places of the rule file. Every
// rendering (interpreter/render.hpp: JSON and text) is made from it, and the
// C++ API's Evaluation and Explanation are the same fields in public types, so
// the CLI, the API and allocate print one shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "interpreter/evaluator.hpp"

namespace kuan {

// A place in a rule file; line 0 when unknown. `file` views the name of a
// source file of the edition (or of the public Position it was made from).
struct RulePlace {
  std::string_view file;
  int line = 0, column = 0;
  bool known() const { return line > 0; }
};
RulePlace place_of(const Span& span);

// The note of an eligible result whose cap left nothing (results and allocate's decisions).
std::string exhausted_cap_note(std::string_view cap);
// The notes of an outcome (an exhausted cap), as results in every format give them.
std::vector<std::string> outcome_notes(const Outcome& outcome);
// "file:line:col", or "" when the place is not known.
std::string where(const RulePlace& at);

// A 若 or 按 choice in words: 若 中小企业 且 …:不成立 / 按 采购类型:算力服务.
struct ChoiceRecord {
  std::string kind;        // 若 | 按
  std::string expression;  // the condition or subject as written
  std::string outcome;     // 成立 | 不成立 | the enumeration value chosen
  RulePlace at;
};

struct ConditionRecord {
  std::string condition;  // the requirement as written, on one line
  std::string reason;     // its 否则 text
  bool held = false;
  RulePlace at;
  std::string detail;  // a count limit's numbers ("限额 X:本人 本年 已用 3 件,上限 3 件"); empty otherwise
};

struct CapRecord {
  std::string name;
  bool stacking = false;
  bool applies = false;              // its 当 condition held (or it has none)
  std::string limit;                 // 元, normalized; empty when it does not apply
  std::optional<std::string> used;
  std::string room;
  std::string when;                  // the 当 condition as written, when it does not apply
  bool lowered = false;              // it lowered the amount when applied
  bool bound = false;                // it is the result's bound
  RulePlace at;
};

// Decimal texts are normalized ("0.3", "120000") unless said otherwise.
struct ExplanationRecord {
  std::string measure, title, clause, clause_title, version;
  RulePlace at;
  std::vector<ConditionRecord> conditions;
  bool eligible = false;
  // Only when eligible:
  std::optional<std::string> rate;  // a fraction
  RulePlace rate_at;
  std::vector<ChoiceRecord> rate_choices;
  std::optional<std::string> base;
  RulePlace base_at;
  std::string computed;              // before caps
  std::string computed_expression;   // the 金额 rule as written, or 基数 × 比例
  RulePlace computed_at;             // known only when the measure writes 金额
  std::vector<ChoiceRecord> amount_choices;
  std::vector<CapRecord> caps;
  std::string rounding_mode, rounding_step;  // the step as the edition writes it ("0.01")
  std::string before_rounding;
  // Always:
  std::string amount;  // as the result's
  std::optional<std::string> bound;
};

struct ResultRecord {
  std::string measure, version;
  std::string clause;  // "(一)"; empty outside a clause
  bool eligible = false;
  std::string amount;  // as rounded: "360000.00"
  std::vector<std::string> reasons;
  std::optional<std::string> bound;
  std::vector<std::string> notes;  // e.g. a cap already exhausted
  std::optional<ExplanationRecord> explanation;
};

// One measure of a whole application (kuan eval without --measure): its
// result, or the facts it still needs, or why it could not be computed.
enum class MeasureStatus { Eligible, NotEligible, NeedsFacts, Error };
const char* status_name(MeasureStatus status);  // eligible, not_eligible, needs_facts, error

struct MeasureRecord {
  MeasureStatus status = MeasureStatus::Error;
  std::string measure, version, clause;
  std::optional<ResultRecord> result;    // Eligible, NotEligible
  std::optional<std::int64_t> amount_fen;  // with a result, when a whole number of 分 within int64
  std::vector<std::string> needs;        // NeedsFacts: the facts to add, in declaration order
  std::string code, error;               // Error: evaluation_error (or invalid_application) and the message
};

// Every measure the application's facts concern: eligible first, then not
// eligible, then those needing facts, then errors; declaration order within each.
struct ApplicationRecord {
  std::string version;
  std::vector<MeasureRecord> measures;
};

// The record of an outcome of `edition`; with its explanation when `trace` is given.
ResultRecord describe_result(const Edition& edition, const Outcome& outcome, const Trace* trace);
ExplanationRecord describe_explanation(const Edition& edition, const Outcome& outcome, const Trace& trace);

}  // namespace kuan
