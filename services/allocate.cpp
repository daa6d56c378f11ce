// Batch allocation: deciding a year read by allocate_read.cpp — quotas, then
// amounts in application order with each applicant's rooms, then pools —
// and the allocator's entry points. See allocate.hpp for the passes.
#include "services/allocate.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "base/json_string.hpp"
#include "services/allocate_impl.hpp"
#include "services/fact_codec.hpp"
#include "services/pro_rata.hpp"

namespace kuan {

std::string AllocationError::render(std::string_view input_name) const {
  std::string out(input_name);
  if (line) fmt::format_to(std::back_inserter(out), ":{}", line);
  if (line && column) fmt::format_to(std::back_inserter(out), ":{}", column);
  out += ": error: ";
  if (!field.empty()) out += "字段 " + field + ":";
  out += message;
  if (!id.empty()) out += "(申请 id " + id + ")";
  return out;
}

AllocationError Allocator::Impl::duplicate_error(std::size_t line, std::string_view id, std::size_t first) const {
  return AllocationError{line, 0, "id", std::string(id), "重复的申请 id(与第 " + std::to_string(first + 1) + " 项申请相同)"};
}

std::optional<AllocationError> Allocator::Impl::duplicate_ids() const {
  const std::size_t n = records.size();
  std::vector<std::uint64_t> keys(n);  // id hash << 32 | record: equal ids fall next to each other
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t h = std::hash<std::string_view>{}(arena.get(records[i].id));
    keys[i] = (h ^ (h >> 32)) << 32 | i;
  }
  std::sort(keys.begin(), keys.end());
  std::size_t worst = n, first = 0;  // the earliest repeat, and the first record with its id
  std::vector<std::uint32_t> run;
  for (std::size_t a = 0, b = 0; a < n; a = b) {
    for (b = a + 1; b < n && keys[b] >> 32 == keys[a] >> 32; ++b) {}
    if (b - a < 2) continue;
    run.clear();  // the same hash: sort by id (then record), so equal ids are neighbours
    for (std::size_t k = a; k < b; ++k) run.push_back(static_cast<std::uint32_t>(keys[k]));
    std::stable_sort(run.begin(), run.end(), [&](std::uint32_t x, std::uint32_t y) {
      return arena.get(records[x].id) < arena.get(records[y].id);
    });
    for (std::size_t k = 1, group = 0; k < run.size(); ++k) {
      if (arena.get(records[run[k]].id) != arena.get(records[run[group]].id)) {
        group = k;
        continue;
      }
      if (run[k] < worst) worst = run[k], first = run[group];
    }
  }
  if (worst == n) return std::nullopt;
  const Record& r = records[worst];
  return duplicate_error(static_cast<std::size_t>(r.line), arena.get(r.id), first);
}

// The record's facts as given, plus (unless given) the 全年 totals and —
// with `rooms` — what the applicant's earlier funded applications used.
void Allocator::Impl::bind(const Record& r, bool rooms) {
  clear_facts();
  decode_fact_values(arena.after(r.id), facts, [&](int slot) { touched.push_back(slot); });
  const Setup& s = setup[r.measure];
  for (const int a : s.year_totals) {
    const int fact = ed.accumulations[a].fact;
    if (!facts.present[fact]) put_fact(fact, Value::money(year_totals[r.applicant * n_year + year_slot[a]]));
  }
  room_supplied = -1;
  for (const int a : s.funded) {
    const AccumulationInfo& acc = ed.accumulations[a];
    if (facts.present[acc.fact]) continue;  // the line's own figure stands
    if (!rooms && !acc.count) continue;     // counts are known before the quotas; money rooms after
    const std::int64_t used = tally_value(r.applicant, a);
    if (acc.count) {
      put_fact(acc.fact, Value::of_number(TypeKind::Integer, Decimal::from_scaled(used, 0)));
      continue;
    }
    if (a == s.funded_money) room_supplied = used;
    put_fact(acc.fact, Value::money(Decimal::from_scaled(used, 2)));
  }
}

// The value of fact `slot` for the bound record, as text: the key of its
// group for 限额 … 按 F. A fact not given takes its default; with none, "".
std::string Allocator::Impl::group_key(int slot) {
  if (facts.present[slot]) return format_value(&ed, facts.values[slot]);
  if (const auto& d = ed.facts[slot].decl->default_value) {
    auto v = evaluate_expression(&ed, *d, facts);
    if (auto* value = std::get_if<Value>(&v)) return format_value(&ed, *value);
  }
  return "";
}

// The running total of tally `a` for this applicant (and, grouped, the
// bound record's group): 分, or a count.
std::int64_t* Allocator::Impl::tally(std::uint32_t applicant, int a) {
  const AccumulationInfo& acc = ed.accumulations[a];
  if (acc.group_fact < 0) return &funded_totals.at(std::uint64_t{applicant} * n_funded + funded_slot[a]);
  std::string key(reinterpret_cast<const char*>(&applicant), sizeof applicant);
  key.append(reinterpret_cast<const char*>(&a), sizeof a);
  key += group_key(acc.group_fact);
  return &grouped_totals[key];
}

std::int64_t Allocator::Impl::tally_value(std::uint32_t applicant, int a) {
  if (ed.accumulations[a].group_fact < 0) return funded_totals.get(std::uint64_t{applicant} * n_funded + funded_slot[a]);
  return *tally(applicant, a);
}

// Evaluates a bound record; an error names its line and id.
std::variant<Outcome, AllocationError> Allocator::Impl::evaluate(const Record& r) {
  const MeasureInfo& m = ed.measures[r.measure];
  auto fail = [&](std::string field, std::string message) {
    return AllocationError{static_cast<std::size_t>(r.line), 0, std::move(field), std::string(arena.get(r.id)),
                           std::move(message)};
  };
  auto result = evaluate_measure(ed, m, facts);  // checks the required facts first
  if (auto* e = std::get_if<EvalError>(&result)) {
    if (!e->missing.empty())
      return fail((input == BatchFormat::Csv ? "" : "facts.") + e->missing[0],
                  "缺少必需的事实 " + e->missing[0] + "(措施 " + m.decl->name + " 需要)");
    std::string message = e->message;
    if (e->span.file) message += "(规则位置 " + position_text(e->span) + ")";
    return fail("", std::move(message));
  }
  return std::move(std::get<Outcome>(result));
}

// Quotas first: among the applications of each quota (per group, with
// 按 F) that are eligible evaluated alone (no room used by earlier ones),
// the best scores — or, with no score, the earliest; ties go to the earlier.
std::optional<AllocationError> Allocator::Impl::decide_quotas() {
  std::vector<Candidate> candidates;
  if (auto e = admit(candidates)) return e;
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    if (a.quota != b.quota) return a.quota < b.quota;
    if (a.group != b.group) return a.group < b.group;
    if (auto c = a.score <=> b.score; c != 0) return c > 0;
    return a.record < b.record;
  });
  cutoff.assign(ed.measures.size(), std::string());
  for (std::size_t i = 0, rank = 0; i < candidates.size(); ++i) {
    Record& r = records[candidates[i].record];
    const bool same = i > 0 && candidates[i - 1].quota == candidates[i].quota && candidates[i - 1].group == candidates[i].group;
    rank = same ? rank + 1 : 1;
    r.rank = static_cast<std::uint32_t>(rank);
    if (static_cast<std::int64_t>(rank) > ed.quotas[candidates[i].quota].count) r.flags |= kQuotaOut;
    else cutoff[r.measure] = candidates[i].score.to_string();  // the last funded so far
  }
  return std::nullopt;
}

// Then amounts in application order, each with the room its applicant's
// earlier funded applications left; a quota loser or an ineligible
// application uses none.
void Allocator::Impl::prefetch_totals(std::size_t index) const {
  constexpr std::size_t kAhead = 8;
  if (index + kAhead >= records.size()) return;
  const Record& r = records[index + kAhead];
  if (n_year) __builtin_prefetch(&year_totals[std::size_t{r.applicant} * n_year]);
  for (const int a : setup[r.measure].funded)
    if (ed.accumulations[a].group_fact < 0) funded_totals.prefetch(std::uint64_t{r.applicant} * n_funded + funded_slot[a]);
}

std::optional<AllocationError> Allocator::Impl::decide_amounts() {
  for (std::size_t i = 0; i < records.size(); ++i) {
    prefetch_totals(i);
    Record& r = records[i];
    if (!(r.flags & kDecided)) {
      bind(r, true);
      auto result = evaluate(r);
      if (auto* e = std::get_if<AllocationError>(&result)) return std::move(*e);
      if (auto e = record_outcome(r, std::get<Outcome>(result))) return e;
      if (room_supplied > 0) r.used = room_supplied, r.flags |= kRoomComputed;
    }
    if (auto e = count_in(r, r.flags & kEligible, !(r.flags & kQuotaOut))) return e;
  }
  // Every amount is decided: the running totals are done with, and the pools
  // that follow need room of their own.
  funded_totals.clear();
  std::unordered_map<std::string, std::int64_t>().swap(grouped_totals);
  std::vector<Decimal>().swap(year_totals);
  return std::nullopt;
}

// The outcome into the record (amount, eligibility, failed requirements,
// bound cap); an amount beyond 分 in 64 bits is an error.
std::optional<AllocationError> Allocator::Impl::record_outcome(Record& r, const Outcome& o) {
  const MeasureInfo& m = ed.measures[r.measure];
  const auto cents = o.amount.to_int64_at_scale(2);
  if (!cents)
    return AllocationError{static_cast<std::size_t>(r.line), 0, "", std::string(arena.get(r.id)),
                           "金额 " + o.amount.to_string() + " 超出分配可处理的范围"};
  r.amount = *cents;
  if (o.eligible) r.flags |= kEligible;
  for (const auto* req : o.failed)
    r.failed |= 1u << (std::find(m.requirements.begin(), m.requirements.end(), req) - m.requirements.begin());
  for (std::size_t c = 0; c < m.caps.size(); ++c)
    if (m.caps[c] == o.bound) r.bound = static_cast<std::uint8_t>(c + 1);
  return std::nullopt;
}

// After a record is decided: a 件数 tally counts it when it was admitted
// (eligible, quota or not — the limit is on applications taken in, checked
// before the ranking); a 金额 tally adds its amount when it is funded.
std::optional<AllocationError> Allocator::Impl::count_in(const Record& r, bool eligible, bool funded) {
  if (!eligible) return std::nullopt;
  for (const int a : setup[r.measure].funded) {
    const bool count = ed.accumulations[a].count;
    if (!count && !funded) continue;
    std::int64_t& t = *tally(r.applicant, a);
    if (__builtin_add_overflow(t, count ? 1 : r.amount, &t))
      return AllocationError{static_cast<std::size_t>(r.line), 0, "", std::string(arena.get(r.id)),
                             "同一申请人的累计金额超出可处理的范围"};
  }
  return std::nullopt;
}

// Before the quotas, in application order: which applications are eligible
// evaluated alone, with the 件数 tallies (no money rooms) — the candidates of
// each quota. The tallies are cleared again for the amounts pass.
std::optional<AllocationError> Allocator::Impl::admit(std::vector<Candidate>& candidates) {
  const bool counting = std::any_of(setup.begin(), setup.end(), [](const Setup& x) { return x.counted; });
  {  // room for every application of a quota measure at once: no doubling of a large vector
    std::size_t quota_records = 0;
    for (const Record& r : records) quota_records += ed.measures[r.measure].quota >= 0;
    candidates.reserve(candidates.size() + quota_records);
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    Record& r = records[i];
    const MeasureInfo& m = ed.measures[r.measure];
    const bool counted = setup[r.measure].counted;
    if (m.quota < 0 && !counted) continue;
    bind(r, false);
    auto result = evaluate(r);
    if (auto* e = std::get_if<AllocationError>(&result)) return std::move(*e);
    const bool eligible = std::get<Outcome>(result).eligible;
    // With no money room the amounts pass would bind the very same facts (the
    // 件数 tallies are counted again in the same order): this outcome stands.
    // An amount out of range is left to that pass, which names it in order.
    if (setup[r.measure].funded_money < 0 && !record_outcome(r, std::get<Outcome>(result))) r.flags |= kDecided;
    if (counted)
      if (auto e = count_in(r, eligible, false)) return e;
    if (m.quota < 0 || !eligible) continue;
    const QuotaInfo& q = ed.quotas[m.quota];
    candidates.push_back({q.score_fact >= 0 ? facts.values[q.score_fact].number : Decimal(), static_cast<std::uint32_t>(i),
                          m.quota, q.group_fact >= 0 ? group_key(q.group_fact) : std::string()});
  }
  if (counting) {
    funded_totals.clear();
    grouped_totals.clear();
  }
  return std::nullopt;
}

std::optional<AllocationError> Allocator::Impl::finish() {
  if (auto e = duplicate_ids()) return e;
  applicant_index.release();  // applicants are known: the rest needs only the records
  if (auto e = decide_quotas()) return e;
  if (auto e = decide_amounts()) return e;
  // Then pools, over what the quotas left.
  auto in_pool = [&](std::size_t p, const Record& r) {
    return ed.measures[r.measure].pool == static_cast<int>(p) && (r.flags & kEligible) && !(r.flags & kQuotaOut);
  };
  summary.pools.clear();
  for (std::size_t p = 0; p < pools.size(); ++p) {
    Pool& pool = pools[p];
    PoolTotals t;
    t.pool = ed.pools[p].decl->name;
    for (const int m : ed.pools[p].measures) t.measures.push_back(ed.measures[m].decl->name);
    t.pool_cents = pool.cents;
    for (std::size_t i = 0; i < records.size(); ++i)
      if (in_pool(p, records[i])) pool.total += records[i].amount, ++t.applications;
    t.requested_cents = pool.total;
    if (pool.total > pool.cents) {
      if (pool.total > INT64_MAX)
        return AllocationError{0, 0, "", "", "资金池 " + t.pool + " 的申请合计超出可处理的范围"};
      pool.scaled = true;
      pool.factor = cents_text(pool.cents) + "/" + cents_text(pool.total);
      t.scaled = true;
      t.remainder_cents = largest_remainders(
          pool.cents, pool.total,
          [&](auto f) {
            for (std::size_t i = 0; i < records.size(); ++i)
              if (in_pool(p, records[i])) f(static_cast<std::uint32_t>(i), records[i].amount);
          },
          [&](std::uint32_t i) { records[i].flags |= kExtraCent; });
    }
    summary.pools.push_back(std::move(t));
  }
  summarize();
  return std::nullopt;
}

// The year's figures, from the decided records.
void Allocator::Impl::summarize() {
  summary.version = ed.name;
  summary.warnings.clear();
  if (!ignored_columns.empty()) {
    std::string list;
    for (const auto& c : ignored_columns) (list += list.empty() ? "" : "、") += c;
    summary.warnings.push_back("CSV 表头中的 " + list + " 不是事实,分配时不用");
  }
  summary.applications = records.size();
  std::vector<MeasureTotals> per(ed.measures.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    MeasureTotals& t = per[r.measure];
    const std::int64_t a = allocated(r);
    ++t.applications;
    if ((r.flags & kEligible) && !(r.flags & kQuotaOut)) ++t.eligible;
    if (r.flags & kQuotaOut) ++t.not_selected;
    t.amount_cents += r.amount;
    t.allocated_cents += a;
    const int p = ed.measures[r.measure].pool;
    if (p >= 0) summary.pools[p].allocated_cents += a;
  }
  summary.measures.clear();
  summary.quotas.clear();
  summary.capped.clear();
  {  // the applications a cap limited, largest first
    std::vector<std::uint32_t> capped;
    for (std::size_t i = 0; i < records.size(); ++i)
      if (records[i].bound && (records[i].flags & kEligible) && !(records[i].flags & kQuotaOut))
        capped.push_back(static_cast<std::uint32_t>(i));
    const std::size_t keep = std::min(capped.size(), AllocationSummary::kMaxCapped);
    std::partial_sort(capped.begin(), capped.begin() + static_cast<std::ptrdiff_t>(keep), capped.end(),
                      [&](std::uint32_t a, std::uint32_t b) {
                        return records[a].amount != records[b].amount ? records[a].amount > records[b].amount : a < b;
                      });
    for (std::size_t k = 0; k < keep; ++k) {
      const Record& r = records[capped[k]];
      const MeasureInfo& m = ed.measures[r.measure];
      summary.capped.push_back({std::string(arena.get(r.id)), std::string(names.get(applicants[r.applicant])),
                                m.decl->name, m.caps[r.bound - 1]->name, r.amount});
    }
  }
  for (std::size_t m = 0; m < per.size(); ++m) {
    if (!per[m].applications) continue;
    per[m].measure = ed.measures[m].decl->name;
    if (ed.measures[m].quota >= 0)
      summary.quotas.push_back({per[m].measure, ed.quotas[ed.measures[m].quota].count, per[m].eligible + per[m].not_selected,
                                per[m].eligible, ed.quotas[ed.measures[m].quota].group_fact >= 0 ? std::string() : cutoff[m],
                                ed.quotas[ed.measures[m].quota].group_fact >= 0
                                    ? ed.facts[ed.quotas[ed.measures[m].quota].group_fact].decl->name
                                    : std::string()});
    summary.measures.push_back(std::move(per[m]));
  }
}

Allocator::Allocator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Allocator::~Allocator() = default;

std::unique_ptr<Allocator> Allocator::create(const Edition& ed, BatchFormat input, std::string& error) {
  if (ed.rounding_places > 2) {
    error = fmt::format("版本 {} 的金额舍入到 {} 位小数;批量分配以分计,最多 2 位", ed.name, ed.rounding_places);
    return nullptr;
  }
  if (ed.measures.size() > 0xFFFF) {
    error = "措施过多";
    return nullptr;
  }
  auto impl = std::make_unique<Impl>(ed, input);
  impl->setup.resize(ed.measures.size());
  for (const auto& m : ed.measures)
    if (m.requirements.size() > 32 || m.caps.size() > 250) {
      error = "措施 " + m.decl->name + " 的要求超过 32 条或上限超过 250 个,批量分配不支持";
      return nullptr;
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
      }
    }
  }
  for (const auto& p : ed.pools) {
    const auto cents = p.amount.to_int64_at_scale(2);
    if (!cents || *cents < 0) {
      error = "资金池 " + p.decl->name + " 的额度 " + p.amount.to_string() + " 不是整分或超出范围";
      return nullptr;
    }
    impl->pools.push_back({*cents, 0, false, {}});
  }
  return std::unique_ptr<Allocator>(new Allocator(std::move(impl)));
}

std::optional<AllocationError> Allocator::finish() {
  Impl& s = *impl_;
  if (s.stopped) return s.stopped;
  if (s.input == BatchFormat::Csv && !s.header_seen) return s.stopped = AllocationError{1, 0, "", "", "CSV 输入为空:缺少表头"};
  if (s.finished) return std::nullopt;
  s.finished = true;
  if (auto e = s.finish()) return s.stopped = e;
  return std::nullopt;
}

std::variant<std::vector<Allocator::QuotaCandidate>, AllocationError> Allocator::quota_candidates() {
  Impl& s = *impl_;
  if (s.stopped) return *s.stopped;
  if (auto e = s.duplicate_ids()) return *(s.stopped = std::move(*e));
  std::vector<Impl::Candidate> found;  // as decide_quotas() does, without the ranking
  if (auto e = s.admit(found)) return *(s.stopped = std::move(*e));
  std::vector<QuotaCandidate> out;
  for (auto& c : found)
    out.push_back({c.record, static_cast<int>(s.records[c.record].measure), std::move(c.score), c.quota, std::move(c.group)});
  return out;
}

std::optional<AllocationError> Allocator::finish_part(const std::vector<std::uint32_t>& ranks) {
  Impl& s = *impl_;
  if (s.stopped) return s.stopped;
  if (s.finished || ranks.size() != s.records.size()) return AllocationError{0, 0, "", "", "finish_part: 名次与申请数不符或已完成"};
  if (auto e = s.duplicate_ids()) return s.stopped = e;
  s.finished = true;
  s.applicant_index.release();
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    Impl::Record& r = s.records[i];
    r.rank = ranks[i];
    if (const int quota = s.ed.measures[r.measure].quota;
        r.rank && quota >= 0 && static_cast<std::int64_t>(r.rank) > s.ed.quotas[quota].count)
      r.flags |= Impl::kQuotaOut;
  }
  if (auto e = s.decide_amounts()) return s.stopped = e;
  return std::nullopt;
}

std::vector<Allocator::PoolShare> Allocator::pool_shares() const {
  const Impl& s = *impl_;
  std::vector<PoolShare> out;
  for (std::size_t i = 0; i < s.records.size(); ++i) {
    const Impl::Record& r = s.records[i];
    const int p = s.ed.measures[r.measure].pool;
    if (p >= 0 && Impl::is_funded(r)) out.push_back({i, p, r.amount});
  }
  return out;
}

void Allocator::set_pool(int pool, __int128 total_cents, const std::vector<std::size_t>& extra_cent) {
  Impl::Pool& p = impl_->pools.at(static_cast<std::size_t>(pool));
  p.total = total_cents;
  p.scaled = total_cents > p.cents;
  if (p.scaled) p.factor = cents_text(p.cents) + "/" + cents_text(total_cents);
  for (const std::size_t i : extra_cent) impl_->records.at(i).flags |= Impl::kExtraCent;
}

std::size_t Allocator::size() const { return impl_->records.size(); }
const AllocationSummary& Allocator::summary() const { return impl_->summary; }

std::variant<AllocationSummary, AllocationError> allocate(const Edition& ed, std::istream& in, std::ostream& out,
                                                           const AllocateOptions& options) {
  std::string error;
  auto a = Allocator::create(ed, options.input, error);
  if (!a) return AllocationError{0, 0, "", "", error};
  if (auto e = a->read(in, options.progress)) return std::move(*e);
  a->write(out, options.output, options.progress);
  return a->summary();
}

}  // namespace kuan
