// The given facts of an application kept compactly between reading a batch
// and deciding it (allocate.cpp): no values, only what was written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "interpreter/json_input.hpp"

namespace kuan {

// A given fact as read: slot (varint), JSON kind (one byte), text (varint
// length + bytes; a boolean is "1" or "0"). Converted again when deciding —
// the conversion was checked when the line was read.
inline void put_varint(std::string& out, std::size_t n) {
  do {
    const unsigned char low = n & 0x7F;
    n >>= 7;
    out += static_cast<char>(low | (n ? 0x80 : 0));
  } while (n);
}
inline std::size_t get_varint(std::string_view s, std::size_t& at) {
  std::size_t n = 0;
  for (int shift = 0; at < s.size(); shift += 7) {
    const auto b = static_cast<unsigned char>(s[at++]);
    n |= static_cast<std::size_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  return n;
}
inline void encode_fact(std::string& out, int slot, const json::Scalar& v) {
  put_varint(out, static_cast<std::size_t>(slot));
  out += static_cast<char>(v.kind);
  const std::string_view text = v.kind == json::Scalar::Kind::Bool ? (v.boolean ? "1" : "0") : std::string_view(v.text);
  put_varint(out, text.size());
  out += text;
}
// Calls f(slot, scalar) for each fact of an encoded record.
template <class F>
void decode_facts(std::string_view s, json::Scalar& scratch, F f) {
  for (std::size_t at = 0; at < s.size();) {
    const int slot = static_cast<int>(get_varint(s, at));
    scratch.kind = static_cast<json::Scalar::Kind>(s[at++]);
    const std::size_t n = get_varint(s, at);
    scratch.text.assign(s.substr(at, n));
    scratch.boolean = scratch.text == "1";
    at += n;
    f(slot, scratch);
  }
}

}  // namespace kuan
