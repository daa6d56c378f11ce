// The header lines (版本 政策 施行 舍入 …) and the declarations of an edition:
// one symbol per name, duplicates reported at the later of two.

#include "lang/checker_impl.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "base/limits.hpp"

namespace kuan::checking {

void Checker::header() {
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
std::pair<std::size_t, std::uint32_t> Checker::order_of(const Span& s) const {
  for (std::size_t i = 0; i < ed_.modules.size(); ++i)
    if (ed_.modules[i]->holds(s.file)) return {i, s.begin};
  return {ed_.modules.size(), s.begin};
}

void Checker::add_symbol(const std::string& name, Symbol s) {
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
std::string Checker::revise_hint(const Span& earlier, const char* kind, const std::string& name) const {
  const bool from_base = std::any_of(ed_.modules.begin(), ed_.modules.end(),
                                     [&](const auto& m) { return m->inherited && m->holds(earlier.file); });
  return from_base ? std::string("(它是基础版本的声明;要在新版本中改动,请写 修订 ") + kind + " " + name + " …)" : "";
}

Type Checker::enumeration(const std::string& name, const std::vector<ast::NamedSpan>& values) {
  EnumInfo info{name, {}};
  for (const auto& v : values) {
    if (std::find(info.values.begin(), info.values.end(), v.name) != info.values.end())
      error(v.span, "枚举取值 " + v.name + " 重复");
    info.values.push_back(v.name);
  }
  ed_.enums.push_back(std::move(info));
  return Type::enumeration(static_cast<int>(ed_.enums.size()) - 1);
}

void Checker::declare() {
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
        case ast::FactKind::Enum: t = enumeration(f.name, f.enum_values); break;
        case ast::FactKind::List: t = list_type(f); break;  // checker_lists.cpp
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
        error(d.span, fmt::format("定义过多:每个版本至多 {} 个 定义", limits::kMaxDefinitions));
      add_symbol(d.name, {ast::RefKind::Define, static_cast<int>(ed_.defines.size()), d.span});
      ed_.defines.push_back({&d, Type::error()});
    }
    for (const auto& x : m->schedules) {
      for (const auto& other : ed_.schedules)
        if (other.decl->name == x.name) error(x.span, "累进表 " + x.name + " 已在 " + where(other.decl->span) + " 定义");
      ed_.schedules.push_back({&x, Type::error()});
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
  check_list_fields();
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
  // 校验: the edition's apply to every measure, a clause's to the measures of that clause.
  for (const auto& m : ed_.modules)
    for (const auto& v : m->validations)
      ed_.validations.push_back({&v, v.clause >= 0 ? m->clauses[static_cast<std::size_t>(v.clause)].ref : std::string()});
  for (auto& info : ed_.measures)
    for (std::size_t k = 0; k < ed_.validations.size(); ++k) {
      const std::string& clause = ed_.validations[k].clause;
      if (clause.empty() || (info.clause && info.clause->ref == clause)) info.validations.push_back(static_cast<int>(k));
    }
}

void Checker::fact_default(int i) {
  const ast::FactDecl* decl = ed_.facts[i].decl;
  if (!decl->default_value) return;
  if (decl->kind == ast::FactKind::List) {
    error(decl->default_value->span, "列表事实不能写默认值;写 可选 则不给时为空列表");
    return;
  }
  Context ctx{Owner::FactDefault, fact_base_ + i};
  const Type t = check(*decl->default_value, ctx, &ed_.facts[i].type);
  expect_type(*decl->default_value, t, ed_.facts[i].type, "事实 " + decl->name + " 的默认值");
}

}  // namespace kuan::checking
