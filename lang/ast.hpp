// The typed syntax tree of a Kuan rule file. It owns its strings, every node
// carries a Span, and nothing here depends on PEGTL. The checker fills in the
// `resolved` annotations once; after that the tree is read-only and shared by
// every evaluation.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interpreter/decimal.hpp"
#include "lang/source.hpp"
#include "lang/types.hpp"

namespace kuan::ast {

enum class ExprKind {
  Number,   // 800万元, 30%, 3, 0.5
  Boolean,  // 是 / 否
  Date,     // 2025-06-13
  Name,     // a fact, parameter, definition, enumeration value, or 比例/基数 in a measure
  Call,     // min(a, b), 四舍五入(x, 0.01元)
  Has,      // 有 核定年度上限
  Negate,   // −x
  Not,      // 非 x
  Arith,    // a + b, a − b, a × b, a ÷ b
  Compare,  // a ≤ b …
  And,
  Or,
  If,       // 若 c 则 a 否则 b      (args: c, a, b)
  Match,    // 按 x { a => 1, b | c => 2, 其他 => 3 }   (args[0]: x)
};

enum class Unit { None, Yuan, Wan, Yi, Percent, PercentPoint };
enum class ArithOp { Add, Sub, Mul, Div };
enum class CompareOp { Lt, Le, Gt, Ge, Eq, Ne };

// What a name was resolved to by the checker.
// MeasureAmount and MeasureEligible (金额, 适用) name a measure's outcome; only a
// 性质 may read them.
enum class RefKind { Unresolved, Fact, Param, Define, EnumValue, MeasureRate, MeasureBase, MeasureAmount, MeasureEligible };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct NamedSpan {
  std::string name;
  Span span;
};

struct MatchArm {
  std::vector<NamedSpan> patterns;  // empty for 其他
  bool otherwise = false;
  Span span;
  ExprPtr value;
  std::vector<int> pattern_values;  // enumeration indices, filled by the checker
};

struct Expr {
  ExprKind kind;
  Span span;
  // Literals: the value in base units (元 for money, a fraction for rates).
  Decimal number;
  Unit unit = Unit::None;
  bool boolean = false;
  std::int32_t date = 0;  // days since 1970-01-01
  std::string name;       // Name, Call, Has
  ArithOp arith = ArithOp::Add;
  CompareOp compare = CompareOp::Eq;
  std::vector<ExprPtr> args;
  std::vector<MatchArm> arms;
  int depth = 1;  // height of this subtree (bounded by the parser)

  // Filled by the checker.
  Type type;
  RefKind ref = RefKind::Unresolved;
  int index = -1;  // slot of the fact/param/define, enumeration value, or builtin id
};

enum class FactKind { Money, Rate, Integer, Number, Bool, Date, Enum };

// How a declaration relates to the edition it is based on (基于).
enum class Revision { None, Revise, Replace };

struct FactDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  FactKind kind = FactKind::Money;
  std::vector<NamedSpan> enum_values;
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

struct DefineDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  ExprPtr value;
};

// A named cap. `limit` null means "the top-level cap of this name" (a reference
// from inside a measure). With `used`, the cap is a room: max(0, limit − used).
struct CapDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  ExprPtr limit;
  ExprPtr used;
  ExprPtr when;
  bool stacking = false;  // 叠加: a ceiling shared with another program
  int resolved = -1;      // index into the edition's top-level caps for references
};

struct Requirement {
  ExprPtr condition;
  std::string reason;
  Span span;
};

// 需要 F, G 当 COND: facts the application must state when COND holds
// (a missing one is bad input, not a reason to refuse).
struct ConditionalNeed {
  std::vector<NamedSpan> facts;
  ExprPtr when;
  std::vector<int> slots;  // filled by the checker
};

struct MeasureDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  std::string title;
  int clause = -1;  // index into Module::clauses; -1 when written outside any clause
  std::vector<Requirement> requirements;
  std::vector<NamedSpan> needs;
  std::vector<ConditionalNeed> conditional_needs;
  ExprPtr rate, base, amount;
  Span rate_span, base_span, amount_span;
  std::vector<CapDecl> caps;
  std::vector<int> needs_facts;  // filled by the checker
  ExprPtr quota;                 // 名额 = N 按 SCORE: the N best scores are funded each year
  std::optional<NamedSpan> quota_score;
};

// 资金池 NAME = AMOUNT 覆盖 M1, M2: a yearly budget shared by measures.
struct PoolDecl {
  Revision revision = Revision::None;
  Span revision_span;
  std::string name;
  Span span;
  ExprPtr amount;
  std::vector<NamedSpan> measures;
};

// 累计 FACT = M1, M2: in allocation, FACT is what the same applicant's earlier
// applications of these measures were computed to receive that year.
// 累计 FACT = 全年 SOURCE 于 M1, M2: FACT is the year's total of the fact
// SOURCE over all the same applicant's applications of these measures.
struct AccumulationDecl {
  NamedSpan fact;
  std::vector<NamedSpan> measures;
  std::optional<NamedSpan> year_total_of;  // SOURCE, for the 全年 form
};

struct ExampleFact {
  std::string name;
  Span span;
  ExprPtr value;
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
};

enum class RoundingKind { HalfUp, HalfEven, Down, Up };
// 状态: only an official text (the default) is ever chosen by date.
enum class EditionStatus { Official, Illustrative, Draft };

template <typename T>
struct Located {
  T value;
  Span span;
};

enum class DeclKind { Param, Fact, Define, Cap, Pool, Measure };

struct Removal {
  DeclKind kind;
  std::string name;
  Span span;
};

struct Module {
  SourcePtr source;
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
  std::vector<CapDecl> caps;
  std::vector<PoolDecl> pools;
  std::vector<AccumulationDecl> accumulations;
  std::vector<ClauseDecl> clauses;
  std::vector<MeasureDecl> measures;
  std::vector<ExampleDecl> examples;
  std::vector<PropertyDecl> properties;
};

}  // namespace kuan::ast
