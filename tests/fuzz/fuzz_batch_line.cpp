// One JSONL batch line, as `kuan eval --batch` and `kuan allocate` read it:
// parsed, bound and evaluated against the shipped 2025年版, and also added to an
// allocation (JSONL) whose decision is written.
#include <cstdint>
#include <string>
#include <string_view>

#include "services/allocate.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kuan;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const Edition& ed = fuzz::shipped_edition();
  auto parsed = json::parse_application(line);
  if (auto* e = std::get_if<json::InputError>(&parsed)) {
    if (e->line == 0 || e->column == 0) fuzz::fail("json-position", e->message);
  } else {
    const auto& app = std::get<json::Application>(parsed);
    if (const MeasureInfo* m = ed.find_measure(app.measure)) {
      auto bound = bind_facts(ed, app.facts);
      if (auto* facts = std::get_if<FactValues>(&bound)) fuzz::evaluate_checked(ed, *m, *facts, app.has_id ? &app.id : nullptr);
    }
  }
  auto made = make_allocator(ed, AllocationFormat::Jsonl);
  if (auto* e = std::get_if<AllocationError>(&made)) fuzz::fail("setup", e->message);
  auto& allocator = std::get<Allocator>(made);
  auto bad = allocator.add(line, 1);
  if (!bad) bad = allocator.finish();
  if (bad) {
    (void)bad->to_string("in.jsonl");
    return 0;
  }
  std::string out;
  for (std::size_t i = 0; i < allocator.size(); ++i) {
    allocator.decision(i, AllocationFormat::Jsonl, out);
    allocator.decision(i, AllocationFormat::Csv, out);
  }
  if (!fuzz::valid_utf8(out) && !fuzz::known("invalid-utf8-output")) fuzz::fail("invalid-utf8-output", out);
  return 0;
}
