// Pieces of `kuan repl` that hold no session state, kept apart from
// tools/repl_session.cpp: reading what was typed (white space, keywords,
// braces that continue a line) and rebuilding an edition from fresh syntax
// trees with the REPL's inline source laid over it. Header-only, so the
// session compiles into the unit tests without the terminal code.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/policy.hpp"
#include "lang/checker.hpp"
#include "lang/parser.hpp"
#include "lang/revisions.hpp"

namespace kuan::repl {

// ---------------------------------------------------------------- reading input

// White space at s[i] (ASCII or the ideographic space U+3000); its length in `len`.
inline bool is_space_at(std::string_view s, std::size_t i, std::size_t* len) {
  if (i >= s.size()) return false;
  const char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    *len = 1;
    return true;
  }
  if (s.compare(i, 3, "\u3000") == 0) {  // ideographic space
    *len = 3;
    return true;
  }
  return false;
}

inline std::string trim(std::string_view s) {
  std::size_t b = 0, len = 0;
  while (is_space_at(s, b, &len)) b += len;
  std::size_t e = s.size();
  while (e > b) {
    if (std::string_view(" \t\n\r\f\v").find(s[e - 1]) != std::string_view::npos) --e;
    else if (e - b >= 3 && s.compare(e - 3, 3, "\u3000") == 0) e -= 3;
    else break;
  }
  return std::string(s.substr(b, e - b));
}

// `s` starts with the keyword `kw` as a whole word (条款 (一), 例 算力券 …).
inline bool starts_with_keyword(std::string_view s, std::string_view kw) {
  if (s.compare(0, kw.size(), kw) != 0) return false;
  if (s.size() == kw.size()) return true;
  std::size_t len = 0;
  if (is_space_at(s, kw.size(), &len)) return true;
  const std::string_view rest = s.substr(kw.size());
  return rest[0] == '(' || rest[0] == '"' || rest[0] == '{' || rest.rfind("「", 0) == 0 || rest.rfind("\uFF08", 0) == 0;
}

// The next word after position `i`: up to white space or punctuation that ends a name.
inline std::string word_at(std::string_view s, std::size_t i) {
  std::size_t len = 0;
  while (is_space_at(s, i, &len)) i += len;
  std::size_t e = i;
  while (e < s.size() && !is_space_at(s, e, &len) && std::string_view(":=\"{,").find(s[e]) == std::string_view::npos &&
         s.compare(e, 3, "\uFF1A") != 0)
    ++e;
  return std::string(s.substr(i, e - i));
}

inline std::string join(const std::vector<std::string>& v, const char* sep = "、") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// Depth of `{` … `}` nesting in rule text, counting braces outside strings
// ("…", 「…」, “…”) and comments (# to the end of the line). A line is
// continued while this is positive; clause text in 「…」 may run over lines.
inline int open_braces(std::string_view text) {
  int depth = 0;
  enum { Code, Plain, Corner, Curly, Comment } state = Code;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (state) {
      case Code:
        if (c == '{') ++depth;
        else if (c == '}') --depth;
        else if (c == '"') state = Plain;
        else if (c == '#') state = Comment;
        else if (text.compare(i, 3, "「") == 0) state = Corner, i += 2;
        else if (text.compare(i, 3, "“") == 0) state = Curly, i += 2;
        break;
      case Plain:
        if (c == '\\') ++i;
        else if (c == '"' || c == '\n') state = Code;
        break;
      case Corner:
        if (text.compare(i, 3, "」") == 0) state = Code, i += 2;
        break;
      case Curly:
        if (text.compare(i, 3, "”") == 0) state = Code, i += 2;
        break;
      case Comment:
        if (c == '\n') state = Code;
        break;
    }
  }
  // Clause text in 「…」 or “…” may run over several lines.
  if ((state == Corner || state == Curly) && depth <= 0) depth = 1;
  return depth;
}

// ---------------------------------------------------------------- rebuilding an edition

using Modules = std::vector<std::unique_ptr<ast::Module>>;

// Fresh syntax trees of an edition (the checker annotates the trees it is
// given, so a rebuild cannot reuse the edition's own): its files parsed again
// and, for an edition written as changes (基于), laid over its base's.
inline std::optional<Modules> fresh_modules(const Policy* policy, const Edition& ed,
                                            std::vector<Diagnostic>& diagnostics, int depth = 0) {
  const Edition* base = nullptr;
  std::set<const SourceFile*> inherited;
  if (!ed.base_name.empty() && policy && depth < 64) {
    std::string error;
    base = policy->edition(ed.base_name, error);
    if (!base) {
      diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, error));
      return std::nullopt;
    }
    for (const auto& m : base->modules) inherited.insert(m->source.get());
  }
  Modules own;
  for (const auto& m : ed.modules) {
    if (inherited.count(m->source.get())) continue;
    auto parsed = parse_module(m->source);
    diagnostics.insert(diagnostics.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
    if (!parsed.module) return std::nullopt;
    own.push_back(std::move(parsed.module));
  }
  if (!base) return own;
  auto below = fresh_modules(policy, *base, diagnostics, depth + 1);
  if (!below) return std::nullopt;
  return apply_revisions(std::move(*below), std::move(own), diagnostics);
}

}  // namespace kuan::repl
