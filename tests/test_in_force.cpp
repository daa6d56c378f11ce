// 施行 D1 至 D2 / 施行 D1 起 on a measure or a clause, and 施行中(M): which
// applications (by their date) a measure serves. Both evaluators refuse an
// out-of-force application the same way with the one reason; the date comes
// from a batch line's as_of, the run's (--as-of, BatchOptions::as_of), the
// single and whole-application calls, a 例's 于; errors are positioned.
#include <catch2/catch.hpp>

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "base/date.hpp"
#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/policy.hpp"
#include "policy_fixture.hpp"
#include "interpreter/render.hpp"
#include "interpreter/result.hpp"
#include "kuan/batch.hpp"
#include "kuan/kuan.hpp"
#include "kuan/testing.hpp"
#include "kuan/tooling.hpp"

using namespace kuan;

namespace {

const char* kRules = R"(政策 "施行"
版本 "v1"
状态 示例
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 投入: 金额
措施 奖励 "限期" {
  施行 2025-01-01 至 2027-12-31
  要求 投入 > 0元 否则 "没有投入"
  金额 = 投入 × 10%
}
措施 合计 { 金额 = 投入 × 20% − (若 施行中(奖励) 则 投入 × 10% 否则 0元) }
条款 (二) "新政" {
  施行 2026-01-01 起
  措施 新补助 { 金额 = 投入 × 5% }
}
)";

const testing::LoadedPolicy& loaded() {
  static const testing::LoadedPolicy l = testing::load_policy(kRules);
  return l;
}

FactValues facts(const std::string& json, const char* day) {
  auto parsed = json::parse_facts(json);
  REQUIRE(std::holds_alternative<json::FactsObject>(parsed));
  auto bound = bind_facts(*loaded().ed, std::get<json::FactsObject>(parsed).fields);
  REQUIRE(std::holds_alternative<FactValues>(bound));
  auto f = std::get<FactValues>(std::move(bound));
  if (day) f.as_of = parse_date(day);
  return f;
}

std::vector<std::string> reasons_of(const Outcome& o) {
  std::vector<std::string> out;
  for (const auto* r : o.failed) out.push_back(r->reason);
  return out;
}

// Both evaluators, which must agree; the compiled path's result is returned.
Outcome run(const std::string& measure, const FactValues& f) {
  const Edition& ed = *loaded().ed;
  const MeasureInfo* m = ed.find_measure(measure);
  REQUIRE(m);
  Trace t1, t2;
  auto a = evaluate_measure(ed, *m, f, &t1), b = evaluate_measure_reference(ed, *m, f, &t2);
  if (auto* e = std::get_if<EvalError>(&a)) FAIL(e->message);
  REQUIRE(std::holds_alternative<Outcome>(b));
  const Outcome& x = std::get<Outcome>(a);
  const Outcome& y = std::get<Outcome>(b);
  CHECK(x.eligible == y.eligible);
  CHECK(x.amount == y.amount);
  CHECK(reasons_of(x) == reasons_of(y));
  return x;
}

api::Edition public_edition() {
  static const api::Policy policy = api::Policy::from_text(kRules, "t.kuan").value();
  return policy.edition("v1").value();
}

}  // namespace

TEST_CASE("施行 on a measure: both days in force, the days around them refused with the one reason") {
  const std::string own = "措施 奖励 的施行期为 2025-01-01 至 2027-12-31,申请日期不在其中";
  CHECK_FALSE(run("奖励", facts(R"({"投入": "100万元"})", "2024-12-31")).eligible);
  CHECK(reasons_of(run("奖励", facts(R"({"投入": "100万元"})", "2024-12-31"))) == std::vector<std::string>{own});
  CHECK(run("奖励", facts(R"({"投入": "100万元"})", "2025-01-01")).amount.to_string() == "100000.00");
  CHECK(run("奖励", facts(R"({"投入": "100万元"})", "2027-12-31")).amount.to_string() == "100000.00");
  const Outcome after = run("奖励", facts(R"({"投入": "100万元"})", "2028-01-01"));
  CHECK_FALSE(after.eligible);
  CHECK(after.amount.to_string() == "0.00");
  CHECK(reasons_of(after) == std::vector<std::string>{own});
  // Nothing else is computed: a failing 要求 is not reported, a required fact may be absent.
  CHECK(reasons_of(run("奖励", facts(R"({"投入": "0元"})", "2028-01-01"))) == std::vector<std::string>{own});
  CHECK(reasons_of(run("奖励", facts("{}", "2028-01-01"))) == std::vector<std::string>{own});
  CHECK(reasons_of(run("奖励", facts(R"({"投入": "0元"})", "2026-01-01"))) == std::vector<std::string>{"没有投入"});
}

TEST_CASE("施行 on a clause dates its measures, 施行中(M) reads a measure's days") {
  CHECK(reasons_of(run("新补助", facts(R"({"投入": "1万元"})", "2025-12-31"))) ==
        std::vector<std::string>{"条款 (二) 的施行期为 2026-01-01 起,申请日期不在其中"});
  CHECK(run("新补助", facts(R"({"投入": "1万元"})", "2099-01-01")).amount.to_string() == "500.00");
  CHECK(run("合计", facts(R"({"投入": "1万元"})", "2027-12-31")).amount.to_string() == "1000.00");
  CHECK(run("合计", facts(R"({"投入": "1万元"})", "2028-01-01")).amount.to_string() == "2000.00");
  // No date: today in China — whichever day that is, the two evaluators agree.
  run("合计", facts(R"({"投入": "1万元"})", nullptr));
  run("奖励", facts(R"({"投入": "1万元"})", nullptr));
}

TEST_CASE("施行: the explanation shows the 施行 line as the first condition, met or not") {
  const Edition& ed = *loaded().ed;
  for (const char* day : {"2026-06-01", "2028-01-01"}) {
    Trace trace;
    auto r = evaluate_measure(ed, *ed.find_measure("奖励"), facts(R"({"投入": "1万元"})", day), &trace);
    REQUIRE(std::holds_alternative<Outcome>(r));
    std::string json;
    append_result_json(json, ed, std::get<Outcome>(r), nullptr, &trace);
    INFO(json);
    CHECK(json.find("施行 2025-01-01 至 2027-12-31") != std::string::npos);
  }
}

TEST_CASE("施行: the application's date from the API — single, whole, batch line, run option, version with as_of") {
  const api::Edition ed = public_edition();
  std::string out;
  REQUIRE_FALSE(api::evaluate_facts_json(ed, "奖励", R"({"投入": "1万元"})", false, api::ResultFormat::Json, out, "2028-01-01"));
  CHECK(out.find(R"("eligible":false)") != std::string::npos);
  out.clear();
  REQUIRE_FALSE(api::evaluate_facts_json(ed, "奖励", R"({"投入": "1万元"})", false, api::ResultFormat::Json, out, "2027-12-31"));
  CHECK(out.find(R"("amount":"1000.00")") != std::string::npos);
  auto bad = api::evaluate_facts_json(ed, "奖励", "{}", false, api::ResultFormat::Json, out, "2027-02-30");
  REQUIRE(bad);
  CHECK(bad->message.find("as_of 的日期无效") != std::string::npos);
  out.clear();
  REQUIRE_FALSE(api::evaluate_application_json(ed, R"({"投入": "1万元"})", false, api::ResultFormat::Json, out, "2028-01-01"));
  CHECK(out.find("措施 奖励 的施行期为") != std::string::npos);

  // A line's as_of with its version: the edition by name (状态 示例 is never chosen
  // by date), the date for 施行; without as_of, the run's.
  const api::Policy policy = api::Policy::from_text(kRules, "t.kuan").value();
  std::istringstream in(
      R"({"id": "a", "version": "v1", "as_of": "2028-01-01", "measure": "奖励", "facts": {"投入": "1万元"}})" "\n"
      R"({"id": "b", "measure": "奖励", "facts": {"投入": "1万元"}})" "\n"
      R"({"id": "c", "version": "v1", "as_of": "2026-13-01", "measure": "奖励", "facts": {"投入": "1万元"}})" "\n");
  std::ostringstream result;
  api::BatchOptions options;
  options.as_of = "2026-06-01";
  const auto summary = api::evaluate_batch(policy, ed, in, result, options);
  std::istringstream lines(result.str());
  std::string a, b, c;
  std::getline(lines, a);
  std::getline(lines, b);
  std::getline(lines, c);
  INFO(result.str());
  CHECK(a.find(R"("eligible":false)") != std::string::npos);
  CHECK(b.find(R"("amount":"1000.00")") != std::string::npos);
  CHECK(c.find(R"("code":"bad_line")") != std::string::npos);
  CHECK(summary.bad == 1);
  options.as_of = "yesterday";
  std::istringstream again("");
  CHECK(api::evaluate_batch(policy, ed, again, result, options).status == api::BatchStatus::BadArgument);
  std::string row;
  CHECK_FALSE(api::evaluate_batch_line(policy, ed, R"({"measure": "奖励", "facts": {}})", 7, options, row));
  CHECK(row.find(R"("line":7,"code":"bad_line")") != std::string::npos);
  options.as_of = "2028-01-01";
  row.clear();
  CHECK(api::evaluate_batch_line(policy, ed, R"({"measure": "奖励", "facts": {"投入": "1元"}})", 1, options, row));
  CHECK(row.find(R"("eligible":false)") != std::string::npos);
}

TEST_CASE("施行: the application's date of Edition::evaluate with typed facts, evaluate_json and evaluate_all") {
  const api::Edition ed = public_edition();
  api::Facts f = ed.new_facts();
  REQUIRE(f.set_money("投入", "1万元"));
  auto dated = [](const char* day, bool explain = false) {
    api::EvaluateOptions o;
    o.explain = explain;
    o.as_of = day;
    return o;
  };
  auto in = ed.evaluate("奖励", f, dated("2027-12-31"));
  REQUIRE(in);
  CHECK(in->eligible);
  CHECK(in->amount == "1000.00");
  auto out = ed.evaluate("奖励", f, dated("2028-01-01", true));
  REQUIRE(out);
  CHECK_FALSE(out->eligible);
  CHECK(out->reasons == std::vector<std::string>{"措施 奖励 的施行期为 2025-01-01 至 2027-12-31,申请日期不在其中"});
  REQUIRE(out->explanation);
  // 施行中(奖励) and a clause's 施行 read the same date
  CHECK(ed.evaluate("合计", f, dated("2027-12-31"))->amount == "1000.00");
  CHECK(ed.evaluate("合计", f, dated("2028-01-01"))->amount == "2000.00");
  CHECK_FALSE(ed.evaluate("新补助", f, dated("2025-12-31"))->eligible);
  CHECK(ed.evaluate_json("奖励", R"({"投入": "1万元"})", dated("2024-12-31"))->eligible == false);
  CHECK(ed.evaluate_json("奖励", R"({"投入": "1万元"})", dated("2025-01-01"))->amount == "1000.00");
  auto whole = ed.evaluate_all(f, dated("2028-01-01"));
  REQUIRE(whole);
  const std::string json = api::to_json(*whole);
  INFO(json);
  CHECK(json.find("措施 奖励 的施行期为") != std::string::npos);
  CHECK(api::to_json(*ed.evaluate_all_json(R"({"投入": "1万元"})", dated("2026-06-01"))).find("措施 奖励 的施行期为") == std::string::npos);
  // The facts keep no date: the next call without one is today's, and the date did not stick.
  CHECK(ed.evaluate("合计", f, dated("2027-12-31"))->amount == "1000.00");
  CHECK(ed.evaluate("合计", f));
  // Bad dates: an InvalidArgument error naming the text, never a throw.
  for (const char* bad : {"2027-02-30", "2027-13-01", "27-12-31", "2027/12/31", "today", " 2027-12-31", "2027-12-31\n"}) {
    INFO(bad);
    auto r = ed.evaluate("奖励", f, dated(bad));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == api::ErrorCode::InvalidArgument);
    CHECK(r.error().message == (bad[std::strlen(bad) - 1] == '\n' ? std::string("as_of 的日期无效(格式 YYYY-MM-DD)")
                                                                   : std::string("as_of 的日期无效:\"") + bad + "\"(格式 YYYY-MM-DD)"));
    CHECK(ed.evaluate_json("奖励", "{}", dated(bad)).error().code == api::ErrorCode::InvalidArgument);
    CHECK(ed.evaluate_all(f, dated(bad)).error().code == api::ErrorCode::InvalidArgument);
    CHECK(ed.evaluate_all_json("{}", dated(bad)).error().code == api::ErrorCode::InvalidArgument);
  }
  api::EvaluateOptions nul;
  nul.as_of = std::string("2027-12-31\0x", 12);
  CHECK(ed.evaluate("奖励", f, nul).error().code == api::ErrorCode::InvalidArgument);
  CHECK(ed.evaluate("奖励", f, nul).error().message == "as_of 的日期无效(格式 YYYY-MM-DD)");
  nul.as_of = std::string(1 << 20, '9');
  CHECK(ed.evaluate("奖励", f, nul).error().message == "as_of 的日期无效(格式 YYYY-MM-DD)");
  nul.as_of = "\xff\xfe";
  CHECK(ed.evaluate("奖励", f, nul).error().message == "as_of 的日期无效(格式 YYYY-MM-DD)");
}

TEST_CASE("日期无效: one wording (base/date.hpp bad_date_message), the same bytes from every door") {
  CHECK(bad_date_message("--as-of", "\"2025-02-30\"") == "--as-of 的日期无效:\"2025-02-30\"(格式 YYYY-MM-DD)");
  CHECK(bad_date_message("\"as_of\"", "\"\"") == "\"as_of\" 的日期无效:\"\"(格式 YYYY-MM-DD)");
  CHECK(bad_date_message("as_of") == "as_of 的日期无效(格式 YYYY-MM-DD)");
  CHECK(bad_date_message("", "\"x\"") == "日期无效:\"x\"(格式 YYYY-MM-DD)");
  CHECK(bad_date_message("", "\"x\"", ",或 今天") == "日期无效:\"x\"(格式 YYYY-MM-DD,或 今天)");
  CHECK(bad_date_message("as_of", "'2025-13-01'") == "as_of 的日期无效:'2025-13-01'(格式 YYYY-MM-DD)");  // Python's repr
  CHECK(api::bad_date_message("--as-of", "\"x\"") == bad_date_message("--as-of", "\"x\""));
  // The doors that compose it: a policy's choice by date, a batch line under a bad run date.
  const api::Policy policy = api::Policy::from_text(kRules, "t.kuan").value();
  CHECK(policy.edition_on("2025-02-30").error().message == "日期无效:\"2025-02-30\"(格式 YYYY-MM-DD)");
  std::string out;
  api::BatchOptions options;
  options.as_of = "2025-02-30";
  CHECK_FALSE(api::evaluate_batch_line(policy, policy.latest(), R"({"measure": "奖励", "facts": {}})", 7, options, out));
  CHECK(out == "{\"line\":7,\"code\":\"bad_line\",\"error\":\"as_of 的日期无效(格式 YYYY-MM-DD)\"}\n");
}

TEST_CASE("施行: a 例 is dated by 于, else on the edition's first day") {
  const std::string text = std::string(kRules) + R"(例 奖励 "期内" 于 2027-12-31 { 投入 = 1万元  得 1000元 }
例 奖励 "期满" 于 2028-01-01 { 投入 = 1万元  不适用 "施行期为 2025-01-01 至 2027-12-31" }
例 奖励 "版本首日尚未施行" { 投入 = 1万元  不适用 "施行期" }
例 合计 "期满后不减" 于 2028-01-01 { 投入 = 1万元  得 2000元 }
例 奖励 "写错的日期" 于 2028-01-01 { 投入 = 1万元  得 1000元 }
)";
  auto loaded = api::Policy::from_text(text, "t.kuan");
  INFO(loaded.rendered());
  REQUIRE(loaded);
  auto examples = api::run_examples(loaded.policy->edition("v1").value());
  REQUIRE(examples);
  REQUIRE(examples->size() == 5);
  CHECK((*examples)[0].passed);
  CHECK((*examples)[1].passed);
  CHECK((*examples)[2].passed);
  CHECK((*examples)[3].passed);
  CHECK_FALSE((*examples)[4].passed);
}

TEST_CASE("施行: errors at the line — reversed, no such day, twice, outside its clause, 施行中 misused") {
  auto first_error = [](const std::string& body) {
    std::vector<Diagnostic> diags;
    Policy::from_text("t.kuan", "政策 \"p\"\n版本 \"v1\"\n施行 2020-01-01 起\n舍入 四舍五入 至 0.01元\n事实 a: 金额\n" + body, diags);
    REQUIRE_FALSE(diags.empty());
    return diags[0].rendered;
  };
  CHECK(first_error("措施 M {\n  施行 2027-12-31 至 2025-01-01\n  金额 = a\n}\n")
            .rfind("t.kuan:7:19: error: 施行的结束日期早于开始日期", 0) == 0);
  CHECK(first_error("措施 M {\n  施行 2027-02-29 起\n  金额 = a\n}\n").rfind("t.kuan:7:6: error: 没有这一天:2027-02-29", 0) == 0);
  CHECK(first_error("措施 M {\n  施行 2025-01-01 起\n  施行 2026-01-01 起\n  金额 = a\n}\n")
            .rfind("t.kuan:8:3: error: 措施中 施行 写了两次", 0) == 0);
  CHECK(first_error("条款 (一) {\n  施行 2025-01-01 至 2025-12-31\n  措施 M {\n    施行 2025-06-01 起\n    金额 = a\n  }\n}\n")
            .rfind("t.kuan:9:5: error: 措施 M 的施行期 2025-06-01 起 超出条款 (一) 的施行期 2025-01-01 至 2025-12-31", 0) == 0);
  CHECK(first_error("措施 M { 金额 = 若 施行中(a) 则 a 否则 0元 }\n").find("a 不是措施") != std::string::npos);
  CHECK(first_error("措施 M { 金额 = 若 施行中() 则 a 否则 0元 }\n").find("须为一个措施名") != std::string::npos);
  CHECK(first_error("参数 p = 若 施行中(M) 则 1元 否则 2元\n措施 M { 金额 = a + p }\n").find("只能使用字面量和参数") !=
        std::string::npos);
  // A leap day exists in a leap year.
  std::vector<Diagnostic> diags;
  CHECK(Policy::from_text("t.kuan", "政策 \"p\"\n版本 \"v1\"\n施行 2020-01-01 起\n舍入 四舍五入 至 0.01元\n事实 a: 金额\n"
                          "措施 M {\n  施行 2028-02-29 起\n  金额 = a\n}\n", diags));
}
