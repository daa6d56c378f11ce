// The typed syntax tree of a Kuan rule file. It owns its strings, every node
// carries a Span, and nothing here depends on PEGTL. After parsing the tree is
// read-only: what the checker finds (types, what a name refers to) belongs to
// an edition and is kept there, in tables indexed by each expression's `id`
// (lang/edition.hpp), so one parsed file can be checked into several editions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/decimal.hpp"
#include "base/source.hpp"
#include "lang/types.hpp"
#include "lang/units.hpp"

namespace kuan::ast {

enum class ExprKind {
  Number,   // 800万元, 30%, 3, 0.5
  Boolean,  // 是 / 否
  Date,     // 2025-06-13
  Name,     // a fact, parameter, definition, enumeration value, or 比例/基数 in a measure
  Call,     // min(a, b), 四舍五入(x, 0.01元)
  Has,      // 有 核定年度上限
  InForce,  // 施行中(减免税额): whether measure M is in force on the application's date (name: M)
  Negate,   // −x
  Not,      // 非 x
  Arith,    // a + b, a − b, a × b, a ÷ b
  Compare,  // a ≤ b …
  And,
  Or,
  If,       // 若 c 则 a 否则 b      (args: c, a, b)
  Match,    // 按 x { a => 1, b | c => 2, 其他 => 3 }   (args[0]: x)
  Aggregate,  // 合计 L { E 当 C }   (args[0]: the list's name, then E if has_value, then C if has_filter)
  // 累进 x { 至 3万元 => 5%, …, 以上 => 35% }: a marginal schedule. args[0] is x,
  // then each bracket's bound, rate and 速算扣除数 (see `brackets`), so whatever
  // walks the operands sees them all.
  Progressive,
  // 按 x { 50万元(含) 以下 => a, 50万元(不含) 至 100万元(含) => b, 其他 => c }: a range
  // table. args[0] is x, then the ends of the ranges (see MatchArm::lower/upper),
  // so whatever walks the operands sees them all.
  Ranges,
};

enum class AggregateOp { Sum, Count, Max, Min };  // 合计 计数 最大 最小

using Unit = units::Unit;  // lang/units.hpp: the one table of units
enum class ArithOp { Add, Sub, Mul, Div };
enum class CompareOp { Lt, Le, Gt, Ge, Eq, Ne };

// What a name was resolved to by the checker.
// MeasureAmount and MeasureEligible (金额, 适用) name a measure's outcome; only a
// 性质 may read them.
// Field: a field of the list item an aggregate is at (index: the field's).
enum class RefKind { Unresolved, Fact, Param, Define, EnumValue, MeasureRate, MeasureBase, MeasureAmount, MeasureEligible, Field, MeasureResult };

struct Expr;
// Read-only once parsed, and shared: an edition written as changes to another
// (基于) holds its base's expressions, not copies.
using ExprPtr = std::shared_ptr<const Expr>;

struct NamedSpan {
  std::string name;
  Span span;
};

// One end of a range arm: an index into Expr::args (−1: unbounded, 以上/以下) and
// whether the end's value belongs to the range ((含) or (不含)).
struct RangeEnd {
  int arg = -1;
  bool inclusive = false;
};

struct MatchArm {
  std::vector<NamedSpan> patterns;  // empty for 其他 and for a range
  bool otherwise = false;
  Span span;
  ExprPtr value;
  RangeEnd lower, upper;  // Ranges: the arm's range (both −1 only for 其他)
  Span pattern_span;      // Ranges: the range as written, 50万元(含) 至 100万元(不含)
};

// One bracket of a 累进: indices into Expr::args; `upper` −1 for 以上, `deduction` −1 when not written.
struct Bracket {
  Span span;
  int upper = -1, rate = -1, deduction = -1;
};

struct Expr {
  ExprKind kind;
  // Numbered by the parser, distinct within a module (Module::first_id…end_id):
  // the index of this node in an edition's tables of checker results. Beside
  // `kind`, so evaluation reads both from one cache line.
  std::uint32_t id = 0;
  Span span;
  // Literals: the value in base units (元 for money, a fraction for rates).
  Decimal number;
  Unit unit = Unit::None;
  TimeUnit per = TimeUnit::None;  // 2000元/月: an amount per this period
  bool boolean = false;
  std::int32_t date = 0;  // days since 1970-01-01
  std::string name;       // Name, Call, Has
  ArithOp arith = ArithOp::Add;
  CompareOp compare = CompareOp::Eq;
  AggregateOp aggregate = AggregateOp::Sum;  // Aggregate
  bool has_value = false, has_filter = false;  // Aggregate: E and 当 C written
  std::vector<ExprPtr> args;
  std::vector<MatchArm> arms;
  std::vector<Bracket> brackets;  // Progressive
  int depth = 1;  // height of this subtree (bounded by the parser)
  // Progressive by name (累进 X 按 N): N is `name`, written here; `brackets` are N's (ScheduleDecl).
  Span name_span;
};

enum class FactKind { Money, Rate, Integer, Number, Bool, Date, Enum, List };

// A field of a list fact's items: 月数: 整数.
struct ListField {
  std::string name;
  Span span;
  FactKind kind = FactKind::Money;  // never List: lists do not nest
  TimeUnit time = TimeUnit::None;   // 金额/月, 月数: as for a fact
  std::vector<NamedSpan> enum_values;
  Span type_span;
};

// How a declaration relates to the edition it is based on (基于).
enum class Revision { None, Revise, Replace };

struct FactDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  FactKind kind = FactKind::Money;
  TimeUnit time = TimeUnit::None;  // 金额/月 (money per period), 月数 (an integer counting months)
  std::vector<NamedSpan> enum_values;
  std::vector<ListField> fields;  // List: the items' fields
  Span type_span;
  ExprPtr default_value;  // null: required unless optional
  bool optional = false;
  std::string label;
};

struct ParamDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  ExprPtr value;
  std::string label;
};

// 累进表 N { 至 B => R [速算扣除数 D], …, 以上 => R }: a progressive schedule named
// once and applied by `累进 X 按 N`. `table` is a Progressive without a base: its
// args are the brackets' operands alone (Bracket's indices into them).
struct ScheduleDecl {
  Revision revision = Revision::None;  // 修订 累进表 N { … }: the base's table of that name, restated whole
  Span revision_span;
  std::string name;
  Span span;
  ExprPtr table;
};

struct DefineDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  ExprPtr value;
};

// 限额: the one construct for every limit (docs/language.md「限额」). What is
// limited (金额 or 件数), whose (this application, the same applicant — per
// value of a fact with 按 F — or all applications together), over what period,
// the bound (an expression, so it may depend on the application), what is
// already used, and what happens at the bound. The older spellings are sugar,
// translated by the parser into this node:
//   上限 X = L [已用 U] [当 C]   金额, 每 申请, 不超过 L, 已用 U, 当 C, 超出 削减
//   叠加 X = …                  the same, marked 叠加 (shared with another programme)
//   上限 X (in a measure)       a reference to the top-level 限额 X (`limit` null)
//   资金池 P = A 覆盖 M…        金额, 全部, 每年, 不超过 A, 覆盖 M…, 超出 按比例
//   累计 F = M…                 金额, 每 申请人, 每年, 已用 F, 覆盖 M… (a tally: no bound)
//   名额 = N [按 S] (in M)       件数, 全部, 每年, 不超过 N, 覆盖 M, 超出 择优 [按 S]
enum class LimitWhat { Amount, Count };                 // 计 金额 | 计 件数
enum class LimitScope { Application, Applicant, All };  // 每 申请 | 每 申请人 | 全部
enum class LimitPeriod { Application, Year, Stated };   // 期间 本申请 | 每年 | D 至 D
enum class LimitAction { Cut, Refuse, Best, ProRata };  // 超出 削减 | 拒绝 "…" | 择优 [按 S] | 按比例
enum class LimitSpelling { General, Cap, Stack, Pool, Tally, Quota };

struct LimitDecl;
// The keyword a limit was written with: 上限, 叠加, 资金池, 累计, 名额 or 限额.
const char* limit_word(const LimitDecl& l);

struct LimitDecl;
struct Requirement {
  ExprPtr condition;
  std::string reason;
  Span span;
  const LimitDecl* limit = nullptr;  // written by a count limit's 超出 拒绝 (its numbers explain it)
  // 要求 C 否则 按 X { a => "…", … }: `refusal` is that 按 with the arms' values
  // 1, 2, … (the checker checks it as any 按: every value handled, ranges without
  // gaps or overlaps) and `refusals` their texts; `reason` is the table as written.
  // The checker lowers each text to a requirement of its own (alternative_of this
  // one, no condition), placed right after it in MeasureInfo::requirements: the
  // one a failing application is refused with (evaluate_in_order).
  ExprPtr refusal;
  std::vector<std::string> refusals;
  const Requirement* alternative_of = nullptr;
};

// 施行 D1 至 D2 (or 施行 D1 起) on a measure or a clause: the days, since
// 1970-01-01, on which an application (by its as_of) may have it.
struct InForce {
  std::int32_t from = 0;
  std::optional<std::int32_t> to;  // none: open-ended (施行 D1 起)
  Span span;                       // the 施行 line
};

struct LimitDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  LimitSpelling spelling = LimitSpelling::General;
  LimitWhat what = LimitWhat::Amount;
  LimitScope scope = LimitScope::Application;
  std::optional<NamedSpan> group;  // 按 F: one count/total per value of fact F
  LimitPeriod period = LimitPeriod::Application;
  std::int32_t period_from = 0, period_to = 0;  // LimitPeriod::Stated, days since 1970-01-01
  ExprPtr limit;  // 不超过; null for a reference or a tally
  ExprPtr used;   // 已用
  ExprPtr when;   // 当
  std::vector<NamedSpan> covers;  // 覆盖; a limit written in a measure covers that measure
  LimitAction action = LimitAction::Cut;
  std::string refusal;              // 超出 拒绝 "…" (for 按 X { … }: the table as written)
  ExprPtr refusal_by;               // 超出 拒绝 按 X { … }: as a 要求's `refusal` (lowered with it)
  std::vector<std::string> refusals;
  std::optional<NamedSpan> score;   // 超出 择优 按 S
  bool stacking = false;            // 叠加: a ceiling shared with another programme
  bool explicit_scope = false, explicit_period = false, explicit_action = false, explicit_what = false;
  bool is_reference() const { return !limit && !used && spelling == LimitSpelling::Cap; }
  // Lowers the amount in every evaluation (上限, 叠加, a per-applicant room).
  bool cuts() const { return what == LimitWhat::Amount && action == LimitAction::Cut && scope != LimitScope::All; }
  // Refuses an applicant's application past a count (a requirement of each measure it covers).
  bool refuses() const { return what == LimitWhat::Count && scope == LimitScope::Applicant && action == LimitAction::Refuse; }
};

inline const char* limit_word(const LimitDecl& l) {
  switch (l.spelling) {
    case LimitSpelling::Cap: return "上限";
    case LimitSpelling::Stack: return "叠加";
    case LimitSpelling::Pool: return "资金池";
    case LimitSpelling::Tally: return "累计";
    case LimitSpelling::Quota: return "名额";
    case LimitSpelling::General: break;
  }
  return "限额";
}

// 需要 F, G 当 COND: facts the application must state when COND holds
// (a missing one is bad input, not a reason to refuse).
struct ConditionalNeed {
  std::vector<NamedSpan> facts;
  ExprPtr when;
};

// 结果 NAME = EXPR in a measure: one of the figures an application gets beside
// the amount (taxable income, tax, tax due …), money, rounded as the amount is.
struct NamedResult {
  std::string name;
  Span span;  // the name
  ExprPtr value;
};

struct MeasureDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  std::string title;
  int clause = -1;  // index into Module::clauses; -1 when written outside any clause
  bool signed_result = false;  // 可为负: the amount may be below zero (no 资金池, 名额 or 累计 then)
  Span signed_span;
  std::vector<Requirement> requirements;
  std::vector<NamedSpan> needs;
  std::vector<ConditionalNeed> conditional_needs;
  ExprPtr rate, base, amount;
  Span rate_span, base_span, amount_span;
  std::vector<LimitDecl> limits;  // in order written (上限, 叠加, 名额, 限额 …)
  std::optional<InForce> in_force;  // 施行 D1 至 D2 within the measure
  std::vector<NamedResult> results;  // 结果 …, in order written (each may read those before it)
};

// 累计 FACT = 全年 SOURCE 于 M1, M2: FACT is the year's total of the fact
// SOURCE over all the same applicant's applications of these measures. Not a
// limit — a fact defined over the year (the tally form 累计 F = M… is a 限额).
struct AccumulationDecl {
  NamedSpan fact;
  std::vector<NamedSpan> measures;
  NamedSpan year_total_of;  // SOURCE
};

struct ExampleFact {
  std::string name;
  Span span;
  ExprPtr value;  // null for a list: then `items`
  // A list fact's value, [ { 字段: 值, … }, … ]: per item, its fields.
  bool list = false;
  std::vector<std::vector<ExampleFact>> items = {};
  Span value_span = {};  // the list as written
};

struct ExampleDecl {
  std::string measure;
  Span span;
  std::string title;
  std::vector<ExampleFact> facts;
  bool expect_eligible = true;
  ExprPtr expected_amount;
  std::optional<NamedSpan> expected_bound;
  bool expect_unbound = false;  // 得 X 不受限: no cap may have limited the amount
  std::string expected_reason;  // for 不适用: a text the reasons must contain
  std::optional<std::int32_t> as_of;  // 例 M "…" 于 2028-03-01 { … }: the application's date
  // 得 错误 CODE / 得 错误 "…": the application must be an error of this code
  // (invalid_application, missing_fact, evaluation_error) or whose message holds the text.
  bool expect_error = false;
  std::optional<NamedSpan> expected_error_code;
  std::string expected_error_text;
  // 结果 A = X, B = Y after the outcome: the measure's named figures (name, span, value).
  std::vector<ExampleFact> expected_results = {};
};

// 校验 COND 否则 "…": an application on which COND is false is invalid — an
// error, not an ineligible result — for every measure of the edition, or of
// the clause it is written in. 否则 按 X { … }: the message is the text of the
// arm X falls in (`refusal`, `refusals` as a 要求's; `message` the table as written).
struct ValidationDecl {
  ExprPtr condition;
  std::string message;
  ExprPtr refusal;
  std::vector<std::string> refusals;
  Span span;  // the condition
  int clause = -1;  // index into Module::clauses; -1 at the top level
};

// 性质 M "说明" { 对任意 申请 当 C 有 P }: for every application of measure M
// for which C holds, P holds. In C and P the measure's facts, parameters and
// definitions are in scope, with 比例 and 基数 (the measure's own), 金额 (its
// rounded amount, 0.00 when not eligible) and 适用 (whether it is eligible).
struct PropertyDecl {
  std::string measure;
  Span span;  // the measure's name, where a failure is reported
  std::string title;
  NamedSpan variable;  // 申请: what 对任意 ranges over
  ExprPtr when;        // null: every application
  ExprPtr holds;
};

struct ClauseDecl {
  std::string ref;  // "(一)"
  std::string title;
  std::string text;
  std::string responsible;
  Span span;
  Span revision_span;  // the clause number of a 修订 条款 that restated it
  std::optional<InForce> in_force;  // 施行 D1 至 D2: every measure of the clause
};

enum class RoundingKind { HalfUp, HalfEven, Down, Up };
// 状态: only an official text (the default) is ever chosen by date.
enum class EditionStatus { Official, Illustrative, Draft };

template <typename T>
struct Located {
  T value;
  Span span;
};

enum class DeclKind { Param, Fact, Define, Limit, Measure, Schedule };

inline const char* decl_kind_word(DeclKind k) {
  switch (k) {
    case DeclKind::Param: return "参数";
    case DeclKind::Fact: return "事实";
    case DeclKind::Define: return "定义";
    case DeclKind::Limit: return "限额";
    case DeclKind::Measure: return "措施";
    case DeclKind::Schedule: return "累进表";
  }
  return "声明";
}

struct Removal {
  DeclKind kind;
  std::string name;
  Span span;
};

// Files of base modules that a chain of 基于 left with nothing to declare
// (lang/revisions.cpp folds them into a module kept): an edition at the end
// of a chain of 2,000 holds two modules, not 2,000, yet still knows every file
// it inherits. A list whose tails the editions of the chain share.
struct FoldedSource {
  SourcePtr source;
  std::shared_ptr<const FoldedSource> next;
};

struct Module {
  SourcePtr source;
  std::shared_ptr<const FoldedSource> folded;  // inherited files folded into this one
  // This module's file, or one folded into it.
  bool holds(const SourceFile* file) const {
    if (source.get() == file) return true;
    for (const FoldedSource* f = folded.get(); f; f = f->next.get())
      if (f->source.get() == file) return true;
    return false;
  }
  // The ids of this module's expressions (Expr::id) lie in [first_id, end_id).
  std::uint32_t first_id = 0, end_id = 0;
  bool inherited = false;  // a base edition's file under a derived edition (基于)
  std::optional<Located<std::string>> base_edition;  // 基于
  std::vector<Removal> removals;
  std::optional<Located<std::string>> policy;
  std::optional<Located<std::string>> edition;
  std::optional<Located<EditionStatus>> status;  // 状态
  std::optional<Located<std::int32_t>> effective_from;
  std::optional<Located<std::int32_t>> effective_to;
  std::optional<Located<RoundingKind>> rounding;
  ExprPtr rounding_step;
  std::vector<FactDecl> facts;
  std::vector<ParamDecl> params;
  std::vector<DefineDecl> defines;
  std::vector<ScheduleDecl> schedules;          // 累进表, top level and in clauses
  std::vector<LimitDecl> limits;                // top level and in clauses
  std::vector<AccumulationDecl> accumulations;  // 累计 … = 全年 …
  std::vector<ClauseDecl> clauses;
  // 修订 条款: a base clause's title, 原文 or 责任单位 restated (an empty field is
  // not restated); `span` is the clause number's.
  std::vector<ClauseDecl> clause_revisions;
  std::vector<MeasureDecl> measures;
  std::vector<ExampleDecl> examples;
  std::vector<PropertyDecl> properties;
  std::vector<ValidationDecl> validations;  // 校验, top level and in clauses
};

// A copy of an expression whose nodes are numbered afresh from `next_id`.
inline std::unique_ptr<Expr> clone(const Expr& e, std::uint32_t& next_id) {
  auto c = std::make_unique<Expr>();
  c->kind = e.kind;
  c->span = e.span;
  c->number = e.number;
  c->unit = e.unit;
  c->per = e.per;
  c->boolean = e.boolean;
  c->date = e.date;
  c->name = e.name;
  c->arith = e.arith;
  c->compare = e.compare;
  c->aggregate = e.aggregate;
  c->has_value = e.has_value;
  c->has_filter = e.has_filter;
  c->depth = e.depth;
  c->brackets = e.brackets;
  c->name_span = e.name_span;
  c->id = next_id++;
  for (const auto& a : e.args) c->args.push_back(clone(*a, next_id));
  for (const auto& arm : e.arms)
    c->arms.push_back({arm.patterns, arm.otherwise, arm.span, clone(*arm.value, next_id), arm.lower, arm.upper, arm.pattern_span});
  return c;
}

// Calls f(ExprPtr&) on every expression a module holds directly (not on their
// operands): to number a module's expressions afresh, or to copy them.
template <typename F>
void for_each_expr_slot(Module& m, F&& f) {
  auto at = [&](ExprPtr& p) {
    if (p) f(p);
  };
  auto limit = [&](LimitDecl& l) { at(l.limit), at(l.used), at(l.when), at(l.refusal_by); };
  at(m.rounding_step);
  for (auto& x : m.facts) at(x.default_value);
  for (auto& x : m.params) at(x.value);
  for (auto& x : m.defines) at(x.value);
  for (auto& x : m.schedules) at(x.table);
  for (auto& l : m.limits) limit(l);
  for (auto& x : m.measures) {
    for (auto& r : x.requirements) at(r.condition), at(r.refusal);
    for (auto& n : x.conditional_needs) at(n.when);
    at(x.rate), at(x.base), at(x.amount);
    for (auto& r : x.results) at(r.value);
    for (auto& l : x.limits) limit(l);
  }
  for (auto& x : m.examples) {
    for (auto& f2 : x.facts) {
      at(f2.value);
      for (auto& item : f2.items)
        for (auto& field : item) at(field.value);
    }
    at(x.expected_amount);
    for (auto& r : x.expected_results) at(r.value);
  }
  for (auto& p : m.properties) at(p.when), at(p.holds);
  for (auto& v : m.validations) at(v.condition), at(v.refusal);
}

}  // namespace kuan::ast
