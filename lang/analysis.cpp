#include "lang/analysis.hpp"

#include <memory>
#include <utility>

#include "lang/parser.hpp"

namespace kuan::analysis {
namespace {

void add(std::vector<Symbol>& out, const std::string& name, const Span& span, Kind kind, std::string hover, bool base) {
  if (!span.file) return;
  out.push_back({name, span.file->name(), span.begin, span.end, kind, std::move(hover), base});
}

std::string label_line(const std::string& label) { return label.empty() ? "" : "\n\n标签:" + label; }

void collect(const ast::Module& m, bool base, std::vector<Symbol>& out) {
  const std::string where = base ? "\n\n(基础版本)" : "";
  for (const auto& f : m.facts) {
    add(out, f.name, f.span, Kind::Fact,
        "**事实** " + f.name + ": " + std::string(span_text(f.type_span)) +
            (f.default_value ? " = " + std::string(span_text(f.default_value->span)) : "") + (f.optional ? " 可选" : "") +
            label_line(f.label) + where,
        base);
    for (const auto& v : f.enum_values)
      add(out, v.name, v.span, Kind::EnumValue, "事实 " + f.name + " 的取值 **" + v.name + "**" + where, base);
    // A list's fields are names inside 合计/计数/最大/最小 { … } (they never repeat a declared name).
    for (const auto& field : f.fields)
      add(out, field.name, field.span, Kind::Fact,
          "**字段** " + field.name + ": " + std::string(span_text(field.type_span)) + "(列表 " + f.name + " 的每一项)" + where,
          base);
  }
  for (const auto& p : m.params)
    add(out, p.name, p.span, Kind::Param,
        "**参数** " + p.name + " = " + std::string(span_text(p.value->span)) + label_line(p.label) + where, base);
  for (const auto& d : m.defines)
    add(out, d.name, d.span, Kind::Define, "**定义** " + d.name + " = " + std::string(span_text(d.value->span)) + where,
        base);
  for (const auto& x : m.schedules)
    add(out, x.name, x.span, Kind::Define, "**累进表** " + x.name + "(累进 X 按 " + x.name + ")\n\n" + std::string(span_text(x.table->span)) + where, base);
  for (const auto& c : m.limits) {
    std::string h = "**" + std::string(ast::limit_word(c)) + "** " + c.name;
    if (c.limit) h += " = " + std::string(span_text(c.limit->span));
    if (c.used) h += " 已用 " + std::string(span_text(c.used->span));
    if (c.when) h += " 当 " + std::string(span_text(c.when->span));
    add(out, c.name, c.span, Kind::Limit, h + where, base);
  }
  for (const auto& ms : m.measures) {
    std::string h = "**措施** " + ms.name + (ms.title.empty() ? "" : "「" + ms.title + "」");
    if (ms.clause >= 0 && ms.clause < static_cast<int>(m.clauses.size())) {
      const auto& cl = m.clauses[ms.clause];
      h += "\n\n条款 " + cl.ref + " " + cl.title;
      if (!cl.text.empty()) h += "\n\n原文:" + cl.text;
    }
    add(out, ms.name, ms.span, Kind::Measure, h + where, base);
    // 结果 R = …: a figure of the measure, read by name in its 金额 and later 结果.
    for (const auto& r : ms.results)
      add(out, r.name, r.span, Kind::Define,
          "**结果** " + r.name + " = " + std::string(span_text(r.value->span)) + "(措施 " + ms.name + ")" + where, base);
    for (const auto& c : ms.limits)
      if (c.limit)
        add(out, c.name, c.span, Kind::Limit,
            "**" + std::string(ast::limit_word(c)) + "** " + c.name + " = " + std::string(span_text(c.limit->span)) +
                "(措施 " + ms.name + ")" + where,
            base);
  }
}

}  // namespace

FileSymbols declarations(const std::string& path, std::string text, bool base) {
  FileSymbols out;
  auto parsed = parse_module(std::make_shared<SourceFile>(path, std::move(text)));
  if (!parsed.module) return out;
  out.parsed = true;
  if (parsed.module->edition) out.edition = parsed.module->edition->value;
  if (parsed.module->base_edition) out.base_edition = parsed.module->base_edition->value;
  collect(*parsed.module, base, out.symbols);
  return out;
}

std::vector<OutlineItem> outline(const std::string& path, std::string text) {
  std::vector<OutlineItem> out;
  auto parsed = parse_module(std::make_shared<SourceFile>(path, std::move(text)));
  if (!parsed.module) return out;
  const auto& m = *parsed.module;
  auto symbol = [&](const std::string& name, Kind kind, const Span& span, const std::string& container) {
    out.push_back({name, kind, span.begin, span.end, container});
  };
  for (const auto& c : m.clauses) symbol("条款 " + c.ref + (c.title.empty() ? "" : " " + c.title), Kind::Clause, c.span, "");
  for (const auto& ms : m.measures)
    symbol(ms.name, Kind::Measure, ms.span,
           ms.clause >= 0 && ms.clause < static_cast<int>(m.clauses.size()) ? "条款 " + m.clauses[ms.clause].ref : "");
  for (const auto& p : m.params) symbol(p.name, Kind::Param, p.span, "");
  for (const auto& f : m.facts) symbol(f.name, Kind::Fact, f.span, "");
  for (const auto& d : m.defines) symbol(d.name, Kind::Define, d.span, "");
  for (const auto& c : m.limits) symbol(c.name, Kind::Limit, c.span, "");
  for (const auto& x : m.schedules) symbol(x.name, Kind::Define, x.span, "");
  for (const auto& x : m.examples) symbol("例 " + x.measure + (x.title.empty() ? "" : " " + x.title), Kind::Example, x.span, "");
  for (const auto& p : m.properties)
    symbol("性质 " + p.measure + (p.title.empty() ? "" : " " + p.title), Kind::Property, p.span, "");
  return out;
}

}  // namespace kuan::analysis
