#include "lang/revisions.hpp"

#include <algorithm>
#include <map>

#include "base/suggest.hpp"

namespace kuan {

namespace {

using Modules = std::vector<std::unique_ptr<ast::Module>>;

template <ast::DeclKind Kind>
auto& decls(ast::Module& m) {
  if constexpr (Kind == ast::DeclKind::Param) return m.params;
  else if constexpr (Kind == ast::DeclKind::Fact) return m.facts;
  else if constexpr (Kind == ast::DeclKind::Define) return m.defines;
  else if constexpr (Kind == ast::DeclKind::Limit) return m.limits;
  else if constexpr (Kind == ast::DeclKind::Schedule) return m.schedules;
  else return m.measures;
}

class Merger {
 public:
  Merger(Modules& base, std::vector<Diagnostic>& diagnostics) : base_(base), diagnostics_(diagnostics) {}

  void error(Span s, std::string m) { diagnostics_.push_back(make_diagnostic(Severity::Error, s, std::move(m))); }

  // One edition revises or removes a declaration at most once: a second 修订 of
  // the same name would silently replace the first (or a 删除 then 修订 would be
  // blamed on the base), so it is refused at the second, with a note at the first.
  bool first_change(ast::DeclKind kind, const std::string& name, Span span, const char* verb) {
    auto [earlier, inserted] = changed_.try_emplace({kind, name}, span, verb);
    if (inserted) return true;
    const std::string what = std::string(ast::decl_kind_word(kind)) + " " + name;
    Diagnostic d = make_diagnostic(Severity::Error, span,
                                   what + " 在本版本中已" + earlier->second.second + "过(" + position_text(earlier->second.first) +
                                       ");同一版本对一个声明只能改动(修订、替换或删除)一次,请把改动写在一处");
    add_note(d, earlier->second.first, "此处已" + std::string(earlier->second.second) + " " + what);
    diagnostics_.push_back(std::move(d));
    return false;
  }

  // Finds the base declaration of this kind and name: (module, index).
  template <ast::DeclKind Kind>
  std::pair<ast::Module*, std::size_t> find(const std::string& name) {
    for (auto& m : base_) {
      auto& vec = decls<Kind>(*m);
      for (std::size_t i = 0; i < vec.size(); ++i)
        if (vec[i].name == name) return {m.get(), i};
    }
    return {nullptr, 0};
  }

  // Moves every revision of this kind out of `derived` onto the base.
  template <ast::DeclKind Kind>
  void apply(ast::Module& derived) {
    auto& vec = decls<Kind>(derived);
    auto kept = vec.begin();
    for (auto it = vec.begin(); it != vec.end(); ++it) {
      if (it->revision == ast::Revision::None) {
        if (kept != it) *kept = std::move(*it);
        ++kept;
        continue;
      }
      if (!first_change(Kind, it->name, it->span, it->revision == ast::Revision::Replace ? "替换" : "修订")) continue;
      auto [module, index] = find<Kind>(it->name);
      if (!module) {
        const std::string near = closest<Kind>(it->name);
        error(it->span, std::string("基础版本中没有") + ast::decl_kind_word(Kind) + " " + it->name + ",无法修订" +
                            (near.empty() ? "(新增的声明不要写 修订)" : did_you_mean_text(near)));
        continue;
      }
      auto& target = decls<Kind>(*module)[index];
      if constexpr (Kind == ast::DeclKind::Measure) {
        if (it->revision == ast::Revision::Revise) {
          amend(target, std::move(*it));
          continue;
        }
        it->clause = target.clause;  // the replaced measure stays under its clause
      }
      target = std::move(*it);
    }
    vec.erase(kept, vec.end());
  }

  // 修订 措施: new conditions and facts (需要, 需要 … 当) are added; 比例/基数/金额/名额 given
  // replace the base's; a cap of the same name replaces it, others are added.
  void amend(ast::MeasureDecl& target, ast::MeasureDecl&& change) {
    target.revision = ast::Revision::Revise;
    target.revision_span = change.revision_span;
    if (!change.title.empty()) target.title = std::move(change.title);
    if (change.in_force) target.in_force = change.in_force;  // 修订 措施 M { 施行 … }: the new dates
    if (change.signed_result) target.signed_result = true, target.signed_span = change.signed_span;  // 修订 措施 X 可为负
    for (auto& r : change.requirements) target.requirements.push_back(std::move(r));
    for (auto& n : change.needs) target.needs.push_back(std::move(n));
    for (auto& n : change.conditional_needs) target.conditional_needs.push_back(std::move(n));
    // 结果 of the same name replace the base's (in its place); new ones are added after them.
    for (auto& r : change.results) {
      auto same = std::find_if(target.results.begin(), target.results.end(), [&](const auto& t) { return t.name == r.name; });
      if (same != target.results.end()) *same = std::move(r);
      else target.results.push_back(std::move(r));
    }
    // The amount is 金额 when written, else 基数 × 比例: a revision that states
    // both 比例 and 基数 but no 金额 restates the measure in that form, so the
    // base's 金额 must go (it would silently win). The other way needs nothing:
    // a revised 金额 wins, and the base's 比例/基数 stay readable by name in it.
    const bool restates_rate_form = change.rate && change.base;
    if (change.rate) target.rate = std::move(change.rate), target.rate_span = change.rate_span;
    if (change.base) target.base = std::move(change.base), target.base_span = change.base_span;
    if (change.amount) target.amount = std::move(change.amount), target.amount_span = change.amount_span;
    else if (restates_rate_form) target.amount.reset(), target.amount_span = Span{};
    for (auto& c : change.limits) {  // 名额 is the limit named after the measure + 名额
      auto same = std::find_if(target.limits.begin(), target.limits.end(), [&](const ast::LimitDecl& t) { return t.name == c.name; });
      c.revision = ast::Revision::Revise;
      c.revision_span = change.revision_span;
      if (same != target.limits.end()) *same = std::move(c);
      else target.limits.push_back(std::move(c));
    }
  }

  // The base's declaration of this kind whose name is closest to a misspelt one,
  // or "". Only the first few are suggested, as the checker does: thousands of
  // unknown names must not cost names × declarations.
  template <ast::DeclKind Kind>
  std::string closest(const std::string& name) {
    if (suggestions_left_ <= 0) return "";
    --suggestions_left_;
    ClosestName near(name);
    for (auto& m : base_)
      for (const auto& d : decls<Kind>(*m)) near.consider(d.name);
    return near.best();
  }

  // 删除: the base declaration goes; its name misspelt, the closest is suggested.
  template <ast::DeclKind Kind>
  bool remove(const std::string& name, std::string& near) {
    for (auto& m : base_) {
      auto& vec = decls<Kind>(*m);
      auto it = std::find_if(vec.begin(), vec.end(), [&](const auto& d) { return d.name == name; });
      if (it != vec.end()) {
        vec.erase(it);
        return true;
      }
    }
    near = closest<Kind>(name);
    return false;
  }

  // 修订 条款: the base clause keeps its number and measures; a restated title,
  // 原文 or 责任单位 replaces the base's.
  void clauses(ast::Module& derived) {
    for (auto& r : derived.clause_revisions) {
      ast::ClauseDecl* target = nullptr;
      for (auto& m : base_)
        for (auto& c : m->clauses)
          if (c.ref == r.ref) target = &c;
      if (!target) {
        error(r.span, "基础版本中没有条款 " + r.ref + ",无法修订");
        continue;
      }
      target->revision_span = r.span;
      if (!r.title.empty()) target->title = std::move(r.title);
      if (!r.text.empty()) target->text = std::move(r.text);
      if (!r.responsible.empty()) target->responsible = std::move(r.responsible);
    }
    derived.clause_revisions.clear();
  }

  void removals(const ast::Module& derived) {
    for (const auto& r : derived.removals) {
      if (!first_change(r.kind, r.name, r.span, "删除")) continue;
      bool found = false;
      std::string near;
      switch (r.kind) {
        case ast::DeclKind::Param: found = remove<ast::DeclKind::Param>(r.name, near); break;
        case ast::DeclKind::Fact: found = remove<ast::DeclKind::Fact>(r.name, near); break;
        case ast::DeclKind::Define: found = remove<ast::DeclKind::Define>(r.name, near); break;
        case ast::DeclKind::Limit: found = remove<ast::DeclKind::Limit>(r.name, near); break;
        case ast::DeclKind::Measure: found = remove<ast::DeclKind::Measure>(r.name, near); break;
        case ast::DeclKind::Schedule: found = remove<ast::DeclKind::Schedule>(r.name, near); break;
      }
      if (!found)
        error(r.span, std::string("基础版本中没有") + ast::decl_kind_word(r.kind) + " " + r.name + ",无法删除" + did_you_mean_text(near));
    }
  }

 private:
  Modules& base_;
  std::vector<Diagnostic>& diagnostics_;
  int suggestions_left_ = 50;
  std::map<std::pair<ast::DeclKind, std::string>, std::pair<Span, const char*>> changed_;  // by first_change
};

// An inherited module left with nothing to declare (its revisions moved
// onto the base, its header and 例 dropped).
bool empty(const ast::Module& m) {
  return m.inherited && m.removals.empty() && !m.policy && !m.rounding && !m.rounding_step && m.facts.empty() &&
         m.params.empty() && m.defines.empty() && m.schedules.empty() && m.limits.empty() && m.accumulations.empty() && m.clauses.empty() &&
         m.clause_revisions.empty() && m.measures.empty() && m.examples.empty() && m.properties.empty() && m.validations.empty();
}

// Empty inherited modules are folded into the first module kept (their files
// stay known to it), so an edition's module list does not grow with its chain.
void fold_empty(Modules& base) {
  auto kept = std::find_if(base.begin(), base.end(), [](const auto& m) { return !empty(*m); });
  if (kept == base.end()) return;
  ast::Module& holder = **kept;
  for (auto& m : base) {
    if (m.get() == &holder || !empty(*m)) continue;
    for (const ast::FoldedSource* f = m->folded.get(); f; f = f->next.get())
      holder.folded = std::make_shared<const ast::FoldedSource>(ast::FoldedSource{f->source, holder.folded});
    holder.folded = std::make_shared<const ast::FoldedSource>(ast::FoldedSource{m->source, holder.folded});
    m.reset();
  }
  base.erase(std::remove(base.begin(), base.end(), nullptr), base.end());
}

}  // namespace

std::vector<std::unique_ptr<ast::Module>> apply_revisions(std::vector<std::unique_ptr<ast::Module>> base,
                                                          std::vector<std::unique_ptr<ast::Module>> derived,
                                                          std::vector<Diagnostic>& diagnostics) {
  const bool restates_policy = std::any_of(derived.begin(), derived.end(), [](const auto& m) { return m->policy.has_value(); });
  const bool restates_rounding = std::any_of(derived.begin(), derived.end(), [](const auto& m) { return m->rounding.has_value(); });
  for (auto& m : base) {
    m->inherited = true;
    m->edition.reset();
    m->status.reset();  // a derived edition states its own status (official when it says none)
    m->base_edition.reset();
    m->effective_from.reset();
    m->effective_to.reset();
    m->examples.clear();
    m->properties.clear();  // like its 例, a base edition's 性质 speaks of the base's figures
    m->removals.clear();
    if (restates_policy) m->policy.reset();
    if (restates_rounding) m->rounding.reset(), m->rounding_step.reset();
  }
  Merger merger(base, diagnostics);
  for (auto& d : derived) {
    merger.removals(*d);
    merger.clauses(*d);
    merger.apply<ast::DeclKind::Param>(*d);
    merger.apply<ast::DeclKind::Fact>(*d);
    merger.apply<ast::DeclKind::Define>(*d);
    merger.apply<ast::DeclKind::Limit>(*d);
    merger.apply<ast::DeclKind::Schedule>(*d);
    merger.apply<ast::DeclKind::Measure>(*d);
  }
  fold_empty(base);
  for (auto& d : derived) base.push_back(std::move(d));
  return base;
}

}  // namespace kuan
