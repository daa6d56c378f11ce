// Batch allocation (`kuan allocate`, spec "Batch-level rules", amended): one
// year's applications decided together. Everything batch-level comes from the
// Edition, never from C++: which facts are running totals or year totals
// (累计), which measures share a pool and its size (资金池), and each measure's
// quota and score fact (名额 … 按 评审得分).
//
// The allocator's files: allocate_read.cpp (pass 1), allocate.cpp (deciding),
// allocate_write.cpp (pass 2), sharing allocate_impl.hpp; the pool rule is
// pro_rata.hpp. Hosts use it through include/kuan/allocation.hpp.
//
// Memory is proportional to the number of applications, not to the input:
//   1. read()/add(): each record is parsed (by the batch's simdjson reader,
//      the precise one for a line it declines) and its facts checked (the
//      first bad line stops the batch, named by line and column); kept are a
//      48-byte record and the given facts as typed values, plus per applicant
//      the year totals of 累计 … = 全年 … facts.
//   2. finish(): quotas first (by score, among applications eligible
//      evaluated alone); then amounts in application order, each line's
//      missing 累计 facts supplied from what the applicant's earlier *funded*
//      applications received (a quota loser or an ineligible one uses no
//      room) and from the year totals; then the pools.
//   3. write(): decisions in input order, rebuilt from the records.
// Nothing is written unless every record is good — a partial year is worse
// than none.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "services/pro_rata.hpp"  // pro_rata_cents, cents_text
#include "lang/edition.hpp"

namespace kuan {

enum class BatchFormat { Jsonl, Csv };

// Input that refuses the whole batch.
struct AllocationError {
  std::size_t line = 0;    // 1-based input line; 0 when not about one line
  std::size_t column = 0;  // 1-based column (code points) on that line; 0 when unknown
  std::string field;       // "measure", "facts.合同金额", a CSV column …; may be empty
  std::string id;          // the application's id, when known
  std::string message;
  // "IN:12:5: error: …" / "IN:12: error: 字段 facts.合同金额: …"
  std::string render(std::string_view input_name) const;
};

struct MeasureTotals {
  std::string measure;
  std::uint64_t applications = 0;
  std::uint64_t eligible = 0;      // after quotas
  std::uint64_t not_selected = 0;  // eligible alone, but outside the quota
  __int128 amount_cents = 0;       // Σ amount (each evaluated alone)
  __int128 allocated_cents = 0;    // Σ allocated
};

struct PoolTotals {
  std::string pool;
  std::vector<std::string> measures;
  std::int64_t pool_cents = 0;
  std::uint64_t applications = 0;  // eligible applications of its measures
  __int128 requested_cents = 0;    // Σ amount of those
  __int128 allocated_cents = 0;    // == pool_cents when scaled
  bool scaled = false;
  std::uint64_t remainder_cents = 0;  // cents given one each by largest remainder
};

struct QuotaTotals {
  std::string measure;
  std::int64_t quota = 0;
  std::uint64_t candidates = 0;  // eligible applications ranked
  std::uint64_t funded = 0;
  std::string cutoff_score;      // the score of the last funded application; "" when none was funded
  std::string per;               // the 按 F of a grouped quota (the count is per value of F); "" when none
};

// An application whose amount a cap limited (for reports: who is nearest a cap).
struct CappedApplication {
  std::string id, applicant, measure, cap;
  std::int64_t amount_cents = 0;  // as computed, before the pool
};

struct AllocationSummary {
  std::string version;
  std::uint64_t applications = 0;
  std::vector<MeasureTotals> measures;  // edition order; only measures that occur
  std::vector<PoolTotals> pools;
  std::vector<QuotaTotals> quotas;
  std::vector<CappedApplication> capped;  // at most kMaxCapped, largest amounts first
  static constexpr std::size_t kMaxCapped = 50;
  std::vector<std::string> warnings;  // about the whole input (a CSV column that is not a fact)
};

struct AllocationProgress {
  int pass = 1;                    // 1 reading, 2 writing
  std::uint64_t bytes = 0;         // pass 1: input bytes consumed
  std::uint64_t records = 0;       // records done in this pass
  std::uint64_t total_records = 0; // pass 2: records to write
};
using ProgressFn = std::function<void(const AllocationProgress&)>;

class Allocator {
 public:
  // Null with a message when the edition cannot be allocated (rounding finer
  // than 0.01元, a pool not in whole 分, a measure with over 32 requirements).
  static std::unique_ptr<Allocator> create(const Edition& edition, BatchFormat input, std::string& error);
  ~Allocator();
  Allocator(const Allocator&) = delete;
  Allocator& operator=(const Allocator&) = delete;

  // Pass 1 over a whole input, then quotas and pools. Call once.
  std::optional<AllocationError> read(std::istream& in, const ProgressFn& progress = {});
  // The same, record by record: one JSONL line or one CSV record (the header
  // first) with its 1-based line; then finish() once. Repeated ids are found
  // all at once (when finishing, or at the first later bad record), so no
  // table of every id is kept while reading; the error is still the first
  // problem in input order.
  std::optional<AllocationError> add(std::string_view record, std::size_t line);
  std::optional<AllocationError> finish();

  std::size_t size() const;
  // Pass 2: every decision, in input order.
  void write(std::ostream& out, BatchFormat format, const ProgressFn& progress = {}) const;
  // One decision (JSON object + '\n', or CSV row + "\r\n" after csv_header()).
  void decision(std::size_t index, BatchFormat format, std::string& out) const;
  static void csv_header(std::string& out);
  const AllocationSummary& summary() const;

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
    int measure;        // index into Edition::measures
    Decimal score;      // 0 when the quota has no score fact (ranked by order)
    int quota;          // index into Edition::quotas: ranks are counted per quota …
    std::string group;  // … and per value of its 按 F ("" without one)
  };
  std::variant<std::vector<QuotaCandidate>, AllocationError> quota_candidates();
  std::optional<AllocationError> finish_part(const std::vector<std::uint32_t>& ranks);
  struct PoolShare {
    std::size_t index;    // record
    int pool;             // index into Edition::pools
    std::int64_t amount;  // 分, as evaluated with the rooms
  };
  std::vector<PoolShare> pool_shares() const;  // funded records of pooled measures
  // The year's Σ amount of the pool (分) and the records of this part that get
  // one leftover cent (largest remainders, decided over the whole year).
  void set_pool(int pool, __int128 total_cents, const std::vector<std::size_t>& extra_cent);

 private:
  struct Impl;
  explicit Allocator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct AllocateOptions {
  BatchFormat input = BatchFormat::Jsonl;
  BatchFormat output = BatchFormat::Jsonl;
  ProgressFn progress;
};

// For hosts: reads all of `in`; only when every record is good writes the
// decisions to `out` and returns the summary.
std::variant<AllocationSummary, AllocationError> allocate(const Edition& edition, std::istream& in, std::ostream& out,
                                                           const AllocateOptions& options = {});

}  // namespace kuan
