// Rule source → parse + check (+ diagnostics rendered) → every measure of every
// edition evaluated with four sets of facts, and every 例 run.
#include <cstdint>
#include <string>
#include <vector>

#include "interpreter/policy.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kuan;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // A NUL byte under a caret throws std::length_error (a known crash class); while
  // that is known, NUL bytes would stop every run at once.
  if (fuzz::known("nul-in-source") && text.find('\0') != std::string::npos) return 0;
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::from_text("fuzz.kuan", text, diagnostics);
  for (const auto& d : diagnostics) {
    // One form for every diagnostic: "file:line:col: error: …" when positioned.
    if (d.span.valid() && d.rendered.rfind("fuzz.kuan:", 0) != 0) fuzz::fail("diagnostic-form", d.rendered);
    if (d.span.valid() && (d.line == 0 || d.column == 0)) fuzz::fail("diagnostic-form", d.rendered);
  }
  if (!policy) return 0;
  for (const auto& ed : policy->editions()) {
    for (int variant = 0; variant < 4; ++variant) {
      const FactValues facts = fuzz::sample_facts(*ed, variant);
      for (const auto& m : ed->measures) fuzz::evaluate_checked(*ed, m, facts);
    }
    fuzz::run_examples(*ed);
  }
  return 0;
}
