#include "interpreter/result_writer.hpp"

#include <algorithm>
#include <cstring>

#include "base/amount_text.hpp"
#include "base/json_string.hpp"
#include "interpreter/render.hpp"

namespace kuan {

namespace {

constexpr std::size_t kChunk = 32;  // pieces are copied in whole chunks of this many bytes
static_assert(kChunk < OutBytes::kSlack && kAmountChunk < OutBytes::kSlack);

std::string json_text(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace

ResultWriter::Piece ResultWriter::keep(std::string_view bytes) {
  const Piece piece{static_cast<std::uint32_t>(text_.size()), static_cast<std::uint32_t>(bytes.size())};
  text_ += bytes;
  return piece;
}

ResultWriter::ResultWriter(const Edition& ed) : ed_(ed), pieces_(ed.measures.size()) {
  for (std::size_t i = 0; i < ed.measures.size(); ++i) {
    const MeasureInfo& m = ed.measures[i];
    Pieces& p = pieces_[i];
    for (int eligible = 0; eligible < 2; ++eligible)
      p.head[eligible] = keep("\"measure\":" + json_text(m.decl->name) + ",\"version\":" + json_text(ed.name) +
                              (eligible ? ",\"eligible\":true,\"amount\":\"" : ",\"eligible\":false,\"amount\":\""));
    p.no_reasons = keep("\",\"reasons\":[],");
    for (const ast::Requirement* r : m.requirements) p.reasons.emplace_back(r, keep(json_text(r->reason)));
    // As append_result_json ends a result: the notes, the clause, the closing brace.
    const std::string tail = (m.clause && !m.clause->ref.empty() ? ",\"clause\":" + json_text(m.clause->ref) : "") + "}\n";
    p.unbound = keep("\"bound\":null" + tail);
    for (const ast::LimitDecl* cap : m.caps) {
      const std::string bound = "\"bound\":" + json_text(cap->name);
      p.bounds.emplace_back(cap, keep(bound + tail));
      p.used_up.emplace_back(cap, keep(bound + ",\"notes\":[" + json_text(exhausted_cap_note(cap->name)) + "]" + tail));
    }
    p.longest_end = p.unbound.size;
    for (const auto& b : p.used_up) p.longest_end = std::max<std::size_t>(p.longest_end, b.second.size);  // the longer of each cap's two
  }
  text_.append(kChunk, ' ');  // the last piece's chunks stay inside
}

char* ResultWriter::put(char* p, Piece piece) const {
  const char* from = text_.data() + piece.at;
  for (std::size_t i = 0; i < piece.size; i += kChunk) std::memcpy(p + i, from + i, kChunk);
  return p + piece.size;
}

namespace {

// The piece kept for `key` (a requirement, a cap), or null.
template <class Key, class Piece>
const Piece* piece_of(const std::vector<std::pair<Key, Piece>>& pairs, Key key) {
  for (const auto& pair : pairs)
    if (pair.first == key) return &pair.second;
  return nullptr;
}

}  // namespace

std::size_t ResultWriter::row_bound(const Edition& ed, const Outcome& o, const std::string_view* id, bool id_plain) const {
  const auto index = static_cast<std::size_t>(o.measure - ed_.measures.data());
  std::int64_t mantissa;
  if (&ed != &ed_ || index >= pieces_.size() || !o.figures.empty() || !o.amount.mantissa64(mantissa) ||
      o.amount.scale() < 0 || o.amount.scale() > kAmountMaxScale)
    return 0;  // another edition's, 结果, a long amount
  const Pieces& p = pieces_[index];
  std::size_t n = 1 + p.head[o.eligible].size + kAmountDigits + static_cast<std::size_t>(o.amount.scale()) + p.longest_end;
  if (id) n += 8 + (id_plain ? id->size() : 6 * id->size());
  if (o.failed.empty()) {
    n += p.no_reasons.size;
  } else {
    n += 16;
    for (const ast::Requirement* r : o.failed) {
      const Piece* reason = piece_of(p.reasons, r);
      if (!reason) return 0;
      n += reason->size + 1;
    }
  }
  if (o.bound && !piece_of(p.bounds, o.bound)) return 0;
  return n;
}

char* ResultWriter::put_row(char* p, const Outcome& o, const std::string_view* id, bool id_plain) const {
  const Pieces& pieces = pieces_[static_cast<std::size_t>(o.measure - ed_.measures.data())];
  *p++ = '{';
  if (id) {
    std::memcpy(p, "\"id\":", 5);
    p += 5;
    if (id_plain) {
      *p++ = '"';
      std::memcpy(p, id->data(), id->size());
      p += id->size();
      *p++ = '"';
    } else {
      p = write_json_string(p, *id);
    }
    *p++ = ',';
  }
  p = put(p, pieces.head[o.eligible]);
  std::int64_t mantissa = 0;
  o.amount.mantissa64(mantissa);
  p = put_amount(p, mantissa, o.amount.scale());
  if (o.failed.empty()) {
    p = put(p, pieces.no_reasons);
  } else {
    std::memcpy(p, "\",\"reasons\":[", 13);
    p += 13;
    for (std::size_t i = 0; i < o.failed.size(); ++i) {
      if (i) *p++ = ',';
      if (const Piece* reason = piece_of(pieces.reasons, o.failed[i])) p = put(p, *reason);  // found: row_bound checked
    }
    *p++ = ']', *p++ = ',';
  }
  const Piece* end = o.bound ? piece_of(o.eligible && o.amount.is_zero() ? pieces.used_up : pieces.bounds, o.bound) : &pieces.unbound;
  return end ? put(p, *end) : p;  // found: row_bound checked
}

void ResultWriter::append(std::string& out, const Edition& ed, const Outcome& o, const std::string_view* id) const {
  const std::size_t n = row_bound(ed, o, id, false);
  if (!n) {
    append_result_json(out, describe_result(ed, o, nullptr), id);
    return;
  }
  const std::size_t at = out.size();
  out.resize(at + n + OutBytes::kSlack);
  const char* end = put_row(out.data() + at, o, id, false);
  out.resize(static_cast<std::size_t>(end - out.data()) - 1);  // without the '\n'
}

void ResultWriter::append_line(OutBytes& out, const Edition& ed, const Outcome& o, const std::string_view* id,
                               bool id_plain) const {
  const std::size_t n = row_bound(ed, o, id, id_plain);
  if (!n) {
    std::string row;
    append_result_json(row, describe_result(ed, o, nullptr), id);
    row += '\n';
    out.append(row);
    return;
  }
  out.commit(put_row(out.room(n), o, id, id_plain));
}

}  // namespace kuan
