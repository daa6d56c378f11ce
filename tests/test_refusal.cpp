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

FactValues facts(const std::string& json, const Edition& ed = *loaded().ed) {
  auto parsed = json::parse_facts(json);
  REQUIRE(std::holds_alternative<json::FactsObject>(parsed));
  auto bound = bind_facts(ed, std::get<json::FactsObject>(parsed).fields);
  REQUIRE(std::holds_alternative<FactValues>(bound));
  return std::get<FactValues>(std::move(bound));
}

// The text explanation of one measure's result on these facts.
std::string explained(const Edition& ed, const std::string& measure, const FactValues& given) {
  Trace trace;
  auto r = evaluate_measure(ed, *ed.find_measure(measure), given, &trace);
  REQUIRE(std::holds_alternative<Outcome>(r));
  std::string text;
  append_result_text(text, ed, std::get<Outcome>(r), &trace);
  return text;
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
  const std::string text = explained(*loaded().ed, "资助", facts(R"({"方向": "一般", "投入": "1元"})"));
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

// ---------------------------------------------------------------- 校验 … 否则 按, 超出 拒绝 按

namespace {

const char* kMore = R"(政策 "理由"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 类型: 枚举 { 企业, 高校, 个人 }
事实 方向: 枚举 { 人工智能, 集成电路, 其他领域 }
事实 职工总数: 整数 = 0
事实 研发人员数: 整数 = 0
事实 已立项: 整数 = 0
事实 投入: 金额
校验 研发人员数 ≤ 职工总数 否则 按 类型 { 企业 => "研发人员数超过职工总数", 其他 => "研发人员数超过在编人数" }
限额 单位方向限项 {
  计 件数 每 申请人 按 方向
  不超过 按 方向 { 人工智能 | 集成电路 => 4, 其他 => 2 }
  已用 已立项
  覆盖 立项, 配套
  超出 拒绝 按 方向 { 人工智能 | 集成电路 => "重点方向每年最多立项4个", 其他 => "每个方向每年最多立项2个" }
}
措施 立项 { 要求 投入 ≥ 10万元 否则 "投入不足10万元"  金额 = 投入 × 10% }
措施 配套 { 金额 = 投入 × 5% }
)";

const testing::LoadedPolicy& more() {
  static const testing::LoadedPolicy l = testing::load_policy(kMore);
  return l;
}

FactValues more_facts(const std::string& json) { return facts(json, *more().ed); }

// Both evaluators' results for one measure: the error message, or the reasons joined by "|".
std::string outcome(const std::string& measure, const std::string& json) {
  const Edition& ed = *more().ed;
  const MeasureInfo& m = *ed.find_measure(measure);
  auto said = [](const EvalResult& r) {
    if (auto* e = std::get_if<EvalError>(&r))
      return std::string(e->kind == ErrorKind::InvalidApplication ? "invalid: " : "error: ") + e->message;
    std::string s = std::get<Outcome>(r).eligible ? "eligible" : "no:";
    for (const auto* q : std::get<Outcome>(r).failed) s += " " + q->reason;
    return s;
  };
  const std::string a = said(evaluate_measure(ed, m, more_facts(json)));
  CHECK(a == said(evaluate_measure_reference(ed, m, more_facts(json))));
  return a;
}

}  // namespace

TEST_CASE("校验 … 否则 按: the error's message is the arm's text, in both evaluators") {
  CHECK(outcome("立项", R"({"类型": "企业", "研发人员数": 3, "职工总数": 2, "投入": "1万元"})") ==
        "invalid: 研发人员数超过职工总数");
  CHECK(outcome("配套", R"({"类型": "个人", "研发人员数": 3, "投入": "1万元"})") == "invalid: 研发人员数超过在编人数");
  CHECK(outcome("配套", R"({"类型": "高校", "方向": "其他领域", "研发人员数": 3, "职工总数": 3, "投入": "1万元"})") ==
        "eligible");
  // The position is the condition's, as for one text.
  const Edition& ed = *more().ed;
  auto r = evaluate_measure(ed, *ed.find_measure("配套"), more_facts(R"({"类型": "个人", "研发人员数": 3, "投入": "1元"})"));
  REQUIRE(std::holds_alternative<EvalError>(r));
  CHECK(std::string(span_text(std::get<EvalError>(r).span)) == "研发人员数 ≤ 职工总数");
}

TEST_CASE("校验 … 否则 按: a subject the application does not give is a missing fact, not a crash") {
  auto policy = api::Policy::from_text(R"(政策 "理由"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 类型: 枚举 { 企业, 高校 } 可选
事实 投入: 金额
校验 投入 ≤ 1亿元 否则 按 类型 { 企业 => "企业投入超过1亿元", 高校 => "高校投入超过1亿元" }
措施 M { 金额 = 投入 × 1% }
)", "t.kuan");
  INFO(policy.rendered());
  REQUIRE(policy);
  const auto ed = policy.policy->latest();
  auto f = ed.new_facts();
  f.set_money("投入", "2亿元");
  auto r = ed.evaluate("M", f);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("类型") != std::string::npos);
  f.set_enum("类型", "高校");
  auto r2 = ed.evaluate("M", f);
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code == api::ErrorCode::InvalidApplication);
  CHECK(r2.error().message == "高校投入超过1亿元");
}

TEST_CASE("超出 拒绝 按: an applicant past the bound is refused with the arm's text, in every measure it covers") {
  CHECK(outcome("立项", R"({"方向": "人工智能", "已立项": 3, "投入": "100万元"})") == "eligible");
  CHECK(outcome("立项", R"({"方向": "集成电路", "已立项": 4, "投入": "100万元"})") == "no: 重点方向每年最多立项4个");
  CHECK(outcome("配套", R"({"方向": "其他领域", "已立项": 2, "投入": "100万元"})") == "no: 每个方向每年最多立项2个");
  CHECK(outcome("立项", R"({"方向": "其他领域", "已立项": 2, "投入": "1元"})") ==
        "no: 投入不足10万元 每个方向每年最多立项2个");
  CHECK(more().ed->find_measure("立项")->refusal_by_arm);
}

TEST_CASE("超出 拒绝 按: the explanation shows the limit's condition, the arm's text and the limit's numbers") {
  const std::string text = explained(*more().ed, "配套", more_facts(R"({"方向": "其他领域", "已立项": 2, "投入": "1元"})"));
  INFO(text);
  // Named by its limit, not by the source span "按 方向 { … } 已用 已立项" the refusal was made from.
  CHECK(text.find("✗ 未达 限额 单位方向限项 的上限:不满足 —— 每个方向每年最多立项2个") != std::string::npos);
  CHECK(text.find("限额 单位方向限项:本人 本年 其他领域 已用 2 件,上限 2 件") != std::string::npos);
}

TEST_CASE("a count limit with 当: its condition in the explanation says when it applies") {
  const char* rules = R"(政策 "理由"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 已立项: 整数 = 0
事实 投入: 金额
限额 大额限项 {
  计 件数 每 申请人
  不超过 2
  已用 已立项
  当 投入 ≥ 100万元
  覆盖 资助
  超出 拒绝 "大额项目每年最多2个"
}
措施 资助 { 金额 = 投入 × 10% }
)";
  static const testing::LoadedPolicy l = testing::load_policy(rules);
  REQUIRE(l.ed);
  const std::string text = explained(*l.ed, "资助", facts(R"({"已立项": 2, "投入": "200万元"})", *l.ed));
  INFO(text);
  CHECK(text.find("✗ 未达 限额 大额限项 的上限(当 投入 ≥ 100万元 时):不满足 —— 大额项目每年最多2个") != std::string::npos);
  const std::string small = explained(*l.ed, "资助", facts(R"({"已立项": 2, "投入": "1元"})", *l.ed));
  CHECK(small.find("✓ 未达 限额 大额限项 的上限(当 投入 ≥ 100万元 时)") != std::string::npos);
}

TEST_CASE("校验 and 超出 拒绝 按: 例 expect the arm's texts, and allocation refuses with them") {
  const std::string text = std::string(kMore) + R"K(例 立项 "超员" { 类型 = 个人, 研发人员数 = 1, 投入 = 1元  得 错误 "研发人员数超过在编人数" }
例 立项 "超员(企业)" { 类型 = 企业, 研发人员数 = 1, 投入 = 1元  得 错误 invalid_application }
例 立项 "重点方向已满" { 方向 = 人工智能, 已立项 = 4, 投入 = 100万元  不适用 "重点方向每年最多立项4个" }
例 立项 "一般方向已满" { 方向 = 其他领域, 已立项 = 2, 投入 = 100万元  不适用 "重点方向" }
例 立项 "超员,错的文字" { 类型 = 企业, 研发人员数 = 1, 投入 = 1元  得 错误 "在编" }
)K";
  auto policy = api::Policy::from_text(text, "t.kuan");
  INFO(policy.rendered());
  REQUIRE(policy);
  auto examples = api::run_examples(policy.policy->latest());
  REQUIRE(examples);
  REQUIRE(examples->size() == 5);
  CHECK((*examples)[0].passed);
  CHECK((*examples)[1].passed);
  CHECK((*examples)[2].passed);
  CHECK_FALSE((*examples)[3].passed);  // its text is the other arm's
  CHECK_FALSE((*examples)[4].passed);

  // Allocation counts each applicant's earlier admitted applications per direction.
  std::string lines;
  for (int i = 1; i <= 3; ++i)
    lines += R"({"id": "a)" + std::to_string(i) + R"(", "applicant": "甲", "measure": "立项", "facts": {"方向": "其他领域", "投入": "100万元"}})" "\n";
  for (int i = 1; i <= 5; ++i)
    lines += R"({"id": "b)" + std::to_string(i) + R"(", "applicant": "甲", "measure": "配套", "facts": {"方向": "人工智能", "投入": "100万元"}})" "\n";
  std::istringstream in(lines);
  std::ostringstream out;
  auto r = api::allocate(policy.policy->latest(), in, out);
  INFO(out.str());
  REQUIRE(std::holds_alternative<api::AllocationSummary>(r));
  const std::string o = out.str();
  CHECK(o.find(R"("id":"a3")") != std::string::npos);
  CHECK(o.find(R"("reasons":["每个方向每年最多立项2个"])") != std::string::npos);
  CHECK(o.find(R"("reasons":["重点方向每年最多立项4个"])") != std::string::npos);
  // Exactly a3 and b5 are refused.
  std::size_t refused = 0;
  for (std::size_t at = o.find("最多立项"); at != std::string::npos; at = o.find("最多立项", at + 1)) ++refused;
  CHECK(refused == 2);
}

TEST_CASE("超出 拒绝 按: an error in the table is the limit's, reported once however many measures it covers") {
  const std::string head = R"(政策 "理由"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 档: 枚举 { 甲, 乙 }
事实 n: 整数 = 0
事实 a: 金额
措施 M { 金额 = a }
措施 N { 金额 = a }
)";
  auto errors = [&](const std::string& limit) {
    auto policy = api::Policy::from_text(head + limit, "t.kuan");
    std::vector<std::string> out;
    for (const auto& d : policy.diagnostics)
      if (d.severity == api::Severity::Error) out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + " " + d.message);
    return out;
  };
  auto unhandled = errors("限额 L { 计 件数 每 申请人 不超过 2 已用 n 覆盖 M, N 超出 拒绝 按 档 { 甲 => \"x\" } }\n");
  REQUIRE(unhandled.size() == 1);
  CHECK(unhandled[0].find("10:44 按 档 未处理取值:乙") == 0);
  auto unknown = errors("限额 L { 计 件数 每 申请人 不超过 2 已用 n 覆盖 M, N 超出 拒绝 按 档位 { 甲 => \"x\", 乙 => \"y\" } }\n");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].find("未定义的名称 档位") != std::string::npos);
  auto gap = errors("限额 L { 计 件数 每 申请人 不超过 2 已用 n 覆盖 M, N 超出 拒绝 按 a { 1元(含) 以下 => \"x\", 2元(含) 以上 => \"y\" } }\n");
  REQUIRE(gap.size() == 1);
  CHECK(gap[0].find("空档") != std::string::npos);
}
