// 措施 (要求, 比例, 基数, 金额, 需要, its limits), 例 and 性质.

#include "lang/checker_impl.hpp"

#include <algorithm>
#include <set>

namespace kuan::checking {

void Checker::measure(int i) {
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
  for (const ast::Requirement* r : info.requirements) {
    if (r->alternative_of) continue;  // a text of the 否则 按 { … } before it
    // A limit's refusal is the same in every measure it covers: checked in each
    // (its copy there needs its notes), its mistakes reported at the first.
    const bool again = r->limit && !limits_checked_.insert(r->limit).second;
    struct Mute {
      int& muted;
      bool on;
      ~Mute() { muted -= on; }
    } mute{muted_ += again, again};
    if (r->limit && !count_bound_ok(*r, ctx)) continue;  // the limit's own error, not the comparison's
    expect_type(*r->condition, check(*r->condition, ctx), Type::boolean(), "要求的条件");
    if (r->refusal) {  // a 按 like any other: its arms' values are 1, 2, …
      // A limit's 超出 拒绝 按 X { … }: the copy here is checked for its notes only, the
      // table's mistakes being reported once, as written (limit_refusal).
      const int quiet = r->limit ? 1 : 0;
      muted_ += quiet;
      check(*r->refusal, ctx);
      muted_ -= quiet;
    }
  }
  // 比例 and 基数 are computed on first use, so they may read each other,
  // but not in a circle.
  Context rate_ctx{Owner::Measure, measure_base_ + i, &m};
  Context base_ctx{Owner::Measure, measure_base_ + i, &m};
  if (m.rate) expect_type(*m.rate, check(*m.rate, rate_ctx), Type::rate(), "比例");
  if (m.base) expect_type(*m.base, check(*m.base, base_ctx), Type::money(), "基数");
  if (rate_ctx.uses_rate) error(m.rate->span, "比例 的计算不能引用 比例 自己");
  if (base_ctx.uses_base) error(m.base->span, "基数 的计算不能引用 基数 自己");
  if (rate_ctx.uses_base && base_ctx.uses_rate) error(m.rate->span, "循环定义:比例 → 基数 → 比例");
  results(m, ctx);
  Context amount_ctx{Owner::Measure, measure_base_ + i, &m};
  amount_ctx.results_visible = m.results.size();  // 金额 may be one of the 结果, or made of them
  if (m.amount) expect_type(*m.amount, check(*m.amount, amount_ctx), Type::money(), "金额");
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

// 结果 R = X: a figure of the measure, money, named apart from every declared
// name (it is read by name in 金额, later 结果 and 性质) and from the measure's words.
void Checker::results(const ast::MeasureDecl& m, const Context& ctx) {
  std::set<std::string> seen;
  for (std::size_t k = 0; k < m.results.size(); ++k) {
    const ast::NamedResult& r = m.results[k];
    if (!seen.insert(r.name).second) error(r.span, "结果 " + r.name + " 在此措施中重复");
    else if (r.name == "金额" || r.name == "比例" || r.name == "基数" || r.name == "适用")
      error(r.span, "结果 不能叫 " + r.name + "(它是措施的 " + r.name + ")");
    else if (auto it = symbols_.find(r.name); it != symbols_.end())
      error(r.span, "结果 " + r.name + " 与已声明的" + (it->second.kind == ast::RefKind::Fact ? "事实" : it->second.kind == ast::RefKind::Param ? "参数" : "定义") + "同名(" + where(it->second.span) + "):结果须另起名称");
    Context rctx = ctx;
    rctx.uses_rate = rctx.uses_base = false;
    rctx.results_visible = k;
    expect_type(*r.value, check(*r.value, rctx), Type::money(), "结果 " + r.name);
  }
}

void Checker::example(const ast::ExampleDecl& x) {
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
    if (f.list || ed_.facts[fi].type.kind == TypeKind::List) {
      example_list(f, ed_.facts[fi].type, ctx);  // checker_lists.cpp
      continue;
    }
    const Type t = check(*f.value, ctx, &ed_.facts[fi].type);
    expect_type(*f.value, t, ed_.facts[fi].type, "事实 " + f.name);
  }
  if (x.expected_amount) expect_type(*x.expected_amount, check(*x.expected_amount, ctx), Type::money(), "预期金额");
  std::set<std::string> expected;
  for (const auto& r : x.expected_results) {
    if (!expected.insert(r.name).second) error(r.span, "结果 " + r.name + " 在此例中重复");
    else if (!x.expect_eligible || x.expect_error) error(r.span, "只有 得 金额 的例能预期 结果:不适用或出错的申请没有结果");
    else if (m && !result_index(*m->decl).count(r.name))
      error(r.span, "措施 " + x.measure + " 没有名为 " + r.name + " 的结果");
    expect_type(*r.value, check(*r.value, ctx), Type::money(), "预期结果 " + r.name);
  }
  if (m && x.expected_bound) {
    const auto& caps = m->caps;
    if (std::none_of(caps.begin(), caps.end(), [&](const ast::LimitDecl* c) { return c->name == x.expected_bound->name; }))
      error(x.expected_bound->span, "措施 " + x.measure + " 没有名为 " + x.expected_bound->name + " 的上限");
  }
  // 得 错误 CODE: the codes an application's evaluation can end in (docs/cli-json.md).
  if (const auto& code = x.expected_error_code) {
    static constexpr std::string_view kCodes[] = {"invalid_application", "missing_fact", "evaluation_error"};
    if (std::find(std::begin(kCodes), std::end(kCodes), code->name) == std::end(kCodes))
      error(code->span, "未知的错误代码 " + code->name + "(可写:invalid_application、missing_fact、evaluation_error,或带引号的错误文字)");
  }
}

// 性质: the claim ranges over the measure's applications; its condition and
// conclusion are boolean and may read the measure's outcome (金额, 适用).
void Checker::property(const ast::PropertyDecl& p) {
  const MeasureInfo* m = ed_.find_measure(p.measure);
  if (!m) error(p.span, "性质 引用的措施 " + p.measure + " 不存在");
  if (p.variable.name != "申请")
    error(p.variable.span, "对任意 后须为 申请:性质对措施的每份申请成立,申请的事实直接用事实名称引用");
  Context ctx{Owner::Property, -1, m ? m->decl : nullptr};
  ctx.results_visible = m ? m->decl->results.size() : 0;  // a claim may read the measure's 结果
  if (p.when) expect_type(*p.when, check(*p.when, ctx), Type::boolean(), "性质的条件(当 …)");
  if (p.holds) expect_type(*p.holds, check(*p.holds, ctx), Type::boolean(), "性质的结论(有 …)");
}

// A count limit's 超出 拒绝 is checked as the 要求 已用 < 不超过 it was lowered to
// (limit_rules.cpp); a bound that is not a count would be reported as that
// comparison ("不能比较 整数 与 金额"), so its real cause is reported first, at
// the bound, and the comparison is not checked.
bool Checker::count_bound_ok(const ast::Requirement& r, Context& ctx) {
  const ast::Expr* cmp = r.condition.get();
  if (cmp->kind == ast::ExprKind::Or) cmp = cmp->args[1].get();  // 非 当 或 已用 < 不超过
  if (cmp->kind != ast::ExprKind::Compare || cmp->args.size() != 2) return true;
  const Type bound = check(*cmp->args[1], ctx);
  if (bound.is_error()) return false;  // already reported where it is
  if (bound.kind == TypeKind::Integer) return true;
  error(cmp->args[1]->span, "限额 " + r.limit->name + " 计 件数,不超过 须为件数(整数),这里是" + describe(bound));
  return false;
}

// 要求 C 否则 按 X { … }: each text becomes a requirement of its own, right
// after the one it belongs to, so a refusal names its text wherever reasons are
// read (results, explanations, allocation's records) as any 否则 "…" does.
void Checker::lower_refusal_tables() {
  for (auto& info : ed_.measures) {
    std::vector<const ast::Requirement*> with;
    for (const ast::Requirement* r : info.requirements) {
      with.push_back(r);
      if (!r->refusals.empty()) info.refusal_by_arm = true;
      for (const auto& text : r->refusals) {
        auto alt = std::make_unique<ast::Requirement>();
        alt->reason = text;
        alt->span = r->span;
        alt->alternative_of = r;
        with.push_back(alt.get());
        ed_.lowered.push_back(std::move(alt));
      }
    }
    info.requirements = std::move(with);
  }
}

}  // namespace kuan::checking
