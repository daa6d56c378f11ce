// Statements and declarations: the parse tree of a file's statements →
// ast::Module (header lines, parameters, facts, definitions, measures, the
// limits and their sugar, 例, 性质, clauses, editions written as changes).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.hpp"
#include "lang/limit_rules.hpp"
#include "lang/parser_impl.hpp"
#include "lang/units.hpp"

namespace kuan::parse {

// cap_stmt -> '上限' name cap_body ; cap_item -> '上限' name [cap_body] ; stack_item -> '叠加' name cap_body
// cap_body -> '=' expression ['已用' expression] ['当' expression]
// 上限 X = L [已用 U] [当 C] / 叠加 X = …: sugar for a 限额 (see ast::LimitDecl).
ast::LimitDecl Converter::cap(const Node& n, bool stacking) const {
  ast::ExprPtr limit, used, when;
  if (const Node* body = find<g::cap_body>(n)) {
    limit = expr(child(*body, 0));
    if (const Node* u = find<g::used_part>(*body)) used = expr(child(*u, 0));
    if (const Node* w = find<g::when_part>(*body)) when = expr(child(*w, 0));
  }
  return lower_cap(text(child(n, 0)), span_of(child(n, 0)), stacking, std::move(limit), std::move(used), std::move(when));
}

// A name as an expression (the 已用 of a tally).
ast::ExprPtr Converter::name_expr(const ast::NamedSpan& n) const {
  auto e = std::make_unique<ast::Expr>();
  e->id = next_id_++;
  e->kind = ast::ExprKind::Name;
  e->span = n.span;
  e->name = n.name;
  return e;
}

// limit_stmt -> '限额' name '{' limit_item* '}'
ast::LimitDecl Converter::limit(const Node& n) const {
  ast::LimitDecl l;
  l.name = text(child(n, 0));
  l.span = span_of(child(n, 0));
  auto once = [&](bool& seen, const Node& item, const char* what) {
    if (seen) throw ConvertError{tight(item), std::string("限额 ") + l.name + " 中 " + what + " 写了两次"};
    seen = true;
  };
  bool bound = false, used = false, when = false, covers = false, stacking = false;
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const Node& c = child(n, i);
    if (c.is_type<g::limit_amount>() || c.is_type<g::limit_count>()) {
      once(l.explicit_what, c, "计");
      l.what = c.is_type<g::limit_count>() ? ast::LimitWhat::Count : ast::LimitWhat::Amount;
    } else if (c.is_type<g::scope_applicant>() || c.is_type<g::scope_application>() || c.is_type<g::scope_all>()) {
      once(l.explicit_scope, c, "范围(每 申请 / 每 申请人 / 全部)");
      l.scope = c.is_type<g::scope_applicant>() ? ast::LimitScope::Applicant
                : c.is_type<g::scope_all>()     ? ast::LimitScope::All
                                                : ast::LimitScope::Application;
    } else if (c.is_type<g::group_by>()) {
      l.group = named(child(c, 0));
    } else if (c.is_type<g::period_year>() || c.is_type<g::period_application>() || c.is_type<g::period_range>()) {
      once(l.explicit_period, c, "期间");
      if (c.is_type<g::period_year>()) l.period = ast::LimitPeriod::Year;
      else if (c.is_type<g::period_application>()) l.period = ast::LimitPeriod::Application;
      else {
        l.period = ast::LimitPeriod::Stated;
        const Node& from = child(c, 0);
        const Node& to = child(c, 1);
        auto d1 = parse_date(from.string_view());
        if (!d1) throw ConvertError{span_of(from), "没有这一天:" + text(from)};
        auto d2 = parse_date(to.string_view());
        if (!d2) throw ConvertError{span_of(to), "没有这一天:" + text(to)};
        if (*d2 < *d1) throw ConvertError{span_of(to), "期间的结束日期早于开始日期"};
        l.period_from = *d1;
        l.period_to = *d2;
      }
    } else if (c.is_type<g::limit_bound>()) {
      once(bound, c, "不超过");
      l.limit = expr(child(c, 0));
    } else if (c.is_type<g::used_part>()) {
      once(used, c, "已用");
      l.used = expr(child(c, 0));
    } else if (c.is_type<g::when_part>()) {
      once(when, c, "当");
      l.when = expr(child(c, 0));
    } else if (c.is_type<g::limit_covers>()) {
      once(covers, c, "覆盖");
      for (const auto& m : c.children) l.covers.push_back(named(*m));
    } else if (c.is_type<g::action_cut>() || c.is_type<g::action_refuse>() || c.is_type<g::action_best>() ||
               c.is_type<g::action_pro_rata>()) {
      once(l.explicit_action, c, "超出");
      if (c.is_type<g::action_cut>()) l.action = ast::LimitAction::Cut;
      else if (c.is_type<g::action_pro_rata>()) l.action = ast::LimitAction::ProRata;
      else if (c.is_type<g::action_refuse>()) {
        l.action = ast::LimitAction::Refuse;
        refusal(child(c, 0), l.refusal, l.refusal_by, l.refusals);
      } else {
        l.action = ast::LimitAction::Best;
        if (const Node* score = find<g::quota_score>(c)) l.score = named(child(*score, 0));
      }
    } else if (c.is_type<g::stacking_marker>()) {
      once(stacking, c, "叠加");
      l.stacking = true;
    }
  }
  // Unstated, the period follows the scope: one application's own, or the year.
  if (!l.explicit_period && l.scope != ast::LimitScope::Application) l.period = ast::LimitPeriod::Year;
  return l;
}

// type_spec -> type_money | type_rate | … | type_enum (a list's field: scalar_type)
// One of the type_* nodes: its kind, enumeration values and span.
template <typename Decl>
void Converter::type_of(const Node& t, Decl& f) const {
  f.type_span = tight(t);
  if (t.is_type<g::type_money>()) {
    f.kind = ast::FactKind::Money;
    const std::string_view written = t.string_view();
    if (const auto slash = written.find('/'); slash != std::string_view::npos)
      if (const units::PeriodWord* p = units::period_at(written.substr(slash + 1))) f.time = p->time;
  } else if (t.is_type<g::type_days>() || t.is_type<g::type_months>() || t.is_type<g::type_years>()) {
    f.kind = ast::FactKind::Integer;
    f.time = t.is_type<g::type_days>() ? TimeUnit::Day : t.is_type<g::type_months>() ? TimeUnit::Month : TimeUnit::Year;
  }
  else if (t.is_type<g::type_rate>()) f.kind = ast::FactKind::Rate;
  else if (t.is_type<g::type_integer>()) f.kind = ast::FactKind::Integer;
  else if (t.is_type<g::type_number>()) f.kind = ast::FactKind::Number;
  else if (t.is_type<g::type_bool>()) f.kind = ast::FactKind::Bool;
  else if (t.is_type<g::type_date>()) f.kind = ast::FactKind::Date;
  else {
    f.kind = ast::FactKind::Enum;
    f.type_span = span_of(t);
    for (const auto& v : t.children) f.enum_values.push_back(named(*v));
  }
}

// fact_stmt -> '事实' name ':' type_spec ['=' expression | '可选'] ['标签' text]
ast::FactDecl Converter::fact(const Node& n) const {
  ast::FactDecl f;
  f.name = text(child(n, 0));
  f.span = span_of(child(n, 0));
  const Node& t = child(n, 1);
  if (t.is_type<g::type_list>()) {
    // type_list -> '列表' '{' list_field (','? list_field)* '}'
    f.kind = ast::FactKind::List;
    f.type_span = span_of(t);
    for (const auto& c : t.children) {
      ast::ListField field;
      field.name = text(child(*c, 0));
      field.span = span_of(child(*c, 0));
      type_of(child(*c, 1), field);
      f.fields.push_back(std::move(field));
    }
  } else {
    type_of(t, f);
  }
  for (std::size_t i = 2; i < n.children.size(); ++i) {
    const Node& c = child(n, i);
    if (c.is_type<g::fact_default>()) f.default_value = expr(child(c, 0));
    else if (c.is_type<g::optional_marker>()) f.optional = true;
    else if (c.is_type<g::label>()) f.label = string_value(child(c, 0));
  }
  return f;
}

std::int32_t Converter::day(const Node& d) const {
  auto v = parse_date(d.string_view());
  if (!v) throw ConvertError{span_of(d), "没有这一天:" + text(d)};
  return *v;
}

// period_stmt -> '施行' date ['至' date] ['起'], inside a measure or a clause.
ast::InForce Converter::in_force(const Node& c, const std::optional<ast::InForce>& earlier, const char* where) const {
  if (earlier) throw ConvertError{tight(c), std::string(where) + "中 施行 写了两次"};
  ast::InForce f;
  f.span = tight(c);
  f.from = day(child(c, 0));
  if (const Node* end = find<g::period_end>(c)) {
    const Node& to = child(*end, 0);
    f.to = day(to);
    if (*f.to < f.from) throw ConvertError{span_of(to), "施行的结束日期早于开始日期"};
  }
  return f;
}

// measure_stmt -> '措施' name [text] ['可为负'] '{' measure_item* '}'
// measure_item -> require_item | need_item | cap_item | stack_item | rate_item | base_item | amount_item
//                 | quota_item | result_item | limit_stmt | period_stmt
ast::MeasureDecl Converter::measure(const Node& n, int clause) const {
  ast::MeasureDecl m;
  m.name = text(child(n, 0));
  m.span = span_of(child(n, 0));
  m.clause = clause;
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const Node& c = child(n, i);
    if (c.is_type<g::string_literal>()) m.title = string_value(c);
    else if (c.is_type<g::signed_marker>()) {
      m.signed_result = true;
      m.signed_span = span_of(c);
      m.signed_span.end = m.signed_span.begin + 9;  // 可为负: three 3-byte characters
    }
    else if (c.is_type<g::require_item>()) {
      ast::Requirement r;
      r.condition = expr(child(c, 0));
      r.span = r.condition->span;
      refusal(child(c, 1), r.reason, r.refusal, r.refusals);
      m.requirements.push_back(std::move(r));
    } else if (c.is_type<g::need_item>()) {
      if (const Node* when = find<g::when_part>(c)) {
        ast::ConditionalNeed need;
        for (const auto& id : c.children)
          if (id->is_type<g::identifier>()) need.facts.push_back(named(*id));
        need.when = expr(child(*when, 0));
        m.conditional_needs.push_back(std::move(need));
      } else {
        for (const auto& id : c.children) m.needs.push_back(named(*id));
      }
    } else if (c.is_type<g::cap_item>()) m.limits.push_back(cap(c, false));
    else if (c.is_type<g::stack_item>()) m.limits.push_back(cap(c, true));
    else if (c.is_type<g::limit_stmt>()) m.limits.push_back(limit(c));
    else if (c.is_type<g::rate_item>()) m.rate = expr(child(c, 0)), m.rate_span = span_of(c);
    else if (c.is_type<g::base_item>()) m.base = expr(child(c, 0)), m.base_span = span_of(c);
    else if (c.is_type<g::amount_item>()) m.amount = expr(child(c, 0)), m.amount_span = span_of(c);
    else if (c.is_type<g::period_stmt>()) m.in_force = in_force(c, m.in_force, "措施");
    else if (c.is_type<g::result_item>()) m.results.push_back({text(child(c, 0)), span_of(child(c, 0)), expr(child(c, 1))});
    else if (c.is_type<g::quota_item>()) {
      // 名额 = N [按 S]: sugar for 限额 {计 件数 全部 期间 每年 不超过 N 超出 择优 [按 S]}.
      ast::ExprPtr limit = expr(child(c, 0));
      std::optional<ast::NamedSpan> score;
      if (const Node* s = find<g::quota_score>(c)) score = named(child(*s, 0));
      m.limits.push_back(lower_quota(m.name, tight(c), std::move(limit), std::move(score)));
    }
  }
  return m;
}

// example_fact -> name '=' (list_literal | expression)
ast::ExampleFact Converter::example_fact(const Node& c) const {
  ast::ExampleFact f{text(child(c, 0)), span_of(child(c, 0)), nullptr};
  const Node& value = child(c, 1);
  if (!value.is_type<g::list_literal>()) {
    f.value = expr(value);
    return f;
  }
  // list_literal -> '[' record_literal (',' record_literal)* ']' ; record_literal -> '{' record_field, … '}'
  f.list = true;
  std::uint32_t end = static_cast<std::uint32_t>(value.begin().byte) + 1;
  for (const auto& record : value.children) {
    auto& item = f.items.emplace_back();
    end = static_cast<std::uint32_t>(record->begin().byte) + 1;
    for (const auto& field : record->children) {
      item.push_back({text(child(*field, 0)), span_of(child(*field, 0)), expr(child(*field, 1))});
      end = item.back().value->span.end;
    }
    end = closing_brace_after(end);
  }
  f.value_span = Span{file_, static_cast<std::uint32_t>(value.begin().byte), closing_brace_after(end, ']', "］")};
  return f;
}

// example_stmt -> '例' name [text] '{' example_fact* (expect_error | expect_amount | expect_ineligible) [expect_results] '}'
ast::ExampleDecl Converter::example(const Node& n) const {
  ast::ExampleDecl x;
  x.measure = text(child(n, 0));
  x.span = span_of(child(n, 0));
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const Node& c = child(n, i);
    if (c.is_type<g::string_literal>()) x.title = string_value(c);
    else if (c.is_type<g::example_date>()) x.as_of = day(child(c, 0));
    else if (c.is_type<g::example_fact>()) x.facts.push_back(example_fact(c));
    else if (c.is_type<g::expect_amount>()) {
      x.expect_eligible = true;
      x.expected_amount = expr(child(c, 0));
      if (c.children.size() > 1) {
        if (child(c, 1).is_type<g::expect_unbound>()) x.expect_unbound = true;
        else x.expected_bound = named(child(c, 1));
      }
    } else if (c.is_type<g::expect_ineligible>()) {
      x.expect_eligible = false;
      if (!c.children.empty()) x.expected_reason = string_value(child(c, 0));
    } else if (c.is_type<g::expect_results>()) {  // 结果 A = X, B = Y
      for (const auto& v : c.children)
        x.expected_results.push_back({text(child(*v, 0)), span_of(child(*v, 0)), expr(child(*v, 1))});
    } else if (c.is_type<g::expect_error>()) {  // 得 错误 CODE | 得 错误 "…"
      x.expect_error = true;
      const Node& what = child(c, 0);
      if (what.is_type<g::error_code>()) x.expected_error_code = named(child(what, 0));
      else x.expected_error_text = string_value(what);
    }
  }
  return x;
}

// property_stmt -> '性质' name text? '{' '对任意' name ('当' expr)? '有' expr '}'
ast::PropertyDecl Converter::property(const Node& n) const {
  ast::PropertyDecl p;
  p.measure = text(child(n, 0));
  p.span = span_of(child(n, 0));
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const Node& c = child(n, i);
    if (c.is_type<g::string_literal>()) p.title = string_value(c);
    if (!c.is_type<g::property_claim>()) continue;
    p.variable = named(child(c, 0));
    for (std::size_t k = 1; k < c.children.size(); ++k) {
      const Node& part = child(c, k);
      if (part.is_type<g::when_part>()) p.when = expr(child(part, 0));
      else if (part.is_type<g::claim_holds>()) p.holds = expr(child(part, 0));
    }
  }
  return p;
}

// declaration -> param_stmt | fact_stmt | define_stmt | cap_stmt | pool_stmt | accumulate_stmt | limit_stmt
// and the other items a file or a clause holds: validation_stmt | measure_stmt | example_stmt | property_stmt
void Converter::declaration(const Node& c, ast::Module& m, int clause) const {
  if (c.is_type<g::param_stmt>()) {
    ast::ParamDecl p;
    p.name = text(child(c, 0));
    p.span = span_of(child(c, 0));
    p.value = expr(child(c, 1));
    if (const Node* l = find<g::label>(c)) p.label = string_value(child(*l, 0));
    m.params.push_back(std::move(p));
  } else if (c.is_type<g::fact_stmt>()) {
    m.facts.push_back(fact(c));
  } else if (c.is_type<g::define_stmt>()) {
    ast::DefineDecl d;
    d.name = text(child(c, 0));
    d.span = span_of(child(c, 0));
    d.value = expr(child(c, 1));
    m.defines.push_back(std::move(d));
  } else if (c.is_type<g::schedule_stmt>()) {
    // 累进表 N { … }: a 累进 without a base; its operands are the brackets' alone.
    ast::ScheduleDecl d;
    d.name = text(child(c, 0));
    d.span = span_of(child(c, 0));
    auto table = node(ast::ExprKind::Progressive, span_of(c), {});
    brackets(c, 1, *table);
    d.table = std::move(table);
    m.schedules.push_back(std::move(d));
  } else if (c.is_type<g::cap_stmt>()) {
    m.limits.push_back(cap(c, false));
  } else if (c.is_type<g::limit_stmt>()) {
    m.limits.push_back(limit(c));
  } else if (c.is_type<g::pool_stmt>()) {
    // 资金池 P = A 覆盖 M…: sugar for 限额 P {计 金额 全部 期间 每年 不超过 A 覆盖 M… 超出 按比例}.
    ast::ExprPtr limit = expr(child(c, 1));
    std::vector<ast::NamedSpan> covers;
    for (std::size_t i = 2; i < c.children.size(); ++i) covers.push_back(named(child(c, i)));
    m.limits.push_back(lower_pool(text(child(c, 0)), span_of(child(c, 0)), std::move(limit), std::move(covers)));
  } else if (c.is_type<g::accumulate_stmt>()) {
    const ast::NamedSpan fact = named(child(c, 0));
    std::vector<ast::NamedSpan> measures;
    const Node* source = nullptr;
    for (std::size_t i = 1; i < c.children.size(); ++i) {
      if (c.children[i]->is_type<g::year_total_source>()) source = &child(c, i);
      else measures.push_back(named(child(c, i)));
    }
    if (source) {
      m.accumulations.push_back({fact, std::move(measures), named(child(*source, 0))});
    } else {
      // 累计 F = M…: sugar for 限额 F {计 金额 每 申请人 期间 每年 已用 F 覆盖 M…}, a tally with no bound.
      m.limits.push_back(lower_tally(fact, name_expr(fact), std::move(measures)));
    }
  } else if (c.is_type<g::measure_stmt>()) {
    m.measures.push_back(measure(c, clause));
  } else if (c.is_type<g::example_stmt>()) {
    m.examples.push_back(example(c));
  } else if (c.is_type<g::property_stmt>()) {
    m.properties.push_back(property(c));
  } else if (c.is_type<g::validation_stmt>()) {  // 校验 COND 否则 "…"
    ast::ValidationDecl v;
    v.condition = expr(child(c, 0));
    v.span = tight(child(c, 0));  // the condition as written (有 F starts at 有)
    refusal(child(c, 1), v.message, v.refusal, v.refusals);
    v.clause = clause;
    m.validations.push_back(std::move(v));
  }
}

// revise_stmt -> '修订' declaration ; replace_stmt -> '替换' measure_stmt
void Converter::revision(const Node& c, ast::Module& m) const {
  const ast::Revision kind = c.is_type<g::replace_stmt>() ? ast::Revision::Replace : ast::Revision::Revise;
  Span at = span_of(c);
  at.end = at.begin;
  const Node& decl = child(c, 0);
  if (decl.is_type<g::clause_revision>()) {
    ast::ClauseDecl cl = clause_head(decl);
    for (std::size_t i = 1; i < decl.children.size(); ++i) clause_text(child(decl, i), cl);
    m.clause_revisions.push_back(std::move(cl));
    return;
  }
  declaration(decl, m, -1);
  auto mark = [&](auto& vec) {
    vec.back().revision = kind;
    vec.back().revision_span = at;
  };
  if (decl.is_type<g::param_stmt>()) mark(m.params);
  else if (decl.is_type<g::fact_stmt>()) mark(m.facts);
  else if (decl.is_type<g::define_stmt>()) mark(m.defines);
  else if (decl.is_type<g::cap_stmt>() || decl.is_type<g::pool_stmt>() || decl.is_type<g::limit_stmt>()) mark(m.limits);
  else if (decl.is_type<g::schedule_stmt>()) mark(m.schedules);
  else if (decl.is_type<g::measure_stmt>()) mark(m.measures);
}

// clause_stmt, clause_revision -> '条款' clause_ref [text] '{' … '}'
ast::ClauseDecl Converter::clause_head(const Node& c) const {
  ast::ClauseDecl cl;
  cl.span = span_of(child(c, 0));
  const std::string_view ref = child(c, 0).string_view();
  cl.ref = std::string(ref.substr(0, ref.find_last_not_of(" \t\r\n") + 1));
  return cl;
}

// The title, 原文 or 责任单位 of a clause; false for any other item.
bool Converter::clause_text(const Node& item, ast::ClauseDecl& cl) const {
  if (item.is_type<g::string_literal>()) cl.title = string_value(item);
  else if (item.is_type<g::original_text>()) cl.text = string_value(child(item, 0));
  else if (item.is_type<g::responsible>()) cl.responsible = string_value(child(item, 0));
  else return false;
  return true;
}

// A module keeps one of each header line; the second one in a file is an
// error here, at the second, as the checker reports one written in two files
// (otherwise the last would silently win).
template <typename T>
void Converter::first_header(const std::optional<ast::Located<T>>& slot, const Span& again, const char* what) const {
  if (slot) throw ConvertError{again, std::string(what) + " 重复声明(已在 " + where(slot->span) + " 声明)"};
}

// statement -> policy_stmt | edition_stmt | status_stmt | base_stmt | period_stmt | rounding_stmt
//            | revise_stmt | replace_stmt | remove_stmt | clause_stmt | declaration
void Converter::statement(const Node& c, ast::Module& m) const {
  auto located_text = [&](auto& slot, const char* what) {
    first_header(slot, span_of(child(c, 0)), what);
    slot = ast::Located<std::string>{string_value(child(c, 0)), span_of(child(c, 0))};
  };
  if (c.is_type<g::policy_stmt>()) located_text(m.policy, "政策");
  else if (c.is_type<g::edition_stmt>()) located_text(m.edition, "版本");
  else if (c.is_type<g::base_stmt>()) located_text(m.base_edition, "基于");
  else if (c.is_type<g::status_value>()) {
    const std::string_view word = c.string_view();
    const auto status = word.rfind("示例", 0) == 0   ? ast::EditionStatus::Illustrative
                        : word.rfind("草案", 0) == 0 ? ast::EditionStatus::Draft
                                                      : ast::EditionStatus::Official;
    first_header(m.status, tight(c), "状态");
    m.status = ast::Located<ast::EditionStatus>{status, tight(c)};
  }
  else if (c.is_type<g::revise_stmt>() || c.is_type<g::replace_stmt>()) revision(c, m);
  else if (c.is_type<g::remove_stmt>()) {
    const std::string_view kind = child(c, 0).string_view();
    ast::Removal r;
    r.kind = kind.rfind("参数", 0) == 0   ? ast::DeclKind::Param
             : kind.rfind("事实", 0) == 0 ? ast::DeclKind::Fact
             : kind.rfind("定义", 0) == 0 ? ast::DeclKind::Define
             : kind.rfind("措施", 0) == 0 ? ast::DeclKind::Measure
             : kind.rfind("累进表", 0) == 0 ? ast::DeclKind::Schedule
                                            : ast::DeclKind::Limit;  // 上限, 资金池, 限额
    r.name = text(child(c, 1));
    r.span = span_of(child(c, 1));
    m.removals.push_back(std::move(r));
  }
  else if (c.is_type<g::period_stmt>()) {
    const Node& from = child(c, 0);
    auto d = parse_date(from.string_view());
    if (!d) throw ConvertError{span_of(from), "没有这一天:" + text(from)};
    first_header(m.effective_from, span_of(from), "施行");
    m.effective_from = ast::Located<std::int32_t>{*d, span_of(from)};
    if (const Node* end = find<g::period_end>(c)) {
      const Node& to = child(*end, 0);
      auto d2 = parse_date(to.string_view());
      if (!d2) throw ConvertError{span_of(to), "没有这一天:" + text(to)};
      m.effective_to = ast::Located<std::int32_t>{*d2, span_of(to)};
    }
  } else if (c.is_type<g::rounding_stmt>()) {
    const Node& mode = child(c, 0);
    first_header(m.rounding, tight(mode), "舍入");
    const std::string word = text(mode);
    ast::RoundingKind k = ast::RoundingKind::HalfUp;
    if (word.rfind("银行家舍入", 0) == 0) k = ast::RoundingKind::HalfEven;
    else if (word.rfind("向下舍入", 0) == 0) k = ast::RoundingKind::Down;
    else if (word.rfind("向上舍入", 0) == 0) k = ast::RoundingKind::Up;
    m.rounding = ast::Located<ast::RoundingKind>{k, tight(mode)};
    m.rounding_step = expr(child(c, 1));
  } else if (c.is_type<g::clause_stmt>()) {
    const int index = static_cast<int>(m.clauses.size());
    m.clauses.push_back(clause_head(c));
    for (std::size_t i = 1; i < c.children.size(); ++i) {
      const Node& item = child(c, i);
      if (item.is_type<g::period_stmt>()) m.clauses[index].in_force = in_force(item, m.clauses[index].in_force, "条款");
      else if (!clause_text(item, m.clauses[index])) declaration(item, m, index);
    }
  } else {
    declaration(c, m, -1);
  }
}

}  // namespace kuan::parse
