// kuan lsp's server (tools/lsp.hpp) — a language server over JSON-RPC with Content-Length frames:
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
#include <istream>
#include <ostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/lsp.hpp"
#include "tools/output.hpp"

namespace kuan::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// ---------------------------------------------------------------- transport
// One frame: header lines, an empty line, then Content-Length bytes. Every
// limit is checked before anything is allocated for the body, and a bad frame
// is an error for its client, never the end of the server.
struct Frame {
  // Lost: a header line with no end in sight; no later frame can be found.
  enum class Kind { Message, Bad, Lost, End } kind = Kind::End;
  std::string body;   // Message
  std::string error;  // Bad: why (sent as a -32600 error)
};

Frame read_frame(std::istream& in) {
  Frame f;
  std::optional<std::size_t> length;
  bool bad_length = false, any_header = false;
  std::string line;
  for (int lines = 0;; ++lines) {
    const LineRead got = read_line(in, line, kMaxLspHeaderLine);
    if (got == LineRead::End) return f;  // End: the input is over
    if (got == LineRead::TooLong) {
      f.kind = Frame::Kind::Lost;
      f.error = fmt::format("消息头的一行超过 {} 字节,无法再分出消息,服务结束", kMaxLspHeaderLine);
      return f;
    }
    if (lines >= kMaxLspHeaders) {
      f.kind = Frame::Kind::Bad;
      f.error = fmt::format("消息头过长:至多 {} 行", kMaxLspHeaders);
      return f;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!any_header) continue;  // blank lines between frames
      break;
    }
    any_header = true;
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (colon == std::string::npos || name != "content-length") continue;  // Content-Type and others: ignored
    std::string_view v = std::string_view(line).substr(colon + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    std::size_t n = 0;
    bool ok = !v.empty() && v.size() <= 12;
    for (const char c : v) ok = ok && c >= '0' && c <= '9', n = n * 10 + static_cast<std::size_t>(c - '0');
    if (!ok || (length && *length != n)) bad_length = true;  // the same length twice is still one length
    else length = n;
  }
  if (bad_length || !length) {
    f.kind = Frame::Kind::Bad;
    f.error = bad_length ? fmt::format("Content-Length 无效(须为一个不大于 {} 的非负整数)", kMaxLspMessage)
                         : "消息头中没有 Content-Length";
    return f;
  }
  if (*length > kMaxLspMessage) {
    // Too large to take: its bytes are skipped in pieces, so the next frame is found.
    char chunk[1 << 16];
    for (std::size_t left = *length; left > 0 && in;) {
      in.read(chunk, static_cast<std::streamsize>(std::min(left, sizeof chunk)));
      left -= static_cast<std::size_t>(in.gcount());
    }
    f.kind = Frame::Kind::Bad;
    f.error = fmt::format("消息过大:{} 字节,至多 {} 字节", *length, kMaxLspMessage);
    return f;
  }
  // Grown as the bytes come, so a length announced but never sent costs nothing.
  while (f.body.size() < *length) {
    const std::size_t had = f.body.size(), want = std::min(*length - had, std::size_t{1} << 20);
    f.body.resize(had + want);
    in.read(f.body.data() + had, static_cast<std::streamsize>(want));
    if (static_cast<std::size_t>(in.gcount()) != want) return Frame{};  // cut short: the input is over
  }
  f.kind = Frame::Kind::Message;
  return f;
}

// True when the body's arrays and objects nest deeper than kMaxLspNesting
// (found without parsing: a million '[' would exhaust the stack of the JSON
// library's recursive parts). Brackets inside strings do not count.
bool too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxLspNesting) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
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

// Positions in one document: where each line starts, found once, so that
// thousands of ranges in a large document cost a search each, not a scan
// from its start. LSP positions count UTF-16 code units within a line.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) starts_.push_back(i + 1);
  }

  json position(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    const std::size_t line = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
    std::size_t units = 0;
    for (std::size_t i = starts_[line]; i < offset;) units += api::next_code_point(text_, i) > 0xFFFF ? 2 : 1;
    return {{"line", line}, {"character", units}};
  }

  json range(std::size_t begin, std::size_t end) const { return {{"start", position(begin)}, {"end", position(end)}}; }

  // The offset of an LSP position (line 0-based, UTF-16 units), clamped to the line and the text.
  std::size_t offset(std::size_t line, std::size_t character) const {
    if (line >= starts_.size()) return text_.size();
    std::size_t i = starts_[line];
    for (std::size_t units = 0; units < character && i < text_.size() && text_[i] != '\n';)
      units += api::next_code_point(text_, i) > 0xFFFF ? 2 : 1;
    return i;
  }

  // The offset of a diagnostic's place: line and column 1-based, columns in characters.
  std::size_t offset_of_column(std::size_t line, std::size_t column) const {
    if (line == 0 || line > starts_.size()) return line == 0 ? 0 : text_.size();
    std::size_t i = starts_[line - 1];
    for (std::size_t c = 1; c < column && i < text_.size() && text_[i] != '\n'; ++c) api::next_code_point(text_, i);
    return i;
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

// A request's position, checked: {"line": n, "character": n} with non-negative integers.
std::size_t offset_at(const Lines& lines, const json& position) {
  const json& line = position.at("line");
  const json& character = position.at("character");
  if (!line.is_number_unsigned() || !character.is_number_unsigned()) throw std::invalid_argument("position 须为非负整数");
  return lines.offset(line.get<std::size_t>(), character.get<std::size_t>());
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
  Server(std::istream& in, std::ostream& out) : in_(in), out_(out) {}

  // Serves until `exit` or the end of the input; a malformed message gets a
  // JSON-RPC error and the server goes on. Ends early (74) only when the
  // client can no longer be written to.
  int run() {
    for (;;) {
      Frame frame = read_frame(in_);
      if (frame.kind == Frame::Kind::End) return exit_code_;
      if (frame.kind == Frame::Kind::Lost) {
        error(nullptr, -32600, frame.error);
        return kExitBadInput;
      }
      if (frame.kind == Frame::Kind::Bad) {
        error(nullptr, -32600, frame.error);
      } else if (too_deep(frame.body)) {
        error(nullptr, -32600, fmt::format("消息的 JSON 嵌套超过 {} 层", kMaxLspNesting));
      } else {
        json message = json::parse(frame.body, nullptr, false);
        if (message.is_discarded()) error(nullptr, -32700, "无法解析的 JSON");
        else if (dispatch(message)) return exit_code_;
      }
      if (!out_) return kExitCannotWrite;
    }
  }

 private:
  std::istream& in_;
  std::ostream& out_;
  std::map<std::string, std::string> open_;  // path → text, as typed
  int exit_code_ = 1;                        // 0 once shutdown was asked for

  void send(const json& message) {
    if (!out_) return;
    const std::string body = message.dump(-1, ' ', false, json::error_handler_t::replace);
    out_ << "Content-Length: " << body.size() << "\r\n\r\n" << body;
    out_.flush();
  }

  void error(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }

  // One message; true when it was `exit`. A request that is not one (-32600)
  // or whose params do not fit its method (-32602) gets an error; a
  // notification never gets an answer, so a bad one is dropped.
  bool dispatch(const json& message) {
    if (!message.is_object()) {
      error(nullptr, -32600, "不是 JSON-RPC 请求:须为一个对象");
      return false;
    }
    const auto id_it = message.find("id");
    const bool has_id = id_it != message.end();
    const bool id_ok = has_id && (id_it->is_string() || id_it->is_number_integer() || id_it->is_null());
    const json id = id_ok ? *id_it : json();
    const auto method_it = message.find("method");
    if (method_it == message.end() && (message.contains("result") || message.contains("error"))) return false;  // a reply to us
    if (method_it == message.end() || !method_it->is_string() || (has_id && !id_ok)) {
      error(id, -32600,
            method_it == message.end()   ? "不是 JSON-RPC 请求:没有 method"
            : !method_it->is_string()    ? "不是 JSON-RPC 请求:method 须为字符串"
                                         : "不是 JSON-RPC 请求:id 须为字符串或整数");
      return false;
    }
    const std::string method = method_it->get<std::string>();
    if (method == "exit") return true;
    const auto params = message.find("params");
    if (params != message.end() && !params->is_object() && !params->is_array() && !params->is_null()) {
      if (has_id) error(id, -32602, "params 须为对象");
      return false;
    }
    try {
      handle(method, params != message.end() && params->is_object() ? *params : json::object(), id, has_id);
    } catch (const json::exception& e) {  // a member missing or of the wrong type
      if (has_id) error(id, -32602, std::string("参数无效:") + e.what());
    } catch (const std::invalid_argument& e) {
      if (has_id) error(id, -32602, std::string("参数无效:") + e.what());
    } catch (const std::exception& e) {
      if (has_id) error(id, -32603, e.what());
    }
    return false;
  }

  void reply(const json& id, json result) { send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}); }

  static std::string text_member(const json& object, const char* key) {
    const json& v = object.at(key);
    if (!v.is_string()) throw std::invalid_argument(std::string(key) + " 须为字符串");
    return v.get<std::string>();
  }
  static std::string document_path(const json& params) { return uri_to_path(text_member(params.at("textDocument"), "uri")); }

  void handle(const std::string& method, const json& params, const json& id, bool has_id) {
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
      std::string text = text_member(doc, "text");
      open_[document_path(params)] = std::move(text);
      publish_diagnostics();
    } else if (method == "textDocument/didChange") {
      const auto& changes = params.at("contentChanges");
      if (!changes.is_array()) throw std::invalid_argument("contentChanges 须为数组");
      if (!changes.empty()) {
        std::string text = text_member(changes.back(), "text");
        open_[document_path(params)] = std::move(text);
      }
      publish_diagnostics();
    } else if (method == "textDocument/didClose") {
      const std::string path = document_path(params);
      open_.erase(path);
      send({{"jsonrpc", "2.0"},
                     {"method", "textDocument/publishDiagnostics"},
                     {"params", {{"uri", path_to_uri(path)}, {"diagnostics", json::array()}}}});
    } else if (method == "textDocument/hover") {
      reply(id, hover(params));
    } else if (method == "textDocument/definition") {
      reply(id, definition(params));
    } else if (method == "textDocument/references") {
      reply(id, references(params));
    } else if (method == "textDocument/completion") {
      reply(id, completion(document_path(params)));
    } else if (method == "textDocument/documentSymbol") {
      reply(id, document_symbols(document_path(params)));
    } else if (method == "textDocument/formatting") {
      reply(id, formatting(document_path(params)));
    } else if (has_id) {
      error(id, -32601, "不支持的方法 " + method.substr(0, 200));
    }
  }

  std::string text_of(const std::string& path) const {
    if (auto it = open_.find(path); it != open_.end()) return it->second;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return "";  // a FIFO or a device named by a client must not block the server
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

  // Only error_code overloads here and below: an entry that cannot be looked at
  // (a symlink loop, a dangling link, a folder without permission) is skipped,
  // never a filesystem_error that would leave the document without diagnostics.
  static std::vector<std::string> rule_files_in(const fs::path& folder) {
    std::vector<std::string> out;
    std::error_code ec, entry_ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(entry_ec) && it->path().extension() == ".kuan") out.push_back(it->path().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  void publish_diagnostics() {
    std::map<std::string, json> by_file;
    for (const auto& [path, text] : open_) by_file[path] = json::array();
    std::map<std::string, std::vector<std::string>> roots;  // what is loaded → its open documents
    for (const auto& [path, text] : open_) {
      std::error_code ec;
      roots[fs::exists(path, ec) ? policy_root(path).string() : path].push_back(path);
    }
    std::map<std::string, Lines> line_index;  // per open document, made once
    for (const auto& [root, documents] : roots) {
      const std::string& path = documents.front();
      std::error_code ec;
      // A new file, not saved yet, is checked alone.
      const api::LoadResult checked =
          fs::exists(path, ec) ? api::load_with_unsaved(root, open_) : api::Policy::from_sources({{path, text_of(path)}});
      for (const auto& d : checked.diagnostics) {
        const auto as_lsp = [&d](json range) {
          return json{{"range", std::move(range)},
                      {"severity", d.severity == api::Severity::Error ? 1 : d.severity == api::Severity::Warning ? 2 : 3},
                      {"source", "kuan"},
                      {"message", d.message}};
        };
        if (d.file.empty()) {  // about the folder (an entry that cannot be read): shown at the top of its documents
          const json top = {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}};
          for (const auto& doc : documents) by_file[doc].push_back(as_lsp(top));
          continue;
        }
        auto it = by_file.find(d.file);
        if (it == by_file.end()) continue;
        const std::string& doc = open_.at(d.file);
        auto index = line_index.find(d.file);
        if (index == line_index.end()) index = line_index.emplace(d.file, Lines(doc)).first;
        // The diagnostic's own line and column (its source may be gone by now).
        const std::size_t begin =
            index->second.offset_of_column(static_cast<std::size_t>(d.line), static_cast<std::size_t>(d.column));
        const std::size_t end = std::min(doc.size(), begin + d.length);
        it->second.push_back(as_lsp(index->second.range(begin, std::max(begin, end))));
      }
    }
    for (auto& [path, list] : by_file)
      send({{"jsonrpc", "2.0"},
                     {"method", "textDocument/publishDiagnostics"},
                     {"params", {{"uri", path_to_uri(path)}, {"diagnostics", std::move(list)}}}});
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
    std::error_code ec, entry_ec;
    for (fs::directory_iterator it(folder.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_directory(entry_ec) || it->path() == folder) continue;
      const auto other = parse_folder(it->path(), true);
      const bool is_base =
          std::any_of(other.begin(), other.end(), [&](const auto& f) { return f.edition == base_name; });
      if (!is_base) continue;
      for (const auto& f : other) out.insert(out.end(), f.declarations.begin(), f.declarations.end());
    }
    return out;
  }

  // The name under the cursor: {path, text, begin, end}.
  std::optional<std::tuple<std::string, std::string, std::size_t, std::size_t>> name_at(const json& params) const {
    const std::string path = document_path(params);
    std::string text = text_of(path);
    auto [b, e] = api::name_at(text, offset_at(Lines(text), params.at("position")));
    if (b == e) return std::nullopt;
    return std::make_tuple(path, std::move(text), b, e);
  }

  json location(const Symbol& s) const {
    const std::string text = text_of(s.file);
    return {{"uri", path_to_uri(s.file)}, {"range", Lines(text).range(s.begin, s.end)}};
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
    return {{"contents", {{"kind", "markdown"}, {"value", shown}}}, {"range", Lines(text).range(b, e)}};
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
      const Lines lines(t);
      for (auto [rb, re] : api::names_in(t))
        if (t.compare(rb, re - rb, name) == 0) out.push_back({{"uri", path_to_uri(f)}, {"range", lines.range(rb, re)}});
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
    // Units after a number (12个月, 5000元/月): CompletionItemKind Unit.
    for (auto& unit : api::units())
      if (seen.insert(unit).second) items.push_back({{"label", std::move(unit)}, {"kind", 11}, {"detail", "单位"}});
    return items;
  }

  json document_symbols(const std::string& path) const {
    json out = json::array();
    const std::string text = text_of(path);
    const Lines lines(text);
    for (const auto& item : api::document_symbols(path, text)) {
      json sym = {{"name", item.name},
                  {"kind", symbol_kind(item.kind)},
                  {"location", {{"uri", path_to_uri(path)}, {"range", lines.range(item.begin, item.end)}}}};
      if (!item.container.empty()) sym["containerName"] = item.container;
      out.push_back(std::move(sym));
    }
    return out;
  }

  json formatting(const std::string& path) const {
    const std::string text = text_of(path);
    const api::Formatted r = api::format(text, path);
    if (!r.ok || r.text == text) return json::array();
    return json::array({{{"range", Lines(text).range(0, text.size())}, {"newText", r.text}}});
  }
};

}  // namespace

int serve_lsp(std::istream& in, std::ostream& out) { return Server(in, out).run(); }

}  // namespace kuan::cli
