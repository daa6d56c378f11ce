// Shared pieces of the `kuan` subcommands that use only the public façade
// (include/kuan/): argument parsing, reading input, loading a policy and
// choosing its edition, diagnostics as text or JSON.
#pragma once

#include <cstddef>
#include <cstdio>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kuan/batch.hpp"
#include "kuan/kuan.hpp"

namespace kuan::cli {

// Exit statuses of the `kuan` command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuleErrors = 1;  // the rule files have errors (check, or a policy that fails to load)
inline constexpr int kExitBadInput = 2;    // facts, measure, edition or arguments are wrong

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--version" → "2025年版"
  std::vector<std::string> flags;              // "--explain"
  bool has_flag(const std::string& f) const;
  const std::string* option(const std::string& o) const;
};

// `with_value` lists the options that take a value; anything else starting
// with "-" must be in `flag_names`. `-h` is `--help`, `--edition` is
// `--version` (the edition's name), and `--` ends the options. Returns an
// error message on bad usage.
std::optional<std::string> parse_args(int argc, char** argv, int first, const std::vector<std::string>& with_value,
                                      const std::vector<std::string>& flag_names, Args& out);

// Limits of what the command reads whole (docs/language.md「限制」), applied
// while reading, so /dev/zero or a 20 GB sparse file stops with a positioned
// error in bounded memory: a rule or facts file as the rule loader takes it,
// one line of REPL input (a line within it but longer than a rule file's
// lines may be is the session's error for that line, and the REPL goes on).
inline constexpr std::size_t kMaxInputBytes = std::size_t{16} << 20;  // 16 MiB
inline constexpr std::size_t kMaxInputLine = std::size_t{16} << 20;   // 16 MiB

// The whole of a file, or of standard input for "-", up to `limit` bytes;
// nullopt with `error` set when it cannot be read or is larger
// ("FILE:LINE:COL: error: …" at the first byte past the limit).
std::optional<std::string> read_input(const std::string& path, std::string& error, std::size_t limit = kMaxInputBytes);

// One line (without its '\n') of at most `limit` bytes. A longer one is
// TooLong (`line` empty) as soon as the limit is passed, the rest of it
// unread: input with no line break in sight (/dev/zero) is not waited out.
enum class LineRead { Line, TooLong, End };
LineRead read_line(std::istream& in, std::string& line, std::size_t limit);

// --in-format/--out-format jsonl|csv, else by the file's extension (.csv), else `fallback`.
std::optional<api::BatchFormat> format_of(const Args& args, const char* option, const std::string* path,
                                          api::BatchFormat fallback, std::string& error);

class InputText;
// The format of standard input without --in-format, by its first line: JSONL
// when it starts with '{', CSV when it has a comma, else nullopt with a message
// naming --in-format. For a file (or with --in-format): JSONL, as format_of decides.
std::optional<api::BatchFormat> sniff_format(const Args& args, const std::string& path, const InputText& input,
                                             std::string& error);

// --format json|text (default text); nullopt with a message for anything else.
std::optional<bool> wants_json(const Args& args, std::string& error);

// --in-format/--out-format (`option`) jsonl|csv, else by the file's extension
// (.csv), else `fallback`: true for CSV; nullopt with a message for anything else.
std::optional<bool> wants_csv(const Args& args, const char* option, const std::string* path, bool fallback,
                              std::string& error);

// Loads POLICY (a folder or a .kuan file); prints its diagnostics to stderr
// when it does not load (warnings too) and returns nullopt with `status`
// kExitRuleErrors — or kExitBadInput when POLICY does not exist (a usage error).
std::optional<api::Policy> open_policy(const std::string& path, int& status);
// False, with a message on stderr ("是不是 …?" for a near name beside it), when
// `path` names nothing.
bool policy_exists(const std::string& path, const char* command);

// --version V or --as-of YYYY-MM-DD; when neither, the edition in force today
// (the date in China Standard Time, UTC+8), else the latest.
std::optional<api::Edition> pick_edition(const api::Policy& policy, const Args& args, std::string& error);
// The edition in force today (China Standard Time), else the latest: what a
// run without --version/--as-of uses (kuan eval, kuan serve).
api::Edition default_edition(const api::Policy& policy);

// One edition as `kuan measures --format json` lists it (docs/cli-json.md; kuan serve's /v1/measures).
void append_edition_json(const api::Edition& edition, std::string& out);

// {"severity":"error","file":…,"line":N,"column":N,"message":…[,"notes":[…]]} (docs/cli-json.md)
void append_diagnostic_json(std::string& out, const api::Diagnostic& d);
using api::append_json_string;
// "file:line:col", or "" when the position is not known.
std::string where(const api::Position& at);

int cmd_check(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_test(int argc, char** argv);
int cmd_measures(int argc, char** argv);
int cmd_repl(int argc, char** argv);
int cmd_diff(int argc, char** argv);
int cmd_allocate(int argc, char** argv);
int cmd_fmt(int argc, char** argv);
int cmd_lsp(int argc, char** argv);
int cmd_serve(int argc, char** argv);

}  // namespace kuan::cli
