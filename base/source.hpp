// Source text and the diagnostics that point into it.
//
// Positions are kept as byte offsets (what PEGTL gives us) and converted to
// 1-based line and *character* columns only when shown, so that Chinese text
// before an error does not shift the column. Carets are drawn by display width
// of grapheme clusters (base/utf8.hpp): a CJK character or an emoji takes two
// terminal columns, a combining mark none.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/limits.hpp"
#include "base/utf8.hpp"

namespace kuan {

class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  struct Location {
    std::size_t line;    // 1-based
    std::size_t column;  // 1-based, in Unicode characters
  };
  Location locate(std::size_t offset) const;
  std::string_view line_text(std::size_t line) const;  // without the newline
  std::size_t line_start(std::size_t line) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

using SourcePtr = std::shared_ptr<const SourceFile>;

// A half-open byte range [begin, end) in one source file.
struct Span {
  const SourceFile* file = nullptr;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  bool valid() const { return file != nullptr; }
};

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  Span span;
  std::string message;
  // Filled from the span when the diagnostic is made, so it survives the source.
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string rendered;  // "file:line:col: error: message\n<line>\n<caret>\n", then the notes'
  // Notes point at other places that explain the diagnostic (e.g. the base
  // edition's rule that a revision broke); each is rendered after it.
  std::vector<Diagnostic> notes;
};

// The source text a span covers (for explanations and listings).
std::string_view span_text(const Span& span);
// "file:line:col" of where a span begins, or "" when it has no file.
std::string position_text(const Span& span);

Diagnostic make_diagnostic(Severity severity, Span span, std::string message);
// Attaches `file:line:col: note: message` (with its line and caret) to `d`.
void add_note(Diagnostic& d, Span span, std::string message);

// Renders the one form every diagnostic takes:
//   file:line:col: error: message
//   <the source line>
//   <spaces>^~~~
// A long line is cut to a window of limits::kExcerptColumns display columns
// either side of the caret, marked with "…"; characters that cannot be shown
// (control characters, bytes that are not UTF-8) are drawn as U+FFFD.
std::string render_diagnostic(const Diagnostic& d);

// Several diagnostics as printed: the first `max_shown`, then a count of the
// rest ("还有 M 处错误未显示"), so a file with thousands of errors does not
// flood the terminal.
// Works on the public API's Diagnostic too (include/kuan/kuan.hpp).
std::string hidden_diagnostics_note(std::size_t errors, std::size_t others);
template <typename D>
std::string render_diagnostics(const std::vector<D>& diagnostics, std::size_t max_shown = limits::kMaxDiagnosticsShown) {
  std::string out;
  std::size_t errors = 0, others = 0;
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    if (i < max_shown) out += diagnostics[i].rendered;
    else (diagnostics[i].severity == decltype(diagnostics[i].severity)::Error ? errors : others) += 1;
  }
  return out + hidden_diagnostics_note(errors, others);
}

// The first reason a rule file's text cannot be read: too large, a line too
// long, a byte that is not UTF-8, a control character. Offset into the text.
// Control characters other than '\n' and '\t' (C0, DEL, C1) as \u{NN}, bytes
// that are not UTF-8 as \xNN: what a diagnostic shows of a file name or a message
// (a SourceFile's name is already so).
std::string terminal_safe(std::string_view text);

struct SourceProblem {
  std::size_t offset;
  std::string message;
};
std::optional<SourceProblem> source_problem(std::string_view text);

// An input value fit to be quoted in a message: control characters (C0, DEL
// and C1 — ESC, BEL, the start of a CSI or OSC sequence) escaped, bytes that are
// not UTF-8 shown as \xNN, cut after `max_chars` characters with "…". The
// façade offers it to the tools as api::printable.
std::string echo(std::string_view value, std::size_t max_chars = limits::kEchoChars);

}  // namespace kuan
