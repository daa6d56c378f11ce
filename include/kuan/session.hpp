// Kuan (款) — an interactive session, as `kuan repl` runs it.
//
// A Session holds a policy's edition, rules typed inline (参数, 措施, 修订 …,
// laid over the edition in memory), the facts set so far, and the last
// measure result. It takes input a line at a time and answers with the text
// to show:
//
//   #include <kuan/session.hpp>
//
//   kuan::api::Session session;
//   auto opened = session.open({"policies/hangzhou-ai", "2025年版", ""});
//   if (!opened.ok) { std::cerr << opened.text; return 1; }
//   for (const char* line : {"合同金额 = 120万元", "采购类型 = 算力服务", "min(合同金额 × 30%, 800万元)"})
//     std::cout << session.feed(line).text;                             // … 360000元
//
// An entry may run over several lines: while the parser finds it incomplete
// (inside an open { … } or 「…」) feed() keeps the line and answers with
// nothing, and pending() is true. Mistakes come back as text (ok == false),
// positioned like every diagnostic; nothing throws. One Session serves one
// thread at a time. Strings are UTF-8.
//
// This header stands alone: the standard library and <kuan/kuan.hpp>.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kuan/kuan.hpp"

namespace kuan::api {

namespace detail {
struct SessionData;
}  // namespace detail

// Whether text typed at a prompt is a whole entry, by the rule language's grammar.
enum class InputStatus {
  Complete,    // parses (as statements, an expression or NAME = expression)
  Incomplete,  // ends inside an open { … } block or 「…」 / “…” text: read another line
  Invalid,     // has a mistake to report now (feeding it gives the error)
};
KUAN_API InputStatus input_status(std::string_view text);

// What an entry was.
enum class EntryKind {
  Nothing,      // an empty line, or a line kept for a multi-line entry
  Value,        // an expression's value: "360000元"
  FactSet,      // NAME = value
  Declared,     // a declaration typed inline was added or replaced
  Result,       // a measure was evaluated (name alone, or :run)
  Explanation,  // :explain
  Command,      // another :command
  Error,        // a mistake; `text` says what and where
};

struct SessionReply {
  std::string text;  // what to show; every line ends with '\n'; may be empty
  bool ok = true;    // false when the entry was a mistake
  bool quit = false;  // :quit was typed
  EntryKind kind = EntryKind::Nothing;
  // For Result and Explanation: the measure's evaluation (with its explanation
  // for Explanation) at the facts set so far.
  std::optional<Evaluation> evaluation;
  // For open(): why it failed — RuleErrors (the rule files) or InvalidArgument
  // (a wrong version, date, or a version without a policy).
  ErrorCode code = ErrorCode::Ok;
};

struct SessionOptions {
  std::optional<std::string> policy;  // a folder or a .kuan file; none: an empty edition in memory
  std::string version;                // the edition by name ("2025年版"), or
  std::string as_of;                  // the edition in force on YYYY-MM-DD; neither: today's, else the latest.
                                      // It is also the applications' date (施行 on measures and clauses;
                                      // empty: today in China); with `version`, only that; with no policy,
                                      // the date of rules typed inline. `:as-of D` changes it.
};

class KUAN_API Session {
 public:
  Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  // Loads the policy and chooses its edition. The reply's text holds notes
  // (warnings) or, when not ok, the diagnostics or the error.
  SessionReply open(const SessionOptions& options);

  // One line as typed: an expression, NAME = value, a measure's name, a
  // declaration (参数 X = 5%, 措施 Y { … }, 修订 …), or a :command (:help lists them).
  SessionReply feed(std::string_view line);
  // Several lines at once (a paste, a script): one reply per line, the same as
  // feed() line by line, but a run of declarations is checked in one rebuild,
  // so pasting 10,000 definitions takes linear time.
  std::vector<SessionReply> feed_lines(const std::vector<std::string>& lines);

  // True while a multi-line entry is being read.
  bool pending() const noexcept;
  // Drops a half-typed multi-line entry (Ctrl-C).
  void cancel_pending() noexcept;

  // Every word a prompt may complete — the language's keywords, the REPL's
  // commands, and the names the edition declares (facts, parameters,
  // definitions, measures, caps, enumeration values) — sorted; with a prefix,
  // only the words that start with it.
  std::vector<std::string> completions(std::string_view prefix = {}) const;

  // One line describing what is loaded (for an interactive banner).
  std::string banner() const;
  // The rules typed inline so far, as source text.
  std::string inline_source() const;
  // The name of the edition in use.
  std::string edition_name() const;

 private:
  std::unique_ptr<detail::SessionData> d_;
};

}  // namespace kuan::api
