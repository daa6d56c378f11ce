// What a name refers to, and which owners may read it.

#include "lang/checker_impl.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace kuan::checking {

Type Checker::name(const ast::Expr& e, Context& ctx, const Type* hint) {
  ExprNote& n = note(e);
  if (const int field = field_index(e.name); field >= 0) {  // inside 合计 L { … } (checker_lists.cpp)
    n.ref = ast::RefKind::Field;
    n.index = field;
    return ed_.lists[static_cast<std::size_t>(rows_.back())].field_types[static_cast<std::size_t>(field)];
  }
  if (ctx.owner == Owner::Property && (e.name == "金额" || e.name == "适用")) {
    const bool amount = e.name == "金额";
    n.ref = amount ? ast::RefKind::MeasureAmount : ast::RefKind::MeasureEligible;
    return amount ? Type::money() : Type::boolean();
  }
  if (ctx.measure && !ctx.measure->results.empty() && result_name(e, ctx, n)) return n.ref == ast::RefKind::MeasureResult ? Type::money() : Type::error();
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
    if (s.kind == ast::RefKind::Fact) fact_used_[s.index] = true;  // misread, not unused
    error(e.span, not_constant(ctx, e.name, s.kind == ast::RefKind::Fact ? "事实" : "定义"));
    return Type::error();
  }
  if ((ctx.owner == Owner::Example || ctx.owner == Owner::Rounding || ctx.owner == Owner::Schedule) && s.kind != ast::RefKind::Param) {
    if (s.kind == ast::RefKind::Fact) fact_used_[s.index] = true;  // misread, not unused
    error(e.span, std::string(ctx.owner == Owner::Schedule ? "累进表 的上界、税率与速算扣除数是常数," : "") +
                      "这里只能使用字面量和参数;" + e.name + " 不是参数");
    return Type::error();
  }
  if (s.kind == ast::RefKind::Fact && ed_.facts[s.index].type.kind == TypeKind::List) {
    fact_used_[s.index] = true;
    error(e.span, e.name + " 是列表,只能在 合计、计数、最大、最小 中使用,如 合计 " + e.name + " { 字段 }");
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

// 结果 R of the measure at hand: readable in 金额, in a later 结果 and in a 性质;
// elsewhere an error that says where it may be read. False: not a 结果's name.
bool Checker::result_name(const ast::Expr& e, Context& ctx, ExprNote& n) {
  const auto& index = result_index(*ctx.measure);
  const auto it = index.find(e.name);
  if (it == index.end()) return false;
  if (it->second < ctx.results_visible) {
    n.ref = ast::RefKind::MeasureResult;
    n.index = static_cast<int>(it->second);
  } else {
    error(e.span, "结果 " + e.name + " 在这里不能引用:结果只能由 金额、写在它后面的 结果 与 性质 读取");
  }
  return true;
}

// The first 结果 of each name (a repeat is an error of its own).
const std::unordered_map<std::string, std::size_t>& Checker::result_index(const ast::MeasureDecl& m) {
  auto [it, fresh] = result_index_.try_emplace(&m);
  if (fresh)
    for (std::size_t k = 0; k < m.results.size(); ++k) it->second.try_emplace(m.results[k].name, k);
  return it->second;
}

std::string Checker::join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "、") + s;
  return out;
}

// A constant — a 参数, or the bound all applications share of a 全部 limit
// (ctx.bound_of) — read `name`, a fact or a definition: each application has its own.
std::string Checker::not_constant(const Context& ctx, const std::string& name, const char* kind) const {
  if (!ctx.bound_of) return "参数只能由字面量和其他参数算出;" + name + " 是" + kind;
  const ast::LimitDecl& l = *ctx.bound_of;
  return fmt::format("{} {} 是全部申请共用的上限,须由字面量和参数算出(写成参数或常数);{} 是{},每份申请各有其值",
                     ast::limit_word(l), l.name, name, kind);
}

}  // namespace kuan::checking
