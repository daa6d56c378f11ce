// The `kuan` command's vocabulary in one table: every subcommand with its
// summary, its help text and its options. `kuan --help`, `kuan help CMD`,
// option parsing, "是不是 …?" for a misspelt command or option, the shell
// completions and the man page (kuan.1) are all read from it, so a new
// subcommand appears in every one of them once it has its row here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/cli.hpp"

namespace kuan::cli {

// What an option's value (or a positional argument) is, for completion.
enum class ValueKind {
  None,     // a flag
  File,     // a path
  Folder,   // a policy folder or .kuan file
  Edition,  // an edition's name, from the policy folder
  Measure,  // a measure's name, from the policy folder
  Date,     // YYYY-MM-DD
  Choice,   // one of Option::choices
  Text,     // anything (a number, a name)
};

struct Option {
  std::string_view name;  // "--version"
  ValueKind value = ValueKind::None;
  std::string_view choices = {};  // for Choice: "json text"
};

struct Command {
  std::string_view name;
  std::string_view synopsis;  // after the name in the overview: "POLICY ..."
  std::string_view summary;   // one line in the overview
  std::string_view help;      // the whole of `kuan help NAME`
  std::vector<Option> options;  // --help is implied
  ValueKind positional = ValueKind::None;
  int (*run)(int argc, char** argv) = nullptr;
  bool listed = true;  // in the overview (not `version`, `help`)
};

// Every subcommand, in the overview's order.
const std::vector<Command>& commands();
const Command* find_command(std::string_view name);
std::vector<std::string> command_names();

// `kuan --help`: the overview.
std::string overview();

// Parses a subcommand's arguments with its options from the table. Returns an
// exit status when the command is finished: its help was asked for (printed,
// 0), or the arguments are wrong (a message with "是不是 …?" on stderr, 2).
std::optional<int> start_command(std::string_view name, int argc, char** argv, Args& args);

// The generated texts (tools/completion.cpp, tools/man_page.cpp).
std::string completion_script(std::string_view shell);  // "" for an unknown shell
std::string man_page(std::string_view version);

int cmd_help(int argc, char** argv);
int cmd_completion(int argc, char** argv);
int cmd_version(int argc, char** argv);

}  // namespace kuan::cli
