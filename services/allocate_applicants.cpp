// Batch allocation, between reading and deciding: the applicants interned
// and the 全年 totals summed once the year is read (see allocate.hpp).
//
// A lookup in a table of every applicant for each line waits on memory at
// random (a sixth of allocate's time for 1M lines over 250k applicants).
// Instead each record keeps its applicant's name (in the arena) and the name's
// hash, and settle() groups them all at once (base/name_groups.hpp), as
// repeated ids are found; then it adds each line's 全年 facts to its
// applicant's totals in input order, as reading the lines in order would.
#include "base/name_groups.hpp"
#include "services/allocate_impl.hpp"
#include "services/fact_codec.hpp"

namespace kuan {

std::optional<AllocationError> AllocatorData::settle() {
  if (settled) return std::nullopt;
  settled = true;
  const std::size_t n = records.size();
  IdBuckets ids(n);  // the ids' hash bits: marked as the applicants' hashes are asked for
  std::vector<std::uint64_t> id_keys;  // the records whose id bucket was met twice
  year_totals.clear();
  wide_year_totals.clear();
  // The first 全年 total beyond range, and its record: summed in input order,
  // nothing after it (it is the error unless a repeated id comes first).
  std::optional<AllocationError> overflow;
  std::size_t overflow_at = n;
  // Adds one 全年 value to a total: in 64-bit fixed point while the sum fits,
  // else (or for a value kept as text) as the exact Decimal. False past Decimal's range.
  auto add = [&](std::size_t at, const fixed::Fx* x, const Decimal* text_value) {
    fixed::Fx& total = year_totals[at];
    if (fixed::Fx sum; x && total.s >= 0 && fixed::add(total, *x, sum)) {
      total = sum;
      return true;
    }
    try {
      Decimal& wide = wide_year_totals[at];
      if (total.s >= 0) wide = fixed::to_decimal(total), total.s = -1;
      wide = wide + (x ? fixed::to_decimal(*x) : *text_value);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  // Each record, in input order, once its applicant is known for sure (the
  // names' check rides along: one walk over the records, not two).
  auto settle_record = [&](Record& r, std::size_t i, std::uint32_t who) {
    // What keep() left in fields not used before deciding: its one 全年
    // value (kept_source, see Record), the id's hash bits (repeated_id()'s).
    const std::uint32_t kept_source = r.rank;
    const fixed::Fx kept{r.amount, static_cast<std::int32_t>(kept_source) - 2};
    if (ids.twice(r.failed)) id_keys.push_back(std::uint64_t{r.failed} << 32 | i);
    r.applicant = who;
    r.used = 0;
    r.amount = 0, r.rank = 0, r.failed = 0;
    if (setup[r.measure].year_totals.empty() || overflow) return;
    auto beyond_range = [&] {
      overflow = allocation_error(line_of(r), 0, "", std::string(id_of(r)), "同一申请人的全年合计超出可处理的范围");
      overflow_at = i;
    };
    if (kept_source) {  // its measure's one 全年 value as read (or none given): no decoding
      if (kept_source > 1 && !add(std::size_t{who} * n_year + year_slot[setup[r.measure].year_totals[0]], &kept, nullptr))
        beyond_range();
      return;
    }
    // The line's 全年 facts, as its given facts were kept (a fact too long for
    // 64 bits as its exact text: then every Value is decoded).
    clear_facts();
    const bool fits = decode_fact_fixed(facts_of(r), facts, [&](int slot) { touched.push_back(slot); });
    if (!fits) {
      clear_facts();
      decode_fact_values(facts_of(r), facts, [&](int slot) { touched.push_back(slot); });
    }
    for (const int a : setup[r.measure].year_totals) {
      const int source = ed.accumulations[a].source;
      if (!facts.present[source]) continue;  // not given: nothing to add
      if (!add(std::size_t{who} * n_year + year_slot[a], fits ? &facts.fixed[source] : nullptr,
               fits ? nullptr : &facts.values[source].number)) {
        beyond_range();
        break;
      }
    }
  };
  {
    // The hashes, the names and the records are all asked in input order:
    // walk the records, no block index per name.
    auto hashes = records.cbegin(), names = records.cbegin();
    constexpr std::size_t kBucketsAhead = 16;
    auto settled_record = records.begin();
    NameGroups groups = group_names(
        n,
        [&](std::size_t i) {
          // The buckets lie at random in 2 MiB: each asked for a few records
          // ahead, here and in the walk below (a wait per record otherwise:
          // a twelfth of allocate's time).
          if (i + kBucketsAhead < n) ids.prefetch(records[i + kBucketsAhead].failed);
          ids.mark(hashes->failed);  // until here: the id's hash bits (keep())
          return (hashes++)->applicant_hash;
        },
        [&](std::size_t) { return applicant_of(*names++); },
        [&](std::size_t i, std::uint32_t who, const NameGroups& g) {
          // Sized at the first name; a name apart from its hash's group (rare) adds one.
          if (year_totals.size() < g.first.size() * n_year) year_totals.resize(g.first.size() * n_year);
          constexpr std::size_t kAhead = 16;  // the totals of the applicant a few lines on, asked for early
          if (n_year && i + kAhead < n) __builtin_prefetch(&year_totals[std::size_t{g.of[i + kAhead]} * n_year]);
          if (i + kBucketsAhead < n) ids.prefetch(records[i + kBucketsAhead].failed);
          settle_record(*settled_record++, i, who);
        });
    applicant_first = std::move(groups.first);
  }
  // A total that went past 64 bits on the way and fits again at the end is
  // read from the lanes like any other (as from_decimal of its Decimal would).
  for (auto w = wide_year_totals.begin(); w != wide_year_totals.end();) {
    if (fixed::Fx x; fixed::from_decimal(w->second, x)) {
      year_totals[w->first] = x;
      w = wide_year_totals.erase(w);
    } else {
      ++w;
    }
  }
  clear_facts();
  std::size_t first_with_id = 0;
  const std::size_t repeated = repeated_id(id_keys, first_with_id);  // n: none
  if (overflow_at < repeated) return overflow;  // only lines before a repeated id count
  if (repeated < n) {
    const Record& r = records[repeated];
    return duplicate_error(line_of(r), id_of(r), first_with_id);
  }
  return std::nullopt;
}

}  // namespace kuan
