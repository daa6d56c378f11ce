// The C++ embedding API (include/kuan/kuan.hpp), used only through its public
// header, as a host would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "kuan/kuan.hpp"

namespace api = kuan::api;

namespace {

const std::string kPolicy = std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai";

// One edition with a fact of every type.
const char* kAllTypes = R"(政策 "测试"
版本 "测试版"
施行 2025-01-01 至 2025-12-31
舍入 四舍五入 至 0.01元
事实 金额事实: 金额                  标签 "一笔钱"
事实 比例事实: 比例 = 10%
事实 整数事实: 整数 = 1
事实 数值事实: 数值 = 0
事实 日期事实: 日期 = 2025-01-01
事实 布尔事实: 布尔 = 否
事实 枚举事实: 枚举 { 甲, 乙 } 可选
措施 全部 "所有类型" {
  要求 日期事实 ≥ 2025-01-01 否则 "日期太早"
  要求 整数事实 ≥ 1 否则 "整数太小"
  要求 数值事实 ≥ 0 否则 "数值为负"
  要求 非 布尔事实 否则 "布尔为真"
  比例 = 比例事实
  基数 = 金额事实 × 整数事实
  上限 封顶 = 1000元
}
措施 选择 {
  金额 = 按 枚举事实 { 甲 => 1元, 乙 => 2元 }
}
)";

const api::Policy& hangzhou() {
  static const api::Policy policy = api::Policy::load(kPolicy).value();
  return policy;
}

api::Edition edition_2025() { return hangzhou().edition("2025年版").value(); }

api::Edition all_types() {
  static const api::Policy policy = api::Policy::from_text(kAllTypes, "types.kuan").value();
  return policy.latest();
}

}  // namespace

TEST_CASE("api: a policy folder loads — editions by name and by date", "[api]") {
  auto loaded = api::Policy::load(kPolicy);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.rendered().find("error") == std::string::npos);
  const api::Policy& p = *loaded.policy;
  REQUIRE(!p.editions().empty());

  auto ed = p.edition("2025年版");
  REQUIRE(ed.ok());
  CHECK(ed->name() == "2025年版");
  CHECK(ed->policy_name() == "杭州市加快建设人工智能创新高地的若干政策举措");
  CHECK(ed->effective_from() == "2025-06-13");
  CHECK(ed->rounding() == "四舍五入 至 0.01元");

  auto on = p.edition_on("2025-07-01");
  REQUIRE(on.ok());
  CHECK(on->name() == "2025年版");

  auto before = p.edition_on("2020-01-01");
  REQUIRE(!before.ok());
  CHECK(before.error().code == api::ErrorCode::UnknownEdition);

  auto bad_date = p.edition_on("2025-13-01");
  CHECK(bad_date.error().code == api::ErrorCode::InvalidArgument);

  auto none = p.edition("2099年版");
  CHECK(none.error().code == api::ErrorCode::UnknownEdition);
  CHECK(none.error().message.find("2025年版") != std::string::npos);  // lists what there is
  CHECK_THROWS_AS(none.value(), api::Exception);
}

TEST_CASE("api: rule errors come back as diagnostics with positions, never as exceptions", "[api]") {
  auto r = api::Policy::from_text("政策 \"x\"\n版本 \"v\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n事实 合同金额: 金额\n"
                                  "措施 m {\n  金额 = 合同金额 × 合同金额\n}\n",
                                  "bad.kuan");
  REQUIRE(!r.ok());
  REQUIRE(!r.diagnostics.empty());
  const api::Diagnostic& d = r.diagnostics.front();
  CHECK(d.severity == api::Severity::Error);
  CHECK(d.file == "bad.kuan");
  CHECK(d.line == 7);
  CHECK(d.column == 8);
  CHECK(d.message.find("金额 × 金额") != std::string::npos);
  CHECK(d.rendered.rfind("bad.kuan:7:8: error: ", 0) == 0);
  CHECK(r.rendered() == d.rendered + [&] {
          std::string rest;
          for (std::size_t i = 1; i < r.diagnostics.size(); ++i) rest += r.diagnostics[i].rendered;
          return rest;
        }());

  try {
    r.value();
    FAIL("value() should throw when there is no policy");
  } catch (const api::Exception& e) {
    CHECK(e.error().code == api::ErrorCode::RuleErrors);
    CHECK(e.error().where.line == 7);
    CHECK(std::string(e.what()).rfind("bad.kuan:7:8: ", 0) == 0);
  }

  auto syntax = api::Policy::from_text("措施 {", "s.kuan");
  REQUIRE(!syntax.ok());
  CHECK(syntax.diagnostics.front().line == 1);

  auto missing = api::Policy::load("/nonexistent/policy");
  REQUIRE(!missing.ok());
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].message.find("/nonexistent/policy") != std::string::npos);

  CHECK(!api::Policy::from_sources({}).ok());
}

TEST_CASE("api: several files form one edition", "[api]") {
  auto r = api::Policy::from_sources({{"a.kuan", "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n事实 x: 金额\n"},
                                      {"b.kuan", "措施 m { 比例 = 50%\n 基数 = x }\n"}});
  REQUIRE(r.ok());
  api::Edition ed = r.policy->latest();
  auto out = ed.evaluate_json("m", R"({"x": "10.01"})");
  REQUIRE(out.ok());
  CHECK(out->amount == "5.01");  // 5.005 rounds half up
  CHECK(ed.measure("m")->where.file == "b.kuan");
}

TEST_CASE("api: measures and their facts with types, defaults and labels", "[api]") {
  api::Edition ed = edition_2025();
  REQUIRE(ed.measures().size() >= 3);
  const api::MeasureInfo* m = ed.measure("算力券");
  REQUIRE(m);
  CHECK(m->title == "杭州算力券(单独申请)");
  CHECK(m->clause == "(一)");
  CHECK(m->clause_title == "实施算力券和智能券政策");
  CHECK(m->where.line > 0);
  REQUIRE(m->caps.size() == 2);
  CHECK(m->caps[0].name == "智能券叠加上限");
  CHECK(m->caps[0].stacking);
  CHECK(m->caps[1].name == "算力券年度余额");
  CHECK(!m->caps[1].stacking);

  auto find = [&](const std::string& name) -> const api::FactInfo& {
    auto it = std::find_if(m->facts.begin(), m->facts.end(), [&](const api::FactInfo& f) { return f.name == name; });
    REQUIRE(it != m->facts.end());
    return *it;
  };
  const api::FactInfo& amount = find("合同金额");
  CHECK(amount.type == api::FactType::Money);
  CHECK(amount.type_name == "金额");
  CHECK(amount.required);
  CHECK(amount.label == "合同实际发生金额");
  CHECK(!amount.default_text);

  const api::FactInfo& kind = find("采购类型");
  CHECK(kind.type == api::FactType::Enum);
  CHECK(kind.enum_values == std::vector<std::string>{"模型服务", "算力服务"});

  const api::FactInfo& filed = find("模型已备案");
  CHECK(filed.type == api::FactType::Bool);
  CHECK(!filed.required);
  CHECK(filed.default_text == std::optional<std::string>("否"));

  const api::FactInfo& tier = find("算力设施档位");
  CHECK(tier.optional);
  CHECK(!tier.required);

  const api::FactInfo& cumulative = find("年度智算合同累计金额");
  CHECK(cumulative.default_text == std::optional<std::string>("合同金额"));

  CHECK(ed.measure("没有这项") == nullptr);
  REQUIRE(ed.fact("合同金额"));
  CHECK(ed.fact("合同金额")->label == "合同实际发生金额");
  CHECK(ed.fact("没有") == nullptr);
  CHECK(ed.facts().size() >= m->facts.size());

  api::Edition t = all_types();
  CHECK(t.effective_to() == std::optional<std::string>("2025-12-31"));
  std::vector<api::FactType> types;
  for (const auto& f : t.facts()) types.push_back(f.type);
  CHECK(types == std::vector<api::FactType>{api::FactType::Money, api::FactType::Rate, api::FactType::Integer,
                                            api::FactType::Number, api::FactType::Date, api::FactType::Bool,
                                            api::FactType::Enum});
  CHECK(api::fact_type_name(api::FactType::Date) == std::string("日期"));
}

TEST_CASE("api: evaluating the 2025 policy", "[api]") {
  api::Edition ed = edition_2025();

  api::Facts f = ed.new_facts();
  CHECK(f.set_money("合同金额", "120万元"));
  CHECK(f.set_enum("采购类型", "算力服务"));
  CHECK(f.set_enum("算力设施档位", "一档"));
  CHECK(f.has("合同金额"));
  CHECK(!f.has("中小企业"));
  CHECK(f.edition() == "2025年版");
  auto r = ed.evaluate("算力券", f);
  REQUIRE(r.ok());
  CHECK(r->measure == "算力券");
  CHECK(r->edition == "2025年版");
  CHECK(r->clause == "(一)");
  CHECK(r->eligible);
  CHECK(r->amount == "360000.00");
  CHECK(r->amount_fen == 36000000);
  CHECK(r->reasons.empty());
  CHECK(!r->bound);
  CHECK(!r->explanation);

  SECTION("a cap binds") {
    CHECK(f.set_money_fen("本年度已申领算力券", 780000000));  // 780万元
    auto capped = ed.evaluate("算力券", f);
    REQUIRE(capped.ok());
    CHECK(capped->amount == "200000.00");
    CHECK(capped->bound == std::optional<std::string>("算力券年度余额"));
    CHECK(capped->notes.empty());
    CHECK(f.set_money("本年度已申领算力券", "800万元"));
    auto exhausted = ed.evaluate("算力券", f);
    CHECK(exhausted->amount == "0.00");
    REQUIRE(exhausted->notes.size() == 1);
    CHECK(exhausted->notes[0].find("已用尽") != std::string::npos);
  }
  SECTION("not eligible, with the reasons") {
    CHECK(f.set_bool("已申请免审配套", true));
    CHECK(f.set_enum("采购类型", "模型服务"));
    auto no = ed.evaluate("算力券", f);
    REQUIRE(no.ok());
    CHECK(!no->eligible);
    CHECK(no->amount == "0.00");
    CHECK(no->amount_fen == 0);
    REQUIRE(no->reasons.size() == 2);
    CHECK(no->reasons[0].find("免审配套") != std::string::npos);
    CHECK(no->reasons[1] == "模型服务须依托经备案的大模型");
  }
  SECTION("the explanation as structured data") {
    CHECK(f.set_money("同一合同智能券金额", "30万元"));
    CHECK(f.set_enum("智能券档位", "二档"));
    CHECK(f.set_money("合同金额", "200万元"));
    auto x = ed.evaluate("算力券", f, api::EvaluateOptions{true});
    REQUIRE(x.ok());
    REQUIRE(x->explanation);
    const api::Explanation& e = *x->explanation;
    CHECK(e.measure == "算力券");
    CHECK(e.clause == "(一)");
    CHECK(e.where.line > 0);
    REQUIRE(e.conditions.size() == 2);
    CHECK(e.conditions[0].held);
    CHECK(e.conditions[0].where.line > 0);
    CHECK(e.rate == std::optional<std::string>("0.3"));
    CHECK(e.base == std::optional<std::string>("2000000"));
    CHECK(e.rate_where.line > 0);
    CHECK(e.computed == "600000");
    REQUIRE(e.caps.size() == 2);
    // 叠加: room = 200万 × 30% − 30万 = 30万 < 60万, so it lowers the amount; the yearly room does not.
    CHECK(e.caps[0].name == "智能券叠加上限");
    CHECK(e.caps[0].applies);
    CHECK(e.caps[0].limit == "600000");
    CHECK(e.caps[0].used == std::optional<std::string>("300000"));
    CHECK(e.caps[0].room == "300000");
    CHECK(e.caps[0].lowered);
    CHECK(e.caps[0].bound);
    CHECK(e.caps[1].name == "算力券年度余额");
    CHECK(e.caps[1].room == "8000000");
    CHECK(!e.caps[1].lowered);
    CHECK(!e.caps[1].bound);
    CHECK(e.rounding_mode == "四舍五入");
    CHECK(e.rounding_step == "0.01");
    CHECK(e.before_rounding == "300000");
    CHECK(x->amount == "300000.00");
    CHECK(x->bound == std::optional<std::string>("智能券叠加上限"));
  }
}

TEST_CASE("api: every fact type through typed setters — money stays exact", "[api]") {
  api::Edition ed = all_types();
  api::Facts f = ed.new_facts();
  CHECK(f.set_money("金额事实", "0.1"));
  CHECK(f.set_rate("比例事实", "30%"));
  CHECK(f.set_integer("整数事实", 3));
  CHECK(f.set_number("数值事实", "87.5"));
  CHECK(f.set_date("日期事实", 2025, 3, 1));
  CHECK(f.set_bool("布尔事实", false));
  CHECK(f.set_enum("枚举事实", "乙"));
  auto r = ed.evaluate("全部", f);
  REQUIRE(r.ok());
  CHECK(r->amount == "0.09");  // 0.1 × 3 × 30%, exactly
  CHECK(r->amount_fen == 9);
  CHECK(ed.evaluate("选择", f)->amount == "2.00");

  CHECK(f.set_money_fen("金额事实", 1));  // 0.01元 × 3 × 30% = 0.009 → 0.01
  CHECK(ed.evaluate("全部", f)->amount == "0.01");
  CHECK(f.set_money("金额事实", "12345678901234567890.12"));  // beyond int64 分
  auto big = ed.evaluate("全部", f);
  CHECK(big->amount == "1000.00");
  CHECK(f.set_rate("比例事实", "100%"));
  CHECK(f.set_integer("整数事实", 1));
  CHECK(f.set_number("整数事实", "2"));  // set_number on an 整数 fact, whole
  CHECK(f.set_integer("数值事实", 2));   // set_integer on a 数值 fact
  CHECK(f.set("金额事实", "99999999999999999999.99"));
  CHECK(ed.evaluate("全部", f)->amount == "1000.00");
  CHECK(f.set("金额事实", "2.5亿元"));
  CHECK(f.set("比例事实", "1.5个百分点"));
  CHECK(f.set("整数事实", "2"));
  CHECK(f.set("数值事实", "0.5"));
  CHECK(f.set("日期事实", "2025-02-01"));
  CHECK(f.set("布尔事实", "否"));
  CHECK(f.set("枚举事实", "甲"));
  CHECK(ed.evaluate("全部", f)->amount == "1000.00");

  SECTION("amounts that are not whole 分 have no amount_fen") {
    auto p = api::Policy::from_text("政策 \"p\"\n版本 \"v\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.001元\n事实 x: 金额\n"
                                    "措施 m { 金额 = x }\n");
    REQUIRE(p.ok());
    api::Edition e = p.policy->latest();
    auto a = e.evaluate_json("m", R"({"x": "1.234"})");
    CHECK(a->amount == "1.234");
    CHECK(!a->amount_fen);
    auto b = e.evaluate_json("m", R"({"x": "1.23"})");
    CHECK(b->amount == "1.230");
    CHECK(b->amount_fen == 123);
  }
}

TEST_CASE("api: host misuse is reported clearly", "[api]") {
  api::Edition ed = all_types();
  api::Facts f = ed.new_facts();

  api::Status unknown = f.set_money("没有这个事实", "1");
  CHECK(unknown.error().code == api::ErrorCode::UnknownFact);
  CHECK(unknown.error().fact == "没有这个事实");
  CHECK(unknown.error().message.find("没有这个事实") != std::string::npos);

  api::Status wrong = f.set_money("比例事实", "1");
  CHECK(wrong.error().code == api::ErrorCode::WrongFactType);
  CHECK(wrong.error().message.find("比例") != std::string::npos);
  CHECK(wrong.error().message.find("set_money") != std::string::npos);
  CHECK(wrong.error().where.line == 6);  // where the fact is declared

  CHECK(f.set_bool("金额事实", true).error().code == api::ErrorCode::WrongFactType);
  CHECK(f.set_enum("布尔事实", "甲").error().code == api::ErrorCode::WrongFactType);
  CHECK(f.set_integer("金额事实", 1).error().code == api::ErrorCode::WrongFactType);
  CHECK(f.set_money_fen("比例事实", 1).error().code == api::ErrorCode::WrongFactType);
  CHECK(f.set_date("金额事实", "2025-01-01").error().code == api::ErrorCode::WrongFactType);
  CHECK(f.set_rate("金额事实", "1%").error().code == api::ErrorCode::WrongFactType);

  using C = api::ErrorCode;
  CHECK(f.set_money("金额事实", "-1").error().code == C::InvalidFactValue);
  CHECK(f.set_money("金额事实", "1e3").error().code == C::InvalidFactValue);
  CHECK(f.set_money("金额事实", "").error().code == C::InvalidFactValue);
  CHECK(f.set_money_fen("金额事实", -5).error().code == C::InvalidFactValue);
  CHECK(f.set_rate("比例事实", "101%").error().code == C::InvalidFactValue);
  CHECK(f.set_number("整数事实", "1.5").error().code == C::InvalidFactValue);
  CHECK(f.set_enum("枚举事实", "丙").error().code == C::InvalidFactValue);
  CHECK(f.set_enum("枚举事实", "丙").error().message.find("甲、乙") != std::string::npos);
  CHECK(f.set_date("日期事实", "2025-02-30").error().code == C::InvalidFactValue);
  CHECK(f.set_date("日期事实", 2025, 13, 1).error().code == C::InvalidFactValue);
  CHECK(f.set("布尔事实", "也许").error().code == C::InvalidFactValue);

  // The errors are remembered: evaluating reports the oldest one …
  CHECK(f.set_money("金额事实", "100"));
  auto r = ed.evaluate("全部", f);
  REQUIRE(!r.ok());
  CHECK(r.error().code == C::UnknownFact);
  CHECK(!f.errors().empty());
  // … until the facts concerned are set correctly or cleared.
  f.clear();
  CHECK(f.errors().empty());
  CHECK(!f.has("金额事实"));
  CHECK(f.set_rate("比例事实", "101%").error().code == C::InvalidFactValue);
  CHECK(f.set_money("金额事实", "100"));
  CHECK(ed.evaluate("全部", f).error().code == C::InvalidFactValue);
  CHECK(f.set_rate("比例事实", "50%"));
  CHECK(f.errors().empty());
  CHECK(ed.evaluate("全部", f)->amount == "50.00");
  CHECK(f.unset("比例事实"));
  CHECK(ed.evaluate("全部", f)->amount == "10.00");  // default 10%
  CHECK(f.unset("没有").error().code == C::UnknownFact);
  f.clear();

  auto no_measure = ed.evaluate("没有这项", f);
  CHECK(no_measure.error().code == C::UnknownMeasure);
  CHECK(no_measure.error().message.find("全部、选择") != std::string::npos);

  auto missing = ed.evaluate("全部", f);
  CHECK(missing.error().code == C::MissingFacts);
  CHECK(missing.error().missing == std::vector<std::string>{"金额事实"});
  CHECK(missing.error().fact == "金额事实");

  // Built for another edition (another load of the same text counts too).
  api::Facts other = edition_2025().new_facts();
  CHECK(ed.evaluate("全部", other).error().code == C::WrongEdition);
  auto again = api::Policy::from_text(kAllTypes, "types.kuan");
  api::Facts other_load = again.policy->latest().new_facts();
  CHECK(other_load.set_money("金额事实", "1"));
  CHECK(ed.evaluate("全部", other_load).error().code == C::WrongEdition);

  // A moved-from Facts is an error, not a crash.
  api::Facts moved = ed.new_facts();
  api::Facts taken = std::move(moved);
  CHECK(moved.set_money("金额事实", "1").error().code == C::InvalidArgument);  // NOLINT(bugprone-use-after-move)
  CHECK(ed.evaluate("全部", moved).error().code == C::InvalidArgument);         // NOLINT(bugprone-use-after-move)
  CHECK(!moved.has("金额事实"));                                                 // NOLINT(bugprone-use-after-move)

  // Result access without a value throws only when asked.
  CHECK_THROWS_AS(no_measure.value(), api::Exception);
  CHECK_THROWS_AS(no_measure->amount, api::Exception);
}

TEST_CASE("api: language errors at run time come back with the rule position", "[api]") {
  api::Edition ed = edition_2025();
  api::Facts f = ed.new_facts();
  CHECK(f.set_money("合同金额", "100万元"));
  CHECK(f.set_enum("采购类型", "算力服务"));  // 算力设施档位 (可选) is then needed
  auto r = ed.evaluate("算力券", f);
  REQUIRE(!r.ok());
  CHECK(r.error().code == api::ErrorCode::EvaluationError);
  CHECK(r.error().message.find("算力设施档位") != std::string::npos);
  CHECK(r.error().where.file.find("01-算力券和智能券.kuan") != std::string::npos);
  CHECK(r.error().where.line > 0);
  CHECK(r.error().where.column > 0);
  CHECK(r.error().to_string().find(".kuan:" + std::to_string(r.error().where.line) + ":") != std::string::npos);

  auto p = api::Policy::from_text("政策 \"p\"\n版本 \"v\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n事实 a: 金额\n事实 b: 金额\n"
                                  "措施 m { 比例 = a ÷ b\n 基数 = a }\n", "div.kuan");
  REQUIRE(p.ok());
  auto z = p.policy->latest().evaluate_json("m", R"({"a": 1, "b": 0})");
  CHECK(z.error().code == api::ErrorCode::EvaluationError);
  CHECK(z.error().where.file == "div.kuan");
  CHECK(z.error().where.line == 7);
}

TEST_CASE("api: facts from JSON", "[api]") {
  api::Edition ed = edition_2025();
  auto f = ed.facts_from_json(R"({"合同金额": 1200000, "采购类型": "算力服务", "算力设施档位": "二档",
                                  "中小企业": true, "核定年度上限": null})");
  REQUIRE(f.ok());
  CHECK(!f->has("核定年度上限"));
  CHECK(ed.evaluate("算力券", *f)->amount == "240000.00");

  auto bad = ed.facts_from_json("{\n  \"合同金额\": 12,,\n}");
  REQUIRE(!bad.ok());
  CHECK(bad.error().code == api::ErrorCode::BadJson);
  CHECK(bad.error().where.line == 2);
  CHECK(bad.error().where.column > 0);

  auto unknown = ed.facts_from_json(R"({"合同金頟": 1})");
  CHECK(unknown.error().code == api::ErrorCode::UnknownFact);
  auto wrong = ed.facts_from_json(R"({"合同金额": true})");
  CHECK(wrong.error().code == api::ErrorCode::InvalidFactValue);
  CHECK(wrong.error().fact == "合同金额");

  // set_json merges, all or nothing.
  api::Facts g = ed.new_facts();
  CHECK(g.set_money("合同金额", "1"));
  CHECK(!g.set_json(R"({"合同金额": 5, "采购类型": "无此类型"})"));
  CHECK(!g.has("采购类型"));
  CHECK(g.set_json(R"({"采购类型": "模型服务", "模型已备案": true})"));
  g.clear();
  CHECK(g.set_json(R"({"合同金额": "10万元", "采购类型": "模型服务", "模型已备案": true})"));
  CHECK(ed.evaluate("算力券", g)->amount == "30000.00");

  auto direct = ed.evaluate_json("智能券", R"({"合同金额": "80万元", "申请主体": "高校", "智能券档位": "一档"})");
  CHECK(direct->amount == "240000.00");
  CHECK(ed.evaluate_json("智能券", "[]").error().code == api::ErrorCode::BadJson);
}

TEST_CASE("api: handles are values — the policy lives as long as any of them", "[api]") {
  std::optional<api::Edition> ed;
  std::optional<api::Facts> facts;
  {
    auto loaded = api::Policy::from_text(kAllTypes, "types.kuan");
    ed = loaded.policy->latest();
    facts = ed->new_facts();
  }  // the Policy handle is gone
  CHECK(facts->set_money("金额事实", "10"));
  api::Facts copy = *facts;
  CHECK(copy.set_money("金额事实", "20"));
  CHECK(ed->evaluate("全部", *facts)->amount == "1.00");
  CHECK(ed->evaluate("全部", copy)->amount == "2.00");
  copy = *facts;
  CHECK(ed->evaluate("全部", copy)->amount == "1.00");
  CHECK(ed->name() == "测试版");
}

TEST_CASE("api: one policy evaluated from 8 threads gives the single-threaded results", "[api][threads]") {
  api::Edition ed = edition_2025();
  const char* tiers[] = {"一档", "二档"};
  const char* kinds[] = {"模型服务", "算力服务"};

  struct Case {
    std::string measure;
    api::Facts facts;
    bool explain;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 120; ++i) {
    api::Facts f = ed.new_facts();
    const std::string measure = i % 3 == 0 ? "算力券" : i % 3 == 1 ? "智能券" : "算力券免审配套";
    CHECK(f.set_money_fen("合同金额", 1000000 + 7919LL * i * i));
    CHECK(f.set_enum("智能券档位", tiers[i % 2]));
    CHECK(f.set_enum("申请主体", "企业"));
    CHECK(f.set_enum("采购类型", kinds[(i / 3) % 2]));
    CHECK(f.set_enum("算力设施档位", tiers[(i / 2) % 2]));
    CHECK(f.set_bool("模型已备案", i % 5 != 0));
    CHECK(f.set_bool("中小企业", i % 4 == 0));
    CHECK(f.set_money("本年度已申领算力券", std::to_string(i * 70000)));
    if (i % 7 == 0) CHECK(f.set_money("同一合同智能券金额", "5万元"));
    cases.push_back({measure, std::move(f), i % 2 == 0});
  }

  auto render = [&](const Case& c) {
    auto r = ed.evaluate(c.measure, c.facts, api::EvaluateOptions{c.explain});
    if (!r) return "error " + r.error().to_string();
    std::string s = r->measure + " " + (r->eligible ? "1 " : "0 ") + r->amount + " " + r->bound.value_or("-");
    for (const auto& reason : r->reasons) s += " " + reason;
    if (r->explanation)
      for (const auto& cap : r->explanation->caps) s += " [" + cap.name + " " + cap.room + "]";
    return s;
  };

  std::vector<std::string> expected;
  for (const auto& c : cases) expected.push_back(render(c));

  constexpr int kThreads = 8;
  constexpr int kRounds = 4;
  std::vector<std::vector<std::string>> got(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();  // start together
      for (int round = 0; round < kRounds; ++round)
        for (std::size_t i = 0; i < cases.size(); ++i) {
          // Each thread walks the cases from a different start, so the same
          // Facts are evaluated by several threads at the same moment.
          const std::size_t k = (i + static_cast<std::size_t>(t) * 17) % cases.size();
          std::string s = render(cases[k]);
          if (round == kRounds - 1) got[t].push_back(std::to_string(k) + ":" + s);
        }
    });
  for (auto& th : threads) th.join();

  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(got[t].size() == cases.size());
    for (const auto& line : got[t]) {
      const auto colon = line.find(':');
      const std::size_t k = std::stoul(line.substr(0, colon));
      CHECK(line.substr(colon + 1) == expected[k]);
    }
  }
  // The cases are varied: eligible and not, capped and not.
  int eligible = 0, ineligible = 0, bound = 0;
  for (const auto& c : cases) {
    auto r = ed.evaluate(c.measure, c.facts);
    REQUIRE(r.ok());
    (r->eligible ? eligible : ineligible) += 1;
    bound += r->bound.has_value();
  }
  CHECK(eligible > 10);
  CHECK(ineligible > 0);
  CHECK(bound > 0);
}

TEST_CASE("api: error codes have names", "[api]") {
  CHECK(api::error_code_name(api::ErrorCode::Ok) == std::string("ok"));
  CHECK(api::error_code_name(api::ErrorCode::MissingFacts) == std::string("missing_facts"));
  api::Error e;
  e.message = "m";
  CHECK(e.to_string() == "m");
  e.where = {"f.kuan", 3, 4};
  CHECK(e.to_string() == "f.kuan:3:4: m");
}
