// kuan repl — the terminal around api::Session: libedit line editing, history
// kept across runs, tab completion; or, when stdin is not a terminal, plain
// line-by-line reading with no prompt and no banner, so scripts can drive it.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <langinfo.h>
#include <string>
#include <vector>

#include <editline/readline.h>
#include <fmt/format.h>

#include "kuan/session.hpp"
#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/output.hpp"
#include "tools/commands.hpp"

namespace kuan::cli {

namespace {


api::Session* g_session = nullptr;
volatile std::sig_atomic_t g_interrupted = 0;

void on_sigint(int) { g_interrupted = 1; }

std::string history_path() {
  if (const char* p = std::getenv("KUAN_HISTORY"); p && *p) return p;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.kuan_history";
  return "";
}

// libedit reads the history file whole at the start and rewrites it after each
// entry: a FIFO there would wait for a writer for ever, a device (/dev/zero) or a
// huge file would never end. Only a regular file of a history's size, or none yet.
constexpr off_t kMaxHistoryBytes = 16 << 20;

bool usable_history(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno == ENOENT;
  return S_ISREG(st.st_mode) && st.st_size <= kMaxHistoryBytes;
}

// Tab completion: every name and command that starts with the word typed.
char* complete_word(const char* text, int state) {
  static std::vector<std::string> words;
  static std::size_t next = 0;
  if (state == 0) {
    words.clear();
    next = 0;
    if (g_session) {
      words = g_session->completions(text);
    }
  }
  if (next < words.size()) return strdup(words[next++].c_str());
  return nullptr;
}

void print(const std::string& s, std::FILE* to = stdout) {
  std::fwrite(s.data(), 1, s.size(), to);
  std::fflush(to);
}

// The words in columns, as many as the terminal is wide, each padded by its
// display width (CJK = 2): libedit pads by bytes, so Chinese names would not line up.
std::string in_columns(const std::vector<std::string>& words, std::size_t terminal_width) {
  std::size_t widest = 0;
  std::vector<std::size_t> widths;
  for (const auto& w : words) widest = std::max(widest, widths.emplace_back(api::display_width(w)));
  const std::size_t column = widest + 2;
  const std::size_t columns = std::max<std::size_t>(1, (terminal_width + 2) / column);
  const std::size_t rows = (words.size() + columns - 1) / columns;
  std::string out;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      const std::size_t i = c * rows + r;  // down the columns, as ls does
      if (i >= words.size()) break;
      out += words[i];
      if (c + 1 < columns && i + rows < words.size()) out.append(column - widths[i], ' ');
    }
    out += '\n';
  }
  return out;
}

std::size_t terminal_width() {
  winsize ws{};
  return ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
}

char** complete(const char* text, int, int) {
  rl_attempted_completion_over = 1;  // names only, never file names
  // The first Tab completes what all the words share; a second Tab on the
  // same line lists them — here, aligned by display width, not by libedit.
  static std::string last_line;
  static int last_point = -1;
  const bool again = last_point == rl_point && last_line == rl_line_buffer;
  last_line = rl_line_buffer;
  last_point = rl_point;
  if (again && g_session) {
    const std::vector<std::string> words = g_session->completions(text);
    if (words.size() > 1) {
      print("\n" + in_columns(words, terminal_width()));
      rl_forced_update_display();
      return nullptr;
    }
  }
  return rl_completion_matches(text, complete_word);
}

// libedit handles multibyte input only under a UTF-8 locale; use the user's,
// or C.UTF-8 when theirs is not UTF-8 (rule names are Chinese).
void use_utf8_locale() {
  std::setlocale(LC_CTYPE, "");
  const char* codeset = nl_langinfo(CODESET);
  if (!codeset || std::strcmp(codeset, "UTF-8") != 0) {
    if (!std::setlocale(LC_CTYPE, "C.UTF-8")) std::setlocale(LC_CTYPE, "en_US.UTF-8");
  }
}

constexpr std::size_t kMaxPasteGroup = 100000;  // lines given to the session at once

// Whether the line just read is part of a paste: more input is waiting at
// once (after the first line, within a moment: a terminal delivers a long
// paste in bursts). A line typed by hand is answered without waiting.
bool paste_continues(bool in_paste) {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return poll(&p, 1, in_paste ? 50 : 0) > 0 && (p.revents & POLLIN);
}

int interactive(api::Session& session) {
  use_utf8_locale();
  g_session = &session;
  std::string history = history_path();
  if (!history.empty() && !usable_history(history)) {
    std::fprintf(stderr, "kuan repl: 历史文件 %s 不是普通文件或过大(至多 %lld 字节),本次不读也不写历史\n",
                 printable(history, 400).c_str(), static_cast<long long>(kMaxHistoryBytes));
    history.clear();
  }
  rl_readline_name = "kuan";
  rl_attempted_completion_function = complete;
  // Break words at operators and punctuation too, so `min(合同` completes 合同….
  rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(),+-*/×÷≤≥≠";
  using_history();
  stifle_history(2000);
  if (!history.empty()) read_history(history.c_str());
  // SIGINT (Ctrl-C) abandons the line being typed instead of ending the REPL.
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the read is interrupted and readline returns
  sigaction(SIGINT, &sa, nullptr);

  print(session.banner());
  std::string last_entry;  // a line repeated at once is kept in the history only once
  auto remember = [&](const std::string& line) {
    if (line.find_first_not_of(" \t") == std::string::npos || line == last_entry) return false;
    add_history(line.c_str());
    last_entry = line;
    return true;
  };
  for (bool end = false; !end;) {
    g_interrupted = 0;
    char* raw = readline(session.pending() ? "...   " : "kuan> ");
    if (!raw) {
      if (g_interrupted) {
        session.cancel_pending();
        print("\n");
        continue;
      }
      print("\n");
      break;
    }
    std::vector<std::string> group{raw};
    std::free(raw);
    if (g_interrupted) {
      session.cancel_pending();
      continue;
    }
    bool remembered = remember(group.back());
    // More lines already waiting: a paste. They are read while they keep
    // coming and answered together (feed_lines: the same replies, but a run of
    // definitions is checked in one rebuild, so a paste of 10,000 takes linear
    // time), and the history file is written once for them all.
    while (group.size() < kMaxPasteGroup && paste_continues(group.size() > 1)) {
      raw = readline("kuan> ");
      if (!raw || g_interrupted) {
        end = !raw && !g_interrupted;
        std::free(raw);
        break;
      }
      group.emplace_back(raw);
      std::free(raw);
      remembered = remember(group.back()) || remembered;
    }
    if (g_interrupted) {  // Ctrl-C in the middle of a paste drops it
      session.cancel_pending();
      print("\n");
      continue;
    }
    if (remembered && !history.empty()) write_history(history.c_str());
    for (const api::SessionReply& reply : session.feed_lines(group)) {
      print(reply.text);
      if (reply.quit) {
        end = true;
        break;
      }
    }
  }
  g_session = nullptr;
  return kExitOk;
}

// Input already waiting (a paste, a script, a file): more lines can be read
// without blocking, so they go to the session together.
bool input_waiting() {
  if (std::cin.rdbuf()->in_avail() > 0) return true;
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

int scripted(api::Session& session) {
  // std::cin on its own buffer, so that in_avail() sees the lines it holds.
  std::ios::sync_with_stdio(false);
  bool any_failed = false;
  std::string line;
  std::size_t line_no = 0;
  for (bool end = false; !end && !stdout_failed();) {  // nobody reads the replies any more: stop
    // The lines waiting now, answered together (the same replies as one by one).
    std::vector<std::string> group;
    bool too_long = false;
    do {
      const LineRead got = read_line(std::cin, line, kMaxInputLine);
      if (got == LineRead::End) {
        end = true;
        break;
      }
      if (got == LineRead::TooLong) {  // the input stops here, in bounded memory: /dev/zero must not eat the machine
        too_long = true;
        break;
      }
      group.push_back(line);
    } while (group.size() < kMaxPasteGroup && input_waiting());
    const auto replies = session.feed_lines(group);
    for (const api::SessionReply& reply : replies) {
      ++line_no;
      print(reply.text);
      if (!reply.ok) any_failed = true;
      if (reply.quit) return any_failed ? kExitRuleErrors : kExitOk;
    }
    if (too_long) {
      print(fmt::format("<输入>:{}:{}: error: 输入行过长:每行至多 {} 字节,在此停止读取\n", line_no + 1, kMaxInputLine + 1,
                        kMaxInputLine));
      return kExitBadInput;
    }
  }
  if (session.pending()) {
    print("错误:输入在未闭合的 { 中结束\n");
    any_failed = true;
  }
  return any_failed ? kExitRuleErrors : kExitOk;
}

}  // namespace

int cmd_repl(int argc, char** argv) {
  Args args;
  if (auto done = start_command("repl", argc, argv, args)) return *done;
  if (args.positional.size() > 1) {
    std::fputs("kuan repl: 最多一个 POLICY(见 kuan repl --help)\n", stderr);
    return kExitBadInput;
  }
  api::SessionOptions options;
  if (const std::string* v = args.option("--version")) options.version = *v;
  if (const std::string* d = args.option("--as-of")) options.as_of = *d;
  if (!args.positional.empty()) {
    // A missing policy is a usage error (exit 2), as in every other command; a policy that
    // exists but fails to load is a rule error (exit 1), below.
    if (!policy_exists(args.positional[0], "repl")) return kExitBadInput;
    options.policy = args.positional[0];
  }

  api::Session session;
  const api::SessionReply opened = session.open(options);
  if (!opened.ok) {
    const bool bad_input = opened.code == api::ErrorCode::InvalidArgument;
    std::fputs(bad_input ? "kuan repl: " : "", stderr);
    print(opened.text, stderr);
    return bad_input ? kExitBadInput : kExitRuleErrors;
  }
  print(opened.text, stderr);
  return isatty(STDIN_FILENO) ? interactive(session) : scripted(session);
}

}  // namespace kuan::cli
