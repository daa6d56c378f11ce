#include "lang/source.hpp"

#include <algorithm>

namespace kuan {

SourceFile::SourceFile(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

char32_t decode_utf8(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) -> int {
    if (i + k >= s.size()) return -1;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 < 0x80) { ++i; return b0; }
  if ((b0 & 0xE0) == 0xC0) {
    int c1 = cont(1);
    if (c1 >= 0) { i += 2; return (char32_t(b0 & 0x1F) << 6) | c1; }
  } else if ((b0 & 0xF0) == 0xE0) {
    int c1 = cont(1), c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) { i += 3; return (char32_t(b0 & 0x0F) << 12) | (c1 << 6) | c2; }
  } else if ((b0 & 0xF8) == 0xF0) {
    int c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      i += 4;
      return (char32_t(b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    }
  }
  ++i;
  return 0xFFFD;
}

SourceFile::Location SourceFile::locate(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
  std::size_t i = line_starts_[line - 1];
  std::size_t column = 1;
  while (i < offset) {
    decode_utf8(text_, i);
    ++column;
  }
  return {line, column};
}

std::size_t SourceFile::line_start(std::size_t line) const {
  if (line == 0 || line > line_starts_.size()) return text_.size();
  return line_starts_[line - 1];
}

std::string_view SourceFile::line_text(std::size_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const std::size_t begin = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

std::size_t display_width(char32_t c) {
  if (c == 0) return 0;
  // East Asian Wide and Fullwidth blocks; enough for Chinese text and punctuation.
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
      (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
      (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

std::string_view span_text(const Span& span) {
  if (!span.file || span.end < span.begin || span.end > span.file->text().size()) return {};
  return std::string_view(span.file->text()).substr(span.begin, span.end - span.begin);
}

Diagnostic make_diagnostic(Severity severity, Span span, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.span = span;
  d.message = std::move(message);
  if (span.file) {
    d.file = span.file->name();
    auto loc = span.file->locate(span.begin);
    d.line = loc.line;
    d.column = loc.column;
  }
  d.rendered = render_diagnostic(d);
  return d;
}

static const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

std::string render_diagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.file.empty()) {
    out += d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": ";
  }
  out += severity_word(d.severity);
  out += ": ";
  out += d.message;
  out += '\n';
  if (!d.span.file) return out;
  const SourceFile& f = *d.span.file;
  const std::string_view line = f.line_text(d.line);
  out += line;
  out += '\n';
  // Caret: pad by the display width of what precedes the error on its line (tabs
  // kept as tabs so they line up), then ^ under the first character and ~ under
  // the rest of the span on this line.
  const std::size_t line_begin = f.line_start(d.line);
  const std::size_t start = std::min<std::size_t>(d.span.begin, line_begin + line.size());
  const std::size_t stop = std::min<std::size_t>(std::max<std::size_t>(d.span.end, start), line_begin + line.size());
  std::size_t i = 0;
  const std::size_t rel_start = start - line_begin, rel_stop = stop - line_begin;
  while (i < rel_start) {
    char32_t c = decode_utf8(line, i);
    if (c == '\t') out += '\t';
    else out.append(display_width(c), ' ');
  }
  out += '^';
  std::size_t width = 0;
  bool first = true;
  while (i < rel_stop) {
    std::size_t w = display_width(decode_utf8(line, i));
    width += first ? w - 1 : w;
    first = false;
  }
  if (rel_start < line.size() && first) {
    // Empty span on a character: cover that character.
    std::size_t j = rel_start;
    width = display_width(decode_utf8(line, j)) - 1;
  }
  out.append(width, '~');
  out += '\n';
  return out;
}

}  // namespace kuan
