// 要求 C 否则 按 X { 值 => "理由", … }: the refusal text chosen by X's arm, the
// same from evaluate_measure and the tree-walker, in the explanation (with the
// condition it refuses), in a 例's 不适用 and in allocation's reasons.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/policy.hpp"
#include "policy_fixture.hpp"
#include "interpreter/render.hpp"
#include "interpreter/result.hpp"
#include "kuan/allocation.hpp"
#include "kuan/kuan.hpp"
#include "kuan/testing.hpp"

using namespace kuan;

namespace {

const char* kRules = R"(政策 "理由"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 方向: 枚举 { 重点, 一般 }
事实 投入: 金额
措施 资助 {
  要求 投入 ≥ 100万元 否则 按 方向 { 重点 => "重点方向须投入100万元以上", 其他 => "须投入100万元以上" }
  要求 投入 ≤ 1亿元 否则 "投入过大"
  金额 = 投入 × 10%
}
)";

const testing::LoadedPolicy& loaded() {
  static const testing::LoadedPolicy l = testing::load_policy(kRules);
  return l;
}

FactValues facts(const std::string& json) {
  auto parsed = json::parse_facts(json);
  REQUIRE(std::holds_alternative<json::FactsObject>(parsed));
  auto bound = bind_facts(*loaded().ed, std::get<json::FactsObject>(parsed).fields);
  REQUIRE(std::holds_alternative<FactValues>(bound));
  return std::get<FactValues>(std::move(bound));
}

std::vector<std::string> reasons(const std::string& json) {
  const Edition& ed = *loaded().ed;
  const MeasureInfo& m = *ed.find_measure("资助");
  auto a = evaluate_measure(ed, m, facts(json)), b = evaluate_measure_reference(ed, m, facts(json));
  REQUIRE(std::holds_alternative<Outcome>(a));
  REQUIRE(std::holds_alternative<Outcome>(b));
  std::vector<std::string> x, y;
  for (const auto* r : std::get<Outcome>(a).failed) x.push_back(r->reason);
  for (const auto* r : std::get<Outcome>(b).failed) y.push_back(r->reason);
  CHECK(x == y);
  return x;
}

}  // namespace

TEST_CASE("否则 按: the arm the subject falls in names the refusal, the other 要求 keep theirs") {
  CHECK(reasons(R"({"方向": "重点", "投入": "50万元"})") == std::vector<std::string>{"重点方向须投入100万元以上"});
  CHECK(reasons(R"({"方向": "一般", "投入": "50万元"})") == std::vector<std::string>{"须投入100万元以上"});
  CHECK(reasons(R"({"方向": "一般", "投入": "200万元"})").empty());
  CHECK(reasons(R"({"方向": "重点", "投入": "2亿元"})") == std::vector<std::string>{"投入过大"});
  // The measure has no compiled form: the tree-walker chooses the text.
  CHECK(loaded().ed->measures[0].refusal_by_arm);
}

TEST_CASE("否则 按: the explanation shows the condition with the chosen text") {
  const Edition& ed = *loaded().ed;
  Trace trace;
  auto r = evaluate_measure(ed, *ed.find_measure("资助"), facts(R"({"方向": "一般", "投入": "1元"})"), &trace);
  REQUIRE(std::holds_alternative<Outcome>(r));
  std::string text;
  append_result_text(text, ed, std::get<Outcome>(r), &trace);
  INFO(text);
  CHECK(text.find("✗ 投入 ≥ 100万元:不满足 —— 须投入100万元以上") != std::string::npos);
  CHECK(text.find("✓ 投入 ≤ 1亿元") != std::string::npos);
}

TEST_CASE("否则 按: a 例 expects the arm's text, and allocation reports it") {
  const std::string text = std::string(kRules) + R"(例 资助 "重点不足" { 方向 = 重点, 投入 = 1元  不适用 "重点方向须投入" }
例 资助 "一般不足" { 方向 = 一般, 投入 = 1元  不适用 "重点方向" }
)";
  auto policy = api::Policy::from_text(text, "t.kuan");
  INFO(policy.rendered());
  REQUIRE(policy);
  auto examples = api::run_examples(policy.policy->latest());
  REQUIRE(examples);
  REQUIRE(examples->size() == 2);
  CHECK((*examples)[0].passed);
  CHECK_FALSE((*examples)[1].passed);

  std::istringstream in(
      R"({"id": "a", "applicant": "甲", "measure": "资助", "facts": {"方向": "一般", "投入": "1元"}})" "\n"
      R"({"id": "b", "applicant": "乙", "measure": "资助", "facts": {"方向": "重点", "投入": "1元"}})" "\n");
  std::ostringstream out;
  auto r = api::allocate(policy.policy->latest(), in, out);
  INFO(out.str());
  REQUIRE(std::holds_alternative<api::AllocationSummary>(r));
  CHECK(out.str().find(R"("reasons":["须投入100万元以上"])") != std::string::npos);
  CHECK(out.str().find(R"("reasons":["重点方向须投入100万元以上"])") != std::string::npos);
}
