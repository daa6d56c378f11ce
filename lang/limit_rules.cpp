// 限额 (limits): which combinations of 计 / 每 / 期间 / 超出 mean something,
// 超出 拒绝 lowered to a 要求 of each measure it covers, shared limits applied
// to the measures they cover, and what allocation needs of them (tallies,
// pools, quotas, 全年 totals). docs/language.md「限额」.

#include "lang/limit_rules.hpp"

#include "lang/checker_impl.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace kuan {

// ------------------------------------------------------------ spellings

ast::LimitDecl lower_cap(std::string name, Span span, bool stacking, ast::ExprPtr limit, ast::ExprPtr used,
                         ast::ExprPtr when) {
  ast::LimitDecl c;
  c.name = std::move(name);
  c.span = span;
  c.spelling = stacking ? ast::LimitSpelling::Stack : ast::LimitSpelling::Cap;
  c.stacking = stacking;
  c.limit = std::move(limit);
  c.used = std::move(used);
  c.when = std::move(when);
  return c;
}

ast::LimitDecl lower_quota(const std::string& measure, Span span, ast::ExprPtr limit, std::optional<ast::NamedSpan> score) {
  ast::LimitDecl q;
  q.name = measure + "名额";
  q.span = span;
  q.spelling = ast::LimitSpelling::Quota;
  q.what = ast::LimitWhat::Count;
  q.scope = ast::LimitScope::All;
  q.period = ast::LimitPeriod::Year;
  q.action = ast::LimitAction::Best;
  q.limit = std::move(limit);
  q.score = std::move(score);
  return q;
}

ast::LimitDecl lower_pool(std::string name, Span span, ast::ExprPtr limit, std::vector<ast::NamedSpan> covers) {
  ast::LimitDecl p;
  p.name = std::move(name);
  p.span = span;
  p.spelling = ast::LimitSpelling::Pool;
  p.scope = ast::LimitScope::All;
  p.period = ast::LimitPeriod::Year;
  p.action = ast::LimitAction::ProRata;
  p.limit = std::move(limit);
  p.covers = std::move(covers);
  return p;
}

ast::LimitDecl lower_tally(const ast::NamedSpan& fact, ast::ExprPtr used, std::vector<ast::NamedSpan> covers) {
  ast::LimitDecl t;
  t.name = fact.name;
  t.span = fact.span;
  t.spelling = ast::LimitSpelling::Tally;
  t.scope = ast::LimitScope::Applicant;
  t.period = ast::LimitPeriod::Year;
  t.used = std::move(used);
  t.covers = std::move(covers);
  return t;
}

// ------------------------------------------------------------ one-line form

std::string limit_one_line(const ast::LimitDecl& c, const std::function<std::string(const ast::ExprPtr&)>& text_of) {
  std::string s = text_of(c.limit);
  if (c.used) s += " 已用 " + text_of(c.used);
  if (c.when) s += " 当 " + text_of(c.when);
  if (c.spelling != ast::LimitSpelling::General && c.spelling != ast::LimitSpelling::Cap &&
      c.spelling != ast::LimitSpelling::Stack)
    return s;
  static constexpr const char* kWhat[] = {"金额", "件数"};
  static constexpr const char* kScope[] = {"每 申请", "每 申请人", "全部"};
  static constexpr const char* kAction[] = {"削减", "拒绝", "择优", "按比例"};
  const bool plain = c.what == ast::LimitWhat::Amount && c.scope == ast::LimitScope::Application &&
                     c.action == ast::LimitAction::Cut && c.covers.empty();
  if (plain) return s;
  s += std::string(" 计 ") + kWhat[static_cast<int>(c.what)] + " " + kScope[static_cast<int>(c.scope)];
  if (c.group) s += " 按 " + c.group->name;
  if (!c.covers.empty()) {
    s += " 覆盖";
    for (const auto& m : c.covers) s += " " + m.name;
  }
  s += std::string(" 超出 ") + kAction[static_cast<int>(c.action)];
  if (!c.refusal.empty()) s += " " + (c.refusal_by ? c.refusal : "\"" + c.refusal + "\"");  // 按 X { … } as written
  if (c.score) s += " 按 " + c.score->name;
  return s;
}

// ------------------------------------------------------------ the checker's limit pass

namespace checking {

// The combinations that mean something (docs/language.md「限额」); false
// after reporting the first that does not. `in_measure`: written in a 措施.
bool Checker::valid_limit(const ast::LimitDecl& l, bool in_measure) {
  auto [it, fresh] = limit_valid_.emplace(&l, true);
  if (fresh) it->second = judge_limit(l, in_measure);
  return it->second;
}

bool Checker::judge_limit(const ast::LimitDecl& l, bool in_measure) {
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

void Checker::cap_body(const ast::LimitDecl& c, Context& ctx) {
  if (!c.limit) return;
  const std::string what = std::string(c.spelling == ast::LimitSpelling::General ? "限额 " : "上限 ") + c.name;
  const Type t = check(*c.limit, ctx);
  expect_type(*c.limit, t, Type::money(), what);
  if (c.used) expect_type(*c.used, check(*c.used, ctx), Type::money(), what + " 的已用额");
  if (c.when) expect_type(*c.when, check(*c.when, ctx), Type::boolean(), what + " 的适用条件");
}

void Checker::top_limit(int i) {
  const ast::LimitDecl& l = *ed_.limits[i];
  if (!l.cuts() || !valid_limit(l, false)) return;  // pools and quotas are checked with the batch metadata
  Context ctx{Owner::Cap, cap_base_ + i};
  cap_body(l, ctx);
}

// 超出 拒绝 "…" on a 件数 per applicant: each measure it covers gets the
// requirement 已用 < 不超过 (非 当 或 …), refused with the limit's reason, so
// a single evaluation, an explanation and allocation all see it the same way.
void Checker::lower_refusals() {
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
    r->limit = &l;
    if (l.refusal_by) {  // 超出 拒绝 按 X { … }: lowered with the requirement, as a 要求's
      r->refusal = ast::clone(*l.refusal_by, next_id_);
      r->refusals = l.refusals;
    }
    m.requirements.push_back(r.get());
    ed_.lowered.push_back(std::move(r));
  };
  for (auto& info : ed_.measures)
    for (const auto& l : info.decl->limits) add(l, info);
  for (const auto* l : ed_.limits)
    for (const auto& n : l->covers)
      if (auto it = ed_.measure_index.find(n.name); it != ed_.measure_index.end()) add(*l, ed_.measures[it->second]);
}

// 超出 拒绝 按 X { … }: checked once, as written, like a 定义 (facts, 参数, 定义);
// the copies lowered into the measures it covers report nothing of their own.
void Checker::limit_refusal(const ast::LimitDecl& l) {
  if (!l.refusal_by) return;
  Context ctx{Owner::Define, -1};
  check(*l.refusal_by, ctx);
}

int Checker::measure_named(const ast::NamedSpan& n) {
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
void Checker::batch_metadata() {
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
  // A result below zero cannot be shared out, ranked or added up as money paid.
  for (std::size_t i = 0; i < ed_.measures.size(); ++i) {
    const MeasureInfo& m = ed_.measures[i];
    if (!m.decl->signed_result) continue;
    std::string by;
    if (m.pool >= 0) by = "资金池 " + ed_.pools[static_cast<std::size_t>(m.pool)].decl->name;
    else if (m.quota >= 0) by = "名额 " + ed_.quotas[static_cast<std::size_t>(m.quota)].decl->name;
    else
      for (const auto& a : ed_.accumulations)
        if (!a.count && a.source < 0 && std::find(a.measures.begin(), a.measures.end(), static_cast<int>(i)) != a.measures.end())
          by = std::string(a.limit ? ast::limit_word(*a.limit) : "累计") + " " + ed_.facts[static_cast<std::size_t>(a.fact)].decl->name;
    if (!by.empty())
      error(m.decl->signed_span, "可为负 的措施 " + m.decl->name + " 不能由 " + by +
                                     " 分配或合计:结果可能小于零(去掉 可为负,或不列入该限额)");
  }
}

// A shared cut limit (覆盖) applies to each measure it covers, after the
// measure's own limits, unless the measure names it (上限 NAME) itself.
void Checker::apply_shared_limits() {
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

int Checker::group_fact(const ast::LimitDecl& l) {
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
void Checker::tally_limit(const ast::LimitDecl& l, std::vector<int> measures) {
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
  for (const auto& other : ed_.accumulations) {
    if (other.fact != f) continue;
    // Two limits counting with one 已用 fact: say so in terms of limits, unless both are 累计.
    const bool tallies = l.spelling == ast::LimitSpelling::Tally && (!other.limit || other.limit->spelling == ast::LimitSpelling::Tally);
    if (tallies) error(fact.span, "事实 " + fact.name + " 已由另一条 累计 计算");
    else
      error(fact.span, "事实 " + fact.name + " 已是" +
                           (other.limit ? std::string(ast::limit_word(*other.limit)) + " " + other.limit->name : std::string("另一条 累计")) +
                           " 的 已用:一个 已用 事实只记一个限额的用量(同一样东西的两个上限合成一个限额,不同的东西各用一个事实)");
  }
  AccumulationInfo info{f, std::move(measures), -1};
  info.group_fact = group_fact(l);
  info.count = count;
  info.limit = &l;
  if (l.period == ast::LimitPeriod::Stated) info.period_from = l.period_from, info.period_to = l.period_to;
  ed_.accumulations.push_back(std::move(info));
}

void Checker::pool_limit(const ast::LimitDecl& l, const std::vector<int>& measures) {
  Context ctx{Owner::Param, -1};  // a constant: one amount shared by every application
  ctx.bound_of = &l;
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

void Checker::quota_limit(const ast::LimitDecl& l, const std::vector<int>& measures) {
  Context ctx{Owner::Param, -1};  // a constant: the same number for every group
  ctx.bound_of = &l;
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

void Checker::year_total(const ast::AccumulationDecl& a) {
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

}  // namespace checking

}  // namespace kuan
