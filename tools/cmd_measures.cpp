// kuan measures POLICY — every clause with what it computes and the facts each
// measure needs (type, default), so a reviewer can see the whole policy at once.
#include <cstdio>

#include "tools/cli_internal.hpp"

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
  if (!m.requirements.empty()) s += ";条件 " + std::to_string(m.requirements.size()) + " 项";
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

void measure_json(const Edition& ed, const MeasureInfo& m, std::string& out) {
  out += "{\"name\":";
  append_json_string(out, m.decl->name);
  out += ",\"title\":";
  append_json_string(out, m.decl->title);
  out += ",\"computes\":";
  append_json_string(out, computes(m));
  out += ",\"facts\":[";
  for (std::size_t i = 0; i < m.facts.size(); ++i) {
    const FactInfo& info = ed.facts[m.facts[i]];
    out += i ? ",{\"name\":" : "{\"name\":";
    append_json_string(out, info.decl->name);
    out += ",\"type\":";
    append_json_string(out, fact_type(ed, info));
    out += ",\"requirement\":";
    append_json_string(out, fact_status(info));
    out += '}';
  }
  out += "]}";
}

// One edition as JSON (docs/cli-json.md).
void edition_json(const Edition& ed, std::string& out) {
  out += "{\"policy\":";
  append_json_string(out, ed.policy_name);
  out += ",\"edition\":";
  append_json_string(out, ed.name);
  out += std::string(",\"status\":\"") + ed.status_name() + "\",\"clauses\":[";
  bool first_clause = true;
  for (const auto* clause : ed.clauses) {
    out += first_clause ? "{\"ref\":" : ",{\"ref\":";
    first_clause = false;
    append_json_string(out, clause->ref);
    out += ",\"title\":";
    append_json_string(out, clause->title);
    out += ",\"responsible\":";
    append_json_string(out, clause->responsible);
    out += ",\"measures\":[";
    bool first = true;
    for (const auto& m : ed.measures)
      if (m.clause == clause) {
        if (!first) out += ',';
        first = false;
        measure_json(ed, m, out);
      }
    out += "]}";
  }
  out += "],\"other_measures\":[";
  bool first = true;
  for (const auto& m : ed.measures)
    if (!m.clause) {
      if (!first) out += ',';
      first = false;
      measure_json(ed, m, out);
    }
  out += "]}";
}

}  // namespace

int cmd_measures(int argc, char** argv) {
  Args args;
  if (auto err = parse_args(argc, argv, 2, {"--version", "--as-of", "--format"}, {"--help"}, args)) {
    std::fprintf(stderr, "kuan measures: %s\n", err->c_str());
    return kExitBadInput;
  }
  if (args.has_flag("--help")) {
    std::puts(
        "用法: kuan measures POLICY [--version V | --as-of YYYY-MM-DD]\n"
        "按条款列出每项措施:编号、标题、计算方式(或不涉及资金),以及所需事实的类型和默认值。\n"
        "不指定版本时列出全部版本。\n"
        "  --format json   写一个 JSON 对象 {\"editions\": [...]}(格式见 docs/cli-json.md)");
    return kExitOk;
  }
  if (args.positional.size() != 1) {
    std::fputs("kuan measures: 需要恰好一个 POLICY\n", stderr);
    return kExitBadInput;
  }
  std::string format_error;
  const auto json = wants_json(args, format_error);
  if (!json) {
    std::fprintf(stderr, "kuan measures: %s\n", format_error.c_str());
    return kExitBadInput;
  }
  auto policy = load_policy(args.positional[0]);
  if (!policy) return kExitRuleErrors;
  bool listed = false;
  auto list = [&](const Edition& ed, std::string& out) {
    if (!*json) return list_edition(ed, out);
    if (listed) out += ',';
    listed = true;
    edition_json(ed, out);
  };
  std::string out = *json ? "{\"editions\":[" : "";
  if (args.option("--version") || args.option("--as-of")) {
    std::string error;
    const Edition* ed = choose_edition(*policy, args, error);
    if (!ed) {
      std::fprintf(stderr, "kuan measures: %s\n", error.c_str());
      return kExitBadInput;
    }
    list(*ed, out);
  } else {
    for (const auto& ed : policy->editions()) list(*ed, out);
  }
  if (*json) out += "]}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace kuan::cli
