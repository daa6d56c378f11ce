#include "interpreter/json_input.hpp"

#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "base/source.hpp"
#include "base/utf8.hpp"

namespace kuan::json {
namespace {

using njson = nlohmann::json;

// nlohmann's SAX callbacks carry no source position, yet semantic errors
// (duplicate fact, unknown key, wrong type) must point into the input. This
// iterator publishes how far the lexer has read after every byte.
struct TrackingIterator {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* p = nullptr;
  const char** sink = nullptr;

  reference operator*() const { return *p; }
  TrackingIterator& operator++() {
    *sink = ++p;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const TrackingIterator& a, const TrackingIterator& b) { return a.p == b.p; }
};

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool has_bom(std::string_view s) { return s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0; }

// Names come from JSON strings and may hold quotes, control characters or
// megabytes of text: quoted, escaped and cut.
std::string quote_name(std::string_view name) { return "\"" + echo(name) + "\""; }

InputError make_error(std::string_view doc, std::size_t offset, std::string message) {
  const TextPosition at = text_position(doc, offset);  // a leading BOM is not a visible column
  return InputError{std::move(message), at.line, at.column, std::nullopt};
}

bool contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

std::string describe_syntax_error(const nlohmann::detail::exception& ex) {
  std::string_view detail = ex.what();
  // Drop "[json.exception.parse_error.101] parse error at line 1, column 7: ":
  // nlohmann's line/column count bytes and would contradict ours.
  if (auto p = detail.find("] "); p != std::string_view::npos) detail.remove_prefix(p + 2);
  if (detail.starts_with("parse error"))
    if (auto p = detail.find(": "); p != std::string_view::npos) detail.remove_prefix(p + 2);

  std::string_view summary = "意外的符号";
  if (ex.id == 406)
    summary = "数字超出范围";
  else if (contains(detail, "; expected end of input"))
    summary = "JSON 值之后还有多余的内容";
  else if (contains(detail, "ill-formed UTF-8"))
    summary = "无效的 UTF-8 编码";
  else if (contains(detail, "unexpected end of input") || contains(detail, "missing closing quote"))
    summary = "输入意外结束";
  else if (contains(detail, "control character"))
    summary = "字符串中有未转义的控制字符";
  else if (contains(detail, "invalid string"))
    summary = "无效的字符串转义";
  else if (contains(detail, "invalid number"))
    summary = "无效的数字";
  else if (contains(detail, "invalid literal"))
    summary = "无效的字面量";

  // nlohmann quotes the offending token, which may be megabytes long and hold
  // raw control characters or bytes that are not UTF-8.
  std::string msg = "JSON 语法错误: ";
  msg += summary;
  msg += "（";
  // The token is quoted at the end: "…; last read: '<token>'", "… parsing '<token>'".
  if (auto p = detail.find('\''); p != std::string_view::npos && detail.ends_with('\'') && p + 1 < detail.size()) {
    msg += echo(detail.substr(0, p + 1), 4 * limits::kEchoChars);
    msg += echo(detail.substr(p + 1, detail.size() - p - 2)) + "'";
  } else {
    msg += echo(detail, 4 * limits::kEchoChars);
  }
  msg += "）";
  return msg;
}

enum class Mode { Facts, Application };
enum class Slot : unsigned { None = 0, Id = 1, Applicant = 2, Measure = 4, Facts = 8, AsOf = 16, Extra = 32, Version = 64, Explain = 128 };

Slot classify(std::string_view key) {
  if (key == "as_of") return Slot::AsOf;
  if (key == "id") return Slot::Id;
  if (key == "applicant") return Slot::Applicant;
  if (key == "measure") return Slot::Measure;
  if (key == "facts") return Slot::Facts;
  if (key == "version") return Slot::Version;
  if (key == "explain") return Slot::Explain;
  return Slot::None;
}

bool is_integer_text(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

class Handler final : public nlohmann::json_sax<njson> {
 public:
  Handler(std::string_view doc, Mode mode, std::vector<Field>& facts, Application* app)
      : read_pos(doc.data()), doc_(doc), mode_(mode), facts_(facts), app_(app) {}

  const char* read_pos;  // written by TrackingIterator
  std::optional<InputError> error;

  bool null() override {
    std::string none;
    return on_value(Scalar::Kind::Null, none, false, false);
  }
  bool boolean(bool v) override {
    std::string none;
    return on_value(Scalar::Kind::Bool, none, v, false);
  }
  bool number_integer(number_integer_t v) override {
    std::string text = fmt::to_string(v);
    return on_value(Scalar::Kind::Number, text, false, true);
  }
  bool number_unsigned(number_unsigned_t v) override {
    std::string text = fmt::to_string(v);
    return on_value(Scalar::Kind::Number, text, false, true);
  }
  bool number_float(number_float_t, const string_t& raw) override {
    // The double is deliberately ignored. nlohmann writes the current locale's
    // decimal point into the raw token; map it back to JSON's '.'.
    std::string text = raw;
    for (char& c : text)
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E')) c = '.';
    const bool integral = is_integer_text(text);  // beyond 64 bits: still an integer
    return on_value(Scalar::Kind::Number, text, false, integral);
  }
  bool string(string_t& v) override { return on_value(Scalar::Kind::String, v, false, false); }
  bool binary(binary_t&) override { return true; }  // unreachable for JSON text

  bool start_object(std::size_t) override { return on_open(true); }
  bool start_array(std::size_t) override { return on_open(false); }
  bool end_object() override { return on_close(); }
  bool end_array() override { return on_close(); }

  bool key(string_t& name) override {
    const std::size_t from = advance();
    if (extra_depth_ != 0) return true;  // a key inside a passed-through value
    if (list_depth_ != 0) {
      if (depth_ != list_depth_ + 1 || !in_item_) return true;  // deeper than an item's members
      Scalar& list = facts_.back().value;
      for (std::size_t i = list.ends.empty() ? 0 : list.ends.back(); i < list.members.size(); ++i)
        if (list.members[i].name == name)
          return fail(token_start(from), fmt::format("事实 {} 第 {} 项中重复的字段 {}", quote_name(facts_.back().name),
                                                     list.ends.size() + 1, quote_name(name)));
      list.members.push_back(Field{std::move(name), Scalar{}, 0, 0});
      return true;
    }
    if (fact_depth_ != 0) {
      if (depth_ != fact_depth_) return true;  // inside a nested fact value
      facts_.push_back(Field{std::move(name), Scalar{}, token_start(from), 0});
      if (last_fact_is_duplicate()) return fail(token_start(from), "重复的事实 " + quote_name(facts_.back().name));
      return true;
    }
    Slot slot = classify(name);
    if (slot == Slot::None && app_ && pass_through_) {
      for (const auto& e : app_->extras)
        if (e.first == name) return fail(token_start(from), "重复的键 " + quote_name(name));
      app_->extras.emplace_back(std::move(name), std::string());
      extra_from_ = last_end_;  // the value starts after the ':' that follows
      slot_ = Slot::Extra;
      return true;
    }
    if (slot == Slot::None)
      return fail(token_start(from), "未知的键 " + quote_name(name) + "（允许的键: id, applicant, measure, facts, as_of, version, explain）");
    if (seen_ & static_cast<unsigned>(slot)) return fail(token_start(from), "重复的键 " + quote_name(name));
    seen_ |= static_cast<unsigned>(slot);
    slot_ = slot;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    // position counts bytes read including the failing one.
    std::size_t offset = position > 0 ? position - 1 : 0;
    if (ex.id == 406) offset = token_start(last_end_);  // reported after the number's lookahead
    return fail(offset, describe_syntax_error(ex));
  }

  bool fail(std::size_t offset, std::string message) {
    if (!error) error = make_error(doc_, offset, std::move(message));
    return false;
  }

  std::size_t token_start(std::size_t from) const {
    while (from < doc_.size() && (is_ws(doc_[from]) || doc_[from] == ',' || doc_[from] == ':')) ++from;
    return from;
  }

 private:
  // Returns where the previous event's token ended; the current event's token
  // starts after separators from there.
  std::size_t advance() {
    const std::size_t prev = last_end_;
    last_end_ = static_cast<std::size_t>(read_pos - doc_.data());
    return prev;
  }

  std::size_t document_start() const { return token_start(has_bom(doc_) ? 3 : 0); }

  bool not_an_object() {
    return fail(document_start(), mode_ == Mode::Facts ? "事实文件的顶层必须是一个 JSON 对象"
                                                       : "每一行必须是一个 JSON 对象");
  }

  bool on_value(Scalar::Kind kind, std::string& text, bool b, bool integral) {
    return place(advance(), kind, text, b, integral);
  }

  // from: where the previous token ended.
  bool place(std::size_t from, Scalar::Kind kind, std::string& text, bool b, bool integral) {
    if (depth_ == 0) return not_an_object();
    if (extra_depth_ != 0) return true;  // inside a passed-through container
    if (slot_ == Slot::Extra) return keep_extra();
    if (list_depth_ != 0) {
      Scalar& list = facts_.back().value;
      if (depth_ == list_depth_) return list_element(from, false);  // an element that is not an object
      if (depth_ == list_depth_ + 1 && !list.members.empty() && in_item_) {
        Scalar& s = list.members.back().value;
        s.kind = kind;
        s.text = std::move(text);
        s.boolean = b;
      }
      return true;
    }
    if (fact_depth_ != 0) {
      if (depth_ == fact_depth_) {
        facts_.back().value_at = token_start(from);
        Scalar& s = facts_.back().value;
        s.kind = kind;
        s.text = std::move(text);
        s.boolean = b;
      }
      return true;
    }
    using K = Scalar::Kind;
    switch (slot_) {
      case Slot::Id:
        if (kind == K::String || (kind == K::Number && integral)) {
          app_->id = std::move(text);
          app_->has_id = true;
          return true;
        }
        return fail(token_start(from), "\"id\" 必须是字符串或整数");
      case Slot::Applicant:
        if (kind == K::String) {
          app_->applicant = std::move(text);
          app_->has_applicant = true;
          return true;
        }
        return fail(token_start(from), "\"applicant\" 必须是字符串");
      case Slot::Measure:
        if (kind == K::String) {
          app_->measure = std::move(text);
          app_->has_measure = true;
          return true;
        }
        return fail(token_start(from), "\"measure\" 必须是字符串");
      case Slot::AsOf:
        if (kind == K::String) {
          app_->as_of = std::move(text);
          app_->has_as_of = true;
          return true;
        }
        return fail(token_start(from), "\"as_of\" 必须是日期字符串 \"YYYY-MM-DD\"");
      case Slot::Version:
        if (kind == K::String) {
          app_->version = std::move(text);
          app_->has_version = true;
          return true;
        }
        return fail(token_start(from), "\"version\" 必须是版本名字符串(如 \"2025年版\")");
      case Slot::Explain:
        if (kind == K::Bool) {
          app_->explain = b;
          return true;
        }
        return fail(token_start(from), "\"explain\" 必须是 true 或 false");
      default:
        return fail(token_start(from), "\"facts\" 必须是一个 JSON 对象");
    }
  }

  // The exact text of a passed-through value, now that it has ended. A
  // number is reported after one character of lookahead: trimmed off.
  bool keep_extra() {
    const std::size_t begin = token_start(extra_from_);
    std::size_t end = std::min(static_cast<std::size_t>(read_pos - doc_.data()), doc_.size());
    while (end > begin && (is_ws(doc_[end - 1]) || doc_[end - 1] == ',' || doc_[end - 1] == '}' || doc_[end - 1] == ']') &&
           !(doc_[begin] == '{' || doc_[begin] == '[' || doc_[begin] == '"'))
      --end;
    app_->extras.back().second.assign(doc_.substr(begin, end - begin));
    slot_ = Slot::None;
    return true;
  }

  bool on_open(bool is_object) {
    const std::size_t from = advance();
    if (extra_depth_ != 0 || (depth_ == 1 && slot_ == Slot::Extra)) {
      if (extra_depth_ == 0) extra_depth_ = depth_ + 1;
      ++depth_;
      return true;
    }
    if (depth_ == 0) {
      if (!is_object) return not_an_object();
      depth_ = 1;
      if (mode_ == Mode::Facts) fact_depth_ = 1;
      return true;
    }
    if (list_depth_ != 0) {
      if (depth_ == list_depth_) {
        if (!list_element(from, is_object)) return false;
      } else if (depth_ == list_depth_ + 1 && in_item_ && !facts_.back().value.members.empty()) {
        facts_.back().value.members.back().value.kind = is_object ? Scalar::Kind::Object : Scalar::Kind::Array;
      }
      ++depth_;
      return true;
    }
    if (fact_depth_ != 0) {
      // Contents of a nested fact value are only counted, never stored, except
      // an array's objects one level deep: a list fact's items.
      if (depth_ == fact_depth_) {
        facts_.back().value_at = token_start(from);
        facts_.back().value.kind = is_object ? Scalar::Kind::Object : Scalar::Kind::Array;
        if (!is_object) list_depth_ = depth_ + 1;
      }
      ++depth_;
      return true;
    }
    if (slot_ == Slot::Facts && is_object) {
      facts_.reserve(8);  // one allocation instead of four for a typical line
      fact_depth_ = depth_ = 2;
      return true;
    }
    std::string none;  // a container where a string was required: reported as a wrong type
    return place(from, is_object ? Scalar::Kind::Object : Scalar::Kind::Array, none, false, false);
  }

  bool on_close() {
    advance();
    --depth_;
    if (list_depth_ != 0) {
      if (depth_ == list_depth_ && in_item_) {
        facts_.back().value.ends.push_back(facts_.back().value.members.size());  // an item's object ends
        in_item_ = false;
      }
      if (depth_ < list_depth_) list_depth_ = 0;  // the array ends
      return true;
    }
    if (extra_depth_ != 0) {
      if (depth_ < extra_depth_) extra_depth_ = 0, keep_extra();
      return true;
    }
    if (depth_ < fact_depth_) fact_depth_ = 0;
    if (depth_ == 0 && mode_ == Mode::Application) {
      const std::size_t brace = last_end_ > 0 ? last_end_ - 1 : 0;
      if (!(seen_ & static_cast<unsigned>(Slot::Measure)) && !measure_optional_) return fail(brace, "缺少 \"measure\"");
      if (!(seen_ & static_cast<unsigned>(Slot::Facts))) return fail(brace, "缺少 \"facts\"");
    }
    return true;
  }

  // One element of a list fact's array begins: counted against the limit; one
  // that is not an object is remembered (and reported by the fact's conversion).
  bool list_element(std::size_t from, bool is_object) {
    Scalar& list = facts_.back().value;
    if (list.ends.size() + 1 > limits::kMaxListItems)
      return fail(token_start(from),
                  fmt::format("事实 {} 的列表过长:至多 {} 项", quote_name(facts_.back().name), limits::kMaxListItems));
    if (is_object) {
      in_item_ = true;
      return true;
    }
    if (list.not_object == 0) list.not_object = list.ends.size() + 1;
    list.ends.push_back(list.members.size());
    return true;
  }

  // Linear scan suits the usual handful of facts; a hash index over vector
  // positions (names move when the vector grows) guards against huge files.
  bool last_fact_is_duplicate() {
    const std::size_t last = facts_.size() - 1;
    const std::string& name = facts_[last].name;
    if (facts_.size() <= kLinearLimit) {
      for (std::size_t i = 0; i < last; ++i)
        if (facts_[i].name == name) return true;
      return false;
    }
    if (index_.empty())
      for (std::size_t i = 0; i < last; ++i) index_.insert(i);
    return !index_.insert(last).second;
  }

  static constexpr std::size_t kLinearLimit = 32;
  struct NameHash {
    const std::vector<Field>* f;
    std::size_t operator()(std::size_t i) const { return std::hash<std::string_view>{}((*f)[i].name); }
  };
  struct NameEq {
    const std::vector<Field>* f;
    bool operator()(std::size_t a, std::size_t b) const { return (*f)[a].name == (*f)[b].name; }
  };

  std::string_view doc_;
  Mode mode_;
  std::vector<Field>& facts_;
  Application* app_;
  std::size_t depth_ = 0;
  std::size_t fact_depth_ = 0;  // depth at which fact keys live; 0 = not inside facts
  std::size_t extra_depth_ = 0;  // depth inside a passed-through container; 0 = not inside one
  std::size_t extra_from_ = 0;   // where the passed-through key ended
  std::size_t list_depth_ = 0;   // depth of a fact's array's elements; 0 = not inside one
  bool in_item_ = false;         // inside an element object of that array
  bool pass_through_ = false;
  bool measure_optional_ = false;

 public:
  void pass_through(bool on) { pass_through_ = on; }
  void measure_optional(bool on) { measure_optional_ = on; }

 private:
  std::size_t last_end_ = 0;
  unsigned seen_ = 0;
  Slot slot_ = Slot::None;
  std::unordered_set<std::size_t, NameHash, NameEq> index_{0, NameHash{&facts_}, NameEq{&facts_}};
};

std::optional<InputError> run(std::string_view doc, Mode mode, std::vector<Field>& facts, Application* app,
                              const ApplicationOptions& options = {}) {
  std::size_t first_token = has_bom(doc) ? 3 : 0;
  while (first_token < doc.size() && is_ws(doc[first_token])) ++first_token;
  if (first_token == doc.size())
    return make_error(doc, doc.size(), mode == Mode::Facts ? "事实文件为空" : "空行不是一个 JSON 对象");
  // nlohmann's lexer takes a NUL byte for the end of input and would accept
  // whatever follows; JSON text never holds a raw NUL.
  if (const void* nul = std::memchr(doc.data(), '\0', doc.size()))
    return make_error(doc, static_cast<std::size_t>(static_cast<const char*>(nul) - doc.data()),
                      "JSON 语法错误: 输入中有 NUL 字符(U+0000)");

  Handler handler(doc, mode, facts, app);
  handler.pass_through(options.pass_through);
  handler.measure_optional(options.measure_optional);
  const TrackingIterator first{doc.data(), &handler.read_pos};
  const TrackingIterator last{doc.data() + doc.size(), nullptr};
  bool ok = false;
  try {
    ok = njson::sax_parse(first, last, &handler);
  } catch (const njson::exception& ex) {  // not expected from a SAX run; never let it escape
    handler.fail(static_cast<std::size_t>(handler.read_pos - doc.data()), describe_syntax_error(ex));
  }
  if (handler.error) return handler.error;
  if (!ok) return make_error(doc, 0, "JSON 解析失败");
  return std::nullopt;
}

}  // namespace

std::variant<FactsObject, InputError> parse_facts(std::string_view document) {
  FactsObject out;
  if (auto err = run(document, Mode::Facts, out.fields, nullptr)) return std::move(*err);
  return out;
}

std::variant<Application, InputError> parse_application(std::string_view line, const ApplicationOptions& options) {
  Application out;
  if (auto err = run(line, Mode::Application, out.facts, &out, options)) {
    // Keep the id when it was read before the problem, so a batch can say
    // which application the error belongs to.
    if (out.has_id) err->id = out.id;
    return std::move(*err);
  }
  return out;
}

}  // namespace kuan::json
