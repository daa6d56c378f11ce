// The authoring tools' façade (include/kuan/tooling.hpp), used only through
// the public headers, as an editor plug-in or a review bot would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "kuan/kuan.hpp"
#include "kuan/tooling.hpp"

namespace api = kuan::api;

namespace {

const std::string kPolicy = std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai";

const api::Policy& hangzhou() {
  static const api::Policy policy = api::Policy::load(kPolicy).value();
  return policy;
}

const char* kMessy = R"(政策 "测试"
版本 "测试版"
施行 2025-01-01
舍入 四舍五入 至 0.01元
事实   合同金额:金额 标签 "合同"
参数 比例上限=30%
措施 补助 "一项补助" {
      要求 合同金额>0元 否则 "没有合同"
  比例=比例上限
    基数 = 合同金额
}
)";

std::string slice(const std::string& text, std::size_t begin, std::size_t end) { return text.substr(begin, end - begin); }

}  // namespace

TEST_CASE("tooling: format gives the canonical layout, and formatting it again changes nothing", "[tooling]") {
  const api::Formatted once = api::format(kMessy, "messy.kuan");
  REQUIRE(once.ok);
  CHECK(once.diagnostics.empty());
  CHECK(once.text != kMessy);
  CHECK(once.text.find("  要求 合同金额 > 0元 否则 \"没有合同\"\n") != std::string::npos);
  CHECK(once.text.find("参数 比例上限 = 30%") != std::string::npos);
  const api::Formatted twice = api::format(once.text, "messy.kuan");
  REQUIRE(twice.ok);
  CHECK(twice.text == once.text);
  // The formatted text still loads as the same rules.
  CHECK(api::Policy::from_text(once.text, "messy.kuan").ok());
}

TEST_CASE("tooling: format refuses a syntax error with a positioned diagnostic", "[tooling]") {
  const api::Formatted r = api::format("政策 \"x\"\n版本 \"v\"\n参数 a = = 1元\n", "bad.kuan");
  CHECK_FALSE(r.ok);
  CHECK(r.text.empty());
  REQUIRE_FALSE(r.diagnostics.empty());
  CHECK(r.diagnostics[0].severity == api::Severity::Error);
  CHECK(r.diagnostics[0].file == "bad.kuan");
  CHECK(r.diagnostics[0].line == 3);
  CHECK(api::render_diagnostics(r.diagnostics).rfind("bad.kuan:3:", 0) == 0);
}

TEST_CASE("tooling: diff lists what changed between two editions, with places", "[tooling]") {
  const api::Edition a = hangzhou().edition("2025年版").value(), b = hangzhou().edition("2026年版").value();
  const auto changes = api::diff(a, b);
  REQUIRE_FALSE(changes.empty());
  for (const auto& c : changes) {
    CHECK_FALSE(c.what.empty());
    if (c.kind != api::EditionChange::Kind::Removed) CHECK(c.after_at.known());
    if (c.kind != api::EditionChange::Kind::Added) CHECK(c.before_at.known());
    if (c.kind == api::EditionChange::Kind::Changed) CHECK(c.before != c.after);
  }
  CHECK(api::diff(a, a).empty());
  // Swapping the editions swaps every change's sides.
  const auto back = api::diff(b, a);
  REQUIRE(back.size() == changes.size());
  const auto added = std::count_if(changes.begin(), changes.end(),
                                   [](const auto& c) { return c.kind == api::EditionChange::Kind::Added; });
  const auto removed_back = std::count_if(back.begin(), back.end(),
                                          [](const auto& c) { return c.kind == api::EditionChange::Kind::Removed; });
  CHECK(added == removed_back);
}

TEST_CASE("tooling: one application under two editions, as kuan diff shows it", "[tooling]") {
  const api::Edition a = hangzhou().edition("2025年版").value(), b = hangzhou().edition("2026年版").value();
  const std::string facts = R"({"合同金额": 1000000, "采购类型": "算力服务", "算力设施档位": "二档", "中小企业": true})";
  const api::ApplicationsDiff text = api::diff_application(a, b, "算力券", facts, "f.json", false);
  CHECK(text.ok);
  CHECK(text.errors.empty());
  // The amounts agree with evaluating each edition directly.
  const auto x = a.evaluate_json("算力券", facts).value(), y = b.evaluate_json("算力券", facts).value();
  CHECK(text.rows.find("2025年版 " + x.amount + " → 2026年版 " + y.amount) != std::string::npos);
  const api::ApplicationsDiff json = api::diff_application(a, b, "算力券", facts, "f.json", true);
  CHECK(json.rows.find("\"before\":{\"eligible\":true,\"amount\":\"" + x.amount + "\"") != std::string::npos);

  const api::ApplicationsDiff bad = api::diff_application(a, b, "算力券", "{\"合同金额\": }", "f.json", false);
  CHECK(bad.bad_input);
  CHECK_FALSE(bad.ok);
  CHECK(bad.errors.rfind("f.json:1:", 0) == 0);

  const api::ApplicationsDiff lines = api::diff_applications(
      a, b, "{\"id\":\"甲\",\"measure\":\"算力券\",\"facts\":" + facts + "}\n\n{broken\n", "in.jsonl", false);
  CHECK_FALSE(lines.ok);
  CHECK(lines.rows.rfind("甲 算力券:", 0) == 0);
  CHECK(lines.errors.rfind("in.jsonl:3:", 0) == 0);
}

TEST_CASE("tooling: an edition's outline: status, counts, clauses and the measures in each", "[tooling]") {
  const api::Edition ed = hangzhou().edition("2025年版").value();
  const api::EditionOutline o = api::outline(ed);
  CHECK(o.status == "正式");
  CHECK(o.official);
  CHECK(o.params > 0);
  REQUIRE_FALSE(o.clauses.empty());
  CHECK(o.clauses[0].ref == "(一)");
  CHECK_FALSE(o.clauses[0].responsible.empty());
  std::size_t listed = 0;
  for (const auto& c : o.clauses)
    for (std::size_t i : c.measures) {
      REQUIRE(i < ed.measures().size());
      CHECK(ed.measures()[i].clause == c.ref);
      ++listed;
    }
  CHECK(listed > 0);
  const api::MeasureInfo* m = ed.measure("算力券");
  REQUIRE(m);
  const std::string computes = api::measure_computes(ed, *m);
  CHECK(computes.find(" × 比例") != std::string::npos);
  for (const auto& cap : m->caps) CHECK(computes.find(cap.name) != std::string::npos);
}

TEST_CASE("tooling: declarations and the outline of a file, from its syntax alone", "[tooling]") {
  const std::string text = std::string(kMessy) + "例 补助 \"一例\" { 合同金额 = 100元 得 30元 }\n";
  const api::FileDeclarations d = api::declarations("m.kuan", text);
  REQUIRE(d.parsed);
  CHECK(d.edition == "测试版");
  CHECK(d.base_edition.empty());
  auto find = [&](const std::string& name) {
    return std::find_if(d.declarations.begin(), d.declarations.end(), [&](const auto& s) { return s.name == name; });
  };
  auto fact = find("合同金额");
  REQUIRE(fact != d.declarations.end());
  CHECK(fact->kind == api::SymbolKind::Fact);
  CHECK(fact->file == "m.kuan");
  CHECK(slice(text, fact->begin, fact->end).find("合同金额") != std::string::npos);
  CHECK(fact->hover.find("**事实** 合同金额: 金额") == 0);
  CHECK(fact->hover.find("标签:合同") != std::string::npos);
  auto measure = find("补助");
  REQUIRE(measure != d.declarations.end());
  CHECK(measure->kind == api::SymbolKind::Measure);
  CHECK(api::declarations("m.kuan", text, true).declarations.front().hover.find("(基础版本)") != std::string::npos);
  CHECK_FALSE(api::declarations("m.kuan", "参数 = =").parsed);

  const auto symbols = api::document_symbols("m.kuan", text);
  std::vector<std::string> names;
  for (const auto& s : symbols) names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"补助", "比例上限", "合同金额", "例 补助 一例"});
  CHECK(symbols.back().kind == api::SymbolKind::Example);
}

TEST_CASE("tooling: names, keywords and code points for an editor", "[tooling]") {
  const std::string text = "参数 比例上限 = 30%  # 注释里的 比例上限\n";
  const std::size_t at = text.find("例上");  // inside the name
  const auto [b, e] = api::name_at(text, at);
  CHECK(slice(text, b, e) == "比例上限");
  const auto names = api::names_in(text);
  REQUIRE(names.size() == 1);  // not the keyword, not the comment
  CHECK(slice(text, names[0].first, names[0].second) == "比例上限");

  const auto words = api::keywords();
  for (const char* w : {"基于", "修订", "删除", "标签", "措施", "若"})
    CHECK(std::find(words.begin(), words.end(), w) != words.end());
  CHECK(std::find(words.begin(), words.end(), "合同金额") == words.end());
  // Units, each once, amounts per period after the money units only; ％ is %'s other spelling.
  const auto units = api::units();
  for (const char* u : {"元", "万元", "亿元", "%", "个百分点", "天", "个月", "年", "元/月", "亿元/天", "万元/年"})
    CHECK(std::count(units.begin(), units.end(), u) == 1);
  for (const char* u : {"%/月", "个月/年", "％"}) CHECK(std::find(units.begin(), units.end(), u) == units.end());

  const std::string s = "a款😀";
  std::size_t i = 0;
  CHECK(api::next_code_point(s, i) == U'a');
  CHECK(api::next_code_point(s, i) == U'款');
  CHECK(api::next_code_point(s, i) == U'😀');
  CHECK(i == s.size());
}

TEST_CASE("tooling: an unsaved text stands in for its file when loading", "[tooling]") {
  const std::string file = kPolicy + "/2026年版/00-修订.kuan";
  const api::LoadResult clean = api::load_with_unsaved(kPolicy, {});
  REQUIRE(clean.ok());
  const api::LoadResult broken =
      api::load_with_unsaved(kPolicy, {{file, "政策 \"杭州\"\n版本 \"2026年版\"\n参数 x = 1元 + 是\n"}});
  CHECK_FALSE(broken.ok());
  const auto it = std::find_if(broken.diagnostics.begin(), broken.diagnostics.end(),
                               [&](const api::Diagnostic& d) { return d.file == file && d.line == 3; });
  REQUIRE(it != broken.diagnostics.end());
  CHECK(it->severity == api::Severity::Error);
  CHECK(it->column == 8);
  CHECK(it->length == std::string("1元 + 是").size());  // the whole expression, in bytes
}
