// Running a policy's 例 and properties through the public façade
// (include/kuan/testing.hpp), as a host would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "kuan/testing.hpp"

namespace api = kuan::api;

namespace {

const char* kRules = R"(政策 "测试"
版本 "2025年版"
施行 2025-01-01 起
舍入 四舍五入 至 0.01元
事实 合同金额: 金额
事实 类型: 枚举 { 甲, 乙 }
措施 补贴 "按比例" {
  要求 类型 = 甲 否则 "仅限甲类"
  比例 = 30%
  基数 = 合同金额
  上限 封顶 = 10万元
}
措施 递减 "随合同金额减少" {
  基数 = 合同金额
  金额 = 1000万元 − 基数 × 10%
  上限 递减上限 = 2000万元
}
例 补贴 "受上限" {
  合同金额 = 100万元, 类型 = 甲
  得 10万元 受限 封顶
}
例 补贴 "写错了" {
  合同金额 = 10万元, 类型 = 甲
  得 4万元
}
例 补贴 "乙类" {
  合同金额 = 10万元, 类型 = 乙
  不适用 "仅限甲类"
}
性质 补贴 "不超过合同金额的一成" {
  对任意 申请 有 金额 ≤ 合同金额 × 10%
}
性质 补贴 "不超过上限" {
  对任意 申请 有 金额 ≤ 10万元
}
)";

// 1-based line of the first line of `text` that starts with `start`.
int line_of(const std::string& text, const std::string& start) {
  int line = 1;
  for (std::size_t at = 0; at < text.size(); ++line) {
    if (text.compare(at, start.size(), start) == 0) return line;
    at = text.find('\n', at);
    if (at == std::string::npos) break;
    ++at;
  }
  return 0;
}

api::Edition load(const std::string& text) {
  auto loaded = api::Policy::from_text(text, "测试.kuan");
  INFO(loaded.rendered());
  REQUIRE(loaded);
  return loaded.policy->latest();
}

const api::PropertyResult* find(const std::vector<api::PropertyResult>& results, const std::string& measure,
                                const std::string& property) {
  for (const auto& r : results)
    if (r.measure == measure && r.property == property) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("run_examples: every 例 with its position, and what differed", "[testing]") {
  const std::string text = kRules;
  auto examples = api::run_examples(load(text));
  REQUIRE(examples);
  REQUIRE(examples->size() == 3);
  const auto& capped = (*examples)[0];
  CHECK(capped.title == "受上限");
  CHECK(capped.measure == "补贴");
  CHECK(capped.edition == "2025年版");
  CHECK(capped.where.file == "测试.kuan");
  CHECK(capped.where.line == line_of(text, "例 补贴 \"受上限\""));
  CHECK(capped.where.column > 0);
  CHECK(capped.passed);
  CHECK(capped.detail.empty());

  const auto& wrong = (*examples)[1];
  CHECK(wrong.title == "写错了");
  CHECK(wrong.where.line == line_of(text, "例 补贴 \"写错了\""));
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.expected == "得 40000.00元");
  CHECK(wrong.actual == "得 30000.00元");
  CHECK(wrong.detail == "预期 得 40000.00元,实得 得 30000.00元");

  CHECK((*examples)[2].passed);  // 不适用, for the reason stated
}

TEST_CASE("run_examples: an ineligible result against an amount, and a wrong reason", "[testing]") {
  const std::string text = std::string(kRules) + R"(例 补贴 "乙类也得" {
  合同金额 = 10万元, 类型 = 乙
  得 3万元
}
例 补贴 "理由不对" {
  合同金额 = 10万元, 类型 = 乙
  不适用 "仅限丙类"
}
)";
  auto examples = api::run_examples(load(text));
  REQUIRE(examples);
  REQUIRE(examples->size() == 5);
  const auto& amount = (*examples)[3];
  CHECK_FALSE(amount.passed);
  CHECK(amount.expected == "得 30000.00元");
  CHECK(amount.actual == "不适用「仅限甲类」");
  const auto& reason = (*examples)[4];
  CHECK_FALSE(reason.passed);
  CHECK(reason.detail == "预期理由含「仅限丙类」,实得 不适用「仅限甲类」");
}

TEST_CASE("run_examples: 得 错误 — invalid applications, missing facts, an error's text", "[testing]") {
  const std::string text = std::string(kRules) + R"(校验 合同金额 > 0元 否则 "合同金额须为正"
例 补贴 "零合同" { 合同金额 = 0元, 类型 = 甲  得 错误 invalid_application }
例 补贴 "零合同的文字" { 合同金额 = 0元, 类型 = 甲  得 错误 "须为正" }
例 补贴 "缺类型" { 合同金额 = 1元  得 错误 missing_fact }
例 补贴 "其实有效" { 合同金额 = 1元, 类型 = 甲  得 错误 invalid_application }
例 补贴 "代码不对" { 合同金额 = 0元, 类型 = 甲  得 错误 missing_fact }
例 补贴 "文字不对" { 合同金额 = 0元, 类型 = 甲  得 错误 "须为负" }
例 补贴 "零合同却写金额" { 合同金额 = 0元, 类型 = 甲  得 0元 }
)";
  auto examples = api::run_examples(load(text));
  REQUIRE(examples);
  REQUIRE(examples->size() == 10);
  CHECK((*examples)[3].passed);
  CHECK((*examples)[4].passed);
  CHECK((*examples)[5].passed);
  CHECK_FALSE((*examples)[6].passed);
  CHECK((*examples)[6].detail == "预期 错误 invalid_application,实得 得 0.30元");
  CHECK_FALSE((*examples)[7].passed);
  CHECK((*examples)[7].expected == "错误 missing_fact");
  CHECK((*examples)[7].actual.rfind("错误 invalid_application:合同金额须为正(规则位置 测试.kuan:", 0) == 0);
  CHECK_FALSE((*examples)[8].passed);
  CHECK((*examples)[8].expected == "错误「须为负」");
  CHECK_FALSE((*examples)[9].passed);
  CHECK((*examples)[9].detail.find("合同金额须为正") != std::string::npos);
}

TEST_CASE("run_examples: a fact no application could give is the 例's own mistake", "[testing]") {
  // A money fact is never negative and a rate never over 100% (docs/language.md): a 例 giving
  // one used to run the measure on it and blame the rule ("计算出的金额为负").
  const std::string text = std::string(kRules) + R"(事实 比率: 比例 = 10%
例 补贴 "负的合同金额" { 合同金额 = 0元 − 100元, 类型 = 甲  得 0元 }
例 补贴 "比率过百" { 合同金额 = 1元, 类型 = 甲, 比率 = 1元 ÷ 0.5元  得 0.30元 }
例 补贴 "负的也出错" { 合同金额 = −1元, 类型 = 甲  得 错误 evaluation_error }
)";
  auto examples = api::run_examples(load(text));
  REQUIRE(examples);
  REQUIRE(examples->size() == 6);
  CHECK_FALSE((*examples)[3].passed);
  CHECK((*examples)[3].detail == "事实 合同金额 的金额不能为负:-100元");
  CHECK_FALSE((*examples)[4].passed);
  CHECK((*examples)[4].detail == "事实 比率 的比例须在 0–100% 之间:200%");
  CHECK_FALSE((*examples)[5].passed);
  CHECK((*examples)[5].detail == "事实 合同金额 的金额不能为负:-1元");
}

TEST_CASE("check_properties: failures come with a shrunk 例 that runs when pasted back", "[testing]") {
  const std::string text = kRules;
  const api::Edition ed = load(text);
  auto results = api::check_properties(ed, {7, 100});
  REQUIRE(results);

  // 补贴 has every generated property, and they hold.
  for (const char* name : {"金额非负", "不超过上限", "不适用得0并有理由", "按版本舍入", "基数增加金额不减"}) {
    const auto* r = find(*results, "补贴", name);
    INFO(name);
    REQUIRE(r);
    CHECK_FALSE(r->authored);
    CHECK(r->status == api::PropertyStatus::Passed);
    CHECK(r->checked > 0);
    CHECK(r->where.line == line_of(text, "措施 补贴"));
  }
  // 递减 pays less as its base rises, and no threshold explains it.
  const auto* falls = find(*results, "递减", "基数增加金额不减");
  REQUIRE(falls);
  CHECK(falls->status == api::PropertyStatus::Failed);
  CHECK(falls->detail.find("且无门槛或分支改变") != std::string::npos);
  CHECK(falls->counterexample.rfind("例 递减 \"性质「基数增加金额不减」的反例\" {", 0) == 0);

  // The authored 性质: the wrong one fails at its own line, the right one passes.
  const auto* tenth = find(*results, "补贴", "不超过合同金额的一成");
  REQUIRE(tenth);
  CHECK(tenth->authored);
  CHECK(tenth->status == api::PropertyStatus::Failed);
  CHECK(tenth->where.line == line_of(text, "性质 补贴 \"不超过合同金额的一成\""));
  CHECK(tenth->detail.find("不成立") != std::string::npos);
  const auto* cap = find(*results, "补贴", "不超过上限");
  REQUIRE(std::count_if(results->begin(), results->end(), [](const api::PropertyResult& r) {
            return r.authored && r.property == "不超过上限" && r.status == api::PropertyStatus::Passed;
          }) == 1);
  CHECK(cap);

  // Each counter-example, pasted beside the rules, is a 例 that passes: it
  // states what the rules give for the shrunk application.
  const std::string pasted = text + falls->counterexample + tenth->counterexample;
  auto examples = api::run_examples(load(pasted));
  REQUIRE(examples);
  REQUIRE(examples->size() == 5);
  for (const auto& x : *examples) {
    if (x.title.find("的反例") == std::string::npos) continue;
    INFO(x.title << ": " << x.detail);
    CHECK(x.passed);
  }
}

TEST_CASE("check_properties: the same seed gives the same results", "[testing]") {
  const api::Edition ed = load(kRules);
  auto a = api::check_properties(ed, {3, 50});
  auto b = api::check_properties(ed, {3, 50});
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a->size() == b->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    CHECK((*a)[i].property == (*b)[i].property);
    CHECK((*a)[i].status == (*b)[i].status);
    CHECK((*a)[i].checked == (*b)[i].checked);
    CHECK((*a)[i].counterexample == (*b)[i].counterexample);
  }
  // No application drawn: nothing is checked, so nothing passes or fails.
  auto none = api::check_properties(ed, {3, 0});
  REQUIRE(none);
  for (const auto& r : *none) CHECK(r.status == api::PropertyStatus::Unchecked);
}
