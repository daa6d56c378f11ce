// Cost of loading a policy: parse + check + build the edition (the target:
// the 22 rule files of 2025年版 in ≤ 5 ms). The files are read once, outside the
// timed loop, so the figure is the interpreter's, not the disk's.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "interpreter/policy.hpp"
#include "lang/checker.hpp"
#include "lang/parser.hpp"

namespace {

std::vector<kuan::SourcePtr> edition_sources(const char* edition) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(KUAN_SOURCE_DIR "/policies/hangzhou-ai") / edition))
    if (e.path().extension() == ".kuan") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<kuan::SourcePtr> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out.push_back(std::make_shared<kuan::SourceFile>(f.string(), ss.str()));
  }
  return out;
}

// Parse, check and build (parameters, pools, quotas): what a host pays once.
void BM_LoadEdition2025(benchmark::State& state) {
  const auto sources = edition_sources("2025年版");
  for (auto _ : state) {
    std::vector<kuan::Diagnostic> diagnostics;
    auto ed = kuan::build_edition(sources, diagnostics);
    if (!ed) state.SkipWithError("2025年版 failed to build");
    benchmark::DoNotOptimize(ed);
  }
  state.counters["files"] = static_cast<double>(sources.size());
}
BENCHMARK(BM_LoadEdition2025)->Unit(benchmark::kMillisecond);

// The parse alone (text → typed AST), to tell it from checking.
void BM_ParseEdition2025(benchmark::State& state) {
  const auto sources = edition_sources("2025年版");
  for (auto _ : state)
    for (const auto& s : sources) {
      auto parsed = kuan::parse_module(s);
      if (!parsed.module) state.SkipWithError("parse failed");
      benchmark::DoNotOptimize(parsed);
    }
}
BENCHMARK(BM_ParseEdition2025)->Unit(benchmark::kMillisecond);

// The whole policy folder from disk, as `kuan` loads it (both editions; the
// 2026年版 is written as changes to the 2025年版, whose parsed files it shares).
void BM_LoadPolicyFolder(benchmark::State& state) {
  for (auto _ : state) {
    std::vector<kuan::Diagnostic> diagnostics;
    auto policy = kuan::Policy::load(KUAN_SOURCE_DIR "/policies/hangzhou-ai", diagnostics);
    if (!policy) state.SkipWithError("policy failed to load");
    benchmark::DoNotOptimize(policy);
  }
}
BENCHMARK(BM_LoadPolicyFolder)->Unit(benchmark::kMillisecond);

}  // namespace
