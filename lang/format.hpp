// `kuan fmt`: the canonical layout of a rule file.
//
// The formatter works on the token stream (the AST has no comments), keeps the
// author's line breaks, comments, and blank-line groups, and changes only white
// space: indentation (2 spaces a block, continuation lines aligned under the
// 若 / 按 / '(' / '=' they continue), one space around operators, 标签 and
// trailing comments aligned in a column within a paragraph, and lines wider than
// the limit wrapped before 否则 / 则, into one 按 branch a line, or before an
// operator (the outermost structure first). Token text is
// never touched, so clause text (原文) stays byte for byte as written. Whatever it
// produces is parsed again and compared with the original's AST; a difference is
// reported as an internal error and nothing is written.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lang/ast.hpp"
#include "base/source.hpp"

namespace kuan {

struct FormatOptions {
  // Display columns (a CJK character counts two). The 标签 and a trailing
  // comment do not count towards the width.
  std::size_t max_width = 120;
};

struct FormatResult {
  bool ok = false;
  std::string text;                      // the formatted file, when ok
  std::vector<Diagnostic> diagnostics;   // syntax errors of the input (not formatted)
  std::string internal_error;            // the formatter would have changed the meaning
};

FormatResult format_source(const SourcePtr& source, const FormatOptions& options = {});

// Every comment of a rule file in order, as written (trailing white space removed):
// what formatting must keep.
std::vector<std::string> comments_of(std::string_view text);

// The name (identifier) around byte `offset` of a rule text, as {begin, end}
// byte offsets; begin == end when there is none.
std::pair<std::size_t, std::size_t> identifier_at(std::string_view text, std::size_t offset);

// The keywords no name may be (and, or, not, true, false included).
std::vector<std::string_view> reserved_words();

// Every name written in a rule text (not keywords, strings or comments), as
// {begin, end} byte offsets.
std::vector<std::pair<std::size_t, std::size_t>> identifier_spans(std::string_view text);

// The AST as text, without positions: two files with the same fingerprint mean
// the same thing.
std::string ast_fingerprint(const ast::Module& module);

}  // namespace kuan
