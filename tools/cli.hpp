// Shared pieces of the `kuan` subcommands: argument parsing, loading a policy
// and choosing its edition, and writing results as JSON or text.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/json_string.hpp"
#include "interpreter/allocate.hpp"
#include "interpreter/evaluator.hpp"
#include "interpreter/policy.hpp"

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

void print_diagnostics(const std::vector<Diagnostic>& diagnostics, std::FILE* to);

// --in-format/--out-format jsonl|csv, else by the file's extension (.csv), else `fallback`.
std::optional<BatchFormat> format_of(const Args& args, const char* option, const std::string* path, BatchFormat fallback,
                                     std::string& error);

// Loads POLICY; prints diagnostics to stderr; null on failure.
std::shared_ptr<const Policy> load_policy(const std::string& path);

// --version V or --as-of YYYY-MM-DD; when neither, the official edition in force
// today (the date in China Standard Time, UTC+8).
const Edition* choose_edition(const Policy& policy, const Args& args, std::string& error);

// The whole of a file, or of standard input for "-"; nullopt with `error` set
// when it cannot be read.
std::optional<std::string> read_input(const std::string& path, std::string& error);

using ::kuan::append_json_string;  // base/json_string.hpp
// {"severity":"error","file":…,"line":N,"column":N,"message":…} (docs/cli-json.md)
void append_diagnostic_json(std::string& out, const Diagnostic& d);
// --format json|text (default text); nullopt with a message for anything else.
std::optional<bool> wants_json(const Args& args, std::string& error);
std::string where(const Span& span);  // "file:line:col" or ""

// One result as the spec's JSON object (without a trailing newline). `id` is
// written first when given.
void append_result_json(std::string& out, const Edition& edition, const Outcome& outcome, const std::string* id,
                        const Trace* trace);
void append_result_text(std::string& out, const Edition& edition, const Outcome& outcome, const Trace* trace);

// The explanation tree of one result (issue: explanations), in both forms.
void append_explanation_text(std::string& out, const Edition& edition, const Outcome& outcome, const Trace& trace);
void append_explanation_json(std::string& out, const Edition& edition, const Outcome& outcome, const Trace& trace);

std::string error_text(const EvalError& e);

// One JSONL line of `kuan eval --batch` appended to `out` as the command writes
// it (a result, or {"line","code","error"}), with '\n'; false for a bad line.
// `policy` serves a line's own "as_of". The Python module (kuan.dask) uses it.
bool eval_batch_jsonl_line(const Policy& policy, const Edition& edition, std::string_view line, std::size_t line_no,
                           bool explain, bool pass_through, std::string& out);

int cmd_check(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_test(int argc, char** argv);
int cmd_measures(int argc, char** argv);
int cmd_repl(int argc, char** argv);
int cmd_diff(int argc, char** argv);
int cmd_allocate(int argc, char** argv);
int cmd_fmt(int argc, char** argv);
int cmd_lsp(int argc, char** argv);

}  // namespace kuan::cli
