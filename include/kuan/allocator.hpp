// Kuan (款) — batch allocation's allocator and its records: hosts include
// <kuan/allocation.hpp>, which is this and kuan.hpp (for the Edition).
//
// This part stands without kuan.hpp (std-only, with kuan/common.hpp): the
// library's allocation service (services/allocate*) implements the Allocator
// and fills these records itself, so there is one set of them, not a copy
// beside the engine's. See allocation.hpp for the input and output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kuan/common.hpp"   // KUAN_API, Position
#include "kuan/records.hpp"  // Figure

namespace kuan::api {

class Edition;  // <kuan/kuan.hpp>

using AllocationFormat = BatchFormat;  // one set of formats: <kuan/common.hpp>

// Why a batch was refused (the whole batch: nothing is decided or written).
struct KUAN_API AllocationError {
  // where.line: 1-based input line, 0 when not about one line; where.column:
  // 1-based column in characters, 0 when unknown; where.file stays empty (the
  // library does not know the input's name).
  Position where;
  std::string field;    // "measure", "facts.合同金额", a CSV column …; may be empty
  std::string id;       // the application's id, when known
  std::string message;  // for people (Chinese)
  // "IN:12:5: error: 字段 facts.合同金额:…(申请 id A-7)", IN being `input_name`.
  std::string to_string(std::string_view input_name) const;
};

// The year's figures. Amounts are 元 as exact decimal text ("1234.50").
struct AllocationMeasureTotals {
  std::string measure;
  std::uint64_t applications = 0;
  std::uint64_t eligible = 0;      // after quotas: funded
  std::uint64_t not_selected = 0;  // eligible alone, but outside the quota
  std::string amount;              // Σ amount (each evaluated with its applicant's rooms)
  std::string allocated;           // Σ allocated (after the pool)
};

struct AllocationPoolTotals {
  std::string pool;
  std::vector<std::string> measures;
  std::string amount;              // the pool's size
  std::uint64_t applications = 0;  // funded applications of its measures
  std::string requested;           // Σ amount of those
  std::string allocated;           // == amount when scaled
  bool scaled = false;             // requested > amount: every amount × amount/requested
  std::string pro_rata;            // "amount/requested" when scaled, else ""
  std::uint64_t remainder_cents = 0;  // cents given one each by largest remainder
};

struct AllocationQuotaTotals {
  std::string measure;
  std::int64_t quota = 0;
  std::uint64_t candidates = 0;  // eligible applications ranked
  std::uint64_t funded = 0;
  std::string cutoff_score;      // the score of the last funded application; "" when none, or per group
  std::string per;               // the 按 F of a grouped quota (the count is per value of F); "" when none
};

// An application whose amount a cap limited (for reports: who is nearest a cap).
struct AllocationCapped {
  std::string id, applicant, measure, cap;
  std::string amount;  // as computed, before the pool
};

struct AllocationSummary {
  std::string version;  // the edition
  std::uint64_t applications = 0;
  std::uint64_t funded = 0;  // Σ eligible over the measures
  std::string amount;        // Σ amount over the measures
  std::string allocated;     // Σ allocated over the measures
  std::vector<AllocationMeasureTotals> measures;  // edition order; only measures that occur
  std::vector<AllocationPoolTotals> pools;
  std::vector<AllocationQuotaTotals> quotas;
  std::vector<AllocationCapped> capped;  // at most kMaxCapped, largest amounts first
  static constexpr std::size_t kMaxCapped = 50;
  std::vector<std::string> warnings;  // about the whole input, for people (a CSV column that is not a fact)
};

// One decision as a record: what a JSON decision says of the application's
// outcome (Allocator::decision() writes every member). Amounts in 元 as exact
// decimal text.
struct AllocationDecision {
  std::string id, applicant, measure;
  bool eligible = false;              // eligible and, under a quota or a 件数 limit, selected
  std::string amount;                 // with the applicant's rooms, before any pool
  std::string allocated;              // after the pool
  std::vector<std::string> reasons;   // why not eligible
  std::optional<std::string> bound;   // the cap that limited `amount`
  std::vector<Figure> figures;        // eligible: the measure's named results (结果), in order
};

struct AllocationProgress {
  int pass = 1;                     // 1 reading and deciding, 2 writing
  std::uint64_t bytes = 0;          // pass 1: input bytes consumed
  std::uint64_t records = 0;        // records done in this pass
  std::uint64_t total_records = 0;  // pass 2: records to write
};
using AllocationProgressFn = std::function<void(const AllocationProgress&)>;

// One year's allocation, step by step: read() (or add() … finish()), then
// write() or decision(), and summary(). Movable, not copyable; one thread at a time.
class KUAN_API Allocator {
 public:
  // Fails when the edition cannot be allocated (rounding finer than 0.01元, a
  // pool not in whole 分, a measure with over 32 requirements).
  static std::variant<Allocator, AllocationError> create(const Edition& edition,
                                                         AllocationFormat input = AllocationFormat::Jsonl);
  Allocator(Allocator&&) noexcept;
  Allocator& operator=(Allocator&&) noexcept;
  ~Allocator();

  // Pass 1 over a whole input: every record checked, then quotas, amounts and
  // pools decided. Call once. The first bad record stops it.
  std::optional<AllocationError> read(std::istream& in, const AllocationProgressFn& progress = {});
  // The same, record by record: one JSONL line or one CSV record (the header
  // first) with its 1-based line; then finish() once. A repeated id is found
  // when the year is complete (finish(), or the first later bad record):
  // whichever comes first in the input is the error returned.
  std::optional<AllocationError> add(std::string_view record, std::size_t line);
  std::optional<AllocationError> finish();

  // Opening balances (期初余额), before read() or finish(): what each applicant
  // had used before this run, per running total (累计 F = M…, or 限额 … 每 申请人
  // … 已用 F). One line an applicant: JSONL {"applicant": "E1", "facts":
  // {"本年度已申领算力券": "300万元"}}, or CSV with a header applicant,<fact>…;
  // a total kept per 按 G also needs G on the line. Each total starts from it,
  // as if earlier funded applications had used it. A line may name its period
  // ("period": "2025" for a 期间 每年 total, "2025-01-01 至 2027-12-31" for a
  // stated one; CSV: a period/期间 column): a balance of another period than
  // the run's (the year of set_as_of's day, else today; a stated 期间 itself)
  // is not used. An applicant with no application in the year is not an error
  // (the summary's warnings count them, and balances of other periods).
  // Refused, with the line and column: a fact that is not such a 已用 fact, a
  // negative or sub-分 amount, a count that is not a whole number, the same
  // balance twice in one period, a period that is no year or D1 至 D2 or not
  // of the total's kind.
  std::optional<AllocationError> read_opening(std::istream& in, AllocationFormat format = AllocationFormat::Jsonl);
  std::optional<AllocationError> add_opening(std::string_view record, std::size_t line,
                                             AllocationFormat format = AllocationFormat::Jsonl);
  // Before read() or add(): a line of the year that states the 已用 fact of a
  // running total gives the applicant's usage before it, and the total carries
  // on from that figure (plus what that and later funded applications
  // receive). Off by default, as the 2025年版's spec says: a stated figure is
  // that line's alone, and later lines add up earlier funded applications.
  void set_carry_stated(bool on) noexcept;
  // Before read() or add(): the applications' date, "YYYY-MM-DD" — which
  // measures and clauses are in force (施行) — for every line that does not
  // give its own ("as_of" in JSONL, an as_of/日期 column in CSV). Without it,
  // today in China (UTC+8), fixed when the first line is read. It does not
  // choose the edition: a year is allocated under the one it was created with.
  // Refused: a day that is no date, or a call after the first record.
  std::optional<AllocationError> set_as_of(std::string_view day);

  std::size_t size() const noexcept;  // records read
  // Pass 2: every decision in input order (CSV with its header line). False
  // when writing to `out` failed.
  bool write(std::ostream& out, AllocationFormat format, const AllocationProgressFn& progress = {}) const;
  // One decision appended to `out`: a JSON object and '\n', or a CSV row and
  // '\n' (after csv_header()). False when there is no record `index`.
  bool decision(std::size_t index, AllocationFormat format, std::string& out) const;
  // The same decision as a record; nullopt when there is no record `index`.
  std::optional<AllocationDecision> decision_record(std::size_t index) const;
  // The CSV columns every edition's decisions have (a line, with its '\n') …
  static std::string csv_header();
  // … and this edition's: csv_header() followed by a column 结果.NAME per named
  // result (结果) of its measures, first written first — what write() writes first.
  std::string edition_csv_header() const;
  // After read() or finish(); empty before.
  const AllocationSummary& summary() const noexcept;

  // Parts of a year (kuan.dask): a part holds every application of its
  // applicants, add()ed in application order; what only the whole year knows
  // (quota ranks, pool totals, who gets a leftover cent) is decided outside,
  // by the same rules, and imposed — then decision() gives exactly the lines
  // one Allocator over the whole year gives. Instead of finish():
  //   1. quota_candidates(): the part's applications that compete for a
  //      quota (eligible evaluated alone) with their scores;
  //   2. finish_part(ranks): the year's rank of each record (0: none), then
  //      amounts in application order with the applicant's rooms;
  //   3. pool_shares(), then set_pool() for every pool with the year's total.
  struct QuotaCandidate {
    std::size_t index;  // record, in add() order
    std::string quota;  // the quota's name: ranks are counted per quota …
    std::string group;  // … and per value of its 按 F ("" without one)
    std::string score;  // exact decimal; "0" when the quota has no score fact (ranked by order)
  };
  std::variant<std::vector<QuotaCandidate>, AllocationError> quota_candidates();
  std::optional<AllocationError> finish_part(const std::vector<std::uint32_t>& ranks);
  struct PoolShare {
    std::size_t index;         // record
    int pool;                  // index into pools()
    std::int64_t amount_fen;   // 分, as evaluated with the rooms
  };
  std::vector<PoolShare> pool_shares() const;  // funded records of pooled measures
  // The edition's pools: (name, size in 分).
  std::vector<std::pair<std::string, std::int64_t>> pools() const;
  // The year's Σ amount of the pool (分) and the records of this part that
  // get one leftover cent (largest remainders, decided over the whole year).
  // False when there is no such pool or record.
  bool set_pool(int pool, std::int64_t total_fen, const std::vector<std::size_t>& extra_cent);

  // The library's state (services/allocate_impl.hpp): made by create(); an
  // Allocator without one (moved from) answers every call with an error or nothing.
  struct Data;
  explicit Allocator(std::unique_ptr<Data> d);

 private:
  std::unique_ptr<Data> d_;
};

// The rules that only the whole year decides, as one Allocator applies them —
// for hosts that split a year into parts (kuan.dask) and decide these outside.
//
// Quota ranks: per quota and group, the best score first, ties to the earlier
// application (smaller `order`). Returns each candidate's 1-based rank within
// its quota and group, in the candidates' order; an error when a score is not
// exact decimal text.
struct QuotaRankCandidate {
  std::string_view quota;  // the quota's name (QuotaCandidate::quota)
  std::string_view group;  // its 按 F value, or ""
  std::string_view score;  // exact decimal text; "0" when the quota has no score fact
  std::uint64_t order;     // the application's place in the year
};
KUAN_API std::variant<std::vector<std::uint32_t>, AllocationError> rank_quota_candidates(
    const std::vector<QuotaRankCandidate>& candidates);

// Leftover cents of a scaled pool: after every amount × pool ÷ Σ is floored to
// the 分, the `cents` left go one each to the largest remainders, ties to the
// earlier application (smaller `order`). Reorders `candidates` so that the
// first `cents` of them are those that get one, the last of those (the
// smallest remainder that still gets a cent) at cents − 1. False, unchanged,
// when cents > candidates.size().
struct LeftoverCentCandidate {
  std::uint64_t remainder;  // (amount × pool) mod Σ, > 0
  std::uint64_t order;      // the application's place in the year
};
KUAN_API bool give_leftover_cents(std::vector<LeftoverCentCandidate>& candidates, std::size_t cents);

// The applicant and id of one JSONL record as Allocator::add() reads them;
// both empty when the line is not an application (add() reports why). For
// hosts that split a year themselves: all of an applicant's records go to one part.
struct ApplicationKey {
  std::string applicant;
  std::string id;
};
KUAN_API ApplicationKey application_key(std::string_view jsonl_record);

struct AllocateOptions {
  AllocationFormat input = AllocationFormat::Jsonl;
  AllocationFormat output = AllocationFormat::Jsonl;
  AllocationProgressFn progress;
  std::string as_of;  // "YYYY-MM-DD": Allocator::set_as_of; empty: today in China (UTC+8)
};

// Reads all of `in`; only when every record is good writes the decisions to
// `out` and returns the summary.
KUAN_API std::variant<AllocationSummary, AllocationError> allocate(const Edition& edition, std::istream& in,
                                                                    std::ostream& out, const AllocateOptions& options = {});

}  // namespace kuan::api
