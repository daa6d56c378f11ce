// Batch allocation, pass 2: the decisions, in input order, rebuilt from the
// records (see allocate.hpp), as JSON lines or CSV rows.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <ostream>
#include <string_view>
#include <utility>
#include <fmt/format.h>

#include "base/amount_text.hpp"
#include "base/csv.hpp"
#include "base/json_string.hpp"
#include "base/out_bytes.hpp"
#include "services/allocate_impl.hpp"
#include "services/pro_rata.hpp"
#include "interpreter/render.hpp"
#include "interpreter/result.hpp"

namespace kuan {

namespace {
// 分 as "1234.50" at p (cents_text without a string of its own), its end
// returned; p has kAmountDigits + kAmountChunk bytes of room.
char* put_cents(char* p, std::int64_t cents) { return put_amount(p, cents, 2); }
void append_cents(std::string& out, std::int64_t cents) {
  char buf[kAmountDigits + kAmountChunk];
  out.append(buf, static_cast<std::size_t>(put_cents(buf, cents) - buf));
}

char* put_text(char* p, std::string_view text) {
  std::memcpy(p, text.data(), text.size());
  return p + text.size();
}
char* put_count(char* p, std::uint32_t n) { return std::to_chars(p, p + 10, n).ptr; }
}  // namespace

void AllocatorData::Setup::set_json_row_max() {
  // Every literal member name and punctuation, three amounts and two ranks: well under 384 bytes
  // (and the chunk an amount's digits are copied in).
  std::size_t n = 384 + kAmountChunk + measure_json.size() + quota_out_json.size();
  for (const std::string& reason : reasons_json) n += reason.size() + 1;
  std::size_t widest_cap = 4, widest_note = 0;  // null
  for (std::size_t c = 0; c < caps_json.size(); ++c) {
    widest_cap = std::max(widest_cap, caps_json[c].size());
    widest_note = std::max(widest_note, notes_json[c].size());
  }
  json_row_max = n + widest_cap + widest_note + std::max(room_before_json.size(), opened_before_json.size()) +
                 room_after_json.size();
}

std::string AllocatorData::figures_member(const Record& r) const {
  std::string member;
  if (const auto f = figures.empty() ? figures.end() : figures.find(&r); f != figures.end() && is_funded(r)) {
    const auto& results = ed.measures[r.measure].decl->results;
    append_figures_member(
        member, std::min(f->second.size(), results.size()),
        [&](std::size_t k) -> const std::string& { return results[k].name; },
        [&](std::size_t k) -> const std::string& { return f->second[k]; });
  }
  return member;
}

std::size_t AllocatorData::json_row_bound(const Record& r, std::string_view id, std::string_view applicant,
                                          std::string_view figures_json) const {
  const int pool = ed.measures[r.measure].pool;
  return setup[r.measure].json_row_max + 6 * (id.size() + applicant.size()) + figures_json.size() +
         (pool >= 0 ? pools[pool].pro_rata_json.size() : 0);
}

// One decision as a JSON line, written in place: the same members decision()
// writes for CSV columns, in the same order, with each measure's, cap's,
// reason's and pool's fixed text escaped once (Setup, Pool::pro_rata_json).
char* AllocatorData::put_decision_json(char* p, const Record& r, std::string_view id, std::string_view applicant,
                                       std::string_view figures_json) const {
  using namespace std::string_view_literals;
  const MeasureInfo& m = ed.measures[r.measure];
  const Setup& s = setup[r.measure];
  const bool eligible = is_funded(r);
  p = put_text(p, R"({"id":)"sv);
  p = write_json_string(p, id);
  p = put_text(p, R"(,"applicant":)"sv);
  p = write_json_string(p, applicant);
  p = put_text(p, s.measure_json);  // ,"measure":"…","eligible":
  p = put_text(p, eligible ? R"(true,"amount":")"sv : R"(false,"amount":")"sv);
  p = put_cents(p, r.amount);
  p = put_text(p, R"(","allocated":")"sv);
  p = put_cents(p, allocated(r));
  *p++ = '"';
  p = put_text(p, figures_json);  // 结果, as `kuan eval` writes them
  p = put_text(p, R"(,"reasons":[)"sv);
  if (r.failed || (r.flags & kQuotaOut)) {
    bool first = true;
    for (std::size_t q = 0; q < m.requirements.size(); ++q)
      if (r.failed >> q & 1) {
        if (!std::exchange(first, false)) *p++ = ',';
        p = put_text(p, s.reasons_json[q]);
      }
    if (r.flags & kQuotaOut) {  // the measure's text, escaped once, then the rank
      if (!first) *p++ = ',';
      p = put_text(p, s.quota_out_json);
      p = put_count(p, r.rank);
      *p++ = '"';
    }
  }
  p = put_text(p, R"(],"bound":)"sv);
  p = put_text(p, r.bound ? std::string_view(s.caps_json[r.bound - 1]) : "null"sv);
  if (r.flags & kRoomComputed) {
    p = put_text(p, R"(,"cap_room_used":)"sv);
    p = put_text(p, (r.flags & kOpened) ? s.opened_before_json : s.room_before_json);
    p = put_cents(p, r.used);
    p = put_text(p, s.room_after_json);
  }
  if (eligible && m.pool >= 0 && pools[m.pool].scaled) {
    p = put_text(p, pools[m.pool].pro_rata_json);  // ,"pro_rata":"…"
    if (r.flags & kExtraCent) p = put_text(p, R"(,"extra_cent":true)"sv);
  }
  if (r.rank) {
    p = put_text(p, R"(,"quota_rank":)"sv);
    p = put_count(p, r.rank);
  }
  if (eligible && r.bound && r.amount == 0) p = put_text(p, s.notes_json[r.bound - 1]);
  *p++ = '}';
  *p++ = '\n';
  return p;
}

void AllocatorData::decision_json(std::size_t index, std::string& out) const {
  const Record& r = records[index];
  const std::string_view id = id_of(r), applicant = applicant_of(r);
  const std::string figures_json = figures_member(r);
  const std::size_t at = out.size();
  out.resize(at + json_row_bound(r, id, applicant, figures_json));
  out.resize(static_cast<std::size_t>(put_decision_json(out.data() + at, r, id, applicant, figures_json) - out.data()));
}

// The reason of an application ranked beyond its quota: its measure's text, then the rank.
std::string AllocatorData::quota_loser_reason(const Record& r) const {
  return quota_loser_text(ed, ed.measures[r.measure]) + fmt::format_int(r.rank).str();
}

std::string quota_loser_text(const ::kuan::Edition& ed, const MeasureInfo& m) {
  const QuotaInfo& q = ed.quotas[m.quota];
  const std::string by = q.score_fact >= 0 ? ed.facts[q.score_fact].decl->name : std::string("申请顺序");
  if (q.decl->spelling == ast::LimitSpelling::Quota)  // 名额 = N written in the measure
    return fmt::format("未入选:{}每年名额 {} 个,本申请{}排第 ", m.decl->name, q.count, by);
  return fmt::format("未入选:限额 {} 每年 {} 个{},本申请{}排第 ", q.decl->name, q.count,
                     q.group_fact >= 0 ? "(每个" + ed.facts[q.group_fact].decl->name + "分别计)" : std::string(), by);
}

// One decision; JSON members and CSV columns come in the same order.
void AllocatorData::decision(std::size_t index, AllocationFormat format, std::string& out) const {
  if (format == AllocationFormat::Jsonl) return decision_json(index, out);
  const Record& r = records[index];
  const MeasureInfo& m = ed.measures[r.measure];
  const Setup& s = setup[r.measure];
  const bool eligible = (r.flags & kEligible) && !(r.flags & kQuotaOut), csv = format == AllocationFormat::Csv;
  const ast::LimitDecl* bound = r.bound ? m.caps[r.bound - 1] : nullptr;
  std::string reasons = csv ? "" : "[", note, quoted_note;
  auto reason = [&](std::string_view text) {
    if (csv) (reasons += reasons.empty() ? "" : "; ") += text;
    else (reasons += reasons.size() > 1 ? "," : ""), append_json_string(reasons, text);
  };
  each_reason(r, reason);
  if (!csv) reasons += ']';
  if (eligible && bound && r.amount == 0) {
    note = exhausted_cap_note(bound->name);
    if (!csv) append_json_string(quoted_note, note), note = "[" + quoted_note + "]";
  }
  std::string_view pro_rata;
  if (eligible && m.pool >= 0 && pools[m.pool].scaled) pro_rata = pools[m.pool].factor;
  bool first = true;
  // A JSON member (left out when `optional` and empty) or a CSV cell.
  auto field = [&](std::string_view key, std::string_view v, bool quoted = true, bool optional = false) {
    if (csv) {
      if (!first) out += ',';
      put_csv_cell(out, v);
    } else if (!(optional && v.empty())) {
      ((out += first ? "{\"" : ",\"") += key) += "\":";
      if (quoted) append_json_string(out, v);
      else out += v;
    }
    first = false;
  };
  // 分 as a quoted JSON string or a CSV cell (digits need no escaping or quoting).
  auto cents_field = [&](std::string_view key, std::int64_t cents) {
    if (cents < 0) {  // never paid; if ever, a leading '-' is the CSV cell's business
      std::string text;
      append_cents(text, cents);
      return field(key, text);
    }
    if (csv) out += ',';
    else ((out += ",\"") += key) += "\":\"";
    append_cents(out, cents);
    if (!csv) out += '"';
  };
  field("id", arena.get(r.id));
  field("applicant", applicant_of(r));
  field("measure", m.decl->name);
  field("eligible", eligible ? "true" : "false", false);
  cents_field("amount", r.amount);
  cents_field("allocated", allocated(r));
  field("reasons", reasons, false);
  field("bound", bound ? std::string_view(bound->name) : csv ? "" : "null", bound != nullptr);
  if (!(r.flags & kRoomComputed)) {
    field("cap_room_used", "", true, true);
  } else if (csv) {  // the room's sentence, written once: its text has no number of its own to escape
    std::string room;
    room.reserve(s.opened_before.size() + 24 + s.room_after.size());
    room += (r.flags & kOpened) ? s.opened_before : s.room_before;
    append_cents(room, r.used);
    room += s.room_after;
    field("cap_room_used", room);
  } else {
    (out += ",\"cap_room_used\":") += (r.flags & kOpened) ? s.opened_before_json : s.room_before_json;
    append_cents(out, r.used);
    out += s.room_after_json;
  }
  field("pro_rata", pro_rata, true, true);
  field("extra_cent", !pro_rata.empty() && (r.flags & kExtraCent) ? "true" : "", false, true);
  field("quota_rank", r.rank ? fmt::format_int(r.rank).str() : "", false, true);
  field("notes", note, csv, true);
  if (csv && !figure_columns.empty()) {  // 结果.NAME: an eligible decision's figures, as `kuan eval`'s CSV has them
    const auto f = eligible ? figures.find(&r) : figures.end();
    const std::vector<std::string>* texts = f != figures.end() ? &f->second : nullptr;
    figure_columns.append_cells(out, *m.decl, texts ? texts->size() : 0,
                                [&](std::size_t k) -> const std::string& { return (*texts)[k]; });
  }
  out += csv ? "\n" : "}\n";
}

api::AllocationDecision AllocatorData::decision_record(std::size_t index) const {
  const Record& r = records[index];
  const MeasureInfo& m = ed.measures[r.measure];
  api::AllocationDecision d;
  d.id = arena.get(r.id);
  d.applicant = applicant_of(r);
  d.measure = m.decl->name;
  d.eligible = is_funded(r);
  append_cents(d.amount, r.amount);
  append_cents(d.allocated, allocated(r));
  each_reason(r, [&](std::string_view text) { d.reasons.emplace_back(text); });
  if (r.bound) d.bound = m.caps[r.bound - 1]->name;
  if (const auto f = d.eligible ? figures.find(&r) : figures.end(); f != figures.end())
    for (std::size_t k = 0; k < f->second.size() && k < m.decl->results.size(); ++k)
      d.figures.push_back({m.decl->results[k].name, f->second[k]});
  return d;
}

std::string AllocatorData::csv_header_line() const {
  std::string header = Allocator::csv_header();
  header.pop_back();  // its '\n'
  figure_columns.append_header(header);
  return header += '\n';
}

void AllocatorData::write(std::ostream& out, AllocationFormat format, const api::AllocationProgressFn& progress) const {
  constexpr std::size_t kFlush = std::size_t{1} << 20;
  const std::size_t n = records.size();
  auto flush = [&](std::string_view bytes, std::size_t done) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (progress) progress({2, 0, done, n});
  };
  if (format == AllocationFormat::Jsonl) {  // each row in place: one capacity check per row
    OutBytes buf;
    for (std::size_t i = 0; i < n; ++i) {
      if (i + 8 < n) __builtin_prefetch(arena.address(records[i + 8].id));
      const Record& r = records[i];
      const std::string_view id = id_of(r), applicant = Arena::next(id);
      const std::string figures_json = figures_member(r);
      buf.commit(put_decision_json(buf.room(json_row_bound(r, id, applicant, figures_json)), r, id, applicant, figures_json));
      if (buf.size() >= kFlush) flush(buf.view(), i + 1), buf.clear();
    }
    out.write(buf.view().data(), static_cast<std::streamsize>(buf.size()));
  } else {
    std::string buf;
    buf.reserve(kFlush + (std::size_t{1} << 16));
    if (format == AllocationFormat::Csv) buf = csv_header_line();
    for (std::size_t i = 0; i < n; ++i) {
      decision(i, format, buf);
      if (buf.size() >= kFlush) flush(buf, i + 1), buf.clear();
    }
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  }
  out.flush();
  if (progress) progress({2, 0, n, n});
}

}  // namespace kuan
