// 结果 NAME = EXPR: a measure's named figures (taxable income, tax, tax due …)
// beside its amount, in one result — computed by the tree-walker (the compiled
// form hands such a measure over), rounded as the amount, read by 金额, later
// 结果 and 性质, shown in JSON (`figures`), text, explanations, batch JSONL and
// CSV (`结果.NAME` columns), and expected by a 例.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/loaded_edition.hpp"
#include "interpreter/policy.hpp"
#include "interpreter/render.hpp"
#include "interpreter/result_writer.hpp"
#include "interpreter/result.hpp"
#include "kuan/allocation.hpp"
#include "kuan/batch.hpp"
#include "kuan/kuan.h"
#include "kuan/kuan.hpp"
#include "kuan/testing.hpp"
#include "policy_fixture.hpp"

using namespace kuan;

namespace {

const char* kRules = R"(政策 "结果"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 收入: 金额
事实 已缴: 金额 = 0元
定义 所得 = max(0元, 收入 − 6万元)
措施 汇算 "年度汇算" 可为负 {
  要求 收入 > 0元 否则 "没有收入"
  结果 应纳税所得额 = 所得
  结果 应纳税额 = 累进 应纳税所得额 { 至 3万元 => 5%, 以上 => 10% }
  结果 应补退税额 = 应纳税额 − 已缴
  金额 = 应补退税额
}
措施 补贴 {
  金额 = 收入 × 10%
}
)";

std::string str_or(const char* s) { return s ? s : "(null)"; }

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

Outcome outcome(const std::string& json, Trace* trace = nullptr) {
  const Edition& ed = *loaded().ed;
  const MeasureInfo& m = *ed.find_measure("汇算");
  auto a = evaluate_measure(ed, m, facts(json), trace);
  auto b = evaluate_measure_reference(ed, m, facts(json));
  REQUIRE(std::holds_alternative<Outcome>(a));
  REQUIRE(std::holds_alternative<Outcome>(b));
  CHECK(std::get<Outcome>(a).figures == std::get<Outcome>(b).figures);
  CHECK(std::get<Outcome>(a).amount == std::get<Outcome>(b).amount);
  return std::get<Outcome>(std::move(a));
}

std::vector<std::string> strings(const std::vector<Decimal>& v) {
  std::vector<std::string> out;
  for (const auto& d : v) out.push_back(d.to_string());
  return out;
}

std::vector<std::string> check_errors(const std::string& body) {
  std::vector<Diagnostic> diags;
  auto policy = Policy::from_text("t.kuan", std::string(R"(政策 "x"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 收入: 金额
定义 所得 = 收入
)") + body, diags);
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(d.rendered);
  return out;
}

bool has(const std::vector<std::string>& all, const std::string& part) {
  for (const auto& s : all)
    if (s.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("结果: each figure in order, rounded, read by later 结果 and by 金额") {
  const Outcome o = outcome(R"({"收入": "160000.004", "已缴": "5000"})");
  CHECK(o.eligible);
  // 所得 100000.004 → 100000.00; the tax reads the rounded figure: 1500 + 70000 × 10%
  CHECK(strings(o.figures) == std::vector<std::string>{"100000.00", "8500.00", "3500.00"});
  CHECK(o.amount.to_string() == "3500.00");
  // The compiled form hands a measure with 结果 to the tree-walker.
  CHECK(compiled_form(*loaded().ed, *loaded().ed->find_measure("汇算")) == nullptr);
}

TEST_CASE("结果: negative figures (a refund), none when not eligible") {
  const Outcome refund = outcome(R"({"收入": "70000", "已缴": "800"})");
  CHECK(strings(refund.figures) == std::vector<std::string>{"10000.00", "500.00", "-300.00"});
  CHECK(refund.amount.to_string() == "-300.00");
  const Outcome none = outcome(R"({"收入": "0"})");
  CHECK_FALSE(none.eligible);
  CHECK(none.figures.empty());
}

TEST_CASE("结果: JSON `figures`, text and the explanation") {
  const Edition& ed = *loaded().ed;
  Trace trace;
  const Outcome o = outcome(R"({"收入": "160000", "已缴": "5000"})", &trace);
  std::string json;
  append_result_json(json, ed, o, nullptr, nullptr);
  CHECK(json == R"({"measure":"汇算","version":"v1","eligible":true,"amount":"3500.00","reasons":[],"bound":null,)"
                R"("figures":{"应纳税所得额":"100000.00","应纳税额":"8500.00","应补退税额":"3500.00"}})");
  // The fast writer of a batch gives the same bytes.
  std::string fast;
  ResultWriter(ed).append(fast, ed, o, nullptr);
  CHECK(fast == json);
  std::string explained;
  append_result_json(explained, ed, o, nullptr, &trace);
  INFO(explained);
  CHECK(explained.find(R"("figures":[{"name":"应纳税所得额","value":"100000.00","expression":"所得","at":"t.kuan:10:6","choices":[]},)") !=
        std::string::npos);
  CHECK(explained.find(R"({"kind":"累进","expression":"应纳税所得额","outcome":"0元–30000元 的部分)") != std::string::npos);
  std::string text;
  append_result_text(text, ed, o, &trace);
  INFO(text);
  CHECK(text.find("  结果 应纳税额:8500.00 元\n") != std::string::npos);
  CHECK(text.find("  结果 应补退税额:应纳税额 − 已缴 = 3500.00元  [t.kuan:12:6]\n") != std::string::npos);
}

TEST_CASE("结果: a batch gives one object per application, JSONL and CSV") {
  auto policy = api::Policy::from_text(kRules, "t.kuan");
  REQUIRE(policy);
  std::istringstream in(R"({"id": "a", "measure": "汇算", "facts": {"收入": "16万元", "已缴": "5000"}})" "\n"
                        R"({"id": "b", "measure": "补贴", "facts": {"收入": "1万元"}})" "\n"
                        R"({"id": "c", "measure": "汇算", "facts": {"收入": "x"}})" "\n");
  std::ostringstream out;
  api::evaluate_batch(*policy.policy, policy.policy->latest(), in, out);
  const std::string jsonl = out.str();
  INFO(jsonl);
  CHECK(jsonl.find(R"({"id":"a","measure":"汇算","version":"v1","eligible":true,"amount":"3500.00","reasons":[],"bound":null,"figures":{"应纳税所得额":"100000.00","应纳税额":"8500.00","应补退税额":"3500.00"}})") !=
        std::string::npos);
  CHECK(jsonl.find(R"({"id":"b","measure":"补贴","version":"v1","eligible":true,"amount":"1000.00","reasons":[],"bound":null})") !=
        std::string::npos);

  std::istringstream in2(in.str());
  std::ostringstream csv;
  api::BatchOptions options;
  options.output = api::BatchFormat::Csv;
  api::evaluate_batch(*policy.policy, policy.policy->latest(), in2, csv, options);
  INFO(csv.str());
  std::istringstream lines(csv.str());
  std::string header, a, b, c;
  std::getline(lines, header), std::getline(lines, a), std::getline(lines, b), std::getline(lines, c);
  CHECK(header == "id,measure,version,eligible,amount,reasons,notes,bound,clause,line,code,error,结果.应纳税所得额,结果.应纳税额,结果.应补退税额");
  CHECK(a == "a,汇算,v1,true,3500.00,,,,,,,,100000.00,8500.00,3500.00");
  CHECK(b == "b,补贴,v1,true,1000.00,,,,,,,,,,");
  CHECK(c.rfind("c,,,,,,,,,3,bad_fact,", 0) == 0);
  CHECK(c.substr(c.size() - 3) == ",,,");
}

TEST_CASE("结果: a 例 expects named figures, and a wrong one says which") {
  const std::string text = std::string(kRules) + R"(例 汇算 "对" { 收入 = 16万元, 已缴 = 5000元  得 3500元 结果 应纳税所得额 = 10万元, 应纳税额 = 8500元 }
例 汇算 "分行" { 收入 = 16万元
  得 8500元
  结果 应纳税额 = 8500元
  结果 应补退税额 = 8500元
}
例 汇算 "错" { 收入 = 16万元  得 8500元 结果 应纳税额 = 8000元, 应纳税所得额 = 10万元 }
性质 汇算 "应补退税额是税额减已缴" { 对任意 申请 当 适用 有 金额 = 应纳税额 − 已缴 }
)";
  auto policy = api::Policy::from_text(text, "t.kuan");
  INFO(policy.rendered());
  REQUIRE(policy);
  auto examples = api::run_examples(policy.policy->latest());
  REQUIRE(examples);
  REQUIRE(examples->size() == 3);
  CHECK((*examples)[0].passed);
  CHECK((*examples)[1].passed);
  CHECK_FALSE((*examples)[2].passed);
  CHECK((*examples)[2].detail == "预期 结果 应纳税额 = 8000.00元,实得 结果 应纳税额 = 8500.00元");
}

TEST_CASE("结果: checked with positioned messages") {
  CHECK(has(check_errors("措施 M { 结果 所得 = 收入  金额 = 所得 }\n"), "t.kuan:7:11: error: 结果 所得 与已声明的定义同名(t.kuan:6:4):结果须另起名称"));
  CHECK(has(check_errors("措施 M { 结果 甲 = 收入  结果 甲 = 收入  金额 = 甲 }\n"), "t.kuan:7:22: error: 结果 甲 在此措施中重复"));
  CHECK(has(check_errors("措施 M { 结果 金额 = 收入  金额 = 收入 }\n"), "error: 结果 不能叫 金额"));
  CHECK(has(check_errors("措施 M { 结果 甲 = 乙  结果 乙 = 收入  金额 = 甲 }\n"),
            "t.kuan:7:15: error: 结果 乙 在这里不能引用:结果只能由 金额、写在它后面的 结果 与 性质 读取"));
  CHECK(has(check_errors("措施 M { 要求 甲 > 0元 否则 \"x\"  结果 甲 = 收入  金额 = 甲 }\n"), "t.kuan:7:11: error: 结果 甲 在这里不能引用"));
  CHECK(has(check_errors("措施 M { 结果 甲 = 10%  金额 = 收入 }\n"), "t.kuan:7:15: error: 结果 甲 须为金额,这里是比例"));
  CHECK(has(check_errors("措施 M { 结果 甲 = 收入  金额 = 甲 }\n例 M { 收入 = 1元  得 1元 结果 乙 = 1元 }\n"),
            "t.kuan:8:24: error: 措施 M 没有名为 乙 的结果"));
  CHECK(has(check_errors("措施 M { 要求 收入 > 1元 否则 \"x\" 结果 甲 = 收入  金额 = 甲 }\n例 M { 收入 = 1元  不适用 结果 甲 = 1元 }\n"),
            "error: 只有 得 金额 的例能预期 结果"));
  // 结果 is not reserved: a fact, a 定义 or a 例's fact may still be called 结果.
  CHECK(check_errors("事实 结果: 金额\n措施 M { 金额 = 结果 }\n例 M { 结果 = 1元  得 1元 }\n").empty());
}

TEST_CASE("结果: the C interface lists the figures by name") {
  kuan_error err = KUAN_ERROR_INIT;
  kuan_policy* p = kuan_policy_from_text(kRules, "t.kuan", nullptr, &err);
  REQUIRE(p);
  const kuan_edition* ed = kuan_policy_latest(p);
  kuan_result* r = kuan_evaluate_json(ed, "汇算", R"({"收入": "70000", "已缴": "800"})", 0, &err);
  REQUIRE(r);
  REQUIRE(kuan_result_figure_count(r) == 3);
  CHECK(std::string(kuan_result_figure_name(r, 0)) == "应纳税所得额");
  CHECK(std::string(kuan_result_figure_amount(r, 0)) == "10000.00");
  CHECK(std::string(kuan_result_figure_name(r, 2)) == "应补退税额");
  CHECK(std::string(kuan_result_figure_amount(r, 2)) == "-300.00");
  CHECK(kuan_result_figure_name(r, 3) == nullptr);
  CHECK(kuan_result_figure_amount(r, 3) == nullptr);
  CHECK(kuan_result_figure_count(nullptr) == 0);
  kuan_result_free(r);
  kuan_policy_free(p);
  kuan_error_clear(&err);
}

TEST_CASE("结果: allocation records, CSV columns and the C interface's allocation") {
  auto policy = api::Policy::from_text(kRules, "t.kuan");
  REQUIRE(policy);
  const std::string year = R"({"id": "a", "applicant": "E", "measure": "汇算", "facts": {"收入": "16万元", "已缴": "5000"}})" "\n"
                           R"({"id": "b", "applicant": "E", "measure": "补贴", "facts": {"收入": "1万元"}})" "\n"
                           R"({"id": "c", "applicant": "F", "measure": "汇算", "facts": {"收入": "0"}})" "\n";
  auto created = api::Allocator::create(policy.policy->latest());
  REQUIRE(std::holds_alternative<api::Allocator>(created));
  api::Allocator& allocator = std::get<api::Allocator>(created);
  std::istringstream in(year);
  REQUIRE_FALSE(allocator.read(in));
  const auto a = allocator.decision_record(0), b = allocator.decision_record(1), c = allocator.decision_record(2);
  REQUIRE((a && b && c));
  CHECK((a->id == "a" && a->applicant == "E" && a->measure == "汇算" && a->eligible && a->amount == "3500.00" &&
         a->allocated == "3500.00" && a->reasons.empty() && !a->bound));
  REQUIRE(a->figures.size() == 3);
  CHECK((a->figures[0].name == "应纳税所得额" && a->figures[0].amount == "100000.00"));
  CHECK((a->figures[2].name == "应补退税额" && a->figures[2].amount == "3500.00"));
  CHECK((b->eligible && b->figures.empty()));  // a measure without 结果
  CHECK((!c->eligible && c->figures.empty() && c->reasons == std::vector<std::string>{"没有收入"}));
  CHECK_FALSE(allocator.decision_record(3));

  CHECK(allocator.edition_csv_header() == "id,applicant,measure,eligible,amount,allocated,reasons,bound,cap_room_used,pro_rata,"
                                          "extra_cent,quota_rank,notes,结果.应纳税所得额,结果.应纳税额,结果.应补退税额\n");
  std::string row;
  REQUIRE(allocator.decision(0, api::AllocationFormat::Csv, row));
  CHECK(row == "a,E,汇算,true,3500.00,3500.00,,,,,,,,100000.00,8500.00,3500.00\n");
  row.clear();
  REQUIRE(allocator.decision(2, api::AllocationFormat::Csv, row));
  CHECK(row == "c,F,汇算,false,0.00,0.00,没有收入,,,,,,,,,\n");
  std::ostringstream written;
  REQUIRE(allocator.write(written, api::AllocationFormat::Csv));
  CHECK(written.str().rfind(allocator.edition_csv_header() + "a,E,", 0) == 0);

  kuan_error err = KUAN_ERROR_INIT;
  kuan_policy* p = kuan_policy_from_text(kRules, "t.kuan", nullptr, &err);
  REQUIRE(p);
  const kuan_edition* ed = kuan_policy_latest(p);
  kuan_allocation* year_c = kuan_allocate(ed, year.data(), year.size(), 0, "2025-06-01", &err);
  REQUIRE(year_c);
  REQUIRE(kuan_allocation_count(year_c) == 3);
  CHECK(std::string(kuan_allocation_id(year_c, 0)) == "a");
  CHECK(std::string(kuan_allocation_applicant(year_c, 0)) == "E");
  CHECK(std::string(kuan_allocation_measure(year_c, 0)) == "汇算");
  CHECK(kuan_allocation_eligible(year_c, 0) == 1);
  CHECK(std::string(kuan_allocation_amount(year_c, 0)) == "3500.00");
  CHECK(std::string(kuan_allocation_allocated(year_c, 0)) == "3500.00");
  CHECK(kuan_allocation_bound(year_c, 0) == nullptr);
  REQUIRE(kuan_allocation_figure_count(year_c, 0) == 3);
  CHECK(std::string(kuan_allocation_figure_name(year_c, 0, 1)) == "应纳税额");
  CHECK(std::string(kuan_allocation_figure_amount(year_c, 0, 1)) == "8500.00");
  CHECK(kuan_allocation_figure_name(year_c, 0, 3) == nullptr);
  CHECK(kuan_allocation_figure_count(year_c, 1) == 0);
  CHECK(kuan_allocation_eligible(year_c, 2) == 0);
  REQUIRE(kuan_allocation_reason_count(year_c, 2) == 1);
  CHECK(std::string(kuan_allocation_reason(year_c, 2, 0)) == "没有收入");
  CHECK(kuan_allocation_reason(year_c, 2, 1) == nullptr);
  CHECK((kuan_allocation_id(year_c, 3) == nullptr && kuan_allocation_figure_count(year_c, 3) == 0 &&
         kuan_allocation_eligible(year_c, 3) == 0 && kuan_allocation_figure_amount(year_c, 9, 0) == nullptr));
  char* jsonl = kuan_allocation_decisions(year_c, 0);
  REQUIRE(jsonl);
  CHECK(std::string(jsonl).find(R"("figures":{"应纳税所得额":"100000.00","应纳税额":"8500.00","应补退税额":"3500.00"})") !=
        std::string::npos);
  kuan_string_free(jsonl);
  char* csv = kuan_allocation_decisions(year_c, KUAN_ALLOCATE_CSV);
  REQUIRE(csv);
  CHECK(std::string(csv) == written.str());
  kuan_string_free(csv);
  kuan_allocation_free(year_c);

  // A refused year: the line and column in the input, the field; NULLs are argument errors, not crashes.
  const std::string bad = std::string(year.substr(0, year.find('\n') + 1)) + "{\"id\": \"d\", \"applicant\": \"E\", \"measure\": \"无此\", \"facts\": {}}\n";
  CHECK(kuan_allocate(ed, bad.data(), bad.size(), 0, nullptr, &err) == nullptr);
  CHECK(err.code == KUAN_INVALID_ARGUMENT);
  CHECK((str_or(err.file) == "<input>" && err.line == 2 && str_or(err.fact) == "measure"));
  CHECK(str_or(err.message).find("无此") != std::string::npos);
  const std::string nul("{\"id\": \"a\"\0}\n", 13);
  CHECK(kuan_allocate(ed, nul.data(), nul.size(), 0, nullptr, &err) == nullptr);
  CHECK((err.code == KUAN_INVALID_ARGUMENT && err.line == 1));
  CHECK(kuan_allocate(ed, year.data(), year.size(), 0, "2025-02-30", &err) == nullptr);
  CHECK(err.code == KUAN_INVALID_ARGUMENT);
  CHECK(kuan_allocate(nullptr, year.data(), year.size(), 0, nullptr, &err) == nullptr);
  CHECK(kuan_allocate(ed, nullptr, 5, 0, nullptr, &err) == nullptr);
  CHECK(err.code == KUAN_INVALID_ARGUMENT);
  kuan_allocation* empty = kuan_allocate(ed, nullptr, 0, KUAN_ALLOCATE_CSV, nullptr, &err);
  CHECK(kuan_allocation_count(empty) == 0);
  kuan_allocation_free(empty);
  CHECK(kuan_allocation_count(nullptr) == 0);
  CHECK(kuan_allocation_decisions(nullptr, 0) == nullptr);
  kuan_allocation_free(nullptr);
  kuan_policy_free(p);
  kuan_error_clear(&err);
}
