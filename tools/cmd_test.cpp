// kuan test POLICY — runs every 例 of a policy folder (or one file) and ends
// with "N passed, M failed"; exit 1 if any failed.
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "kuan/testing.hpp"
#include "tools/cli.hpp"
#include "tools/commands.hpp"

namespace kuan::cli {

namespace {

const char* const kUnmetCondition = "没有一份生成的申请满足它的条件,未能检查(可增大 --count,或放宽 当 的条件)";

// One result of --properties as a line (and, when it failed, the 例 to paste);
// passes and what was not checked only with --verbose, except a 性质 the
// author expects checked.
std::string property_text(const api::PropertyResult& p, bool verbose) {
  auto line = [&](const char* kind, const std::string& rest) {
    return where(p.where) + ": " + kind + ": " + p.edition + " 措施 " + p.measure + rest + "\n";
  };
  const std::string named = " 性质「" + p.property + "」";
  switch (p.status) {
    case api::PropertyStatus::Note: return line("注", ":" + p.detail);
    case api::PropertyStatus::Failed: return line("失败", named + ":" + p.detail) + p.counterexample;
    case api::PropertyStatus::Passed:
      return verbose ? line("ok", fmt::format("{}({} 份申请)", named, p.checked)) : "";
    case api::PropertyStatus::Unchecked:
      if (p.authored) return line("注", named + ":" + kUnmetCondition);
      return verbose ? line("跳过", named + ":没有适用的申请") : "";
  }
  return "";
}

// What kuan_main.cpp does with an exception that escaped a command.
int internal_error(const api::Error& e) {
  std::fprintf(stderr, "kuan: %s\n", e.message.c_str());
  return 70;
}

}  // namespace

int cmd_test(int argc, char** argv) {
  Args args;
  if (auto done = start_command("test", argc, argv, args)) return *done;
  if (args.positional.size() != 1) {
    std::fputs("kuan test: 需要恰好一个 POLICY\n", stderr);
    return kExitBadInput;
  }
  std::string error;
  const auto json = wants_json(args, error);
  if (!json) {
    std::fprintf(stderr, "kuan test: %s\n", error.c_str());
    return kExitBadInput;
  }
  api::PropertyOptions props;
  if (args.has_flag("--properties")) {
    if (*json) {
      std::fputs("kuan test: --properties 只有文本输出\n", stderr);
      return kExitBadInput;
    }
    auto number = [&](const char* name, std::uint64_t max, std::uint64_t& to) {
      const std::string* v = args.option(name);
      if (!v) return true;
      std::uint64_t n = 0;
      if (v->empty() || v->size() > 18 || v->find_first_not_of("0123456789") != std::string::npos ||
          (n = std::stoull(*v)) > max) {
        std::fprintf(stderr, "kuan test: %s 需要不大于 %llu 的非负整数,而不是「%s」\n", name,
                     static_cast<unsigned long long>(max), v->c_str());
        return false;
      }
      to = n;
      return true;
    };
    std::uint64_t count = static_cast<std::uint64_t>(props.count);
    if (!number("--seed", ~0ull >> 1, props.seed) || !number("--count", 1000000, count)) return kExitBadInput;
    props.count = static_cast<int>(count);
  } else if (args.option("--seed") || args.option("--count")) {
    std::fputs("kuan test: --seed 与 --count 只用于 --properties\n", stderr);
    return kExitBadInput;
  }
  int open_status = kExitOk;
  auto policy = open_policy(args.positional[0], open_status);
  if (!policy) return open_status;
  const std::string* version = args.option("--version");
  const bool verbose = args.has_flag("--verbose");
  if (args.has_flag("--properties")) {
    int passed = 0, failed = 0;
    for (const auto& ed : policy->editions()) {
      if (version && ed.name() != *version) continue;
      auto results = api::check_properties(ed, props);
      if (!results) return internal_error(results.error());
      std::string out;
      for (const auto& p : *results) {
        out += property_text(p, verbose);
        if (p.status == api::PropertyStatus::Passed) ++passed;
        if (p.status == api::PropertyStatus::Failed) ++failed;
      }
      std::fputs(out.c_str(), stdout);
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed ? kExitRuleErrors : kExitOk;
  }
  int passed = 0, failed = 0;
  std::string rows;
  auto row = [&](const api::ExampleResult& x) {
    rows += rows.empty() ? "{\"edition\":" : ",{\"edition\":";
    append_json_string(rows, x.edition);
    rows += ",\"measure\":";
    append_json_string(rows, x.measure);
    rows += ",\"title\":";
    append_json_string(rows, x.title);
    rows += ",\"file\":";
    append_json_string(rows, x.where.file);
    fmt::format_to(std::back_inserter(rows), ",\"line\":{},\"column\":{}", x.where.line, x.where.column);
    rows += std::string(",\"passed\":") + (x.passed ? "true" : "false") + ",\"detail\":";
    append_json_string(rows, x.passed ? "" : x.detail);
    rows += '}';
  };
  for (const auto& ed : policy->editions()) {
    if (version && ed.name() != *version) continue;
    auto results = api::run_examples(ed);
    if (!results) return internal_error(results.error());
    for (const auto& x : *results) {
      ++(x.passed ? passed : failed);
      if (*json) {
        row(x);
      } else if (x.passed) {
        if (verbose)
          std::printf("%s: ok: %s %s %s\n", where(x.where).c_str(), x.edition.c_str(), x.measure.c_str(), x.title.c_str());
      } else {
        std::printf("%s: 失败: %s 例 %s「%s」:%s\n", where(x.where).c_str(), x.edition.c_str(), x.measure.c_str(),
                    x.title.c_str(), x.detail.c_str());
      }
    }
  }
  if (*json) std::printf("{\"passed\":%d,\"failed\":%d,\"examples\":[%s]}\n", passed, failed, rows.c_str());
  else std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? kExitRuleErrors : kExitOk;
}

}  // namespace kuan::cli
