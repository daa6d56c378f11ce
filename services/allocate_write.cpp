// Batch allocation, pass 2: the decisions, in input order, rebuilt from the
// records (see allocate.hpp), as JSON lines or CSV rows.
#include <algorithm>
#include <charconv>
#include <ostream>
#include <string_view>
#include <utility>
#include <fmt/format.h>

#include "base/csv.hpp"
#include "base/json_string.hpp"
#include "services/allocate_impl.hpp"
#include "services/pro_rata.hpp"
#include "interpreter/render.hpp"
#include "interpreter/result.hpp"

namespace kuan {

namespace {
// 分 as "1234.50" at p (at most 24 bytes), its end returned (cents_text
// without a string of its own; the whole 元 by to_chars, two digits at a time).
char* put_cents(char* p, std::int64_t cents) {
  const std::uint64_t v = cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  if (cents < 0) *p++ = '-';
  p = std::to_chars(p, p + 21, v / 100).ptr;
  const auto fen = static_cast<unsigned>(v % 100);
  *p++ = '.';
  *p++ = static_cast<char>('0' + fen / 10);
  *p++ = static_cast<char>('0' + fen % 10);
  return p;
}
void append_cents(std::string& out, std::int64_t cents) {
  char buf[24];
  out.append(buf, static_cast<std::size_t>(put_cents(buf, cents) - buf));
}
}  // namespace

// One decision as a JSON line: the same members decision() writes for CSV
// columns, in the same order, with each measure's, cap's and pool's fixed text
// escaped once (MeasureText, Pool::pro_rata_json) instead of on every line.
void AllocatorData::decision_json(std::size_t index, std::string& out) const {
  using namespace std::string_view_literals;
  const Record& r = records[index];
  const MeasureInfo& m = ed.measures[r.measure];
  const Setup& s = setup[r.measure];
  const bool eligible = (r.flags & kEligible) && !(r.flags & kQuotaOut);
  out += R"({"id":)"sv;
  append_json_string(out, arena.get(r.id));
  out += R"(,"applicant":)"sv;
  append_json_string(out, applicant_of(r));
  out += s.measure_json;  // ,"measure":"…","eligible":
  {  // true,"amount":"…","allocated":"…" — fixed text and two amounts, appended at once
    char buf[112];
    char* p = buf;
    auto put = [&](std::string_view text) { p = std::copy(text.begin(), text.end(), p); };
    put(eligible ? R"(true,"amount":")"sv : R"(false,"amount":")"sv);
    p = put_cents(p, r.amount);
    put(R"(","allocated":")"sv);
    p = put_cents(p, allocated(r));
    *p++ = '"';
    out.append(buf, static_cast<std::size_t>(p - buf));
  }
  // 结果, as `kuan eval` writes them; most editions have none (no lookup per line then).
  if (const auto f = figures.empty() ? figures.end() : figures.find(&r); f != figures.end() && eligible) {
    const auto& results = m.decl->results;
    append_figures_member(
        out, std::min(f->second.size(), results.size()),
        [&](std::size_t k) -> const std::string& { return results[k].name; },
        [&](std::size_t k) -> const std::string& { return f->second[k]; });
  }
  out += R"(,"reasons":[)"sv;
  if (r.failed || (r.flags & kQuotaOut)) {
    bool first = true;
    for (std::size_t q = 0; q < m.requirements.size(); ++q)
      if (r.failed >> q & 1) {
        if (!std::exchange(first, false)) out += ',';
        append_json_string(out, m.requirements[q]->reason);
      }
    if (r.flags & kQuotaOut) {  // the measure's text, escaped once, then the rank
      if (!first) out += ',';
      out += s.quota_out_json;
      const fmt::format_int rank(r.rank);
      out.append(rank.data(), rank.size());
      out += '"';
    }
  }
  out += R"(],"bound":)"sv;
  if (r.bound) out += s.caps_json[r.bound - 1];
  else out += "null"sv;
  if (r.flags & kRoomComputed) {
    out += R"(,"cap_room_used":)"sv;
    out += (r.flags & kOpened) ? s.opened_before_json : s.room_before_json;
    append_cents(out, r.used);
    out += s.room_after_json;
  }
  if (eligible && m.pool >= 0 && pools[m.pool].scaled) {
    out += pools[m.pool].pro_rata_json;  // ,"pro_rata":"…"
    if (r.flags & kExtraCent) out += R"(,"extra_cent":true)"sv;
  }
  if (r.rank) {
    out += R"(,"quota_rank":)"sv;
    const fmt::format_int rank(r.rank);
    out.append(rank.data(), rank.size());
  }
  if (eligible && r.bound && r.amount == 0) {
    out += R"(,"notes":[)"sv;
    append_json_string(out, exhausted_cap_note(m.caps[r.bound - 1]->name));
    out += ']';
  }
  out += "}\n"sv;
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
  std::string buf;
  buf.reserve((std::size_t{1} << 20) + (std::size_t{1} << 16));
  if (format == AllocationFormat::Csv) buf = csv_header_line();
  const std::size_t n = records.size();
  for (std::size_t i = 0; i < n; ++i) {
    decision(i, format, buf);
    if (buf.size() >= (std::size_t{1} << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
      if (progress) progress({2, 0, i + 1, n});
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.flush();
  if (progress) progress({2, 0, n, n});
}

}  // namespace kuan
