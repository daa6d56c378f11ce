// 列表 facts: their fields' types, the aggregates that read them (合计 计数 最大
// 最小, filtered by 当) and a list's value in a 例.

#include <fmt/format.h>

#include "lang/checker_impl.hpp"

namespace kuan::checking {

Type Checker::list_type(const ast::FactDecl& f) {
  ListInfo info{&f, {}};
  for (const auto& field : f.fields) {
    for (const auto& earlier : f.fields) {
      if (&earlier == &field) break;
      if (earlier.name == field.name) error(field.span, "列表 " + f.name + " 的字段 " + field.name + " 重复");
    }
    switch (field.kind) {
      case ast::FactKind::Money: info.field_types.push_back(Type::money()); break;
      case ast::FactKind::Rate: info.field_types.push_back(Type::rate()); break;
      case ast::FactKind::Integer: info.field_types.push_back(Type::integer()); break;
      case ast::FactKind::Number: info.field_types.push_back(Type::number()); break;
      case ast::FactKind::Bool: info.field_types.push_back(Type::boolean()); break;
      case ast::FactKind::Date: info.field_types.push_back(Type::date()); break;
      case ast::FactKind::Enum: info.field_types.push_back(enumeration(f.name + "." + field.name, field.enum_values)); break;
      case ast::FactKind::List: info.field_types.push_back(Type::error()); break;  // the grammar has no nested lists
    }
    info.field_types.back().time = field.time;  // 金额/月, 月数
  }
  ed_.lists.push_back(std::move(info));
  return Type::list(static_cast<int>(ed_.lists.size()) - 1);
}

// A field read inside an aggregate would hide a declared name: refused at the field.
void Checker::check_list_fields() {
  for (const auto& l : ed_.lists)
    for (const auto& field : l.decl->fields)
      if (auto it = symbols_.find(field.name); it != symbols_.end())
        error(field.span, "列表 " + l.decl->name + " 的字段 " + field.name + " 与 " + where(it->second.span) +
                              " 声明的名称同名;合计 等 { } 中会分不清,请换一个字段名");
}

// The field of the list item being aggregated over (innermost aggregate), or -1.
int Checker::field_index(const std::string& name) const {
  return rows_.empty() ? -1 : ed_.lists[static_cast<std::size_t>(rows_.back())].field(name);
}

// 合计 L { E 当 C } · 计数 L { 当 C } · 最大 L { E } · 最小 L { E }
Type Checker::aggregate(const ast::Expr& e, Context& ctx) {
  const ast::Expr& subject = *e.args[0];
  const char* word = e.aggregate == ast::AggregateOp::Sum     ? "合计"
                     : e.aggregate == ast::AggregateOp::Count ? "计数"
                     : e.aggregate == ast::AggregateOp::Max   ? "最大"
                                                              : "最小";
  const std::size_t value_at = 1, filter_at = e.has_value ? 2 : 1;
  auto it = symbols_.find(subject.name);
  const bool is_list = it != symbols_.end() && it->second.kind == ast::RefKind::Fact &&
                       ed_.facts[static_cast<std::size_t>(it->second.index)].type.kind == TypeKind::List;
  if (!is_list) {
    // The braces' names are fields of a list there is not: they are not checked.
    if (it == symbols_.end()) undefined(subject);
    else error(subject.span, std::string(word) + " 只能用于列表事实(事实 X: 列表 { … });" + subject.name + " 不是列表");
    if (it != symbols_.end() && it->second.kind == ast::RefKind::Fact) fact_used_[static_cast<std::size_t>(it->second.index)] = true;
    return Type::error();
  }
  if (ctx.owner == Owner::Param || ctx.owner == Owner::Example || ctx.owner == Owner::Rounding) {
    error(subject.span, ctx.bound_of ? not_constant(ctx, subject.name, "事实") : "这里只能使用字面量和参数;" + subject.name + " 是事实");
    return Type::error();
  }
  const int slot = it->second.index;
  const Type list = ed_.facts[static_cast<std::size_t>(slot)].type;
  ExprNote& n = note(subject);
  n.ref = ast::RefKind::Fact;
  n.index = slot;
  n.type = list;
  read_revision(ed_.facts[static_cast<std::size_t>(slot)].decl->revision, it->second.span, "事实", subject.name);
  fact_used_[static_cast<std::size_t>(slot)] = true;
  depend(ctx, fact_base_ + slot);
  rows_.push_back(list.list_id);
  struct Leave {
    std::vector<int>& rows;
    ~Leave() { rows.pop_back(); }
  } leave{rows_};
  Type result = Type::integer();
  if (e.aggregate == ast::AggregateOp::Count) {
    if (e.has_value) error(e.args[value_at]->span, "计数 只数项数:写 计数 " + subject.name + " { 当 条件 },不写要计的值");
  } else if (!e.has_value) {
    error(e.span, std::string(word) + " 需要写出每一项的值:" + word + " " + subject.name + " { 字段或表达式 [当 条件] }");
    result = Type::error();
  }
  if (e.has_value) {
    const Type t = check(*e.args[value_at], ctx);
    const bool ordered = t.is_numeric() || (t.kind == TypeKind::Date && e.aggregate != ast::AggregateOp::Sum);
    if (!t.is_error() && !ordered)
      error(e.args[value_at]->span, std::string(word) + " 的值须为数量" +
                                        (e.aggregate == ast::AggregateOp::Sum ? "" : "或日期") + ",这里是" + describe(t));
    if (e.aggregate != ast::AggregateOp::Count) result = ordered ? t : Type::error();
  }
  if (e.has_filter)
    expect_type(*e.args[filter_at], check(*e.args[filter_at], ctx), Type::boolean(), std::string(word) + " 的条件(当 …)");
  return result;
}

// A list fact's value in a 例: every item gives every field, each of its type.
void Checker::example_list(const ast::ExampleFact& f, const Type& type, Context& ctx) {
  if (type.kind != TypeKind::List) {
    error(f.value_span, "事实 " + f.name + " 不是列表,这里应写一个值,而不是 [ … ]");
    return;
  }
  if (!f.list) {
    error(f.value->span, "事实 " + f.name + " 是列表,写成 [ { 字段: 值, … }, … ](空列表写 [])");
    return;
  }
  const ListInfo& list = ed_.lists[static_cast<std::size_t>(type.list_id)];
  for (std::size_t i = 0; i < f.items.size(); ++i) {
    std::vector<bool> given(list.field_types.size(), false);
    for (const auto& field : f.items[i]) {
      const int k = list.field(field.name);
      if (k < 0) {
        error(field.span, "列表 " + f.name + " 没有字段 " + field.name);
        continue;
      }
      if (given[static_cast<std::size_t>(k)]) error(field.span, "字段 " + field.name + " 在此项中重复");
      given[static_cast<std::size_t>(k)] = true;
      const Type& want = list.field_types[static_cast<std::size_t>(k)];
      expect_type(*field.value, check(*field.value, ctx, &want), want,
                  fmt::format("{} 第 {} 项的 {}", f.name, i + 1, field.name));
    }
    for (std::size_t k = 0; k < given.size(); ++k)
      if (!given[k]) {
        const Span at = f.items[i].empty() ? f.value_span : f.items[i].front().span;
        error(at, fmt::format("{} 第 {} 项缺少字段 {}", f.name, i + 1, list.decl->fields[k].name));
      }
  }
}

}  // namespace kuan::checking
