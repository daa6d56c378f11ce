// The C interface (include/kuan/kuan.h): a round trip through the C functions
// only, as a C host or an FFI would call them.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <string>

#include "kuan/kuan.h"
#include "kuan/kuan.hpp"

namespace {

const std::string kPolicy = std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai";

std::string str(const char* s) { return s ? s : "(null)"; }

// Owns a kuan_error for one test.
struct Err {
  kuan_error e = KUAN_ERROR_INIT;
  ~Err() { kuan_error_clear(&e); }
  kuan_error* operator&() { return &e; }
};

struct Policy {
  kuan_policy* p;
  explicit Policy(kuan_policy* policy) : p(policy) {}
  ~Policy() { kuan_policy_free(p); }
};

}  // namespace

TEST_CASE("capi: the library says its version", "[capi]") {
  CHECK(std::string(kuan_version()) == KUAN_PROJECT_VERSION);
  CHECK(std::string(kuan::api::version()) == kuan_version());
}

TEST_CASE("capi: load, list, set facts, evaluate, read the result", "[capi]") {
  Err err;
  kuan_diagnostics* diags = nullptr;
  Policy policy(kuan_policy_load(kPolicy.c_str(), &diags, &err));
  REQUIRE(policy.p);
  CHECK(err.e.code == KUAN_OK);
  CHECK(err.e.message == nullptr);
  REQUIRE(diags);
  kuan_diagnostic d = KUAN_SIZED(kuan_diagnostic);
  for (size_t i = 0; kuan_diagnostics_get(diags, i, &d); ++i) CHECK(d.severity != KUAN_SEVERITY_ERROR);
  kuan_diagnostics_free(diags);

  REQUIRE(kuan_policy_edition_count(policy.p) >= 1);
  CHECK(kuan_policy_edition_at(policy.p, 1000) == nullptr);
  const kuan_edition* ed = kuan_policy_edition(policy.p, "2025年版", &err);
  REQUIRE(ed);
  CHECK(kuan_policy_edition_on(policy.p, "2025-07-01", &err) == ed);
  CHECK(kuan_policy_latest(policy.p) != nullptr);

  kuan_edition_info info = KUAN_SIZED(kuan_edition_info);
  REQUIRE(kuan_edition_get_info(ed, &info));
  CHECK(str(info.name) == "2025年版");
  CHECK(str(info.effective_from) == "2025-06-13");
  CHECK((info.effective_to == nullptr || std::strlen(info.effective_to) == 10));  // open-ended, or YYYY-MM-DD
  CHECK(str(info.rounding) == "四舍五入 至 0.01元");
  CHECK(info.measure_count >= 3);
  CHECK(info.fact_count >= 13);

  size_t m = 0;
  REQUIRE(kuan_edition_find_measure(ed, "算力券", &m));
  CHECK(!kuan_edition_find_measure(ed, "没有", &m));
  kuan_measure_info mi = KUAN_SIZED(kuan_measure_info);
  REQUIRE(kuan_edition_get_measure(ed, m, &mi));
  CHECK(str(mi.name) == "算力券");
  CHECK(str(mi.clause) == "(一)");
  CHECK(mi.cap_count == 2);
  kuan_cap_info cap = KUAN_SIZED(kuan_cap_info);
  REQUIRE(kuan_edition_get_measure_cap(ed, m, 0, &cap));
  CHECK(str(cap.name) == "智能券叠加上限");
  CHECK(cap.stacking == 1);
  CHECK(!kuan_edition_get_measure_cap(ed, m, 2, &cap));
  bool saw_enum = false;
  for (size_t i = 0; i < mi.fact_count; ++i) {
    kuan_fact_info fi = KUAN_SIZED(kuan_fact_info);
    REQUIRE(kuan_edition_get_measure_fact(ed, m, i, &fi));
    if (str(fi.name) == "采购类型") {
      saw_enum = true;
      CHECK(fi.type == KUAN_FACT_ENUM);
      CHECK(str(fi.type_name) == "枚举");
      REQUIRE(fi.enum_count == 2);
      CHECK(str(fi.enum_values[0]) == "模型服务");
      CHECK(str(fi.enum_values[1]) == "算力服务");
      CHECK(fi.required);
    }
    if (str(fi.name) == "模型已备案") {
      CHECK(fi.type == KUAN_FACT_BOOL);
      CHECK(str(fi.default_text) == "否");
      CHECK(!fi.required);
      CHECK(str(fi.label) == "依托经备案的大模型");
    }
  }
  CHECK(saw_enum);
  CHECK(!kuan_edition_get_measure_fact(ed, m, mi.fact_count, nullptr));
  kuan_fact_info any = KUAN_SIZED(kuan_fact_info);
  CHECK(kuan_edition_get_fact(ed, 0, &any));
  CHECK(!kuan_edition_get_fact(ed, info.fact_count, &any));

  // Size-prefixed structs: an unset size is refused; a host whose header's struct ends
  // before `label` (an older, shorter version) gets the fields it knows and nothing past them.
  kuan_fact_info unsized{};
  CHECK(!kuan_edition_get_fact(ed, 0, &unsized));
  CHECK(unsized.name == nullptr);
  kuan_fact_info older{};
  older.size = offsetof(kuan_fact_info, label);
  const char* sentinel = "untouched";
  older.label = sentinel;
  older.enum_count = 12345;
  REQUIRE(kuan_edition_get_fact(ed, 0, &older));
  CHECK(str(older.name) == str(any.name));
  CHECK(older.type == any.type);
  CHECK(older.label == sentinel);
  CHECK(older.enum_count == 12345);
  CHECK(older.size == offsetof(kuan_fact_info, label));

  kuan_facts* f = kuan_facts_new(ed);
  REQUIRE(f);
  CHECK(kuan_facts_set_money(f, "合同金额", "120万元", &err) == KUAN_OK);
  CHECK(kuan_facts_set_enum(f, "采购类型", "算力服务", &err) == KUAN_OK);
  CHECK(kuan_facts_set_enum(f, "算力设施档位", "一档", &err) == KUAN_OK);
  CHECK(kuan_facts_set_money_fen(f, "本年度已申领算力券", 780000000, &err) == KUAN_OK);
  CHECK(kuan_facts_set_bool(f, "中小企业", 0, &err) == KUAN_OK);
  CHECK(kuan_facts_has(f, "合同金额"));
  CHECK(!kuan_facts_has(f, "核定年度上限"));

  kuan_result* r = kuan_evaluate(ed, "算力券", f, KUAN_EXPLAIN, &err);
  REQUIRE(r);
  CHECK(err.e.code == KUAN_OK);
  CHECK(str(kuan_result_measure(r)) == "算力券");
  CHECK(str(kuan_result_edition(r)) == "2025年版");
  CHECK(str(kuan_result_clause(r)) == "(一)");
  CHECK(kuan_result_eligible(r) == 1);
  CHECK(str(kuan_result_amount(r)) == "200000.00");
  int64_t fen = -1;
  CHECK(kuan_result_amount_fen(r, &fen));
  CHECK(fen == 20000000);
  CHECK(str(kuan_result_bound(r)) == "算力券年度余额");
  CHECK(kuan_result_reason_count(r) == 0);
  CHECK(kuan_result_reason(r, 0) == nullptr);
  CHECK(kuan_result_note_count(r) == 0);
  CHECK(kuan_result_figure_count(r) == 0);  // 结果: none in the 2025年版 (tests/test_named_results.cpp has some)
  CHECK(kuan_result_figure_name(r, 0) == nullptr);

  kuan_explanation x = KUAN_SIZED(kuan_explanation);
  REQUIRE(kuan_result_explanation(r, &x));
  CHECK(str(x.measure) == "算力券");
  CHECK(x.line > 0);
  CHECK(str(x.rate) == "0.3");
  CHECK(str(x.base) == "1200000");
  CHECK(str(x.computed) == "360000");
  CHECK(str(x.before_rounding) == "200000");
  CHECK(str(x.rounding_mode) == "四舍五入");
  REQUIRE(x.condition_count == 2);
  kuan_condition_step c = KUAN_SIZED(kuan_condition_step);
  REQUIRE(kuan_result_condition(r, 1, &c));
  CHECK(c.held == 1);
  CHECK(std::strstr(str(c.file).c_str(), "01-算力券和智能券.kuan") != nullptr);
  REQUIRE(x.cap_count == 2);
  kuan_cap_step s = KUAN_SIZED(kuan_cap_step);
  REQUIRE(kuan_result_cap(r, 0, &s));
  CHECK(str(s.name) == "智能券叠加上限");
  CHECK(s.applies == 0);
  CHECK(s.limit == nullptr);
  REQUIRE(kuan_result_cap(r, 1, &s));
  CHECK(str(s.name) == "算力券年度余额");
  CHECK(s.applies == 1);
  CHECK(str(s.limit) == "8000000");
  CHECK(str(s.used) == "7800000");
  CHECK(str(s.room) == "200000");
  CHECK(s.lowered == 1);
  CHECK(s.bound == 1);
  CHECK(!kuan_result_cap(r, 2, &s));
  kuan_result_free(r);

  // Not eligible; no explanation asked.
  CHECK(kuan_facts_set_enum(f, "采购类型", "模型服务", &err) == KUAN_OK);
  r = kuan_evaluate(ed, "算力券", f, 0, &err);
  REQUIRE(r);
  CHECK(kuan_result_eligible(r) == 0);
  CHECK(str(kuan_result_amount(r)) == "0.00");
  REQUIRE(kuan_result_reason_count(r) == 1);
  CHECK(str(kuan_result_reason(r, 0)) == "模型服务须依托经备案的大模型");
  CHECK(kuan_result_bound(r) == nullptr);
  CHECK(!kuan_result_explanation(r, &x));
  kuan_result_free(r);

  // A copy is independent.
  kuan_facts* g = kuan_facts_copy(f);
  CHECK(kuan_facts_set_bool(g, "模型已备案", 1, &err) == KUAN_OK);
  kuan_facts_unset(g, "本年度已申领算力券", &err);
  r = kuan_evaluate(ed, "算力券", g, 0, &err);
  CHECK(str(kuan_result_amount(r)) == "360000.00");
  kuan_result_free(r);
  r = kuan_evaluate(ed, "算力券", f, 0, &err);
  CHECK(kuan_result_eligible(r) == 0);
  kuan_result_free(r);
  kuan_facts_free(g);
  kuan_facts_free(f);
}

TEST_CASE("capi: errors are values with messages and positions", "[capi]") {
  Err err;
  kuan_diagnostics* diags = nullptr;
  kuan_policy* bad = kuan_policy_from_text("政策 \"x\"\n版本 \"v\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n事实 a: 金额\n"
                                           "措施 m {\n  金额 = a × a\n}\n",
                                           "bad.kuan", &diags, &err);
  CHECK(bad == nullptr);
  CHECK(err.e.code == KUAN_RULE_ERRORS);
  CHECK(str(err.e.file) == "bad.kuan");
  CHECK(err.e.line == 7);
  CHECK(err.e.column == 8);
  CHECK(std::string(err.e.message).find("金额 × 金额") != std::string::npos);
  REQUIRE(kuan_diagnostics_count(diags) >= 1);
  kuan_diagnostic d = KUAN_SIZED(kuan_diagnostic);
  REQUIRE(kuan_diagnostics_get(diags, 0, &d));
  CHECK(d.severity == KUAN_SEVERITY_ERROR);
  CHECK(str(d.file) == "bad.kuan");
  CHECK(d.line == 7);
  CHECK(std::string(d.rendered).rfind("bad.kuan:7:8: error:", 0) == 0);
  CHECK(!kuan_diagnostics_get(diags, 99, &d));
  kuan_diagnostics_free(diags);

  CHECK(kuan_policy_load("/nonexistent", nullptr, &err) == nullptr);
  CHECK(err.e.code == KUAN_RULE_ERRORS);
  CHECK(err.e.file == nullptr);  // no file to point at

  Policy policy(kuan_policy_from_text("政策 \"x\"\n版本 \"v\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n事实 a: 金额\n事实 r: 比例 可选\n"
                                      "措施 m { 比例 = r\n 基数 = a }\n",
                                      nullptr, nullptr, &err));
  REQUIRE(policy.p);
  CHECK(err.e.code == KUAN_OK);  // cleared on success
  CHECK(kuan_policy_edition(policy.p, "w", &err) == nullptr);
  CHECK(err.e.code == KUAN_UNKNOWN_EDITION);
  CHECK(kuan_policy_edition_on(policy.p, "2024-01-01", &err) == nullptr);
  CHECK(err.e.code == KUAN_UNKNOWN_EDITION);
  CHECK(kuan_policy_edition_on(policy.p, "2024-1-1", &err) == nullptr);
  CHECK(err.e.code == KUAN_INVALID_ARGUMENT);
  const kuan_edition* ed = kuan_policy_latest(policy.p);
  REQUIRE(ed);

  kuan_facts* f = kuan_facts_new(ed);
  CHECK(kuan_facts_set_money(f, "b", "1", &err) == KUAN_UNKNOWN_FACT);
  CHECK(str(err.e.fact) == "b");
  CHECK(kuan_facts_set_rate(f, "a", "1%", &err) == KUAN_WRONG_FACT_TYPE);
  CHECK(err.e.line == 5);  // the declaration of a
  CHECK(kuan_facts_set_money(f, "a", "-3", &err) == KUAN_INVALID_FACT_VALUE);
  CHECK(kuan_facts_set_integer(f, "a", 3, &err) == KUAN_WRONG_FACT_TYPE);
  CHECK(kuan_facts_set_number(f, "a", "3", &err) == KUAN_WRONG_FACT_TYPE);
  CHECK(kuan_facts_set_date(f, "a", "2025-01-01", &err) == KUAN_WRONG_FACT_TYPE);
  CHECK(kuan_facts_set_text(f, "a", "三元", &err) == KUAN_INVALID_FACT_VALUE);
  CHECK(kuan_facts_set_json(f, "{\"a\": ", &err) == KUAN_BAD_JSON);
  CHECK(str(err.e.file) == "<json>");
  CHECK(err.e.line == 1);
  CHECK(kuan_facts_set_money(f, "a", "100", &err) == KUAN_OK);
  CHECK(err.e.code == KUAN_OK);

  // Remembered setter errors stop evaluation until cleared.
  kuan_result* r = kuan_evaluate(ed, "m", f, 0, &err);
  CHECK(r == nullptr);
  CHECK(err.e.code == KUAN_UNKNOWN_FACT);
  kuan_facts_clear(f);
  CHECK(kuan_facts_set_json(f, "{\"a\": \"100\"}", &err) == KUAN_OK);

  // A 可选 fact read while absent: a language error, positioned in the rules.
  r = kuan_evaluate(ed, "m", f, 0, &err);
  CHECK(r == nullptr);
  CHECK(err.e.code == KUAN_EVALUATION_ERROR);
  CHECK(str(err.e.file) == "<text>");
  CHECK(err.e.line == 7);
  CHECK(kuan_facts_set_text(f, "r", "25%", &err) == KUAN_OK);
  r = kuan_evaluate(ed, "m", f, 0, &err);
  REQUIRE(r);
  CHECK(str(kuan_result_amount(r)) == "25.00");
  kuan_result_free(r);

  CHECK(kuan_evaluate(ed, "n", f, 0, &err) == nullptr);
  CHECK(err.e.code == KUAN_UNKNOWN_MEASURE);
  CHECK(std::string(kuan_code_name(err.e.code)) == "unknown_measure");

  kuan_facts_unset(f, "a", &err);
  CHECK(kuan_evaluate(ed, "m", f, 0, &err) == nullptr);
  CHECK(err.e.code == KUAN_MISSING_FACTS);
  CHECK(str(err.e.fact) == "a");

  kuan_facts* from_json = kuan_facts_from_json(ed, "{\"a\": 1, \"r\": \"0.5\"}", &err);
  REQUIRE(from_json);
  r = kuan_evaluate(ed, "m", from_json, 0, &err);
  CHECK(str(kuan_result_amount(r)) == "0.50");
  kuan_result_free(r);
  kuan_facts_free(from_json);
  CHECK(kuan_facts_from_json(ed, "{\"zz\": 1}", &err) == nullptr);
  CHECK(err.e.code == KUAN_UNKNOWN_FACT);

  r = kuan_evaluate_json(ed, "m", "{\"a\": 2, \"r\": \"50%\"}", 0, &err);
  CHECK(str(kuan_result_amount(r)) == "1.00");
  kuan_result_free(r);
  CHECK(kuan_evaluate_json(ed, "m", "nope", 0, &err) == nullptr);
  CHECK(err.e.code == KUAN_BAD_JSON);

  // Facts for another edition.
  Err err2;
  Policy other(kuan_policy_load(kPolicy.c_str(), nullptr, &err2));
  kuan_facts* foreign = kuan_facts_new(kuan_policy_latest(other.p));
  CHECK(kuan_evaluate(ed, "m", foreign, 0, &err) == nullptr);
  CHECK(err.e.code == KUAN_WRONG_EDITION);
  kuan_facts_free(foreign);
  kuan_facts_free(f);
}

TEST_CASE("capi: NULL arguments are reported, not crashes", "[capi]") {
  Err err;
  CHECK(kuan_policy_load(nullptr, nullptr, &err) == nullptr);
  CHECK(err.e.code == KUAN_INVALID_ARGUMENT);
  CHECK(kuan_policy_from_text(nullptr, nullptr, nullptr, &err) == nullptr);
  CHECK(kuan_policy_edition(nullptr, "x", &err) == nullptr);
  CHECK(err.e.code == KUAN_INVALID_ARGUMENT);
  CHECK(kuan_policy_edition_count(nullptr) == 0);
  CHECK(kuan_policy_latest(nullptr) == nullptr);
  CHECK(kuan_facts_new(nullptr) == nullptr);
  CHECK(kuan_facts_set_money(nullptr, "a", "1", &err) == KUAN_INVALID_ARGUMENT);
  CHECK(kuan_evaluate(nullptr, "m", nullptr, 0, &err) == nullptr);
  CHECK(kuan_evaluate(nullptr, "m", nullptr, 0, nullptr) == nullptr);  // error reporting is optional
  CHECK(kuan_result_amount(nullptr) == nullptr);
  CHECK(kuan_result_eligible(nullptr) == 0);
  CHECK(kuan_diagnostics_count(nullptr) == 0);
  kuan_policy_free(nullptr);
  kuan_facts_free(nullptr);
  kuan_result_free(nullptr);
  kuan_diagnostics_free(nullptr);
  kuan_error_clear(nullptr);
}

TEST_CASE("capi: facts and results outlive the policy they came from", "[capi]") {
  Err err;
  kuan_policy* p = kuan_policy_load(kPolicy.c_str(), nullptr, &err);
  REQUIRE(p);
  const kuan_edition* ed = kuan_policy_edition(p, "2025年版", &err);
  kuan_facts* f = kuan_facts_new(ed);
  kuan_facts_set_json(f, "{\"合同金额\": 800000, \"申请主体\": \"高校\", \"智能券档位\": \"一档\"}", &err);
  kuan_result* r = kuan_evaluate(ed, "智能券", f, KUAN_EXPLAIN, &err);
  REQUIRE(r);
  kuan_policy_free(p);
  CHECK(str(kuan_result_amount(r)) == "240000.00");
  kuan_explanation x = KUAN_SIZED(kuan_explanation);
  REQUIRE(kuan_result_explanation(r, &x));
  CHECK(std::strstr(str(x.file).c_str(), ".kuan") != nullptr);  // the rule text is still there
  CHECK(kuan_facts_has(f, "合同金额"));
  kuan_result_free(r);
  kuan_facts_free(f);
}

TEST_CASE("capi: the application's date (as_of) chooses the measures in force, a bad one is an argument error", "[capi]") {
  Err err;
  Policy policy(kuan_policy_from_text("政策 \"x\"\n版本 \"v\"\n施行 2020-01-01 起\n舍入 四舍五入 至 0.01元\n事实 a: 金额\n"
                                      "措施 m {\n  施行 2025-01-01 至 2027-12-31\n  金额 = a × 10%\n}\n"
                                      "措施 n { 金额 = a × 5% }\n",
                                      "dated.kuan", nullptr, &err));
  REQUIRE(policy.p);
  const kuan_edition* ed = kuan_policy_edition(policy.p, "v", &err);
  REQUIRE(ed);
  kuan_facts* f = kuan_facts_new(ed);
  REQUIRE(kuan_facts_set_money(f, "a", "1万元", &err) == KUAN_OK);

  kuan_result* in = kuan_evaluate_as_of(ed, "m", f, 0, "2027-12-31", &err);
  REQUIRE(in);
  CHECK(kuan_result_eligible(in));
  CHECK(str(kuan_result_amount(in)) == "1000.00");
  kuan_result_free(in);
  kuan_result* out = kuan_evaluate_as_of(ed, "m", f, KUAN_EXPLAIN, "2028-01-01", &err);
  REQUIRE(out);
  CHECK_FALSE(kuan_result_eligible(out));
  REQUIRE(kuan_result_reason_count(out) == 1);
  CHECK(str(kuan_result_reason(out, 0)) == "措施 m 的施行期为 2025-01-01 至 2027-12-31,申请日期不在其中");
  kuan_result_free(out);
  kuan_result* js = kuan_evaluate_json_as_of(ed, "m", "{\"a\": \"1万元\"}", 0, "2024-12-31", &err);
  REQUIRE(js);
  CHECK_FALSE(kuan_result_eligible(js));
  kuan_result_free(js);
  // NULL and "" are today (in China): whatever day that is, the call succeeds.
  kuan_result* today = kuan_evaluate_as_of(ed, "n", f, 0, nullptr, &err);
  REQUIRE(today);
  CHECK(str(kuan_result_amount(today)) == "500.00");
  kuan_result_free(today);
  today = kuan_evaluate_as_of(ed, "n", f, 0, "", &err);
  REQUIRE(today);
  kuan_result_free(today);

  char* all = kuan_evaluate_all_as_of(ed, f, 0, "2028-01-01", &err);
  REQUIRE(all);
  CHECK(std::string(all).find("措施 m 的施行期为") != std::string::npos);
  kuan_string_free(all);
  all = kuan_evaluate_all_json_as_of(ed, "{\"a\": \"1万元\"}", 0, "2026-06-01", &err);
  REQUIRE(all);
  CHECK(std::string(all).find("\"amount\":\"1000.00\"") != std::string::npos);
  kuan_string_free(all);

  for (const char* bad : {"2027-02-30", "2027-1-1", "tomorrow", "2027-12-31 ", "２０２７-01-01"}) {
    INFO(bad);
    CHECK(kuan_evaluate_as_of(ed, "m", f, 0, bad, &err) == nullptr);
    CHECK(err.e.code == KUAN_INVALID_ARGUMENT);
    CHECK(std::string(err.e.message).find("as_of 的日期无效") != std::string::npos);
    CHECK(kuan_evaluate_json_as_of(ed, "m", "{\"a\": 1}", 0, bad, &err) == nullptr);
    CHECK(err.e.code == KUAN_INVALID_ARGUMENT);
    CHECK(kuan_evaluate_all_as_of(ed, f, 0, bad, &err) == nullptr);
    CHECK(err.e.code == KUAN_INVALID_ARGUMENT);
    CHECK(kuan_evaluate_all_json_as_of(ed, "{}", 0, bad, &err) == nullptr);
    CHECK(err.e.code == KUAN_INVALID_ARGUMENT);
  }
  CHECK(kuan_evaluate_as_of(nullptr, "m", f, 0, "2027-01-01", &err) == nullptr);
  CHECK(err.e.code == KUAN_INVALID_ARGUMENT);
  kuan_facts_free(f);
}
