// kuan fmt [--check] FILE|DIR...|- — rewrite rule files in their canonical layout.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <iterator>

#include <fmt/format.h>

#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/output.hpp"
#include "tools/output_file.hpp"
#include "tools/commands.hpp"

namespace kuan::cli {
namespace {

namespace fs = std::filesystem;

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto nl = s.find('\n');
    out.push_back(s.substr(0, nl == std::string_view::npos ? s.size() : nl + 1));
    s.remove_prefix(out.back().size());
  }
  return out;
}

// `diff -u` of two texts: an edit script from the longest common subsequence of
// lines, after the common head and tail are set aside (a formatted file usually
// differs in a few places). Hunks carry three lines of context.
std::string unified_diff(std::string_view before, std::string_view after, const std::string& name) {
  const auto a = split_lines(before), b = split_lines(after);
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  const std::size_t n = a.size() - head - tail, m = b.size() - head - tail;
  // ops over the whole files: ' ' kept, '-' removed, '+' added.
  std::vector<std::pair<char, std::string_view>> ops;
  for (std::size_t i = 0; i < head; ++i) ops.emplace_back(' ', a[i]);
  if (n * m <= 16'000'000) {
    std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
      for (std::size_t j = m; j-- > 0;)
        lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        ops.emplace_back(' ', a[head + i]);
        ++i, ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.emplace_back('-', a[head + i++]);
      } else {
        ops.emplace_back('+', b[head + j++]);
      }
    }
  } else {  // too large to compare line by line: one replacement
    for (std::size_t i = 0; i < n; ++i) ops.emplace_back('-', a[head + i]);
    for (std::size_t j = 0; j < m; ++j) ops.emplace_back('+', b[head + j]);
  }
  for (std::size_t i = a.size() - tail; i < a.size(); ++i) ops.emplace_back(' ', a[i]);

  const bool relative = !name.empty() && name.front() != '/' && name.front() != '<';
  std::string out = (relative ? "--- a/" : "--- ") + name + (relative ? "\n+++ b/" : "\n+++ ") + name + "\n";
  constexpr std::size_t kContext = 3;
  std::size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].first == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext before this change to kContext after the last change
    // that is no more than 2·kContext unchanged lines further on.
    const std::size_t start = k >= kContext ? k - kContext : 0;
    std::size_t end = k;
    for (std::size_t j = k; j < ops.size(); ++j) {
      if (ops[j].first != ' ') end = j + 1;
      else if (j - end >= 2 * kContext) break;
    }
    end = std::min(ops.size(), end + kContext);
    std::size_t a_line = 1, b_line = 1;
    for (std::size_t j = 0; j < start; ++j) {
      a_line += ops[j].first != '+';
      b_line += ops[j].first != '-';
    }
    std::size_t a_count = 0, b_count = 0;
    for (std::size_t j = start; j < end; ++j) {
      a_count += ops[j].first != '+';
      b_count += ops[j].first != '-';
    }
    fmt::format_to(std::back_inserter(out), "@@ -{},{} +{},{} @@\n", a_count ? a_line : a_line - 1, a_count,
                   b_count ? b_line : b_line - 1, b_count);
    for (std::size_t j = start; j < end; ++j) {
      out += ops[j].first;
      out += ops[j].second;
      if (out.back() != '\n') out += "\n\\ No newline at end of file\n";
    }
    k = end;
  }
  return out;
}

std::vector<std::string> rule_files(const std::string& path, std::string& error) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    if (fs::exists(path, ec)) return {path};
    error = "找不到文件或目录 " + printable(path);
    return {};
  }
  std::vector<std::string> files;
  std::error_code entry_ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const bool rule = it->path().extension() == ".kuan";
    if (it->is_regular_file(entry_ec) && rule) files.push_back(it->path().string());
    // An entry that cannot be looked at (a symlink loop, a dangling link) is no
    // rule file, unless it is named like one: not formatting it is said (as kuan
    // check does; a hidden one, .#a.kuan, is an editor's lock).
    else if (entry_ec && rule && !it->path().filename().string().starts_with('.') && error.empty())
      error = "无法读取 " + printable(it->path().string()) + ":" + entry_ec.message();
  }
  if (ec) error = "无法读取目录 " + printable(path) + ":" + ec.message();
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int cmd_fmt(int argc, char** argv) {
  Args args;
  if (auto done = start_command("fmt", argc, argv, args)) return *done;
  if (args.positional.empty()) {
    std::fputs("kuan fmt: 需要至少一个 FILE 或 DIR(或 - 表示标准输入)\n", stderr);
    return kExitBadInput;
  }
  const bool check = args.has_flag("--check");
  api::FormatOptions options;
  if (const std::string* w = args.option("--width")) {
    char* end = nullptr;
    const long n = std::strtol(w->c_str(), &end, 10);
    if (w->empty() || *end || n < 20 || n > 10000) {
      std::fprintf(stderr, "kuan fmt: --width 须为 20 到 10000 之间的整数:\"%s\"\n", w->c_str());
      return kExitBadInput;
    }
    options.max_width = static_cast<std::size_t>(n);
  }
  int status = kExitOk;
  auto worst = [&status](int s) {
    auto rank = [](int x) { return x == 70 ? 4 : x == kExitCannotWrite ? 3 : x == kExitBadInput ? 2 : x == kExitRuleErrors ? 1 : 0; };
    if (rank(s) > rank(status)) status = s;
  };
  for (const auto& arg : args.positional) {
    std::string error;
    const auto files = arg == "-" ? std::vector<std::string>{"-"} : rule_files(arg, error);
    if (!error.empty()) {  // said, and the rule files that could be found are still formatted
      std::fprintf(stderr, "kuan fmt: %s\n", error.c_str());
      worst(kExitBadInput);
    }
    for (const auto& file : files) {
      auto text = read_input(file, error);
      if (!text) {
        std::fprintf(stderr, "kuan fmt: %s\n", error.c_str());
        worst(kExitBadInput);
        continue;
      }
      const std::string name = file == "-" ? "<stdin>" : file;
      const api::Formatted r = api::format(*text, name, options);
      if (!r.diagnostics.empty()) {
        const std::string shown = api::render_diagnostics(r.diagnostics);
        std::fwrite(shown.data(), 1, shown.size(), stderr);
        worst(kExitBadInput);
        continue;
      }
      if (!r.ok) {
        std::fprintf(stderr, "kuan fmt: 内部错误: %s:%s,文件未改动\n", name.c_str(), r.internal_error.c_str());
        worst(70);
        continue;
      }
      if (check) {
        if (r.text != *text) {
          std::fputs(unified_diff(*text, r.text, name).c_str(), stdout);
          worst(kExitRuleErrors);
        }
      } else if (file == "-") {
        std::fputs(r.text.c_str(), stdout);
      } else if (r.text != *text && !replace_file(file, r.text, OutputFile::Special::Refuse, error)) {
        // Written beside the file and renamed over it: a failed run leaves the rule file as it was.
        std::fprintf(stderr, "kuan fmt: %s\n", error.c_str());
        worst(kExitCannotWrite);
      }
    }
  }
  if (check && status == kExitRuleErrors) std::fputs("kuan fmt: 以上文件未格式化(运行 kuan fmt 改写)\n", stderr);
  return status;
}

}  // namespace kuan::cli
