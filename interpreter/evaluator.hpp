// Evaluates a measure of a checked edition against one application's facts.
//
// The edition is shared and read-only; everything that changes during an
// evaluation (fact defaults and definitions computed on demand) lives in an
// Activation on the caller's stack. Language errors that can only be seen at
// run time (a fact that is needed but missing, division by zero) come back as
// EvalError values carrying the position of the rule that needed them.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "interpreter/fixed.hpp"
#include "base/error_kind.hpp"
#include "lang/value.hpp"
#include "lang/edition.hpp"

namespace kuan {

// The facts of one application, one slot per fact of the edition. Beside each
// value, the compiled form's copy of it in 64-bit fixed point when it fits
// there (booleans, enumeration indices and dates always do), written by set()
// so the two cannot disagree.
struct FactValues {
  std::vector<Value> values;
  // 0: not given; otherwise given, | kFits when `fixed` holds it.
  std::vector<unsigned char> present;
  std::vector<fixed::Fx> fixed;
  static constexpr unsigned char kGiven = 1, kFits = 2;
  std::vector<ListValue> lists;  // list facts' items (Value::small of a list fact indexes them)
  // The application's date (as_of, days since 1970-01-01): which measures are
  // in force (施行 on a measure or clause). None: today in China (UTC+8).
  std::optional<std::int32_t> as_of;

  explicit FactValues(std::size_t count = 0) : values(count), present(count, 0), fixed(count) {}
  void set(int slot, Value v) {
    present[slot] = fixed::of_value(v, fixed[slot]) ? kGiven | kFits : kGiven;
    values[slot] = std::move(v);
  }
  void set_list(int slot, ListValue items) {
    Value v;
    v.kind = TypeKind::List;
    v.small = static_cast<std::int64_t>(lists.size());
    lists.push_back(std::move(items));
    set(slot, v);
  }
  // The items of list fact `slot`; null when not given.
  const ListValue* list(int slot) const {
    if (!present[slot] || values[slot].kind != TypeKind::List) return nullptr;
    const auto i = static_cast<std::size_t>(values[slot].small);
    return i < lists.size() ? &lists[i] : nullptr;
  }
  void clear(int slot) { present[slot] = 0; }
};

// The application's date: its as_of, else today in China (UTC+8) — which
// measures are in force (施行 on a measure or clause, 施行中(M)).
std::int32_t application_day(const FactValues& facts);

struct EvalError {
  std::string message;
  Span span;
  // Facts the measure requires that the application lacks, in declaration
  // order (then `message` names them all and `span` is empty).
  std::vector<std::string> missing = {};
  // A fact found absent on the path taken (an 可选 fact read, a 需要 … 当 …):
  // its name, so that a caller can ask for it (kuan eval without --measure).
  std::string absent = {};
  // What kind of bad input this is, set where it is raised: MissingFact when
  // `missing` or `absent` names a fact, InvalidApplication when a 校验 failed
  // (`message` its 否则 text, `span` its condition), EvaluationError otherwise.
  ErrorKind kind = ErrorKind::EvaluationError;
};

// What each cap came to, kept only when an explanation is asked for.
struct CapTrace {
  const ast::LimitDecl* cap;
  bool applies;  // its 当 condition held (or it has none)
  Decimal limit;
  std::optional<Decimal> used;
  Decimal room;  // max(0, limit − used), or the limit
};

struct ConditionTrace {
  const ast::Requirement* requirement;
  bool held;
  std::string detail = {};  // a count limit's numbers: "本人 本年 空调 已用 3 件,上限 3 件"
};

// The numbers behind a count limit's refusal, in words: who (本人), when (本年),
// which group (空调), how many are used and the bound. Empty when they cannot be computed.
// `refusal` is the requirement the checker wrote for the limit (已用 < 不超过, or
// 非 当 或 已用 < 不超过): its operands are the checked copies of 已用 and 不超过.
std::string count_limit_detail(const Edition& edition, const ast::Requirement& refusal, const FactValues& facts);

// A choice made while computing the rate or amount: which branch of a
// 若 … 则 … 否则, or which arm of a 按 …, and why.
struct ChoiceTrace {
  const ast::Expr* node;  // the If, Match or Aggregate expression
  bool held = false;      // If: the condition's value
  int subject = -1;       // Match: the enumeration value chosen (index)
  std::string detail;     // Progressive: each bracket's base and tax, and the total
};

// A Trace's lists hold their first few entries in place: an explanation is
// built and dropped once per evaluation, and a heap block per list cost more
// than what it records (算力券: 2 conditions, 3 choices, 2 caps; more move to the heap).
// Boost's small_vector: a std::vector in use, its first N items inside itself.
template <class T>
using TraceList = boost::container::small_vector<T, 4>;
using ChoiceList = TraceList<ChoiceTrace>;

// A 结果's value and the choices made computing it, kept when explaining.
struct FigureTrace {
  Decimal value;
  ChoiceList choices;
};

struct Trace {
  TraceList<ConditionTrace> conditions;
  std::vector<FigureTrace> figures;  // per 结果 of the measure, in order (when eligible)
  ChoiceList rate_choices, amount_choices;
  std::optional<Decimal> rate, base;
  Decimal computed;  // before caps
  TraceList<CapTrace> caps;
  Decimal before_rounding;
};

struct Outcome {
  const MeasureInfo* measure = nullptr;
  bool eligible = false;
  Decimal amount;                                 // rounded as the edition declares
  std::vector<const ast::Requirement*> failed;    // why not eligible
  const ast::LimitDecl* bound = nullptr;            // the cap that limited the amount
  std::vector<Decimal> figures;  // eligible: each 结果 of the measure, in order, rounded as the amount

  Outcome() = default;
  // Eligible, for mantissa × 10^−scale (the compiled form's): each member
  // written once (a default Outcome first is a 112-byte clear, then the stores).
  Outcome(const MeasureInfo* m, std::int64_t mantissa, int scale, const ast::LimitDecl* cap)
      : measure(m), eligible(true), amount(Decimal::from_scaled(mantissa, scale)), bound(cap) {}
};

using EvalResult = std::variant<Outcome, EvalError>;

// Facts that the measure requires but the application lacks, by name.
std::vector<std::string> missing_required_facts(const Edition& edition, const MeasureInfo& measure,
                                                const FactValues& facts);

// Checks the required facts first: when any is absent, the EvalError
// "缺少必需的事实 A、B(措施 M 需要)" with `missing` set, so callers need not
// call missing_required_facts themselves. Then runs the measure's compiled form
// (interpreter/compiled.hpp) when it has one and it can decide exactly in 64
// bits; otherwise the reference tree-walker. Either way the result, the
// explanation and any error are the tree-walker's.
EvalResult evaluate_measure(const Edition& edition, const MeasureInfo& measure, const FactValues& facts,
                            Trace* trace = nullptr);
// The reference tree-walker alone (differential tests, benchmarks).
EvalResult evaluate_measure_reference(const Edition& edition, const MeasureInfo& measure, const FactValues& facts,
                                      Trace* trace = nullptr);

// An expression of the edition (a parameter's, an example's); `edition` is not null.
std::variant<Value, EvalError> evaluate_expression(const Edition* edition, const ast::Expr& expr,
                                                   const FactValues& facts);
// A free expression (REPL), checked by check_expression; `edition` may be null.
std::variant<Value, EvalError> evaluate_expression(const Edition* edition, const CheckedExpression& expr,
                                                   const FactValues& facts);

// An expression of a 性质 on one application: 比例 and 基数 are the measure's,
// 金额, 适用 and the 结果 come from `outcome` (the measure evaluated on `facts`).
std::variant<Value, EvalError> evaluate_for_outcome(const Edition& edition, const MeasureInfo& measure,
                                                    const FactValues& facts, const Outcome& outcome,
                                                    const ast::Expr& expr);

// Parameters are constants: computed once when an edition is built.
std::optional<EvalError> compute_parameters(Edition& edition, const std::vector<int>& order);

// Text of a value for people: "8000000.00元" style is the caller's business;
// this gives the plain form used in explanations and the REPL.
std::string format_value(const Edition* edition, const Value& v);

}  // namespace kuan
