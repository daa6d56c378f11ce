// Facts from an application into typed values: the checks the spec requires
// of every input (money ≥ 0, rates within 0–100%, integers whole, enumerations
// one of their values, no unknown names, no binary floating point), each
// failure naming the fact so an applicant knows what to fix.
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/policy.hpp"

using namespace kuan;
using K = json::Scalar::Kind;

namespace {

// One fact of every type, so the conversions do not depend on which clauses
// the shipped policy happens to contain.
const char* kRules = R"(
政策 "事实测试"
版本 "测试版"
施行 2025-01-01 起
舍入 四舍五入 至 0.01元

事实 合同金额: 金额
事实 贴息点数: 比例
事实 已获补助年数: 整数 = 0
事实 评审得分: 数值 可选
事实 中小企业: 布尔 = 否
事实 申报日: 日期 可选
事实 采购类型: 枚举 { 模型服务, 算力服务 }
事实 核定年度上限: 金额 可选

措施 测试 "测试" {
  要求 中小企业 或 已获补助年数 < 3 或 有 申报日 或 有 评审得分 否则 "不适用"
  比例 = 若 采购类型 = 模型服务 则 贴息点数 否则 30%
  基数 = 若 有 核定年度上限 则 核定年度上限 否则 合同金额
}
)";

const Edition& edition() {
  static std::shared_ptr<const Policy> policy = [] {
    std::vector<Diagnostic> diags;
    auto p = Policy::from_text("facts-test.kuan", kRules, diags);
    if (!p) {
      std::string all;
      for (const auto& d : diags) all += d.rendered;
      throw std::runtime_error("test rules do not load:\n" + all);
    }
    return p;
  }();
  return *policy->editions().front();
}

int slot(const std::string& name) {
  const int s = edition().find_fact(name);
  if (s < 0) throw std::runtime_error("no fact " + name);
  return s;
}

// Set member by member: Scalar's list members have no default member
// initializers (clang), so a braced init would leave them unnamed (a warning).
json::Scalar scalar(K kind, const std::string& text, bool b) {
  json::Scalar s;
  s.kind = kind, s.text = text, s.boolean = b;
  return s;
}
json::Scalar number(const std::string& text) { return scalar(K::Number, text, false); }
json::Scalar str(const std::string& text) { return scalar(K::String, text, false); }
json::Scalar boolean(bool b) { return scalar(K::Bool, "", b); }
json::Scalar null() { return scalar(K::Null, "", false); }

Decimal D(const std::string& s) {
  auto d = Decimal::parse(s);
  if (!d) throw std::runtime_error("test literal does not parse: " + s);
  return *d;
}

// The value converted for `fact`, failing the test with the message otherwise.
Value ok(const std::string& fact, const json::Scalar& v) {
  auto r = convert_fact(edition(), slot(fact), v);
  if (auto* msg = std::get_if<std::string>(&r)) FAIL("rejected " << fact << " = " << v.text << ": " << *msg);
  return std::get<Value>(r);
}

// The message for a rejected value; it must name the fact.
std::string rejected(const std::string& fact, const json::Scalar& v) {
  auto r = convert_fact(edition(), slot(fact), v);
  if (!std::holds_alternative<std::string>(r)) FAIL("accepted " << fact << " = " << v.text);
  const std::string msg = std::get<std::string>(r);
  CHECK_THAT(msg, Catch::Contains(fact));
  return msg;
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

std::variant<FactValues, std::string> bind(const std::string& document) {
  auto parsed = json::parse_facts(document);
  if (auto* e = std::get_if<json::InputError>(&parsed)) FAIL("bad test JSON: " << e->message);
  return bind_facts(edition(), std::get<json::FactsObject>(parsed).fields);
}

}  // namespace

TEST_CASE("parse_money_text: plain and with 元/万元/亿元", "[facts]") {
  CHECK(parse_money_text("1234.56") == D("1234.56"));
  CHECK(parse_money_text("120万元") == D("1200000"));
  CHECK(parse_money_text("2.5亿元") == D("250000000"));
  CHECK(parse_money_text("800元") == D("800"));
  CHECK(parse_money_text("0.01万元") == D("100"));
  CHECK(parse_money_text("50.01万元") == D("500100"));
  // Exact far beyond double precision.
  CHECK(parse_money_text("12345678901234567.89") == D("12345678901234567.89"));
  for (const char* bad : {"", "010", "1e3", "0x1F", "NaN", "inf", "万元", "元", "1,000", "1.2.3", ".5", "5.",
                          "+5", "12万", "3亿"}) {
    INFO(bad);
    CHECK_FALSE(parse_money_text(bad));
  }
}

TEST_CASE("parse_rate_text: fractions, % and 个百分点", "[facts]") {
  CHECK(parse_rate_text("0.3") == D("0.3"));
  CHECK(parse_rate_text("30%") == D("0.3"));
  CHECK(parse_rate_text("1.2个百分点") == D("0.012"));
  CHECK(parse_rate_text("0.012") == D("0.012"));
  CHECK(parse_rate_text("12.5%") == D("0.125"));
  for (const char* bad : {"", "%", "个百分点", "3 0%", "1e-2", "0x1"}) {
    INFO(bad);
    CHECK_FALSE(parse_rate_text(bad));
  }
}

TEST_CASE("money facts from JSON numbers keep their text exactly", "[facts]") {
  CHECK(ok("合同金额", number("1234.56")).number == D("1234.56"));
  CHECK(ok("合同金额", number("0")).number.is_zero());
  CHECK(ok("合同金额", number("0.1")).number == D("0.1"));  // not 0.1000000000000000055…
  CHECK(ok("合同金额", number("123456789012345678901234.5")).number == D("123456789012345678901234.5"));
  CHECK(ok("合同金额", number("1234.56")).kind == TypeKind::Money);
}

TEST_CASE("JSON numbers in exponent form are read exactly (spec, amended)", "[facts]") {
  CHECK(ok("合同金额", number("6.39324688E+6")).number == D("6393246.88"));
  CHECK(ok("合同金额", number("1.2e6")).number == D("1200000"));
  CHECK(ok("合同金额", number("1e3")).number == D("1000"));
  CHECK(ok("合同金额", number("1E3")).number == D("1000"));
  CHECK(ok("合同金额", number("0.0125e3")).number == D("12.5"));
  CHECK(ok("合同金额", number("123456789012345678901234567890e-10")).number == D("12345678901234567890.1234567890"));
  CHECK(ok("合同金额", number("0e5")).number.is_zero());
  CHECK(ok("贴息点数", number("1.5E-2")).number == D("0.015"));
  CHECK(ok("贴息点数", number("1e-2")).number == D("0.01"));
  CHECK(ok("贴息点数", number("5e-4000")).number == parse_json_number("0." + std::string(3999, '0') + "5"));
  // Exact where a double is not: 0.1 + 0.2 style values survive.
  CHECK(ok("合同金额", number("3.0000000000000004441e-1")).number == D("0.30000000000000004441"));
  CHECK_FALSE(parse_json_number("1e4001"));
  CHECK(parse_json_number("-2.5e1") == D("-25"));
}

TEST_CASE("money facts from strings, with units", "[facts]") {
  CHECK(ok("合同金额", str("1234.56")).number == D("1234.56"));
  CHECK(ok("合同金额", str("120万元")).number == D("1200000"));
  CHECK(ok("合同金额", str("2.5亿元")).number == D("250000000"));
  CHECK(ok("合同金额", str("800元")).number == D("800"));
}

TEST_CASE("malformed or negative money is rejected naming the fact", "[facts]") {
  for (const char* bad : {"010", "1e", "1e+", "e3", "1.e3", "-1e3", "-5", "-0.01", "1e99999"}) {
    INFO(bad);
    rejected("合同金额", number(bad));
  }
  for (const char* bad : {"", "010", "1e3", "0x1F", "NaN", "-5", "-1万元", "abc", "12万"}) {
    INFO(bad);
    rejected("合同金额", str(bad));
  }
  CHECK(contains(rejected("合同金额", number("-5")), "负"));
  rejected("合同金额", boolean(true));
  rejected("合同金额", scalar(K::Array, "", false));
  rejected("合同金额", scalar(K::Object, "", false));
  rejected("合同金额", null());
}

TEST_CASE("rate facts: fractions and unit strings within 0–100%", "[facts]") {
  CHECK(ok("贴息点数", number("0.3")).number == D("0.3"));
  CHECK(ok("贴息点数", str("30%")).number == D("0.3"));
  CHECK(ok("贴息点数", str("1.2个百分点")).number == D("0.012"));
  CHECK(ok("贴息点数", str("0.012")).number == D("0.012"));
  CHECK(ok("贴息点数", number("0")).number.is_zero());
  CHECK(ok("贴息点数", number("1")).number == D("1"));
  CHECK(ok("贴息点数", str("100%")).number == D("1"));
  CHECK(ok("贴息点数", str("30%")).kind == TypeKind::Rate);
  for (const char* bad : {"1.5", "30", "-0.1", "1.5e0", "1e1"}) {
    INFO(bad);
    rejected("贴息点数", number(bad));
  }
  for (const char* bad : {"-1%", "150%", "101个百分点", "abc", ""}) {
    INFO(bad);
    rejected("贴息点数", str(bad));
  }
  rejected("贴息点数", boolean(false));
}

TEST_CASE("integer facts must be whole JSON integers", "[facts]") {
  CHECK(ok("已获补助年数", number("2")).number == D("2"));
  CHECK(ok("已获补助年数", number("2")).kind == TypeKind::Integer);
  CHECK(ok("已获补助年数", number("1e2")).number == D("100"));  // a whole number in exponent form
  for (const char* bad : {"1.5", "2.0", "1.5e0", "1e-1"}) {
    INFO(bad);
    rejected("已获补助年数", number(bad));
  }
  rejected("已获补助年数", str("2"));
  rejected("已获补助年数", boolean(true));
}

TEST_CASE("plain number facts (数值)", "[facts]") {
  CHECK(ok("评审得分", number("87.5")).number == D("87.5"));
  CHECK(ok("评审得分", number("87.5")).kind == TypeKind::Number);
  CHECK(ok("评审得分", number("8.75e1")).number == D("87.5"));
  rejected("评审得分", boolean(true));
}

TEST_CASE("boolean facts accept only true/false", "[facts]") {
  CHECK(ok("中小企业", boolean(true)).truthy());
  CHECK_FALSE(ok("中小企业", boolean(false)).truthy());
  rejected("中小企业", str("true"));
  rejected("中小企业", str("是"));
  rejected("中小企业", number("1"));
}

TEST_CASE("date facts", "[facts]") {
  CHECK(ok("申报日", str("2025-06-13")).kind == TypeKind::Date);
  CHECK(ok("申报日", str("2025-06-14")).small - ok("申报日", str("2025-06-13")).small == 1);
  rejected("申报日", str("2025-13-01"));
  rejected("申报日", str("2025-02-30"));
  rejected("申报日", number("20250613"));
}

TEST_CASE("enumeration facts: one of the values — the message lists them", "[facts]") {
  CHECK(ok("采购类型", str("模型服务")).small == 0);
  CHECK(ok("采购类型", str("算力服务")).small == 1);
  auto msg = rejected("采购类型", str("算力"));
  CHECK(contains(msg, "模型服务"));
  CHECK(contains(msg, "算力服务"));
  rejected("采购类型", str(""));
  rejected("采购类型", str(" 算力服务"));
  rejected("采购类型", number("1"));
}

TEST_CASE("bind_facts: all fields, unknown names, null", "[facts]") {
  const auto& ed = edition();
  SECTION("a full document binds every slot it names") {
    auto r = bind(R"({"合同金额": "120万元", "贴息点数": "1.2个百分点", "已获补助年数": 1, "中小企业": true,
                      "采购类型": "算力服务", "申报日": "2025-07-01", "评审得分": 90})");
    REQUIRE(std::holds_alternative<FactValues>(r));
    const auto& f = std::get<FactValues>(r);
    REQUIRE(f.values.size() == ed.facts.size());
    CHECK(f.present[slot("合同金额")]);
    CHECK(f.values[slot("合同金额")].number == D("1200000"));
    CHECK(f.values[slot("贴息点数")].number == D("0.012"));
    CHECK(f.present[slot("申报日")]);
    CHECK_FALSE(f.present[slot("核定年度上限")]);
  }
  SECTION("unknown fact name") {
    auto r = bind(R"({"合同金额": 1, "合同金頟": 2})");
    REQUIRE(std::holds_alternative<std::string>(r));
    CHECK(contains(std::get<std::string>(r), "合同金頟"));
  }
  SECTION("the first bad fact is reported by name") {
    auto r = bind(R"({"合同金额": 1, "贴息点数": 2, "已获补助年数": 1.5})");
    REQUIRE(std::holds_alternative<std::string>(r));
    CHECK(contains(std::get<std::string>(r), "贴息点数"));
  }
  SECTION("null for an optional fact = absent") {
    auto r = bind(R"({"合同金额": 1, "核定年度上限": null, "申报日": null})");
    REQUIRE(std::holds_alternative<FactValues>(r));
    CHECK_FALSE(std::get<FactValues>(r).present[slot("核定年度上限")]);
    CHECK_FALSE(std::get<FactValues>(r).present[slot("申报日")]);
  }
  SECTION("null for a fact with a default = absent, so the default applies") {
    auto r = bind(R"({"中小企业": null})");
    REQUIRE(std::holds_alternative<FactValues>(r));
    CHECK_FALSE(std::get<FactValues>(r).present[slot("中小企业")]);
  }
  SECTION("null for a required fact is an error naming it") {
    auto r = bind(R"({"合同金额": null})");
    REQUIRE(std::holds_alternative<std::string>(r));
    CHECK(contains(std::get<std::string>(r), "合同金额"));
  }
  SECTION("an empty document binds nothing") {
    auto r = bind("{}");
    REQUIRE(std::holds_alternative<FactValues>(r));
    for (auto p : std::get<FactValues>(r).present) CHECK_FALSE(p);
  }
}

TEST_CASE("bound facts evaluate as written (no float on the way)", "[facts]") {
  const auto& ed = edition();
  auto r = bind(R"({"合同金额": 0.1, "贴息点数": "0.3", "采购类型": "模型服务"})");
  REQUIRE(std::holds_alternative<FactValues>(r));
  auto out = evaluate_measure(ed, *ed.find_measure("测试"), std::get<FactValues>(r));
  REQUIRE(std::holds_alternative<Outcome>(out));
  // 0.1 × 0.3 = 0.03 exactly.
  CHECK(std::get<Outcome>(out).amount.to_string() == "0.03");
}
