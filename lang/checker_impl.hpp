// The checker's own declarations, shared by the files it is split into (one
// concern each, named below); its interface is lang/checker.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lang/check_brackets.hpp"  // OperandChecker
#include "lang/checker.hpp"

namespace kuan::checking {

struct Symbol {
  ast::RefKind kind;
  int index;
  Span span;
};

// Who owns the expression being checked decides which names it may use.
enum class Owner { Param, Define, FactDefault, Cap, Measure, Example, Property, Rounding, Schedule, Free };

struct Context {
  Owner owner = Owner::Free;
  int node = -1;  // dependency-graph node of the owner, -1 if none
  const ast::MeasureDecl* measure = nullptr;
  bool uses_rate = false, uses_base = false;  // 比例 / 基数 read by name
  // 结果 the expression may read by name: the measure's first `results_visible`
  // (金额 reads all of them, a 结果 those before it, 要求/比例/基数/caps none).
  std::size_t results_visible = 0;
  // With Owner::Param: the 不超过 of this 全部 limit (a quota or a pool), one
  // number for every application, rather than a 参数 — named in the message.
  const ast::LimitDecl* bound_of = nullptr;
};

class Checker {
 public:
  Checker(Edition& ed, ExprNotes& notes, std::vector<Diagnostic>& diags) : ed_(ed), notes_(notes), diags_(diags) {}

  // checker.cpp: the edition pass in order; errors, blamed on a derived edition's change
  void error(Span s, std::string m);
  void warning(Span s, std::string m) { diags_.push_back(make_diagnostic(Severity::Warning, s, std::move(m))); }
  std::string where(Span s) const;
  void run(std::vector<int>& param_order);

  // checker_expressions.cpp
  Type check(const ast::Expr& e, Context& ctx, const Type* hint = nullptr);

  // Where the checker's findings about `e` go; the edition's table covers
  // every expression id (numbered before checking).
  ExprNote& note(const ast::Expr& e) { return notes_.exprs[e.id]; }

 private:
  struct Cause {
    Span span;         // in the derived edition's file
    std::string what;  // "修订 事实 采购类型", "删除 措施 甲"
  };

  // checker.cpp: blame
  bool inherited_file(const Span& s) const;
  void read_revision(ast::Revision revision, const Span& span, const char* kind, const std::string& name);
  void blame_removal(const std::string& name);
  const ast::Removal* removal_of(ast::DeclKind kind, const std::string& name) const;
  bool derived_file(const ast::Module& m) const;

  // checker_declarations.cpp: the header lines, the declared names, duplicates
  void header();
  std::pair<std::size_t, std::uint32_t> order_of(const Span& s) const;
  void add_symbol(const std::string& name, Symbol s);
  std::string revise_hint(const Span& earlier, const char* kind, const std::string& name) const;
  void declare();
  void fact_default(int i);
  Type enumeration(const std::string& name, const std::vector<ast::NamedSpan>& values);

  // checker_lists.cpp: 列表 facts, their fields, the aggregates 合计 计数 最大 最小
  Type list_type(const ast::FactDecl& f);
  void check_list_fields();
  int field_index(const std::string& name) const;
  Type aggregate(const ast::Expr& e, Context& ctx);
  void example_list(const ast::ExampleFact& f, const Type& type, Context& ctx);

  void depend(const Context& ctx, int target) {
    if (ctx.node >= 0) deps_[ctx.node].push_back(target);
  }

  // checker_expressions.cpp: the types of expressions (units, operators, 若, 按)
  void expect_type(const ast::Expr& e, const Type& got, const Type& want, const std::string& what);
  std::string describe(const Type& t) const;
  Type arith(const ast::Expr& e, Type a, Type b);
  bool is_unbound_name(const ast::Expr& e) const;
  Type compare(const ast::Expr& e, Context& ctx);
  Type match(const ast::Expr& e, Context& ctx, const Type* hint);
  Type check_inner(const ast::Expr& e, Context& ctx, const Type* hint);
  Type schedule_use(const ast::Expr& e, Context& ctx);  // 累进 X 按 N
  OperandChecker operand_checker(Context& ctx);

  // checker_names.cpp: what a name refers to, and who may read it
  Type name(const ast::Expr& e, Context& ctx, const Type* hint);
  bool result_name(const ast::Expr& e, Context& ctx, ExprNote& n);
  void results(const ast::MeasureDecl& m, const Context& ctx);
  static std::string join(const std::vector<std::string>& v);

  // checker_suggestions.cpp: what an unknown name probably meant
  std::string closest_name(const std::string& wrong) const;
  void undefined(const ast::Expr& e);

  // limit_rules.cpp: 限额 — valid combinations, refusals lowered to 要求, allocation's metadata
  bool valid_limit(const ast::LimitDecl& l, bool in_measure);
  bool judge_limit(const ast::LimitDecl& l, bool in_measure);
  void cap_body(const ast::LimitDecl& c, Context& ctx);
  void top_limit(int i);
  void lower_refusals();
  void limit_refusal(const ast::LimitDecl& l);
  void lower_in_force();  // checker_in_force.cpp
  void lower_refusal_tables();  // checker_measures.cpp
  bool count_bound_ok(const ast::Requirement& r, Context& ctx);
  // Limits whose refusal (the 要求 lowered into each measure they cover) was
  // checked: its mistakes are reported at the first measure only (muted_ after).
  std::set<const ast::LimitDecl*> limits_checked_;
  // Per measure with 结果, each figure's index by name (a measure may have many).
  std::unordered_map<const ast::MeasureDecl*, std::unordered_map<std::string, std::size_t>> result_index_;
  const std::unordered_map<std::string, std::size_t>& result_index(const ast::MeasureDecl& m);
  int muted_ = 0;  // > 0: errors are not reported (a check repeated for its notes)
  // A name a constant may not read (a fact, a definition) in `ctx`: the message for `name`, a `kind`.
  std::string not_constant(const Context& ctx, const std::string& name, const char* kind) const;
  int measure_named(const ast::NamedSpan& n);
  void batch_metadata();
  void apply_shared_limits();
  int group_fact(const ast::LimitDecl& l);
  void tally_limit(const ast::LimitDecl& l, std::vector<int> measures);
  void pool_limit(const ast::LimitDecl& l, const std::vector<int>& measures);
  void quota_limit(const ast::LimitDecl& l, const std::vector<int>& measures);
  void year_total(const ast::AccumulationDecl& a);

  // checker_measures.cpp: 措施, 例, 性质
  void measure(int i);
  void example(const ast::ExampleDecl& x);
  void property(const ast::PropertyDecl& p);

  // checker_graph.cpp: cycles, parameter order, nesting depth, the facts a measure reads
  std::string node_name(int n) const;
  Span node_span(int n) const;
  bool find_cycles();
  template <typename Keep, typename Done>
  void post_order(int roots, Keep keep, Done done);
  std::vector<int> topological_params();
  void check_evaluation_depth();
  void collect_measure_facts(int i);

  Edition& ed_;
  ExprNotes& notes_;  // the edition's, or a free expression's
  std::uint32_t next_id_ = 0;  // for expressions the checker writes (超出 拒绝 lowered to 要求)
  std::vector<Diagnostic>& diags_;
  std::unordered_map<std::string, Symbol> symbols_;
  std::vector<std::vector<int>> deps_;
  std::vector<int> height_;  // per graph node: the deepest of its own expressions
  std::vector<bool> fact_used_, param_used_, schedule_used_;
  std::unordered_map<const ast::LimitDecl*, bool> limit_valid_;
  std::vector<int> rows_;  // list ids of the aggregates being checked, innermost last
  int suggestions_left_ = 50;  // "是不是 …?" for the first unknown names only
  std::optional<Cause> cause_, unit_cause_;  // what a base file's error is blamed on
  int check_depth_ = 0;
  int define_base_ = 0, fact_base_ = 0, cap_base_ = 0, measure_base_ = 0;

  friend std::optional<CheckedExpression> kuan::check_expression(const Edition*, const ast::Expr&, std::vector<Diagnostic>&);
  friend CheckedEdition kuan::check_edition(std::vector<std::unique_ptr<ast::Module>>, Edition&);
};

}  // namespace kuan::checking
