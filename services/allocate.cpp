// Batch allocation: deciding a year read by allocate_read.cpp — quotas, then
// amounts in application order with each applicant's rooms, then pools —
// and the year's figures. See allocate.hpp for the passes.
#include "services/allocate.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "base/json_string.hpp"
#include "base/radix_sort.hpp"
#include "services/allocate_impl.hpp"
#include "services/fact_codec.hpp"
#include "services/pro_rata.hpp"
#include "services/quota_rank.hpp"
#include "interpreter/compiled.hpp"

namespace kuan {

AllocationError AllocatorData::duplicate_error(std::size_t line, std::string_view id, std::size_t first) const {
  return allocation_error(line, 0, "id", std::string(id), fmt::format("重复的申请 id(与第 {} 项申请相同)", first + 1));
}

AllocatorData::IdBuckets::IdBuckets(std::size_t records) {
  int width = 10;
  while (width < 32 && (std::size_t{1} << width) < 8 * records) ++width;
  drop = 32 - width;
  bits.assign(std::size_t{2} << (width - 6), 0);
}

std::size_t AllocatorData::repeated_id(std::vector<std::uint64_t>& keys, std::size_t& first) const {
  const std::size_t n = records.size(), candidates = keys.size();
  sort_by_high_bits(keys, 32);  // by hash, record order kept among equal hashes
  std::size_t worst = n;  // the earliest repeat; `first`: the first record with its id
  std::vector<std::uint32_t> run;
  for (std::size_t a = 0, b = 0; a < candidates; a = b) {
    for (b = a + 1; b < candidates && keys[b] >> 32 == keys[a] >> 32; ++b) {}
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
  return worst;
}

// The record's facts as given, plus (unless given) the 全年 totals and —
// with `rooms` — what the applicant's earlier funded applications used.
void AllocatorData::bind(const Record& r, bool rooms) {
  clear_facts();
  facts.as_of = run_day();  // unless the line has its own (decoded with its facts)
  decode_fact_values(facts_of(r), facts, [&](int slot) { touched.push_back(slot); });
  const Setup& s = setup[r.measure];
  for (const int a : s.year_totals) {
    const int fact = ed.accumulations[a].fact;
    if (!facts.present[fact]) put_fact(fact, Value::money(year_total(std::size_t{r.applicant} * n_year + year_slot[a])));
  }
  room_supplied = -1;
  room_opened = false;
  given_running.clear();
  for (const int a : s.funded) {
    const AccumulationInfo& acc = ed.accumulations[a];
    if (facts.present[acc.fact]) {  // the line's own figure stands (and carry_given() continues from it)
      given_running.push_back(a);
      continue;
    }
    if (!rooms && !acc.count) continue;     // counts are known before the quotas; money rooms after
    const std::int64_t used = tally_value(r.applicant, a);
    if (acc.count) {
      put_fact(acc.fact, Value::of_number(TypeKind::Integer, Decimal::from_scaled(used, 0)));
      continue;
    }
    if (a == s.funded_money) {
      room_supplied = used;
      room_opened = acc.group_fact < 0 ? opened.get(r.applicant, funded_slot[a]) != 0
                                       : grouped_opened.count(group_tally_key(r.applicant, a, group_key(acc.group_fact))) > 0;
    }
    put_fact(acc.fact, Value::money(Decimal::from_scaled(used, 2)));
  }
}

// The same for the compiled form alone: the record's facts, 全年 totals and
// rooms into the fixed-point lanes (what decide_compiled reads), no Value
// made. False when a value needs one — a fact kept as text, a total beyond 64
// bits, a total kept per 按 F (its key is a Value's text), a stated 已用 figure
// to carry — then bind() does it all.
bool AllocatorData::bind_fixed(const Record& r, bool rooms) {
  if (r.flags & kGivesUsed) return false;
  const Setup& s = setup[r.measure];
  clear_facts();
  facts.as_of = run_day();  // unless the line has its own (decoded with its facts)
  if (!decode_fact_fixed(facts_of(r), facts, [&](int slot) { touched.push_back(slot); })) return false;
  auto set_fixed = [&](int slot, fixed::Fx x) {
    facts.present[static_cast<std::size_t>(slot)] = FactValues::kGiven | FactValues::kFits;
    facts.fixed[static_cast<std::size_t>(slot)] = x;
    touched.push_back(slot);
  };
  for (const int a : s.year_totals) {
    const int fact = ed.accumulations[a].fact;
    if (facts.present[fact]) continue;
    const fixed::Fx x = year_totals[std::size_t{r.applicant} * n_year + year_slot[a]];
    if (x.s < 0) return false;  // beyond 64 bits: a Decimal, bound by bind()
    set_fixed(fact, x);
  }
  room_supplied = -1;
  room_opened = false;
  given_running.clear();
  for (const int a : s.funded) {
    const AccumulationInfo& acc = ed.accumulations[a];
    if (acc.group_fact >= 0) return false;
    if (facts.present[acc.fact]) continue;  // the line's own figure stands (no carry: kGivesUsed is bind()'s)
    if (!rooms && !acc.count) continue;     // counts are known before the quotas; money rooms after
    const std::int64_t used = funded_totals.get(r.applicant, funded_slot[a]);
    if (acc.count) {
      set_fixed(acc.fact, {used, 0});
      continue;
    }
    if (a == s.funded_money) room_supplied = used, room_opened = opened.get(r.applicant, funded_slot[a]) != 0;
    set_fixed(acc.fact, {used, 2});
  }
  return true;
}

// The value of fact `slot` for the bound record, as text: the key of its
// group for 限额 … 按 F. A fact not given takes its default; with none, "".
std::string AllocatorData::group_key(int slot) {
  if (facts.present[slot]) return format_value(&ed, facts.values[slot]);
  if (const auto& d = ed.facts[slot].decl->default_value) {
    auto v = evaluate_expression(&ed, *d, facts);
    if (auto* value = std::get_if<Value>(&v)) return format_value(&ed, *value);
  }
  return "";
}

// The running total of tally `a` for this applicant (and, grouped, the
// bound record's group): 分, or a count.
std::int64_t* AllocatorData::tally(std::uint32_t applicant, int a) {
  const AccumulationInfo& acc = ed.accumulations[a];
  if (acc.group_fact < 0) return &funded_totals.at(applicant, funded_slot[a]);
  return &grouped_totals[group_tally_key(applicant, a, group_key(acc.group_fact))];
}

std::string AllocatorData::group_tally_key(std::uint32_t applicant, int a, std::string_view group) {
  std::string key(reinterpret_cast<const char*>(&applicant), sizeof applicant);
  key.append(reinterpret_cast<const char*>(&a), sizeof a);
  key += group;
  return key;
}

std::int64_t AllocatorData::tally_value(std::uint32_t applicant, int a) {
  if (ed.accumulations[a].group_fact < 0) return funded_totals.get(applicant, funded_slot[a]);
  return *tally(applicant, a);
}

// Evaluates a bound record; an error names its line and id.
std::variant<Outcome, AllocationError> AllocatorData::evaluate(const Record& r) {
  const MeasureInfo& m = ed.measures[r.measure];
  auto fail = [&](std::string field, std::string message) {
    return allocation_error(line_of(r), 0, std::move(field), std::string(arena.get(r.id)),
                           std::move(message));
  };
  auto result = evaluate_measure(ed, m, facts);  // checks the required facts first
  if (auto* e = std::get_if<EvalError>(&result)) {
    if (!e->missing.empty())
      return fail((input == AllocationFormat::Csv ? "" : "facts.") + e->missing[0],
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
std::optional<AllocationError> AllocatorData::decide_quotas() {
  std::vector<Candidate> candidates;
  if (auto e = admit(candidates)) return e;
  std::vector<QuotaEntry> entries;
  entries.reserve(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    entries.push_back({&c.score, c.record, c.quota, static_cast<std::uint32_t>(i), c.group, 0});
  }
  const std::vector<std::uint32_t> ranks = quota_ranks(entries);
  cutoff.assign(ed.measures.size(), std::string());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Record& r = records[entries[i].order];
    r.rank = ranks[i];
    if (static_cast<std::int64_t>(r.rank) > ed.quotas[entries[i].quota].count) r.flags |= kQuotaOut;
    else cutoff[r.measure] = entries[i].score->to_string();  // the last funded so far
  }
  return std::nullopt;
}

// Then amounts in application order, each with the room its applicant's
// earlier funded applications left; a quota loser or an ineligible
// application uses none.
void AllocatorData::prefetch_totals(std::size_t index) const {
  constexpr std::size_t kAhead = 8;
  if (index + kAhead >= records.size()) return;
  const Record& r = records[index + kAhead];
  const char* kept = arena.address(r.id);  // its id, applicant and facts: bound next
  __builtin_prefetch(kept);
  __builtin_prefetch(kept + 63);
  if (n_year) __builtin_prefetch(&year_totals[std::size_t{r.applicant} * n_year]);
  for (const int a : setup[r.measure].funded)
    if (ed.accumulations[a].group_fact < 0) funded_totals.prefetch(r.applicant, funded_slot[a]);
}

std::optional<AllocationError> AllocatorData::decide_amounts() {
  seed_openings();
  for (Pool& pool : pools) pool.total = 0, pool.applications = 0;  // what each pool is asked for, summed as decided
  sums.assign(ed.measures.size(), MeasureSums());
  capped.clear();
  for (std::size_t i = 0; i < records.size(); ++i) {
    prefetch_totals(i);
    Record& r = records[i];
    if (!(r.flags & kDecided)) {
      // The batch's fast lane first (fixed-point lanes, the compiled form);
      // what it does not decide, the reference evaluator does, bound with Values.
      std::optional<Outcome> outcome = bind_fixed(r, true) ? decide_compiled(ed, ed.measures[r.measure], facts) : std::nullopt;
      if (!outcome) {
        bind(r, true);
        auto result = evaluate(r);
        if (auto* e = std::get_if<AllocationError>(&result)) return std::move(*e);
        outcome = std::move(std::get<Outcome>(result));
      }
      if (auto e = record_outcome(r, *outcome)) return e;
      if (room_supplied > 0) r.used = room_supplied, r.flags |= kRoomComputed | (room_opened ? kOpened : 0);
      if (r.flags & kGivesUsed)
        if (auto e = carry_given(r, false)) return e;
    } else if (r.flags & kGivesUsed) {  // decided while admitting: bound again only for its figures
      bind(r, false);
      if (auto e = carry_given(r, false)) return e;
    }
    if (auto e = count_in(r, r.flags & kEligible, !(r.flags & kQuotaOut))) return e;
    const bool funded = is_funded(r);
    if (const int p = ed.measures[r.measure].pool; p >= 0 && funded) pools[p].total += r.amount, ++pools[p].applications;
    MeasureSums& t = sums[r.measure];
    ++t.applications;
    t.funded += funded;
    t.not_selected += (r.flags & kQuotaOut) != 0;
    t.amount += r.amount;
    if (funded) t.allocated += r.amount;
    if (funded && r.bound) capped.push_back(static_cast<std::uint32_t>(i));
  }
  // Every amount is decided: the running totals are done with, and the pools
  // that follow need room of their own.
  funded_totals.clear();
  opened.clear();
  std::unordered_map<std::string, std::int64_t>().swap(grouped_totals);
  std::unordered_map<std::string, std::int64_t>().swap(grouped_opened);
  std::vector<fixed::Fx>().swap(year_totals);
  std::unordered_map<std::size_t, Decimal>().swap(wide_year_totals);
  return std::nullopt;
}

// The outcome into the record (amount, eligibility, failed requirements,
// bound cap); an amount beyond 分 in 64 bits is an error.
std::optional<AllocationError> AllocatorData::record_outcome(Record& r, const Outcome& o) {
  const MeasureInfo& m = ed.measures[r.measure];
  const auto cents = o.amount.to_int64_at_scale(2);
  if (!cents)
    return allocation_error(line_of(r), 0, "", std::string(arena.get(r.id)),
                           "金额 " + o.amount.to_string() + " 超出分配可处理的范围");
  r.amount = *cents;
  if (o.eligible) r.flags |= kEligible;
  for (const auto* req : o.failed)
    r.failed |= 1u << (std::find(m.requirements.begin(), m.requirements.end(), req) - m.requirements.begin());
  for (std::size_t c = 0; c < m.caps.size(); ++c)
    if (m.caps[c] == o.bound) r.bound = static_cast<std::uint8_t>(c + 1);
  if (o.eligible && !o.figures.empty()) {
    std::vector<std::string>& texts = figures[&r];
    texts.clear();
    for (const Decimal& f : o.figures) texts.push_back(f.to_string());
  } else if (!figures.empty()) {
    figures.erase(&r);
  }
  return std::nullopt;
}

// After a record is decided: a 件数 tally counts it when it was admitted
// (eligible, quota or not — the limit is on applications taken in, checked
// before the ranking); a 金额 tally adds its amount when it is funded.
std::optional<AllocationError> AllocatorData::count_in(const Record& r, bool eligible, bool funded) {
  if (!eligible) return std::nullopt;
  for (const int a : setup[r.measure].funded) {
    const bool count = ed.accumulations[a].count;
    if (!count && !funded) continue;
    std::int64_t& t = *tally(r.applicant, a);
    if (__builtin_add_overflow(t, count ? 1 : r.amount, &t))
      return allocation_error(line_of(r), 0, "", std::string(arena.get(r.id)),
                             "同一申请人的累计金额超出可处理的范围");
  }
  return std::nullopt;
}

// Before the quotas, in application order: which applications are eligible
// evaluated alone, with the 件数 tallies (no money rooms) — the candidates of
// each quota. The tallies are cleared again for the amounts pass.
std::optional<AllocationError> AllocatorData::admit(std::vector<Candidate>& candidates) {
  const bool counting = std::any_of(setup.begin(), setup.end(), [](const Setup& x) { return x.counted; });
  candidates.reserve(candidates.size() + quota_records);  // room for all at once: no doubling of a large vector
  if (counting) seed_openings();
  for (std::size_t k = 0; k < admitted.size(); ++k) {
    // These records lie apart: each is asked for early, and its kept bytes a little later.
    if (k + 16 < admitted.size()) __builtin_prefetch(&records[admitted[k + 16]]);
    if (k + 8 < admitted.size()) __builtin_prefetch(arena.address(records[admitted[k + 8]].id));
    const std::uint32_t i = admitted[k];
    Record& r = records[i];
    const MeasureInfo& m = ed.measures[r.measure];
    const bool counted = setup[r.measure].counted;
    // The batch's fast lane when it can (a 按 F quota's group and a stated
    // figure to carry read Values); else bound with Values for evaluate().
    const QuotaInfo* q = m.quota >= 0 ? &ed.quotas[m.quota] : nullptr;
    const bool needs_values = (q && q->group_fact >= 0) || (counted && (r.flags & kGivesUsed));
    std::optional<Outcome> outcome = !needs_values && bind_fixed(r, false) ? decide_compiled(ed, m, facts) : std::nullopt;
    bool bound_values = false;
    if (!outcome) {
      bind(r, false);
      bound_values = true;
      auto result = evaluate(r);
      if (auto* e = std::get_if<AllocationError>(&result)) return std::move(*e);
      outcome = std::move(std::get<Outcome>(result));
    }
    const bool eligible = outcome->eligible;
    // With no money room the amounts pass would bind the very same facts (the
    // 件数 tallies are counted again in the same order): this outcome stands.
    // An amount out of range is left to that pass, which names it in order.
    if (setup[r.measure].funded_money < 0 && !record_outcome(r, *outcome)) r.flags |= kDecided;
    if (counted && (r.flags & kGivesUsed))
      if (auto e = carry_given(r, true)) return e;
    if (counted)
      if (auto e = count_in(r, eligible, false)) return e;
    if (!q || !eligible) continue;
    Decimal score;
    if (q->score_fact >= 0 && facts.present[q->score_fact])
      score = bound_values ? facts.values[q->score_fact].number : fixed::to_decimal(facts.fixed[q->score_fact]);
    candidates.push_back({std::move(score), i, m.quota,
                          q->group_fact >= 0 ? group_key(q->group_fact) : std::string()});
  }
  if (counting) {
    funded_totals.clear();
    grouped_totals.clear();
    opened.clear();
    grouped_opened.clear();
  }
  return std::nullopt;
}

std::optional<AllocationError> AllocatorData::decide_year() {
  if (auto e = settle()) return e;
  resolve_openings();
  if (auto e = decide_quotas()) return e;
  if (auto e = decide_amounts()) return e;
  // Then pools, over what the quotas left.
  auto in_pool = [&](std::size_t p, const Record& r) {
    return ed.measures[r.measure].pool == static_cast<int>(p) && (r.flags & kEligible) && !(r.flags & kQuotaOut);
  };
  for (std::size_t p = 0; p < pools.size(); ++p) {
    Pool& pool = pools[p];  // its total and applications: summed by decide_amounts()
    if (pool.total > pool.cents) {
      if (pool.total > INT64_MAX)
        return allocation_error(0, 0, "", "", "资金池 " + ed.pools[p].decl->name + " 的申请合计超出可处理的范围");
      pool.scaled = true;
      pool.set_factor();
      for (const int m : ed.pools[p].measures) sums[m].allocated = 0;  // each share, as the pool rule finds it
      pool.remainder_cents = largest_remainders(
          pool.cents, pool.total,
          [&](auto f) {
            for (std::size_t i = 0; i < records.size(); ++i)
              if (in_pool(p, records[i])) f(static_cast<std::uint32_t>(i), records[i].amount);
          },
          [&](std::uint32_t i) { records[i].flags |= kExtraCent, ++sums[records[i].measure].allocated; }, pool.applications,
          [&](std::uint32_t i, std::int64_t share) { sums[records[i].measure].allocated += share; });
    }
  }
  summarize();
  return std::nullopt;
}

// The year's figures, from the decided records: the public records, money as
// decimal text.
void AllocatorData::summarize() {
  summary = AllocationSummary();
  summary.version = ed.name;
  if (unknown_openings)
    summary.warnings.push_back(fmt::format("期初余额中有 {} 条属于本批没有申请的申请人,未用", unknown_openings));
  if (other_period_openings)
    summary.warnings.push_back(fmt::format("期初余额中有 {} 条属于其他期间(不是本次分配的期间),未用", other_period_openings));
  if (!ignored_columns.empty()) {
    std::string list;
    for (const auto& c : ignored_columns) (list += list.empty() ? "" : "、") += c;
    summary.warnings.push_back("CSV 表头中的 " + list + " 不是事实,分配时不用");
  }
  summary.applications = records.size();
  std::vector<__int128> pool_allocated(pools.size(), 0);
  for (std::size_t m = 0; m < sums.size(); ++m)
    if (const int p = ed.measures[m].pool; p >= 0) pool_allocated[p] += sums[m].allocated;
  {  // the applications a cap limited, largest first
    const std::size_t keep = std::min(capped.size(), AllocationSummary::kMaxCapped);
    std::partial_sort(capped.begin(), capped.begin() + static_cast<std::ptrdiff_t>(keep), capped.end(),
                      [&](std::uint32_t a, std::uint32_t b) {
                        return records[a].amount != records[b].amount ? records[a].amount > records[b].amount : a < b;
                      });
    for (std::size_t k = 0; k < keep; ++k) {
      const Record& r = records[capped[k]];
      const MeasureInfo& m = ed.measures[r.measure];
      summary.capped.push_back({std::string(arena.get(r.id)), std::string(applicant_of(r)),
                                m.decl->name, m.caps[r.bound - 1]->name, cents_text(r.amount)});
    }
    std::vector<std::uint32_t>().swap(capped);  // no longer needed: not held while the decisions are written
  }
  __int128 amount = 0, allocated_total = 0;
  for (std::size_t m = 0; m < sums.size(); ++m) {
    const MeasureSums& t = sums[m];
    if (!t.applications) continue;
    const std::string& name = ed.measures[m].decl->name;
    if (const int q = ed.measures[m].quota; q >= 0) {
      const bool grouped = ed.quotas[q].group_fact >= 0;
      summary.quotas.push_back({name, ed.quotas[q].count, t.funded + t.not_selected, t.funded,
                                grouped ? std::string() : cutoff[m],
                                grouped ? ed.facts[ed.quotas[q].group_fact].decl->name : std::string()});
    }
    summary.measures.push_back({name, t.applications, t.funded, t.not_selected, cents_text(t.amount), cents_text(t.allocated)});
    summary.funded += t.funded;
    amount += t.amount;
    allocated_total += t.allocated;
  }
  summary.amount = cents_text(amount);
  summary.allocated = cents_text(allocated_total);
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const Pool& pool = pools[p];
    api::AllocationPoolTotals t;
    t.pool = ed.pools[p].decl->name;
    for (const int m : ed.pools[p].measures) t.measures.push_back(ed.measures[m].decl->name);
    t.amount = cents_text(pool.cents);
    t.applications = pool.applications;
    t.requested = cents_text(pool.total);
    t.allocated = cents_text(pool_allocated[p]);
    t.scaled = pool.scaled;
    if (pool.scaled) t.pro_rata = t.amount + "/" + t.requested;
    t.remainder_cents = pool.remainder_cents;
    summary.pools.push_back(std::move(t));
  }
}

}  // namespace kuan
