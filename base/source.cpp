#include "base/source.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

namespace kuan {

// The name as every diagnostic, JSON document and binding shows it: a file name
// is bytes on Linux, and one that is not UTF-8 or holds a control character would
// make `check --format json` or /health invalid JSON (or drive a terminal).
SourceFile::SourceFile(std::string name, std::string text) : name_(terminal_safe(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

SourceFile::Location SourceFile::locate(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
  const std::size_t start = line_starts_[line - 1];
  return {line, 1 + count_code_points(std::string_view(text_).substr(start, offset - start))};
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

std::string_view span_text(const Span& span) {
  if (!span.file || span.end < span.begin || span.end > span.file->text().size()) return {};
  return std::string_view(span.file->text()).substr(span.begin, span.end - span.begin);
}

std::string position_text(const Span& span) {
  if (!span.file) return "";
  const auto loc = span.file->locate(span.begin);
  return fmt::format("{}:{}:{}", span.file->name(), loc.line, loc.column);
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

void add_note(Diagnostic& d, Span span, std::string message) {
  Diagnostic note = make_diagnostic(Severity::Note, span, std::move(message));
  d.rendered += note.rendered;
  d.notes.push_back(std::move(note));
}

static const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

namespace {

// A character as an excerpt shows it: one grapheme cluster (a letter with its
// combining marks, an emoji sequence) and the terminal columns it takes.
// Control characters and bytes that are not UTF-8 become U+FFFD (one column),
// so nothing raw reaches the terminal.
struct Shown {
  char32_t c;
  std::size_t width;
};
Shown shown_at(std::string_view line, std::size_t& i) {
  const std::size_t len = utf8_sequence_length(line, i);
  if (len == 0) {
    ++i;
    return {0xFFFD, 1};
  }
  std::size_t j = i;
  const char32_t c = decode_utf8(line, j);
  if (c == '\t') return i += len, Shown{c, 1};
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return i += len, Shown{0xFFFD, 1};  // C0, DEL and C1 (CSI, OSC …)
  const std::size_t end = grapheme_end(line, i);
  const std::size_t width = cluster_width(line.substr(i, end - i));
  i = end;
  return {c, width};
}

// Start of the code point that ends just before `pos` (a lone byte if the
// bytes there are not one well-formed sequence).
std::size_t previous_code_point(std::string_view line, std::size_t pos) {
  std::size_t p = pos - 1;
  while (p > 0 && pos - p < 4 && (static_cast<unsigned char>(line[p]) & 0xC0) == 0x80) --p;
  return utf8_sequence_length(line, p) == pos - p ? p : pos - 1;
}

// Start of the grapheme cluster that ends just before `pos`, looking back a
// bounded number of code points so a window costs the same on any line.
std::size_t previous_char(std::string_view line, std::size_t pos) {
  std::size_t p = previous_code_point(line, pos);
  for (int steps = 0; p > 0 && steps < 32; ++steps) {
    if (utf8_sequence_length(line, p) == 0) break;
    const std::size_t q = previous_code_point(line, p);
    if (utf8_sequence_length(line, q) == 0) break;
    std::size_t iq = q;
    const char32_t before = decode_utf8(line, iq);
    if (before < 0x20 || before == 0x7F || grapheme_end(line, q) <= p) break;
    p = q;
  }
  return p;
}

void append_shown(std::string& out, Shown s, std::string_view line, std::size_t from, std::size_t to) {
  if (s.c == 0xFFFD && !(to - from == 3 && line.compare(from, 3, "\xEF\xBF\xBD") == 0)) out += "\xEF\xBF\xBD";
  else out.append(line.substr(from, to - from));
}

}  // namespace

// Text from input as a terminal may show it: control characters other than
// line breaks and tabs (ESC, BEL, C1 — the start of an escape or OSC sequence)
// written as \u{NN}, so a file name or a value quoted in a message cannot
// drive the terminal.
std::string terminal_safe(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    unsigned char shown = 0;
    if (b >= 0x80) {
      const std::size_t len = utf8_sequence_length(text, i);
      if (len == 0) {  // not UTF-8 (a GBK file name from a zip): as echo shows it
        out += "\\x";
        out += kHex[b >> 4];
        out += kHex[b & 15];
        continue;
      }
      if (b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
        shown = static_cast<unsigned char>(text[++i]);  // C1: U+0080–U+009F (0x9B starts a CSI)
      } else {
        out.append(text.substr(i, len));
        i += len - 1;
        continue;
      }
    } else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) {
      shown = b;
    }
    if (!shown) {
      out += text[i];
      continue;
    }
    out += "\\u{";
    out += kHex[shown >> 4];
    out += kHex[shown & 15];
    out += '}';
  }
  return out;
}

std::string render_diagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.file.empty()) fmt::format_to(std::back_inserter(out), "{}:{}:{}: ", terminal_safe(d.file), d.line, d.column);
  out += severity_word(d.severity);
  out += ": ";
  out += terminal_safe(d.message);
  out += '\n';
  if (!d.span.file) return out;
  const SourceFile& f = *d.span.file;
  const std::string_view line = f.line_text(d.line);
  const std::size_t line_begin = f.line_start(d.line);
  const std::size_t start = std::min<std::size_t>(d.span.begin, line_begin + line.size());
  const std::size_t stop = std::min<std::size_t>(std::max<std::size_t>(d.span.end, start), line_begin + line.size());
  const std::size_t rel_start = start - line_begin, rel_stop = stop - line_begin;

  // The window: up to kExcerptColumns display columns before the caret and as
  // many from it, so a diagnostic costs the same on a line of any length.
  std::size_t from = rel_start, columns = 0;
  while (from > 0) {
    const std::size_t p = previous_char(line, from);
    std::size_t q = p;
    const std::size_t w = shown_at(line, q).width;
    if (columns + w > limits::kExcerptColumns) break;
    columns += w;
    from = p;
  }
  std::size_t to = rel_start;
  columns = 0;
  while (to < line.size()) {
    std::size_t q = to;
    const std::size_t w = shown_at(line, q).width;
    if (columns + w > limits::kExcerptColumns) break;
    columns += w;
    to = q;
  }
  if (from > 0) out += "…";
  for (std::size_t i = from; i < to;) {
    const std::size_t at = i;
    const Shown c = shown_at(line, i);
    append_shown(out, c, line, at, i);
  }
  if (to < line.size()) out += "…";
  out += '\n';

  // Caret: pad by the display width of what precedes the error in the window
  // (tabs kept as tabs so they line up), then ^ under the first character and
  // ~ under the rest of the span on this line, within the window.
  if (from > 0) out += ' ';
  for (std::size_t i = from; i < rel_start;) {
    const Shown c = shown_at(line, i);
    if (c.c == '\t') out += '\t';
    else out.append(c.width, ' ');
  }
  out += '^';
  std::size_t width = 0;
  bool first = true;
  for (std::size_t i = rel_start; i < std::min(rel_stop, to);) {
    const std::size_t w = shown_at(line, i).width;
    width += first ? (w > 0 ? w - 1 : 0) : w;
    first = false;
  }
  if (rel_start < line.size() && first) {
    // Empty span on a character: cover that character.
    std::size_t j = rel_start;
    const std::size_t w = shown_at(line, j).width;
    width = w > 0 ? w - 1 : 0;
  }
  out.append(width, '~');
  out += '\n';
  return out;
}

std::string hidden_diagnostics_note(std::size_t errors, std::size_t others) {
  if (errors && others) return fmt::format("还有 {} 处错误未显示,{} 处警告未显示\n", errors, others);
  if (errors) return fmt::format("还有 {} 处错误未显示\n", errors);
  if (others) return fmt::format("还有 {} 处警告未显示\n", others);
  return "";
}

std::optional<SourceProblem> source_problem(std::string_view text) {
  if (text.size() > limits::kMaxFileBytes)
    return SourceProblem{limits::kMaxFileBytes, fmt::format("规则文件过大:至多 {} 字节(读到此处为止)", limits::kMaxFileBytes)};
  std::size_t line_begin = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (i - line_begin >= limits::kMaxLineBytes && b != '\n' && b != '\r')
      return SourceProblem{i, fmt::format("行过长:每行至多 {} 字节", limits::kMaxLineBytes)};
    if (b == '\n') {
      line_begin = ++i;
      continue;
    }
    if ((b < 0x20 && b != '\t' && b != '\r') || b == 0x7F)
      return SourceProblem{i, fmt::format("规则文件中不能有控制字符 U+{:04X}", b)};
    const std::size_t len = utf8_sequence_length(text, i);
    if (len == 0) return SourceProblem{i, fmt::format("无效的 UTF-8 字节 0x{:02X}(规则文件须为 UTF-8 编码)", b)};
    i += len;
  }
  return std::nullopt;
}

std::string echo(std::string_view value, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < value.size(); ++chars) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    const auto b = static_cast<unsigned char>(value[i]);
    const std::size_t len = utf8_sequence_length(value, i);
    if (len == 0) {
      fmt::format_to(std::back_inserter(out), "\\x{:02X}", b);
      ++i;
    } else if (b == '\n') {
      out += "\\n", ++i;
    } else if (b == '\t') {
      out += "\\t", ++i;
    } else if (b == '\r') {
      out += "\\r", ++i;
    } else if (b < 0x20 || b == 0x7F) {
      fmt::format_to(std::back_inserter(out), "\\u{:04X}", b);
      ++i;
    } else if (b == 0xC2 && static_cast<unsigned char>(value[i + 1]) < 0xA0) {  // C1: U+0080–U+009F (0x9B starts a CSI)
      fmt::format_to(std::back_inserter(out), "\\u{:04X}", static_cast<unsigned char>(value[i + 1]));
      i += 2;
    } else {
      out.append(value.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace kuan
