#include "services/json_fast.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "base/utf8.hpp"
#include "interpreter/facts.hpp"

namespace kuan::json {

namespace od = simdjson::ondemand;

namespace {

// A name's first and last eight bytes (zero-padded when shorter): with its
// length they are the whole name up to 16 bytes, most fact names.
void head_tail(std::string_view key, std::uint64_t& head, std::uint64_t& tail) {
  const std::size_t n = key.size();
  const char* p = key.data();
  head = tail = 0;
  if (n >= 8) {
    std::memcpy(&head, p, 8);
    std::memcpy(&tail, p + n - 8, 8);
  } else if (n >= 4) {  // two overlapping four-byte loads (no call to memcpy for a length it does not know)
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    head = lo | (std::uint64_t{hi} << (8 * (n - 4)));
  } else {
    for (std::size_t i = 0; i < n; ++i) head |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  }
}

// No byte that JSON escapes ('"', '\\', a control character): such a name
// written in a line is its bytes as they are.
bool plain_name(std::string_view name) {
  return std::none_of(name.begin(), name.end(), [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
}

}  // namespace

FactKeyIndex::Entry FactKeyIndex::entry(std::string_view name, int slot) {
  Entry e;
  head_tail(name, e.head, e.tail);
  e.name = name.data();
  e.size = static_cast<std::uint32_t>(name.size());
  e.slot = slot;
  e.plain = plain_name(name);
  return e;
}

// Compared eight bytes at a time against the name (head: its first eight, or
// all of it zero-padded when shorter, which the padding after a line lets be
// read and masked; tail: its last eight).
const char* FactKeyIndex::Entry::at(const char* p, const char* end) const {
  if (!plain || size >= static_cast<std::size_t>(end - p) || p[size] != '"') return nullptr;
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  if (size < 8) return (x & ((std::uint64_t{1} << (8 * size)) - 1)) == head ? p + size + 1 : nullptr;
  if (x != head) return nullptr;
  for (std::size_t i = 8; i + 8 < size; i += 8) {
    std::uint64_t y, z;
    std::memcpy(&y, p + i, 8);
    std::memcpy(&z, name + i, 8);
    if (y != z) return nullptr;
  }
  std::memcpy(&x, p + size - 8, 8);
  return x == tail ? p + size + 1 : nullptr;
}

// The name's bytes past the first and last eight, eight at a time (the last
// window overlapping), when it is longer than 16: no call to memcmp.
bool FactKeyIndex::Entry::is(std::string_view key, std::uint64_t key_head, std::uint64_t key_tail) const {
  const std::size_t n = key.size();
  if (head != key_head || tail != key_tail || size != n) return false;
  for (std::size_t i = 8; i + 8 < n; i += 8) {
    const std::size_t at = std::min(i, n - 16);
    std::uint64_t x, y;
    std::memcpy(&x, name + at, 8);
    std::memcpy(&y, key.data() + at, 8);
    if (x != y) return false;
  }
  return true;
}

void FactKeyIndex::insert(std::vector<Entry>& table, const Entry& e) {
  const std::size_t mask = table.size() - 1;
  std::size_t at = hash(e.head, e.tail, e.size) & mask;
  while (table[at].slot >= 0) at = (at + 1) & mask;
  table[at] = e;
}

int FactKeyIndex::lookup(const std::vector<Entry>& table, std::string_view key, std::uint64_t head, std::uint64_t tail) {
  const std::size_t mask = table.size() - 1;
  for (std::size_t at = hash(head, tail, key.size()) & mask;; at = (at + 1) & mask) {
    const Entry& e = table[at];
    if (e.slot < 0) return -1;
    if (e.is(key, head, tail)) return e.slot;
  }
}

FactKeyIndex::FactKeyIndex(const Edition& edition) : edition_(&edition) {
  auto sized = [](std::size_t names) {  // at most a quarter full: short probes
    std::size_t size = 16;
    while (size < names * 4) size *= 2;
    return std::vector<Entry>(size);
  };
  table_ = sized(edition.facts.size());
  for (std::size_t slot = 0; slot < edition.facts.size(); ++slot) {
    by_slot_.push_back(entry(edition.facts[slot].decl->name, static_cast<int>(slot)));
    insert(table_, by_slot_.back());
  }
  measures_ = sized(edition.measure_index.size());
  for (const auto& [name, index] : edition.measure_index) insert(measures_, entry(name, index));
  for (const MeasureInfo& m : edition.measures) measure_names_.push_back(entry(m.decl->name, static_cast<int>(measure_names_.size())));
  for (const auto& enumeration : edition.enums) {
    auto& values = enums_.emplace_back();
    for (const std::string& value : enumeration.values) values.push_back(entry(value, static_cast<int>(values.size())));
  }
}

// Names are short UTF-8 words: their length and first and last eight bytes
// tell them apart well enough for a table this sparse.
std::size_t FactKeyIndex::hash(std::uint64_t head, std::uint64_t tail, std::size_t size) {
  const std::uint64_t h = (head ^ (tail * 0x9E3779B97F4A7C15ull) ^ size) * 0xFF51AFD7ED558CCDull;
  return static_cast<std::size_t>(h ^ (h >> 29));
}

int FactKeyIndex::find(std::string_view key) const { return find(key, -1); }

int FactKeyIndex::find(std::string_view key, int guess) const {
  std::uint64_t head, tail;
  head_tail(key, head, tail);
  if (guess >= 0 && static_cast<std::size_t>(guess) < by_slot_.size() && by_slot_[static_cast<std::size_t>(guess)].is(key, head, tail))
    return guess;
  return lookup(table_, key, head, tail);
}

const MeasureInfo* FactKeyIndex::measure(std::string_view name) const {
  std::uint64_t head, tail;
  head_tail(name, head, tail);
  const int index = lookup(measures_, name, head, tail);
  return index < 0 ? nullptr : &edition_->measures[static_cast<std::size_t>(index)];
}

int FactKeyIndex::enum_value(int enum_id, std::string_view text) const {
  if (enum_id < 0 || static_cast<std::size_t>(enum_id) >= enums_.size()) return -1;
  std::uint64_t head, tail;
  head_tail(text, head, tail);
  for (const Entry& e : enums_[static_cast<std::size_t>(enum_id)])
    if (e.is(text, head, tail)) return e.slot;
  return -1;
}

const char* FactKeyIndex::fact_at(int slot, const char* p, const char* end) const {
  return slot >= 0 && static_cast<std::size_t>(slot) < by_slot_.size() ? by_slot_[static_cast<std::size_t>(slot)].at(p, end) : nullptr;
}

const char* FactKeyIndex::measure_at(const MeasureInfo& m, const char* p, const char* end) const {
  const auto index = static_cast<std::size_t>(&m - edition_->measures.data());
  return index < measure_names_.size() ? measure_names_[index].at(p, end) : nullptr;
}

const char* FactKeyIndex::enum_at(int enum_id, const char* p, const char* end, int& value) const {
  if (enum_id < 0 || static_cast<std::size_t>(enum_id) >= enums_.size()) return nullptr;
  for (const Entry& e : enums_[static_cast<std::size_t>(enum_id)])
    if (const char* after = e.at(p, end)) {
      value = e.slot;
      return after;
    }
  return nullptr;
}

struct FastLineReader::Parser {
  od::parser parser;
};

FastLineReader::FastLineReader(const FactKeyIndex& index)
    : index_(index),
      parser_(std::make_unique<Parser>()),
      facts_(index.edition().facts.size()),
      next_((index.edition().measures.size() + 1) * (index.edition().facts.size() + 1), -1) {}

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
// or a string — with Decimal::parse alone, which is all that is done here:
// Fits: at most 18 digits, read straight into a 64-bit mantissa with the
// fraction's length as the scale (`out`) — the very Decimal that
// Decimal::parse gives, without its general path; Long: more digits, for
// Decimal::parse; No: not plain money.
enum class Plain { No, Fits, Long };
Plain plain_money(std::string_view t, fixed::Fx& out) {
  const std::size_t n = t.size();
  if (n == 0 || n > 40 || (t[0] == '0' && n > 1 && t[1] != '.')) return Plain::No;
  std::size_t dot = std::string_view::npos;
  std::uint64_t m = 0;  // wraps past 19 digits: then unused
  for (std::size_t i = 0; i < n; ++i) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(t[i])) - '0';
    if (d <= 9) m = m * 10 + d;
    else if (t[i] == '.' && dot == std::string_view::npos) dot = i;
    else return Plain::No;
  }
  if (dot == 0 || dot == n - 1) return Plain::No;
  if (n - (dot == std::string_view::npos ? 0 : 1) > 18) return Plain::Long;
  out = {static_cast<std::int64_t>(m), dot == std::string_view::npos ? 0 : static_cast<std::int32_t>(n - dot - 1)};
  return Plain::Fits;
}

// nlohmann also refuses a number beyond double's range (its value is read
// though ignored): only short numbers without an exponent are taken here.
bool number_token(std::string_view text, bool& integral) {
  return text.size() <= 300 && text.find_first_of("eE") == std::string_view::npos && json_number(text, integral) &&
         !(integral && text == "-0");
}
bool number_text(od::value& v, std::string_view& text, bool& integral) {
  text = trim_right(v.raw_json_token());
  return number_token(text, integral);
}

}  // namespace

static_assert(FastLineReader::kPadding >= simdjson::SIMDJSON_PADDING);

void FastLineReader::reset() {
  for (const int slot : valued_) facts_.values[static_cast<std::size_t>(slot)] = Value{};
  for (const int slot : set_) facts_.clear(slot);
  set_.clear(), nulls_.clear(), valued_.clear();
}

template <class MakeValue>
void FastLineReader::put(int slot, fixed::Fx x, bool values, MakeValue make_value) {
  if (values) {
    facts_.set(slot, make_value());
    valued_.push_back(slot);
  } else {
    facts_.present[static_cast<std::size_t>(slot)] = FactValues::kGiven | FactValues::kFits;
    facts_.fixed[static_cast<std::size_t>(slot)] = x;
  }
  set_.push_back(slot);
}

bool FastLineReader::convert(int slot, Scalar::Kind kind, std::string_view text) {
  scratch_.kind = kind;
  scratch_.text.assign(text);
  auto converted = convert_fact(index_.edition(), slot, scratch_);
  if (converted.index() != 0) return false;
  put_value(slot, std::move(std::get<Value>(converted)));
  return true;
}

void FastLineReader::put_value(int slot, Value v) {
  facts_.set(slot, std::move(v));
  valued_.push_back(slot);
  set_.push_back(slot);
}

void FastLineReader::put_money(int slot, fixed::Fx x, bool values) {
  put(slot, x, values, [&] { return Value::money(Decimal::from_scaled(x.m, x.s)); });
}

bool FastLineReader::put_money(int slot, std::string_view text, bool values) {
  fixed::Fx x;
  switch (plain_money(text, x)) {
    case Plain::No: return false;
    case Plain::Fits: put_money(slot, x, values); return true;
    case Plain::Long: put_value(slot, Value::money(*Decimal::parse(text))); return true;
  }
  return false;
}

bool FastLineReader::read(std::string_view line, FastApplication& app, std::size_t readable_after, Binding binding) {
  reset();
  scanned_ = false;
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
  const bool values = binding == Binding::Values;
  if ((scanned_ = scan({text, line.size()}, app, values))) return true;
  reset();
  app = FastApplication{};
  return parse(text, line.size(), line.size() + readable_after, app, values);
}

// ------------------------------------------------------------ the scanner
// Most lines of a batch have one shape: an object of "id", "measure" and
// "facts" (perhaps "applicant"), keys and strings without escapes, facts that
// are enumerations, plain money, booleans or null. Such a line is read here
// in one pass, without simdjson's index; a line of any other shape — or
// anything unusual in it (an escape, a control character, other whitespace
// than spaces and tabs, a number that is not plain money, an unknown or
// repeated key) — is not taken, and simdjson reads it (which takes or
// declines it in turn). So the scanner takes only what the precise reader
// accepts, with the same values: tests/test_json_fast.cpp checks it.
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
// The high bit of each byte of x that is zero. Only the lowest flagged byte is
// sure (a borrow may flag bytes above it), which is the one wanted here.
inline std::uint64_t zero_bytes(std::uint64_t x) { return (x - kOnes) & ~x & kHighs; }

// The end of a string's text starting at p: the first '"', '\\' or control
// character, found eight bytes at a time (the buffer is padded); `end` when
// there is none before it.
const char* string_stop(const char* p, const char* end) {
  for (; p < end; p += 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    const std::uint64_t hit = zero_bytes(x ^ (kOnes * '"')) | zero_bytes(x ^ (kOnes * '\\')) | ((x - kOnes * 0x20) & ~x & kHighs);
    if (hit) {
      const char* q = p + (__builtin_ctzll(hit) >> 3);
      return q < end ? q : end;
    }
  }
  return end;
}

// Text the caller keeps (an id, a measure's name, who applies): valid UTF-8.
bool utf8_text(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return bad_utf8(s) == std::string_view::npos;
  return true;
}

// Plain money (as plain_money takes it, 18 digits at most) read where it is
// written, from p: a string's text up to its closing quote (`quoted`), or a
// number up to its last character. Returns past it, with its value in `out`;
// null for anything else (other text, more digits, an exponent, a sign), which
// the general path reads.
const char* money_at(const char* p, const char* end, bool quoted, fixed::Fx& out) {
  const char* const from = p;
  const char* dot = nullptr;
  std::uint64_t m = 0;  // wraps past 19 digits: then unused
  for (; p < end; ++p) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(*p)) - '0';
    if (d <= 9) m = m * 10 + d;
    else if (*p == '.' && !dot) dot = p;
    else break;
  }
  if (p >= end || (quoted ? *p != '"' : (*p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-'))) return nullptr;
  const auto n = static_cast<std::size_t>(p - from);
  if (n == 0 || n - (dot ? 1 : 0) > 18 || (from[0] == '0' && n > 1 && from[1] != '.') || dot == from || dot == p - 1) return nullptr;
  out = {static_cast<std::int64_t>(m), dot ? static_cast<std::int32_t>(p - dot - 1) : 0};
  return quoted ? p + 1 : p;
}

}  // namespace

struct FastLineReader::Cursor {
  const char* p;
  const char* end;
  void blank() {
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
  }
  bool take(char c) {
    // The usual spacing first ("c", "c " then no other blank), byte by byte otherwise.
    if (end - p > 2 && *p == c) {
      const char* q = p + 1 + (p[1] == ' ');
      if (*q != ' ' && *q != '\t') {
        p = q;
        return true;
      }
    }
    blank();
    if (p >= end || *p != c) return false;
    ++p;
    blank();
    return true;
  }
  // A string without escapes or control characters (its bytes, unchecked as UTF-8).
  bool string(std::string_view& out) {
    if (p >= end || *p != '"') return false;
    const char* from = ++p;
    const char* stop = string_stop(from, end);
    if (stop >= end || *stop != '"') return false;
    out = std::string_view(from, static_cast<std::size_t>(stop - from));
    p = stop + 1;
    return true;
  }
  // Exactly these bytes (a literal: compared without a call).
  template <std::size_t N>
  bool word(const char (&w)[N]) {
    if (static_cast<std::size_t>(end - p) < N - 1 || std::memcmp(p, w, N - 1) != 0) return false;
    p += N - 1;
    return true;
  }
  // A number's characters (checked by whoever reads them).
  std::string_view number() {
    const char* from = p;
    while (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+' || *p == 'e' || *p == 'E')) ++p;
    return {from, static_cast<std::size_t>(p - from)};
  }
};

bool FastLineReader::scan(std::string_view line, FastApplication& app, bool values) {
  Cursor in{line.data(), line.data() + line.size()};
  if (!in.take('{')) return false;
  unsigned seen = 0;  // bits: id, applicant, measure, facts
  for (;;) {
    // The four keys of the usual shape, matched with their quotes; any other goes to simdjson.
    unsigned bit;
    if (in.word("\"facts\"")) bit = 8;
    else if (in.word("\"measure\"")) bit = 4;
    else if (in.word("\"id\"")) bit = 1;
    else if (in.word("\"applicant\"")) bit = 2;
    else return false;
    if ((seen & bit) || !in.take(':')) return false;
    seen |= bit;
    if (bit == 4 && last_measure_ && in.p < in.end && *in.p == '"') {  // most lines name the measure the last one did
      if (const char* after = index_.measure_at(*last_measure_, in.p + 1, in.end)) {
        app.measure = std::string_view(in.p + 1, static_cast<std::size_t>(after - in.p - 2));
        app.measure_info = last_measure_;
        in.p = after;
        bit = 0;  // read
      }
    }
    if (bit & 7) {  // id (numbers are simdjson's), applicant, measure: strings
      std::string_view text;
      if (!in.string(text)) return false;
      // A measure's name found is valid UTF-8; any other text is checked.
      if (!(bit == 4 && (app.measure_info = index_.measure(text))) && !utf8_text(text)) return false;
      if (bit == 1) app.id = text, app.has_id = app.id_plain = true;  // in.string() stops at what JSON escapes
      else if (bit == 2) app.applicant = text, app.has_applicant = true;
      else app.measure = text;
      if (app.measure_info) last_measure_ = app.measure_info;
    } else if (bit == 8 && !scan_facts(in, app.measure_info, values)) {
      return false;
    }
    if (in.take(',')) continue;
    if (!in.take('}')) return false;
    break;
  }
  if (in.p != in.end || (seen & 12) != 12) return false;  // nothing may follow the object
  for (const int slot : nulls_) facts_.clear(slot);
  return true;
}

// The facts object, from its '{' on.
bool FastLineReader::scan_facts(Cursor& in, const MeasureInfo* measure, bool values) {
  const Edition& ed = index_.edition();
  if (!in.take('{')) return false;
  if (in.p < in.end && *in.p == '}') {
    ++in.p;
    return true;
  }
  const std::size_t row = measure ? static_cast<std::size_t>(measure - ed.measures.data()) + 1 : 0;
  int* const next = next_.data() + row * (ed.facts.size() + 1);  // by the fact before (+1): the one that followed it last time
  int before = -1;
  for (;;) {
    if (in.p >= in.end || *in.p != '"') return false;
    int& guess = next[before + 1];
    int slot;
    if (const char* after = index_.fact_at(guess, in.p + 1, in.end)) {  // the name and its closing quote
      slot = guess;
      in.p = after;
    } else {
      std::string_view name;
      if (!in.string(name)) return false;
      slot = index_.find(name);  // a name found is valid UTF-8: it is a fact's
      if (slot >= 0) guess = slot;
    }
    before = slot;
    if (!in.take(':') || slot < 0 || facts_.present[static_cast<std::size_t>(slot)]) return false;  // unknown, or repeated
    const FactInfo& info = ed.facts[static_cast<std::size_t>(slot)];
    if (in.p >= in.end) return false;
    const char c = *in.p;
    fixed::Fx x;
    int value = -1;
    const char* after = nullptr;
    if (c == '"') {
      if (info.type.kind == TypeKind::Enum && (after = index_.enum_at(info.type.enum_id, in.p + 1, in.end, value))) {
        put(slot, fixed::Fx{value, 0}, values, [&] { return Value::enumeration(value); });
        in.p = after;
      } else if (info.type.kind == TypeKind::Money && (after = money_at(in.p + 1, in.end, true, x))) {
        put_money(slot, x, values);
        in.p = after;
      } else {
        std::string_view text;
        if (!in.string(text)) return false;
        if (info.type.kind == TypeKind::Enum) {
          const int i = index_.enum_value(info.type.enum_id, text);
          if (i < 0) return false;
          put(slot, fixed::Fx{i, 0}, values, [&] { return Value::enumeration(i); });
        } else if (info.type.kind != TypeKind::Money || !put_money(slot, text, values)) {
          if (!utf8_text(text) || !convert(slot, Scalar::Kind::String, text)) return false;  // 30%, 120万元, a date
        }
      }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      if (info.type.kind == TypeKind::Money && (after = money_at(in.p, in.end, false, x))) {
        put_money(slot, x, values);
        in.p = after;
      } else {
        const std::string_view text = in.number();
        bool integral = false;
        if (info.type.kind != TypeKind::Money || !put_money(slot, text, values))
          if (!number_token(text, integral) || !convert(slot, Scalar::Kind::Number, text)) return false;  // integers, rates
      }
    } else if (c == 't' || c == 'f') {
      const bool b = c == 't';
      if (!(b ? in.word("true") : in.word("false")) || info.type.kind != TypeKind::Bool) return false;
      put(slot, fixed::Fx{b ? 1 : 0, 0}, values, [&] { return Value::boolean(b); });
    } else if (c == 'n') {
      if (!in.word("null") || info.required()) return false;
      // Left unset, as if not written; still counted so a repeat is refused.
      facts_.present[static_cast<std::size_t>(slot)] = FactValues::kGiven;
      set_.push_back(slot);
      nulls_.push_back(slot);
    } else {
      return false;  // an array, an object: simdjson's (and then the precise reader's)
    }
    if (in.take(',')) continue;
    return in.take('}');
  }
}

// simdjson On-Demand: any JSON, for lines the scanner does not take.
bool FastLineReader::parse(const char* text, std::size_t size, std::size_t capacity, FastApplication& app, bool values) {
  const Edition& ed = index_.edition();
  od::document doc;
  if (parser_->parser.iterate(text, size, capacity).get(doc)) return false;
  od::object top;
  if (doc.get_object().get(top)) return false;
  unsigned seen = 0;  // bits: id, applicant, measure, facts
  const char* const end = text + size;
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
              const int i = index_.enum_value(info.type.enum_id, value_text);
              if (i < 0) return false;
              put(slot, fixed::Fx{i, 0}, values, [&] { return Value::enumeration(i); });
              continue;
            }
            if (info.type.kind == TypeKind::Money && put_money(slot, value_text, values)) continue;
            s.kind = Scalar::Kind::String;
            s.text.assign(value_text);
            break;
          }
          case od::json_type::number: {
            std::string_view value_text;
            if (info.type.kind == TypeKind::Money) {  // plain money is a JSON number: no need to check its grammar
              value_text = trim_right(v.raw_json_token());
              if (put_money(slot, value_text, values)) continue;
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
            put(slot, fixed::Fx{b ? 1 : 0, 0}, values, [&] { return Value::boolean(b); });
            continue;
          }
          case od::json_type::null: {
            bool null = false;
            if (v.is_null().get(null) || !null || info.required()) return false;
            // Left unset, as if not written; still counted so a repeat is refused.
            facts_.present[static_cast<std::size_t>(slot)] = FactValues::kGiven;
            set_.push_back(slot);
            nulls_.push_back(slot);
            continue;
          }
          default: return false;  // an array (a list fact's items) or object: the precise reader's
        }
        auto converted = convert_fact(ed, slot, s);
        if (converted.index() != 0) return false;
        put_value(slot, std::move(std::get<Value>(converted)));
      }
    }
  }
  // Written as null: not given (the precise reader skips them).
  for (const int slot : nulls_) facts_.clear(slot);
  if ((seen & 12) != 12) return false;
  // Nothing may follow the object.
  const char* after = nullptr;
  if (!doc.current_location().get(after)) return false;
  app.measure_info = index_.measure(app.measure);
  return true;
}

}  // namespace kuan::json
