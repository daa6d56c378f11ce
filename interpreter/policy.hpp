// A policy: one or more editions loaded from rule files, each checked and
// frozen. This is the seam a host program links against (the CLI is a thin
// layer over it): load once, then evaluate from any thread.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "lang/edition.hpp"
#include "base/source.hpp"

namespace kuan {

class Policy {
 public:
  // A folder of editions (each subfolder holding .kuan files is an edition;
  // .kuan files directly in the folder form one edition), or one .kuan file.
  // `unsaved` holds texts that stand in for files on disk, by path as found
  // under `path` (an editor's open documents).
  static std::shared_ptr<const Policy> load(const std::filesystem::path& path, std::vector<Diagnostic>& diagnostics,
                                            const std::map<std::string, std::string>& unsaved = {});
  // One edition from rule text held in memory (hosts, tests, the REPL).
  static std::shared_ptr<const Policy> from_text(const std::string& name, const std::string& text,
                                                 std::vector<Diagnostic>& diagnostics);
  // Several files of one edition, given as (name, text) pairs.
  static std::shared_ptr<const Policy> from_sources(const std::vector<std::pair<std::string, std::string>>& files,
                                                    std::vector<Diagnostic>& diagnostics);
  // A whole policy from texts held in memory, by path, grouped into editions
  // as load() groups a folder's files: the files directly in the paths' common
  // folder form one edition, those of each subfolder another. Reads no file.
  static std::shared_ptr<const Policy> from_texts(const std::vector<std::pair<std::string, std::string>>& files,
                                                  std::vector<Diagnostic>& diagnostics);

  // Every rule file it was built from, in load order (from_texts of them
  // builds the same policy: how a host ships a policy to another process).
  const std::vector<SourcePtr>& sources() const { return sources_; }

  const std::vector<std::unique_ptr<Edition>>& editions() const { return editions_; }

  // By name ("2025年版"); null with a message when there is no such edition.
  const Edition* edition(std::string_view name, std::string& error) const;
  // The official edition in force on a day (days since 1970-01-01); an
  // edition marked 状态 示例/草案 is never chosen by date.
  const Edition* edition_on(std::int32_t day, std::string& error) const;
  // The only edition, or the official one that took effect last.
  const Edition* latest() const;
  // As `kuan` picks one for --version V or --as-of YYYY-MM-DD (at most one of
  // them); with neither, the official edition in force today (the date in
  // China Standard Time, UTC+8), else latest(). Null with a message.
  const Edition* choose(const std::string* version, const std::string* as_of, std::string& error) const;

 private:
  // The files of each edition, in order (bases need not come first).
  static std::shared_ptr<const Policy> build(std::vector<std::vector<SourcePtr>> groups, bool ok,
                                             std::vector<Diagnostic>& diagnostics);

  std::vector<std::unique_ptr<Edition>> editions_;
  std::vector<SourcePtr> sources_;
};

// Parses and checks the files of one edition; null (with diagnostics) on error.
// The edition is a LoadedEdition (interpreter/loaded_edition.hpp): its
// measures are compiled when it is built.
std::unique_ptr<Edition> build_edition(const std::vector<SourcePtr>& sources, std::vector<Diagnostic>& diagnostics);
// The same from syntax trees already parsed (and, for an edition written as
// changes, already laid over its base): checks them, then computes the
// constants (parameters, pool amounts, quotas) once.
std::unique_ptr<Edition> build_edition(std::vector<std::unique_ptr<ast::Module>> modules,
                                       std::vector<Diagnostic>& diagnostics);

}  // namespace kuan
