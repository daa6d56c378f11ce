// Batch allocation: see allocate.hpp for the two passes and the record layout.
#include "interpreter/allocate.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <istream>
#include <ostream>

#include "base/json_string.hpp"
#include "base/utf8.hpp"
#include "interpreter/arena.hpp"
#include "interpreter/fact_codec.hpp"
#include "interpreter/pro_rata.hpp"
#include "interpreter/csv.hpp"
#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"

namespace kuan {
namespace {

constexpr std::uint8_t kEligible = 1;      // eligible (evaluated with the year's rooms)
constexpr std::uint8_t kQuotaOut = 2;      // eligible, but ranked beyond the quota
constexpr std::uint8_t kExtraCent = 4;     // got one cent by largest remainder
constexpr std::uint8_t kRoomComputed = 8;  // `used` was summed from earlier applications

// What is kept of one application between reading and deciding: 56 bytes
// and its given facts in the arena, encoded (encode_fact) rather than as values.
struct Record {
  std::int64_t amount;       // 分, as evaluated with the year's rooms (before quotas and pools)
  std::int64_t used;         // 分, the first computed 累计 room fact it was evaluated with
  std::uint64_t id;          // Arena ref of the id
  std::uint64_t facts;       // Arena ref of the encoded facts
  std::uint64_t line;        // 1-based input line, for errors found when deciding
  std::uint32_t applicant;   // index into Impl::applicants
  std::uint32_t failed;      // bit i: requirement i of the measure failed
  std::uint32_t rank;        // 1-based rank within its quota, or 0
  std::uint16_t measure;     // index into Edition::measures
  std::uint8_t bound;        // 1 + index into MeasureInfo::caps of the cap that bound it, or 0
  std::uint8_t flags;
};
static_assert(sizeof(Record) == 56);




// Code points before `offset` on the line holding it: (lines before it, column).
std::pair<std::size_t, std::size_t> locate(std::string_view text, std::size_t offset) {
  const TextPosition at = text_position(text, offset);
  return {at.line - 1, at.column};
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\xEF\xBB\xBF") == std::string_view::npos; }

}  // namespace


std::string AllocationError::render(std::string_view input_name) const {
  std::string out(input_name);
  if (line) out += ":" + std::to_string(line);
  if (line && column) out += ":" + std::to_string(column);
  out += ": error: ";
  if (!field.empty()) out += "字段 " + field + ":";
  out += message;
  if (!id.empty()) out += "(申请 id " + id + ")";
  return out;
}


struct Allocator::Impl {
  struct Setup {                     // per measure
    std::vector<int> funded;         // 累计 of earlier funded amounts: indices into Edition::accumulations
    std::vector<int> year_totals;    // 累计 … = 全年 …: indices into Edition::accumulations
    std::string room_note;           // "同一申请人本年度此前的 A、B 申请"
    int funded_money = -1;           // the first money tally: the one the note speaks of
    bool counted = false;            // a 件数 tally covers it: admitted in order before the quotas
  };
  struct Candidate {                 // an application of a quota measure, eligible evaluated alone
    Decimal score;
    std::uint32_t record;
    int quota;                       // index into Edition::quotas
    std::string group;               // its value of the quota's 按 F, or ""
  };
  struct Pool {
    std::int64_t cents = 0;
    __int128 total = 0;
    bool scaled = false;
    std::string factor;  // "pool/total" in 元, when scaled
  };

  const Edition& ed;
  BatchFormat input;
  std::vector<Setup> setup;
  std::vector<int> funded_slot;  // per accumulation: its column in `funded_totals`, or -1
  std::vector<int> year_slot;    // per accumulation: its column in `year_totals`, or -1
  std::size_t n_funded = 0, n_year = 0;
  std::vector<Pool> pools;
  std::deque<Record> records;  // in blocks: growing never copies, no 2× peak
  Arena arena;
  StringTable ids, applicant_index;
  std::vector<std::uint64_t> applicants;    // Arena refs of the names
  std::vector<std::int64_t> funded_totals;  // applicant × funded 累计, 分: what was funded so far
  std::vector<Decimal> year_totals;         // applicant × 全年 累计: the whole year's total
  std::unordered_map<std::string, std::int64_t> grouped_totals;  // (applicant, tally, group): for 限额 … 按 F
  FactValues facts;
  std::vector<int> touched;
  std::string encoded;
  json::Scalar scratch;
  std::int64_t room_supplied = -1;
  std::vector<std::string> cutoff;  // per measure: the score of the last funded application of its quota  // after bind(): the first funded room fact it supplied, or -1
  AllocationSummary summary;
  std::optional<AllocationError> stopped;
  bool finished = false;
  // CSV
  bool header_seen = false;
  int col_id = -1, col_applicant = -1, col_measure = -1;
  std::vector<int> column_fact;  // per column: fact slot, or -1
  std::vector<std::string> column_name, cells;
  std::vector<std::size_t> starts;

  explicit Impl(const Edition& e, BatchFormat in) : ed(e), input(in), facts(e.facts.size()) {}

  void clear_facts() {
    for (const int s : touched) facts.clear(s);
    touched.clear();
  }
  void put_fact(int slot, Value v) {
    facts.set(slot, std::move(v));
    touched.push_back(slot);
  }
  // Checks one given fact now (so the error names its line and column) and
  // keeps its text for deciding.
  std::optional<std::string> set_fact(int slot, const json::Scalar& v) {
    auto value = convert_fact(ed, slot, v);
    if (auto* msg = std::get_if<std::string>(&value)) return std::move(*msg);
    put_fact(slot, std::move(std::get<Value>(value)));
    encode_fact(encoded, slot, v);
    return std::nullopt;
  }

  std::optional<AllocationError> add_json(std::string_view text, std::size_t line) {
    auto parsed = json::parse_application(text);
    if (auto* e = std::get_if<json::InputError>(&parsed))
      return AllocationError{line + e->line - 1, e->column, "", e->id.value_or(""), e->message};
    const auto& app = std::get<json::Application>(parsed);
    auto fail = [&](std::size_t column, std::string field, std::string message) {
      return AllocationError{line, column, std::move(field), app.has_id ? app.id : "", std::move(message)};
    };
    if (!app.has_id || app.id.empty()) return fail(0, "id", "缺少 \"id\"(每项申请须有唯一的 id)");
    if (!app.has_applicant || app.applicant.empty())
      return fail(0, "applicant", "缺少 \"applicant\"(申请人标识,按企业累计年度上限要用)");
    const MeasureInfo* m = ed.find_measure(app.measure);
    if (!m) return fail(0, "measure", "未知的措施 " + app.measure + "(" + ed.name + " 中没有这项措施)");
    clear_facts();
    encoded.clear();
    for (const auto& f : app.facts) {
      const int slot = ed.find_fact(f.name);
      auto column = [&] {  // where the fact's key is written
        const std::string key = "\"" + f.name + "\"";
        const std::size_t from = text.find("\"facts\"");
        const std::size_t at = text.find(key, from == std::string_view::npos ? 0 : from);
        return at == std::string_view::npos ? std::size_t{0} : locate(text, at).second;
      };
      if (slot < 0) return fail(column(), "facts." + f.name, "未知的事实 " + f.name + "(本版本没有声明这个事实)");
      if (f.value.kind == json::Scalar::Kind::Null && !ed.facts[slot].required()) continue;
      if (auto msg = set_fact(slot, f.value)) return fail(column(), "facts." + f.name, std::move(*msg));
    }
    return keep(line, app.id, app.applicant, *m, "facts.");
  }

  std::optional<AllocationError> add_csv(std::string_view text, std::size_t line) {
    auto fail_at = [&](std::size_t offset, std::string field, std::string message, std::string id = "") {
      const auto [lines, column] = locate(text, offset);
      return AllocationError{line + lines, column, std::move(field), std::move(id), std::move(message)};
    };
    if (const std::size_t bad = bad_utf8(text); bad != std::string_view::npos)
      return fail_at(bad, "", not_utf8_message(text, bad));
    if (!header_seen && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (const std::size_t bad = split_csv(text, cells, starts); bad != std::string_view::npos)
      return fail_at(bad, "", "CSV 引号位置不对:引号只能括住整个单元格,括住的单元格须闭合,闭合引号后只能是逗号或行尾");
    if (!header_seen) {
      header_seen = true;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::string& name = cells[c];
        if (std::find(column_name.begin(), column_name.end(), name) != column_name.end())
          return fail_at(starts[c], name, "CSV 表头中的列名重复");
        column_name.push_back(name);
        if (int* special = name == "id" ? &col_id : name == "applicant" ? &col_applicant : name == "measure" ? &col_measure : nullptr) {
          *special = static_cast<int>(c);
          column_fact.push_back(-1);
          continue;
        }
        const int slot = ed.find_fact(name);
        if (slot < 0) return fail_at(starts[c], name, "CSV 表头中的未知事实 " + name + "(本版本没有声明这个事实)");
        column_fact.push_back(slot);
      }
      if (col_id < 0 || col_applicant < 0 || col_measure < 0)
        return fail_at(0, "", "CSV 表头须有 id、applicant、measure 三列,其余每列是一个事实");
      return std::nullopt;
    }
    if (cells.size() != column_name.size())
      return fail_at(0, "", "本行有 " + std::to_string(cells.size()) + " 列,表头有 " + std::to_string(column_name.size()) + " 列");
    const std::string& id = cells[col_id];
    if (id.empty()) return fail_at(starts[col_id], "id", "缺少 id(每项申请须有唯一的 id)");
    if (cells[col_applicant].empty())
      return fail_at(starts[col_applicant], "applicant", "缺少 applicant(申请人标识,按企业累计年度上限要用)", id);
    const MeasureInfo* m = ed.find_measure(cells[col_measure]);
    if (!m)
      return fail_at(starts[col_measure], "measure", "未知的措施 " + cells[col_measure] + "(" + ed.name + " 中没有这项措施)", id);
    clear_facts();
    encoded.clear();
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const int slot = column_fact[c];
      if (slot < 0 || cells[c].empty()) continue;
      if (auto msg = set_fact(slot, csv_cell_value(ed, slot, cells[c]))) return fail_at(starts[c], column_name[c], std::move(*msg), id);
    }
    return keep(line, id, cells[col_applicant], *m, "");
  }

  // Pass 1 for one good line: the checks that need only the line, then the
  // record, the applicant and its year totals. Deciding waits for finish().
  std::optional<AllocationError> keep(std::size_t line, std::string_view id, std::string_view applicant,
                                      const MeasureInfo& m, const std::string& prefix) {
    auto fail = [&](std::string field, std::string message) {
      return AllocationError{line, 0, std::move(field), std::string(id), std::move(message)};
    };
    const auto mi = static_cast<std::size_t>(&m - ed.measures.data());
    if (m.quota >= 0 && ed.quotas[m.quota].score_fact >= 0 && !facts.present[ed.quotas[m.quota].score_fact]) {
      const std::string& score = ed.facts[ed.quotas[m.quota].score_fact].decl->name;
      return fail(prefix + score, "缺少 " + score + ":措施 " + m.decl->name + " 每年名额 " + std::to_string(ed.quotas[m.quota].count) +
                                      " 个,按 " + score + " 择优");
    }
    // Found again when deciding; checked here too so that the first bad line is the one named.
    if (auto missing = missing_required_facts(ed, m, facts); !missing.empty())
      return fail(prefix + missing[0], "缺少必需的事实 " + missing[0] + "(措施 " + m.decl->name + " 需要)");
    if (records.size() >= 0xFFFFFFF0u) return fail("", "申请过多(一批最多约 42 亿项)");
    const auto index = static_cast<std::uint32_t>(records.size());
    const auto [first, is_unique] = ids.find_or_insert(
        id, [&](std::uint32_t i) { return arena.get(records[i].id); }, [&] { return index; });
    if (!is_unique) return fail("id", "重复的申请 id(与第 " + std::to_string(first + 1) + " 项申请相同)");
    const auto [who, is_new] = applicant_index.find_or_insert(
        applicant, [&](std::uint32_t a) { return arena.get(applicants[a]); },
        [&] {
          applicants.push_back(arena.add(applicant));
          return static_cast<std::uint32_t>(applicants.size() - 1);
        });
    if (is_new) {
      funded_totals.resize(funded_totals.size() + n_funded, 0);
      year_totals.resize(year_totals.size() + n_year);
    }
    for (const int a : setup[mi].year_totals) {
      const int source = ed.accumulations[a].source;
      if (!facts.present[source]) continue;  // not given: nothing to add
      Decimal& total = year_totals[who * n_year + year_slot[a]];
      try {
        total = total + facts.values[source].number;
      } catch (const std::exception&) {
        return fail("", "同一申请人的全年合计超出可处理的范围");
      }
    }
    Record r{};
    r.id = arena.add(id);
    r.facts = arena.add(encoded);
    r.line = line;
    r.applicant = who;
    r.measure = static_cast<std::uint16_t>(mi);
    records.push_back(r);
    return std::nullopt;
  }

  // The record's facts as given, plus (unless given) the 全年 totals and —
  // with `rooms` — what the applicant's earlier funded applications used.
  void bind(const Record& r, bool rooms) {
    clear_facts();
    decode_facts(arena.get(r.facts), scratch, [&](int slot, const json::Scalar& v) {
      if (auto value = convert_fact(ed, slot, v); std::holds_alternative<Value>(value))
        put_fact(slot, std::move(std::get<Value>(value)));
    });
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
      const std::int64_t used = *tally(r.applicant, a);
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
  std::string group_key(int slot) {
    if (facts.present[slot]) return format_value(&ed, facts.values[slot]);
    if (const auto& d = ed.facts[slot].decl->default_value) {
      auto v = evaluate_expression(&ed, *d, facts);
      if (auto* value = std::get_if<Value>(&v)) return format_value(&ed, *value);
    }
    return "";
  }

  // The running total of tally `a` for this applicant (and, grouped, the
  // bound record's group): 分, or a count.
  std::int64_t* tally(std::uint32_t applicant, int a) {
    const AccumulationInfo& acc = ed.accumulations[a];
    if (acc.group_fact < 0) return &funded_totals[applicant * n_funded + funded_slot[a]];
    std::string key(reinterpret_cast<const char*>(&applicant), sizeof applicant);
    key.append(reinterpret_cast<const char*>(&a), sizeof a);
    key += group_key(acc.group_fact);
    return &grouped_totals[key];
  }

  // Evaluates a bound record; an error names its line and id.
  std::variant<Outcome, AllocationError> evaluate(const Record& r) {
    const MeasureInfo& m = ed.measures[r.measure];
    auto fail = [&](std::string field, std::string message) {
      return AllocationError{static_cast<std::size_t>(r.line), 0, std::move(field), std::string(arena.get(r.id)),
                             std::move(message)};
    };
    const std::string prefix = input == BatchFormat::Csv ? "" : "facts.";
    if (auto missing = missing_required_facts(ed, m, facts); !missing.empty())
      return fail(prefix + missing[0], "缺少必需的事实 " + missing[0] + "(措施 " + m.decl->name + " 需要)");
    auto result = evaluate_measure(ed, m, facts);
    if (auto* e = std::get_if<EvalError>(&result)) {
      std::string message = e->message;
      if (e->span.file) {
        const auto at = e->span.file->locate(e->span.begin);
        message += "(规则位置 " + e->span.file->name() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ")";
      }
      return fail("", std::move(message));
    }
    return std::move(std::get<Outcome>(result));
  }

  std::int64_t allocated(const Record& r) const {
    if (!(r.flags & kEligible) || (r.flags & kQuotaOut)) return 0;
    const int p = ed.measures[r.measure].pool;
    if (p < 0 || !pools[p].scaled) return r.amount;
    return static_cast<std::int64_t>(static_cast<__int128>(r.amount) * pools[p].cents / pools[p].total) +
           ((r.flags & kExtraCent) ? 1 : 0);
  }

  // Quotas first: among the applications of each quota (per group, with
  // 按 F) that are eligible evaluated alone (no room used by earlier ones),
  // the best scores — or, with no score, the earliest; ties go to the earlier.
  std::optional<AllocationError> decide_quotas() {
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
  std::optional<AllocationError> decide_amounts() {
    for (Record& r : records) {
      const MeasureInfo& m = ed.measures[r.measure];
      bind(r, true);
      auto result = evaluate(r);
      if (auto* e = std::get_if<AllocationError>(&result)) return std::move(*e);
      const Outcome& o = std::get<Outcome>(result);
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
      if (room_supplied > 0) r.used = room_supplied, r.flags |= kRoomComputed;
      if (auto e = count_in(r, r.flags & kEligible, !(r.flags & kQuotaOut))) return e;
    }
    return std::nullopt;
  }

  // After a record is decided: a 件数 tally counts it when it was admitted
  // (eligible, quota or not — the limit is on applications taken in, checked
  // before the ranking); a 金额 tally adds its amount when it is funded.
  std::optional<AllocationError> count_in(const Record& r, bool eligible, bool funded) {
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
  std::optional<AllocationError> admit(std::vector<Candidate>& candidates) {
    const bool counting = std::any_of(setup.begin(), setup.end(), [](const Setup& x) { return x.counted; });
    for (std::size_t i = 0; i < records.size(); ++i) {
      const Record& r = records[i];
      const MeasureInfo& m = ed.measures[r.measure];
      const bool counted = setup[r.measure].counted;
      if (m.quota < 0 && !counted) continue;
      bind(r, false);
      auto result = evaluate(r);
      if (auto* e = std::get_if<AllocationError>(&result)) return std::move(*e);
      const bool eligible = std::get<Outcome>(result).eligible;
      if (counted)
        if (auto e = count_in(r, eligible, false)) return e;
      if (m.quota < 0 || !eligible) continue;
      const QuotaInfo& q = ed.quotas[m.quota];
      candidates.push_back({q.score_fact >= 0 ? facts.values[q.score_fact].number : Decimal(), static_cast<std::uint32_t>(i),
                            m.quota, q.group_fact >= 0 ? group_key(q.group_fact) : std::string()});
    }
    if (counting) {
      std::fill(funded_totals.begin(), funded_totals.end(), 0);
      grouped_totals.clear();
    }
    return std::nullopt;
  }

  std::optional<AllocationError> finish() {
    ids.release();  // duplicates are settled; the rest needs only the records
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
    // Totals.
    summary.version = ed.name;
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
        summary.capped.push_back({std::string(arena.get(r.id)), std::string(arena.get(applicants[r.applicant])),
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
    return std::nullopt;
  }

  // One decision; JSON members and CSV columns come in the same order.
  void decision(std::size_t index, BatchFormat format, std::string& out) const {
    const Record& r = records[index];
    const MeasureInfo& m = ed.measures[r.measure];
    const Setup& s = setup[r.measure];
    const bool eligible = (r.flags & kEligible) && !(r.flags & kQuotaOut), csv = format == BatchFormat::Csv;
    const ast::LimitDecl* bound = r.bound ? m.caps[r.bound - 1] : nullptr;
    std::string reasons = csv ? "" : "[", room, note, scratch;
    auto reason = [&](std::string_view text) {
      if (csv) (reasons += reasons.empty() ? "" : "; ") += text;
      else (reasons += reasons.size() > 1 ? "," : ""), append_json_string(reasons, text);
    };
    for (std::size_t q = 0; q < m.requirements.size(); ++q)
      if (r.failed >> q & 1) reason(m.requirements[q]->reason);
    if (r.flags & kQuotaOut) {
      const QuotaInfo& q = ed.quotas[m.quota];
      const std::string by = q.score_fact >= 0 ? ed.facts[q.score_fact].decl->name : std::string("申请顺序");
      if (q.decl->spelling == ast::LimitSpelling::Quota)  // 名额 = N written in the measure
        reason("未入选:" + m.decl->name + "每年名额 " + std::to_string(q.count) + " 个,本申请" + by + "排第 " + std::to_string(r.rank));
      else
        reason("未入选:限额 " + q.decl->name + " 每年 " + std::to_string(q.count) + " 个" +
               (q.group_fact >= 0 ? "(每个" + ed.facts[q.group_fact].decl->name + "分别计)" : std::string()) + ",本申请" +
               by + "排第 " + std::to_string(r.rank));
    }
    if (!csv) reasons += ']';
    if (r.flags & kRoomComputed)
      room = s.room_note + "已计算所得 " + cents_text(r.used) + " 元,计入 " + ed.facts[ed.accumulations[s.funded_money].fact].decl->name +
             ",本申请只用剩余额度";
    if (eligible && bound && r.amount == 0) {
      note = "上限 " + bound->name + " 已用尽,本次可得金额为零";
      if (!csv) append_json_string(scratch, note), note = "[" + scratch + "]";
    }
    std::string_view pro_rata;
    if (eligible && m.pool >= 0 && pools[m.pool].scaled) pro_rata = pools[m.pool].factor;
    bool first = true;
    // A JSON member (left out when `optional` and empty) or a CSV cell.
    auto field = [&](const char* key, std::string_view v, bool quoted = true, bool optional = false) {
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
    field("id", arena.get(r.id));
    field("applicant", arena.get(applicants[r.applicant]));
    field("measure", m.decl->name);
    field("eligible", eligible ? "true" : "false", false);
    field("amount", cents_text(r.amount));
    field("allocated", cents_text(allocated(r)));
    field("reasons", reasons, false);
    field("bound", bound ? std::string_view(bound->name) : csv ? "" : "null", bound != nullptr);
    field("cap_room_used", room, true, true);
    field("pro_rata", pro_rata, true, true);
    field("extra_cent", !pro_rata.empty() && (r.flags & kExtraCent) ? "true" : "", false, true);
    field("quota_rank", r.rank ? std::to_string(r.rank) : "", false, true);
    field("notes", note, csv, true);
    out += csv ? "\n" : "}\n";
  }
};

Allocator::Allocator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Allocator::~Allocator() = default;

std::unique_ptr<Allocator> Allocator::create(const Edition& ed, BatchFormat input, std::string& error) {
  if (ed.rounding_places > 2) {
    error = "版本 " + ed.name + " 的金额舍入到 " + std::to_string(ed.rounding_places) + " 位小数;批量分配以分计,最多 2 位";
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
        s.room_note = "同一申请人本年度此前的 " + names + " 申请";
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

std::optional<AllocationError> Allocator::add(std::string_view record, std::size_t line) {
  Impl& s = *impl_;
  if (s.stopped) return s.stopped;
  if (s.finished) return AllocationError{line, 0, "", "", "finish() 之后不能再添加申请"};
  auto e = s.input == BatchFormat::Csv ? s.add_csv(record, line) : s.add_json(record, line);
  if (e) s.stopped = e;
  return e;
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

std::optional<AllocationError> Allocator::read(std::istream& in, const ProgressFn& progress) {
  const bool csv = impl_->input == BatchFormat::Csv;
  std::string data;
  std::vector<char> chunk(std::size_t{1} << 20);
  std::size_t start = 0, pos = 0, line = 1, record_line = 1;
  std::uint64_t consumed = 0, count = 0;
  CsvScanner scanner;
  auto bad_quote = [&](std::size_t offset, const char* message) {  // offset within the record
    const auto [lines, column] = locate(std::string_view(data).substr(start), offset);
    return impl_->stopped = AllocationError{record_line + lines, column, "", "", message};
  };
  auto emit = [&](std::size_t end) -> std::optional<AllocationError> {
    std::string_view rec(data.data() + start, end - start);
    if (!rec.empty() && rec.back() == '\r') rec.remove_suffix(1);
    if (!blank(rec)) {
      if (auto e = add(rec, record_line)) return e;
      if (progress && (++count & 8191) == 0) progress({1, consumed + end, count, 0});
    }
    return std::nullopt;
  };
  for (bool eof = false; !eof;) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (in.bad()) return impl_->stopped = AllocationError{line, 0, "", "", "读取输入失败"};
    eof = n == 0;
    data.append(chunk.data(), n);
    for (;;) {
      const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
      const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data.data()) : data.size();
      if (csv)
        if (const auto bad = scanner.scan(std::string_view(data.data() + pos, end - pos), pos - start); bad != CsvScanner::npos)
          return bad_quote(bad, "CSV 引号位置不对:引号只能括住整个单元格,闭合引号后只能是逗号或行尾");
      if (!nl) {
        pos = end;
        break;
      }
      pos = end + 1;
      ++line;
      if (csv && scanner.in_quotes()) continue;  // a newline inside a quoted CSV cell
      scanner.next_record();
      if (auto e = emit(end)) return e;
      start = pos;
      record_line = line;
    }
    if (eof && csv && scanner.in_quotes())
      return bad_quote(scanner.open_quote(), "CSV 引号没有闭合:从这里开始的单元格一直延续到输入末尾");
    if (eof && start < data.size())
      if (auto e = emit(data.size())) return e;
    consumed += start;
    data.erase(0, start);
    pos -= start;
    start = 0;
  }
  if (progress) progress({1, consumed + data.size(), count, 0});
  return finish();
}

std::variant<std::vector<Allocator::QuotaCandidate>, AllocationError> Allocator::quota_candidates() {
  Impl& s = *impl_;
  if (s.stopped) return *s.stopped;
  std::vector<Impl::Candidate> found;  // as decide_quotas() does, without the ranking
  if (auto e = s.admit(found)) return *(s.stopped = std::move(*e));
  std::vector<QuotaCandidate> out;
  for (auto& c : found)
    out.push_back({c.record, s.records[c.record].measure, std::move(c.score), c.quota, std::move(c.group)});
  return out;
}

std::optional<AllocationError> Allocator::finish_part(const std::vector<std::uint32_t>& ranks) {
  Impl& s = *impl_;
  if (s.stopped) return s.stopped;
  if (s.finished || ranks.size() != s.records.size()) return AllocationError{0, 0, "", "", "finish_part: 名次与申请数不符或已完成"};
  s.finished = true;
  s.ids.release();
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    Record& r = s.records[i];
    r.rank = ranks[i];
    if (const int quota = s.ed.measures[r.measure].quota;
        r.rank && quota >= 0 && static_cast<std::int64_t>(r.rank) > s.ed.quotas[quota].count)
      r.flags |= kQuotaOut;
  }
  if (auto e = s.decide_amounts()) return s.stopped = e;
  return std::nullopt;
}

std::vector<Allocator::PoolShare> Allocator::pool_shares() const {
  const Impl& s = *impl_;
  std::vector<PoolShare> out;
  for (std::size_t i = 0; i < s.records.size(); ++i) {
    const Record& r = s.records[i];
    const int p = s.ed.measures[r.measure].pool;
    if (p >= 0 && (r.flags & kEligible) && !(r.flags & kQuotaOut)) out.push_back({i, p, r.amount});
  }
  return out;
}

void Allocator::set_pool(int pool, __int128 total_cents, const std::vector<std::size_t>& extra_cent) {
  Impl::Pool& p = impl_->pools.at(static_cast<std::size_t>(pool));
  p.total = total_cents;
  p.scaled = total_cents > p.cents;
  if (p.scaled) p.factor = cents_text(p.cents) + "/" + cents_text(total_cents);
  for (const std::size_t i : extra_cent) impl_->records.at(i).flags |= kExtraCent;
}

std::size_t Allocator::size() const { return impl_->records.size(); }
const AllocationSummary& Allocator::summary() const { return impl_->summary; }

void Allocator::csv_header(std::string& out) const {
  out += "id,applicant,measure,eligible,amount,allocated,reasons,bound,cap_room_used,pro_rata,extra_cent,quota_rank,notes\n";
}

void Allocator::decision(std::size_t index, BatchFormat format, std::string& out) const {
  impl_->decision(index, format, out);
}

void Allocator::write(std::ostream& out, BatchFormat format, const ProgressFn& progress) const {
  std::string buf;
  if (format == BatchFormat::Csv) csv_header(buf);
  const std::size_t n = size();
  for (std::size_t i = 0; i < n; ++i) {
    impl_->decision(i, format, buf);
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
