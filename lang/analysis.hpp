// What the language server knows of a rule file from its syntax alone (so it
// keeps working while the file has type errors): the names it declares, with
// a Markdown description of each, and its outline. Exposed to hosts through
// include/kuan/tooling.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kuan::analysis {

enum class Kind { Fact, EnumValue, Param, Define, Limit, Measure, Clause, Example, Property };

struct Symbol {
  std::string name;
  std::string path;  // the file that declares it
  std::size_t begin = 0, end = 0;
  Kind kind = Kind::Fact;
  std::string hover;
  bool base = false;  // declared in the base edition
};

struct FileSymbols {
  bool parsed = false;
  std::string edition, base_edition;  // 版本 and 基于, when stated
  std::vector<Symbol> symbols;
};

// The declarations of one file; `base` marks them (and their hovers) as the base edition's.
FileSymbols declarations(const std::string& path, std::string text, bool base);

struct OutlineItem {
  std::string name;
  Kind kind = Kind::Measure;
  std::size_t begin = 0, end = 0;
  std::string container;
};

// The outline of one file; empty when it does not parse.
std::vector<OutlineItem> outline(const std::string& path, std::string text);

}  // namespace kuan::analysis
