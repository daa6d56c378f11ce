// kuan diff POLICY A B — what changed between two editions, each change with
// file:line; with --facts/--measure or --batch, the amounts under both.
#include <cstdio>
#include <optional>
#include <string>

#include <iterator>

#include <fmt/format.h>

#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/commands.hpp"
#include "tools/output.hpp"  // printable

namespace kuan::cli {

namespace {

std::string line_of(const api::Position& at) {
  if (!at.known()) return "";
  return fmt::format("{}:{}", at.file, at.line);
}

void print_changes(const api::Edition& a, const api::Edition& b, std::string& out) {
  const auto changes = api::diff(a, b);
  fmt::format_to(std::back_inserter(out), "{} → {}:{} 处变化\n", a.name(), b.name(), changes.size());
  for (const auto& c : changes) {
    const std::string subject = c.what + (c.name.empty() ? "" : " " + c.name);
    switch (c.kind) {
      case api::EditionChange::Kind::Added:
        out += "+ 新增 " + subject + ":" + c.after + "\n    " + line_of(c.after_at) + "\n";
        break;
      case api::EditionChange::Kind::Removed:
        out += "- 删除 " + subject + ":" + c.before + "\n    " + line_of(c.before_at) + "\n";
        break;
      case api::EditionChange::Kind::Changed:
        out += "~ 修改 " + subject + ":" + c.before + " → " + c.after + "\n";
        if (c.before_at.known()) out += "    " + a.name() + " " + line_of(c.before_at) + "\n";
        if (c.after_at.known()) out += "    " + b.name() + " " + line_of(c.after_at) + "\n";
        break;
    }
  }
}

const char* kind_name(api::EditionChange::Kind k) {
  return k == api::EditionChange::Kind::Added ? "added" : k == api::EditionChange::Kind::Removed ? "removed" : "changed";
}

// {"from", "to", "changes": [...]} without its closing brace (docs/cli-json.md).
void changes_json(const api::Edition& a, const api::Edition& b, std::string& out) {
  out += "{\"from\":";
  append_json_string(out, a.name());
  out += ",\"to\":";
  append_json_string(out, b.name());
  out += ",\"changes\":[";
  bool first = true;
  for (const auto& c : api::diff(a, b)) {
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
  if (auto done = start_command("diff", argc, argv, args)) return *done;
  if (args.positional.size() != 3) {
    std::fputs("kuan diff: 需要 POLICY 版本A 版本B\n", stderr);
    return kExitBadInput;
  }
  int open_status = kExitOk;
  auto policy = open_policy(args.positional[0], open_status);
  if (!policy) return open_status;
  auto a = policy->edition(args.positional[1]);
  if (!a) {
    std::fprintf(stderr, "kuan diff: %s\n", a.error().message.c_str());
    return kExitBadInput;
  }
  auto b = policy->edition(args.positional[2]);
  if (!b) {
    std::fprintf(stderr, "kuan diff: %s\n", b.error().message.c_str());
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
    const api::ApplicationsDiff d = api::diff_application(*a, *b, *measure, *text,
                                                          *facts_path == "-" ? std::string("<stdin>") : printable(*facts_path, 400),
                                                          *as_json);
    if (d.bad_input) {
      std::fwrite(d.errors.data(), 1, d.errors.size(), stderr);
      return kExitBadInput;
    }
    if (!*as_json) out += "\n按申请比较:\n";
    (*as_json ? rows : out) += d.rows;
    errors += d.errors;
    all_ok = d.ok;
  } else if (const std::string* batch = args.option("--batch")) {
    std::string read_error;
    auto text = read_input(*batch, read_error);
    if (!text) {
      std::fprintf(stderr, "kuan diff: %s\n", read_error.c_str());
      return kExitBadInput;
    }
    if (!*as_json) out += "\n按申请比较:\n";
    const api::ApplicationsDiff d = api::diff_applications(*a, *b, *text, *batch, *as_json);
    (*as_json ? rows : out) += d.rows;
    errors += d.errors;
    all_ok = d.ok;
  }
  if (*as_json) out += ",\"applications\":[" + rows + "]}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  std::fwrite(errors.data(), 1, errors.size(), stderr);
  return all_ok ? kExitOk : kExitBadInput;
}

}  // namespace kuan::cli
