// The allocator's state, shared by the files of allocation (not a public
// header): allocate_read.cpp reads and checks each record (pass 1),
// allocate.cpp decides quotas, amounts and pools, allocate_write.cpp writes
// the decisions (pass 2), allocator.cpp is the public Allocator's entry points
// over this state. See allocate.hpp for the passes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <functional>
#include <iosfwd>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "base/arena.hpp"
#include "base/chunked.hpp"
#include "base/date.hpp"
#include "base/json_string.hpp"
#include "base/tally_table.hpp"
#include "services/allocate.hpp"
#include "services/json_fast.hpp"
#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/fixed.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/render.hpp"

namespace kuan {

using AllocatorData = api::Allocator::Data;


// Splits `in` into records — lines; a CSV record may hold quoted newlines —
// and hands each non-blank one to add(record, 1-based line, bytes readable
// after it); a read error, a bad quote or an over-long record is returned
// (allocate_read.cpp). progress(bytes, records) now and then.
using RecordFn = std::function<std::optional<api::AllocationError>(std::string_view, std::size_t, std::size_t)>;
using ReadProgressFn = std::function<void(std::uint64_t, std::uint64_t)>;
std::optional<api::AllocationError> read_records(std::istream& in, bool csv, const RecordFn& add,
                                                 const ReadProgressFn& progress = {});

// A CSV input read record by record — the applications or the opening
// balances: the header's column names once it is seen, and the current
// record's cells and where each starts.
struct CsvRecords {
  bool header_seen = false;
  std::vector<std::string> column_name, cells;
  std::vector<std::size_t> starts;
};
// "\"as_of\" 的日期无效:…" — a line's as_of (JSONL member or CSV cell) that is no date.
std::string bad_as_of_message(std::string_view text);

// Splits one record of `csv` into its cells, or says why not (bad UTF-8, a
// quote out of place, after the header a cell count other than the header's).
// A BOM before the header is dropped from `text`: positions count after it.
std::optional<api::AllocationError> split_csv_record(CsvRecords& csv, std::string_view& text, std::size_t line);
// Header cell c as a column name, kept unless the header already has it.
std::optional<api::AllocationError> take_csv_column(CsvRecords& csv, std::size_t c, std::string_view text,
                                                    std::size_t line, std::string& name);

// "未入选:… 排第 " — the reason of an application ranked beyond its quota,
// up to its rank (allocate_write.cpp). `m` has a quota.
std::string quota_loser_text(const ::kuan::Edition& ed, const MeasureInfo& m);

struct api::Allocator::Data {
  static constexpr std::uint8_t kEligible = 1;      // eligible (evaluated with the year's rooms)
  static constexpr std::uint8_t kQuotaOut = 2;      // eligible, but ranked beyond the quota
  static constexpr std::uint8_t kExtraCent = 4;     // got one cent by largest remainder
  static constexpr std::uint8_t kRoomComputed = 8;  // `used` was summed from earlier applications
  static constexpr std::uint8_t kDecided = 16;      // evaluated while admitting: its amount stands (no money room)
  static constexpr std::uint8_t kOpened = 32;       // its computed room includes an opening balance
  static constexpr std::uint8_t kGivesUsed = 64;    // the line gives the 已用 fact of a running total

  // What is kept of one application between reading and deciding: 40 bytes,
  // and in the arena its id, its applicant's name and its given facts as
  // typed values (encode_fact_value), back to back (id_of, applicant_of, facts_of).
  struct Record {
    std::int64_t amount;       // 分, as evaluated with the year's rooms (before quotas and pools)
    union {
      std::uint64_t applicant_hash;  // until settle(): the hash of its applicant's name
      std::int64_t used;             // 分, the first computed 累计 room fact it was evaluated with
    };
    std::uint64_t id;          // Arena ref of the id, the applicant and the encoded facts
    std::uint32_t applicant;   // from settle(): its applicant, 0 … applicant_first.size() - 1
    std::uint32_t failed;      // bit i: requirement i of the measure failed
    std::uint32_t rank;        // 1-based rank within its quota, or 0
    std::uint16_t measure;     // index into Edition::measures
    std::uint8_t bound;        // 1 + index into MeasureInfo::caps of the cap that bound it, or 0
    std::uint8_t flags;
  };
  // Until settle(), `failed` holds the id's hash bits and `amount` and `rank`
  // the measure's one 全年 value as read (keep()); settle() clears them.
  static_assert(sizeof(Record) == 40);

  struct Setup {                     // per measure
    std::vector<int> funded;         // 累计 of earlier funded amounts: indices into Edition::accumulations
    std::vector<int> year_totals;    // 累计 … = 全年 …: indices into Edition::accumulations
    // cap_room_used is room_before + the 元 used + room_after ("同一申请人本年度此前的
    // A、B 申请已计算所得 " … " 元,计入 F,本申请只用剩余额度"); the _json forms are
    // escaped, with the opening and the closing quote.
    std::string room_before, room_after, room_before_json, room_after_json;
    // The same when the room includes an opening balance (a figure given by an
    // earlier line or the opening-balances file).
    std::string opened_before, opened_before_json;
    // JSON text written on every decision of the measure, escaped once:
    // ,"measure":"…","eligible": and each cap's name as a JSON string.
    std::string measure_json;
    std::vector<std::string> caps_json;
    std::vector<std::string> reasons_json;  // each requirement's reason as a JSON string
    std::vector<std::string> notes_json;    // per cap: ,"notes":["…"] (the cap is used up)
    // A quota measure's reason for an application ranked beyond it, as a JSON
    // string without its rank and closing quote (quota_loser_text, escaped once).
    std::string quota_out_json;
    // The facts an application of the measure must state (required, or named
    // by 需要): reading checks these before asking missing_required_facts for the names.
    std::vector<int> must_state;
    // The most bytes a JSON decision of the measure takes besides its id,
    // applicant, 结果 and pro rata factor (set_json_row_max(), once its texts are set).
    std::size_t json_row_max = 0;
    void set_json_row_max();
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
    __int128 total = 0;                 // Σ amount of its funded applications
    std::uint64_t applications = 0;     // its funded applications
    std::uint64_t remainder_cents = 0;  // cents given one each by largest remainder
    bool scaled = false;
    std::string factor;  // "pool/total" in 元, when scaled
    std::string pro_rata_json;  // ,"pro_rata":"…" (factor as a JSON member), when scaled
    void set_factor() {  // scaled: cents of total
      factor = cents_text(cents) + "/" + cents_text(total);
      pro_rata_json = ",\"pro_rata\":";
      append_json_string(pro_rata_json, factor);
    }
  };

  // In kuan::api, `Edition` would be the api's handle: the engine's is ::kuan::Edition.
  std::shared_ptr<const void> owner;  // what owns `ed` (the façade's policy), or null
  const ::kuan::Edition& ed;
  AllocationFormat input;
  std::vector<Setup> setup;
  std::vector<int> funded_slot;  // per accumulation: its column in `funded_totals` keys, or -1
  std::vector<int> year_slot;    // per accumulation: its column in `year_totals`, or -1
  std::size_t n_funded = 0, n_year = 0;
  std::vector<Pool> pools;
  Chunked<Record> records;  // in blocks: growing never copies, no 2× peak
  // A record's 1-based input line is its index plus an offset that changes
  // only at a blank line or a record over several lines (CSV): the index and
  // the line of each record where it changes (12 bytes each, in two
  // columns), for errors found when deciding.
  std::vector<std::uint32_t> line_start_index;
  std::vector<std::size_t> line_start;
  void note_line(std::size_t line) {
    const std::size_t index = records.size();
    if (line_start.empty() || line - index != line_start.back() - line_start_index.back()) {
      line_start_index.push_back(static_cast<std::uint32_t>(index));  // records < 2^32 (keep())
      line_start.push_back(line);
    }
  }
  std::size_t line_of(const Record& r) const {
    const std::size_t i = records.index_of(&r);
    const auto k = static_cast<std::size_t>(
        std::upper_bound(line_start_index.begin(), line_start_index.end(), i) - line_start_index.begin());
    return k == 0 ? 0 : line_start[k - 1] + (i - line_start_index[k - 1]);
  }
  std::size_t quota_records = 0;  // records of a quota measure (candidates at most)
  // The records of a quota or 件数-counted measure, in input order: the ones
  // admit() evaluates (a year is mostly others: no walk over them all).
  std::vector<std::uint32_t> admitted;
  // 结果: an eligible record's figures (a measure's named results, in order, as
  // `kuan eval` writes them), beside the records so that a Record stays 40 bytes
  // and an edition without 结果 pays nothing. Keyed by address (a record stays where it is).
  std::unordered_map<const Record*, std::vector<std::string>> figures;
  FigureColumns figure_columns;  // CSV output: 结果.NAME columns after `notes` (none without 结果)
  Arena arena;
  // Applicants are interned once the year is read (settle()), not looked up
  // line by line: per applicant, the index of its first record (whose arena
  // entry holds its name).
  std::vector<std::uint32_t> applicant_first;
  bool settled = false;
  TallyColumns funded_totals;               // applicant × funded_slot → 分 (or a count) funded so far
  // applicant × 全年 累计: the whole year's total as the fixed-point lanes hold
  // it — what a Decimal sum in input order gives (fixed::add aligns to the
  // larger scale, as Decimal's + does), 16 bytes instead of 32. A total that
  // does not fit 64 bits has scale -1 here and its Decimal in wide_year_totals.
  std::vector<fixed::Fx> year_totals;
  std::unordered_map<std::size_t, Decimal> wide_year_totals;  // by index into year_totals
  Decimal year_total(std::size_t at) const {
    const fixed::Fx x = year_totals[at];
    return x.s < 0 ? wide_year_totals.at(at) : fixed::to_decimal(x);
  }
  std::unordered_map<std::string, std::int64_t> grouped_totals;  // (applicant, tally, group): for 限额 … 按 F
  FactValues facts;
  std::vector<int> touched;
  std::string encoded;
  json::FactKeyIndex key_index;  // JSONL: lines are read by the batch's fast reader …
  json::FastLineReader fast;     // … and the precise reader (json_input) only when it declines one
  std::int64_t room_supplied = -1;  // after bind(): the first funded room fact it supplied, or -1
  bool room_opened = false;         // … and whether that room includes an opening balance
  std::vector<int> given_running;   // after bind(): the running totals whose 已用 fact the line gives
  bool carry_stated = false;        // set_carry_stated(): a line's stated 已用 figure carries to later lines
  std::optional<std::int32_t> as_of;  // the applications' date unless a line gives its own (run_day())
  // Opening balances (期初余额, allocate_opening.cpp): read before the year,
  // seeded into the running totals before each pass over the records.
  // An opening line's period (期间): a calendar year, for a running total
  // kept 期间 每年, or a stated period D1 至 D2, for one kept over it.
  struct OpeningPeriod {
    bool year = false;
    std::int32_t from = 0, to = 0;  // days, both included
    bool operator==(const OpeningPeriod&) const = default;
  };
  struct Opening {
    std::string applicant;
    int tally;           // index into Edition::accumulations
    std::string group;   // its 按 F value, or ""
    std::int64_t value;  // 分, or a count
    std::size_t line;
    std::optional<OpeningPeriod> period;  // none: the run's
  };
  std::vector<Opening> openings;
  struct Seed {
    std::uint32_t applicant;
    int tally;
    std::string group;
    std::int64_t value;
  };
  std::vector<Seed> seeds;        // the openings of applicants in the year (resolve_openings)
  std::size_t unknown_openings = 0;  // opening lines whose applicant has no application
  std::size_t other_period_openings = 0;  // opening balances of another period than the run's
  TallyColumns opened;            // applicant × funded_slot → 1: the total started from an opening
  std::unordered_map<std::string, std::int64_t> grouped_opened;  // the same for 按 F totals
  struct OpeningReader : CsvRecords {  // the opening file's CSV
    int col_applicant = -1, col_period = -1;
    std::vector<int> column_fact;
  } opening_csv;
  std::vector<std::string> cutoff;  // per measure: the score of the last funded application of its quota
  // The year's figures per measure, summed as decide_amounts() decides
  // (`allocated` before the pools: a scaled pool's measures get theirs from
  // its pass), and the funded records a cap limited: summarize() walks no records.
  struct MeasureSums {
    std::uint64_t applications = 0, funded = 0, not_selected = 0;
    __int128 amount = 0, allocated = 0;
  };
  std::vector<MeasureSums> sums;
  std::vector<std::uint32_t> capped;
  AllocationSummary summary;
  std::optional<AllocationError> stopped;
  bool finished = false;
  // CSV
  CsvRecords applications_csv;  // the applications, when they come as CSV
  int col_id = -1, col_applicant = -1, col_measure = -1, col_as_of = -1;
  std::vector<int> column_fact;  // per column: fact slot, or -1
  std::vector<std::string> ignored_columns;  // CSV: header cells that are not facts (企业名称)

  Data(std::shared_ptr<const void> keep_alive, const ::kuan::Edition& e, AllocationFormat in)
      : owner(std::move(keep_alive)), ed(e), input(in), figure_columns(e), facts(e.facts.size()), key_index(e), fast(key_index) {}

  void clear_facts() {
    for (const int s : touched) facts.clear(s);
    touched.clear();
  }
  void put_fact(int slot, Value v) {
    facts.set(slot, std::move(v));
    touched.push_back(slot);
  }
  std::string_view id_of(const Record& r) const { return arena.get(r.id); }
  std::string_view applicant_of(const Record& r) const { return Arena::next(arena.get(r.id)); }
  std::string_view facts_of(const Record& r) const { return Arena::next(applicant_of(r)); }
  static bool is_funded(const Record& r) { return (r.flags & kEligible) && !(r.flags & kQuotaOut); }
  // 分 after the pool: the amount, scaled when the pool was exceeded.
  std::int64_t allocated(const Record& r) const {
    if (!is_funded(r)) return 0;
    const int p = ed.measures[r.measure].pool;
    if (p < 0 || !pools[p].scaled) return r.amount;
    const int extra = (r.flags & kExtraCent) ? 1 : 0;
    // ⌊amount × pool ÷ total⌋: in 64 bits when the product fits (a 128-bit division is a call, several times slower).
    if (std::uint64_t x; r.amount >= 0 && !__builtin_mul_overflow(static_cast<std::uint64_t>(r.amount),
                                                                  static_cast<std::uint64_t>(pools[p].cents), &x))
      return static_cast<std::int64_t>(x / static_cast<std::uint64_t>(pools[p].total)) + extra;
    return static_cast<std::int64_t>(static_cast<__int128>(r.amount) * pools[p].cents / pools[p].total) + extra;
  }

  // Pass 1 (allocate_read.cpp).
  // A whole input (Allocator::read), then finish().
  std::optional<AllocationError> read(std::istream& in, const api::AllocationProgressFn& progress);
  // One record (Allocator::add), stopping at the first bad one.
  std::optional<AllocationError> add(std::string_view record, std::size_t line, std::size_t readable_after);
  // Checks one given fact now (so the error names its line and column) and
  // keeps its value for deciding.
  std::optional<std::string> set_fact(int slot, const json::Scalar& v);
  // `readable_after`: bytes after the line that may be read (the fast reader
  // then needs no copy of it).
  std::optional<AllocationError> add_json(std::string_view text, std::size_t line, std::size_t readable_after = 0);
  // A line the fast reader took whole, when it is good for allocation;
  // false: read it again the precise way (which words what is wrong).
  bool add_fast(std::string_view text, std::size_t line, std::size_t readable_after, std::optional<AllocationError>& error);
  std::optional<AllocationError> add_csv(std::string_view text, std::size_t line);
  // Pass 1 for one good line: the checks that need only the line, then the
  // record (its applicant's name and its hash). Deciding waits for finish().
  // `day`: the line's own as_of, if it has one.
  std::optional<AllocationError> keep(std::size_t line, std::string_view id, std::string_view applicant,
                                      const MeasureInfo& m, const char* prefix, const FactValues& given,
                                      std::optional<std::int32_t> day);
  // The run's date, for lines without their own (set_as_of, else today in
  // China, UTC+8, fixed when first asked: one run, one day).
  std::int32_t run_day() {
    if (!as_of) as_of = china_standard_day(static_cast<std::int64_t>(std::time(nullptr)));
    return *as_of;
  }

  // Ids are checked all at once, by their hash bits (a record's `failed`
  // until settle()): most share them with no other, so two bits per bucket of
  // hash bits (about 8 buckets per record, 2 MiB for a million) mark the
  // buckets met twice over one walk, and only the records in those (about
  // one in eight) are sorted and compared (allocate.cpp).
  struct IdBuckets {
    explicit IdBuckets(std::size_t records);
    void mark(std::uint32_t hash) {
      std::uint64_t* word = &bits[pair_of(hash)];  // met once, then beside it met twice: one cache line
      const std::uint64_t bit = std::uint64_t{1} << (bucket(hash) & 63);
      word[1] |= word[0] & bit;
      word[0] |= bit;
    }
    bool twice(std::uint32_t hash) const { return bits[pair_of(hash) + 1] >> (bucket(hash) & 63) & 1; }
    // The bucket's word pair asked for before mark() or twice() needs it.
    void prefetch(std::uint32_t hash) const { __builtin_prefetch(&bits[pair_of(hash)]); }
    std::uint32_t bucket(std::uint32_t hash) const { return hash >> drop; }
    // Where the bucket's pair of words (met once, met twice) begins in `bits`.
    std::size_t pair_of(std::uint32_t hash) const { return std::size_t{bucket(hash) >> 6} * 2; }
    int drop = 0;
    std::vector<std::uint64_t> bits;
  };
  // The first application, in input order, whose id an earlier one has (its
  // index, and in `first` the earlier one's), or records.size(): `keys` are
  // hash << 32 | record of every record in a bucket met twice, in record order.
  std::size_t repeated_id(std::vector<std::uint64_t>& keys, std::size_t& first) const;
  // Once the records are read, or reading stopped (allocate_applicants.cpp):
  // repeated ids checked, applicants interned (Record::applicant,
  // applicant_first), the 全年 totals summed in input order. The first problem
  // in input order: a repeated id, or a 全年 total beyond range. Once only.
  std::optional<AllocationError> settle();
  // Stops the batch with the first problem in input order: one settle() finds
  // among the earlier lines, else `e`.
  AllocationError stop(AllocationError e) {
    if (auto earlier = settle()) e = std::move(*earlier);
    stopped = e;
    return e;
  }
  AllocationError duplicate_error(std::size_t line, std::string_view id, std::size_t first) const;

  // Opening balances (allocate_opening.cpp).
  // One line of the opening-balances file (JSONL object or CSV record, the header first).
  std::optional<AllocationError> add_opening(std::string_view record, std::size_t line, AllocationFormat format);
  std::optional<AllocationError> read_opening(std::istream& in, AllocationFormat format);
  // One opening line's facts, checked: the balances it gives.
  // `period`, written at `period_column`: the line's 期间, if it gives one.
  std::optional<AllocationError> keep_opening(std::size_t line, std::string_view applicant,
                                              const std::vector<std::pair<int, Value>>& given,
                                              const std::vector<std::size_t>& columns,
                                              const std::optional<OpeningPeriod>& period, std::size_t period_column);
  // Before applicants' names are released: the openings of applicants in the
  // year, of the run's period — for a 期间 每年 total the calendar year of the
  // run's date (run_day()), for a stated 期间 that period.
  void resolve_openings();
  // Before a pass over the records: every running total starts from 0, or from its opening.
  void seed_openings();
  // A line that gives the 已用 fact of a running total states the applicant's
  // usage before it: the total continues from that figure (bound record).
  std::optional<AllocationError> carry_given(const Record& r, bool counts_only);
  // The key of a 按 F total: applicant, tally, group.
  static std::string group_tally_key(std::uint32_t applicant, int a, std::string_view group);

  // Deciding (allocate.cpp).
  // The record's facts as given, plus (unless given) the 全年 totals and —
  // with `rooms` — what the applicant's earlier funded applications used.
  void bind(const Record& r, bool rooms);
  // The same into the fixed-point lanes alone, for decide_compiled; false
  // when a value needs its Value (then bind()).
  bool bind_fixed(const Record& r, bool rooms);
  // The value of fact `slot` for the bound record, as text: the key of its
  // group for 限额 … 按 F. A fact not given takes its default; with none, "".
  std::string group_key(int slot);
  // The running total of tally `a` for this applicant (and, grouped, the
  // bound record's group): 分, or a count.
  std::int64_t* tally(std::uint32_t applicant, int a);
  std::int64_t tally_value(std::uint32_t applicant, int a);  // the same, without making room for it
  // Evaluates a bound record; an error names its line and id.
  std::variant<Outcome, AllocationError> evaluate(const Record& r);
  // The outcome into the record (amount, eligibility, failed requirements,
  // bound cap); an amount beyond 分 in 64 bits is an error.
  std::optional<AllocationError> record_outcome(Record& r, const Outcome& o);
  // Quotas first: among the applications of each quota (per group, with
  // 按 F) that are eligible evaluated alone (no room used by earlier ones),
  // the best scores — or, with no score, the earliest; ties go to the earlier.
  std::optional<AllocationError> decide_quotas();
  // Then amounts in application order, each with the room its applicant's
  // earlier funded applications left; a quota loser or an ineligible
  // application uses none.
  std::optional<AllocationError> decide_amounts();
  // After a record is decided: a 件数 tally counts it when it was admitted
  // (eligible, quota or not — the limit is on applications taken in, checked
  // before the ranking); a 金额 tally adds its amount when it is funded.
  std::optional<AllocationError> count_in(const Record& r, bool eligible, bool funded);
  // Before the quotas, in application order: which applications are eligible
  // evaluated alone, with the 件数 tallies (no money rooms) — the candidates of
  // each quota. The tallies are cleared again for the amounts pass.
  std::optional<AllocationError> admit(std::vector<Candidate>& candidates);
  // Quotas, amounts and pools, once (allocate.cpp).
  std::optional<AllocationError> decide_year();
  // Allocator::finish(): decide_year() unless stopped or done (allocator.cpp).
  std::optional<AllocationError> finish();
  // The year's figures, once everything is decided.
  void summarize();

  // Records are visited in input order, their applicants at random: asking
  // for an applicant's running totals (deciding) a few records ahead hides
  // most of the wait for memory.
  void prefetch_totals(std::size_t index) const;

  // Pass 2 (allocate_write.cpp).
  // One decision; JSON members and CSV columns come in the same order.
  void decision(std::size_t index, AllocationFormat format, std::string& out) const;
  void decision_json(std::size_t index, std::string& out) const;
  // The same bytes written in place at p, which has room for json_row_bound();
  // `figures`: the record's ,"figures":{…} member, or "". Returns their end.
  std::size_t json_row_bound(const Record& r, std::string_view id, std::string_view applicant,
                             std::string_view figures_json) const;
  char* put_decision_json(char* p, const Record& r, std::string_view id, std::string_view applicant,
                          std::string_view figures_json) const;
  // ,"figures":{…} of a funded record with 结果, else "" (most editions: no lookup).
  std::string figures_member(const Record& r) const;
  std::string csv_header_line() const;  // Allocator::csv_header() and the 结果.NAME columns
  std::string quota_loser_reason(const Record& r) const;
  // Why a record is not eligible, each reason's text to `reason` in order.
  template <class Reason>
  void each_reason(const Record& r, Reason reason) const {
    const auto& requirements = ed.measures[r.measure].requirements;
    for (std::size_t q = 0; q < requirements.size(); ++q)
      if (r.failed >> q & 1) reason(std::string_view(requirements[q]->reason));
    if (r.flags & kQuotaOut) reason(std::string_view(quota_loser_reason(r)));
  }
  api::AllocationDecision decision_record(std::size_t index) const;
  // Every decision, in input order (CSV after its header).
  void write(std::ostream& out, AllocationFormat format, const api::AllocationProgressFn& progress) const;
};

}  // namespace kuan
