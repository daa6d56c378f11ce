#include "interpreter/policy.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>

#include "interpreter/compiled.hpp"
#include "interpreter/tables.hpp"
#include "lang/checker.hpp"
#include "base/date.hpp"
#include "base/limits.hpp"
#include "base/source.hpp"
#include "lang/parser.hpp"
#include "lang/revisions.hpp"

namespace kuan {

namespace fs = std::filesystem;

namespace {

using Modules = std::vector<std::unique_ptr<ast::Module>>;

// Every file's syntax errors are reported; checking needs all files to parse.
// Expressions are numbered on from `next_id`, so that files parsed for one
// load never share expression ids: an edition may then hold another's.
std::optional<Modules> parse_all(const std::vector<SourcePtr>& sources, std::vector<Diagnostic>& diagnostics,
                                 std::uint32_t& next_id) {
  Modules modules;
  bool ok = true;
  for (const auto& s : sources) {
    auto parsed = parse_module(s, next_id);
    if (parsed.module) next_id = parsed.module->end_id;
    diagnostics.insert(diagnostics.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
    if (parsed.module) modules.push_back(std::move(parsed.module));
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return modules;
}

}  // namespace

std::unique_ptr<Edition> build_edition(const std::vector<SourcePtr>& sources, std::vector<Diagnostic>& diagnostics) {
  std::uint32_t next_id = 0;
  auto modules = parse_all(sources, diagnostics, next_id);
  if (!modules) return nullptr;
  return build_edition(std::move(*modules), diagnostics);
}

std::unique_ptr<Edition> build_edition(Modules modules, std::vector<Diagnostic>& diagnostics) {
  auto loaded = std::make_unique<LoadedEdition>();
  auto checked = check_edition(std::move(modules), *loaded);
  diagnostics.insert(diagnostics.end(), checked.diagnostics.begin(), checked.diagnostics.end());
  if (!checked.ok) return nullptr;
  if (auto err = compute_parameters(*loaded, checked.param_order)) {
    diagnostics.push_back(make_diagnostic(Severity::Error, err->span, err->message));
    return nullptr;
  }
  LoadedEdition& ed = *loaded;
  FactValues none(ed.facts.size());
  auto constant = [&](const ast::Expr& e) -> std::optional<Value> {
    auto v = evaluate_expression(&ed, e, none);
    if (auto* err = std::get_if<EvalError>(&v)) {
      diagnostics.push_back(make_diagnostic(Severity::Error, err->span, err->message));
      return std::nullopt;
    }
    return std::get<Value>(v);
  };
  bool ok = true;
  for (auto& pool : ed.pools) {
    auto v = constant(*pool.decl->limit);
    if (v) pool.amount = v->number;
    ok = ok && v;
  }
  for (auto& q : ed.quotas) {
    auto v = constant(*q.decl->limit);
    ok = ok && v;
    if (!v) continue;
    auto n = v->number.to_int64_at_scale(0);
    if (!n || *n <= 0) {
      diagnostics.push_back(make_diagnostic(Severity::Error, q.decl->limit->span, "名额须为正整数"));
      ok = false;
      continue;
    }
    q.count = *n;
  }
  ok = check_constant_tables(ed, diagnostics) && ok;
  if (!ok) return nullptr;
  compile_measures(ed);
  return loaded;
}

namespace {

// At most one byte past the limit is read, so a 20 GB (or endless) file costs
// no more than a file just too large; source_problem reports it.
std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  char chunk[1 << 16];
  while (text.size() <= limits::kMaxFileBytes && (in.read(chunk, sizeof chunk) || in.gcount() > 0))
    text.append(chunk, std::min(static_cast<std::size_t>(in.gcount()), limits::kMaxFileBytes + 1 - text.size()));
  if (in.bad()) return std::nullopt;
  return text;
}

// A folder's entries, each with what it is. Uses only the non-throwing
// filesystem calls: an entry that cannot be examined (a symlink loop, no
// permission) is reported, never thrown, when it could matter — any entry of a
// policy folder (it may be an edition), only rule files inside an edition.
struct Entry {
  fs::path path;
  bool directory = false;
  bool regular = false;
};
std::vector<Entry> list_folder(const fs::path& dir, bool editions_inside, std::vector<Diagnostic>& diagnostics) {
  std::vector<Entry> out;
  auto problem = [&](const fs::path& p, const std::error_code& ec) {
    diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "无法读取 " + terminal_safe(p.string()) + ":" + ec.message()));
  };
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  if (ec) {
    problem(dir, ec);
    return out;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    std::error_code status_ec;
    const fs::file_status st = it->status(status_ec);
    if (status_ec) {
      // A hidden dangling link (an editor's lock file, .#a.kuan) is not a rule
      // file; any other *.kuan that cannot be examined — a link whose rule file
      // was moved away included — would be rules silently missing, and anything
      // that might be a whole edition is reported too.
      const bool dangling = status_ec == std::errc::no_such_file_or_directory;
      const bool hidden = it->path().filename().string().starts_with('.');
      if (dangling && it->path().extension() == ".kuan" && !hidden)
        diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "无法读取 " + terminal_safe(it->path().string()) + ":它是链接,指向的文件不存在"));
      else if (!dangling && (editions_inside || it->path().extension() == ".kuan"))
        problem(it->path(), status_ec);
      continue;
    }
    out.push_back({it->path(), fs::is_directory(st), fs::is_regular_file(st)});
    // A rule file that is a FIFO, a device or a socket is not read (opening a
    // FIFO would wait for a writer for ever), nor silently left out of the rules.
    if (!out.back().directory && !out.back().regular && it->path().extension() == ".kuan")
      diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "无法读取 " + terminal_safe(it->path().string()) + ":不是普通文件"));
  }
  if (ec) problem(dir, ec);
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.path < b.path; });
  return out;
}

std::vector<fs::path> rule_files(const std::vector<Entry>& entries) {
  std::vector<fs::path> out;
  for (const auto& e : entries)
    if (e.regular && e.path.extension() == ".kuan") out.push_back(e.path);
  return out;
}

std::vector<SourcePtr> read_sources(const std::vector<fs::path>& files, std::vector<Diagnostic>& diagnostics,
                                    const std::map<std::string, std::string>& unsaved) {
  std::vector<SourcePtr> sources;
  for (const auto& f : files) {
    auto held = unsaved.find(f.string());
    auto text = held != unsaved.end() ? std::optional<std::string>(held->second) : read_file(f);
    if (!text) {
      diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "无法读取文件 " + terminal_safe(f.string())));
      continue;
    }
    sources.push_back(std::make_shared<SourceFile>(f.string(), std::move(*text)));
  }
  return sources;
}

// One edition folder, before it is built.
struct EditionGroup {
  std::vector<SourcePtr> sources;
  // Its files parsed once, for the whole load: the edition and every edition
  // based on it start from copies that share the parsed expressions.
  std::optional<Modules> parsed;
  std::vector<Diagnostic> parse_diagnostics;  // reported when the edition is built
  std::string name, base;
  Span name_span, base_span;
  enum { Pending, Building, Built, Failed } state = Pending;
  int dependents = 0;              // editions based on it, not built yet
  std::optional<Modules> applied;  // while dependents: its modules with its chain applied, for them
};

// Copies of modules, which revisions may change, sharing the parsed
// expressions (the checker writes nothing into them, so every edition may hold them).
Modules copy_modules(const Modules& modules) {
  Modules out;
  out.reserve(modules.size());
  for (const auto& m : modules) out.push_back(std::make_unique<ast::Module>(*m));
  return out;
}

// The modules of a group with its base chain applied: its own over a copy of
// its base's, which was built first and kept (`applied`). So each edition of
// a chain costs its own size, not its whole chain's: a chain of 2,000 editions
// each 基于 the one before loads in linear time.
std::optional<Modules> group_modules(std::vector<EditionGroup>& groups, std::size_t g,
                                     const std::map<std::string, std::size_t>& by_name, std::vector<Diagnostic>& diagnostics) {
  if (!groups[g].parsed) {
    diagnostics.insert(diagnostics.end(), groups[g].parse_diagnostics.begin(), groups[g].parse_diagnostics.end());
    return std::nullopt;
  }
  Modules modules = copy_modules(*groups[g].parsed);
  if (groups[g].base.empty()) return modules;
  const auto base = by_name.find(groups[g].base);
  if (base == by_name.end()) {
    diagnostics.push_back(make_diagnostic(Severity::Error, groups[g].base_span, "基于的版本 " + groups[g].base + " 不存在"));
    return std::nullopt;
  }
  const EditionGroup& b = groups[base->second];
  if (b.state == EditionGroup::Building || base->second == g) {
    diagnostics.push_back(make_diagnostic(Severity::Error, groups[g].base_span, "版本的 基于 关系形成循环:" + groups[g].name + " → " + groups[g].base));
    return std::nullopt;
  }
  if (b.state != EditionGroup::Built || !b.applied) {
    diagnostics.push_back(make_diagnostic(Severity::Error, groups[g].base_span, "基于的版本 " + groups[g].base + " 有错误"));
    return std::nullopt;
  }
  return apply_revisions(copy_modules(*b.applied), std::move(modules), diagnostics);
}

// Periods may not overlap; a period without 至 ends the day before the next
// edition begins; a gap between editions is allowed but reported.
// Only official texts take part: an illustrative or draft edition is chosen by
// name alone, so it neither ends nor overlaps anything.
void check_periods(std::vector<std::unique_ptr<Edition>>& editions, std::vector<Diagnostic>& diagnostics) {
  std::vector<Edition*> order;
  for (auto& e : editions)
    if (e->official()) order.push_back(e.get());
  std::sort(order.begin(), order.end(), [](const Edition* a, const Edition* b) { return a->effective_from < b->effective_from; });
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    Edition& a = *order[i];
    const Edition& b = *order[i + 1];
    if (!a.effective_to) {
      if (a.effective_from == b.effective_from)
        diagnostics.push_back(make_diagnostic(Severity::Error, b.period_span,
                                              "施行期与 " + a.name + " 重叠:两个版本同日开始施行"));
      a.effective_to = b.effective_from - 1;
      a.end_implied = true;
    } else if (*a.effective_to >= b.effective_from) {
      diagnostics.push_back(make_diagnostic(Severity::Error, b.period_span,
                                            "施行期与 " + a.name + "(至 " + format_date(*a.effective_to) + ")重叠"));
    } else if (*a.effective_to + 1 < b.effective_from) {
      diagnostics.push_back(make_diagnostic(Severity::Warning, b.period_span,
                                            "与上一版本 " + a.name + " 之间有空档:" + format_date(*a.effective_to + 1) +
                                                " 至 " + format_date(b.effective_from - 1) + " 没有施行中的版本"));
    }
  }
}

}  // namespace

std::shared_ptr<const Policy> Policy::load(const fs::path& path, std::vector<Diagnostic>& diagnostics,
                                          const std::map<std::string, std::string>& unsaved) {
  std::error_code ec;
  std::vector<std::vector<fs::path>> files;
  const std::size_t before_listing = diagnostics.size();
  // A path from a host (C++, Python) may hold a NUL, where the system would cut
  // it short and load another folder than the one named.
  if (path.native().find('\0') != std::string::npos) {
    diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "找不到政策 " + echo(path.string(), 400) + ":路径中不能有 NUL 字符"));
    return nullptr;
  }
  if (fs::is_regular_file(path, ec)) {
    files.push_back({path});
  } else if (fs::is_directory(path, ec)) {
    const auto entries = list_folder(path, true, diagnostics);
    if (auto direct = rule_files(entries); !direct.empty()) files.push_back(direct);
    for (const auto& d : entries)
      if (d.directory)
        if (auto found = rule_files(list_folder(d.path, false, diagnostics)); !found.empty()) files.push_back(found);
    if (diagnostics.size() != before_listing) return nullptr;
    if (files.empty()) {
      diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "目录 " + terminal_safe(path.string()) + " 中没有 .kuan 规则文件"));
      return nullptr;
    }
  } else if (ec && ec != std::errc::no_such_file_or_directory) {
    diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "无法读取 " + terminal_safe(path.string()) + ":" + ec.message()));
    return nullptr;
  } else if (fs::exists(path, ec)) {  // a FIFO, a device: not read
    diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "无法读取 " + terminal_safe(path.string()) + ":不是规则文件或政策目录"));
    return nullptr;
  } else {
    diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "找不到政策 " + terminal_safe(path.string())));
    return nullptr;
  }
  bool ok = true;
  std::vector<std::vector<SourcePtr>> sources;
  for (const auto& group_files : files) {
    const std::size_t before = diagnostics.size();
    sources.push_back(read_sources(group_files, diagnostics, unsaved));
    if (diagnostics.size() != before) ok = false;
  }
  return build(std::move(sources), ok, diagnostics);
}

std::shared_ptr<const Policy> Policy::build(std::vector<std::vector<SourcePtr>> sources, bool ok,
                                            std::vector<Diagnostic>& diagnostics) {
  auto policy = std::shared_ptr<Policy>(new Policy());
  std::vector<EditionGroup> groups;
  std::map<std::string, std::size_t> by_name;  // an edition's name → its group (the first of that name)
  std::uint32_t next_id = 0;
  for (auto& group_sources : sources) {
    EditionGroup g;
    g.sources = std::move(group_sources);
    policy->sources_.insert(policy->sources_.end(), g.sources.begin(), g.sources.end());
    // Parsed once, to learn the edition's name and base and to build it (and
    // those based on it); syntax errors are reported when it is built.
    std::vector<Diagnostic> parse_diagnostics;
    if (auto modules = parse_all(g.sources, parse_diagnostics, next_id)) {
      for (const auto& m : *modules) {
        if (m->edition) g.name = m->edition->value, g.name_span = m->edition->span;
        if (m->base_edition) g.base = m->base_edition->value, g.base_span = m->base_edition->span;
      }
      g.parsed = std::move(modules);
    } else {
      g.parse_diagnostics = std::move(parse_diagnostics);
    }
    if (!g.name.empty()) {
      if (const auto seen = by_name.find(g.name); seen != by_name.end())
        diagnostics.push_back(make_diagnostic(Severity::Error, g.name_span, "版本 " + g.name + " 重复(另见 " + groups[seen->second].name_span.file->name() + ")"));
      else
        by_name.emplace(g.name, groups.size());
    }
    groups.push_back(std::move(g));
  }
  for (const auto& g : groups)
    if (const auto base = by_name.find(g.base); !g.base.empty() && base != by_name.end()) ++groups[base->second].dependents;
  // Bases first, so a derived edition is built only on a base that is sound:
  // each pending group with the chain of pending bases below it, lowest first.
  auto build = [&](std::size_t g) {
    auto modules = group_modules(groups, g, by_name, diagnostics);
    if (const auto base = by_name.find(groups[g].base); !groups[g].base.empty() && base != by_name.end())
      if (--groups[base->second].dependents == 0) groups[base->second].applied.reset();  // its last user is served
    if (modules && groups[g].dependents > 0) groups[g].applied = copy_modules(*modules);
    std::unique_ptr<Edition> ed = modules ? build_edition(std::move(*modules), diagnostics) : nullptr;
    groups[g].state = ed ? EditionGroup::Built : EditionGroup::Failed;
    if (!ed) {
      groups[g].applied.reset();
      ok = false;
      return;
    }
    policy->editions_.push_back(std::move(ed));
  };
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].state != EditionGroup::Pending) continue;
    std::vector<std::size_t> chain{g};
    groups[g].state = EditionGroup::Building;
    for (;;) {
      const auto base = by_name.find(groups[chain.back()].base);
      if (groups[chain.back()].base.empty() || base == by_name.end() || groups[base->second].state != EditionGroup::Pending) break;
      groups[base->second].state = EditionGroup::Building;
      chain.push_back(base->second);
    }
    for (std::size_t i = chain.size(); i-- > 0;) build(chain[i]);
  }
  check_periods(policy->editions_, diagnostics);
  if (!ok || has_errors(diagnostics)) return nullptr;
  return policy;
}

std::shared_ptr<const Policy> Policy::from_sources(const std::vector<std::pair<std::string, std::string>>& files,
                                                   std::vector<Diagnostic>& diagnostics) {
  std::vector<SourcePtr> sources;
  for (const auto& [name, text] : files) sources.push_back(std::make_shared<SourceFile>(name, text));
  auto ed = build_edition(sources, diagnostics);
  if (!ed) return nullptr;
  auto policy = std::shared_ptr<Policy>(new Policy());
  policy->editions_.push_back(std::move(ed));
  policy->sources_ = std::move(sources);
  return policy;
}

std::shared_ptr<const Policy> Policy::from_texts(const std::vector<std::pair<std::string, std::string>>& files,
                                                 std::vector<Diagnostic>& diagnostics) {
  if (files.empty()) {
    diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "没有规则文本"));
    return nullptr;
  }
  // The common folder of the files' folders: the policy's folder.
  fs::path root = fs::path(files.front().first).parent_path();
  for (const auto& file : files) {
    const fs::path dir = fs::path(file.first).parent_path();
    const auto r = std::mismatch(root.begin(), root.end(), dir.begin(), dir.end()).first;
    fs::path common;
    for (auto it = root.begin(); it != r; ++it) common /= *it;
    root = common;
  }
  // Each file in its edition: "" for the policy's folder itself, else the subfolder.
  std::map<std::string, std::vector<std::pair<fs::path, const std::string*>>> by_folder;
  bool ok = true;
  for (const auto& [name, text] : files) {
    const fs::path relative = fs::path(name).lexically_relative(root);
    const auto depth = std::distance(relative.begin(), relative.end());
    if (depth > 2 || relative.empty() || *relative.begin() == "..") {
      diagnostics.push_back(make_diagnostic(Severity::Error, Span{},
                                            "规则文本 " + name + " 既不在政策目录 " + root.string() + " 中,也不在它的版本子目录中"));
      ok = false;
      continue;
    }
    by_folder[depth == 2 ? relative.begin()->string() : std::string()].emplace_back(name, &text);
  }
  if (!ok) return nullptr;
  std::vector<std::vector<SourcePtr>> groups;
  for (auto& [folder, members] : by_folder) {  // "" (the folder's own files) first, as load() lists them
    std::sort(members.begin(), members.end());
    auto& group = groups.emplace_back();
    for (const auto& [path, text] : members) group.push_back(std::make_shared<SourceFile>(path.string(), *text));
  }
  return build(std::move(groups), true, diagnostics);
}

std::shared_ptr<const Policy> Policy::from_text(const std::string& name, const std::string& text,
                                                std::vector<Diagnostic>& diagnostics) {
  return from_sources({{name, text}}, diagnostics);
}

const Edition* Policy::edition(std::string_view name, std::string& error) const {
  for (const auto& e : editions_)
    if (e->name == name) return e.get();
  error = "没有版本 " + echo(name) + "(可用:";  // the name may be anyone's text: a URL's query, a batch line
  for (std::size_t i = 0; i < editions_.size(); ++i) error += (i ? "、" : "") + editions_[i]->name;
  error += ")";
  return nullptr;
}

const Edition* Policy::edition_on(std::int32_t day, std::string& error) const {
  for (const auto& e : editions_)
    if (e->official() && e->in_force_on(day)) return e.get();
  error = format_date(day) + " 没有施行中的版本";
  return nullptr;
}

const Edition* Policy::choose(const std::string* version, const std::string* as_of, std::string& error) const {
  if (version && as_of) {
    error = "--version 与 --as-of 只能给一个";
    return nullptr;
  }
  if (version) return edition(*version, error);
  if (as_of) {
    auto day = parse_date(*as_of);
    if (!day) {
      error = bad_date_message("--as-of", "\"" + echo(*as_of) + "\"");
      return nullptr;
    }
    return edition_on(*day, error);
  }
  std::string ignored;
  if (const Edition* e = edition_on(china_standard_day(std::time(nullptr)), ignored)) return e;
  return latest();
}

const Edition* Policy::latest() const {
  const Edition* best = nullptr;
  for (const auto& e : editions_) {  // an official text before any other; then the latest to take effect
    const bool better = !best || (e->official() != best->official() ? e->official() : e->effective_from > best->effective_from);
    if (better) best = e.get();
  }
  return best;
}

}  // namespace kuan
