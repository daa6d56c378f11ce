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

inline void put_varint(std::string& out, std::uint64_t n) {
  do {
    const unsigned char low = n & 0x7F;
    n >>= 7;
    out += static_cast<char>(low | (n ? 0x80 : 0));
  } while (n);
}
inline std::uint64_t get_varint(std::string_view s, std::size_t& at) {
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
// False for a value of a kind it does not know (the caller keeps the line's
// text the way it always can: read it the precise way).
inline constexpr unsigned char kFactText = 0x80;
inline bool encode_fact_value(std::string& out, int slot, const Value& v) {
  const auto kind = static_cast<unsigned char>(v.kind);
  switch (v.kind) {
    case TypeKind::Bool:
    case TypeKind::Enum:
    case TypeKind::Date:
      put_varint(out, static_cast<std::uint64_t>(slot));
      out += static_cast<char>(kind);
      put_varint(out, zigzag(v.small));
      return true;
    case TypeKind::Money:
    case TypeKind::Rate:
    case TypeKind::Integer:
    case TypeKind::Number: {
      put_varint(out, static_cast<std::uint64_t>(slot));
      std::int64_t m = 0;
      if (v.number.mantissa64(m) && v.number.scale() >= 0) {
        out += static_cast<char>(kind);
        put_varint(out, static_cast<std::uint64_t>(v.number.scale()));
        put_varint(out, zigzag(m));
      } else {
        out += static_cast<char>(kind | kFactText);
        const std::string text = v.number.to_string();
        put_varint(out, text.size());
        out += text;
      }
      return true;
    }
    default: return false;
  }
}

// The same for a fact bound straight into its fixed-point lane (a
// FastLineReader's Binding::FixedOnly): `kind` is the fact's declared type,
// whose Value fixed::of_value would give `x` — so the bytes are those
// encode_fact_value writes for that Value. False for a kind it does not know.
inline bool encode_fixed_fact(std::string& out, int slot, TypeKind kind, fixed::Fx x) {
  switch (kind) {
    case TypeKind::Bool:
    case TypeKind::Enum:
    case TypeKind::Date:
      put_varint(out, static_cast<std::uint64_t>(slot));
      out += static_cast<char>(kind);
      put_varint(out, zigzag(x.m));
      return true;
    case TypeKind::Money:
    case TypeKind::Rate:
    case TypeKind::Integer:
    case TypeKind::Number:
      if (x.s < 0) return false;
      put_varint(out, static_cast<std::uint64_t>(slot));
      out += static_cast<char>(kind);
      put_varint(out, static_cast<std::uint64_t>(x.s));
      put_varint(out, zigzag(x.m));
      return true;
    default: return false;
  }
}

// Sets each fact of an encoded record in `facts`' fixed-point lanes only
// (what decide_compiled reads), calling touched(slot) for each; false — the
// lanes partly set — when a fact is kept as text (its mantissa does not fit
// 64 bits): then bind its Values with decode_fact_values.
template <class F>
bool decode_fact_fixed(std::string_view s, FactValues& facts, F touched) {
  for (std::size_t at = 0; at < s.size();) {
    const int slot = static_cast<int>(get_varint(s, at));
    if (static_cast<std::size_t>(slot) == facts.present.size()) {  // the line's own date (encode_as_of)
      facts.as_of = static_cast<std::int32_t>(unzigzag(get_varint(s, at)));
      continue;
    }
    const auto form = static_cast<unsigned char>(s[at++]);
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
  }
  return true;
}

// A line's own date (its as_of, days since 1970-01-01) rides after its facts
// as one more entry: the slot one past the edition's last fact, then the day
// (zigzag varint). Decoding sets FactValues::as_of from it.
inline void encode_as_of(std::string& out, std::size_t fact_count, std::int32_t day) {
  put_varint(out, fact_count);
  put_varint(out, zigzag(day));
}

// Sets each fact of an encoded record in `facts`, calling touched(slot) for
// each, and its own date, if it has one, in facts.as_of.
template <class F>
void decode_fact_values(std::string_view s, FactValues& facts, F touched) {
  for (std::size_t at = 0; at < s.size();) {
    const int slot = static_cast<int>(get_varint(s, at));
    if (static_cast<std::size_t>(slot) == facts.present.size()) {  // the line's own date (encode_as_of)
      facts.as_of = static_cast<std::int32_t>(unzigzag(get_varint(s, at)));
      continue;
    }
    const auto form = static_cast<unsigned char>(s[at++]);
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
  }
}

}  // namespace kuan
