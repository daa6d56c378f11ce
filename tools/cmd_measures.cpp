// kuan measures POLICY — every clause with what it computes and the facts each
// measure needs (type, default), so a reviewer can see the whole policy at once.
#include <cstdio>

#include "tools/cli.hpp"

namespace kuan::cli {

namespace {

std::string fact_type(const Edition& ed, const FactInfo& f) {
  if (f.type.kind != TypeKind::Enum) return type_name(f.type.kind);
  std::string s = "枚举 {";
  const auto& values = ed.enums[f.type.enum_id].values;
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : " ") + values[i];
  return s + " }";
}

std::string fact_status(const FactInfo& f) {
  if (f.decl->default_value) return "默认 " + std::string(span_text(f.decl->default_value->span));
  if (f.decl->optional) return "可选";
  return "必填";
}

std::string computes(const MeasureInfo& m) {
  const ast::MeasureDecl& d = *m.decl;
  std::string s = d.amount ? "金额 = " + std::string(span_text(d.amount->span))
                           : std::string(span_text(d.base->span)) + " × 比例";
  for (const auto* c : m.caps) s += std::string(";") + (c->stacking ? "叠加上限 " : "上限 ") + c->name;
  if (!d.requirements.empty()) s += ";条件 " + std::to_string(d.requirements.size()) + " 项";
  return s;
}

void list_edition(const Edition& ed, std::string& out) {
  out += ed.policy_name + " " + ed.name;
  if (!ed.official()) out += std::string("(状态 ") + ed.status_name() + ":不是正式文本,不按日期选用,只能用 --version 选用)";
  out += "\n";
  auto measure_lines = [&](const MeasureInfo& m) {
    out += "    措施 " + m.decl->name;
    if (!m.decl->title.empty()) out += "(" + m.decl->title + ")";
    out += ":" + computes(m) + "\n";
    for (int f : m.facts) {
      const FactInfo& info = ed.facts[f];
      out += "      " + info.decl->name + ": " + fact_type(ed, info) + "," + fact_status(info) + "\n";
    }
  };
  for (const auto* clause : ed.clauses) {
    out += "  " + clause->ref + " " + clause->title;
    if (!clause->responsible.empty()) out += "(责任单位:" + clause->responsible + ")";
    out += "\n";
    bool any = false;
    for (const auto& m : ed.measures)
      if (m.clause == clause) measure_lines(m), any = true;
    if (!any) out += "    不涉及资金(无可计算的措施)\n";
  }
  for (const auto& m : ed.measures)
    if (!m.clause) measure_lines(m);
}

}  // namespace

int cmd_measures(int argc, char** argv) {
  Args args;
  if (auto err = parse_args(argc, argv, 2, {"--version", "--as-of"}, {"--help"}, args)) {
    std::fprintf(stderr, "kuan measures: %s\n", err->c_str());
    return kExitBadInput;
  }
  if (args.has_flag("--help")) {
    std::puts(
        "用法: kuan measures POLICY [--version V | --as-of YYYY-MM-DD]\n"
        "按条款列出每项措施:编号、标题、计算方式(或不涉及资金),以及所需事实的类型和默认值。\n"
        "不指定版本时列出全部版本。");
    return kExitOk;
  }
  if (args.positional.size() != 1) {
    std::fputs("kuan measures: 需要恰好一个 POLICY\n", stderr);
    return kExitBadInput;
  }
  auto policy = load_policy(args.positional[0]);
  if (!policy) return kExitRuleErrors;
  std::string out;
  if (args.option("--version") || args.option("--as-of")) {
    std::string error;
    const Edition* ed = choose_edition(*policy, args, error);
    if (!ed) {
      std::fprintf(stderr, "kuan measures: %s\n", error.c_str());
      return kExitBadInput;
    }
    list_edition(*ed, out);
  } else {
    for (const auto& ed : policy->editions()) list_edition(*ed, out);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace kuan::cli
