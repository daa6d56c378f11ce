// The public Allocator (include/kuan/allocator.hpp), implemented here over
// its state (allocate_impl.hpp): every entry point guarded, so nothing throws
// to the host, and a moved-from Allocator answers with an error or nothing.
#include <algorithm>
#include <istream>
#include <new>
#include <ostream>

#include <fmt/format.h>

#include "base/date.hpp"
#include "base/json_string.hpp"
#include "base/source.hpp"
#include "services/allocate.hpp"
#include "services/allocate_impl.hpp"
#include "services/pro_rata.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/result.hpp"

namespace kuan {

namespace {

AllocationError failure(std::string message) { return allocation_error(0, 0, "", "", std::move(message)); }

// Runs an entry point; an exception becomes an AllocationError (no position).
template <typename F>
auto guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return failure("内部错误:内存不足");
  } catch (const std::exception& ex) {
    return failure(std::string("内部错误:") + ex.what());
  } catch (...) {
    return failure("内部错误:未知异常");
  }
}

AllocationError gone() { return failure("Allocator 已被移走(moved-from)"); }

}  // namespace

AllocationError allocation_error(std::size_t line, std::size_t column, std::string field, std::string id,
                                 std::string message) {
  AllocationError e;
  e.where.line = static_cast<int>(line);
  e.where.column = static_cast<int>(column);
  e.field = std::move(field);
  e.id = std::move(id);
  e.message = std::move(message);
  return e;
}

std::variant<Allocator, AllocationError> make_allocator(const Edition& ed, AllocationFormat input,
                                                        std::shared_ptr<const void> owner) {
  return guarded([&]() -> std::variant<Allocator, AllocationError> {
    auto refused = [](std::string message) -> std::variant<Allocator, AllocationError> { return failure(std::move(message)); };
    if (ed.rounding_places > 2) {
      return refused(fmt::format("版本 {} 的金额舍入到 {} 位小数;批量分配以分计,最多 2 位", ed.name, ed.rounding_places));
    }
    if (ed.measures.size() > 0xFFFF) {
      return refused("措施过多");
    }
    auto impl = std::make_unique<AllocatorData>(std::move(owner), ed, input);
    impl->setup.resize(ed.measures.size());
    for (const auto& m : ed.measures) {
      // Each arm of 否则 按 X { … } is a requirement of its own here: an author who
      // wrote one 要求 must be told why it counts as many.
      if (m.requirements.size() > 32) {
        return refused(fmt::format("措施 {} 的要求(含 否则 按 {{ … }} 的各分支)共 {} 条,超过 32 条,批量分配不支持",
                                   m.decl->name, m.requirements.size()));
      }
      if (m.caps.size() > 250) {
        return refused(fmt::format("措施 {} 的上限共 {} 个,超过 250 个,批量分配不支持", m.decl->name, m.caps.size()));
      }
    }
    for (std::size_t m = 0; m < ed.measures.size(); ++m) {
      auto& s = impl->setup[m];
      const MeasureInfo& info = ed.measures[m];
      for (const int f : info.facts)
        if (ed.facts[f].required() || std::find(info.needs.begin(), info.needs.end(), f) != info.needs.end())
          s.must_state.push_back(f);
      s.measure_json = ",\"measure\":";
      append_json_string(s.measure_json, ed.measures[m].decl->name);
      s.measure_json += ",\"eligible\":";
      for (const auto* cap : ed.measures[m].caps) {
        append_json_string(s.caps_json.emplace_back(), cap->name);
        std::string& note = s.notes_json.emplace_back(",\"notes\":[");
        append_json_string(note, exhausted_cap_note(cap->name));
        note += ']';
      }
      for (const auto* req : ed.measures[m].requirements) append_json_string(s.reasons_json.emplace_back(), req->reason);
      if (ed.measures[m].quota >= 0) {
        append_json_string(s.quota_out_json, quota_loser_text(ed, ed.measures[m]));
        s.quota_out_json.pop_back();  // the rank and the closing quote come on each line
      }
    }
    impl->funded_slot.assign(ed.accumulations.size(), -1);
    impl->year_slot.assign(ed.accumulations.size(), -1);
    for (std::size_t a = 0; a < ed.accumulations.size(); ++a) {
      const auto& acc = ed.accumulations[a];
      const bool year_total = acc.source >= 0;
      (year_total ? impl->year_slot[a] : impl->funded_slot[a]) = static_cast<int>(year_total ? impl->n_year++ : impl->n_funded++);
      std::string names;
      for (const int m : acc.measures) names += (names.empty() ? "" : "、") + ed.measures[m].decl->name;
      for (const int m : acc.measures) {
        auto& s = impl->setup[m];
        (year_total ? s.year_totals : s.funded).push_back(static_cast<int>(a));
        s.counted = s.counted || acc.count;
        if (!year_total && !acc.count && s.funded_money < 0) {
          s.funded_money = static_cast<int>(a);
          s.room_before = "同一申请人本年度此前的 " + names + " 申请已计算所得 ";
          s.room_after = " 元,计入 " + ed.facts[acc.fact].decl->name + ",本申请只用剩余额度";
          append_json_string(s.room_before_json, s.room_before);
          s.room_before_json.pop_back();  // the closing quote comes after the number
          append_json_string(s.room_after_json, s.room_after);
          s.room_after_json.erase(0, 1);
          s.opened_before = "同一申请人的期初已用与本年度此前的 " + names + " 申请已计算所得合计 ";
          append_json_string(s.opened_before_json, s.opened_before);
          s.opened_before_json.pop_back();
        }
      }
    }
    for (auto& s : impl->setup) s.set_json_row_max();
    for (const auto& p : ed.pools) {
      const auto cents = p.amount.to_int64_at_scale(2);
      if (!cents || *cents < 0) {
        return refused("资金池 " + p.decl->name + " 的额度 " + p.amount.to_string() + " 不是整分或超出范围");
      }
      impl->pools.push_back({*cents, 0, 0, 0, false, {}, {}});
    }
    return Allocator(std::move(impl));
  });
}

std::optional<AllocationError> AllocatorData::finish() {
  if (stopped) return stopped;
  if (input == AllocationFormat::Csv && !applications_csv.header_seen) return stopped = allocation_error(1, 0, "", "", "CSV 输入为空:缺少表头");
  if (finished) return std::nullopt;
  finished = true;
  if (auto e = decide_year()) return stopped = e;
  return std::nullopt;
}

std::variant<AllocationSummary, AllocationError> allocate(const Edition& ed, std::istream& in, std::ostream& out,
                                                          const api::AllocateOptions& options) {
  return guarded([&]() -> std::variant<AllocationSummary, AllocationError> {
    auto made = make_allocator(ed, options.input);
    if (auto* e = std::get_if<AllocationError>(&made)) return std::move(*e);
    auto& a = std::get<Allocator>(made);
    if (!options.as_of.empty())
      if (auto e = a.set_as_of(options.as_of)) return std::move(*e);
    if (auto e = a.read(in, options.progress)) return std::move(*e);
    if (!a.write(out, options.output, options.progress)) return failure("写出结果失败");
    return a.summary();
  });
}

}  // namespace kuan

namespace kuan::api {

std::string AllocationError::to_string(std::string_view input_name) const {
  std::string out(input_name);
  if (where.line > 0) fmt::format_to(std::back_inserter(out), ":{}", where.line);
  if (where.line > 0 && where.column > 0) fmt::format_to(std::back_inserter(out), ":{}", where.column);
  out += ": error: ";
  if (!field.empty()) out += "字段 " + field + ":";
  out += message;
  if (!id.empty()) out += "(申请 id " + id + ")";
  return out;
}

ApplicationKey application_key(std::string_view jsonl_record) {
  try {
    ApplicationKey key;
    auto parsed = json::parse_application(jsonl_record);
    if (auto* app = std::get_if<json::Application>(&parsed)) {
      if (app->has_applicant) key.applicant = std::move(app->applicant);
      if (app->has_id) key.id = std::move(app->id);
    }
    return key;
  } catch (...) {
    return {};
  }
}

Allocator::Allocator(std::unique_ptr<Data> d) : d_(std::move(d)) {}
Allocator::Allocator(Allocator&&) noexcept = default;
Allocator& Allocator::operator=(Allocator&&) noexcept = default;
Allocator::~Allocator() = default;

std::optional<AllocationError> Allocator::read(std::istream& in, const AllocationProgressFn& progress) {
  return guarded([&]() -> std::optional<AllocationError> { return d_ ? d_->read(in, progress) : gone(); });
}

std::optional<AllocationError> Allocator::add(std::string_view record, std::size_t line) {
  return guarded([&]() -> std::optional<AllocationError> { return d_ ? d_->add(record, line, 0) : gone(); });
}

std::optional<AllocationError> Allocator::read_opening(std::istream& in, AllocationFormat format) {
  return guarded([&]() -> std::optional<AllocationError> { return d_ ? d_->read_opening(in, format) : gone(); });
}

std::optional<AllocationError> Allocator::add_opening(std::string_view record, std::size_t line, AllocationFormat format) {
  return guarded([&]() -> std::optional<AllocationError> { return d_ ? d_->add_opening(record, line, format) : gone(); });
}

void Allocator::set_carry_stated(bool on) noexcept {
  if (d_) d_->carry_stated = on;
}

std::optional<AllocationError> Allocator::set_as_of(std::string_view day) {
  return guarded([&]() -> std::optional<AllocationError> {
    if (!d_) return gone();
    if (!d_->records.empty() || d_->finished) return failure("as_of 须在读入申请之前设定");
    const auto parsed = parse_date(day);
    if (!parsed) return failure(bad_date_message("as_of", "\"" + echo(day) + "\""));
    d_->as_of = *parsed;
    return std::nullopt;
  });
}

std::optional<AllocationError> Allocator::finish() {
  return guarded([&]() -> std::optional<AllocationError> { return d_ ? d_->finish() : gone(); });
}

std::size_t Allocator::size() const noexcept { return d_ ? d_->records.size() : 0; }

bool Allocator::write(std::ostream& out, AllocationFormat format, const AllocationProgressFn& progress) const {
  if (!d_) return false;
  try {
    d_->write(out, format, progress);
    return static_cast<bool>(out);
  } catch (...) {
    return false;
  }
}

bool Allocator::decision(std::size_t index, AllocationFormat format, std::string& out) const {
  if (index >= size()) return false;
  try {
    d_->decision(index, format, out);
    return true;
  } catch (...) {
    return false;
  }
}

std::optional<AllocationDecision> Allocator::decision_record(std::size_t index) const {
  if (index >= size()) return std::nullopt;
  try {
    return d_->decision_record(index);
  } catch (...) {
    return std::nullopt;
  }
}

std::string Allocator::edition_csv_header() const { return d_ ? d_->csv_header_line() : csv_header(); }

std::string Allocator::csv_header() {
  return "id,applicant,measure,eligible,amount,allocated,reasons,bound,cap_room_used,pro_rata,extra_cent,quota_rank,notes\n";
}

const AllocationSummary& Allocator::summary() const noexcept {
  static const AllocationSummary none;
  return d_ ? d_->summary : none;
}

std::variant<std::vector<Allocator::QuotaCandidate>, AllocationError> Allocator::quota_candidates() {
  return guarded([&]() -> std::variant<std::vector<QuotaCandidate>, AllocationError> {
    if (!d_) return gone();
    Data& s = *d_;
    if (s.stopped) return *s.stopped;
    if (auto e = s.settle()) return *(s.stopped = std::move(*e));
    s.resolve_openings();
    std::vector<Data::Candidate> found;  // as decide_quotas() does, without the ranking
    if (auto e = s.admit(found)) return *(s.stopped = std::move(*e));
    std::vector<QuotaCandidate> out;
    out.reserve(found.size());
    for (auto& c : found) out.push_back({c.record, s.ed.quotas[c.quota].decl->name, std::move(c.group), c.score.to_string()});
    return out;
  });
}

std::optional<AllocationError> Allocator::finish_part(const std::vector<std::uint32_t>& ranks) {
  return guarded([&]() -> std::optional<AllocationError> {
    if (!d_) return gone();
    Data& s = *d_;
    if (s.stopped) return s.stopped;
    if (s.finished || ranks.size() != s.records.size()) return failure("finish_part: 名次与申请数不符或已完成");
    if (auto e = s.settle()) return s.stopped = e;
    s.finished = true;
    s.resolve_openings();
    for (std::size_t i = 0; i < ranks.size(); ++i) {
      Data::Record& r = s.records[i];
      r.rank = ranks[i];
      if (const int quota = s.ed.measures[r.measure].quota;
          r.rank && quota >= 0 && static_cast<std::int64_t>(r.rank) > s.ed.quotas[quota].count)
        r.flags |= Data::kQuotaOut;
    }
    if (auto e = s.decide_amounts()) return s.stopped = e;
    return std::nullopt;
  });
}

std::vector<Allocator::PoolShare> Allocator::pool_shares() const {
  std::vector<PoolShare> out;
  if (!d_) return out;
  try {
    const Data& s = *d_;
    for (std::size_t i = 0; i < s.records.size(); ++i) {
      const Data::Record& r = s.records[i];
      const int p = s.ed.measures[r.measure].pool;
      if (p >= 0 && Data::is_funded(r)) out.push_back({i, p, r.amount});
    }
  } catch (...) {
    out.clear();
  }
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> Allocator::pools() const {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (!d_) return out;
  for (const auto& p : d_->ed.pools) out.emplace_back(p.decl->name, p.amount.to_int64_at_scale(2).value_or(-1));
  return out;
}

bool Allocator::set_pool(int pool, std::int64_t total_fen, const std::vector<std::size_t>& extra_cent) {
  if (!d_ || pool < 0 || static_cast<std::size_t>(pool) >= d_->pools.size()) return false;
  for (const std::size_t i : extra_cent)
    if (i >= d_->records.size()) return false;
  try {
    Data::Pool& p = d_->pools[static_cast<std::size_t>(pool)];
    p.total = total_fen;
    p.scaled = total_fen > p.cents;
    if (p.scaled) p.set_factor();
    for (const std::size_t i : extra_cent) d_->records[i].flags |= Data::kExtraCent;
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace kuan::api
