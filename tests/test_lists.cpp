// 列表 facts and their aggregates (合计 计数 最大 最小): read from JSON by the
// precise reader (the batch's fast reader declines a line holding an array),
// bounded in length with a positioned error, evaluated the same by the
// compiled path (which hands aggregates to the tree-walker) and the reference
// tree-walker, and explained. Expected amounts are worked out by hand.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "services/json_fast.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/policy.hpp"
#include "policy_fixture.hpp"
#include "interpreter/result.hpp"

using namespace kuan;

namespace {

const char* kRules = R"(政策 "列表"
版本 "v1"
施行 2025-01-01 起
舍入 四舍五入 至 0.01元
事实 子女: 列表 { 月数: 整数, 比例: 比例, 类别: 枚举 { 亲生, 收养 }, 出生: 日期 }
事实 往年: 列表 { 数额: 金额 } 可选
参数 每月 = 300元
措施 补贴 {
  要求 计数 子女 { 当 月数 > 0 } > 0 否则 "没有合格子女"
  金额 = 合计 子女 { 每月 × 月数 × 比例 当 类别 = 亲生 }
  上限 年度 = 5000元 已用 合计 往年 { 数额 }
}
措施 最长 { 金额 = 每月 × 最大 子女 { 月数 当 出生 ≥ 2024-01-01 } }
)";

const testing::LoadedPolicy& loaded() {
  static const testing::LoadedPolicy l = testing::load_policy(kRules);
  return l;
}

std::variant<FactValues, std::string> read(const std::string& json) {
  auto parsed = json::parse_facts(json);
  if (auto* e = std::get_if<json::InputError>(&parsed))
    return std::to_string(e->line) + ":" + std::to_string(e->column) + ": " + e->message;
  return bind_facts(*loaded().ed, std::get<json::FactsObject>(parsed).fields);
}

FactValues facts(const std::string& json) {
  auto r = read(json);
  if (auto* msg = std::get_if<std::string>(&r)) FAIL(*msg);
  return std::get<FactValues>(std::move(r));
}

Outcome run(const std::string& measure, const FactValues& f, bool reference = false, Trace* trace = nullptr) {
  const Edition& ed = *loaded().ed;
  const MeasureInfo* m = ed.find_measure(measure);
  REQUIRE(m);
  auto r = reference ? evaluate_measure_reference(ed, *m, f, trace) : evaluate_measure(ed, *m, f, trace);
  if (auto* e = std::get_if<EvalError>(&r)) FAIL(e->message);
  return std::get<Outcome>(r);
}

std::string item(int months, const char* rate, const char* kind, const char* born) {
  return std::string("{\"月数\": ") + std::to_string(months) + ", \"比例\": \"" + rate + "\", \"类别\": \"" + kind +
         "\", \"出生\": \"" + born + "\"}";
}

}  // namespace

TEST_CASE("aggregates over a list fact: sum with a filter, count, max over a date filter, a cap used by another list") {
  // 300 × 12 × 100% + 300 × 6 × 50% = 3600 + 900 = 4500 (the adopted child is filtered out)
  const std::string kids = "[" + item(12, "100%", "亲生", "2023-05-01") + ", " + item(6, "50%", "亲生", "2024-02-01") +
                           ", " + item(3, "100%", "收养", "2024-06-01") + "]";
  auto f = facts("{\"子女\": " + kids + "}");
  CHECK(run("补贴", f).amount.to_string() == "4500.00");
  CHECK(run("补贴", f).bound == nullptr);
  // 往年 1000 + 500.50 used: room 5000 − 1500.50 = 3499.50 binds
  auto g = facts("{\"子女\": " + kids + ", \"往年\": [{\"数额\": 1000}, {\"数额\": \"500.50\"}]}");
  CHECK(run("补贴", g).amount.to_string() == "3499.50");
  REQUIRE(run("补贴", g).bound);
  CHECK(run("补贴", g).bound->name == "年度");
  // born on or after 2024-01-01: 6 and 3 months; the largest is 6 → 1800
  CHECK(run("最长", f).amount.to_string() == "1800.00");
  // no child with months: not eligible
  auto none = facts("{\"子女\": [" + item(0, "100%", "亲生", "2024-01-01") + "]}");
  CHECK_FALSE(run("补贴", none).eligible);
}

TEST_CASE("最大 with no item to take is an evaluation error at the aggregate") {
  const Edition& ed = *loaded().ed;
  auto f = facts("{\"子女\": [" + item(5, "100%", "亲生", "2020-01-01") + "]}");
  auto r = evaluate_measure(ed, *ed.find_measure("最长"), f);
  REQUIRE(std::holds_alternative<EvalError>(r));
  const auto& e = std::get<EvalError>(r);
  CHECK(e.message.find("最大 没有可取的项") != std::string::npos);
  CHECK(span_text(e.span).substr(0, 6) == "最大");
}

TEST_CASE("the compiled path and the tree-walker agree on aggregates, explanation included") {
  std::mt19937 rng(7);
  const char* rates[] = {"100%", "50%", "33.33%", "0"};
  const char* kinds[] = {"亲生", "收养"};
  const char* born[] = {"2023-12-31", "2024-01-01", "2025-03-01"};
  for (int n = 0; n < 200; ++n) {
    std::string kids = "[";
    const int count = static_cast<int>(rng() % 6);
    for (int i = 0; i < count; ++i)
      kids += (i ? ", " : "") + item(static_cast<int>(rng() % 13), rates[rng() % 4], kinds[rng() % 2], born[rng() % 3]);
    auto f = facts("{\"子女\": " + kids + "]}");
    Trace t1, t2;
    const Outcome a = run("补贴", f, false, &t1), b = run("补贴", f, true, &t2);
    CHECK(a.eligible == b.eligible);
    CHECK(a.amount == b.amount);
    if (a.eligible) {
      const auto x = describe_explanation(*loaded().ed, a, t1), y = describe_explanation(*loaded().ed, b, t2);
      REQUIRE(x.amount_choices.size() == 1);
      CHECK(x.amount_choices[0].kind == "合计");
      CHECK(x.amount_choices[0].outcome == y.amount_choices[0].outcome);
      CHECK(x.amount_choices[0].outcome.find("共 " + std::to_string(count) + " 项") == 0);
    }
  }
}

TEST_CASE("a list in JSON: bad items are refused naming the item and field") {
  auto error = [](const std::string& json) {
    auto r = read(json);
    REQUIRE(std::holds_alternative<std::string>(r));
    return std::get<std::string>(r);
  };
  CHECK(error("{\"子女\": {}}").find("应为 JSON 数组") != std::string::npos);
  CHECK(error("{\"子女\": [1]}").find("第 1 项应为对象") != std::string::npos);
  CHECK(error("{\"子女\": [{\"月数\": 1}]}").find("第 1 项缺少字段 比例") != std::string::npos);
  CHECK(error("{\"子女\": [" + item(1, "1", "亲生", "2024-01-01") + ", {\"x\": 1}]}").find("第 2 项中未知的字段 x") !=
        std::string::npos);
  CHECK(error("{\"子女\": [{\"月数\": 1, \"月数\": 2}]}") == "1:19: 事实 \"子女\" 第 1 项中重复的字段 \"月数\"");
  CHECK(error("{\"子女\": [{\"月数\": [1], \"比例\": 1, \"类别\": \"亲生\", \"出生\": \"2024-01-01\"}]}").find("月数") !=
        std::string::npos);
  CHECK(error("{\"子女\": [{\"月数\": 1, \"比例\": \"200%\", \"类别\": \"亲生\", \"出生\": \"2024-01-01\"}]}")
            .find("0–100%") != std::string::npos);
  // A list where one value is meant, and one value where a list is meant.
  CHECK(error("{\"子女\": 3}").find("应为 JSON 数组") != std::string::npos);
  // Nested containers inside an item's field are read past, not stored.
  CHECK(error("{\"子女\": [{\"月数\": {\"a\": [1, {\"b\": 2}]}, \"比例\": 1, \"类别\": \"亲生\", \"出生\": \"2024-01-01\"}]}")
            .find("月数") != std::string::npos);
}

TEST_CASE("a list longer than the limit is refused at the item past it") {
  std::string json = "{\"往年\": [";
  for (std::size_t i = 0; i < limits::kMaxListItems; ++i) json += "{\"数额\": 1},";
  std::size_t column = 1;  // columns count code points
  for (const char c : json) column += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  json += "{\"数额\": 1}], \"子女\": []}";
  auto r = read(json);
  REQUIRE(std::holds_alternative<std::string>(r));
  CHECK(std::get<std::string>(r) == "1:" + std::to_string(column) + ": 事实 \"往年\" 的列表过长:至多 10000 项");
  // At the limit it is read, and summed exactly.
  std::string ok = "{\"往年\": [";
  for (std::size_t i = 0; i < limits::kMaxListItems; ++i) ok += i ? ",{\"数额\": \"0.01\"}" : "{\"数额\": \"0.01\"}";
  ok += "], \"子女\": [" + item(1, "100%", "亲生", "2024-01-01") + "]}";
  auto f = facts(ok);
  // used 10000 × 0.01 = 100: room 4900, amount 300
  CHECK(run("补贴", f).amount.to_string() == "300.00");
}

TEST_CASE("the batch's fast reader hands a line holding a list to the precise reader") {
  json::FactKeyIndex index(*loaded().ed);
  json::FastLineReader fast(index);
  json::FastApplication app;
  const std::string line = "{\"id\": \"1\", \"measure\": \"补贴\", \"facts\": {\"子女\": [" + item(1, "100%", "亲生", "2024-01-01") + "]}}";
  CHECK_FALSE(fast.read(line, app, 0));
  auto precise = json::parse_application(line);
  REQUIRE(std::holds_alternative<json::Application>(precise));
  auto bound = bind_facts(*loaded().ed, std::get<json::Application>(precise).facts);
  REQUIRE(std::holds_alternative<FactValues>(bound));
  CHECK(run("补贴", std::get<FactValues>(bound)).amount.to_string() == "300.00");
}

TEST_CASE("a list fact is refused where only single values are read") {
  json::Scalar cell;
  cell.kind = json::Scalar::Kind::String;
  cell.text = "1";
  auto v = convert_fact(*loaded().ed, loaded().ed->find_fact("子女"), cell);
  REQUIRE(std::holds_alternative<std::string>(v));
  CHECK(std::get<std::string>(v).find("CSV、kuan allocate 与逐个设置不支持列表") != std::string::npos);
}
