// A CSV allocation input (header + records) → `kuan allocate` on the shipped
// 2025年版: read, quotas and pools, then every decision written as CSV and JSONL.
#include <cstdint>
#include <sstream>
#include <string>

#include "services/allocate.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kuan;
  const Edition& ed = fuzz::shipped_edition();
  std::string error;
  auto allocator = Allocator::create(ed, BatchFormat::Csv, error);
  if (!allocator) fuzz::fail("setup", error);
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  if (auto bad = allocator->read(in)) {
    if (bad->line == 0 && bad->message.empty()) fuzz::fail("csv-error", "an error without a message");
    (void)bad->render("in.csv");
    return 0;
  }
  std::ostringstream csv, jsonl;
  allocator->write(csv, BatchFormat::Csv);
  allocator->write(jsonl, BatchFormat::Jsonl);
  if (!fuzz::known("invalid-utf8-output") && (!fuzz::valid_utf8(csv.str()) || !fuzz::valid_utf8(jsonl.str())))
    fuzz::fail("invalid-utf8-output", csv.str());
  // Money conservation: a pool pays out exactly its size when it is exceeded,
  // and nothing is ever allocated below zero or above what was asked.
  const AllocationSummary& s = allocator->summary();
  for (const auto& p : s.pools) {
    if (p.scaled && p.allocated_cents != p.pool_cents) fuzz::fail("pool-total", p.pool);
    if (!p.scaled && p.allocated_cents != p.requested_cents) fuzz::fail("pool-total", p.pool);
  }
  for (const auto& m : s.measures) {
    if (m.allocated_cents < 0 && !fuzz::known("negative-amount")) fuzz::fail("negative-amount", m.measure);
    if (m.allocated_cents > m.amount_cents) fuzz::fail("allocated-over-amount", m.measure);
  }
  for (const auto& q : s.quotas)
    if (q.funded > q.candidates || static_cast<std::int64_t>(q.funded) > q.quota) fuzz::fail("quota", q.measure);
  return 0;
}
