// A whole application through the public API: Edition::evaluate_all (C++),
// kuan_evaluate_all / kuan_evaluate_all_json (C) and evaluate_application_json
// (batch.hpp), each entry against Edition::evaluate of the same facts.
#include <catch2/catch.hpp>

#include <string>

#include "kuan/batch.hpp"
#include "kuan/kuan.h"
#include "kuan/kuan.hpp"

namespace api = kuan::api;

namespace {

const std::string kPolicy = std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai";

// Each way a measure can stand: eligible, not eligible, needing a fact
// (required; or optional and read on the path taken), failing to compute.
const char* kRules = R"(政策 "测试"
版本 "测试版"
施行 2025-01-01 至 2025-12-31
舍入 四舍五入 至 0.01元
事实 投入: 金额
事实 人数: 整数 = 0
事实 档位: 枚举 { 甲, 乙 } 可选
事实 地区: 枚举 { 东, 西 }
措施 补贴 { 要求 投入 ≥ 100元 否则 "投入不足" 比例 = 10% 基数 = 投入 }
措施 不够 { 要求 投入 ≥ 1亿元 否则 "投入须达一亿元" 比例 = 10% 基数 = 投入 }
措施 分档 { 金额 = 按 档位 { 甲 => 投入 × 1%, 乙 => 投入 × 2% } }
措施 人均 { 金额 = 投入 ÷ 人数 }
措施 地区奖 { 要求 地区 = 东 否则 "限东部" 金额 = 1元 }
措施 无关 { 金额 = 1元 }
)";

api::Edition rules() {
  static const api::Policy policy = api::Policy::from_text(kRules, "t.kuan").value();
  return policy.latest();
}

}  // namespace

TEST_CASE("application: every measure the facts concern, by status, each as evaluate() gives it", "[application]") {
  const api::Edition ed = rules();
  api::Facts f = ed.new_facts();
  REQUIRE(f.set_money("投入", "1000元"));
  auto all = ed.evaluate_all(f);
  REQUIRE(all);
  CHECK(all->edition == "测试版");
  std::vector<std::string> names;
  for (const auto& m : all->measures) names.push_back(m.measure);
  // 地区奖 reads only 地区 (not given) and 无关 reads nothing: neither is listed.
  CHECK(names == std::vector<std::string>{"补贴", "不够", "分档", "人均"});
  REQUIRE(all->measures.size() == 4);
  const auto& ok = all->measures[0];
  CHECK(ok.status == api::MeasureStatus::Eligible);
  REQUIRE(ok.evaluation);
  auto single = ed.evaluate("补贴", f);
  REQUIRE(single);
  CHECK(api::to_json(*ok.evaluation) == api::to_json(*single));
  CHECK(ok.evaluation->amount == "100.00");
  CHECK(ok.evaluation->amount_fen == single->amount_fen);
  const auto& no = all->measures[1];
  CHECK(no.status == api::MeasureStatus::NotEligible);
  REQUIRE(no.evaluation);
  CHECK(no.evaluation->reasons == std::vector<std::string>{"投入须达一亿元"});
  const auto& needs = all->measures[2];
  CHECK(needs.status == api::MeasureStatus::NeedsFacts);
  CHECK(needs.needs == std::vector<std::string>{"档位"});
  CHECK_FALSE(needs.evaluation);
  const auto& error = all->measures[3];
  CHECK(error.status == api::MeasureStatus::Error);
  REQUIRE(error.error);
  CHECK(error.error->code == api::ErrorCode::EvaluationError);
  CHECK(error.error->message.find("t.kuan") != std::string::npos);

  const std::string json = api::to_json(*all);
  CHECK(json.rfind(R"({"version":"测试版","results":[{"measure":"补贴",)", 0) == 0);
  CHECK(json.find(R"("needs":["档位"],"status":"needs_facts"})") != std::string::npos);
  CHECK(json.find(R"("code":"evaluation_error")") != std::string::npos);
  std::string via_batch;
  REQUIRE_FALSE(api::evaluate_application_json(ed, R"({"投入": "1000元"})", false, api::ResultFormat::Json, via_batch));
  CHECK(via_batch == json);
  std::string text;
  REQUIRE_FALSE(api::evaluate_application_json(ed, R"({"投入": "1000元"})", false, api::ResultFormat::Text, text));
  CHECK(text == api::to_text(*all));
  CHECK(text.rfind("测试版:可申请 1 项,不可申请 1 项,缺少事实 1 项,无法计算 1 项\n", 0) == 0);
  CHECK(std::string(api::measure_status_name(api::MeasureStatus::NeedsFacts)) == "needs_facts");
}

TEST_CASE("application: required facts absent are needs, explanations when asked", "[application]") {
  const api::Edition ed = rules();
  auto all = ed.evaluate_all_json(R"({"人数": 3})", {.explain = true});
  REQUIRE(all);
  REQUIRE(all->measures.size() == 1);  // only 人均 reads 人数
  CHECK(all->measures[0].status == api::MeasureStatus::NeedsFacts);
  CHECK(all->measures[0].needs == std::vector<std::string>{"投入"});
  auto explained = ed.evaluate_all_json(R"({"投入": "1000元", "地区": "西"})", {.explain = true});
  REQUIRE(explained);
  for (const auto& m : explained->measures)
    if (m.evaluation) CHECK(m.evaluation->explanation);
  CHECK(explained->measures.back().measure == "人均");
  auto none = ed.evaluate_all_json("{}");
  REQUIRE(none);
  CHECK(none->measures.empty());
}

TEST_CASE("application: bad facts are the one error, the shipped policy agrees with evaluate()", "[application]") {
  const api::Edition ed = rules();
  auto bad = ed.evaluate_all_json(R"({"投入": "-1元"})");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == api::ErrorCode::InvalidFactValue);
  CHECK(ed.evaluate_all_json(R"({"投人": "1元"})").error().code == api::ErrorCode::UnknownFact);
  CHECK(ed.evaluate_all_json(R"({"投入": )").error().code == api::ErrorCode::BadJson);

  const api::Policy hz = api::Policy::load(kPolicy).value();
  const api::Edition e25 = hz.edition("2025年版").value();
  const char* facts = R"({"合同金额": "100万元", "采购类型": "模型服务", "模型已备案": false, "智能券档位": "一档", "申请主体": "高校"})";
  auto all = e25.evaluate_all_json(facts);
  REQUIRE(all);
  REQUIRE(all->measures.size() == 3);
  for (const auto& m : all->measures) {
    REQUIRE(m.evaluation);
    auto single = e25.evaluate_json(m.measure, facts);
    REQUIRE(single);
    CHECK(api::to_json(*m.evaluation) == api::to_json(*single));
  }
  // Facts of another edition are refused, as by evaluate().
  const api::Facts other = rules().new_facts();
  CHECK(e25.evaluate_all(other).error().code == api::ErrorCode::WrongEdition);
}

TEST_CASE("application: the C interface gives the same JSON", "[application][capi]") {
  kuan_error err = KUAN_ERROR_INIT;
  kuan_policy* p = kuan_policy_from_text(kRules, "t.kuan", nullptr, &err);
  REQUIRE(p);
  const kuan_edition* ed = kuan_policy_latest(p);
  char* json = kuan_evaluate_all_json(ed, R"({"投入": "1000元"})", 0, &err);
  REQUIRE(json);
  CHECK(err.code == KUAN_OK);
  const std::string expected = api::to_json(rules().evaluate_all_json(R"({"投入": "1000元"})").value());
  CHECK(std::string(json) == expected);
  kuan_string_free(json);
  kuan_facts* f = kuan_facts_new(ed);
  kuan_facts_set_money(f, "投入", "1000元", &err);
  char* again = kuan_evaluate_all(ed, f, KUAN_EXPLAIN, &err);
  REQUIRE(again);
  CHECK(std::string(again).find("\"explanation\"") != std::string::npos);
  kuan_string_free(again);
  CHECK(kuan_evaluate_all_json(ed, R"({"投入": "x"})", 0, &err) == nullptr);
  CHECK(err.code == KUAN_INVALID_FACT_VALUE);
  CHECK(kuan_evaluate_all_json(nullptr, "{}", 0, &err) == nullptr);
  CHECK(err.code == KUAN_INVALID_ARGUMENT);
  kuan_string_free(nullptr);
  kuan_facts_free(f);
  kuan_policy_free(p);
  kuan_error_clear(&err);
}
