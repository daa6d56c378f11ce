// kuan check POLICY... — every error of every rule file, then exit 1 if any.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <iterator>

#include <fmt/format.h>

#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/commands.hpp"
#include "tools/output.hpp"

namespace kuan::cli {

namespace {

// Whether a header line (版本, 基于) starts a line of the file. Only a regular
// file is opened — a FIFO named *.kuan beside the file checked would block the
// open for ever — and at most as much of it as a rule file may hold (16 MiB):
// a 20 GB sparse sibling is not read to its end nor held as one line.
bool states(const std::filesystem::path& file, const char* keyword) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return false;
  std::ifstream in(file, std::ios::binary);
  std::string text(api::kMaxRuleFileBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  const std::string_view all(text), word(keyword);
  for (std::size_t start = 0; start < all.size();) {
    const std::size_t end = std::min(all.find('\n', start), all.size());
    const std::string_view line = all.substr(start, end - start);
    const std::size_t at = line.find_first_not_of(" \t");
    if (at != std::string_view::npos && line.substr(at, word.size()) == word) return true;
    start = end + 1;
  }
  return false;
}

bool has_rule_files(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".kuan") return true;
  return false;
}

// A rule file that is one part of an edition (no 版本 line of its own, which
// one other file of its folder has) is checked with the rest of its edition
// folder; one based on another edition (基于), within the policy folder
// around it, so that the base is found. Any other file is checked alone.
std::string scope_of(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  if (!fs::is_regular_file(p, ec)) return path;
  const bool own_edition = states(p, "版本");
  const fs::path edition = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (own_edition && !states(p, "基于")) return path;
  if (!own_edition) {
    int headers = 0;  // an edition folder has exactly one file with the header
    for (const auto& e : fs::directory_iterator(edition, ec))
      if (e.path().extension() == ".kuan" && e.path() != p && states(e.path(), "版本")) ++headers;
    if (headers != 1) return path;
  }
  const fs::path policy = edition.has_parent_path() ? edition.parent_path() : fs::path("..");
  if (!has_rule_files(policy))
    for (const auto& e : fs::directory_iterator(policy, ec))
      if (e.is_directory(ec) && e.path() != edition && has_rule_files(e.path())) return policy.string();
  return own_edition ? path : edition.string();
}

}  // namespace

int cmd_check(int argc, char** argv) {
  Args args;
  if (auto done = start_command("check", argc, argv, args)) return *done;
  if (args.positional.empty()) {
    std::fputs("kuan check: 需要至少一个 POLICY(政策目录或 .kuan 文件)\n", stderr);
    return kExitBadInput;
  }
  std::string error;
  const auto json = wants_json(args, error);
  if (!json) {
    std::fprintf(stderr, "kuan check: %s\n", error.c_str());
    return kExitBadInput;
  }
  for (const auto& given : args.positional)
    if (!policy_exists(given, "check")) return kExitBadInput;
  int errors = 0, warnings = 0;
  std::string diagnostics_json, editions_json;
  for (const auto& given : args.positional) {
    const std::string path = scope_of(given);
    if (path != given && !*json)
      std::fprintf(stderr, "kuan check: %s 属于一个版本,按其所在的目录 %s 检查\n", printable(given).c_str(),
                   printable(path).c_str());
    const api::LoadResult loaded = api::Policy::load(path);
    for (const auto& d : loaded.diagnostics) {
      (d.severity == api::Severity::Error ? errors : warnings) += 1;
      if (*json) {
        if (!diagnostics_json.empty()) diagnostics_json += ',';
        append_diagnostic_json(diagnostics_json, d);
      }
    }
    if (!*json) {
      const std::string text = api::render_diagnostics(loaded.diagnostics);
      std::fwrite(text.data(), 1, text.size(), stderr);
    }
    if (!loaded.policy) continue;
    for (const auto& e : loaded.policy->editions()) {
      const api::EditionOutline o = api::outline(e);
      if (*json) {
        editions_json += editions_json.empty() ? "{\"policy\":" : ",{\"policy\":";
        append_json_string(editions_json, path);
        editions_json += ",\"edition\":";
        append_json_string(editions_json, e.name());
        fmt::format_to(std::back_inserter(editions_json),
                       R"(,"status":"{}","effective_from":"{}","measures":{},"facts":{},"params":{},"examples":{}}})",
                       o.status, e.effective_from(), e.measures().size(), e.facts().size(), o.params, o.examples);
      } else if (!args.has_flag("--quiet")) {
        std::printf("%s: %s 通过检查(%zu 项措施,%zu 个事实,%zu 个参数)", path.c_str(), e.name().c_str(),
                    e.measures().size(), e.facts().size(), o.params);
        if (!o.official) std::printf(";状态 %s:不是正式文本,不按日期选用", o.status.c_str());
        std::putchar('\n');
      }
    }
  }
  if (*json) {
    std::printf("{\"ok\":%s,\"errors\":%d,\"warnings\":%d,\"diagnostics\":[%s],\"editions\":[%s]}\n",
                errors ? "false" : "true", errors, warnings, diagnostics_json.c_str(), editions_json.c_str());
  } else if (errors) {
    std::fprintf(stderr, "%d 个错误,%d 个警告\n", errors, warnings);
  }
  return errors ? kExitRuleErrors : kExitOk;
}

}  // namespace kuan::cli
