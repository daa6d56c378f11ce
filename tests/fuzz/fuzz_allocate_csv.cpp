// A CSV allocation input (header + records) → `kuan allocate` on the shipped
// 2025年版: read, quotas and pools, then every decision written as CSV and JSONL.
#include <cstdint>
#include <variant>
#include <sstream>
#include <string>

#include "services/allocate.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kuan;
  const Edition& ed = fuzz::shipped_edition();
  auto made = make_allocator(ed, AllocationFormat::Csv);
  if (auto* e = std::get_if<AllocationError>(&made)) fuzz::fail("setup", e->message);
  auto& allocator = std::get<Allocator>(made);
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  if (auto bad = allocator.read(in)) {
    if (bad->where.line == 0 && bad->message.empty()) fuzz::fail("csv-error", "an error without a message");
    (void)bad->to_string("in.csv");
    return 0;
  }
  std::ostringstream csv, jsonl;
  allocator.write(csv, AllocationFormat::Csv);
  allocator.write(jsonl, AllocationFormat::Jsonl);
  if (!fuzz::known("invalid-utf8-output") && (!fuzz::valid_utf8(csv.str()) || !fuzz::valid_utf8(jsonl.str())))
    fuzz::fail("invalid-utf8-output", csv.str());
  // Money conservation: a pool pays out exactly its size when it is exceeded,
  // and nothing is ever allocated below zero or above what was asked.
  const AllocationSummary& s = allocator.summary();
  auto money = [](const std::string& text) { return Decimal::parse(text).value_or(Decimal::from_scaled(-1, 0)); };
  for (const auto& p : s.pools) {
    if (p.scaled && p.allocated != p.amount) fuzz::fail("pool-total", p.pool);
    if (!p.scaled && p.allocated != p.requested) fuzz::fail("pool-total", p.pool);
  }
  for (const auto& m : s.measures) {
    if (money(m.allocated) < Decimal() && !fuzz::known("negative-amount")) fuzz::fail("negative-amount", m.measure);
    if (money(m.allocated) > money(m.amount)) fuzz::fail("allocated-over-amount", m.measure);
  }
  for (const auto& q : s.quotas)
    if (q.funded > q.candidates || static_cast<std::int64_t>(q.funded) > q.quota) fuzz::fail("quota", q.measure);
  return 0;
}
