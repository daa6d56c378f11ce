// Source text and the diagnostics that point into it.
//
// Positions are kept as byte offsets (what PEGTL gives us) and converted to
// 1-based line and *character* columns only when shown, so that Chinese text
// before an error does not shift the column. Carets are drawn by display width:
// a CJK character takes two terminal columns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
  std::string rendered;  // "file:line:col: error: message\n<line>\n<caret>\n"
};

// The source text a span covers (for explanations and listings).
std::string_view span_text(const Span& span);

Diagnostic make_diagnostic(Severity severity, Span span, std::string message);

// Renders the one form every diagnostic takes:
//   file:line:col: error: message
//   <the source line>
//   <spaces>^~~~
std::string render_diagnostic(const Diagnostic& d);

std::size_t display_width(char32_t c);
// Decodes one UTF-8 code point starting at text[i]; advances i. Invalid bytes
// decode as U+FFFD and advance one byte, so callers never loop forever.
char32_t decode_utf8(std::string_view text, std::size_t& i);

}  // namespace kuan
