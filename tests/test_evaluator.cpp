// The (一) measures of the shipped 2025年版 evaluated against hand-computed
// amounts. Every expectation below is worked out from
// the binding reading of the policy's text, step by step, so a
// failure here means the rules or the evaluator disagree with the spec, not
// with some earlier output of the program.
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/policy.hpp"

using namespace kuan;

namespace {

// Loaded once: every test evaluates against the same read-only edition, as a
// host program would.
const Edition& edition() {
  static std::shared_ptr<const Policy> policy = [] {
    std::vector<Diagnostic> diags;
    auto p = Policy::load(KUAN_SOURCE_DIR "/policies/hangzhou-ai", diags);
    if (!p) {
      std::string all;
      for (const auto& d : diags) all += d.rendered;
      throw std::runtime_error("policies/hangzhou-ai does not load:\n" + all);
    }
    return p;
  }();
  std::string err;
  const Edition* ed = policy->edition("2025年版", err);
  if (!ed) throw std::runtime_error("no 2025年版: " + err);
  return *ed;
}

Decimal D(const std::string& s) {
  auto d = Decimal::parse(s);
  if (!d) throw std::runtime_error("test literal does not parse: " + s);
  return *d;
}

// Facts as an applicant would write them: a JSON document through the same
// parser and binder the CLI uses.
FactValues facts(const std::string& json_text) {
  auto parsed = json::parse_facts(json_text);
  if (auto* e = std::get_if<json::InputError>(&parsed)) FAIL("bad test JSON: " << e->message << " in " << json_text);
  auto bound = bind_facts(edition(), std::get<json::FactsObject>(parsed).fields);
  if (auto* msg = std::get_if<std::string>(&bound)) FAIL("bind_facts: " << *msg << " in " << json_text);
  return std::get<FactValues>(std::move(bound));
}

const MeasureInfo& measure(const std::string& name) {
  const MeasureInfo* m = edition().find_measure(name);
  if (!m) throw std::runtime_error("no measure " + name);
  return *m;
}

// Evaluates twice, with and without a trace, and checks that asking for an
// explanation never changes the result.
Outcome eval(const std::string& measure_name, const std::string& json_text, Trace* trace_out = nullptr) {
  const FactValues f = facts(json_text);
  const MeasureInfo& m = measure(measure_name);
  auto plain = evaluate_measure(edition(), m, f);
  if (auto* e = std::get_if<EvalError>(&plain)) FAIL("EvalError: " << e->message << " for " << json_text);
  Trace trace;
  auto traced = evaluate_measure(edition(), m, f, &trace);
  REQUIRE(std::holds_alternative<Outcome>(traced));
  const Outcome& a = std::get<Outcome>(plain);
  const Outcome& b = std::get<Outcome>(traced);
  CHECK(a.measure == b.measure);
  CHECK(a.eligible == b.eligible);
  CHECK(a.amount.to_string() == b.amount.to_string());
  CHECK(a.failed == b.failed);
  CHECK(a.bound == b.bound);
  if (trace_out) *trace_out = std::move(trace);
  return a;
}

std::string bound_name(const Outcome& o) { return o.bound ? o.bound->name : std::string("null"); }

std::vector<std::string> reasons(const Outcome& o) {
  std::vector<std::string> out;
  for (const auto* r : o.failed) out.push_back(r->reason);
  return out;
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// eligible, amount text and bound in one line so a failure shows all three.
std::string summary(const Outcome& o) {
  return std::string(o.eligible ? "eligible " : "not-eligible ") + o.amount.to_string() + " " + bound_name(o);
}

std::string eval_error(const std::string& measure_name, const std::string& json_text) {
  auto r = evaluate_measure(edition(), measure(measure_name), facts(json_text));
  REQUIRE(std::holds_alternative<EvalError>(r));
  return std::get<EvalError>(r).message;
}

}  // namespace

// ---------------------------------------------------------------- 算力券 step 1

TEST_CASE("算力券 step 1: no-review match already taken → not eligible", "[evaluator]") {
  auto o = eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                              "已申请免审配套": true})");
  CHECK(summary(o) == "not-eligible 0.00 null");
  REQUIRE(o.failed.size() == 1);
  CHECK(contains(o.failed[0]->reason, "免审配套"));
  // The default (false) does not block.
  CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档"})")) ==
        "eligible 300000.00 null");
}

TEST_CASE("算力券 steps 1 and 2 both failing give both reasons", "[evaluator]") {
  auto o = eval("算力券", R"({"合同金额": "100万元", "采购类型": "模型服务", "已申请免审配套": true})");
  CHECK(summary(o) == "not-eligible 0.00 null");
  auto r = reasons(o);
  REQUIRE(r.size() == 2);
  CHECK(contains(r[0], "免审配套"));
  CHECK(contains(r[1], "备案"));
}

// ---------------------------------------------------------------- step 2

TEST_CASE("算力券 step 2: 模型服务 needs a filed model", "[evaluator]") {
  SECTION("not filed (default false) → not eligible") {
    auto o = eval("算力券", R"({"合同金额": "100万元", "采购类型": "模型服务"})");
    CHECK(summary(o) == "not-eligible 0.00 null");
    REQUIRE(o.failed.size() == 1);
    CHECK(contains(o.failed[0]->reason, "备案"));
  }
  SECTION("explicitly not filed") {
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "模型服务", "模型已备案": false})")) ==
          "not-eligible 0.00 null");
  }
  SECTION("filed → 30%: 100万 × 30% = 30万") {
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "模型服务", "模型已备案": true})")) ==
          "eligible 300000.00 null");
  }
  SECTION("算力服务 does not need a filed model") {
    CHECK(summary(eval("算力券", R"({"合同金额": 1000000, "采购类型": "算力服务", "算力设施档位": "二档",
                                      "模型已备案": false})")) == "eligible 200000.00 null");
  }
}

// ---------------------------------------------------------------- step 3

TEST_CASE("算力券 step 3: rates by purchase type and tier", "[evaluator]") {
  // 合同金额 1234567.89 keeps every product exact to the cent and distinct.
  CHECK(eval("算力券", R"({"合同金额": 1234567.89, "采购类型": "模型服务", "模型已备案": true})").amount.to_string() ==
        "370370.37");  // × 30% = 370370.367 → .37
  CHECK(eval("算力券", R"({"合同金额": 1234567.89, "采购类型": "算力服务", "算力设施档位": "一档"})")
            .amount.to_string() == "370370.37");
  CHECK(eval("算力券", R"({"合同金额": 1234567.89, "采购类型": "算力服务", "算力设施档位": "二档"})")
            .amount.to_string() == "246913.58");  // × 20% = 246913.578
  // The tier only matters for 算力服务: a 模型服务 application naming 二档 still gets 30%.
  CHECK(eval("算力券", R"({"合同金额": 1000000, "采购类型": "模型服务", "模型已备案": true, "算力设施档位": "二档"})")
            .amount.to_string() == "300000.00");
}

TEST_CASE("算力券: 算力服务 without 算力设施档位 is an error naming the fact", "[evaluator]") {
  auto msg = eval_error("算力券", R"({"合同金额": 1000000, "采购类型": "算力服务"})");
  CHECK(contains(msg, "算力设施档位"));
  // Not needed for 模型服务.
  CHECK(summary(eval("算力券", R"({"合同金额": 1000000, "采购类型": "模型服务", "模型已备案": true})")) ==
        "eligible 300000.00 null");
  // Required whenever the purchase is 算力服务, even if a condition fails first:
  // a missing required fact is bad input, whatever the verdict would be.
  CHECK(contains(eval_error("算力券", R"({"合同金额": 1000000, "采购类型": "算力服务", "已申请免审配套": true})"),
                 "算力设施档位"));
}

// The spec makes 算力设施档位 "required when 采购类型 is 算力服务", and a missing
// required fact is bad input (exit 2) — even when the SME rate means the tier is
// never read (the rule says `需要 算力设施档位 当 采购类型 = 算力服务`).
TEST_CASE("算力券: 算力服务 without 算力设施档位 is bad input even at the SME rate", "[evaluator]") {
  const FactValues f = facts(R"({"合同金额": "40万元", "采购类型": "算力服务", "中小企业": true})");
  const bool flagged = !missing_required_facts(edition(), measure("算力券"), f).empty() ||
                       std::holds_alternative<EvalError>(evaluate_measure(edition(), measure("算力券"), f));
  CHECK(flagged);
}

// ---------------------------------------------------------------- step 4

TEST_CASE("算力券 step 4: SME threshold 50万元 (含)", "[evaluator]") {
  const std::string base = R"("合同金额": "40万元", "采购类型": "算力服务", "算力设施档位": "二档")";
  SECTION("cumulative exactly 50万 → 50%: 40万 × 50% = 20万") {
    CHECK(summary(eval("算力券", "{" + base + R"(, "中小企业": true, "年度智算合同累计金额": 500000})")) ==
          "eligible 200000.00 null");
  }
  SECTION("cumulative 500000.01 → tier rate 20%: 8万") {
    CHECK(summary(eval("算力券", "{" + base + R"(, "中小企业": true, "年度智算合同累计金额": 500000.01})")) ==
          "eligible 80000.00 null");
  }
  SECTION("cumulative 499999.99 → 50%") {
    CHECK(summary(eval("算力券", "{" + base + R"(, "中小企业": true, "年度智算合同累计金额": "499999.99"})")) ==
          "eligible 200000.00 null");
  }
  SECTION("not an SME → tier rate even below the threshold") {
    CHECK(summary(eval("算力券", "{" + base + R"(, "中小企业": false, "年度智算合同累计金额": 300000})")) ==
          "eligible 80000.00 null");
    CHECK(summary(eval("算力券", "{" + base + R"(, "年度智算合同累计金额": 300000})")) == "eligible 80000.00 null");
  }
  SECTION("cumulative defaults to 合同金额: 50万 → 50%, 500000.01 → 20%") {
    CHECK(summary(eval("算力券", R"({"合同金额": "50万元", "采购类型": "算力服务", "算力设施档位": "二档",
                                      "中小企业": true})")) == "eligible 250000.00 null");
    // 500000.01 × 20% = 100000.002 → 100000.00
    CHECK(summary(eval("算力券", R"({"合同金额": 500000.01, "采购类型": "算力服务", "算力设施档位": "二档",
                                      "中小企业": true})")) == "eligible 100000.00 null");
  }
  SECTION("the cumulative figure, not this contract, decides") {
    // 合同 60万 but cumulative 40万 → 50%: 30万.
    CHECK(summary(eval("算力券", R"({"合同金额": "60万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "中小企业": true, "年度智算合同累计金额": "40万元"})")) ==
          "eligible 300000.00 null");
  }
  SECTION("SME rate also replaces the 模型服务 rate, but only once filed") {
    CHECK(summary(eval("算力券", R"({"合同金额": "30万元", "采购类型": "模型服务", "模型已备案": true,
                                      "中小企业": true})")) == "eligible 150000.00 null");
    CHECK(summary(eval("算力券", R"({"合同金额": "30万元", "采购类型": "模型服务", "中小企业": true})")) ==
          "not-eligible 0.00 null");
  }
}

// ---------------------------------------------------------------- step 5

TEST_CASE("算力券 step 5: stacking with a 智能券 on the same contract", "[evaluator]") {
  SECTION("一档 60%: room binding") {
    // 100万 × 30% = 30万; room = 100万 × 60% − 40万 = 20万.
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "同一合同智能券金额": "40万元", "智能券档位": "一档"})")) ==
          "eligible 200000.00 智能券叠加上限");
  }
  SECTION("二档 30%: room binding") {
    // 100万 × 30% = 30万; room = 100万 × 30% − 10万 = 20万.
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "同一合同智能券金额": "10万元", "智能券档位": "二档"})")) ==
          "eligible 200000.00 智能券叠加上限");
  }
  SECTION("room not binding") {
    // 100万 × 20% = 20万; room = 60万 − 10万 = 50万.
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "二档",
                                      "同一合同智能券金额": "10万元", "智能券档位": "一档"})")) ==
          "eligible 200000.00 null");
  }
  SECTION("room exactly equal to the computed amount does not count as binding") {
    // 30万 vs room 60万 − 30万 = 30万: language.md step 3 lowers only "if the room is smaller".
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "同一合同智能券金额": "30万元", "智能券档位": "一档"})")) ==
          "eligible 300000.00 null");
  }
  SECTION("room exhausted → eligible, 0.00, bound set") {
    // room = max(0, 60万 − 70万) = 0.
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "同一合同智能券金额": "70万元", "智能券档位": "一档"})")) ==
          "eligible 0.00 智能券叠加上限");
    // exactly used up: 二档 30万 − 30万.
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "二档",
                                      "同一合同智能券金额": "30万元", "智能券档位": "二档"})")) ==
          "eligible 0.00 智能券叠加上限");
  }
  SECTION("智能券金额 0 → stacking cap not applied, even with a tier given") {
    // SME 40万 × 50% = 20万; had 二档 applied, the room would be 12万.
    CHECK(summary(eval("算力券", R"({"合同金额": "40万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "中小企业": true, "同一合同智能券金额": 0, "智能券档位": "二档"})")) ==
          "eligible 200000.00 null");
    // ... and no tier is needed then.
    CHECK(summary(eval("算力券", R"({"合同金额": "40万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "中小企业": true, "同一合同智能券金额": "0.00"})")) ==
          "eligible 200000.00 null");
  }
  SECTION("智能券金额 > 0 without 智能券档位 is an error naming the fact") {
    CHECK(contains(eval_error("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                            "同一合同智能券金额": "1万元"})"),
                   "智能券档位"));
  }
  SECTION("stack room with cents") {
    // 123456.78 × 30% = 37037.034; room = 123456.78 × 60% − 50000.01 = 74074.068 − 50000.01 = 24074.058
    CHECK(summary(eval("算力券", R"({"合同金额": 123456.78, "采购类型": "算力服务", "算力设施档位": "一档",
                                      "同一合同智能券金额": 50000.01, "智能券档位": "一档"})")) ==
          "eligible 24074.06 智能券叠加上限");
  }
}

// ---------------------------------------------------------------- step 6

TEST_CASE("算力券 step 6: annual cap 800万元", "[evaluator]") {
  SECTION("cap binds on a large contract: 3000万 × 30% = 900万 → 800万") {
    CHECK(summary(eval("算力券", R"({"合同金额": "3000万元", "采购类型": "模型服务", "模型已备案": true})")) ==
          "eligible 8000000.00 算力券年度余额");
  }
  SECTION("exactly at the cap is not binding") {
    // 2666.6667万 would not be exact; 4000万 × 20% = 800万 exactly.
    CHECK(summary(eval("算力券", R"({"合同金额": "4000万元", "采购类型": "算力服务", "算力设施档位": "二档"})")) ==
          "eligible 8000000.00 null");
  }
  SECTION("year room near the cap") {
    // min(300万, 800万 − 700万) = 100万.
    CHECK(summary(eval("算力券", R"({"合同金额": "1000万元", "采购类型": "模型服务", "模型已备案": true,
                                      "本年度已申领算力券": "700万元"})")) == "eligible 1000000.00 算力券年度余额");
    // one cent left.
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "本年度已申领算力券": 7999999.99})")) == "eligible 0.01 算力券年度余额");
  }
  SECTION("room exhausted or overdrawn → eligible, 0.00, bound") {
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "本年度已申领算力券": "800万元"})")) == "eligible 0.00 算力券年度余额");
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "本年度已申领算力券": "900万元"})")) == "eligible 0.00 算力券年度余额");
  }
  SECTION("生成式多模态基础大模型企业 with an approved cap above 800万 → raised") {
    // 5000万 × 30% = 1500万 → min(1500万, 1200万).
    CHECK(summary(eval("算力券", R"({"合同金额": "5000万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "生成式多模态基础大模型企业": true, "核定年度上限": "1200万元"})")) ==
          "eligible 12000000.00 算力券年度余额");
    // with 1000万 already claimed: room 200万.
    CHECK(summary(eval("算力券", R"({"合同金额": "1000万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "生成式多模态基础大模型企业": true, "核定年度上限": "1200万元",
                                      "本年度已申领算力券": "1000万元"})")) == "eligible 2000000.00 算力券年度余额");
  }
  SECTION("approved cap below 800万 never lowers it") {
    CHECK(summary(eval("算力券", R"({"合同金额": "5000万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "生成式多模态基础大模型企业": true, "核定年度上限": "500万元"})")) ==
          "eligible 8000000.00 算力券年度余额");
  }
  SECTION("approved cap without the 生成式 status is ignored") {
    CHECK(summary(eval("算力券", R"({"合同金额": "5000万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "核定年度上限": "1200万元"})")) == "eligible 8000000.00 算力券年度余额");
    CHECK(summary(eval("算力券", R"({"合同金额": "5000万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "生成式多模态基础大模型企业": false, "核定年度上限": "1200万元"})")) ==
          "eligible 8000000.00 算力券年度余额");
  }
  SECTION("生成式 status without an approved cap → 800万") {
    CHECK(summary(eval("算力券", R"({"合同金额": "5000万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "生成式多模态基础大模型企业": true})")) == "eligible 8000000.00 算力券年度余额");
    // null means absent for an optional fact.
    CHECK(summary(eval("算力券", R"({"合同金额": "5000万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "生成式多模态基础大模型企业": true, "核定年度上限": null})")) ==
          "eligible 8000000.00 算力券年度余额");
  }
}

// ---------------------------------------------------------------- step 7

TEST_CASE("算力券 step 7: the least of rate × base, stack room and year room", "[evaluator]") {
  SECTION("year room smaller than stack room → year room reported") {
    // 30万; stack room 60万 − 40万 = 20万; year room 800万 − 790万 = 10万.
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "同一合同智能券金额": "40万元", "智能券档位": "一档",
                                      "本年度已申领算力券": "790万元"})")) == "eligible 100000.00 算力券年度余额");
  }
  SECTION("stack room smaller than year room → stack room reported") {
    // 30万; stack room 20万; year room 50万.
    CHECK(summary(eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "同一合同智能券金额": "40万元", "智能券档位": "一档",
                                      "本年度已申领算力券": "750万元"})")) == "eligible 200000.00 智能券叠加上限");
  }
  SECTION("rate × base smallest → no bound") {
    CHECK(summary(eval("算力券", R"({"合同金额": "10万元", "采购类型": "算力服务", "算力设施档位": "二档",
                                      "同一合同智能券金额": "1万元", "智能券档位": "一档",
                                      "本年度已申领算力券": "790万元"})")) == "eligible 20000.00 null");
  }
  SECTION("a zero contract is eligible for 0.00 with no bound") {
    CHECK(summary(eval("算力券", R"({"合同金额": 0, "采购类型": "算力服务", "算力设施档位": "一档"})")) ==
          "eligible 0.00 null");
  }
  SECTION("20亿 contract: exact, capped") {
    CHECK(summary(eval("算力券", R"({"合同金额": "20亿元", "采购类型": "算力服务", "算力设施档位": "一档",
                                      "生成式多模态基础大模型企业": true, "核定年度上限": "7亿元"})")) ==
          "eligible 600000000.00 null");
  }
}

TEST_CASE("rounding: half-up to 0.01 once, on the final amount", "[evaluator]") {
  // 123456.785 × 20% = 24691.357 → 24691.36
  CHECK(eval("算力券", R"({"合同金额": 123456.785, "采购类型": "算力服务", "算力设施档位": "二档"})")
            .amount.to_string() == "24691.36");
  // exact ties round up (binary floating point would give .34 / 1.00 here):
  // 1.15 × 30% = 0.345 → 0.35
  CHECK(eval("算力券", R"({"合同金额": 1.15, "采购类型": "模型服务", "模型已备案": true})").amount.to_string() ==
        "0.35");
  // 0.025 × 20% = 0.005 → 0.01
  CHECK(eval("算力券", R"({"合同金额": "0.025", "采购类型": "算力服务", "算力设施档位": "二档"})")
            .amount.to_string() == "0.01");
  // 0.02 × 20% = 0.004 → 0.00 (still eligible)
  CHECK(summary(eval("算力券", R"({"合同金额": 0.02, "采购类型": "算力服务", "算力设施档位": "二档"})")) ==
        "eligible 0.00 null");
  // 4.35 × 15% = 0.6525 → 0.65; 4.45 × 15% = 0.6675 → 0.67
  CHECK(eval("算力券免审配套", R"({"合同金额": 4.35, "智能券档位": "一档"})").amount.to_string() == "0.65");
  CHECK(eval("算力券免审配套", R"({"合同金额": 4.45, "智能券档位": "一档"})").amount.to_string() == "0.67");
}

// ---------------------------------------------------------------- 智能券

TEST_CASE("智能券: 一档 30%, 二档 10%, no cap", "[evaluator]") {
  CHECK(summary(eval("智能券", R"({"合同金额": "100万元", "申请主体": "企业", "智能券档位": "一档"})")) ==
        "eligible 300000.00 null");
  CHECK(summary(eval("智能券", R"({"合同金额": "100万元", "申请主体": "高校", "智能券档位": "二档"})")) ==
        "eligible 100000.00 null");
  // No annual cap: 10亿 × 30%, even with claimed vouchers stated.
  CHECK(summary(eval("智能券", R"({"合同金额": "10亿元", "申请主体": "科研机构", "智能券档位": "一档",
                                    "本年度已申领算力券": "800万元"})")) == "eligible 300000000.00 null");
  // 10.05 × 10% = 1.005 → 1.01 (a tie)
  CHECK(eval("智能券", R"({"合同金额": 10.05, "申请主体": "企业", "智能券档位": "二档"})").amount.to_string() == "1.01");
}

TEST_CASE("智能券: 申请主体 and 智能券档位 are required", "[evaluator]") {
  const auto& ed = edition();
  auto missing = missing_required_facts(ed, measure("智能券"), facts(R"({"合同金额": 1000, "智能券档位": "一档"})"));
  CHECK(missing == std::vector<std::string>{"申请主体"});
  CHECK(contains(eval_error("智能券", R"({"合同金额": 1000, "申请主体": "企业"})"), "智能券档位"));
}

// ---------------------------------------------------------------- 算力券免审配套

TEST_CASE("算力券免审配套: 15% / 10%, held to the year room", "[evaluator]") {
  CHECK(summary(eval("算力券免审配套", R"({"合同金额": "100万元", "智能券档位": "一档"})")) ==
        "eligible 150000.00 null");
  CHECK(summary(eval("算力券免审配套", R"({"合同金额": "100万元", "智能券档位": "二档"})")) ==
        "eligible 100000.00 null");
  // min(15万, 800万 − 790万)
  CHECK(summary(eval("算力券免审配套", R"({"合同金额": "100万元", "智能券档位": "一档",
                                            "本年度已申领算力券": "790万元"})")) == "eligible 100000.00 算力券年度余额");
  CHECK(summary(eval("算力券免审配套", R"({"合同金额": "100万元", "智能券档位": "一档",
                                            "本年度已申领算力券": "800万元"})")) == "eligible 0.00 算力券年度余额");
  // raised cap: min(1000万 × 15% = 150万, 1000万 − 900万)
  CHECK(summary(eval("算力券免审配套", R"({"合同金额": "1000万元", "智能券档位": "一档",
                                            "本年度已申领算力券": "900万元", "生成式多模态基础大模型企业": true,
                                            "核定年度上限": "1000万元"})")) == "eligible 1000000.00 算力券年度余额");
  // never lowered
  CHECK(summary(eval("算力券免审配套", R"({"合同金额": "1亿元", "智能券档位": "一档",
                                            "生成式多模态基础大模型企业": true, "核定年度上限": "100万元"})")) ==
        "eligible 8000000.00 算力券年度余额");
  CHECK(contains(eval_error("算力券免审配套", R"({"合同金额": "100万元"})"), "智能券档位"));
}

// ---------------------------------------------------------------- required facts

TEST_CASE("missing_required_facts names the absent required facts", "[evaluator]") {
  const auto& ed = edition();
  CHECK(missing_required_facts(ed, measure("算力券"), facts(R"({"采购类型": "算力服务"})")) ==
        std::vector<std::string>{"合同金额"});
  // Only the facts the measure reads: 申请主体 (required elsewhere) is not one of them.
  CHECK(missing_required_facts(ed, measure("算力券"), facts("{}")) ==
        std::vector<std::string>{"合同金额", "采购类型"});
  CHECK(missing_required_facts(ed, measure("算力券免审配套"), facts("{}")) == std::vector<std::string>{"合同金额"});
  CHECK(missing_required_facts(ed, measure("算力券"), facts(R"({"合同金额": 1, "采购类型": "算力服务"})")).empty());
  // Evaluating anyway reports the missing fact rather than inventing a value.
  CHECK(contains(eval_error("算力券", R"({"采购类型": "算力服务", "算力设施档位": "一档"})"), "合同金额"));
}

// 需要 F asks the application to state F: a fact that could otherwise be left
// out (可选, or with a default) is then required for that measure only.
TEST_CASE("需要 makes an optional or defaulted fact required for its measure", "[evaluator]") {
  std::vector<Diagnostic> diags;
  auto policy = Policy::from_text("t.kuan",
                                  "政策 \"测试\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                                  "事实 合同: 金额\n事实 地址: 日期 可选\n事实 备案: 布尔 = 否\n"
                                  "措施 需可选 { 需要 地址\n 金额 = 合同 }\n"
                                  "措施 需缺省 { 需要 备案\n 金额 = 合同 }\n"
                                  "措施 不需 { 金额 = 合同 + (若 有 地址 且 备案 则 0元 否则 0元) }\n",
                                  diags);
  REQUIRE(policy);
  const Edition& ed = *policy->latest();
  auto missing = [&](const char* measure, const char* json_text) {
    auto parsed = json::parse_facts(json_text);
    REQUIRE(std::holds_alternative<json::FactsObject>(parsed));
    auto bound = bind_facts(ed, std::get<json::FactsObject>(parsed).fields);
    REQUIRE(std::holds_alternative<FactValues>(bound));
    return missing_required_facts(ed, *ed.find_measure(measure), std::get<FactValues>(bound));
  };
  CHECK(missing("需可选", R"({"合同": 1})") == std::vector<std::string>{"地址"});
  CHECK(missing("需可选", R"({"合同": 1, "地址": "2025-01-01"})").empty());
  CHECK(missing("需缺省", R"({"合同": 1})") == std::vector<std::string>{"备案"});
  CHECK(missing("需缺省", "{}") == std::vector<std::string>{"合同", "备案"});
  CHECK(missing("需缺省", R"({"合同": 1, "备案": false})").empty());
  // Only where it is written: reading the same facts does not require them.
  CHECK(missing("不需", R"({"合同": 1})").empty());
}

// ---------------------------------------------------------------- trace

TEST_CASE("trace records conditions, rate, base, caps and bound", "[evaluator]") {
  SECTION("eligible, stacking binds") {
    Trace t;
    auto o = eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                "同一合同智能券金额": "40万元", "智能券档位": "一档",
                                "本年度已申领算力券": "100万元"})",
                  &t);
    CHECK(summary(o) == "eligible 200000.00 智能券叠加上限");
    REQUIRE(t.conditions.size() == 2);
    CHECK(t.conditions[0].held);
    CHECK(t.conditions[1].held);
    CHECK(contains(t.conditions[0].requirement->reason, "免审配套"));
    REQUIRE(t.rate);
    CHECK(*t.rate == D("0.3"));
    REQUIRE(t.base);
    CHECK(*t.base == D("1000000"));
    CHECK(t.computed == D("300000"));
    REQUIRE(t.caps.size() == 2);
    CHECK(t.caps[0].cap->name == "智能券叠加上限");
    CHECK(t.caps[0].applies);
    CHECK(t.caps[0].limit == D("600000"));
    REQUIRE(t.caps[0].used);
    CHECK(*t.caps[0].used == D("400000"));
    CHECK(t.caps[0].room == D("200000"));
    CHECK(t.caps[1].cap->name == "算力券年度余额");
    CHECK(t.caps[1].applies);
    CHECK(t.caps[1].limit == D("8000000"));
    REQUIRE(t.caps[1].used);
    CHECK(*t.caps[1].used == D("1000000"));
    CHECK(t.caps[1].room == D("7000000"));
    CHECK(t.before_rounding == D("200000"));
    CHECK(o.bound == t.caps[0].cap);
  }
  SECTION("stacking condition false is traced as not applying") {
    Trace t;
    auto o = eval("算力券", R"({"合同金额": 123456.785, "采购类型": "算力服务", "算力设施档位": "二档"})", &t);
    REQUIRE(t.caps.size() == 2);
    CHECK_FALSE(t.caps[0].applies);
    CHECK(t.caps[1].applies);
    CHECK(t.caps[1].room == D("8000000"));
    // before rounding the amount is exact; rounding happens once, afterwards.
    CHECK(t.before_rounding == D("24691.357"));
    CHECK(o.amount.to_string() == "24691.36");
    CHECK(o.bound == nullptr);
  }
  SECTION("year room overdrawn is traced as 0") {
    Trace t;
    auto o = eval("算力券", R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档",
                                "生成式多模态基础大模型企业": true, "核定年度上限": "1200万元",
                                "本年度已申领算力券": "1300万元"})",
                  &t);
    CHECK(summary(o) == "eligible 0.00 算力券年度余额");
    REQUIRE(t.caps.size() == 2);
    CHECK(t.caps[1].limit == D("12000000"));
    CHECK(t.caps[1].room.is_zero());
  }
  SECTION("not eligible: failed condition traced, nothing computed") {
    Trace t;
    auto o = eval("算力券", R"({"合同金额": "100万元", "采购类型": "模型服务"})", &t);
    CHECK(summary(o) == "not-eligible 0.00 null");
    REQUIRE(t.conditions.size() == 2);
    CHECK(t.conditions[0].held);
    CHECK_FALSE(t.conditions[1].held);
    CHECK(o.failed.front() == t.conditions[1].requirement);
    CHECK_FALSE(t.rate);
    CHECK(t.caps.empty());
  }
  SECTION("智能券: rate and base, no caps") {
    Trace t;
    auto o = eval("智能券", R"({"合同金额": 10.05, "申请主体": "企业", "智能券档位": "二档"})", &t);
    CHECK(o.amount.to_string() == "1.01");
    REQUIRE(t.rate);
    CHECK(*t.rate == D("0.1"));
    CHECK(t.computed == D("1.005"));
    CHECK(t.caps.empty());
    CHECK(t.conditions.empty());
  }
}

TEST_CASE("one edition serves many evaluations without leaking state", "[evaluator]") {
  // Defaults and definitions are cached per evaluation: a default of
  // 年度智算合同累计金额 computed for one application must not leak into the next.
  CHECK(summary(eval("算力券", R"({"合同金额": "40万元", "采购类型": "算力服务", "算力设施档位": "二档",
                                    "中小企业": true})")) == "eligible 200000.00 null");
  CHECK(summary(eval("算力券", R"({"合同金额": "60万元", "采购类型": "算力服务", "算力设施档位": "二档",
                                    "中小企业": true})")) == "eligible 120000.00 null");
  CHECK(summary(eval("算力券", R"({"合同金额": "40万元", "采购类型": "算力服务", "算力设施档位": "二档",
                                    "中小企业": true})")) == "eligible 200000.00 null");
}

TEST_CASE("concurrent evaluations against one edition agree with sequential ones", "[evaluator]") {
  // The edition is shared read-only (the batch mode evaluates on all cores):
  // per-evaluation state must live in the evaluation only.
  const std::vector<std::string> docs = {
      R"({"合同金额": "40万元", "采购类型": "算力服务", "算力设施档位": "二档", "中小企业": true})",
      R"({"合同金额": "60万元", "采购类型": "算力服务", "算力设施档位": "二档", "中小企业": true})",
      R"({"合同金额": "100万元", "采购类型": "算力服务", "算力设施档位": "一档", "同一合同智能券金额": "40万元",
          "智能券档位": "一档"})",
      R"({"合同金额": "5000万元", "采购类型": "算力服务", "算力设施档位": "一档", "生成式多模态基础大模型企业": true,
          "核定年度上限": "1200万元"})",
      R"({"合同金额": 123456.785, "采购类型": "模型服务", "模型已备案": true, "本年度已申领算力券": 7999999.99})",
      R"({"合同金额": "100万元", "采购类型": "模型服务"})",
  };
  std::vector<FactValues> inputs;
  std::vector<std::string> want;
  for (const auto& d : docs) {
    inputs.push_back(facts(d));
    want.push_back(summary(eval("算力券", d)));
  }
  const MeasureInfo& m = measure("算力券");
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::size_t k = static_cast<std::size_t>(i + t) % inputs.size();
        auto r = evaluate_measure(edition(), m, inputs[k]);
        if (!std::holds_alternative<Outcome>(r) || summary(std::get<Outcome>(r)) != want[k]) ++mismatches[t];
      }
    });
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}
