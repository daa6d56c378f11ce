#include "interpreter/policy.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "lang/checker.hpp"
#include "lang/parser.hpp"

namespace kuan {

namespace fs = std::filesystem;

std::unique_ptr<Edition> build_edition(const std::vector<SourcePtr>& sources, std::vector<Diagnostic>& diagnostics) {
  std::vector<std::unique_ptr<ast::Module>> modules;
  bool syntax_ok = true;
  for (const auto& s : sources) {
    auto parsed = parse_module(s);
    diagnostics.insert(diagnostics.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
    if (parsed.module) modules.push_back(std::move(parsed.module));
    else syntax_ok = false;
  }
  // Every file's syntax errors are reported; type checking needs all files.
  if (!syntax_ok) return nullptr;
  auto checked = check_edition(std::move(modules));
  diagnostics.insert(diagnostics.end(), checked.diagnostics.begin(), checked.diagnostics.end());
  if (!checked.edition) return nullptr;
  if (auto err = compute_parameters(*checked.edition, checked.param_order)) {
    diagnostics.push_back(make_diagnostic(Severity::Error, err->span, err->message));
    return nullptr;
  }
  Edition& ed = *checked.edition;
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
    auto v = constant(*pool.decl->amount);
    if (v) pool.amount = v->number;
    ok = ok && v;
  }
  for (auto& m : ed.measures) {
    if (!m.decl->quota) continue;
    auto v = constant(*m.decl->quota);
    ok = ok && v;
    if (!v) continue;
    auto n = v->number.to_int64_at_scale(0);
    if (!n || *n <= 0) {
      diagnostics.push_back(make_diagnostic(Severity::Error, m.decl->quota->span, "名额须为正整数"));
      ok = false;
      continue;
    }
    m.quota = *n;
  }
  if (!ok) return nullptr;
  return std::move(checked.edition);
}

namespace {

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> rule_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".kuan") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<SourcePtr> read_sources(const std::vector<fs::path>& files, std::vector<Diagnostic>& diagnostics) {
  std::vector<SourcePtr> sources;
  for (const auto& f : files) {
    auto text = read_file(f);
    if (!text) {
      diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "无法读取文件 " + f.string()));
      continue;
    }
    sources.push_back(std::make_shared<SourceFile>(f.string(), std::move(*text)));
  }
  return sources;
}

}  // namespace

std::shared_ptr<const Policy> Policy::load(const fs::path& path, std::vector<Diagnostic>& diagnostics) {
  auto policy = std::shared_ptr<Policy>(new Policy());
  std::error_code ec;
  std::vector<std::vector<fs::path>> groups;
  if (fs::is_regular_file(path, ec)) {
    groups.push_back({path});
  } else if (fs::is_directory(path, ec)) {
    if (auto direct = rule_files(path); !direct.empty()) groups.push_back(direct);
    std::vector<fs::path> subdirs;
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_directory()) subdirs.push_back(entry.path());
    std::sort(subdirs.begin(), subdirs.end());
    for (const auto& d : subdirs)
      if (auto files = rule_files(d); !files.empty()) groups.push_back(files);
    if (groups.empty()) {
      diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "目录 " + path.string() + " 中没有 .kuan 规则文件"));
      return nullptr;
    }
  } else {
    diagnostics.push_back(make_diagnostic(Severity::Error, Span{}, "找不到政策 " + path.string()));
    return nullptr;
  }
  bool ok = true;
  for (const auto& files : groups) {
    const std::size_t before = diagnostics.size();
    auto sources = read_sources(files, diagnostics);
    if (diagnostics.size() != before && has_errors(std::vector<Diagnostic>(diagnostics.begin() + before, diagnostics.end()))) {
      ok = false;
      continue;
    }
    auto ed = build_edition(sources, diagnostics);
    if (!ed) {
      ok = false;
      continue;
    }
    for (const auto& other : policy->editions_)
      if (other->name == ed->name)
        diagnostics.push_back(make_diagnostic(Severity::Error, ed->name_span, "版本 " + ed->name + " 重复"));
    policy->editions_.push_back(std::move(ed));
  }
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
  return policy;
}

std::shared_ptr<const Policy> Policy::from_text(const std::string& name, const std::string& text,
                                                std::vector<Diagnostic>& diagnostics) {
  return from_sources({{name, text}}, diagnostics);
}

const Edition* Policy::edition(std::string_view name, std::string& error) const {
  for (const auto& e : editions_)
    if (e->name == name) return e.get();
  error = "没有版本 " + std::string(name) + "(可用:";
  for (std::size_t i = 0; i < editions_.size(); ++i) error += (i ? "、" : "") + editions_[i]->name;
  error += ")";
  return nullptr;
}

const Edition* Policy::edition_on(std::int32_t day, std::string& error) const {
  for (const auto& e : editions_)
    if (e->in_force_on(day)) return e.get();
  error = format_date(day) + " 没有施行中的版本";
  return nullptr;
}

const Edition* Policy::latest() const {
  const Edition* best = nullptr;
  for (const auto& e : editions_)
    if (!best || e->effective_from > best->effective_from) best = e.get();
  return best;
}

}  // namespace kuan
