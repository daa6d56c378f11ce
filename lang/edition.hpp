// A checked edition: the modules of one edition folder after name resolution
// and type checking. It owns the syntax trees; once built it is never changed,
// so any number of threads may evaluate against it at once. What the checker
// found is kept here, not in the trees, which stay as the parser made them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/suggest.hpp"
#include "lang/value.hpp"
#include "lang/ast.hpp"

namespace kuan {

// What the checker found about one expression.
struct ExprNote {
  Type type;
  ast::RefKind ref = ast::RefKind::Unresolved;
  // The slot of the fact, parameter or definition a name reads; the value of an
  // enumeration literal; a built-in's id; for 按 …, its entry in ExprNotes::arms.
  int index = -1;
};

// Checker results by expression id (ast::Expr::id): evaluation looks a node's
// up by index, as cheaply as a field of the node.
struct ExprNotes {
  std::vector<ExprNote> exprs;
  std::vector<std::vector<std::vector<int>>> arms;  // per 按 …: per arm, the enumeration values it takes
  const ExprNote& operator[](const ast::Expr& e) const { return exprs[e.id]; }
  // The values arm `arm` of the 按 expression `e` takes.
  const std::vector<int>& arm_values(const ast::Expr& e, std::size_t arm) const {
    return arms[static_cast<std::size_t>(exprs[e.id].index)][arm];
  }
};

// A free expression (the REPL's input) checked against an edition: a copy of
// it numbered after the edition's expressions, and the edition's notes with
// its own after them.
struct CheckedExpression {
  ast::ExprPtr expr;
  ExprNotes notes;
  const Type& type() const { return notes[*expr].type; }
};

struct EnumInfo {
  std::string name;  // the fact that declared it
  std::vector<std::string> values;
};

// A list fact: its items' fields and their types (in declaration order).
struct ListInfo {
  const ast::FactDecl* decl;
  std::vector<Type> field_types;
  // The field's index, or -1.
  int field(std::string_view name) const {
    for (std::size_t i = 0; i < decl->fields.size(); ++i)
      if (decl->fields[i].name == name) return static_cast<int>(i);
    return -1;
  }
};

struct FactInfo {
  const ast::FactDecl* decl;
  Type type;
  int memo = -1;  // per-evaluation cache slot of the default value, if it has one
  bool required() const { return !decl->default_value && !decl->optional; }
};

struct ParamInfo {
  const ast::ParamDecl* decl;
  Type type;
  Value value;  // parameters are constants, computed once when the edition is built
};

struct DefineInfo {
  const ast::DefineDecl* decl;
  Type type;
  int memo = -1;  // per-evaluation cache slot
};

// 累进表 N { … }: a named progressive schedule, applied by 累进 X 按 N.
struct ScheduleInfo {
  const ast::ScheduleDecl* decl;
  Type type;  // of its bounds (and of the tax): 金额 or 数值; an error when the table has one
};

struct MeasureInfo {
  const ast::MeasureDecl* decl = nullptr;
  const ast::ClauseDecl* clause = nullptr;  // null when written outside a clause
  // The 限额 that cut its amount, in order: its own (上限, 叠加, 限额 …),
  // references resolved to the top-level one, then shared ones that cover it.
  std::vector<const ast::LimitDecl*> caps;
  std::vector<int> facts;  // every fact the measure may read, in declaration order
  std::vector<int> needs;  // 需要 F: facts the application must state
  // Per 需要 … 当 of the declaration (in order), the slots of its facts.
  std::vector<std::vector<int>> conditional_needs;
  // Its 要求, then those a 超出 拒绝 limit that covers it adds (lowered by the checker).
  std::vector<const ast::Requirement*> requirements;
  // 施行 on the measure, else on its clause: the days an application (by its
  // as_of) may have it; `in_force_requirement` is its first requirement, whose
  // reason an application outside these days is refused with (evaluator.cpp).
  std::optional<ast::InForce> in_force;
  const ast::Requirement* in_force_requirement = nullptr;
  bool in_force_on(std::int32_t day) const { return !in_force || (day >= in_force->from && (!in_force->to || day <= *in_force->to)); }
  bool refusal_by_arm = false;  // a 要求 … 否则 按 X { … } (its texts follow it in `requirements`)
  std::vector<int> validations;  // the 校验 that apply to it (index into Edition::validations): the edition's and its clause's
  int quota = -1;          // index into Edition::quotas
  int pool = -1;           // index into Edition::pools
};

// 校验 COND 否则 "…": written at the top level it applies to every measure, in a
// clause to the measures of that clause (by clause number).
struct ValidationInfo {
  const ast::ValidationDecl* decl;
  std::string clause;  // empty: the edition's
};

// A 限额 of 金额 over all applications, shared pro rata (资金池).
struct PoolInfo {
  const ast::LimitDecl* decl;
  Decimal amount;  // computed once, like a parameter
  std::vector<int> measures;
};

// A 限额 of 件数 over all applications (名额): each year (per value of
// `group_fact`), the best `count` by score — or the first, by order.
struct QuotaInfo {
  const ast::LimitDecl* decl;
  std::vector<int> measures;
  std::int64_t count = 0;  // computed once, like a parameter
  int score_fact = -1;     // -1: application order decides
  int group_fact = -1;     // -1: one quota for everyone
};

// In allocation, `fact` (when a line does not give it) is either the tally of
// a 每 申请人 限额 (累计 F = M…): what the applicant's earlier funded
// applications of `measures` received this year — or, with `count`, how many
// there were — per value of `group_fact`; or — with `source` ≥ 0 (累计 … =
// 全年 SOURCE 于 …) — the year's total of fact `source` over all the
// applicant's applications of `measures`.
struct AccumulationInfo {
  int fact;
  std::vector<int> measures;
  int source = -1;
  int group_fact = -1;
  bool count = false;
  const ast::LimitDecl* limit = nullptr;  // the tally's 限额
  std::int32_t period_from = 0, period_to = 0;  // a stated 期间; 0, 0: the year
};

// An Edition is only ever made as the base of a later stage's edition, which
// keeps beside it what it builds from the checked rules (the interpreter's
// LoadedEdition: each measure's compiled form): the checker fills one it is
// given (check_edition), and the constructor is not public.
struct Edition {
  virtual ~Edition() = default;

  std::vector<std::unique_ptr<ast::Module>> modules;
  // Requirements the checker wrote for the measures (超出 拒绝), owned here.
  std::vector<std::unique_ptr<ast::Requirement>> lowered;
  ExprNotes notes;           // of every expression of the modules and of `lowered`
  std::uint32_t end_id = 0;  // past the last expression id in use

  std::string policy_name;
  std::string name;  // 版本, e.g. "2025年版"
  Span name_span;
  std::string base_name;  // 基于: the edition this one was written as changes to
  ast::EditionStatus status = ast::EditionStatus::Official;  // 状态
  Span status_span;
  Span period_span;       // the 施行 line
  std::int32_t effective_from = 0;
  std::optional<std::int32_t> effective_to;
  bool end_implied = false;  // no 至: ends the day before the next edition begins
  RoundingMode rounding = RoundingMode::HalfUp;
  std::string rounding_name = "四舍五入";
  Decimal rounding_step;
  int rounding_places = 2;  // scale of the step, for printing

  std::vector<EnumInfo> enums;
  std::vector<ListInfo> lists;  // by Type::list_id
  std::vector<FactInfo> facts;
  std::vector<ParamInfo> params;
  std::vector<DefineInfo> defines;
  std::vector<ScheduleInfo> schedules;  // 累进表, by ExprNote::index of each 累进 X 按 N
  std::vector<const ast::LimitDecl*> limits;  // top-level 限额 (and their sugar), by name
  std::vector<MeasureInfo> measures;
  std::vector<const ast::ClauseDecl*> clauses;
  std::vector<const ast::ExampleDecl*> examples;
  std::vector<const ast::PropertyDecl*> properties;  // 性质, in file order
  std::vector<ValidationInfo> validations;           // 校验, in file order
  std::vector<PoolInfo> pools;
  std::vector<QuotaInfo> quotas;
  std::vector<AccumulationInfo> accumulations;

  // Transparent hashing so lookups by string_view do not allocate.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using NameIndex = std::unordered_map<std::string, int, NameHash, std::equal_to<>>;
  NameIndex fact_index;
  NameIndex measure_index;
  int memo_slots = 0;  // fact defaults + definitions: what one evaluation may cache

  // Copies of the modules that share their expressions: to build another
  // edition from this one's rules (say with changes laid over them, see
  // lang/revisions.hpp) without parsing them again. Parse what is laid over
  // from `end_id` on, and the expressions need no new numbers.
  std::vector<std::unique_ptr<ast::Module>> copy_modules() const {
    std::vector<std::unique_ptr<ast::Module>> out;
    for (const auto& m : modules) out.push_back(std::make_unique<ast::Module>(*m));
    return out;
  }

  const MeasureInfo* find_measure(std::string_view wanted) const {
    auto it = measure_index.find(wanted);
    return it == measure_index.end() ? nullptr : &measures[it->second];
  }
  int find_fact(std::string_view wanted) const {
    auto it = fact_index.find(wanted);
    return it == fact_index.end() ? -1 : it->second;
  }
  // "(是不是 X?)" for a misspelt measure or fact name (base/suggest.hpp), or "".
  std::string measure_hint(std::string_view wrong) const { return hint_from(measure_index, wrong); }
  std::string fact_hint(std::string_view wrong) const { return hint_from(fact_index, wrong); }
  // "未知的措施 X(是不是 Y?)", else "未知的措施 X(ED 中没有这项措施)"; `shown` is X as the
  // message may print it (escaped), `wrong` the name as given.
  std::string unknown_measure_message(std::string_view shown, std::string_view wrong) const {
    const std::string hint = measure_hint(wrong);
    return "未知的措施 " + std::string(shown) + (hint.empty() ? "(" + name + " 中没有这项措施)" : hint);
  }
  std::string unknown_fact_message(std::string_view shown, std::string_view wrong) const {
    const std::string hint = fact_hint(wrong);
    return "未知的事实 " + std::string(shown) + (hint.empty() ? "(" + name + " 没有声明这个事实)" : hint);
  }
  // Only an official text is chosen by date; 示例 and 草案 only by name.
  bool official() const { return status == ast::EditionStatus::Official; }
  // "示例" / "草案" / "正式"
  const char* status_name() const {
    return status == ast::EditionStatus::Illustrative ? "示例" : status == ast::EditionStatus::Draft ? "草案" : "正式";
  }
  bool in_force_on(std::int32_t day) const {
    return day >= effective_from && (!effective_to || day <= *effective_to);
  }

 protected:
  Edition() = default;
  Edition(const Edition&) = delete;
  Edition& operator=(const Edition&) = delete;

 private:
  static std::string hint_from(const NameIndex& index, std::string_view wrong) {
    ClosestName closest(wrong);
    for (const auto& entry : index) closest.consider(entry.first);
    return did_you_mean_text(closest.best());
  }
};

}  // namespace kuan
