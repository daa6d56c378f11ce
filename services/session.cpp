#include "services/session.hpp"
#include "services/session_shared.hpp"

#include "interpreter/render.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <set>

#include <fmt/format.h>

#include "base/date.hpp"
#include "base/suggest.hpp"
#include "interpreter/facts.hpp"
#include "base/limits.hpp"
#include "base/source.hpp"
#include "lang/checker.hpp"
#include "lang/format.hpp"
#include "lang/keywords.hpp"
#include "lang/parser.hpp"
#include "lang/revisions.hpp"

namespace kuan::repl {

// ---------------------------------------------------------------- shared with session_commands.cpp (session_shared.hpp)

bool is_space_at(std::string_view s, std::size_t i, std::size_t* len) {
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

std::string trim(std::string_view s) {
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

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

Reply fail(std::string text) { return Reply{std::move(text), false, false, Kind::Error, nullptr}; }

Reply said(std::string text, Kind kind) { return Reply{std::move(text), true, false, kind, nullptr}; }

const Edition* choose(const Policy& policy, const Selection& s, std::string& error) {
  // With both, the version names the edition and the date is the applications' only
  // (施行 on a measure or clause), as with kuan eval --version V --as-of D.
  if (!s.version.empty() && !s.as_of.empty()) {
    if (!parse_date(s.as_of)) {
      error = bad_date_message("--as-of", "\"" + echo(s.as_of) + "\"");
      return nullptr;
    }
    return policy.edition(s.version, error);
  }
  return policy.choose(s.version.empty() ? nullptr : &s.version, s.as_of.empty() ? nullptr : &s.as_of, error);
}

std::string application_date(const Selection& s) {
  if (!s.as_of.empty()) return "申请日期:" + s.as_of + "\n";
  return "申请日期:今天(" + format_date(china_standard_day(static_cast<std::int64_t>(std::time(nullptr)))) + ",中国标准时间)\n";
}

std::string edition_summary(const Edition& ed) {
  std::string s = "版本 " + ed.name + "(施行 " + format_date(ed.effective_from);
  s += ed.effective_to ? " 至 " + format_date(*ed.effective_to) : std::string(" 起");
  return fmt::format("{},{} 项措施)", s, ed.measures.size());
}

namespace {

// ---------------------------------------------------------------- reading input

// `s` starts with the keyword `kw` as a whole word (条款 (一), 例 算力券 …).
bool starts_with_keyword(std::string_view s, std::string_view kw) {
  if (s.compare(0, kw.size(), kw) != 0) return false;
  if (s.size() == kw.size()) return true;
  std::size_t len = 0;
  if (is_space_at(s, kw.size(), &len)) return true;
  const std::string_view rest = s.substr(kw.size());
  return rest[0] == '(' || rest[0] == '"' || rest[0] == '{' || rest.rfind("「", 0) == 0 || rest.rfind("\uFF08", 0) == 0;
}

// The next word after position `i`: up to white space or punctuation that ends a name.
std::string word_at(std::string_view s, std::size_t i) {
  std::size_t len = 0;
  while (is_space_at(s, i, &len)) i += len;
  std::size_t e = i;
  while (e < s.size() && !is_space_at(s, e, &len) && std::string_view(":=\"{,").find(s[e]) == std::string_view::npos &&
         s.compare(e, 3, "\uFF1A") != 0)
    ++e;
  return std::string(s.substr(i, e - i));
}

// ---------------------------------------------------------------- rebuilding an edition

using Modules = std::vector<std::unique_ptr<ast::Module>>;

// Fresh syntax trees of an edition (the checker annotates the trees it is
// given, so a rebuild cannot reuse the edition's own): its files parsed again
// and, for an edition written as changes (基于), laid over its base's.
std::optional<Modules> fresh_modules(const Policy* policy, const Edition& ed,
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


// The one place the session reaches the checker: the base edition's files
// (parsed afresh) with the inline source laid over it → a checked edition,
// null with the diagnostics.
std::shared_ptr<const Edition> derive(const Policy* policy, const Edition& base, SourcePtr inline_source,
                                      std::vector<Diagnostic>& diagnostics) {
  auto modules = fresh_modules(policy, base, diagnostics);
  if (!modules) return nullptr;
  if (inline_source) {
    auto parsed = parse_module(std::move(inline_source));
    diagnostics.insert(diagnostics.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
    if (!parsed.module) return nullptr;
    // The inline source is a layer over the edition, like an edition written
    // as changes (基于): 修订/替换/删除 change what the files declare, anything
    // else is added. It carries the edition's header, which the layering
    // takes from the files underneath.
    for (const auto& m : *modules) {
      if (m->edition) parsed.module->edition = m->edition;
      if (m->base_edition) parsed.module->base_edition = m->base_edition;
      if (m->effective_from) parsed.module->effective_from = m->effective_from;
      if (m->effective_to) parsed.module->effective_to = m->effective_to;
    }
    Modules layer;
    layer.push_back(std::move(parsed.module));
    modules = apply_revisions(std::move(*modules), std::move(layer), diagnostics);
    if (has_errors(diagnostics)) return nullptr;
  }
  auto ed = build_edition(std::move(*modules), diagnostics);
  if (!ed) return nullptr;
  ed->effective_to = base.effective_to;  // an implied end comes from the next edition
  ed->end_implied = base.end_implied;
  return std::shared_ptr<const Edition>(std::move(ed));
}

constexpr const char* kInputName = "<输入>";
constexpr const char* kInlineName = "<repl>";
constexpr const char* kHeaderName = "<repl-header>";
constexpr const char* kHeader =
    "政策 \"REPL\"\n"
    "版本 \"REPL\"\n"
    "施行 2000-01-01 起\n"
    "舍入 四舍五入 至 0.01元\n";

// The reserved words that start a declaration typed inline (lang/keywords.hpp);
// a header line cannot be typed. A natural word (限额, 状态) may be a fact's
// name, so it does not make an entry a declaration.
bool reserved_in(std::string_view word, std::initializer_list<keywords::Role> roles) {
  const keywords::Keyword* k = keywords::find(word);
  return k && k->reach == keywords::Reach::Reserved && std::find(roles.begin(), roles.end(), k->role) != roles.end();
}
const std::vector<std::string_view> kDeclKeywords = [] {
  std::vector<std::string_view> out;
  for (const auto& k : keywords::kAll)
    if (reserved_in(k.word, {keywords::Role::Declaration, keywords::Role::Revision})) out.push_back(k.word);
  return out;
}();
const std::vector<std::string_view> kHeaderKeywords = [] {
  std::vector<std::string_view> out;
  for (const auto& k : keywords::kAll)
    if (reserved_in(k.word, {keywords::Role::Header})) out.push_back(k.word);
  return out;
}();

// 限额 and 性质 are natural words (a fact may be so named): they start an inline
// declaration only when written as WORD NAME ["…"] { ….
std::string natural_declaration(std::string_view t) {
  for (const auto& k : keywords::kAll) {
    if (k.reach != keywords::Reach::Natural || (k.role != keywords::Role::Declaration && k.role != keywords::Role::Property))
      continue;
    if (!starts_with_keyword(t, k.word)) continue;
    const std::string name = word_at(t, k.word.size());
    if (name.empty()) continue;
    const std::string rest = trim(t.substr(t.find(name, k.word.size()) + name.size()));
    for (const char* opener : {"{", "\uFF5B", "\"", "「", "“"})
      if (rest.rfind(opener, 0) == 0) return std::string(k.word);
  }
  return "";
}


std::string render(const Span& span, const std::string& message) {
  if (span.valid()) return make_diagnostic(Severity::Error, span, message).rendered;
  return "错误:" + message + "\n";
}

std::string render_errors(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics)
    if (d.severity == Severity::Error) out += d.rendered;
  return out;
}

std::string describe(const Edition& ed, const Type& t) {
  if (t.kind == TypeKind::Enum && t.enum_id >= 0 && t.enum_id < static_cast<int>(ed.enums.size()))
    return "枚举(" + ed.enums[t.enum_id].name + ")";
  return type_name(t.kind);
}

}  // namespace


// ---------------------------------------------------------------- loading

Reply Session::open(const std::optional<std::string>& policy, const Selection& selection, bool* bad_input) {
  if (bad_input) *bad_input = false;
  selection_ = selection;
  std::string notes;
  if (!policy) {
    if (!selection.version.empty() || (!selection.as_of.empty() && !parse_date(selection.as_of))) {
      if (bad_input) *bad_input = true;
      return fail(!selection.version.empty() ? "--version 需要一个 POLICY\n"
                                             : bad_date_message("--as-of", "\"" + echo(selection.as_of) + "\"") + "\n");
    }
    header_ = std::make_shared<SourceFile>(kHeaderName, kHeader);
    std::vector<Diagnostic> diagnostics;
    std::shared_ptr<const Edition> ed = build_edition({header_}, diagnostics);
    if (!ed) return fail(render_errors(diagnostics));
    switch_base(nullptr, ed, notes);
    return said(notes, Kind::Nothing);
  }
  std::vector<Diagnostic> diagnostics;
  auto loaded = Policy::load(*policy, diagnostics);
  if (!loaded) {
    std::string out = render_diagnostics(diagnostics);
    return fail(out);
  }
  std::string error;
  const Edition* ed = choose(*loaded, selection, error);
  if (!ed) {
    if (bad_input) *bad_input = true;
    return fail(error + "\n");
  }
  policy_path_ = *policy;
  switch_base(loaded, std::shared_ptr<const Edition>(loaded, ed), notes);
  return said(notes, Kind::Nothing);
}

std::shared_ptr<const Edition> Session::build(const std::vector<Chunk>& chunks, std::string& errors) const {
  std::vector<Diagnostic> diagnostics;
  auto report = [&]() -> std::shared_ptr<const Edition> {
    errors = render_errors(diagnostics);
    if (errors.empty()) errors = "错误:无法由这些规则建立版本\n";
    bool redeclared = false;
    for (const auto& d : diagnostics)
      if (d.severity == Severity::Error && d.file == kInlineName && d.message.find(" 已在 ") != std::string::npos)
        redeclared = true;
    if (redeclared) errors += "提示:要改动规则中已有的声明,写 修订 参数 …、修订 措施 … { … } 或 替换 措施 …\n";
    return nullptr;
  };
  SourcePtr inline_source;
  if (!chunks.empty()) {
    std::string text;
    for (const auto& c : chunks) text += c.text + "\n";
    inline_source = std::make_shared<SourceFile>(kInlineName, std::move(text));
  }
  auto ed = derive(policy_.get(), *base_, std::move(inline_source), diagnostics);
  return ed ? ed : report();
}

void Session::switch_base(std::shared_ptr<const Policy> policy, std::shared_ptr<const Edition> base, std::string& out) {
  policy_ = std::move(policy);
  base_ = std::move(base);
  edition_ = base_;
  if (!chunks_.empty()) {
    std::string errors;
    if (auto ed = build(chunks_, errors)) {
      edition_ = ed;
    } else {
      out += errors + "注意:内联定义与现在的规则不相容,已全部舍弃\n";
      chunks_.clear();
      inline_text_.clear();
    }
  }
  rebind_facts(out);
}

void Session::rebind_facts(std::string& out) {
  const Edition& ed = *edition_;
  std::vector<FactSetting> kept;
  for (auto& f : facts_) {
    const int slot = ed.find_fact(f.name);
    if (slot < 0) {
      out += "注意:事实 " + f.name + " 已不在规则中,已清除\n";
      continue;
    }
    const Type& t = ed.facts[slot].type;
    if (t.kind == TypeKind::Enum) {
      const auto& values = ed.enums[t.enum_id].values;
      auto it = std::find(values.begin(), values.end(), f.enum_value);
      if (f.value.kind != TypeKind::Enum || it == values.end()) {
        out += "注意:事实 " + f.name + " 的值 " + (f.enum_value.empty() ? show(f.value, Type{f.value.kind}) : f.enum_value) +
               " 已不是它的取值,已清除\n";
        continue;
      }
      f.value.small = it - values.begin();
    } else if (f.value.kind != t.kind && !(t.kind == TypeKind::Number && f.value.kind == TypeKind::Integer)) {
      out += "注意:事实 " + f.name + " 现在是" + describe(ed, t) + ",原来的值已清除\n";
      continue;
    } else {
      f.value.kind = t.kind;
    }
    kept.push_back(std::move(f));
  }
  facts_ = std::move(kept);
}

FactValues Session::fact_values() const {
  FactValues values(edition_->facts.size());
  if (!selection_.as_of.empty()) values.as_of = parse_date(selection_.as_of);  // else today in China
  for (const auto& f : facts_)
    if (const int slot = edition_->find_fact(f.name); slot >= 0) values.set(slot, f.value);
  return values;
}

std::string Session::show(const Value& v, const Type& type) const {
  switch (v.kind) {
    case TypeKind::Money: return v.number.normalized().to_string() + "元";
    case TypeKind::Rate: return (v.number * Decimal::from_int(100)).normalized().to_string() + "%";
    case TypeKind::Integer:
    case TypeKind::Number: return v.number.normalized().to_string();
    case TypeKind::Enum:
      if (type.kind == TypeKind::Enum && type.enum_id >= 0 && type.enum_id < static_cast<int>(edition_->enums.size())) {
        const auto& values = edition_->enums[type.enum_id].values;
        if (v.small >= 0 && v.small < static_cast<std::int64_t>(values.size())) return values[v.small];
      }
      break;
    default: break;
  }
  return format_value(edition_.get(), v);
}

// ---------------------------------------------------------------- input

bool Session::whole(std::string_view entry) {
  const std::string t = trim(entry);
  if (t.empty() || t[0] == ':' || t.rfind("\uFF1A", 0) == 0) return true;
  return input_status(entry) != InputStatus::Incomplete;
}

// An entry open over many lines is not parsed again after every line (a
// block of 10,000 lines would cost 10,000 parses of a growing text): only a
// line that could close what is open — a '}', '｝', '」' or '”' — can make an
// incomplete entry whole, so the others are parsed only while the entry is
// short, or once it has doubled since its last parse (a mistake in a long
// block is then reported a few lines late, never missed; parsing stays linear).
bool Session::worth_asking(std::string_view line) {
  constexpr std::size_t kAlwaysBelow = 8192;
  const bool may_close = line.find('}') != std::string_view::npos || line.find("\uFF5D") != std::string_view::npos ||
                         line.find("\u300D") != std::string_view::npos || line.find("\u201D") != std::string_view::npos;
  if (!may_close && pending_.size() >= kAlwaysBelow && pending_.size() < 2 * pending_parsed_) return false;
  pending_parsed_ = pending_.size();
  return true;
}

Reply Session::feed(std::string_view raw) {
  try {
    std::string line(raw);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (pending_.empty()) {
      if (trim(line).empty()) return {};
      if (!whole(line)) {
        pending_ = line;
        pending_parsed_ = line.size();
        return {};
      }
      return handle(line);
    }
    if (trim(line) == ":cancel") {
      pending_.clear();
      return said("已放弃未完成的输入\n", Kind::Command);
    }
    pending_ += "\n" + line;
    if (pending_.size() > limits::kMaxFileBytes) {  // an entry never closed must not grow without end
      pending_.clear();
      return fail(fmt::format("错误:未闭合的输入超过 {} 字节,已放弃\n", limits::kMaxFileBytes));
    }
    if (!worth_asking(line) || !whole(pending_)) return {};
    std::string entry = std::move(pending_);
    pending_.clear();
    return handle(entry);
  } catch (const std::exception& e) {
    pending_.clear();
    return fail(std::string("内部错误:") + e.what() + "\n");
  } catch (...) {
    pending_.clear();
    return fail("内部错误\n");
  }
}

Reply Session::handle(const std::string& entry) {
  const std::string t = trim(entry);
  if (t.empty()) return {};
  if (t[0] == ':' || t.rfind("\uFF1A", 0) == 0) return command(t);
  for (std::string_view kw : kDeclKeywords)
    if (starts_with_keyword(t, kw)) return define(entry);
  if (!natural_declaration(t).empty()) return define(entry);
  for (std::string_view kw : kHeaderKeywords)
    if (starts_with_keyword(t, kw) && trim(std::string_view(t).substr(kw.size())).rfind('(', 0) != 0)
      return fail("错误:" + std::string(kw) + " 属于版本头,不能在 REPL 中输入;用 :load 载入政策,或 :version 切换版本\n");
  // NAME = EXPR with NAME a declared fact: an assignment (== compares).
  for (std::size_t i = 0; i < entry.size(); ++i) {
    if (entry[i] != '=') continue;
    const bool single = (i + 1 >= entry.size() || (entry[i + 1] != '=' && entry[i + 1] != '>')) &&
                        (i == 0 || std::string_view("<>!=").find(entry[i - 1]) == std::string_view::npos);
    if (!single) break;
    const std::string name = trim(std::string_view(entry).substr(0, i));
    if (const int slot = edition_->find_fact(name); slot >= 0) return assign(entry, i, slot);
    for (const auto& p : edition_->params)
      if (p.decl->name == name)
        return fail("错误:" + name + " 是参数,不能赋值(比较请用 ==;要试另一个值,可内联定义一个新参数:参数 名称 = 值)\n");
    for (const auto& d : edition_->defines)
      if (d.decl->name == name) return fail("错误:" + name + " 是定义,不能赋值(比较请用 ==)\n");
    break;
  }
  if (edition_->find_measure(t)) return run(t, false);
  return expression(entry);
}

namespace {
// The places of an explanation ("  [policies/x/2025年版/a.kuan:57:6]") relative to
// the policy folder ("  [2025年版/a.kuan:57:6]"): the session names the folder once.
std::string relative_places(std::string text, const std::string& policy_path) {
  std::string root = policy_path;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.size() >= 5 && root.compare(root.size() - 5, 5, ".kuan") == 0) {  // one rule file: its folder
    const std::size_t slash = root.rfind('/');
    root = slash == std::string::npos ? std::string() : root.substr(0, slash);
  }
  if (root.empty() || root == "/") return text;
  const std::string prefix = "  [" + root + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 3)) text.erase(at + 3, root.size() + 1);
  return text;
}
}  // namespace

Reply Session::expression(const std::string& entry) {
  auto source = std::make_shared<SourceFile>(kInputName, entry);
  auto parsed = parse_expression(source);
  if (!parsed.expr) return fail(render_errors(parsed.diagnostics));
  std::vector<Diagnostic> diagnostics;
  auto checked = check_expression(edition_.get(), *parsed.expr, diagnostics);
  if (!checked) return fail(render_errors(diagnostics));
  auto r = evaluate_expression(edition_.get(), *checked, fact_values());
  if (auto* err = std::get_if<EvalError>(&r)) return fail(render(err->span, err->message));
  return said(show(std::get<Value>(r), checked->type()) + "\n", Kind::Value);
}

Reply Session::assign(const std::string& entry, std::size_t eq, int slot) {
  const Edition& ed = *edition_;
  const FactInfo& fact = ed.facts[slot];
  const std::string& name = fact.decl->name;
  // Parse the right-hand side alone, but point every error into the whole line.
  auto line = std::make_shared<SourceFile>(kInputName, entry);
  auto rhs = std::make_shared<SourceFile>(kInputName, entry.substr(eq + 1));
  const auto offset = static_cast<std::uint32_t>(eq + 1);
  auto error_at = [&](const Span& s, const std::string& message) {
    if (s.file == rhs.get()) return render(Span{line.get(), s.begin + offset, s.end + offset}, message);
    return render(s, message);
  };
  auto errors_of = [&](const std::vector<Diagnostic>& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics)
      if (d.severity == Severity::Error) out += error_at(d.span, d.message);
    return out;
  };
  auto parsed = parse_expression(rhs);
  if (!parsed.expr) return fail(errors_of(parsed.diagnostics));
  const ast::Expr& e = *parsed.expr;
  FactSetting setting{name, {}, {}};
  if (fact.type.kind == TypeKind::Enum && e.kind == ast::ExprKind::Name) {
    // An enumeration value by its name: 采购类型 = 算力服务.
    const auto& values = ed.enums[fact.type.enum_id].values;
    auto it = std::find(values.begin(), values.end(), e.name);
    if (it == values.end() && ed.find_fact(e.name) < 0)
      return fail(error_at(e.span, e.name + " 不是 " + name + " 的取值(可取:" + join(values) + ")"));
    if (it != values.end()) {
      setting.value = Value::enumeration(static_cast<int>(it - values.begin()));
      setting.enum_value = *it;
    }
  }
  if (setting.value.kind == TypeKind::Error) {
    std::vector<Diagnostic> diagnostics;
    auto checked = check_expression(&ed, e, diagnostics);
    if (!checked) return fail(errors_of(diagnostics));
    const Type& want = fact.type;
    const Type& got = checked->type();
    // A plain number reads as the JSON facts read it: money in 元 (1200000 → 1200000元),
    // a rate as a fraction (0.3 → 30%).
    const bool as_in_json = (want.kind == TypeKind::Money || want.kind == TypeKind::Rate) && got.is_plain_number();
    if (!(got == want || as_in_json || (want.kind == TypeKind::Number && got.kind == TypeKind::Integer))) {
      const std::string message = "事实 " + name + " 须为" + describe(ed, want) + ",这里是" + describe(ed, got);
      return fail(error_at(e.span, message));
    }
    auto r = evaluate_expression(&ed, *checked, fact_values());
    if (auto* err = std::get_if<EvalError>(&r)) return fail(error_at(err->span, err->message));
    setting.value = std::get<Value>(std::move(r));
    setting.value.kind = want.kind;
    if (want.kind == TypeKind::Enum) setting.enum_value = show(setting.value, want);
  }
  // The same checks as facts given in JSON: money ≥ 0, rates within 0–100%, …
  json::Scalar scalar;
  switch (setting.value.kind) {
    case TypeKind::Money:
    case TypeKind::Integer:
    case TypeKind::Number:
      scalar.kind = json::Scalar::Kind::Number;
      scalar.text = setting.value.number.normalized().to_string();
      break;
    case TypeKind::Rate:
      scalar.kind = json::Scalar::Kind::String;
      scalar.text = show(setting.value, fact.type);
      break;
    case TypeKind::Bool:
      scalar.kind = json::Scalar::Kind::Bool;
      scalar.boolean = setting.value.truthy();
      break;
    case TypeKind::Date:
      scalar.kind = json::Scalar::Kind::String;
      scalar.text = format_date(static_cast<std::int32_t>(setting.value.small));
      break;
    default:
      scalar.kind = json::Scalar::Kind::String;
      scalar.text = setting.enum_value;
  }
  auto converted = convert_fact(ed, slot, scalar);
  if (auto* msg = std::get_if<std::string>(&converted)) return fail(error_at(e.span, *msg));
  const std::string shown = show(setting.value, fact.type);
  auto it = std::find_if(facts_.begin(), facts_.end(), [&](const FactSetting& f) { return f.name == name; });
  if (it != facts_.end()) *it = std::move(setting);
  else facts_.push_back(std::move(setting));
  return said(name + " = " + shown + "\n", Kind::FactSet);
}

Reply Session::run(const std::string& name, bool explain) {
  const Edition& ed = *edition_;
  const MeasureInfo* m = ed.find_measure(name);
  if (!m) {
    std::vector<std::string> names;
    for (const auto& x : ed.measures) names.push_back(x.decl->name);
    return fail("错误:没有名为 " + name + " 的措施(可用:" + (names.empty() ? "无" : join(names)) + ")\n");
  }
  const FactValues values = fact_values();
  auto missing = missing_required_facts(ed, *m, values);
  if (!missing.empty())
    return fail("错误:缺少必需的事实 " + join(missing) + "(措施 " + name + " 需要;用 " + missing[0] +
                " = … 设定)\n");
  auto last = std::make_shared<MeasureRun>(MeasureRun{edition_, {}, {}});
  auto r = evaluate_measure(ed, *m, values, &last->trace);
  if (auto* err = std::get_if<EvalError>(&r)) return fail(render(err->span, err->message));
  last->outcome = std::get<Outcome>(std::move(r));
  last_ = last;
  Reply reply = said("", explain ? Kind::Explanation : Kind::Result);
  append_result_text(reply.out, ed, last->outcome, explain ? &last->trace : nullptr);
  if (explain) reply.out = relative_places(std::move(reply.out), policy_path_);
  reply.run = std::move(last);
  return reply;
}

// ---------------------------------------------------------------- inline definitions

Reply Session::define(const std::string& entry) {
  const std::string t = trim(entry);
  std::string keyword;
  for (std::string_view kw : kDeclKeywords)
    if (starts_with_keyword(t, kw)) keyword = std::string(kw);
  if (keyword.empty()) keyword = natural_declaration(t);
  // 修订 参数 X, 替换 措施 Y, 删除 事实 Z: the kind comes before the name.
  std::size_t pos = keyword.size();
  std::string kind;
  if (keyword == "修订" || keyword == "替换" || keyword == "删除") {
    kind = word_at(t, pos);
    pos = t.find(kind, pos) + kind.size();
  }
  const std::string name = word_at(t, pos);
  const std::string label = keyword + (kind.empty() ? "" : " " + kind) + " " + name;
  // One chunk per declaration: 参数 X, 修订 参数 X and 删除 参数 X all replace
  // an earlier inline chunk about 参数 X.
  const std::string key =
      keyword == "例" ? fmt::format("例#{}", ++chunk_counter_) : (kind.empty() ? keyword : kind) + " " + name;
  std::vector<Chunk> candidate = chunks_;
  auto it = std::find_if(candidate.begin(), candidate.end(), [&](const Chunk& c) { return c.key == key; });
  const bool replaced = it != candidate.end();
  if (replaced) it->text = entry;
  else candidate.push_back({key, entry});
  std::string errors;
  auto ed = build(candidate, errors);
  if (!ed && replaced && keyword == "删除") {
    // Deleting a declaration that exists only inline: drop the inline one.
    std::vector<Chunk> without = chunks_;
    without.erase(std::find_if(without.begin(), without.end(), [&](const Chunk& c) { return c.key == key; }));
    std::string ignored;
    if (auto ed2 = build(without, ignored)) {
      ed = ed2;
      candidate = std::move(without);
    }
  }
  if (!ed) return fail(errors + "(未加入;规则保持原样)\n");
  chunks_ = std::move(candidate);
  inline_text_.clear();
  for (const auto& c : chunks_) inline_text_ += c.text + "\n";
  edition_ = ed;
  std::string out = (replaced ? "已替换 " : "已加入 ") + label;
  if (keyword == "参数" || kind == "参数")
    for (const auto& p : ed->params)
      if (p.decl->name == name) out += " = " + show(p.value, p.type);
  if (keyword == "条款") {
    std::vector<std::string> measures;
    for (const auto& m : ed->measures)
      if (m.clause && m.clause->ref == name && m.decl->span.file && m.decl->span.file->name() == kInlineName)
        measures.push_back(m.decl->name);
    if (!measures.empty()) out += ",措施 " + join(measures);
  }
  out += "\n";
  rebind_facts(out);
  return said(out, Kind::Declared);
}

// A line that is one whole declaration adding something new (参数/事实/定义
// of a name no inline chunk has): what define() would make of it.
std::optional<Session::Addition> Session::addition_of(const std::string& raw) const {
  std::string line = raw;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::string t = trim(line);
  std::string keyword;
  for (const char* kw : {"参数", "事实", "定义"})
    if (starts_with_keyword(t, kw)) keyword = kw;
  if (keyword.empty() || !whole(line)) return std::nullopt;
  const std::string name = word_at(t, keyword.size());
  if (name.empty()) return std::nullopt;
  const std::string key = keyword + " " + name;
  if (std::any_of(chunks_.begin(), chunks_.end(), [&](const Chunk& c) { return c.key == key; })) return std::nullopt;
  return Addition{key, keyword + " " + name, name, line, keyword == "参数"};
}

// Defines run[from, to) with one rebuild; on failure, each half in turn, down
// to define() of a single line, whose reply is then exactly feed()'s.
void Session::define_together(const std::vector<Addition>& run, std::size_t from, std::size_t to, std::vector<Reply>& replies) {
  if (to - from == 1) {
    replies.push_back(define(run[from].text));
    return;
  }
  std::vector<Chunk> candidate = chunks_;
  for (std::size_t i = from; i < to; ++i) candidate.push_back({run[i].key, run[i].text});
  std::string errors;
  auto ed = build(candidate, errors);
  if (!ed) {
    const std::size_t mid = from + (to - from) / 2;
    define_together(run, from, mid, replies);
    define_together(run, mid, to, replies);
    return;
  }
  chunks_ = std::move(candidate);
  for (std::size_t i = from; i < to; ++i) inline_text_ += run[i].text + "\n";
  edition_ = ed;
  std::map<std::string_view, const ParamInfo*> params;
  for (const auto& p : ed->params) params.emplace(p.decl->name, &p);
  for (std::size_t i = from; i < to; ++i) {
    std::string out = "已加入 " + run[i].label;
    if (run[i].param)
      if (auto p = params.find(run[i].name); p != params.end()) out += " = " + show(p->second->value, p->second->type);
    replies.push_back(said(out + "\n", Kind::Declared));
  }
  rebind_facts(replies.back().out);
}

std::vector<Reply> Session::feed_lines(const std::vector<std::string>& lines) {
  std::vector<Reply> replies;
  replies.reserve(lines.size());
  std::size_t i = 0;
  while (i < lines.size()) {
    std::vector<Addition> run;
    if (pending_.empty() && edition_) {
      std::map<std::string, std::size_t> declared;  // name → its place in the run
      try {
        for (std::size_t j = i; j < lines.size(); ++j) {
          auto a = addition_of(lines[j]);
          if (!a || !declared.emplace(a->name, run.size()).second) break;
          run.push_back(std::move(*a));
        }
        // Cut before the first declaration that names a later one of the run.
        for (std::size_t k = 0; k < run.size(); ++k) {
          bool forward = false;
          for (const auto& [b, e] : identifier_spans(run[k].text)) {
            const auto d = declared.find(run[k].text.substr(b, e - b));
            if (d != declared.end() && d->second > k) forward = true;
          }
          if (forward) {
            run.resize(k);
            break;
          }
        }
      } catch (const std::exception&) {
        run.clear();  // line by line instead
      }
    }
    if (run.size() < 2) {
      replies.push_back(feed(lines[i]));
      ++i;
      continue;
    }
    const std::size_t before = replies.size();
    try {
      define_together(run, 0, run.size(), replies);
    } catch (const std::exception& e) {
      replies.resize(before);
      replies.push_back(fail(std::string("内部错误:") + e.what() + "\n"));
      replies.resize(before + run.size());
    }
    i += run.size();
  }
  return replies;
}

}  // namespace kuan::repl
