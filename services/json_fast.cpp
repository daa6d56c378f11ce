#include "services/json_fast.hpp"

#include <simdjson.h>

#include <cstring>

#include "interpreter/facts.hpp"

namespace kuan::json {

namespace od = simdjson::ondemand;

FactKeyIndex::FactKeyIndex(const Edition& edition) : edition_(&edition) {
  std::size_t size = 16;
  while (size < edition.facts.size() * 4) size *= 2;  // at most a quarter full: short probes
  table_.assign(size, -1);
  mask_ = size - 1;
  for (std::size_t slot = 0; slot < edition.facts.size(); ++slot) {
    std::size_t at = hash(edition.facts[slot].decl->name) & mask_;
    while (table_[at] >= 0) at = (at + 1) & mask_;
    table_[at] = static_cast<int>(slot);
  }
}

// Fact names are short UTF-8 words: their length and first and last eight
// bytes tell them apart well enough for a table this sparse.
std::size_t FactKeyIndex::hash(std::string_view key) {
  const std::size_t n = key.size();
  std::uint64_t head = n, tail = 0;
  if (n >= 8) {
    std::memcpy(&head, key.data(), 8);
    std::memcpy(&tail, key.data() + n - 8, 8);
  } else {
    for (const char c : key) head = head * 131 + static_cast<unsigned char>(c);
  }
  const std::uint64_t h = (head ^ (tail * 0x9E3779B97F4A7C15ull) ^ n) * 0xFF51AFD7ED558CCDull;
  return static_cast<std::size_t>(h ^ (h >> 29));
}

int FactKeyIndex::find(std::string_view key) const {
  for (std::size_t at = hash(key) & mask_;; at = (at + 1) & mask_) {
    const int slot = table_[at];
    if (slot < 0) return -1;
    if (edition_->facts[static_cast<std::size_t>(slot)].decl->name == key) return slot;
  }
}

struct FastLineReader::Parser {
  od::parser parser;
};

FastLineReader::FastLineReader(const FactKeyIndex& index)
    : index_(index), parser_(std::make_unique<Parser>()), facts_(index.edition().facts.size()) {}

FastLineReader::~FastLineReader() = default;

namespace {

// A key as written when it has no escapes (most do not): no copy. Its bytes
// are valid UTF-8 (simdjson checks the whole line), and a key holding
// anything else a string may not hold names no fact and no member.
bool key_text(od::field& field, const char* end, std::string_view& key) {
  const char* k = field.key().raw();
  const void* quote = std::memchr(k, '"', static_cast<std::size_t>(end - k));
  if (!quote) return false;
  key = std::string_view(k, static_cast<std::size_t>(static_cast<const char*>(quote) - k));
  if (!std::memchr(k, '\\', key.size())) return true;
  return !field.unescaped_key().get(key);
}

// JSON's number grammar, which simdjson does not check for a raw token.
bool json_number(std::string_view t, bool& integral) {
  std::size_t i = 0;
  const std::size_t n = t.size();
  auto digits = [&] {
    const std::size_t from = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
    return i > from;
  };
  if (i < n && t[i] == '-') ++i;
  if (i < n && t[i] == '0') ++i;
  else if (!digits()) return false;
  integral = true;
  if (i < n && t[i] == '.') {
    ++i, integral = false;
    if (!digits()) return false;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i, integral = false;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A number's text as the precise reader keeps it: the token as written, but
// nlohmann renders an integer from its value, which differs only for "-0".
// Money as it is mostly written ("13869413.77", 6302402): digits, perhaps a
// fraction, no sign, no unit. convert_fact reads such text — a JSON number
// or a string — with Decimal::parse alone, which is all that is done here.
bool plain_money(std::string_view t) {
  if (t.empty() || t.size() > 40 || (t[0] == '0' && t.size() > 1 && t[1] != '.')) return false;
  std::size_t dots = 0;
  for (const char c : t) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 0 || (dots == 1 && t.front() != '.' && t.back() != '.');
}

// Plain money text (see plain_money) into its slot: the digits read straight
// into a 64-bit mantissa with the fraction's length as the scale — the very
// Decimal that Decimal::parse gives, without its general path — when there are
// at most 18 of them; Decimal::parse for longer ones.
void set_money(FactValues& facts, int slot, std::string_view t) {
  const std::size_t dot = t.find('.');
  const std::size_t digits = t.size() - (dot == std::string_view::npos ? 0 : 1);
  if (digits > 18) {
    facts.set(slot, Value::money(*Decimal::parse(t)));
    return;
  }
  std::int64_t m = 0;
  for (const char c : t)
    if (c != '.') m = m * 10 + (c - '0');
  const int scale = dot == std::string_view::npos ? 0 : static_cast<int>(t.size() - dot - 1);
  facts.set(slot, Value::money(Decimal::from_scaled(m, scale)));
}

// nlohmann also refuses a number beyond double's range (its value is read
// though ignored): only short numbers without an exponent are taken here.
bool number_text(od::value& v, std::string_view& text, bool& integral) {
  text = trim_right(v.raw_json_token());
  return text.size() <= 300 && text.find_first_of("eE") == std::string_view::npos && json_number(text, integral) &&
         !(integral && text == "-0");
}

}  // namespace

static_assert(FastLineReader::kPadding >= simdjson::SIMDJSON_PADDING);

bool FastLineReader::read(std::string_view line, FastApplication& app, std::size_t readable_after) {
  for (const int slot : set_) facts_.values[static_cast<std::size_t>(slot)] = Value{}, facts_.clear(slot);
  set_.clear();
  app = FastApplication{};
  // A BOM is skipped by the precise reader; so rare that it need not be fast.
  if (line.size() >= 3 && std::memcmp(line.data(), "\xEF\xBB\xBF", 3) == 0) return false;
  const char* text = line.data();
  if (readable_after < kPadding) {
    padded_.assign(line);
    padded_.resize(line.size() + kPadding);
    text = padded_.data();
    readable_after = kPadding;
  }
  const Edition& ed = index_.edition();

  od::document doc;
  if (parser_->parser.iterate(text, line.size(), line.size() + readable_after).get(doc)) return false;
  od::object top;
  if (doc.get_object().get(top)) return false;
  unsigned seen = 0;  // bits: id, applicant, measure, facts
  const char* const end = text + line.size();
  for (auto member_or_error : top) {
    od::field member;
    std::string_view key;
    if (std::move(member_or_error).get(member) || !key_text(member, end, key)) return false;
    od::value value = member.value();
    unsigned bit;
    if (key == "facts") bit = 8;
    else if (key == "measure") bit = 4;
    else if (key == "id") bit = 1;
    else if (key == "applicant") bit = 2;
    else return false;  // as_of (its own edition's slots), passed-through or unknown keys
    if (seen & bit) return false;
    seen |= bit;
    if (bit == 1) {  // a string, or an integer kept as written
      od::json_type type;
      if (value.type().get(type)) return false;
      if (type == od::json_type::string) {
        if (value.get_string().get(app.id)) return false;
      } else {
        bool integral = false;
        if (type != od::json_type::number || !number_text(value, app.id, integral) || !integral) return false;
      }
      app.has_id = true;
    } else if (bit == 2) {
      if (value.get_string().get(app.applicant)) return false;  // who applies: for allocation
      app.has_applicant = true;
    } else if (bit == 4) {
      if (value.get_string().get(app.measure)) return false;
    } else {
      od::object facts;
      if (value.get_object().get(facts)) return false;
      for (auto fact_or_error : facts) {
        od::field fact;
        std::string_view name;
        if (std::move(fact_or_error).get(fact) || !key_text(fact, end, name)) return false;
        od::value v = fact.value();
        const int slot = index_.find(name);
        if (slot < 0 || facts_.present[static_cast<std::size_t>(slot)]) return false;  // unknown, or repeated
        od::json_type type;
        if (v.type().get(type)) return false;
        const FactInfo& info = ed.facts[static_cast<std::size_t>(slot)];
        Scalar& s = scratch_;
        switch (type) {
          case od::json_type::string: {
            std::string_view value_text;
            if (v.get_string().get(value_text)) return false;
            if (info.type.kind == TypeKind::Enum) {  // most facts that are strings: no Scalar needed
              const auto& values = ed.enums[static_cast<std::size_t>(info.type.enum_id)].values;
              std::size_t i = 0;
              while (i < values.size() && values[i] != value_text) ++i;
              if (i == values.size()) return false;
              facts_.set(slot, Value::enumeration(static_cast<int>(i)));
              set_.push_back(slot);
              continue;
            }
            if (info.type.kind == TypeKind::Money && plain_money(value_text)) {
              set_money(facts_, slot, value_text);
              set_.push_back(slot);
              continue;
            }
            s.kind = Scalar::Kind::String;
            s.text.assign(value_text);
            break;
          }
          case od::json_type::number: {
            std::string_view value_text;
            if (info.type.kind == TypeKind::Money) {  // plain money is a JSON number: no need to check its grammar
              value_text = trim_right(v.raw_json_token());
              if (plain_money(value_text)) {
                set_money(facts_, slot, value_text);
                set_.push_back(slot);
                continue;
              }
            }
            bool integral = false;
            if (!number_text(v, value_text, integral)) return false;
            s.kind = Scalar::Kind::Number;
            s.text.assign(value_text);
            break;
          }
          case od::json_type::boolean: {
            bool b = false;
            if (v.get_bool().get(b) || info.type.kind != TypeKind::Bool) return false;
            facts_.set(slot, Value::boolean(b));
            set_.push_back(slot);
            continue;
          }
          case od::json_type::null: {
            bool null = false;
            if (v.is_null().get(null) || !null || info.required()) return false;
            // Left unset, as if not written; still counted so a repeat is refused.
            facts_.present[static_cast<std::size_t>(slot)] = 1;
            set_.push_back(slot);
            continue;
          }
          default: return false;  // an array (a list fact's items) or object: the precise reader's
        }
        auto converted = convert_fact(ed, slot, s);
        if (converted.index() != 0) return false;
        facts_.set(slot, std::move(std::get<Value>(converted)));
        set_.push_back(slot);
      }
    }
  }
  // Written as null: not given (the precise reader skips them).
  for (const int slot : set_)
    if (facts_.values[static_cast<std::size_t>(slot)].kind == TypeKind::Error) facts_.clear(slot);
  if ((seen & 12) != 12) return false;
  // Nothing may follow the object.
  const char* after = nullptr;
  if (!doc.current_location().get(after)) return false;
  return true;
}

}  // namespace kuan::json
