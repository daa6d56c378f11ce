#include "interpreter/facts.hpp"

#include <fmt/format.h>

#include "base/limits.hpp"
#include "base/date.hpp"
#include "base/source.hpp"
#include "lang/units.hpp"

namespace kuan {

namespace {
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<Decimal> scaled(std::string_view digits, const Decimal& factor) {
  auto d = Decimal::parse(digits);
  if (!d) return std::nullopt;
  return *d * factor;
}
}  // namespace

std::optional<Decimal> parse_json_number(std::string_view t) {
  const std::size_t e = t.find_first_of("eE");
  if (e == std::string_view::npos) return Decimal::parse(t);
  // Exact: move the decimal point in the digits' text, never through a double.
  std::string_view mantissa = t.substr(0, e), exponent_text = t.substr(e + 1);
  if (!Decimal::parse(mantissa)) return std::nullopt;
  const bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.remove_prefix(1);
  bool exponent_negative = false;
  if (!exponent_text.empty() && (exponent_text[0] == '+' || exponent_text[0] == '-'))
    exponent_negative = exponent_text[0] == '-', exponent_text.remove_prefix(1);
  if (exponent_text.empty()) return std::nullopt;
  long long exponent = 0;
  for (const char c : exponent_text) {
    if (c < '0' || c > '9') return std::nullopt;
    exponent = exponent * 10 + (c - '0');
    if (exponent > kMaxJsonExponent) return std::nullopt;
  }
  if (exponent_negative) exponent = -exponent;
  const std::size_t dot = mantissa.find('.');
  std::string digits(mantissa.substr(0, dot));
  if (dot != std::string_view::npos) digits += mantissa.substr(dot + 1);
  const long long point = static_cast<long long>(dot == std::string_view::npos ? mantissa.size() : dot) + exponent;
  std::string plain = negative ? "-" : "";
  if (point <= 0) {
    plain += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (static_cast<std::size_t>(point) >= digits.size()) {
    plain += digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    plain += digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
  }
  // Leading zeros of the integer part ("0012.5" from "0.0125e3") are not in Decimal's syntax.
  const std::size_t first = negative ? 1 : 0;
  std::size_t zeros = first;
  while (zeros + 1 < plain.size() && plain[zeros] == '0' && plain[zeros + 1] != '.') ++zeros;
  plain.erase(first, zeros - first);
  return Decimal::parse(plain);
}

namespace {
// "120万元", "30%": digits and a unit of `kind` from lang/units.hpp's table
// (the longest spelling that ends the text), or plain digits.
std::optional<Decimal> parse_with_unit(std::string_view t, TypeKind kind) {
  const units::UnitWord* best = nullptr;
  for (const auto& w : units::kWords)
    if (w.kind == kind && ends_with(t, w.spelling) && (!best || w.spelling.size() > best->spelling.size())) best = &w;
  if (!best) return Decimal::parse(t);
  const std::string_view digits = t.substr(0, t.size() - best->spelling.size());
  if (best->factor == 1 && best->scale == 0) return Decimal::parse(digits);
  return scaled(digits, Decimal::from_scaled(best->factor, best->scale));
}
}  // namespace

std::optional<Decimal> parse_money_text(std::string_view t) { return parse_with_unit(t, TypeKind::Money); }

std::optional<Decimal> parse_rate_text(std::string_view t) { return parse_with_unit(t, TypeKind::Rate); }

namespace {
std::variant<Value, std::string> convert_scalar(const Edition& ed, const Type& type, const std::string& name,
                                                const json::Scalar& v);
}  // namespace

std::variant<Value, std::string> convert_fact(const Edition& ed, int slot, const json::Scalar& v) {
  const FactInfo& info = ed.facts[slot];
  // A list is converted whole (convert_list) where a JSON application is read:
  // a facts file, a batch line, Facts::set_json. Anywhere else — a CSV cell,
  // kuan allocate, one fact typed in — it is refused, saying so.
  if (info.type.kind == TypeKind::List)
    return "事实 " + info.decl->name + " 是列表:列表事实只能以 JSON 数组 [ { … }, … ] 给出(事实文件、批量 JSONL 或 set_json);"
           "CSV、kuan allocate 与逐个设置不支持列表";
  return convert_scalar(ed, info.type, info.decl->name, v);
}

std::variant<ListValue, std::string> convert_list(const Edition& ed, int slot, const json::Scalar& v) {
  const FactInfo& info = ed.facts[slot];
  const std::string& name = info.decl->name;
  if (info.type.kind != TypeKind::List) return "事实 " + name + " 不是列表";
  if (v.kind != json::Scalar::Kind::Array) return "事实 " + name + " 是列表:应为 JSON 数组 [ { … }, … ](每项一个对象)";
  if (v.not_object) return fmt::format("事实 {} 第 {} 项应为对象 {{ 字段: 值, … }}", name, v.not_object);
  if (v.ends.size() > limits::kMaxListItems)
    return fmt::format("事实 {} 的列表过长:至多 {} 项", name, limits::kMaxListItems);
  const ListInfo& list = ed.lists[static_cast<std::size_t>(info.type.list_id)];
  const auto& fields = list.decl->fields;
  ListValue out;
  out.width = fields.size();
  out.cells.resize(out.width * v.ends.size());
  std::vector<bool> given(out.width);
  std::size_t begin = 0;
  for (std::size_t item = 0; item < v.ends.size(); ++item) {
    const std::string which = fmt::format("{} 第 {} 项", name, item + 1);
    std::fill(given.begin(), given.end(), false);
    for (std::size_t m = begin; m < v.ends[item]; ++m) {
      const json::Field& f = v.members[m];
      const int k = list.field(f.name);
      if (k < 0) return "事实 " + which + "中未知的字段 " + echo(f.name) + "(" + name + " 的字段:" + [&] {
        std::string all;
        for (const auto& d : fields) all += (all.empty() ? "" : "、") + d.name;
        return all;
      }() + ")";
      auto converted = convert_scalar(ed, list.field_types[static_cast<std::size_t>(k)], which + " 的 " + fields[static_cast<std::size_t>(k)].name, f.value);
      if (auto* msg = std::get_if<std::string>(&converted)) return std::move(*msg);
      out.cells[item * out.width + static_cast<std::size_t>(k)] = std::move(std::get<Value>(converted));
      given[static_cast<std::size_t>(k)] = true;
    }
    for (std::size_t k = 0; k < out.width; ++k)
      if (!given[k]) return "事实 " + which + "缺少字段 " + fields[k].name;
    begin = v.ends[item];
  }
  return out;
}

namespace {
std::variant<Value, std::string> convert_scalar(const Edition& ed, const Type& type, const std::string& name,
                                                const json::Scalar& v) {
  using Kind = json::Scalar::Kind;
  auto shown = [&]() -> std::string {
    switch (v.kind) {
      case Kind::Null: return "null";
      case Kind::Bool: return v.boolean ? "true" : "false";
      case Kind::Number: return echo(v.text);
      case Kind::String: return "\"" + echo(v.text) + "\"";
      case Kind::Array: return "数组";
      case Kind::Object: return "对象";
    }
    return "?";
  };
  auto bad = [&](const std::string& expected) {
    return "事实 " + name + " 的值 " + shown() + " 无效:应为" + expected;
  };
  // Reading a number costs more than linear time in its length: refuse
  // anything longer than the documented limit before converting it.
  if ((v.kind == Kind::Number || v.kind == Kind::String) && type.is_numeric()) {
    std::size_t digits = 0;
    for (char c : v.text) digits += c >= '0' && c <= '9';
    if (digits > limits::kMaxNumberDigits)
      return fmt::format("事实 {} 的值 {} 过长:数字至多 {} 位", name, shown(), limits::kMaxNumberDigits);
  }
  switch (type.kind) {
    case TypeKind::Money: {
      if (v.kind != Kind::Number && v.kind != Kind::String) return bad("金额,如 1234.56 或 \"120万元\"");
      auto d = v.kind == Kind::Number ? parse_json_number(v.text) : parse_money_text(v.text);
      if (!d) return bad("金额,如 1234.56 或 \"120万元\"");
      if (const char* problem = fact_range_problem(TypeKind::Money, *d)) return "事实 " + name + " " + problem + ":" + shown();
      return Value::money(std::move(*d));
    }
    case TypeKind::Rate: {
      if (v.kind != Kind::Number && v.kind != Kind::String) return bad("比例,如 0.3 或 \"30%\"");
      auto d = v.kind == Kind::Number ? parse_json_number(v.text) : parse_rate_text(v.text);
      if (!d) return bad("比例,如 0.3、\"30%\" 或 \"1.2个百分点\"");
      if (const char* problem = fact_range_problem(TypeKind::Rate, *d)) return "事实 " + name + " " + problem + ":" + shown();
      return Value::rate(std::move(*d));
    }
    case TypeKind::Integer: {
      auto d = v.kind == Kind::Number ? parse_json_number(v.text) : std::nullopt;
      if (!d || d->scale() != 0) return bad("整数");
      return Value::of_number(TypeKind::Integer, std::move(*d));
    }
    case TypeKind::Number: {
      auto d = v.kind == Kind::Number ? parse_json_number(v.text) : v.kind == Kind::String ? Decimal::parse(v.text) : std::nullopt;
      if (!d) return bad("数值,如 87.5");
      return Value::of_number(TypeKind::Number, std::move(*d));
    }
    case TypeKind::Bool:
      if (v.kind != Kind::Bool) return bad("true 或 false");
      return Value::boolean(v.boolean);
    case TypeKind::Date: {
      auto d = v.kind == Kind::String ? parse_date(v.text) : std::nullopt;
      if (!d) return bad("日期 \"YYYY-MM-DD\"");
      return Value::date(*d);
    }
    case TypeKind::Enum: {
      const auto& values = ed.enums[type.enum_id].values;
      std::string allowed;
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (v.kind == Kind::String && v.text == values[i]) return Value::enumeration(static_cast<int>(i));
        allowed += (i ? "、" : "") + values[i];
      }
      return bad("其中之一:" + allowed);
    }
    case TypeKind::List:
    case TypeKind::Error: break;
  }
  return "事实 " + name + " 的类型无效";
}
}  // namespace

const char* fact_range_problem(TypeKind kind, const Decimal& value) {
  if (kind == TypeKind::Money && value.sign() < 0) return "的金额不能为负";
  if (kind == TypeKind::Rate && (value.sign() < 0 || value > Decimal::from_int(1))) return "的比例须在 0–100% 之间";
  return nullptr;
}

std::variant<FactValues, std::string> bind_facts(const Edition& ed, const std::vector<json::Field>& fields,
                                                 ErrorKind* kind, std::size_t* at) {
  FactValues out(ed.facts.size());
  for (const auto& f : fields) {
    const int slot = ed.find_fact(f.name);
    if (slot < 0) {
      if (kind) *kind = ErrorKind::UnknownFact;
      if (at) *at = f.key_at;
      return ed.unknown_fact_message(echo(f.name), f.name);
    }
    // null leaves a fact that may be omitted unset, as if it were not written.
    if (f.value.kind == json::Scalar::Kind::Null && !ed.facts[slot].required()) continue;
    if (ed.facts[slot].type.kind == TypeKind::List) {
      auto items = convert_list(ed, slot, f.value);
      if (auto* msg = std::get_if<std::string>(&items)) {
        if (kind) *kind = ErrorKind::BadFact;
        if (at) *at = f.value_at;
        return std::move(*msg);
      }
      out.set_list(slot, std::move(std::get<ListValue>(items)));
      continue;
    }
    auto v = convert_fact(ed, slot, f.value);
    if (auto* msg = std::get_if<std::string>(&v)) {
      if (kind) *kind = ErrorKind::BadFact;
      if (at) *at = f.value_at;
      return std::move(*msg);
    }
    out.set(slot, std::move(std::get<Value>(v)));
  }
  return out;
}

}  // namespace kuan
