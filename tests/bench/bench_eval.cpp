// In-process cost of evaluating one measure against a loaded policy.
// Run: build/tools/bench/kuan_bench  (see README, "Performance")
#include <benchmark/benchmark.h>

#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/policy.hpp"

namespace {

struct Fixture {
  std::shared_ptr<const kuan::Policy> policy;
  const kuan::Edition* edition = nullptr;

  Fixture() {
    std::vector<kuan::Diagnostic> diagnostics;
    policy = kuan::Policy::load(KUAN_SOURCE_DIR "/policies/hangzhou-ai", diagnostics);
    if (!policy) throw std::runtime_error("policy failed to load");
    std::string error;
    edition = policy->edition("2025年版", error);
  }

  kuan::FactValues facts(const char* json) const {
    auto parsed = kuan::json::parse_facts(json);
    auto bound = kuan::bind_facts(*edition, std::get<kuan::json::FactsObject>(parsed).fields);
    return std::get<kuan::FactValues>(bound);
  }
};

const Fixture& fixture() {
  static const Fixture f;  // benchmark-local; the library itself has no globals
  return f;
}

// A typical application: SME check, tier by enumeration, stacking with a
// 智能券 on the same contract, and the annual room.
constexpr const char* kApplication =
    R"({"合同金额": "1234567.89", "采购类型": "算力服务", "算力设施档位": "一档", "中小企业": true,
        "年度智算合同累计金额": 3000000, "本年度已申领算力券": 2500000,
        "同一合同智能券金额": 100000, "智能券档位": "一档"})";

void BM_SuanliquanEvaluate(benchmark::State& state) {
  const auto& f = fixture();
  const auto* measure = f.edition->find_measure("算力券");
  const kuan::FactValues facts = f.facts(kApplication);
  for (auto _ : state) {
    auto r = kuan::evaluate_measure(*f.edition, *measure, facts);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_SuanliquanEvaluate);

void BM_SuanliquanEvaluateExplained(benchmark::State& state) {
  const auto& f = fixture();
  const auto* measure = f.edition->find_measure("算力券");
  const kuan::FactValues facts = f.facts(kApplication);
  for (auto _ : state) {
    kuan::Trace trace;
    auto r = kuan::evaluate_measure(*f.edition, *measure, facts, &trace);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(trace);
  }
}
BENCHMARK(BM_SuanliquanEvaluateExplained);

// The same two through the reference tree-walker alone (the compiled form's
// baseline in the same run).
void BM_SuanliquanEvaluateReference(benchmark::State& state) {
  const auto& f = fixture();
  const auto* measure = f.edition->find_measure("算力券");
  const kuan::FactValues facts = f.facts(kApplication);
  for (auto _ : state) {
    auto r = kuan::evaluate_measure_reference(*f.edition, *measure, facts);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_SuanliquanEvaluateReference);

void BM_SuanliquanEvaluateExplainedReference(benchmark::State& state) {
  const auto& f = fixture();
  const auto* measure = f.edition->find_measure("算力券");
  const kuan::FactValues facts = f.facts(kApplication);
  for (auto _ : state) {
    kuan::Trace trace;
    auto r = kuan::evaluate_measure_reference(*f.edition, *measure, facts, &trace);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(trace);
  }
}
BENCHMARK(BM_SuanliquanEvaluateExplainedReference);

// Facts arriving as JSON text: parse, bind and evaluate (what one batch line costs,
// without the output).
void BM_SuanliquanFromJson(benchmark::State& state) {
  const auto& f = fixture();
  const auto* measure = f.edition->find_measure("算力券");
  for (auto _ : state) {
    auto parsed = kuan::json::parse_facts(kApplication);
    auto bound = kuan::bind_facts(*f.edition, std::get<kuan::json::FactsObject>(parsed).fields);
    auto r = kuan::evaluate_measure(*f.edition, *measure, std::get<kuan::FactValues>(bound));
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_SuanliquanFromJson);

}  // namespace

BENCHMARK_MAIN();
