// kuan diff POLICY A B — what changed between two editions, each change with
// file:line; with --facts/--measure or --batch, the amounts under both.
#include <cstdio>
#include <optional>
#include <sstream>

#include "interpreter/diff.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "base/source.hpp"
#include "tools/cli_internal.hpp"

namespace kuan::cli {

namespace {

std::string line_of(const Span& s) {
  if (!s.file) return "";
  return s.file->name() + ":" + std::to_string(s.file->locate(s.begin).line);
}

void print_changes(const Edition& a, const Edition& b, std::string& out) {
  const auto changes = diff_editions(a, b);
  out += a.name + " → " + b.name + ":" + std::to_string(changes.size()) + " 处变化\n";
  for (const auto& c : changes) {
    const std::string subject = c.what + (c.name.empty() ? "" : " " + c.name);
    switch (c.kind) {
      case EditionChange::Kind::Added:
        out += "+ 新增 " + subject + ":" + c.after + "\n    " + line_of(c.after_at) + "\n";
        break;
      case EditionChange::Kind::Removed:
        out += "- 删除 " + subject + ":" + c.before + "\n    " + line_of(c.before_at) + "\n";
        break;
      case EditionChange::Kind::Changed:
        out += "~ 修改 " + subject + ":" + c.before + " → " + c.after + "\n";
        if (c.before_at.file) out += "    " + a.name + " " + line_of(c.before_at) + "\n";
        if (c.after_at.file) out += "    " + b.name + " " + line_of(c.after_at) + "\n";
        break;
    }
  }
}

// "得 200000.00" / "不适用" / the input problem, for one edition.
struct Side {
  bool ok = false;
  bool eligible = false;
  Decimal amount;
  std::string text;
};

Side evaluate_side(const Edition& ed, const std::string& measure, const std::vector<json::Field>& fields) {
  Side s;
  const MeasureInfo* m = ed.find_measure(measure);
  if (!m) return {false, false, {}, "没有措施 " + echo(measure)};
  auto bound = bind_facts(ed, fields);
  if (auto* msg = std::get_if<std::string>(&bound)) return {false, false, {}, *msg};
  const auto& facts = std::get<FactValues>(bound);
  if (auto missing = missing_required_facts(ed, *m, facts); !missing.empty())
    return {false, false, {}, "缺少必需的事实 " + missing.front()};
  auto r = evaluate_measure(ed, *m, facts);
  if (auto* err = std::get_if<EvalError>(&r)) return {false, false, {}, error_text(*err)};
  const Outcome& o = std::get<Outcome>(r);
  s.ok = true;
  s.eligible = o.eligible;
  s.amount = o.amount;
  s.text = o.eligible ? o.amount.to_string() : o.amount.to_string() + "(不适用:" + o.failed.front()->reason + ")";
  if (o.bound) s.text += "(受限 " + o.bound->name + ")";
  return s;
}

// The comparison goes to stdout; an application that cannot be evaluated under
// an edition (bad facts, a missing fact, an evaluation error) is bad input and
// is reported on stderr instead, like every other input problem.
// `json_id`: for --format json, the application's id (null when it has none) —
// or nullptr for text output.
bool compare_application(const Edition& a, const Edition& b, const std::string& label, const std::string& measure,
                         const std::vector<json::Field>& fields, std::string& out, std::string& errors,
                         const std::optional<std::string>* json_id = nullptr) {
  const Side x = evaluate_side(a, measure, fields), y = evaluate_side(b, measure, fields);
  if (!x.ok || !y.ok) {
    for (const auto& [side, ed] : {std::pair{&x, &a}, std::pair{&y, &b}})
      if (!side->ok) errors += "kuan diff: " + label + echo(measure) + "(" + ed->name + "):" + side->text + "\n";
    return false;
  }
  const Decimal delta = y.amount - x.amount;
  if (json_id) {
    out += out.empty() ? "{\"id\":" : ",{\"id\":";
    if (*json_id) append_json_string(out, **json_id);
    else out += "null";
    out += ",\"measure\":";
    append_json_string(out, measure);
    for (const auto& [key, side] : {std::pair{",\"before\":", &x}, std::pair{",\"after\":", &y}}) {
      out += key;
      out += std::string("{\"eligible\":") + (side->eligible ? "true" : "false") + ",\"amount\":\"" + side->amount.to_string() +
             "\",\"text\":";
      append_json_string(out, side->text);
      out += '}';
    }
    out += ",\"delta\":\"" + delta.to_string() + "\"}";
    return true;
  }
  out += label + measure + ":" + a.name + " " + x.text + " → " + b.name + " " + y.text;
  out += ",差额 " + std::string(delta.sign() > 0 ? "+" : "") + delta.to_string() + "\n";
  return true;
}

const char* kind_name(EditionChange::Kind k) {
  return k == EditionChange::Kind::Added ? "added" : k == EditionChange::Kind::Removed ? "removed" : "changed";
}

// {"from", "to", "changes": [...]} without its closing brace (docs/cli-json.md).
void changes_json(const Edition& a, const Edition& b, std::string& out) {
  out += "{\"from\":";
  append_json_string(out, a.name);
  out += ",\"to\":";
  append_json_string(out, b.name);
  out += ",\"changes\":[";
  bool first = true;
  for (const auto& c : diff_editions(a, b)) {
    out += first ? "{\"kind\":\"" : ",{\"kind\":\"";
    first = false;
    out += std::string(kind_name(c.kind)) + "\",\"what\":";
    append_json_string(out, c.what);
    out += ",\"name\":";
    append_json_string(out, c.name);
    out += ",\"before\":";
    append_json_string(out, c.before);
    out += ",\"after\":";
    append_json_string(out, c.after);
    out += ",\"before_at\":";
    append_json_string(out, line_of(c.before_at));
    out += ",\"after_at\":";
    append_json_string(out, line_of(c.after_at));
    out += '}';
  }
  out += ']';
}

}  // namespace

int cmd_diff(int argc, char** argv) {
  Args args;
  if (auto err = parse_args(argc, argv, 2, {"--facts", "--measure", "--batch", "--format"}, {"--help"}, args)) {
    std::fprintf(stderr, "kuan diff: %s\n", err->c_str());
    return kExitBadInput;
  }
  if (args.has_flag("--help")) {
    std::puts(
        "用法: kuan diff POLICY 版本A 版本B [--facts F.json --measure M | --batch IN.jsonl]\n"
        "列出两个版本之间的变化:参数(旧值 → 新值)、事实、定义、上限、资金池、措施的新增/删除/修改,\n"
        "每项附 文件:行。给出申请时,另列出该申请在两个版本下的金额与差额。\n"
        "--format json 写一个 JSON 对象 {from, to, changes, applications}(格式见 docs/cli-json.md)。\n"
        "退出状态:0 成功;2 输入有误;1 规则文件有错误。");
    return kExitOk;
  }
  if (args.positional.size() != 3) {
    std::fputs("kuan diff: 需要 POLICY 版本A 版本B\n", stderr);
    return kExitBadInput;
  }
  auto policy = load_policy(args.positional[0]);
  if (!policy) return kExitRuleErrors;
  std::string error;
  const Edition* a = policy->edition(args.positional[1], error);
  const Edition* b = a ? policy->edition(args.positional[2], error) : nullptr;
  if (!a || !b) {
    std::fprintf(stderr, "kuan diff: %s\n", error.c_str());
    return kExitBadInput;
  }
  std::string format_error;
  const auto as_json = wants_json(args, format_error);
  if (!as_json) {
    std::fprintf(stderr, "kuan diff: %s\n", format_error.c_str());
    return kExitBadInput;
  }
  std::string out, errors, rows;  // rows: the applications, as JSON
  if (*as_json) changes_json(*a, *b, out);
  else print_changes(*a, *b, out);
  bool all_ok = true;
  if (const std::string* facts_path = args.option("--facts")) {
    const std::string* measure = args.option("--measure");
    if (!measure) {
      std::fputs("kuan diff: --facts 需要同时给出 --measure\n", stderr);
      return kExitBadInput;
    }
    std::string read_error;
    auto text = read_input(*facts_path, read_error);
    if (!text) {
      std::fprintf(stderr, "kuan diff: %s\n", read_error.c_str());
      return kExitBadInput;
    }
    auto parsed = json::parse_facts(*text);
    if (auto* e = std::get_if<json::InputError>(&parsed)) {
      std::fprintf(stderr, "%s:%zu:%zu: error: %s\n", facts_path->c_str(), e->line, e->column, e->message.c_str());
      return kExitBadInput;
    }
    const std::optional<std::string> no_id;
    if (!*as_json) out += "\n按申请比较:\n";
    all_ok = compare_application(*a, *b, "", *measure, std::get<json::FactsObject>(parsed).fields, *as_json ? rows : out,
                                 errors, *as_json ? &no_id : nullptr);
  } else if (const std::string* batch = args.option("--batch")) {
    std::string read_error;
    auto text = read_input(*batch, read_error);
    if (!text) {
      std::fprintf(stderr, "kuan diff: %s\n", read_error.c_str());
      return kExitBadInput;
    }
    if (!*as_json) out += "\n按申请比较:\n";
    std::istringstream lines(*text);
    std::string line;
    for (std::size_t n = 1; std::getline(lines, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto parsed = json::parse_application(line);
      if (auto* e = std::get_if<json::InputError>(&parsed)) {
        errors += *batch + ":" + std::to_string(n) + ":" + std::to_string(e->column) + ": error: " + e->message + "\n";
        all_ok = false;
        continue;
      }
      const auto& app = std::get<json::Application>(parsed);
      const std::string label = (app.has_id ? echo(app.id) : "第 " + std::to_string(n) + " 行") + " ";
      const std::optional<std::string> id = app.has_id ? std::optional<std::string>(app.id) : std::nullopt;
      all_ok = compare_application(*a, *b, label, app.measure, app.facts, *as_json ? rows : out, errors,
                                   *as_json ? &id : nullptr) && all_ok;
    }
  }
  if (*as_json) out += ",\"applications\":[" + rows + "]}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  std::fwrite(errors.data(), 1, errors.size(), stderr);
  return all_ok ? kExitOk : kExitBadInput;
}

}  // namespace kuan::cli
