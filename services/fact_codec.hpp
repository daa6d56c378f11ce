// The given facts of an application kept compactly between reading a batch
// and deciding it (allocate.cpp): the typed values as read, a few bytes each,
// so that deciding binds them again without parsing or converting any text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "interpreter/evaluator.hpp"  // FactValues
#include "interpreter/fixed.hpp"

namespace kuan {

inline char* put_varint(char* p, std::uint64_t n) {
  for (; n >= 0x80; n >>= 7) *p++ = static_cast<char>((n & 0x7F) | 0x80);
  *p++ = static_cast<char>(n);
  return p;
}
inline void put_varint(std::string& out, std::uint64_t n) {
  char bytes[10];
  out.append(bytes, static_cast<std::size_t>(put_varint(bytes, n) - bytes));
}
[[gnu::always_inline]] inline std::uint64_t get_varint(std::string_view s, std::size_t& at) {
  // One byte (a slot, a scale, a choice, a small figure) is most of what deciding reads back.
  if (at < s.size() && static_cast<unsigned char>(s[at]) < 0x80) return static_cast<unsigned char>(s[at++]);
  std::uint64_t n = 0;
  for (int shift = 0; at < s.size() && shift < 64; shift += 7) {
    const auto b = static_cast<unsigned char>(s[at++]);
    n |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  return n;
}
inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t u) {
  return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
}

// A given fact as a value: slot (varint), form (one byte: the TypeKind, plus
// kText when a number's mantissa does not fit 64 bits), then
//   Bool, Enum, Date: the integer (zigzag varint);
//   numbers: the scale (varint) and the mantissa (zigzag varint), or with
//            kText the exact decimal text (varint length + bytes).
inline constexpr unsigned char kFactText = 0x80;

// A fact whose value fits 64 bits, as its fixed-point lane holds it (a
// FastLineReader's Binding::FixedOnly binds only that): `kind` is the fact's
// type, `x` what fixed::of_value gives for its Value. False for a kind it does
// not know (the caller reads the line the precise way).
// The same written at p (room for kMaxFixedFactBytes), its end returned, or
// nullptr for a kind it does not know: one line's facts are written in place.
inline constexpr std::size_t kMaxFixedFactBytes = 31;  // slot, form, scale, mantissa: 10 + 1 + 10 + 10
inline char* put_fixed_fact(char* p, int slot, TypeKind kind, fixed::Fx x) {
  switch (kind) {
    case TypeKind::Bool:
    case TypeKind::Enum:
    case TypeKind::Date:
      p = put_varint(p, static_cast<std::uint64_t>(slot));
      *p++ = static_cast<char>(kind);
      return put_varint(p, zigzag(x.m));
    case TypeKind::Money:
    case TypeKind::Rate:
    case TypeKind::Integer:
    case TypeKind::Number:
      if (x.s < 0) return nullptr;
      p = put_varint(p, static_cast<std::uint64_t>(slot));
      *p++ = static_cast<char>(kind);
      p = put_varint(p, static_cast<std::uint64_t>(x.s));
      return put_varint(p, zigzag(x.m));
    default: return nullptr;
  }
}
inline bool encode_fixed_fact(std::string& out, int slot, TypeKind kind, fixed::Fx x) {
  char bytes[kMaxFixedFactBytes];
  const char* end = put_fixed_fact(bytes, slot, kind, x);
  if (end) out.append(bytes, static_cast<std::size_t>(end - bytes));
  return end != nullptr;
}

// Any given fact's Value: as encode_fixed_fact when it fits 64 bits, else a
// number as its exact text. False for a kind it does not know.
inline bool encode_fact_value(std::string& out, int slot, const Value& v) {
  switch (v.kind) {
    case TypeKind::Bool:
    case TypeKind::Enum:
    case TypeKind::Date: return encode_fixed_fact(out, slot, v.kind, {v.small, 0});
    case TypeKind::Money:
    case TypeKind::Rate:
    case TypeKind::Integer:
    case TypeKind::Number: {
      std::int64_t m = 0;
      if (v.number.mantissa64(m) && v.number.scale() >= 0)
        return encode_fixed_fact(out, slot, v.kind, {m, static_cast<std::int32_t>(v.number.scale())});
      put_varint(out, static_cast<std::uint64_t>(slot));
      out += static_cast<char>(static_cast<unsigned char>(v.kind) | kFactText);
      const std::string text = v.number.to_string();
      put_varint(out, text.size());
      out += text;
      return true;
    }
    default: return false;
  }
}

// A line's own date (its as_of, days since 1970-01-01) rides after its facts
// as one more entry: the slot one past the edition's last fact, then the day
// (zigzag varint). Decoding sets FactValues::as_of from it.
inline void encode_as_of(std::string& out, std::size_t fact_count, std::int32_t day) {
  put_varint(out, fact_count);
  put_varint(out, zigzag(day));
}

// Walks an encoded record: its own date, if it has one, into facts.as_of, and
// each fact to fact(slot, form, at), which reads the value from `at` on and
// says whether to go on. False when one said stop.
template <class Fact>
bool walk_fact_values(std::string_view s, FactValues& facts, Fact fact) {
  for (std::size_t at = 0; at < s.size();) {
    const int slot = static_cast<int>(get_varint(s, at));
    if (static_cast<std::size_t>(slot) == facts.present.size()) {  // the line's own date (encode_as_of)
      facts.as_of = static_cast<std::int32_t>(unzigzag(get_varint(s, at)));
      continue;
    }
    const auto form = static_cast<unsigned char>(s[at++]);
    if (!fact(slot, form, at)) return false;
  }
  return true;
}

// Sets each fact of an encoded record in `facts`' fixed-point lanes only
// (what decide_compiled reads), calling touched(slot) for each; false — the
// lanes partly set — when a fact is kept as text (its mantissa does not fit
// 64 bits): then bind its Values with decode_fact_values.
template <class F>
bool decode_fact_fixed(std::string_view s, FactValues& facts, F touched) {
  return walk_fact_values(s, facts, [&](int slot, unsigned char form, std::size_t& at) {
    if (form & kFactText) return false;
    const auto kind = static_cast<TypeKind>(form);
    fixed::Fx x;
    if (kind == TypeKind::Bool || kind == TypeKind::Enum || kind == TypeKind::Date) {
      x = {unzigzag(get_varint(s, at)), 0};
    } else {
      const auto scale = get_varint(s, at);
      x = {unzigzag(get_varint(s, at)), static_cast<std::int32_t>(scale)};
      if (scale > static_cast<std::uint64_t>(fixed::kMaxScale)) return false;
    }
    facts.present[static_cast<std::size_t>(slot)] = FactValues::kGiven | FactValues::kFits;
    facts.fixed[static_cast<std::size_t>(slot)] = x;
    touched(slot);
    return true;
  });
}

// Sets each fact of an encoded record in `facts`, calling touched(slot) for
// each, and its own date, if it has one, in facts.as_of.
template <class F>
void decode_fact_values(std::string_view s, FactValues& facts, F touched) {
  walk_fact_values(s, facts, [&](int slot, unsigned char form, std::size_t& at) {
    const auto kind = static_cast<TypeKind>(form & ~kFactText);
    Value v;
    v.kind = kind;
    if (kind == TypeKind::Bool || kind == TypeKind::Enum || kind == TypeKind::Date) {
      v.small = unzigzag(get_varint(s, at));
    } else if (form & kFactText) {
      const auto n = static_cast<std::size_t>(get_varint(s, at));
      v.number = *Decimal::parse(s.substr(at, n));  // written by to_string: always parses
      at += n;
    } else {
      const int scale = static_cast<int>(get_varint(s, at));
      v.number = Decimal::from_scaled(unzigzag(get_varint(s, at)), scale);
    }
    facts.set(slot, std::move(v));
    touched(slot);
    return true;
  });
}

}  // namespace kuan
