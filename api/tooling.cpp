// The authoring tools' part of the façade (include/kuan/tooling.hpp): thin
// conversions from the front end's and the interpreter's own results to the
// public types. Like api/api.cpp, nothing throws to the host: an exception
// becomes a diagnostic, an internal error or an empty answer.
#include "kuan/tooling.hpp"

#include <iterator>
#include <memory>
#include <new>

#include <fmt/format.h>

#include "api/handles.hpp"
#include "base/date.hpp"
#include "base/limits.hpp"
#include "base/source.hpp"
#include "base/suggest.hpp"
#include "base/utf8.hpp"
#include "services/diff.hpp"
#include "interpreter/policy.hpp"
#include "lang/analysis.hpp"
#include "lang/format.hpp"
#include "lang/keywords.hpp"
#include "lang/units.hpp"

namespace kuan::api {

static_assert(kMaxRuleFileBytes == limits::kMaxFileBytes, "the public limit is the loader's");
static_assert(kMaxNumberDigits == limits::kMaxNumberDigits, "the public limit is the engine's");

namespace {

using detail::Access;
using detail::position_of;
using detail::to_public;

// Runs a body; an exception leaves `fallback` (what the host gets instead).
template <typename T, typename F>
T guarded_or(T fallback, F&& body) {
  try {
    return body();
  } catch (...) {
    return fallback;
  }
}

SymbolKind kind_of(analysis::Kind k) {
  switch (k) {
    case analysis::Kind::Fact: return SymbolKind::Fact;
    case analysis::Kind::EnumValue: return SymbolKind::EnumValue;
    case analysis::Kind::Param: return SymbolKind::Param;
    case analysis::Kind::Define: return SymbolKind::Define;
    case analysis::Kind::Limit: return SymbolKind::Limit;
    case analysis::Kind::Measure: return SymbolKind::Measure;
    case analysis::Kind::Clause: return SymbolKind::Clause;
    case analysis::Kind::Example: return SymbolKind::Example;
    case analysis::Kind::Property: return SymbolKind::Property;
  }
  return SymbolKind::Fact;
}

std::string internal_message(const char* what) { return std::string("内部错误:") + what; }

}  // namespace

// ------------------------------------------------------------- diagnostics

std::string render_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  return guarded_or(std::string(), [&] { return ::kuan::render_diagnostics(diagnostics); });
}

LoadResult load_with_unsaved(std::string_view path, const std::map<std::string, std::string>& unsaved) {
  std::string what;
  try {
    std::vector<::kuan::Diagnostic> diagnostics;
    auto p = ::kuan::Policy::load(std::filesystem::path(std::string(path)), diagnostics, unsaved);
    return detail::load_result(std::move(p), diagnostics);
  } catch (const std::bad_alloc&) {
    what = "内存不足";
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "未知异常";
  }
  LoadResult r;
  Diagnostic d;
  d.message = internal_message(what.c_str());
  d.rendered = "error: " + d.message + "\n";
  r.diagnostics.push_back(std::move(d));
  return r;
}

// ---------------------------------------------------------------- outline

EditionOutline outline(const Edition& edition) {
  return guarded_or(EditionOutline{}, [&] {
    const ::kuan::Edition& ed = Access::edition(edition);
    EditionOutline out;
    out.status = ed.status_name();
    out.official = ed.official();
    out.params = ed.params.size();
    out.examples = ed.examples.size();
    for (const auto* clause : ed.clauses) {
      ClauseInfo c{clause->ref, clause->title, clause->responsible, {}};
      for (std::size_t i = 0; i < ed.measures.size(); ++i)
        if (ed.measures[i].clause == clause) c.measures.push_back(i);
      out.clauses.push_back(std::move(c));
    }
    return out;
  });
}

std::string measure_computes(const Edition& edition, const MeasureInfo& measure) {
  return guarded_or(std::string(), [&] {
    const ::kuan::MeasureInfo* m = Access::edition(edition).find_measure(measure.name);
    if (!m) return std::string();
    const ast::MeasureDecl& d = *m->decl;
    std::string s = d.amount ? "金额 = " + std::string(span_text(d.amount->span))
                             : std::string(span_text(d.base->span)) + " × 比例";
    for (const auto* c : m->caps) s += std::string(";") + (c->stacking ? "叠加上限 " : "上限 ") + c->name;
    for (std::size_t k = 0; k < d.results.size(); ++k) s += (k ? "、" : ";结果 ") + d.results[k].name;  // its named figures
    if (!m->requirements.empty()) fmt::format_to(std::back_inserter(s), ";条件 {} 项", m->requirements.size());
    return s;
  });
}

// ------------------------------------------------------------- formatting

Formatted format(std::string_view text, std::string_view name, const FormatOptions& options) {
  try {
    ::kuan::FormatOptions o;
    o.max_width = options.max_width;
    const ::kuan::FormatResult r =
        ::kuan::format_source(std::make_shared<SourceFile>(std::string(name), std::string(text)), o);
    Formatted out;
    out.ok = r.ok;
    out.text = r.text;
    for (const auto& d : r.diagnostics) out.diagnostics.push_back(to_public(d));
    out.internal_error = r.internal_error;
    return out;
  } catch (const std::exception& e) {
    Formatted out;
    out.internal_error = e.what();
    return out;
  } catch (...) {
    Formatted out;
    out.internal_error = "未知异常";
    return out;
  }
}

// ------------------------------------------------------------------ diff

std::vector<EditionChange> diff(const Edition& before, const Edition& after) {
  return guarded_or(std::vector<EditionChange>{}, [&] {
    std::vector<EditionChange> out;
    for (const auto& c : ::kuan::diff_editions(Access::edition(before), Access::edition(after))) {
      EditionChange e;
      e.kind = c.kind == ::kuan::EditionChange::Kind::Added     ? EditionChange::Kind::Added
               : c.kind == ::kuan::EditionChange::Kind::Removed ? EditionChange::Kind::Removed
                                                                : EditionChange::Kind::Changed;
      e.what = c.what;
      e.name = c.name;
      e.before = c.before;
      e.after = c.after;
      e.before_at = position_of(c.before_at);
      e.after_at = position_of(c.after_at);
      out.push_back(std::move(e));
    }
    return out;
  });
}

namespace {
ApplicationsDiff to_public(::kuan::ApplicationsDiff d) {
  return ApplicationsDiff{std::move(d.rows), std::move(d.errors), d.ok, d.bad_input};
}
ApplicationsDiff failed(const char* what) {
  return ApplicationsDiff{"", "kuan diff: " + internal_message(what) + "\n", false, false};
}
}  // namespace

ApplicationsDiff diff_application(const Edition& before, const Edition& after, std::string_view measure,
                                  std::string_view facts_json, std::string_view facts_name, bool json) {
  try {
    return to_public(::kuan::diff_application(Access::edition(before), Access::edition(after), measure, facts_json,
                                              std::string(facts_name), json));
  } catch (const std::exception& e) {
    return failed(e.what());
  }
}

ApplicationsDiff diff_applications(const Edition& before, const Edition& after, std::string_view jsonl,
                                   std::string_view name, bool json) {
  try {
    return to_public(
        ::kuan::diff_applications(Access::edition(before), Access::edition(after), jsonl, std::string(name), json));
  } catch (const std::exception& e) {
    return failed(e.what());
  }
}

// --------------------------------------------------------- language server

FileDeclarations declarations(std::string_view file, std::string_view text, bool base) {
  return guarded_or(FileDeclarations{}, [&] {
    auto found = analysis::declarations(std::string(file), std::string(text), base);
    FileDeclarations out;
    out.parsed = found.parsed;
    out.edition = std::move(found.edition);
    out.base_edition = std::move(found.base_edition);
    out.declarations.reserve(found.symbols.size());
    for (auto& s : found.symbols)
      out.declarations.push_back(Declaration{std::move(s.name), std::move(s.path), s.begin, s.end, kind_of(s.kind),
                                             std::move(s.hover), s.base});
    return out;
  });
}

std::vector<OutlineSymbol> document_symbols(std::string_view file, std::string_view text) {
  return guarded_or(std::vector<OutlineSymbol>{}, [&] {
    std::vector<OutlineSymbol> out;
    for (auto& item : analysis::outline(std::string(file), std::string(text)))
      out.push_back(
          OutlineSymbol{std::move(item.name), kind_of(item.kind), item.begin, item.end, std::move(item.container)});
    return out;
  });
}

std::vector<std::string_view> keywords() {
  std::vector<std::string_view> out;
  for (const auto& k : ::kuan::keywords::kAll) out.push_back(k.word);
  return out;
}

std::vector<std::string> units() {
  std::vector<std::string> out;
  for (const auto& w : ::kuan::units::kWords) {
    if (!w.listed) continue;  // ％: the full-width spelling of %
    out.emplace_back(w.spelling);
    if (w.kind == TypeKind::Money)
      for (const auto& p : ::kuan::units::kPeriods) out.push_back(std::string(w.spelling) + "/" + std::string(p.spelling));
  }
  return out;
}

std::pair<std::size_t, std::size_t> name_at(std::string_view text, std::size_t offset) {
  return guarded_or(std::pair<std::size_t, std::size_t>{offset, offset},
                    [&] { return ::kuan::identifier_at(text, offset); });
}

std::vector<std::pair<std::size_t, std::size_t>> names_in(std::string_view text) {
  return guarded_or(std::vector<std::pair<std::size_t, std::size_t>>{}, [&] { return ::kuan::identifier_spans(text); });
}

char32_t next_code_point(std::string_view text, std::size_t& i) { return ::kuan::decode_utf8(text, i); }

std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& candidates) {
  return ::kuan::did_you_mean(wrong, candidates);
}

std::string closest_name(std::string_view wrong, const std::vector<std::string>& candidates) {
  return ::kuan::closest_name(wrong, candidates);
}

std::string printable(std::string_view text, std::size_t max_chars) { return ::kuan::echo(text, max_chars); }

std::string bad_date_message(std::string_view what, std::string_view shown) { return ::kuan::bad_date_message(what, shown); }

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t end = ::kuan::grapheme_end(text, i);
    width += ::kuan::cluster_width(text.substr(i, end - i));
    i = end;
  }
  return width;
}

}  // namespace kuan::api
