#include "lang/checker.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <set>
#include <unordered_set>

#include "base/limits.hpp"
#include "lang/check_brackets.hpp"
#include "lang/keywords.hpp"
#include "lang/units.hpp"
#include "stdlib/builtins.hpp"

namespace kuan {

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

namespace {


struct Symbol {
  ast::RefKind kind;
  int index;
  Span span;
};

// Who owns the expression being checked decides which names it may use.
enum class Owner { Param, Define, FactDefault, Cap, Measure, Example, Property, Rounding, Free };

struct Context {
  Owner owner = Owner::Free;
  int node = -1;  // dependency-graph node of the owner, -1 if none
  const ast::MeasureDecl* measure = nullptr;
  bool uses_rate = false, uses_base = false;  // 比例 / 基数 read by name
};

class Checker {
 public:
  Checker(Edition& ed, ExprNotes& notes, std::vector<Diagnostic>& diags) : ed_(ed), notes_(notes), diags_(diags) {}

  // Under a derived edition the base edition's own rules checked clean, so an
  // error in one of its files is caused by a change: it is reported at the
  // change (修订 / 删除 line), with a note at the base rule.
  void error(Span s, std::string m) {
    if (cause_ && inherited_file(s)) {
      Diagnostic d = make_diagnostic(Severity::Error, cause_->span,
                                     cause_->what + " 使基础版本 " + ed_.base_name + " 的规则出错:" + m);
      add_note(d, s, "基础版本中出错的规则在此");
      diags_.push_back(std::move(d));
      return;
    }
    diags_.push_back(make_diagnostic(Severity::Error, s, std::move(m)));
  }
  void warning(Span s, std::string m) { diags_.push_back(make_diagnostic(Severity::Warning, s, std::move(m))); }

  std::string where(Span s) const {
    if (!s.file) return "";
    auto loc = s.file->locate(s.begin);
    return s.file->name() + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
  }

  // ------------------------------------------------------------ edition
  void run(std::vector<int>& param_order) {
    header();
    declare();
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
    for (int i = 0; i < D; ++i) {
      Context ctx{Owner::Define, define_base_ + i};
      ed_.defines[i].type = check(*ed_.defines[i].decl->value, ctx);
    }
    for (int i = 0; i < F; ++i) fact_default(i);
    lower_refusals();
    ed_.end_id = next_id_;
    notes_.exprs.resize(next_id_);
    for (int i = 0; i < C; ++i) top_limit(i);
    for (int i = 0; i < M; ++i) measure(i);
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
  }

  // ------------------------------------------------------------ expressions
  Type check(const ast::Expr& e, Context& ctx, const Type* hint = nullptr) {
    if (ctx.node >= 0 && !height_.empty()) height_[ctx.node] = std::max(height_[ctx.node], e.depth);
    // Each top-level expression starts blaming afresh (errors reported right
    // after it, such as a type mismatch, still see what it read).
    if (check_depth_ == 0) cause_ = unit_cause_;
    ++check_depth_;
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{check_depth_};
    const Type t = check_inner(e, ctx, hint);
    note(e).type = t;
    return t;
  }

  // Where the checker's findings about `e` go; the edition's table covers
  // every expression id (numbered before checking).
  ExprNote& note(const ast::Expr& e) { return notes_.exprs[e.id]; }

 private:
  // ------------------------------------------------------------ blame
  struct Cause {
    Span span;         // in the derived edition's file
    std::string what;  // "修订 事实 采购类型", "删除 措施 甲"
  };

  bool inherited_file(const Span& s) const {
    return s.file && std::any_of(ed_.modules.begin(), ed_.modules.end(),
                                 [&](const auto& m) { return m->inherited && m->source.get() == s.file; });
  }

  // A base rule read a declaration that the derived edition revised.
  void read_revision(ast::Revision revision, const Span& span, const char* kind, const std::string& name) {
    if (revision == ast::Revision::None) return;
    cause_ = Cause{span, std::string(revision == ast::Revision::Replace ? "替换 " : "修订 ") + kind + " " + name};
  }

  // A base rule names something the derived edition removed: blame the 删除.
  void blame_removal(const std::string& name) {
    for (const auto& m : ed_.modules)
      for (const auto& r : m->removals)
        if (r.name == name) {
          cause_ = Cause{r.span, "删除 " + std::string(ast::decl_kind_word(r.kind)) + " " + name};
          return;
        }
  }

  // A file of a derived edition itself, not one it inherited from its base.
  bool derived_file(const ast::Module& m) const {
    return !m.inherited && std::any_of(ed_.modules.begin(), ed_.modules.end(), [](const auto& x) { return x->inherited; });
  }

  void header() {
    // A missing header line is the edition's own omission: report it in its own
    // first file, not in a base edition's file laid under it.
    auto own = std::find_if(ed_.modules.begin(), ed_.modules.end(), [](const auto& m) { return !m->inherited; });
    const ast::Module* first = own != ed_.modules.end() ? own->get() : ed_.modules.empty() ? nullptr : ed_.modules.front().get();
    const Span file_start = first ? Span{first->source.get(), 0, 0} : Span{};
    auto once = [&](auto member, const char* what) -> const ast::Module* {
      const ast::Module* found = nullptr;
      for (const auto& m : ed_.modules) {
        if (!((*m).*member)) continue;
        if (found) error(((*m).*member)->span, std::string(what) + " 重复声明(已在 " + where(((*found).*member)->span) + " 声明)");
        else found = m.get();
      }
      return found;
    };
    if (auto* m = once(&ast::Module::edition, "版本")) {
      ed_.name = m->edition->value;
      ed_.name_span = m->edition->span;
    } else {
      error(file_start, "缺少版本声明,如 版本 \"2025年版\"");
    }
    if (auto* m = once(&ast::Module::status, "状态")) {
      ed_.status = m->status->value;
      ed_.status_span = m->status->span;
    }
    if (auto* m = once(&ast::Module::policy, "政策")) ed_.policy_name = m->policy->value;
    else error(file_start, "缺少政策名称声明,如 政策 \"…\"");
    if (auto* m = once(&ast::Module::base_edition, "基于")) ed_.base_name = m->base_edition->value;
    if (auto* m = once(&ast::Module::effective_from, "施行")) {
      ed_.effective_from = m->effective_from->value;
      ed_.period_span = m->effective_from->span;
      if (m->effective_to) {
        ed_.effective_to = m->effective_to->value;
        if (*ed_.effective_to < ed_.effective_from) error(m->effective_to->span, "施行期的结束日期早于开始日期");
      }
    } else {
      error(file_start, "缺少施行日期声明,如 施行 2025-06-13 起");
    }
    if (auto* m = once(&ast::Module::rounding, "舍入")) {
      const auto k = m->rounding->value;
      ed_.rounding = k == ast::RoundingKind::HalfUp     ? RoundingMode::HalfUp
                     : k == ast::RoundingKind::HalfEven ? RoundingMode::HalfEven
                     : k == ast::RoundingKind::Down     ? RoundingMode::Down
                                                        : RoundingMode::Up;
      ed_.rounding_name = k == ast::RoundingKind::HalfUp     ? "四舍五入"
                          : k == ast::RoundingKind::HalfEven ? "银行家舍入"
                          : k == ast::RoundingKind::Down     ? "向下舍入"
                                                             : "向上舍入";
      const ast::Expr& step = *m->rounding_step;
      const bool money = step.unit == ast::Unit::Yuan || step.unit == ast::Unit::Wan || step.unit == ast::Unit::Yi;
      if (step.kind != ast::ExprKind::Number || !money || step.number.sign() <= 0) {
        error(step.span, "舍入单位须为一个正的金额字面量,如 0.01元");
      } else {
        ed_.rounding_step = step.number;
        ed_.rounding_places = step.number.normalized().scale();
      }
    } else {
      error(file_start, "缺少舍入规则声明,如 舍入 四舍五入 至 0.01元(舍入方式须明确写出)");
    }
  }

  // Position order across the edition's files, to report a duplicate at the
  // later of the two declarations whichever kind was registered first.
  std::pair<std::size_t, std::uint32_t> order_of(const Span& s) const {
    for (std::size_t i = 0; i < ed_.modules.size(); ++i)
      if (ed_.modules[i]->source.get() == s.file) return {i, s.begin};
    return {ed_.modules.size(), s.begin};
  }

  void add_symbol(const std::string& name, Symbol s) {
    auto [it, fresh] = symbols_.emplace(name, s);
    if (fresh) return;
    const bool new_is_later = order_of(s.span) > order_of(it->second.span);
    const Span later = new_is_later ? s.span : it->second.span;
    const Span earlier = new_is_later ? it->second.span : s.span;
    const Symbol& redeclared = new_is_later ? s : it->second;
    const char* kind = redeclared.kind == ast::RefKind::Param ? "参数" : redeclared.kind == ast::RefKind::Fact ? "事实" : "定义";
    error(later, "名称 " + name + " 已在 " + where(earlier) + " 定义" + revise_hint(earlier, kind, name));
  }

  // A derived edition restating a base declaration means to change it: say how.
  std::string revise_hint(const Span& earlier, const char* kind, const std::string& name) const {
    const bool from_base = std::any_of(ed_.modules.begin(), ed_.modules.end(),
                                       [&](const auto& m) { return m->inherited && m->source.get() == earlier.file; });
    return from_base ? std::string("(它是基础版本的声明;要在新版本中改动,请写 修订 ") + kind + " " + name + " …)" : "";
  }

  void declare() {
    for (const auto& m : ed_.modules) {
      for (const auto& f : m->facts) {
        const int i = static_cast<int>(ed_.facts.size());
        Type t;
        switch (f.kind) {
          case ast::FactKind::Money: t = Type::money(); break;
          case ast::FactKind::Rate: t = Type::rate(); break;
          case ast::FactKind::Integer: t = Type::integer(); break;
          case ast::FactKind::Number: t = Type::number(); break;
          case ast::FactKind::Bool: t = Type::boolean(); break;
          case ast::FactKind::Date: t = Type::date(); break;
          case ast::FactKind::Enum: {
            EnumInfo info{f.name, {}};
            for (const auto& v : f.enum_values) {
              if (std::find(info.values.begin(), info.values.end(), v.name) != info.values.end())
                error(v.span, "枚举取值 " + v.name + " 重复");
              info.values.push_back(v.name);
            }
            t = Type::enumeration(static_cast<int>(ed_.enums.size()));
            ed_.enums.push_back(std::move(info));
            break;
          }
        }
        t.time = f.time;  // 金额/月, 月数
        ed_.facts.push_back({&f, t});
        ed_.fact_index.emplace(f.name, i);
        add_symbol(f.name, {ast::RefKind::Fact, i, f.span});
      }
      for (const auto& p : m->params) {
        add_symbol(p.name, {ast::RefKind::Param, static_cast<int>(ed_.params.size()), p.span});
        ed_.params.push_back({&p, Type::error(), {}});
      }
      for (const auto& d : m->defines) {
        if (ed_.defines.size() == limits::kMaxDefinitions)
          error(d.span, "定义过多:每个版本至多 " + std::to_string(limits::kMaxDefinitions) + " 个 定义");
        add_symbol(d.name, {ast::RefKind::Define, static_cast<int>(ed_.defines.size()), d.span});
        ed_.defines.push_back({&d, Type::error()});
      }
      for (const auto& c : m->limits) {
        if (c.spelling == ast::LimitSpelling::Tally) continue;  // named by its fact: see batch_metadata
        for (const auto* other : ed_.limits)
          if (other->name == c.name)
            error(c.span, std::string(ast::limit_word(c)) + " " + c.name + " 已在 " + where(other->span) + " 定义" +
                              revise_hint(other->span, ast::limit_word(*other), c.name));
        ed_.limits.push_back(&c);
      }
      for (const auto& c : m->clauses) {
        // Written twice, a clause number would silently make a second clause.
        for (const auto* other : ed_.clauses)
          if (other->ref == c.ref)
            error(c.span, "条款 " + c.ref + " 已在 " + where(other->span) + " 写过;同一版本中条款编号不能重复" +
                              (derived_file(*m) ? "(新版本中改动基础版本的规则,请对其中的声明或措施用 修订)" : ""));
        ed_.clauses.push_back(&c);
      }
      for (const auto& x : m->examples) ed_.examples.push_back(&x);
      for (const auto& p : m->properties) ed_.properties.push_back(&p);
      // In a derived edition they were applied to the base's clauses (lang/revisions.cpp).
      for (const auto& r : m->clause_revisions)
        error(r.span, "修订 条款 " + r.ref + " 只能用于写作改动的版本(基于 \"…\");本版本自己的条款请直接写 条款 " + r.ref + " { … }");
    }
    for (auto& f : ed_.facts)
      if (f.decl->default_value) f.memo = ed_.memo_slots++;
    for (auto& d : ed_.defines) d.memo = ed_.memo_slots++;
    for (const auto& m : ed_.modules) {
      for (const auto& measure : m->measures) {
        auto [it, fresh] = ed_.measure_index.emplace(measure.name, static_cast<int>(ed_.measures.size()));
        if (!fresh) {
          error(measure.span, "措施 " + measure.name + " 已在 " + where(ed_.measures[it->second].decl->span) + " 定义" +
                                  revise_hint(ed_.measures[it->second].decl->span, "措施", measure.name));
          continue;
        }
        const ast::ClauseDecl* clause = measure.clause >= 0 ? &m->clauses[measure.clause] : nullptr;
        MeasureInfo info;
        info.decl = &measure;
        info.clause = clause;
        for (const auto& r : measure.requirements) info.requirements.push_back(&r);
        ed_.measures.push_back(std::move(info));
      }
    }
  }

  void depend(const Context& ctx, int target) {
    if (ctx.node >= 0) deps_[ctx.node].push_back(target);
  }

  void fact_default(int i) {
    const ast::FactDecl* decl = ed_.facts[i].decl;
    if (!decl->default_value) return;
    Context ctx{Owner::FactDefault, fact_base_ + i};
    const Type t = check(*decl->default_value, ctx, &ed_.facts[i].type);
    expect_type(*decl->default_value, t, ed_.facts[i].type, "事实 " + decl->name + " 的默认值");
  }

  void expect_type(const ast::Expr& e, const Type& got, const Type& want, const std::string& what) {
    if (got.is_error() || want.is_error()) return;
    const bool ok = got == want || (want.kind == TypeKind::Number && got.kind == TypeKind::Integer && got.time == want.time);
    if (!ok) error(e.span, what + " 须为" + type_name(want) + ",这里是" + describe(got) + unit_hint(got, want));
  }

  std::string describe(const Type& t) const {
    if (t.kind == TypeKind::Enum && t.enum_id >= 0) return "枚举(" + ed_.enums[t.enum_id].name + ")";
    return type_name(t);
  }

  // How to reach the wanted unit of time from the one given.
  static std::string unit_hint(const Type& got, const Type& want) {
    if (got.is_per_period() && want.kind == TypeKind::Money && !want.is_per_period())
      return std::string("(乘以一段时间,如 × 12个") + (got.time == TimeUnit::Month ? "月" : time_word(got.time)) + ")";
    if (got.is_plain_number() && want.is_span())
      return std::string("(时间要写单位,如 12") + std::string(units::span_word(want.time)) + ")";
    return "";
  }

  // ------------------------------------------------------------ 限额

  // The combinations that mean something (docs/language.md「限额」); false
  // after reporting the first that does not. `in_measure`: written in a 措施.
  bool valid_limit(const ast::LimitDecl& l, bool in_measure) {
    auto [it, fresh] = limit_valid_.emplace(&l, true);
    if (fresh) it->second = judge_limit(l, in_measure);
    return it->second;
  }
  bool judge_limit(const ast::LimitDecl& l, bool in_measure) {
    using W = ast::LimitWhat;
    using S = ast::LimitScope;
    using A = ast::LimitAction;
    const std::string who = std::string(ast::limit_word(l)) + " " + l.name;
    auto bad = [&](const std::string& why) {
      error(l.span, who + ":" + why);
      return false;
    };
    if (l.is_reference()) return true;
    if (l.what == W::Count && l.scope == S::Application) return bad("计 件数 的限额须是 每 申请人 或 全部(一项申请只是一件)");
    if (l.what == W::Count && l.action == A::Cut) return bad("件数 不能 削减;超出时 拒绝 \"理由\"(每 申请人)或 择优(全部)");
    if (l.what == W::Amount && l.action == A::Refuse) return bad("拒绝 只用于 计 件数;金额 超出时 削减 或 按比例");
    if (l.action == A::Best && l.scope != S::All) return bad("择优 只用于 全部 申请之间;每 申请人 的件数超出时 拒绝");
    if (l.action == A::ProRata && !(l.what == W::Amount && l.scope == S::All)) return bad("按比例 只用于 计 金额 的 全部 申请合计");
    if (l.what == W::Amount && l.scope == S::All && l.action != A::ProRata)
      return bad("全部 申请合计的金额超出时 按比例 分配(写 超出 按比例)");
    if (l.group && l.scope == S::Application) return bad("按 事实 分组只用于 每 申请人 或 全部");
    if (l.period != ast::LimitPeriod::Application && l.scope == S::Application)
      return bad("期间 每年 或写明的期间只用于 每 申请人 或 全部(每 申请 的限额只约束本申请)");
    if (l.period == ast::LimitPeriod::Application && l.scope != S::Application) return bad("每 申请人 或 全部 的限额按年(期间 每年)或写明的期间计");
    if (l.scope == S::Applicant && !(l.used && l.used->kind == ast::ExprKind::Name))
      return bad("每 申请人 的限额须写 已用 事实:单独计算时由申请给出,批量分配时由同一申请人此前获批的申请累计");
    if (l.scope == S::All && l.used) return bad("全部 申请的限额不写 已用(分配时按全年的申请计算)");
    if (!l.limit && l.spelling != ast::LimitSpelling::Tally && !(l.scope == S::Applicant && l.what == W::Amount))
      return bad("须写明 不超过 …");
    if (l.stacking && !l.cuts()) return bad("叠加 只用于 削减 金额 的上限");
    if (l.when && !(l.cuts() || l.refuses())) return bad("当 只用于 削减 或 拒绝 的限额");
    if (in_measure && !l.covers.empty()) error(l.covers.front().span, who + ":措施中的限额只约束本措施,不写 覆盖(几项措施共用的限额写在措施外)");
    if (!in_measure && l.covers.empty() && l.scope != S::Application) return bad("写在措施外的限额须写 覆盖 哪些措施");
    return true;
  }

  void cap_body(const ast::LimitDecl& c, Context& ctx) {
    if (!c.limit) return;
    const std::string what = std::string(c.spelling == ast::LimitSpelling::General ? "限额 " : "上限 ") + c.name;
    const Type t = check(*c.limit, ctx);
    expect_type(*c.limit, t, Type::money(), what);
    if (c.used) expect_type(*c.used, check(*c.used, ctx), Type::money(), what + " 的已用额");
    if (c.when) expect_type(*c.when, check(*c.when, ctx), Type::boolean(), what + " 的适用条件");
  }

  void top_limit(int i) {
    const ast::LimitDecl& l = *ed_.limits[i];
    if (!l.cuts() || !valid_limit(l, false)) return;  // pools and quotas are checked with the batch metadata
    Context ctx{Owner::Cap, cap_base_ + i};
    cap_body(l, ctx);
  }

  // 超出 拒绝 "…" on a 件数 per applicant: each measure it covers gets the
  // requirement 已用 < 不超过 (非 当 或 …), refused with the limit's reason, so
  // a single evaluation, an explanation and allocation all see it the same way.
  void lower_refusals() {
    auto add = [&](const ast::LimitDecl& l, MeasureInfo& m) {
      if (!l.refuses() || !l.limit || !l.used || l.used->kind != ast::ExprKind::Name) return;
      // Any other 已用 is reported once, by tally_limit, not again as a comparison here.
      if (const int f = ed_.find_fact(l.used->name); f < 0 || ed_.facts[f].type.kind != TypeKind::Integer) return;
      auto node = [&](ast::ExprKind k, Span span) {
        auto e = std::make_unique<ast::Expr>();
        e->kind = k;
        e->span = span;
        e->id = next_id_++;
        return e;
      };
      Span whole = l.used->span;
      whole.end = std::max(l.used->span.end, l.limit->span.end);
      whole.begin = std::min(l.used->span.begin, l.limit->span.begin);
      auto below = node(ast::ExprKind::Compare, whole);
      below->compare = ast::CompareOp::Lt;
      below->args.push_back(ast::clone(*l.used, next_id_));
      below->args.push_back(ast::clone(*l.limit, next_id_));
      below->depth = 1 + std::max(l.used->depth, l.limit->depth);
      ast::ExprPtr condition = std::move(below);
      if (l.when) {
        auto off = node(ast::ExprKind::Not, l.when->span);
        off->args.push_back(ast::clone(*l.when, next_id_));
        off->depth = 1 + l.when->depth;
        auto either = node(ast::ExprKind::Or, whole);
        either->depth = 1 + std::max(off->depth, condition->depth);
        either->args.push_back(std::move(off));
        either->args.push_back(std::move(condition));
        condition = std::move(either);
      }
      auto r = std::make_unique<ast::Requirement>();
      r->span = condition->span;
      r->condition = std::move(condition);
      r->reason = l.refusal;
      m.requirements.push_back(r.get());
      ed_.lowered.push_back(std::move(r));
    };
    for (auto& info : ed_.measures)
      for (const auto& l : info.decl->limits) add(l, info);
    for (const auto* l : ed_.limits)
      for (const auto& n : l->covers)
        if (auto it = ed_.measure_index.find(n.name); it != ed_.measure_index.end()) add(*l, ed_.measures[it->second]);
  }

  void measure(int i) {
    MeasureInfo& info = ed_.measures[i];
    const ast::MeasureDecl& m = *info.decl;
    Context ctx{Owner::Measure, measure_base_ + i, &m};
    // A base measure amended by 修订 措施: its base items are checked anew.
    unit_cause_.reset();
    if (m.revision != ast::Revision::None && !inherited_file(m.revision_span))
      unit_cause_ = Cause{m.revision_span, "修订 措施 " + m.name};
    cause_ = unit_cause_;
    struct Reset {
      std::optional<Cause>& c;
      ~Reset() { c.reset(); }
    } reset{unit_cause_};
    for (const ast::Requirement* r : info.requirements)
      expect_type(*r->condition, check(*r->condition, ctx), Type::boolean(), "要求的条件");
    // 比例 and 基数 are computed on first use, so they may read each other,
    // but not in a circle.
    Context rate_ctx{Owner::Measure, measure_base_ + i, &m};
    Context base_ctx{Owner::Measure, measure_base_ + i, &m};
    if (m.rate) expect_type(*m.rate, check(*m.rate, rate_ctx), Type::rate(), "比例");
    if (m.base) expect_type(*m.base, check(*m.base, base_ctx), Type::money(), "基数");
    if (rate_ctx.uses_rate) error(m.rate->span, "比例 的计算不能引用 比例 自己");
    if (base_ctx.uses_base) error(m.base->span, "基数 的计算不能引用 基数 自己");
    if (rate_ctx.uses_base && base_ctx.uses_rate) error(m.rate->span, "循环定义:比例 → 基数 → 比例");
    if (m.amount) expect_type(*m.amount, check(*m.amount, ctx), Type::money(), "金额");
    if (!m.amount && !(m.rate && m.base))
      error(m.span, "措施 " + m.name + " 需要写出 金额 = …,或同时写出 基数 = … 与 比例 = …");
    for (const auto& need : m.needs) {
      auto it = symbols_.find(need.name);
      if (it == symbols_.end() || it->second.kind != ast::RefKind::Fact) {
        blame_removal(need.name);
        error(need.span, need.name + " 不是已声明的事实");
      }
      else {
        info.needs.push_back(it->second.index);
        fact_used_[it->second.index] = true;
        depend(ctx, fact_base_ + it->second.index);
      }
    }
    for (const auto& need : m.conditional_needs) {
      expect_type(*need.when, check(*need.when, ctx), Type::boolean(), "需要 … 当 的条件");
      auto& slots = info.conditional_needs.emplace_back();
      for (const auto& f : need.facts) {
        const int slot = ed_.find_fact(f.name);
        if (slot < 0) {
          blame_removal(f.name);
          error(f.span, f.name + " 不是已声明的事实");
          continue;
        }
        slots.push_back(slot);
        fact_used_[slot] = true;
        depend(ctx, fact_base_ + slot);
      }
    }
    std::set<std::string> seen;
    for (const auto& c : m.limits) {
      if (!seen.insert(c.name).second) error(c.span, std::string(ast::limit_word(c)) + " " + c.name + " 在此措施中重复");
      if (!c.is_reference()) {
        if (valid_limit(c, true) && c.cuts()) {
          cap_body(c, ctx);
          info.caps.push_back(&c);
        }
        continue;  // the others are batch metadata
      }
      auto it = std::find_if(ed_.limits.begin(), ed_.limits.end(), [&](const ast::LimitDecl* t) { return t->name == c.name; });
      if (it == ed_.limits.end() || !(*it)->cuts()) {
        blame_removal(c.name);
        error(c.span, "未定义的上限 " + c.name + "(在措施中直接写 上限 " + c.name + " = … ,或在外层定义它)");
        continue;
      }
      info.caps.push_back(*it);
      depend(ctx, cap_base_ + static_cast<int>(it - ed_.limits.begin()));
    }
    // 比例 and 基数 are computed where first read, possibly deep inside
    // another of the measure's expressions (and one inside the other).
    height_[ctx.node] += (m.rate ? m.rate->depth : 0) + (m.base ? m.base->depth : 0);
  }

  int measure_named(const ast::NamedSpan& n) {
    auto it = ed_.measure_index.find(n.name);
    if (it == ed_.measure_index.end()) {
      cause_.reset();
      blame_removal(n.name);
      error(n.span, "未定义的措施 " + n.name);
      return -1;
    }
    return it->second;
  }

  // What allocation needs of the limits — the tallies (每 申请人), pools
  // (按比例) and quotas (全部 件数) — and the 全年 totals.
  void batch_metadata() {
    struct Written {
      const ast::LimitDecl* limit;
      int measure;  // the measure it is written in, or -1
    };
    std::vector<Written> all;
    for (const auto& m : ed_.modules)
      for (const auto& l : m->limits) all.push_back({&l, -1});
    for (std::size_t i = 0; i < ed_.measures.size(); ++i)
      for (const auto& l : ed_.measures[i].decl->limits)
        if (!l.is_reference()) all.push_back({&l, static_cast<int>(i)});
    for (auto [lp, owner] : all) {
      const ast::LimitDecl& l = *lp;
      std::vector<int> measures;
      if (owner >= 0) measures.push_back(owner);
      else
        for (const auto& n : l.covers)
          if (const int i = measure_named(n); i >= 0) measures.push_back(i);
      const bool tally = l.scope == ast::LimitScope::Applicant;
      if (l.spelling != ast::LimitSpelling::Tally && !valid_limit(l, owner >= 0)) continue;
      if (tally) tally_limit(l, measures);
      else if (l.action == ast::LimitAction::ProRata) pool_limit(l, measures);
      else if (l.what == ast::LimitWhat::Count) quota_limit(l, measures);
    }
    for (const auto& m : ed_.modules)
      for (const auto& a : m->accumulations) year_total(a);
  }

  // A shared cut limit (覆盖) applies to each measure it covers, after the
  // measure's own limits, unless the measure names it (上限 NAME) itself.
  void apply_shared_limits() {
    for (std::size_t k = 0; k < ed_.limits.size(); ++k) {
      const ast::LimitDecl& l = *ed_.limits[k];
      if (!l.cuts() || !valid_limit(l, false)) continue;
      for (const auto& n : l.covers) {
        auto it = ed_.measure_index.find(n.name);
        if (it == ed_.measure_index.end()) continue;  // reported with the batch metadata
        auto& caps = ed_.measures[it->second].caps;
        if (std::find(caps.begin(), caps.end(), &l) != caps.end()) continue;
        caps.push_back(&l);
        deps_[measure_base_ + it->second].push_back(cap_base_ + static_cast<int>(k));
      }
    }
  }

  int group_fact(const ast::LimitDecl& l) {
    if (!l.group) return -1;
    const int f = ed_.find_fact(l.group->name);
    if (f < 0) {
      error(l.group->span, "按 后须是已声明的事实(用来分组);" + l.group->name + " 不是");
      return -1;
    }
    const TypeKind k = ed_.facts[f].type.kind;
    if (k != TypeKind::Enum && k != TypeKind::Bool && k != TypeKind::Integer)
      error(l.group->span, "分组的事实须为枚举、布尔或整数;" + l.group->name + " 是" + describe(ed_.facts[f].type));
    fact_used_[f] = true;
    return f;
  }

  // 每 申请人: `已用` names the fact allocation fills from the applicant's
  // earlier funded applications of the covered measures (per group).
  void tally_limit(const ast::LimitDecl& l, std::vector<int> measures) {
    const ast::NamedSpan fact{l.used->name, l.used->span};
    const int f = ed_.find_fact(fact.name);
    const bool count = l.what == ast::LimitWhat::Count;
    if (f < 0) {
      error(fact.span, (l.spelling == ast::LimitSpelling::Tally ? "累计 的对象须是已声明的事实;" : "已用 须是已声明的事实;") +
                           fact.name + " 不是");
      return;
    }
    fact_used_[f] = true;
    if (count && ed_.facts[f].type.kind != TypeKind::Integer) error(fact.span, "计 件数 的 已用 事实须为整数");
    if (!count && ed_.facts[f].type.kind != TypeKind::Money)
      error(fact.span, l.spelling == ast::LimitSpelling::Tally ? "累计 的事实须为金额" : "计 金额 的 已用 事实须为金额");
    for (const auto& other : ed_.accumulations)
      if (other.fact == f) error(fact.span, "事实 " + fact.name + " 已由另一条 累计 计算");
    AccumulationInfo info{f, std::move(measures), -1};
    info.group_fact = group_fact(l);
    info.count = count;
    info.limit = &l;
    if (l.period == ast::LimitPeriod::Stated) info.period_from = l.period_from, info.period_to = l.period_to;
    ed_.accumulations.push_back(std::move(info));
  }

  void pool_limit(const ast::LimitDecl& l, const std::vector<int>& measures) {
    Context ctx{Owner::Param, -1};
    expect_type(*l.limit, check(*l.limit, ctx), Type::money(), std::string(ast::limit_word(l)) + " " + l.name + " 的额度");
    if (l.group) error(l.group->span, "资金池(按比例)不分组");
    PoolInfo info{&l, {}, {}};
    for (std::size_t k = 0; k < measures.size(); ++k) {
      const int i = measures[k];
      if (ed_.measures[i].pool >= 0) {
        error(l.covers.size() > k ? l.covers[k].span : l.span,
              "措施 " + ed_.measures[i].decl->name + " 已属于资金池 " + ed_.pools[ed_.measures[i].pool].decl->name);
        continue;
      }
      ed_.measures[i].pool = static_cast<int>(ed_.pools.size());
      info.measures.push_back(i);
    }
    ed_.pools.push_back(std::move(info));
  }

  void quota_limit(const ast::LimitDecl& l, const std::vector<int>& measures) {
    Context ctx{Owner::Param, -1};  // a constant: the same number for every group
    expect_type(*l.limit, check(*l.limit, ctx), Type::integer(), "名额");
    QuotaInfo info{&l, {}};
    info.group_fact = group_fact(l);
    if (l.score) {
      const int f = ed_.find_fact(l.score->name);
      if (f < 0) {
        error(l.score->span, "名额 按 后须是已声明的事实(评审得分);" + l.score->name + " 不是");
      } else {
        if (!ed_.facts[f].type.is_numeric()) error(l.score->span, "评审得分须为数值");
        fact_used_[f] = true;
        info.score_fact = f;
      }
    }
    for (const int i : measures) {
      if (ed_.measures[i].quota >= 0) {
        error(l.span, "措施 " + ed_.measures[i].decl->name + " 已有名额 " + ed_.quotas[ed_.measures[i].quota].decl->name);
        continue;
      }
      ed_.measures[i].quota = static_cast<int>(ed_.quotas.size());
      info.measures.push_back(i);
    }
    ed_.quotas.push_back(std::move(info));
  }

  void year_total(const ast::AccumulationDecl& a) {
    const int f = ed_.find_fact(a.fact.name);
    if (f < 0) {
      error(a.fact.span, "累计 的对象须是已声明的事实;" + a.fact.name + " 不是");
      return;
    }
    if (ed_.facts[f].type.kind != TypeKind::Money) error(a.fact.span, "累计 的事实须为金额");
    for (const auto& other : ed_.accumulations)
      if (other.fact == f) error(a.fact.span, "事实 " + a.fact.name + " 已由另一条 累计 计算");
    AccumulationInfo info{f, {}, -1};
    const int s = ed_.find_fact(a.year_total_of.name);
    if (s < 0) {
      error(a.year_total_of.span, "全年 后须是已声明的事实;" + a.year_total_of.name + " 不是");
    } else {
      if (ed_.facts[s].type.kind != TypeKind::Money) error(a.year_total_of.span, "全年 合计的事实须为金额");
      if (s == f) error(a.year_total_of.span, "累计 的事实不能是它自己的全年合计");
      fact_used_[s] = true;
      info.source = s;
    }
    for (const auto& n : a.measures)
      if (const int i = measure_named(n); i >= 0) info.measures.push_back(i);
    ed_.accumulations.push_back(std::move(info));
  }

  void example(const ast::ExampleDecl& x) {
    const MeasureInfo* m = ed_.find_measure(x.measure);
    if (!m) error(x.span, "例 引用的措施 " + x.measure + " 不存在");
    Context ctx{Owner::Example, -1};
    std::set<std::string> seen;
    for (const auto& f : x.facts) {
      if (!seen.insert(f.name).second) error(f.span, "事实 " + f.name + " 在此例中重复");
      const int fi = ed_.find_fact(f.name);
      if (fi < 0) {
        error(f.span, "未声明的事实 " + f.name);
        continue;
      }
      const Type t = check(*f.value, ctx, &ed_.facts[fi].type);
      expect_type(*f.value, t, ed_.facts[fi].type, "事实 " + f.name);
    }
    if (x.expected_amount) expect_type(*x.expected_amount, check(*x.expected_amount, ctx), Type::money(), "预期金额");
    if (m && x.expected_bound) {
      const auto& caps = m->caps;
      if (std::none_of(caps.begin(), caps.end(), [&](const ast::LimitDecl* c) { return c->name == x.expected_bound->name; }))
        error(x.expected_bound->span, "措施 " + x.measure + " 没有名为 " + x.expected_bound->name + " 的上限");
    }
  }

  // 性质: the claim ranges over the measure's applications; its condition and
  // conclusion are boolean and may read the measure's outcome (金额, 适用).
  void property(const ast::PropertyDecl& p) {
    const MeasureInfo* m = ed_.find_measure(p.measure);
    if (!m) error(p.span, "性质 引用的措施 " + p.measure + " 不存在");
    if (p.variable.name != "申请")
      error(p.variable.span, "对任意 后须为 申请:性质对措施的每份申请成立,申请的事实直接用事实名称引用");
    Context ctx{Owner::Property, -1, m ? m->decl : nullptr};
    if (p.when) expect_type(*p.when, check(*p.when, ctx), Type::boolean(), "性质的条件(当 …)");
    if (p.holds) expect_type(*p.holds, check(*p.holds, ctx), Type::boolean(), "性质的结论(有 …)");
  }

  // ------------------------------------------------------------ names
  Type name(const ast::Expr& e, Context& ctx, const Type* hint) {
    ExprNote& n = note(e);
    if (ctx.owner == Owner::Property && (e.name == "金额" || e.name == "适用")) {
      const bool amount = e.name == "金额";
      n.ref = amount ? ast::RefKind::MeasureAmount : ast::RefKind::MeasureEligible;
      return amount ? Type::money() : Type::boolean();
    }
    if (ctx.measure && e.name == "比例" && ctx.measure->rate) {
      n.ref = ast::RefKind::MeasureRate;
      ctx.uses_rate = true;
      return Type::rate();
    }
    if (ctx.measure && e.name == "基数" && ctx.measure->base) {
      n.ref = ast::RefKind::MeasureBase;
      ctx.uses_base = true;
      return Type::money();
    }
    if (hint && hint->kind == TypeKind::Enum && !symbols_.count(e.name)) {
      const auto& values = ed_.enums[hint->enum_id].values;
      auto it = std::find(values.begin(), values.end(), e.name);
      if (it != values.end()) {
        n.ref = ast::RefKind::EnumValue;
        n.index = static_cast<int>(it - values.begin());
        return *hint;
      }
      error(e.span, e.name + " 不是 " + ed_.enums[hint->enum_id].name + " 的取值(可取:" + join(values) + ")");
      return Type::error();
    }
    auto it = symbols_.find(e.name);
    if (it == symbols_.end()) {
      undefined(e);
      return Type::error();
    }
    const Symbol& s = it->second;
    if (ctx.owner == Owner::Param && s.kind != ast::RefKind::Param) {
      error(e.span, "参数只能由字面量和其他参数算出;" + e.name + " 是" + (s.kind == ast::RefKind::Fact ? "事实" : "定义"));
      return Type::error();
    }
    if ((ctx.owner == Owner::Example || ctx.owner == Owner::Rounding) && s.kind != ast::RefKind::Param) {
      error(e.span, "这里只能使用字面量和参数;" + e.name + " 不是参数");
      return Type::error();
    }
    n.ref = s.kind;
    n.index = s.index;
    switch (s.kind) {
      case ast::RefKind::Fact:
        read_revision(ed_.facts[s.index].decl->revision, s.span, "事实", e.name);
        fact_used_[s.index] = true;
        depend(ctx, fact_base_ + s.index);
        return ed_.facts[s.index].type;
      case ast::RefKind::Param:
        read_revision(ed_.params[s.index].decl->revision, s.span, "参数", e.name);
        param_used_[s.index] = true;
        depend(ctx, s.index);
        return ed_.params[s.index].type;
      case ast::RefKind::Define:
        read_revision(ed_.defines[s.index].decl->revision, s.span, "定义", e.name);
        depend(ctx, define_base_ + s.index);
        return ed_.defines[s.index].type;
      default:
        return Type::error();
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : "、") + s;
    return out;
  }

  // Code points of a UTF-8 name (names are checked UTF-8 by the time they get here).
  static std::u32string code_points(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      char32_t cp = n == 1 ? c : c & (0x7F >> n);
      for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      out += cp;
      i += static_cast<std::size_t>(n);
    }
    return out;
  }

  // Edit distance (insert, delete, replace one character), Chinese counted by character.
  static std::size_t edit_distance(const std::u32string& a, const std::u32string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    return row[b.size()];
  }

  // The declared name closest to a misspelt one, when it is close enough to be meant.
  std::string closest_name(const std::string& wrong) const {
    const std::u32string w = code_points(wrong);
    if (w.size() > 64) return "";
    const std::size_t allowed = std::max<std::size_t>(1, w.size() / 3);
    std::string best;
    std::size_t best_distance = allowed + 1;
    for (const auto& [name, symbol] : symbols_) {
      const std::u32string n = code_points(name);
      const std::size_t longer = std::max(n.size(), w.size()), shorter = std::min(n.size(), w.size());
      if (longer - shorter > allowed) continue;
      const std::size_t d = edit_distance(w, n);
      if (d < best_distance || (d == best_distance && name < best)) best_distance = d, best = name;
    }
    return best;
  }

  void undefined(const ast::Expr& e) {
    blame_removal(e.name);
    std::string message = "未定义的名称 " + e.name;
    bool hinted = false;
    // Only a reserved word can be what the parser ran into a name (`若中小企业`);
    // 是/否 start too many names (是否备案), and Latin words are spaced by habit.
    for (const auto& k : keywords::kAll) {
      const std::string_view kw = k.word;
      if (k.reach != keywords::Reach::Reserved || k.role == keywords::Role::Value || static_cast<unsigned char>(kw[0]) < 0x80)
        continue;
      if (e.name.size() > kw.size() && e.name.compare(0, kw.size(), kw) == 0) {
        message += "(关键字 " + std::string(kw) + " 与后面的名称之间需要空格?)";
        hinted = true;
        break;
      }
    }
    // Only the first few get a suggestion: at most 50 diagnostics are shown, and a
    // hostile file with thousands of unknown names must not cost names × symbols.
    if (!hinted && suggestions_left_ > 0) {
      --suggestions_left_;
      if (const std::string near = closest_name(e.name); !near.empty()) message += "(是不是 " + near + "?)";
    }
    for (const auto& en : ed_.enums)
      if (std::find(en.values.begin(), en.values.end(), e.name) != en.values.end()) {
        message += "(" + e.name + " 是 " + en.name + " 的取值,只能与 " + en.name + " 比较或在 按 " + en.name + " { } 中使用)";
        break;
      }
    error(e.span, message);
  }

  // ------------------------------------------------------------ operators
  // The unit algebra itself is lang/units.cpp's.
  Type arith(const ast::Expr& e, Type a, Type b) {
    if (a.is_error() || b.is_error()) return Type::error();
    const char* sym = e.arith == ast::ArithOp::Add ? "+" : e.arith == ast::ArithOp::Sub ? "−" : e.arith == ast::ArithOp::Mul ? "×" : "÷";
    auto r = units::arith_type(e.arith, a, b);
    if (auto* t = std::get_if<Type>(&r)) return *t;
    const std::string& why = std::get<std::string>(r);
    error(e.span, std::string("不能计算 ") + describe(a) + " " + sym + " " + describe(b) + (why.empty() ? "" : ":" + why));
    return Type::error();
  }

  bool is_unbound_name(const ast::Expr& e) const {
    return e.kind == ast::ExprKind::Name && !symbols_.count(e.name) && e.name != "比例" && e.name != "基数";
  }

  Type compare(const ast::Expr& e, Context& ctx) {
    const ast::Expr& l = *e.args[0];
    const ast::Expr& r = *e.args[1];
    Type a, b;
    if (is_unbound_name(l) && !is_unbound_name(r)) {
      b = check(r, ctx);
      a = check(l, ctx, &b);
    } else {
      a = check(l, ctx);
      b = check(r, ctx, &a);
    }
    if (a.is_error() || b.is_error()) return Type::boolean();
    const bool equality = e.compare == ast::CompareOp::Eq || e.compare == ast::CompareOp::Ne;
    if (!same_unit(a, b)) {
      error(e.span, "不能比较 " + describe(a) + " 与 " + describe(b) + unit_hint(b, a) + unit_hint(a, b));
    } else if (!equality && (a.kind == TypeKind::Bool || a.kind == TypeKind::Enum)) {
      error(e.span, std::string(type_name(a.kind)) + " 只能用 = 或 ≠ 比较");
    }
    return Type::boolean();
  }

  Type match(const ast::Expr& e, Context& ctx, const Type* hint) {
    // Arms checked below may hold 按 of their own: refer to this one's entry by index.
    const int entry = static_cast<int>(notes_.arms.size());
    notes_.arms.emplace_back(e.arms.size());
    note(e).index = entry;
    const Type subject = check(*e.args[0], ctx);
    if (!subject.is_error() && subject.kind != TypeKind::Enum)
      error(e.args[0]->span, "按 … { } 只能用于枚举,这里是" + describe(subject));
    const EnumInfo* en = subject.kind == TypeKind::Enum ? &ed_.enums[subject.enum_id] : nullptr;
    std::vector<bool> covered(en ? en->values.size() : 0, false);
    bool otherwise = false;
    std::size_t otherwise_at = 0;
    Type result = Type::error();
    bool first = true;
    for (const auto& arm : e.arms) {
      // Arms are tried in order, so one written after 其他 could never be chosen.
      if (otherwise && &arm == &e.arms[otherwise_at + 1]) {
        Span at = arm.span;
        if (!arm.patterns.empty()) at.end = arm.patterns.back().span.end;
        error(at, "其他 须是最后一个分支;其后的分支永远不会被选中");
      }
      if (arm.otherwise && !otherwise) otherwise = true, otherwise_at = static_cast<std::size_t>(&arm - e.arms.data());
      for (const auto& p : arm.patterns) {
        if (!en) break;
        auto it = std::find(en->values.begin(), en->values.end(), p.name);
        if (it == en->values.end()) {
          error(p.span, p.name + " 不是 " + en->name + " 的取值(可取:" + join(en->values) + ")");
          continue;
        }
        const auto k = static_cast<std::size_t>(it - en->values.begin());
        if (covered[k]) error(p.span, "取值 " + p.name + " 已在前面的分支处理过");
        covered[k] = true;
        notes_.arms[static_cast<std::size_t>(entry)][static_cast<std::size_t>(&arm - e.arms.data())].push_back(static_cast<int>(k));
      }
      const Type t = check(*arm.value, ctx, hint);
      if (t.is_error()) continue;
      if (first || result.is_error()) result = t, first = false;
      else if (!same_unit(t, result))
        error(arm.value->span, "各分支的结果类型须一致:前面是" + describe(result) + ",这里是" + describe(t));
      else result = wider(result, t);
    }
    if (en && !otherwise) {
      std::vector<std::string> missing;
      for (std::size_t k = 0; k < covered.size(); ++k)
        if (!covered[k]) missing.push_back(en->values[k]);
      if (!missing.empty()) error(e.span, "按 " + en->name + " 未处理取值:" + join(missing) + "(补上分支,或加 其他 => …)");
    }
    return result;
  }

  Type check_inner(const ast::Expr& e, Context& ctx, const Type* hint) {
    using K = ast::ExprKind;
    switch (e.kind) {
      case K::Number:
        switch (e.unit) {
          case ast::Unit::Yuan:
          case ast::Unit::Wan:
          case ast::Unit::Yi: return e.per == TimeUnit::None ? Type::money() : Type::money_per(e.per);
          case ast::Unit::Percent:
          case ast::Unit::PercentPoint:
            if (e.number > Decimal::from_int(1)) {
              error(e.span, "比例须在 0–100% 之间");
              return Type::error();
            }
            return Type::rate();
          case ast::Unit::Day:
          case ast::Unit::Month:
          case ast::Unit::Year:
            return Type::span_of(units::time_of(e.unit), e.number.scale() == 0 ? TypeKind::Integer : TypeKind::Number);
          case ast::Unit::None: return e.number.scale() == 0 ? Type::integer() : Type::number();
        }
        return Type::error();
      case K::Boolean: return Type::boolean();
      case K::Date: return Type::date();
      case K::Name: return name(e, ctx, hint);
      case K::Has: {
        auto it = symbols_.find(e.name);
        if (it == symbols_.end() || it->second.kind != ast::RefKind::Fact) {
          error(e.span, "有 … 只能用于事实;" + e.name + " 不是已声明的事实");
          return Type::error();
        }
        // Whether a fact was given is a property of an application, which
        // constants (computed once at load) never see.
        if (ctx.owner == Owner::Param) {
          error(e.span, "参数只能由字面量和其他参数算出;" + e.name + " 是事实");
          return Type::error();
        }
        if (ctx.owner == Owner::Example || ctx.owner == Owner::Rounding) {
          error(e.span, "这里只能使用字面量和参数;" + e.name + " 不是参数");
          return Type::error();
        }
        note(e).ref = ast::RefKind::Fact;
        note(e).index = it->second.index;
        fact_used_[it->second.index] = true;
        depend(ctx, fact_base_ + it->second.index);
        return Type::boolean();
      }
      case K::Call: {
        auto fn = find_builtin(e.name);
        if (!fn) {
          error(e.span, "未知的函数 " + e.name + "(可用:min、max、round、四舍五入、向下舍入、向上舍入、银行家舍入、abs)");
          for (auto& a : e.args) check(*a, ctx);
          return Type::error();
        }
        note(e).index = static_cast<int>(*fn);
        std::vector<Type> types;
        for (auto& a : e.args) types.push_back(check(*a, ctx));
        auto r = builtin_type(*fn, types);
        if (auto* msg = std::get_if<std::string>(&r)) {
          error(e.span, *msg);
          return Type::error();
        }
        return std::get<Type>(r);
      }
      case K::Negate: {
        const Type t = check(*e.args[0], ctx);
        if (!t.is_error() && !t.is_numeric()) error(e.span, "只有数量可以取负,这里是" + describe(t));
        return t.is_numeric() ? t : Type::error();
      }
      case K::Not:
      case K::And:
      case K::Or: {
        for (auto& a : e.args) {
          const Type t = check(*a, ctx);
          if (!t.is_error() && t.kind != TypeKind::Bool)
            error(a->span, std::string(e.kind == K::Not ? "非" : e.kind == K::And ? "且" : "或") + " 的操作数须为布尔,这里是" + describe(t));
        }
        return Type::boolean();
      }
      case K::Arith: {
        const Type a = check(*e.args[0], ctx);
        const Type b = check(*e.args[1], ctx);
        return arith(e, a, b);
      }
      case K::Compare: return compare(e, ctx);
      case K::If: {
        const Type c = check(*e.args[0], ctx);
        if (!c.is_error() && c.kind != TypeKind::Bool) error(e.args[0]->span, "若 的条件须为布尔,这里是" + describe(c));
        const Type a = check(*e.args[1], ctx, hint);
        const Type b = check(*e.args[2], ctx, hint ? hint : &a);
        if (a.is_error() || b.is_error()) return Type::error();
        if (a == b) return a;
        if (same_unit(a, b)) return wider(a, b);
        error(e.span, "则 与 否则 的结果类型须一致:" + describe(a) + " 与 " + describe(b));
        return Type::error();
      }
      case K::Match: return match(e, ctx, hint);
      case K::Progressive:
        return check_progressive(e, {[&](const ast::Expr& x, const Type* h) { return check(x, ctx, h); },
                                     [&](const Span& s, std::string m) { error(s, std::move(m)); },
                                     [&](const Type& t) { return describe(t); }});
    }
    return Type::error();
  }

  // ------------------------------------------------------------ graph
  std::string node_name(int n) const {
    if (n < define_base_) return ed_.params[n].decl->name;
    if (n < fact_base_) return ed_.defines[n - define_base_].decl->name;
    if (n < cap_base_) return ed_.facts[n - fact_base_].decl->name;
    if (n < measure_base_) return ed_.limits[n - cap_base_]->name;
    return ed_.measures[n - measure_base_].decl->name;
  }
  Span node_span(int n) const {
    if (n < define_base_) return ed_.params[n].decl->span;
    if (n < fact_base_) return ed_.defines[n - define_base_].decl->span;
    if (n < cap_base_) return ed_.facts[n - fact_base_].decl->span;
    if (n < measure_base_) return ed_.limits[n - cap_base_]->span;
    return ed_.measures[n - measure_base_].decl->span;
  }

  // Depth-first over the dependency graph with an explicit stack: a chain of
  // thousands of definitions must not exhaust the machine stack here.
  // Returns true if a cycle was reported.
  bool find_cycles() {
    std::vector<int> color(deps_.size(), 0), stack;
    std::vector<std::size_t> next;  // per stack entry: the next dependency to visit
    bool found = false;
    for (int root = 0; root < cap_base_; ++root) {
      if (color[root] != 0) continue;
      color[root] = 1;
      stack.push_back(root);
      next.push_back(0);
      while (!stack.empty()) {
        const int n = stack.back();
        if (next.back() == deps_[n].size()) {
          color[n] = 2;
          stack.pop_back();
          next.pop_back();
          continue;
        }
        const int d = deps_[n][next.back()++];
        if (color[d] == 1 && !found) {
          auto from = std::find(stack.begin(), stack.end(), d);
          std::string path;
          for (auto it = from; it != stack.end(); ++it) path += node_name(*it) + " → ";
          path += node_name(d);
          error(node_span(d), "循环定义:" + path);
          found = true;
        } else if (color[d] == 0) {
          color[d] = 1;
          stack.push_back(d);
          next.push_back(0);
        }
      }
    }
    return found;
  }

  // Calls `done(n)` for every node reachable from the roots after all of its
  // dependencies (post-order), iteratively. Requires an acyclic graph.
  template <typename Keep, typename Done>
  void post_order(int roots, Keep keep, Done done) {
    std::vector<char> state(deps_.size(), 0);
    std::vector<std::pair<int, std::size_t>> stack;
    for (int root = 0; root < roots; ++root) {
      if (state[root] || !keep(root)) continue;
      state[root] = 1;
      stack.push_back({root, 0});
      while (!stack.empty()) {
        auto& [n, i] = stack.back();
        if (i == deps_[n].size()) {
          done(n);
          stack.pop_back();
          continue;
        }
        const int d = deps_[n][i++];
        if (!state[d] && keep(d)) {
          state[d] = 1;
          stack.push_back({d, 0});
        }
      }
    }
  }

  std::vector<int> topological_params() {
    std::vector<int> order;
    post_order(define_base_, [&](int n) { return n < define_base_; }, [&](int p) { order.push_back(p); });
    return order;
  }

  // Definitions and fact defaults are evaluated where they are first read, so
  // their nesting adds to the reader's: bound the total, the one nesting limit,
  // and report the first declaration in a chain that crosses it.
  void check_evaluation_depth() {
    const int limit = limits::kMaxNesting;
    std::vector<int> depth(deps_.size(), 0);
    post_order(static_cast<int>(deps_.size()), [](int) { return true; }, [&](int n) {
      int nested = 0;
      bool over = false;
      for (int d : deps_[n]) {
        if (d < define_base_ || d >= cap_base_) continue;  // parameters are constants; caps run at top level
        nested = std::max(nested, depth[d]);
        over = over || depth[d] > limit;
      }
      depth[n] = std::min(height_[n] + nested, limit + 1);
      if (depth[n] > limit && !over)
        error(node_span(n), node_name(n) + " 的计算嵌套过深:连同它引用的定义超过 " + std::to_string(limit) +
                                " 层(请缩短 定义 之间的引用链,或拆分表达式)");
    });
  }

  void collect_measure_facts(int i) {
    std::vector<bool> seen(deps_.size(), false);
    std::vector<int> work{measure_base_ + i};
    std::set<int> facts;
    while (!work.empty()) {
      const int n = work.back();
      work.pop_back();
      if (seen[n]) continue;
      seen[n] = true;
      if (n >= fact_base_ && n < cap_base_) facts.insert(n - fact_base_);
      for (int d : deps_[n]) work.push_back(d);
    }
    ed_.measures[i].facts.assign(facts.begin(), facts.end());
  }

  Edition& ed_;
  ExprNotes& notes_;  // the edition's, or a free expression's
  std::uint32_t next_id_ = 0;  // for expressions the checker writes (超出 拒绝 lowered to 要求)
  std::vector<Diagnostic>& diags_;
  std::unordered_map<std::string, Symbol> symbols_;
  std::vector<std::vector<int>> deps_;
  std::vector<int> height_;  // per graph node: the deepest of its own expressions
  std::vector<bool> fact_used_, param_used_;
  std::unordered_map<const ast::LimitDecl*, bool> limit_valid_;
  int suggestions_left_ = 50;  // "是不是 …?" for the first unknown names only
  std::optional<Cause> cause_, unit_cause_;  // what a base file's error is blamed on
  int check_depth_ = 0;
  int define_base_ = 0, fact_base_ = 0, cap_base_ = 0, measure_base_ = 0;

  friend std::optional<CheckedExpression> kuan::check_expression(const Edition*, const ast::Expr&, std::vector<Diagnostic>&);
  friend CheckedEdition kuan::check_edition(std::vector<std::unique_ptr<ast::Module>>);
};

// Expression ids must be distinct across the edition's modules. Files parsed
// apart (tests, the REPL's layers) may share ranges: then, before anything
// reads them, the modules (owned by the edition being built) are numbered afresh.
std::uint32_t number_expressions(std::vector<std::unique_ptr<ast::Module>>& modules) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  for (const auto& m : modules)
    if (m->first_id != m->end_id) ranges.emplace_back(m->first_id, m->end_id);
  std::sort(ranges.begin(), ranges.end());
  bool overlap = false;
  std::uint32_t end = 0;
  for (const auto& [first, last] : ranges) {
    overlap = overlap || first < end;
    end = std::max(end, last);
  }
  if (!overlap) return end;
  std::uint32_t next = 0;
  for (auto& m : modules) {
    m->first_id = next;
    ast::for_each_expr_slot(*m, [&](ast::ExprPtr& e) { e = ast::clone(*e, next); });
    m->end_id = next;
  }
  return next;
}

}  // namespace

CheckedEdition check_edition(std::vector<std::unique_ptr<ast::Module>> modules) {
  CheckedEdition out;
  auto ed = std::make_unique<Edition>();
  const std::uint32_t end = number_expressions(modules);
  ed->modules = std::move(modules);
  ed->notes.exprs.resize(end);
  Checker checker(*ed, ed->notes, out.diagnostics);
  checker.next_id_ = end;
  checker.run(out.param_order);
  if (!has_errors(out.diagnostics)) out.edition = std::move(ed);
  return out;
}

std::optional<CheckedExpression> check_expression(const Edition* edition, const ast::Expr& expr,
                                                  std::vector<Diagnostic>& diagnostics) {
  Edition empty;
  // The checker only reads the edition's tables here: a free expression adds
  // no declarations. Its findings go into a copy of the edition's notes.
  Edition& ed = edition ? const_cast<Edition&>(*edition) : empty;
  const std::size_t before = diagnostics.size();
  CheckedExpression out;
  out.notes = ed.notes;
  std::uint32_t next = ed.end_id;
  out.expr = ast::clone(expr, next);
  out.notes.exprs.resize(next);
  Checker checker(ed, out.notes, diagnostics);
  checker.next_id_ = next;
  for (std::size_t i = 0; i < ed.facts.size(); ++i)
    checker.symbols_.emplace(ed.facts[i].decl->name, Symbol{ast::RefKind::Fact, static_cast<int>(i), ed.facts[i].decl->span});
  for (std::size_t i = 0; i < ed.params.size(); ++i)
    checker.symbols_.emplace(ed.params[i].decl->name, Symbol{ast::RefKind::Param, static_cast<int>(i), ed.params[i].decl->span});
  for (std::size_t i = 0; i < ed.defines.size(); ++i)
    checker.symbols_.emplace(ed.defines[i].decl->name, Symbol{ast::RefKind::Define, static_cast<int>(i), ed.defines[i].decl->span});
  checker.fact_used_.assign(ed.facts.size(), false);
  checker.param_used_.assign(ed.params.size(), false);
  Context ctx{Owner::Free, -1};
  checker.check(*out.expr, ctx);
  if (has_errors(std::vector<Diagnostic>(diagnostics.begin() + static_cast<long>(before), diagnostics.end())))
    return std::nullopt;
  return out;
}

}  // namespace kuan
