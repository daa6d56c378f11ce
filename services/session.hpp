// The REPL's session: everything `kuan repl` knows and does, apart from the
// terminal. A Session takes one line of input at a time and answers with the
// text to show. Hosts reach it through the façade (include/kuan/session.hpp,
// api/session.cpp); `kuan repl` (tools/repl.cpp, libedit or a pipe) and the
// tests (tests/test_repl.cpp) drive the very same code.
//
// State: the loaded policy and the chosen edition, definitions typed inline
// (the in-memory source "<repl>", rebuilt into the edition together with the
// rule files), the facts set so far (by name, so they survive a rebuild), and
// the last measure result for :explain.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/policy.hpp"

namespace kuan::repl {

// A measure evaluated at the session's facts.
struct MeasureRun {
  std::shared_ptr<const Edition> edition;  // keeps the rules the outcome points into alive
  Outcome outcome;
  Trace trace;
};

// What an entry was, for hosts that want more than the text.
enum class Kind { Nothing, Value, FactSet, Declared, Result, Explanation, Command, Error };

struct Reply {
  std::string out;    // what to print (each line ends with '\n'; may be empty)
  bool ok = true;     // false when the input was a mistake (the error is in `out`)
  bool quit = false;  // :quit
  Kind kind = Kind::Nothing;
  std::shared_ptr<const MeasureRun> run;  // for Result and Explanation
};

// How the edition was chosen, so :reload picks the same one again.
struct Selection {
  std::string version;  // --version / :version V
  std::string as_of;    // --as-of / :as-of D (YYYY-MM-DD)
};

class Session {
 public:
  Session() = default;

  // Loads POLICY (a folder or a .kuan file) and chooses its edition, or, with
  // no policy, starts from an in-memory header so inline definitions work.
  // On failure the reply is not ok and holds the diagnostics; `bad_input`
  // tells a wrong --version/--as-of apart from rule files with errors.
  Reply open(const std::optional<std::string>& policy, const Selection& selection, bool* bad_input = nullptr);

  // One line as typed. While the entry so far is incomplete (the parser is
  // inside an open { … } or 「…」, lang/parser.hpp: input_status) the line is
  // kept and the reply is empty; then the whole entry is handled.
  Reply feed(std::string_view line);

  // Several lines at once (a paste, a script), one reply each, the same
  // replies feed() gives line by line. A run of single-line declarations that
  // each add something new is checked in one rebuild instead of one each, so
  // pasting 10,000 definitions costs linear time: the run is cut before a
  // declaration that names a later one of the run (line by line that would be
  // an error), and a run that fails is halved until the failing lines are
  // defined alone.
  std::vector<Reply> feed_lines(const std::vector<std::string>& lines);

  // Whether `entry` would be handled at once (a command, or input the parser
  // finds complete or wrong) rather than wait for more lines.
  static bool whole(std::string_view entry);

  // True while an entry is continued over several lines (`...` prompt).
  bool pending() const { return !pending_.empty(); }
  // Drops a half-typed multi-line entry (Ctrl-C, :cancel).
  void cancel_pending() { pending_.clear(); }

  // Words for tab completion: measures, facts, parameters, definitions,
  // caps, enumeration values, the language's keywords and the REPL's commands.
  std::vector<std::string> completion_words() const;

  // One line describing what is loaded (for the interactive banner).
  std::string banner() const;

  bool opened() const { return edition_ != nullptr; }
  const Edition& edition() const { return *edition_; }
  const std::string& inline_source() const { return inline_text_; }

 private:
  struct FactSetting {
    std::string name;
    Value value;
    std::string enum_value;  // for enumerations: the value's name (indices may change on rebuild)
  };
  struct Chunk {
    std::string key;  // "参数 X", "措施 Y", …; a later chunk with the same key replaces it
    std::string text;
  };

  bool worth_asking(std::string_view line);
  Reply handle(const std::string& entry);
  Reply command(const std::string& entry);
  Reply define(const std::string& entry);
  struct Addition {
    std::string key, label, name, text;
    bool param = false;
  };
  std::optional<Addition> addition_of(const std::string& line) const;
  void define_together(const std::vector<Addition>& run, std::size_t from, std::size_t to, std::vector<Reply>& replies);
  Reply assign(const std::string& entry, std::size_t eq, int slot);
  Reply expression(const std::string& entry);
  Reply run(const std::string& name, bool explain);

  Reply cmd_help() const;
  Reply cmd_facts() const;
  Reply cmd_clear(const std::string& arg);
  Reply cmd_measures() const;
  Reply cmd_load(const std::string& path);
  Reply cmd_reload();
  // :load and :reload: the policy at `path` read afresh, `selection`'s edition
  // made the base; refused (the rules kept as they are) with `load_failed` or
  // `choose_failed` after the error, else announced with `done`.
  Reply load_base(const std::string& path, const Selection& selection, const char* load_failed,
                  const char* choose_failed, const char* done);
  Reply cmd_version(const std::string& arg);
  Reply cmd_as_of(const std::string& arg);
  Reply cmd_explain(const std::string& arg);
  Reply cmd_defs() const;

  // The base edition with the chunks laid over it → a checked edition; null
  // with the errors in `errors`.
  std::shared_ptr<const Edition> build(const std::vector<Chunk>& chunks, std::string& errors) const;
  // Switches to a new base edition (loaded, reloaded, other version), keeping
  // inline definitions and facts that still fit; notes go to `out`.
  void switch_base(std::shared_ptr<const Policy> policy, std::shared_ptr<const Edition> base, std::string& out);
  // After the edition changed: facts are re-bound by name; those that no
  // longer exist or no longer fit their type are dropped with a note.
  void rebind_facts(std::string& out);
  // The facts set so far, in the slots of the current edition.
  FactValues fact_values() const;
  std::string show(const Value& v, const Type& type) const;

  std::shared_ptr<const Policy> policy_;  // null without POLICY
  std::string policy_path_;
  Selection selection_;
  SourcePtr header_;                        // the in-memory header when there is no policy
  std::shared_ptr<const Edition> base_;     // the edition of policy_ (or of the header) alone
  std::shared_ptr<const Edition> edition_;  // base + inline definitions: what everything uses
  std::vector<Chunk> chunks_;
  std::string inline_text_;
  std::vector<FactSetting> facts_;
  std::shared_ptr<const MeasureRun> last_;
  std::string pending_;
  std::size_t pending_parsed_ = 0;  // the size of pending_ when it was last parsed
  int chunk_counter_ = 0;
};

}  // namespace kuan::repl
