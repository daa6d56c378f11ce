// Name resolution and type checking of an edition (lang/checker.hpp). The
// checker is one class (lang/checker_impl.hpp) split by concern: this file
// runs its passes in order and owns error reporting; declarations, expressions,
// names, suggestions, measures, limits (lang/limit_rules.cpp) and the
// dependency graph each have their own file.
#include "lang/checker.hpp"

#include <algorithm>

#include "lang/checker_impl.hpp"

#include <functional>

namespace kuan {

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

namespace checking {

// Under a derived edition the base edition's own rules checked clean, so an
// error in one of its files is caused by a change: it is reported at the
// change (修订 / 删除 line), with a note at the base rule.
void Checker::error(Span s, std::string m) {
  if (muted_ > 0) return;
  if (cause_ && inherited_file(s)) {
    // Changes typed in the REPL are a layer over the edition itself, which need not have a 基于.
    const std::string& base = ed_.base_name.empty() ? ed_.name : ed_.base_name;
    Diagnostic d = make_diagnostic(Severity::Error, cause_->span, cause_->what + " 使基础版本 " + base + " 的规则出错:" + m);
    add_note(d, s, "基础版本中出错的规则在此");
    diags_.push_back(std::move(d));
    return;
  }
  diags_.push_back(make_diagnostic(Severity::Error, s, std::move(m)));
}

std::string Checker::where(Span s) const {
  return position_text(s);
}

void Checker::run(std::vector<int>& param_order) {
  header();
  declare();
  schedule_used_.assign(ed_.schedules.size(), false);
  const int P = static_cast<int>(ed_.params.size()), D = static_cast<int>(ed_.defines.size()),
            F = static_cast<int>(ed_.facts.size()), C = static_cast<int>(ed_.limits.size()),
            M = static_cast<int>(ed_.measures.size());
  define_base_ = P;
  fact_base_ = P + D;
  cap_base_ = P + D + F;
  measure_base_ = P + D + F + C;
  deps_.assign(static_cast<std::size_t>(measure_base_ + M), {});
  height_.assign(deps_.size(), 0);
  fact_used_.assign(static_cast<std::size_t>(F), false);
  param_used_.assign(static_cast<std::size_t>(P), false);

  for (int i = 0; i < P; ++i) {
    Context ctx{Owner::Param, i};
    ed_.params[i].type = check(*ed_.params[i].decl->value, ctx);
  }
  for (auto& s : ed_.schedules) {  // constants, as 参数 are: before anything that applies them
    Context ctx{Owner::Schedule, -1};
    s.type = check_schedule(*s.decl->table, operand_checker(ctx));
    note(*s.decl->table).type = s.type;
  }
  for (int i = 0; i < D; ++i) {
    Context ctx{Owner::Define, define_base_ + i};
    ed_.defines[i].type = check(*ed_.defines[i].decl->value, ctx);
  }
  for (int i = 0; i < F; ++i) fact_default(i);
  lower_refusals();
  lower_in_force();
  lower_refusal_tables();
  ed_.end_id = next_id_;
  notes_.exprs.resize(next_id_);
  for (int i = 0; i < C; ++i) top_limit(i), limit_refusal(*ed_.limits[i]);
  for (const auto& info : ed_.measures)
    for (const auto& l : info.decl->limits) limit_refusal(l);
  for (int i = 0; i < M; ++i) measure(i);
  for (const auto& v : ed_.validations) {
    // Like a 定义: facts, parameters and definitions, not a measure's 比例 or 基数.
    Context ctx{Owner::Define, -1};
    const Type t = check(*v.decl->condition, ctx);
    if (!t.is_error() && t.kind != TypeKind::Bool)
      error(v.decl->condition->span, "校验 的条件须为布尔,这里是" + describe(t));
    if (v.decl->refusal) check(*v.decl->refusal, ctx);  // 否则 按 X { … }: a 按 like any other
  }
  apply_shared_limits();
  for (const auto* ex : ed_.examples) example(*ex);
  for (const auto* p : ed_.properties) property(*p);
  batch_metadata();

  if (!find_cycles()) {
    param_order = topological_params();
    check_evaluation_depth();
  }
  for (int i = 0; i < M; ++i) collect_measure_facts(i);
  for (int i = 0; i < F; ++i)
    if (!fact_used_[i])
      warning(ed_.facts[i].decl->span, "事实 " + ed_.facts[i].decl->name + " 未被任何规则使用");
  for (int i = 0; i < P; ++i)
    if (!param_used_[i])
      warning(ed_.params[i].decl->span, "参数 " + ed_.params[i].decl->name + " 未被任何规则使用");
  for (std::size_t i = 0; i < ed_.schedules.size(); ++i)  // (a repeated name is an error of its own)
    if (!schedule_used_[i] && std::none_of(ed_.schedules.begin(), ed_.schedules.begin() + static_cast<std::ptrdiff_t>(i),
                                           [&](const ScheduleInfo& s) { return s.decl->name == ed_.schedules[i].decl->name; }))
      warning(ed_.schedules[i].decl->span, "累进表 " + ed_.schedules[i].decl->name + " 未被任何规则使用");
}

bool Checker::inherited_file(const Span& s) const {
  return s.file && std::any_of(ed_.modules.begin(), ed_.modules.end(),
                               [&](const auto& m) { return m->inherited && m->holds(s.file); });
}

// A base rule read a declaration that the derived edition revised.
void Checker::read_revision(ast::Revision revision, const Span& span, const char* kind, const std::string& name) {
  if (revision == ast::Revision::None) return;
  cause_ = Cause{span, std::string(revision == ast::Revision::Replace ? "替换 " : "修订 ") + kind + " " + name};
}

// The derived edition's 删除 of this kind and name, if it has one.
const ast::Removal* Checker::removal_of(ast::DeclKind kind, const std::string& name) const {
  for (const auto& m : ed_.modules)
    for (const auto& r : m->removals)
      if (r.kind == kind && r.name == name) return &r;
  return nullptr;
}

// A base rule names something the derived edition removed: blame the 删除.
void Checker::blame_removal(const std::string& name) {
  for (const auto& m : ed_.modules)
    for (const auto& r : m->removals)
      if (r.name == name) {
        cause_ = Cause{r.span, "删除 " + std::string(ast::decl_kind_word(r.kind)) + " " + name};
        return;
      }
}

// A file of a derived edition itself, not one it inherited from its base.
bool Checker::derived_file(const ast::Module& m) const {
  return !m.inherited && std::any_of(ed_.modules.begin(), ed_.modules.end(), [](const auto& x) { return x->inherited; });
}

}  // namespace checking

namespace {

// Expression ids must be distinct across the edition's modules, and the
// tables of checker results are as long as the largest id. The ids are read
// off the trees themselves, not off each module's [first_id, end_id): laying
// editions over each other (lang/revisions.cpp) moves a revised declaration's
// expressions into the module it revises and folds emptied modules away, so a
// module's range no longer says which ids it holds. Files parsed apart (tests,
// the REPL's layers) may share ids: then, before anything reads them, the
// modules (owned by the edition being built) are numbered afresh.
template <typename F>
void for_each_expr(const ast::Expr& e, F& f) {
  f(e);
  for (auto& a : e.args) for_each_expr(*a, f);
  for (auto& arm : e.arms) for_each_expr(*arm.value, f);
}

std::uint32_t number_expressions(std::vector<std::unique_ptr<ast::Module>>& modules) {
  // (id, node): one node reached from two places is no clash, two nodes with one id are.
  std::vector<std::pair<std::uint32_t, const ast::Expr*>> ids;
  for (auto& m : modules)
    ast::for_each_expr_slot(*m, [&](ast::ExprPtr& slot) {
      auto note = [&](const ast::Expr& e) { ids.emplace_back(e.id, &e); };
      for_each_expr(*slot, note);
    });
  std::sort(ids.begin(), ids.end());
  const bool clash = std::adjacent_find(ids.begin(), ids.end(), [](const auto& a, const auto& b) {
                       return a.first == b.first && a.second != b.second;
                     }) != ids.end();
  if (!clash) return ids.empty() ? 0 : ids.back().first + 1;
  std::uint32_t next = 0;
  for (auto& m : modules) {
    m->first_id = next;
    ast::for_each_expr_slot(*m, [&](ast::ExprPtr& e) { e = ast::clone(*e, next); });
    m->end_id = next;
  }
  return next;
}

}  // namespace

CheckedEdition check_edition(std::vector<std::unique_ptr<ast::Module>> modules, Edition& ed) {
  CheckedEdition out;
  const std::uint32_t end = number_expressions(modules);
  ed.modules = std::move(modules);
  ed.notes.exprs.resize(end);
  checking::Checker checker(ed, ed.notes, out.diagnostics);
  checker.next_id_ = end;
  checker.run(out.param_order);
  out.ok = !has_errors(out.diagnostics);
  return out;
}

std::optional<CheckedExpression> check_expression(const Edition* edition, const ast::Expr& expr,
                                                  std::vector<Diagnostic>& diagnostics) {
  struct Blank final : Edition {} empty;  // no edition: only literals and built-ins
  // The checker only reads the edition's tables here: a free expression adds
  // no declarations. Its findings go into a copy of the edition's notes.
  Edition& ed = edition ? const_cast<Edition&>(*edition) : empty;
  const std::size_t before = diagnostics.size();
  CheckedExpression out;
  out.notes = ed.notes;
  std::uint32_t next = ed.end_id;
  out.expr = ast::clone(expr, next);
  out.notes.exprs.resize(next);
  checking::Checker checker(ed, out.notes, diagnostics);
  checker.next_id_ = next;
  for (std::size_t i = 0; i < ed.facts.size(); ++i)
    checker.symbols_.emplace(ed.facts[i].decl->name, checking::Symbol{ast::RefKind::Fact, static_cast<int>(i), ed.facts[i].decl->span});
  for (std::size_t i = 0; i < ed.params.size(); ++i)
    checker.symbols_.emplace(ed.params[i].decl->name, checking::Symbol{ast::RefKind::Param, static_cast<int>(i), ed.params[i].decl->span});
  for (std::size_t i = 0; i < ed.defines.size(); ++i)
    checker.symbols_.emplace(ed.defines[i].decl->name, checking::Symbol{ast::RefKind::Define, static_cast<int>(i), ed.defines[i].decl->span});
  checker.fact_used_.assign(ed.facts.size(), false);
  checker.param_used_.assign(ed.params.size(), false);
  checking::Context ctx{checking::Owner::Free, -1};
  checker.check(*out.expr, ctx);
  if (has_errors(std::vector<Diagnostic>(diagnostics.begin() + static_cast<long>(before), diagnostics.end())))
    return std::nullopt;
  return out;
}

}  // namespace kuan
