#include "tools/cli.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "kuan/tooling.hpp"
#include "tools/excel_io.hpp"
#include "tools/output.hpp"

namespace kuan::cli {

bool Args::has_flag(const std::string& f) const { return std::find(flags.begin(), flags.end(), f) != flags.end(); }

const std::string* Args::option(const std::string& o) const {
  auto it = options.find(o);
  return it == options.end() ? nullptr : &it->second;
}

std::optional<std::string> parse_args(int argc, char** argv, int first, const std::vector<std::string>& with_value,
                                      const std::vector<std::string>& flag_names, Args& out) {
  auto known = [](const std::vector<std::string>& names, const std::string& a) {
    return std::find(names.begin(), names.end(), a) != names.end();
  };
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {  // everything after it is positional, even "-x" or "--y"
      for (++i; i < argc; ++i) out.positional.push_back(argv[i]);
      break;
    }
    if (a == "-h" && known(flag_names, "--help")) a = "--help";
    if (a.rfind("--", 0) != 0) {
      if (a.size() > 1 && a[0] == '-') return "未知选项 " + printable(a) + "(以 - 开头的参数请放在 -- 之后)";
      out.positional.push_back(a);
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      inline_value = true;
    }
    // --edition names the edition, as --version does inside subcommands.
    if (a == "--edition" && known(with_value, "--version")) a = "--version";
    if (known(with_value, a)) {
      if (!inline_value) {
        if (i + 1 >= argc) return "选项 " + printable(a) + " 需要一个值";
        value = argv[++i];
      }
      if (out.options.count(a)) return "选项 " + printable(a) + " 重复";
      out.options[a] = value;
    } else if (known(flag_names, a) && !inline_value) {
      out.flags.push_back(a);
    } else {
      std::vector<std::string> known_options = with_value;
      known_options.insert(known_options.end(), flag_names.begin(), flag_names.end());
      return "未知选项 " + printable(a) + api::did_you_mean(a, known_options);
    }
  }
  return std::nullopt;
}

static bool ends_with_csv(const std::string& path) {
  return path.size() >= 4 && (path.compare(path.size() - 4, 4, ".csv") == 0 || path.compare(path.size() - 4, 4, ".CSV") == 0);
}

std::optional<bool> wants_csv(const Args& args, const char* option, const std::string* path, bool fallback,
                              std::string& error) {
  if (const std::string* f = args.option(option)) {
    if (*f == "jsonl" || *f == "json") return false;
    if (*f == "csv") return true;
    error = std::string(option) + " 只能是 jsonl 或 csv,不是 \"" + printable(*f) + "\"";
    return std::nullopt;
  }
  if (path && *path != "-") return ends_with_csv(*path);
  return fallback;
}

std::optional<api::BatchFormat> format_of(const Args& args, const char* option, const std::string* path,
                                          api::BatchFormat fallback, std::string& error) {
  const auto csv = wants_csv(args, option, path, fallback == api::BatchFormat::Csv, error);
  if (!csv) return std::nullopt;
  return *csv ? api::BatchFormat::Csv : api::BatchFormat::Jsonl;
  return fallback;
}

std::optional<api::BatchFormat> sniff_format(const Args& args, const std::string& path, const InputText& input,
                                             std::string& error) {
  if (path != "-" || args.option("--in-format") || input.empty() || input.starts_like_jsonl())
    return api::BatchFormat::Jsonl;
  // A first line that never ends or holds NUL bytes is no header: the JSONL reader places the problem.
  const std::string& first = input.first_line();
  if (first.size() >= 4096 || first.find('\0') != std::string::npos) return api::BatchFormat::Jsonl;
  if (first.find(',') != std::string::npos) return api::BatchFormat::Csv;
  error = "标准输入的第一行既不像 JSONL(每行一个 {…})也不像 CSV 表头(逗号分隔);请用 --in-format jsonl 或 --in-format csv 说明";
  return std::nullopt;
}

std::optional<std::string> read_input(const std::string& path, std::string& error, std::size_t limit) {
  std::ifstream file;
  if (path != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      error = "无法读取文件 " + printable(path) + ":是目录";
      return std::nullopt;
    }
    file.open(path, std::ios::binary);
    if (!file) {
      error = "无法读取文件 " + printable(path);
      return std::nullopt;
    }
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    const auto n = static_cast<std::size_t>(in.gcount());
    if (text.size() + n > limit) {
      text.append(chunk, limit - text.size());
      // Where reading stopped: the line and the character of the first byte past the limit.
      std::size_t line = 1, line_start = 0;
      for (std::size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1)) ++line, line_start = i + 1;
      std::size_t column = 1;
      for (std::size_t i = line_start; i < text.size(); ++i)
        column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
      error = fmt::format("{}:{}:{}: error: 输入过大:至多 {} 字节,在此停止读取", path == "-" ? std::string("<stdin>") : printable(path),
                          line, column, limit);
      return std::nullopt;
    }
    text.append(chunk, n);
  }
  if (in.bad()) {
    error = "读取 " + printable(path) + " 失败";
    return std::nullopt;
  }
  return text;
}

LineRead read_line(std::istream& in, std::string& line, std::size_t limit) {
  line.clear();
  for (std::streambuf* buf = in.rdbuf();;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return line.empty() ? LineRead::End : LineRead::Line;
    }
    if (c == '\n') return LineRead::Line;
    if (line.size() == limit) {
      line.clear();
      return LineRead::TooLong;
    }
    line += static_cast<char>(c);
  }
}

bool policy_exists(const std::string& path, const char* command) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const auto st = fs::status(fs::path(path), ec); fs::exists(st)) {
    if (fs::is_directory(st) || fs::is_regular_file(st)) return true;
    // A FIFO or a device is never opened as rules: it could wait for a writer for ever.
    std::fprintf(stderr, "kuan%s%s: %s 不是政策目录或 .kuan 文件\n", *command ? " " : "", command, printable(path, 400).c_str());
    return false;
  }
  // The nearest name in the folder it would be in, as a whole path.
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::vector<std::string> siblings;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end && siblings.size() < 10000; it.increment(ec))
    siblings.push_back(it->path().filename().string());
  std::string near = api::closest_name(p.filename().string(), siblings);
  if (!near.empty()) near = "(是不是 " + (p.has_parent_path() ? (p.parent_path() / near).string() : near) + "?)";
  std::fprintf(stderr, "kuan%s%s: 找不到政策 %s%s(POLICY 是政策目录或 .kuan 文件)\n", *command ? " " : "", command,
               printable(path, 400).c_str(), printable(near, 400).c_str());
  return false;
}

std::optional<api::Policy> open_policy(const std::string& path, int& status) {
  status = kExitBadInput;
  if (!policy_exists(path, "")) return std::nullopt;
  status = kExitRuleErrors;
  api::LoadResult loaded = api::Policy::load(path);
  if (!loaded) {
    std::string text = loaded.rendered();
    std::fwrite(text.data(), 1, text.size(), stderr);
    return std::nullopt;
  }
  return std::move(*loaded.policy);
}

namespace {
// Today's date in China Standard Time (UTC+8), as YYYY-MM-DD.
std::string china_today() {
  const std::time_t now = std::time(nullptr) + 8 * 3600;
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
}
}  // namespace

std::optional<api::Edition> pick_edition(const api::Policy& policy, const Args& args, std::string& error) {
  const std::string* version = args.option("--version");
  const std::string* as_of = args.option("--as-of");
  // With both, --version names the edition and --as-of is only the applications'
  // date (施行 on a measure or clause; an edition of 状态 示例 is never chosen by date).
  if (version && as_of)
    if (auto on = policy.edition_on(*as_of); !on && on.error().code == api::ErrorCode::InvalidArgument) {
      error = api::bad_date_message("--as-of", "\"" + printable(*as_of) + "\"");
      return std::nullopt;
    }
  if (version || as_of) {
    auto chosen = version ? policy.edition(*version) : policy.edition_on(*as_of);
    if (!chosen) {
      error = chosen.error().code == api::ErrorCode::InvalidArgument
                  ? api::bad_date_message("--as-of", "\"" + printable(*as_of) + "\"")
                  : printable(chosen.error().message, 400);
      return std::nullopt;
    }
    return *chosen;
  }
  return default_edition(policy);
}

api::Edition default_edition(const api::Policy& policy) {
  if (auto today = policy.edition_on(china_today())) return *today;
  return policy.latest();
}

void append_diagnostic_json(std::string& out, const api::Diagnostic& d) {
  out += "{\"severity\":";
  out += d.severity == api::Severity::Error ? "\"error\"" : "\"warning\"";
  out += ",\"file\":";
  append_json_string(out, d.file);
  fmt::format_to(std::back_inserter(out), R"(,"line":{},"column":{},"message":)", d.line, d.column);
  append_json_string(out, d.message);
  if (!d.notes.empty()) {
    out += ",\"notes\":[";
    for (std::size_t i = 0; i < d.notes.size(); ++i) {
      const api::Diagnostic& n = d.notes[i];
      out += i ? ",{\"file\":" : "{\"file\":";
      append_json_string(out, n.file);
      fmt::format_to(std::back_inserter(out), R"(,"line":{},"column":{},"message":)", n.line, n.column);
      append_json_string(out, n.message);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

std::string where(const api::Position& at) {
  if (!at.known()) return "";
  return fmt::format("{}:{}:{}", at.file, at.line, at.column);
}

std::optional<bool> wants_json(const Args& args, std::string& error) {
  const std::string* f = args.option("--format");
  if (!f || *f == "text") return false;
  if (*f == "json") return true;
  error = "--format 须为 json 或 text,而不是 " + printable(*f);
  return std::nullopt;
}

}  // namespace kuan::cli
