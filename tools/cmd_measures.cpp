// kuan measures POLICY — every clause with what it computes and the facts each
// measure needs (type, default), so a reviewer can see the whole policy at once.
#include <cstdio>
#include <string>

#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/commands.hpp"

namespace kuan::cli {

namespace {

std::string fact_type(const api::FactInfo& f) {
  if (f.type != api::FactType::Enum) return f.type_name;
  std::string s = "枚举 {";
  for (std::size_t i = 0; i < f.enum_values.size(); ++i) s += (i ? ", " : " ") + f.enum_values[i];
  return s + " }";
}

std::string fact_status(const api::FactInfo& f) {
  if (f.default_text) return "默认 " + *f.default_text;
  if (f.optional) return "可选";
  return "必填";
}

void list_edition(const api::Edition& ed, std::string& out) {
  const api::EditionOutline o = api::outline(ed);
  out += ed.policy_name() + " " + ed.name();
  if (!o.official) out += "(状态 " + o.status + ":不是正式文本,不按日期选用,只能用 --version 选用)";
  out += "\n";
  auto measure_lines = [&](const api::MeasureInfo& m) {
    out += "    措施 " + m.name;
    if (!m.title.empty()) out += "(" + m.title + ")";
    out += ":" + api::measure_computes(ed, m) + "\n";
    for (const auto& info : m.facts) out += "      " + info.name + ": " + fact_type(info) + "," + fact_status(info) + "\n";
  };
  for (const auto& clause : o.clauses) {
    out += "  " + clause.ref + " " + clause.title;
    if (!clause.responsible.empty()) out += "(责任单位:" + clause.responsible + ")";
    out += "\n";
    for (std::size_t i : clause.measures) measure_lines(ed.measures()[i]);
    if (clause.measures.empty()) out += "    不涉及资金(无可计算的措施)\n";
  }
  for (const auto& m : ed.measures())
    if (m.clause.empty()) measure_lines(m);
}

void measure_json(const api::Edition& ed, const api::MeasureInfo& m, std::string& out) {
  out += "{\"name\":";
  append_json_string(out, m.name);
  out += ",\"title\":";
  append_json_string(out, m.title);
  out += ",\"computes\":";
  append_json_string(out, api::measure_computes(ed, m));
  out += ",\"facts\":[";
  for (std::size_t i = 0; i < m.facts.size(); ++i) {
    const api::FactInfo& info = m.facts[i];
    out += i ? ",{\"name\":" : "{\"name\":";
    append_json_string(out, info.name);
    out += ",\"type\":";
    append_json_string(out, fact_type(info));
    out += ",\"requirement\":";
    append_json_string(out, fact_status(info));
    out += '}';
  }
  out += "]}";
}

// One edition as JSON (docs/cli-json.md).
void edition_json(const api::Edition& ed, std::string& out) {
  const api::EditionOutline o = api::outline(ed);
  out += "{\"policy\":";
  append_json_string(out, ed.policy_name());
  out += ",\"edition\":";
  append_json_string(out, ed.name());
  out += ",\"status\":\"" + o.status + "\",\"clauses\":[";
  bool first_clause = true;
  for (const auto& clause : o.clauses) {
    out += first_clause ? "{\"ref\":" : ",{\"ref\":";
    first_clause = false;
    append_json_string(out, clause.ref);
    out += ",\"title\":";
    append_json_string(out, clause.title);
    out += ",\"responsible\":";
    append_json_string(out, clause.responsible);
    out += ",\"measures\":[";
    bool first = true;
    for (std::size_t i : clause.measures) {
      if (!first) out += ',';
      first = false;
      measure_json(ed, ed.measures()[i], out);
    }
    out += "]}";
  }
  out += "],\"other_measures\":[";
  bool first = true;
  for (const auto& m : ed.measures())
    if (m.clause.empty()) {
      if (!first) out += ',';
      first = false;
      measure_json(ed, m, out);
    }
  out += "]}";
}

}  // namespace

void append_edition_json(const api::Edition& edition, std::string& out) { edition_json(edition, out); }

int cmd_measures(int argc, char** argv) {
  Args args;
  if (auto done = start_command("measures", argc, argv, args)) return *done;
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
  int open_status = kExitOk;
  auto policy = open_policy(args.positional[0], open_status);
  if (!policy) return open_status;
  bool listed = false;
  auto list = [&](const api::Edition& ed, std::string& out) {
    if (!*json) return list_edition(ed, out);
    if (listed) out += ',';
    listed = true;
    edition_json(ed, out);
  };
  std::string out = *json ? "{\"editions\":[" : "";
  if (args.option("--version") || args.option("--as-of")) {
    std::string error;
    const auto ed = pick_edition(*policy, args, error);
    if (!ed) {
      std::fprintf(stderr, "kuan measures: %s\n", error.c_str());
      return kExitBadInput;
    }
    list(*ed, out);
  } else {
    for (const auto& ed : policy->editions()) list(ed, out);
  }
  if (*json) out += "]}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace kuan::cli
