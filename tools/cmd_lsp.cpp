// kuan lsp — a language server over stdio (JSON-RPC with Content-Length frames):
// diagnostics as you type (the checker's, with ranges), hover, go to definition
// and references across the edition's files and its base edition, completion of
// names and keywords, document symbols, and formatting through `kuan fmt`.
//
// Names are looked up in the syntax trees of the edition's files (open
// documents as typed, others from disk), not in the checked edition, so hover
// and definition keep working while the file has type errors.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/commands.hpp"

namespace kuan::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// ---------------------------------------------------------------- transport
std::optional<std::string> read_message(std::istream& in) {
  std::size_t length = 0;
  bool have_length = false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    constexpr std::string_view kLength = "Content-Length:";
    if (line.compare(0, kLength.size(), kLength) == 0) {
      length = std::strtoul(line.c_str() + kLength.size(), nullptr, 10);
      have_length = true;
    }
  }
  if (!in || !have_length) return std::nullopt;
  std::string body(length, '\0');
  in.read(body.data(), static_cast<std::streamsize>(length));
  if (static_cast<std::size_t>(in.gcount()) != length) return std::nullopt;
  return body;
}

void write_message(const json& message) {
  const std::string body = message.dump(-1, ' ', false, json::error_handler_t::replace);
  std::cout << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  std::cout.flush();
}

// ---------------------------------------------------------------- URIs and positions
std::string uri_to_path(const std::string& uri) {
  std::string s = uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return fs::path(out).lexically_normal().string();
}

std::string path_to_uri(const std::string& path) {
  std::string out = "file://";
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// LSP positions count UTF-16 code units within a line.
json position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 0, line_start = 0;
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  std::size_t units = 0;
  for (std::size_t i = line_start; i < offset;) units += api::next_code_point(text, i) > 0xFFFF ? 2 : 1;
  return {{"line", line}, {"character", units}};
}

std::size_t offset_of(std::string_view text, const json& position) {
  const std::size_t line = position.value("line", 0u), character = position.value("character", 0u);
  std::size_t i = 0;
  for (std::size_t l = 0; l < line && i < text.size(); ++i)
    if (text[i] == '\n') ++l;
  for (std::size_t units = 0; units < character && i < text.size() && text[i] != '\n';)
    units += api::next_code_point(text, i) > 0xFFFF ? 2 : 1;
  return i;
}

json range_of(std::string_view text, std::size_t begin, std::size_t end) {
  return {{"start", position_of(text, begin)}, {"end", position_of(text, end)}};
}

// ---------------------------------------------------------------- the workspace
using Symbol = api::Declaration;

// LSP SymbolKind and CompletionItemKind of a declaration.
int symbol_kind(api::SymbolKind k) {
  switch (k) {
    case api::SymbolKind::Fact: return 8;
    case api::SymbolKind::EnumValue: return 22;
    case api::SymbolKind::Param:
    case api::SymbolKind::Limit: return 14;
    case api::SymbolKind::Define:
    case api::SymbolKind::Measure: return 12;
    case api::SymbolKind::Clause: return 3;
    case api::SymbolKind::Example:
    case api::SymbolKind::Property: return 24;
  }
  return 13;
}

int completion_kind(api::SymbolKind k) {
  switch (k) {
    case api::SymbolKind::Fact: return 5;
    case api::SymbolKind::Param:
    case api::SymbolKind::Limit: return 21;
    case api::SymbolKind::EnumValue: return 20;
    default: return 3;
  }
}

class Server {
 public:
  int run() {
    for (;;) {
      auto body = read_message(std::cin);
      if (!body) return exit_code_;
      json message = json::parse(*body, nullptr, false);
      if (message.is_discarded() || !message.is_object()) {
        write_message({{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", -32700}, {"message", "无法解析的 JSON"}}}});
        continue;
      }
      const std::string method = message.value("method", "");
      if (method == "exit") return exit_code_;
      try {
        handle(method, message);
      } catch (const std::exception& e) {
        if (message.contains("id"))
          write_message({{"jsonrpc", "2.0"}, {"id", message["id"]}, {"error", {{"code", -32603}, {"message", e.what()}}}});
      }
    }
  }

 private:
  std::map<std::string, std::string> open_;  // path → text, as typed
  int exit_code_ = 1;                        // 0 once shutdown was asked for

  void reply(const json& id, json result) { write_message({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}); }

  void handle(const std::string& method, const json& m) {
    const json params = m.value("params", json::object());
    const json id = m.contains("id") ? m["id"] : json();
    if (method == "initialize") {
      reply(id, {{"capabilities",
                  {{"textDocumentSync", 1},
                   {"hoverProvider", true},
                   {"definitionProvider", true},
                   {"referencesProvider", true},
                   {"documentSymbolProvider", true},
                   {"documentFormattingProvider", true},
                   {"completionProvider", json::object()}}},
                 {"serverInfo", {{"name", "kuan"}}}});
    } else if (method == "shutdown") {
      exit_code_ = 0;
      reply(id, nullptr);
    } else if (method == "textDocument/didOpen") {
      const auto& doc = params.at("textDocument");
      open_[uri_to_path(doc.at("uri"))] = doc.at("text").get<std::string>();
      publish_diagnostics();
    } else if (method == "textDocument/didChange") {
      const auto& changes = params.at("contentChanges");
      if (!changes.empty()) open_[uri_to_path(params.at("textDocument").at("uri"))] = changes.back().at("text");
      publish_diagnostics();
    } else if (method == "textDocument/didClose") {
      const std::string path = uri_to_path(params.at("textDocument").at("uri"));
      open_.erase(path);
      write_message({{"jsonrpc", "2.0"},
                     {"method", "textDocument/publishDiagnostics"},
                     {"params", {{"uri", path_to_uri(path)}, {"diagnostics", json::array()}}}});
    } else if (method == "textDocument/hover") {
      reply(id, hover(params));
    } else if (method == "textDocument/definition") {
      reply(id, definition(params));
    } else if (method == "textDocument/references") {
      reply(id, references(params));
    } else if (method == "textDocument/completion") {
      reply(id, completion(uri_to_path(params.at("textDocument").at("uri"))));
    } else if (method == "textDocument/documentSymbol") {
      reply(id, document_symbols(uri_to_path(params.at("textDocument").at("uri"))));
    } else if (method == "textDocument/formatting") {
      reply(id, formatting(uri_to_path(params.at("textDocument").at("uri"))));
    } else if (!id.is_null()) {
      write_message({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", -32601}, {"message", "不支持的方法 " + method}}}});
    }
  }

  std::string text_of(const std::string& path) const {
    if (auto it = open_.find(path); it != open_.end()) return it->second;
    std::string error;
    return read_input(path, error).value_or("");
  }

  // What is loaded to check a file: its folder (one edition), or the folder
  // above when the edition says 基于, so that the base edition is found.
  fs::path policy_root(const fs::path& file) const {
    const fs::path folder = file.parent_path(), parent = folder.parent_path();
    if (parent.empty() || parent == folder) return folder;
    for (const auto& f : rule_files_in(folder))
      if (text_of(f).find("基于") != std::string::npos) return parent;
    return folder;
  }

  static std::vector<std::string> rule_files_in(const fs::path& folder) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec))
      if (e.is_regular_file() && e.path().extension() == ".kuan") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  void publish_diagnostics() {
    std::map<std::string, json> by_file;
    for (const auto& [path, text] : open_) by_file[path] = json::array();
    std::map<std::string, bool> loaded;
    for (const auto& [path, text] : open_) {
      std::error_code ec;
      const std::string root = fs::exists(path, ec) ? policy_root(path).string() : path;
      if (loaded[root]) continue;
      loaded[root] = true;
      // A new file, not saved yet, is checked alone.
      const api::LoadResult checked =
          fs::exists(path, ec) ? api::load_with_unsaved(root, open_) : api::Policy::from_sources({{path, text}});
      for (const auto& d : checked.diagnostics) {
        auto it = by_file.find(d.file);
        if (it == by_file.end()) continue;
        const std::string& doc = open_.at(d.file);
        // The diagnostic's own line and column (its source may be gone by now).
        const std::size_t begin = offset_of(doc, {{"line", d.line ? d.line - 1 : 0}, {"character", 0}}) +
                                  bytes_of_chars(doc, static_cast<std::size_t>(d.line), static_cast<std::size_t>(d.column));
        const std::size_t end = std::min(doc.size(), begin + d.length);
        it->second.push_back({{"range", range_of(doc, begin, std::max(begin, end))},
                              {"severity", d.severity == api::Severity::Error ? 1 : d.severity == api::Severity::Warning ? 2 : 3},
                              {"source", "kuan"},
                              {"message", d.message}});
      }
    }
    for (auto& [path, list] : by_file)
      write_message({{"jsonrpc", "2.0"},
                     {"method", "textDocument/publishDiagnostics"},
                     {"params", {{"uri", path_to_uri(path)}, {"diagnostics", std::move(list)}}}});
  }

  // Bytes from the start of line `line` (1-based) to character `column` (1-based).
  static std::size_t bytes_of_chars(std::string_view text, std::size_t line, std::size_t column) {
    std::size_t i = 0;
    for (std::size_t l = 1; l < line && i < text.size(); ++i)
      if (text[i] == '\n') ++l;
    const std::size_t start = i;
    for (std::size_t c = 1; c < column && i < text.size() && text[i] != '\n'; ++c) api::next_code_point(text, i);
    return i - start;
  }

  // ------------------------------------------------------------ symbols
  // The declarations of the rule files of a folder (open documents as typed),
  // skipping files that do not parse.
  std::vector<api::FileDeclarations> parse_folder(const fs::path& folder, bool base) const {
    std::vector<api::FileDeclarations> out;
    auto files = rule_files_in(folder);
    for (const auto& [path, text] : open_)
      if (fs::path(path).parent_path() == folder && std::find(files.begin(), files.end(), path) == files.end())
        files.push_back(path);
    for (const auto& f : files) {
      auto found = api::declarations(f, text_of(f), base);
      if (found.parsed) out.push_back(std::move(found));
    }
    return out;
  }

  // Every declaration visible from a file: its edition's, then its base edition's.
  std::vector<Symbol> symbols_for(const std::string& path) const {
    std::vector<Symbol> out;
    const fs::path folder = fs::path(path).parent_path();
    std::string base_name;
    for (auto& file : parse_folder(folder, false)) {
      out.insert(out.end(), file.declarations.begin(), file.declarations.end());
      if (!file.base_edition.empty()) base_name = file.base_edition;
    }
    if (base_name.empty()) return out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder.parent_path(), ec)) {
      if (!e.is_directory() || e.path() == folder) continue;
      const auto other = parse_folder(e.path(), true);
      const bool is_base =
          std::any_of(other.begin(), other.end(), [&](const auto& f) { return f.edition == base_name; });
      if (!is_base) continue;
      for (const auto& f : other) out.insert(out.end(), f.declarations.begin(), f.declarations.end());
    }
    return out;
  }

  // The name under the cursor: {path, text, begin, end}.
  std::optional<std::tuple<std::string, std::string, std::size_t, std::size_t>> name_at(const json& params) const {
    const std::string path = uri_to_path(params.at("textDocument").at("uri"));
    std::string text = text_of(path);
    auto [b, e] = api::name_at(text, offset_of(text, params.at("position")));
    if (b == e) return std::nullopt;
    return std::make_tuple(path, std::move(text), b, e);
  }

  json location(const Symbol& s) const {
    const std::string text = text_of(s.file);
    return {{"uri", path_to_uri(s.file)}, {"range", range_of(text, s.begin, s.end)}};
  }

  json hover(const json& params) const {
    auto at = name_at(params);
    if (!at) return nullptr;
    const auto& [path, text, b, e] = *at;
    const std::string name = text.substr(b, e - b);
    // This edition's declaration, then (for a revision) the base edition's.
    std::string shown;
    for (const auto& s : symbols_for(path))
      if (s.name == name && (shown.empty() || s.base)) {
        shown += (shown.empty() ? "" : "\n\n---\n\n") + s.hover;
        if (s.base) break;
      }
    if (shown.empty()) return nullptr;
    return {{"contents", {{"kind", "markdown"}, {"value", shown}}}, {"range", range_of(text, b, e)}};
  }

  json definition(const json& params) const {
    auto at = name_at(params);
    json out = json::array();
    if (!at) return out;
    const auto& [path, text, b, e] = *at;
    const std::string name = text.substr(b, e - b);
    for (const auto& s : symbols_for(path))
      if (s.name == name) out.push_back(location(s));
    return out;
  }

  // Every place the name is written in the edition's files (and the base's):
  // whole identifiers outside strings and comments.
  json references(const json& params) const {
    auto at = name_at(params);
    json out = json::array();
    if (!at) return out;
    const auto& [path, text, b, e] = *at;
    const std::string name = text.substr(b, e - b);
    std::vector<std::string> files;
    for (const auto& s : symbols_for(path))
      if (std::find(files.begin(), files.end(), s.file) == files.end()) files.push_back(s.file);
    for (const auto& f : files) {
      const std::string t = text_of(f);
      for (auto [rb, re] : api::names_in(t))
        if (t.compare(rb, re - rb, name) == 0) out.push_back({{"uri", path_to_uri(f)}, {"range", range_of(t, rb, re)}});
    }
    return out;
  }

  // Every name the edition (and its base) declares, then the keywords; the
  // editor filters by what is typed.
  json completion(const std::string& path) const {
    json items = json::array();
    std::set<std::string> seen;
    for (const auto& sym : symbols_for(path)) {
      if (!seen.insert(sym.name).second) continue;
      const int kind = completion_kind(sym.kind);
      const std::string first_line = sym.hover.substr(0, sym.hover.find('\n'));
      items.push_back({{"label", sym.name}, {"kind", kind}, {"detail", first_line},
                       {"documentation", {{"kind", "markdown"}, {"value", sym.hover}}}});
    }
    for (const auto word : api::keywords())
      if (seen.insert(std::string(word)).second) items.push_back({{"label", std::string(word)}, {"kind", 14}});
    return items;
  }

  json document_symbols(const std::string& path) const {
    json out = json::array();
    const std::string text = text_of(path);
    for (const auto& item : api::document_symbols(path, text)) {
      json sym = {{"name", item.name},
                  {"kind", symbol_kind(item.kind)},
                  {"location", {{"uri", path_to_uri(path)}, {"range", range_of(text, item.begin, item.end)}}}};
      if (!item.container.empty()) sym["containerName"] = item.container;
      out.push_back(std::move(sym));
    }
    return out;
  }

  json formatting(const std::string& path) const {
    const std::string text = text_of(path);
    const api::Formatted r = api::format(text, path);
    if (!r.ok || r.text == text) return json::array();
    return json::array({{{"range", range_of(text, 0, text.size())}, {"newText", r.text}}});
  }
};

}  // namespace

int cmd_lsp(int argc, char** argv) {
  Args args;
  if (auto done = start_command("lsp", argc, argv, args)) return *done;
  std::ios::sync_with_stdio(false);
  return Server().run();
}

}  // namespace kuan::cli
