// Editions written as changes: the 2026年版 (based on 2025年版) must evaluate
// exactly like its base everywhere it does not override something.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <unistd.h>

#include "services/diff.hpp"
#include "interpreter/evaluator.hpp"
#include "interpreter/policy.hpp"
#include "base/date.hpp"
#include "lang/format.hpp"
#include "lang/parser.hpp"
#include "lang/revisions.hpp"

using namespace kuan;

namespace {

std::shared_ptr<const Policy> shipped() {
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::load(KUAN_SOURCE_DIR "/policies/hangzhou-ai", diagnostics);
  REQUIRE(policy);
  return policy;
}

// The facts of an example, evaluated in its own edition, bound for another.
FactValues example_facts(const Edition& written_in, const Edition& target, const ast::ExampleDecl& x) {
  FactValues none(written_in.facts.size()), facts(target.facts.size());
  for (const auto& f : x.facts) {
    auto v = std::get<Value>(evaluate_expression(&written_in, *f.value, none));
    const int slot = target.find_fact(f.name);
    REQUIRE(slot >= 0);
    facts.set(slot, v);
  }
  return facts;
}

// An edition written as changes to `base_text`, built the way Policy::load
// builds one: both parsed afresh, the revisions laid over the base, then checked.
struct Derived {
  std::vector<Diagnostic> diagnostics;
  std::unique_ptr<Edition> edition;
};

Derived derive(const std::string& base_text, const std::string& derived_text) {
  Derived out;
  std::vector<std::unique_ptr<ast::Module>> base, derived;
  auto base_parse = parse_module(std::make_shared<SourceFile>("v1/r.kuan", base_text));
  auto derived_parse = parse_module(std::make_shared<SourceFile>("v2/r.kuan", derived_text));
  REQUIRE(base_parse.module);
  REQUIRE(derived_parse.module);
  base.push_back(std::move(base_parse.module));
  derived.push_back(std::move(derived_parse.module));
  auto merged = apply_revisions(std::move(base), std::move(derived), out.diagnostics);
  out.edition = build_edition(std::move(merged), out.diagnostics);
  return out;
}

const std::string kBaseHeader = "政策 \"测试\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n";
const std::string kDerivedHeader = "版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n";

}  // namespace

TEST_CASE("an edition based on another changes only what it overrides", "[editions]") {
  auto policy = shipped();
  std::string error;
  const Edition* base = policy->edition("2025年版", error);
  const Edition* next = policy->edition("2026年版", error);
  REQUIRE(base);
  REQUIRE(next);
  REQUIRE(next->base_name == "2025年版");
  CHECK(next->measures.size() == base->measures.size());

  // Measures that read a revised parameter or were amended may differ; all
  // others must agree on every 2025 example, to the cent and the cap.
  const std::set<std::string> touched = {"算力券", "算力券免审配套"};
  int compared = 0, differing = 0;
  for (const auto* x : base->examples) {
    const MeasureInfo* a = base->find_measure(x->measure);
    const MeasureInfo* b = next->find_measure(x->measure);
    REQUIRE(a);
    REQUIRE(b);
    auto ra = evaluate_measure(*base, *a, example_facts(*base, *base, *x));
    auto rb = evaluate_measure(*next, *b, example_facts(*base, *next, *x));
    REQUIRE(std::holds_alternative<Outcome>(ra));
    REQUIRE(std::holds_alternative<Outcome>(rb));
    const Outcome& oa = std::get<Outcome>(ra);
    const Outcome& ob = std::get<Outcome>(rb);
    const bool same = oa.eligible == ob.eligible && oa.amount == ob.amount &&
                      (oa.bound ? oa.bound->name : "") == (ob.bound ? ob.bound->name : "");
    if (!touched.count(x->measure)) {
      INFO(x->measure << " " << x->title);
      CHECK(same);
      ++compared;
    } else if (!same) {
      ++differing;
    }
  }
  CHECK(compared > 100);
  CHECK(differing >= 1);  // the 2026 annual cap really changes a 2025 example
}

TEST_CASE("revised parameters take their new values — the base keeps its own", "[editions]") {
  auto policy = shipped();
  std::string error;
  const Edition* base = policy->edition("2025年版", error);
  const Edition* next = policy->edition("2026年版", error);
  auto param = [](const Edition& ed, const std::string& name) {
    for (const auto& p : ed.params)
      if (p.decl->name == name) return p.value.number;
    FAIL("no parameter " << name);
    return Decimal();
  };
  CHECK(param(*base, "单家企业年度上限") == Decimal::from_int(8000000));
  CHECK(param(*next, "单家企业年度上限") == Decimal::from_int(10000000));
  CHECK(param(*next, "智能券一档比例") == param(*base, "智能券一档比例"));
  REQUIRE(next->pools.size() == 1);
  CHECK(next->pools[0].amount == Decimal::from_int(300000000));
  CHECK(base->pools[0].amount == Decimal::from_int(250000000));
  // The amended measure kept its base conditions and gained one.
  CHECK(next->find_measure("算力券")->decl->requirements.size() ==
        base->find_measure("算力券")->decl->requirements.size() + 1);
}

TEST_CASE("as-of picks the official edition in force — the illustrative 2026年版 only by name", "[editions]") {
  auto policy = shipped();
  std::string error;
  auto on = [&](const char* day) {
    const Edition* e = policy->edition_on(*parse_date(day), error);
    return e ? e->name : std::string("(none)");
  };
  CHECK(on("2025-06-12") == "(none)");
  CHECK(on("2025-06-13") == "2025年版");
  CHECK(on("2025-12-31") == "2025年版");
  CHECK(on("2026-01-01") == "2025年版");  // 2026年版 says 状态 示例 (spec, amended)
  CHECK(on("2026-06-01") == "2025年版");
  CHECK(policy->latest()->name == "2025年版");
  const Edition* base = policy->edition("2025年版", error);
  CHECK_FALSE(base->effective_to);  // nothing official follows it
  const Edition* illustrative = policy->edition("2026年版", error);
  REQUIRE(illustrative);
  CHECK_FALSE(illustrative->official());
  CHECK(std::string(illustrative->status_name()) == "示例");
}

TEST_CASE("today is the calendar day in China Standard Time (UTC+8)", "[editions]") {
  const std::int64_t day = 86400;
  const std::int64_t new_year_utc = static_cast<std::int64_t>(*parse_date("2026-01-01")) * day;
  CHECK(format_date(china_standard_day(new_year_utc - 8 * 3600)) == "2026-01-01");      // 00:00 in Hangzhou
  CHECK(format_date(china_standard_day(new_year_utc - 8 * 3600 - 1)) == "2025-12-31");  // a second before
  CHECK(format_date(china_standard_day(new_year_utc + 15 * 3600 + 59 * 60)) == "2026-01-01");
  CHECK(format_date(china_standard_day(new_year_utc + 16 * 3600)) == "2026-01-02");
  CHECK(format_date(china_standard_day(-8 * 3600 - 1)) == "1969-12-31");  // floor before 1970
}

// 修订 措施 adds the conditions it writes, the conditional 需要 … 当 among them.
TEST_CASE("修订 措施 keeps a 需要 … 当 it adds", "[editions]") {
  auto d = derive(kBaseHeader + "事实 合同: 金额\n事实 档: 枚举 { 一档, 二档 } 可选\n"
                                "措施 乙 { 需要 档 当 合同 > 1万元\n 金额 = 合同 + (若 有 档 则 0元 否则 0元) }\n",
                  kDerivedHeader + "修订 措施 乙 { 需要 档 当 合同 > 100元\n 要求 合同 > 0元 否则 \"零\" }\n");
  REQUIRE(d.edition);
  const MeasureInfo* m = d.edition->find_measure("乙");
  REQUIRE(m);
  REQUIRE(m->decl->conditional_needs.size() == 2);  // the base's and the revision's
  CHECK(m->decl->requirements.size() == 1);
  FactValues facts(d.edition->facts.size());
  facts.set(d.edition->find_fact("合同"), Value::of_number(TypeKind::Money, Decimal::from_int(200)));
  auto r = evaluate_measure(*d.edition, *m, facts);
  REQUIRE(std::holds_alternative<EvalError>(r));
  const EvalError& e = std::get<EvalError>(r);
  CHECK(e.message.find("缺少事实 档") != std::string::npos);
  REQUIRE(e.span.file);
  CHECK(e.span.file->name() == "v2/r.kuan");
}

// A measure's amount is 金额 if written, else 基数 × 比例; a revision replaces
// the form it restates.
TEST_CASE("修订 措施 with 比例 and 基数 replaces the base's 金额, and 金额 the rate form", "[editions]") {
  auto d = derive(kBaseHeader + "事实 合同: 金额\n"
                                "措施 甲 { 金额 = 合同 × 10% }\n"
                                "措施 乙 { 比例 = 10%\n 基数 = 合同 }\n"
                                "措施 丙 { 比例 = 10%\n 基数 = 合同\n 金额 = min(基数 × 比例, 15元) }\n",
                  kDerivedHeader + "修订 措施 甲 { 比例 = 20%\n 基数 = 合同 }\n"
                                   "修订 措施 乙 { 金额 = 合同 × 50% }\n"
                                   "修订 措施 丙 { 比例 = 20% }\n");
  std::string all;
  for (const auto& diag : d.diagnostics) all += diag.rendered;
  INFO(all);
  REQUIRE(d.edition);
  FactValues facts(d.edition->facts.size());
  facts.set(d.edition->find_fact("合同"), Value::money(Decimal::from_int(100)));
  auto amount = [&](const char* name) {
    auto r = evaluate_measure(*d.edition, *d.edition->find_measure(name), facts);
    REQUIRE(std::holds_alternative<Outcome>(r));
    return std::get<Outcome>(r).amount.to_string();
  };
  CHECK(amount("甲") == "20.00");  // 100 × 20%, not the base's 100 × 10%
  CHECK_FALSE(d.edition->find_measure("甲")->decl->amount);
  CHECK(amount("乙") == "50.00");  // the revised 金额
  CHECK(amount("丙") == "15.00");  // only 比例 restated: the base's 金额 still applies, min(20, 15)
}

// The base's files come first in a derived edition, but a header line the
// derived edition leaves out is its own omission.
TEST_CASE("a derived edition's missing 施行 is reported in its own first file", "[editions]") {
  auto d = derive(kBaseHeader + "参数 率 = 10%\n事实 合同: 金额\n措施 甲 { 金额 = 合同 × 率 }\n",
                  "版本 \"v2\"\n基于 \"v1\"\n修订 参数 率 = 20%\n");
  CHECK_FALSE(d.edition);
  REQUIRE(d.diagnostics.size() == 1);
  const Diagnostic& e = d.diagnostics.front();
  CHECK(e.message == "缺少施行日期声明,如 施行 2025-06-13 起");
  CHECK(e.file == "v2/r.kuan");
  CHECK(e.line == 1);
  CHECK(e.column == 1);
}

TEST_CASE("diff shows a 需要 … 当 that 修订 措施 adds", "[editions]") {
  const std::string base_text = kBaseHeader + "事实 合同: 金额\n事实 档: 枚举 { 一档, 二档 } 可选\n"
                                              "措施 乙 { 金额 = 合同 + (若 有 档 则 0元 否则 0元) }\n";
  std::vector<Diagnostic> diags;
  auto base = Policy::from_text("v1/r.kuan", base_text, diags);
  REQUIRE(base);
  auto d = derive(base_text, kDerivedHeader + "修订 措施 乙 { 需要 档 当 合同 > 100元 }\n");
  REQUIRE(d.edition);
  const auto changes = diff_editions(*base->latest(), *d.edition);
  auto it = std::find_if(changes.begin(), changes.end(), [](const EditionChange& c) { return c.what == "措施" && c.name == "乙"; });
  REQUIRE(it != changes.end());
  CHECK(it->kind == EditionChange::Kind::Changed);
  CHECK(it->after.find("需要 档 当 合同 > 100元") != std::string::npos);
}

// 修订 条款 restates a base clause's 原文, 责任单位 or title; its measures stay.
TEST_CASE("修订 条款 restates a clause's 原文 and 责任单位", "[editions]") {
  const std::string base_text = kBaseHeader + "条款 (一) \"标题\" {\n 原文 「旧的原文」\n 责任单位 \"旧局\"\n"
                                              " 事实 合同: 金额\n 措施 甲 { 金额 = 合同 }\n}\n";
  auto d = derive(base_text, kDerivedHeader + "修订 条款 (一) {\n 原文 「新的原文」\n}\n"
                                              "修订 条款 (一) { 责任单位 \"新局\" }\n");
  std::string all;
  for (const auto& diag : d.diagnostics) all += diag.rendered;
  INFO(all);
  REQUIRE(d.edition);
  REQUIRE(d.edition->clauses.size() == 1);
  const ast::ClauseDecl& c = *d.edition->clauses.front();
  CHECK(c.text == "新的原文");
  CHECK(c.responsible == "新局");
  CHECK(c.title == "标题");  // not restated: kept
  CHECK(d.edition->find_measure("甲")->clause == &c);

  std::vector<Diagnostic> diags;
  auto base = Policy::from_text("v1/r.kuan", base_text, diags);
  REQUIRE(base);
  const auto changes = diff_editions(*base->latest(), *d.edition);
  auto it = std::find_if(changes.begin(), changes.end(), [](const EditionChange& x) { return x.what == "条款"; });
  REQUIRE(it != changes.end());
  CHECK(it->kind == EditionChange::Kind::Changed);
  CHECK(it->before.find("旧的原文") != std::string::npos);
  CHECK(it->after.find("新的原文") != std::string::npos);
  REQUIRE(it->after_at.file);
  CHECK(it->after_at.file->name() == "v2/r.kuan");  // the revising line, not the base's
}

TEST_CASE("修订 条款 of a clause the base lacks, or outside a derived edition, is an error", "[editions]") {
  auto d = derive(kBaseHeader + "条款 (一) { 事实 合同: 金额\n 措施 甲 { 金额 = 合同 } }\n",
                  kDerivedHeader + "修订 条款 (二) { 原文 「x」 }\n");
  REQUIRE(d.diagnostics.size() == 1);
  CHECK(d.diagnostics[0].message == "基础版本中没有条款 (二),无法修订");
  CHECK(d.diagnostics[0].file == "v2/r.kuan");
  CHECK(d.diagnostics[0].column == 7);

  std::vector<Diagnostic> diags;
  auto alone = Policy::from_text("v1/r.kuan", kBaseHeader + "事实 合同: 金额\n措施 甲 { 金额 = 合同 }\n修订 条款 (一) { 原文 「x」 }\n", diags);
  CHECK_FALSE(alone);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message.rfind("修订 条款 (一) 只能用于写作改动的版本", 0) == 0);

  auto bad = parse_module(std::make_shared<SourceFile>("v2/r.kuan", kDerivedHeader + "修订 条款 (一) { 事实 x: 金额 }\n"));
  REQUIRE_FALSE(bad.module);
  CHECK(bad.diagnostics.at(0).message == "修订 条款 中只能写 原文、责任单位;或以 '}' 结束");
}

// ---------------------------------------------------------------- one parse, many editions
// The checker keeps what it finds in the edition, so a parsed file is left as
// it was and may go into several editions, each with its own slots and types.

namespace {

// A measure whose amount reads a parameter, a definition, an enumeration (按)
// and a 超出 拒绝 count: everything the checker resolves per edition.
const std::string kSharedBase = kBaseHeader +
                                "参数 零 = 1%\n"
                                "参数 比例甲 = 50%\n"
                                "事实 合同: 金额\n"
                                "事实 档: 枚举 { 一档, 二档 }\n"
                                "事实 已申请: 整数\n"
                                "定义 档比例 = 按 档 { 一档 => 比例甲, 二档 => 10% }\n"
                                "限额 次数 { 计 件数 每 申请人 期间 每年 不超过 2 已用 已申请 超出 拒绝 \"已满\" 覆盖 甲 }\n"
                                "措施 甲 { 金额 = 合同 × 档比例 }\n";

std::vector<std::unique_ptr<ast::Module>> copies(const std::vector<std::unique_ptr<ast::Module>>& modules) {
  std::vector<std::unique_ptr<ast::Module>> out;
  for (const auto& m : modules) out.push_back(std::make_unique<ast::Module>(*m));
  return out;
}

// 甲 in `ed` for 合同 = 1000元, the given 档 and 已申请.
Outcome amount_of(const Edition& ed, const char* tier, int applied) {
  FactValues facts(ed.facts.size());
  facts.set(ed.find_fact("合同"), Value::money(Decimal::from_int(1000)));
  const auto& tiers = ed.enums[static_cast<std::size_t>(ed.facts[ed.find_fact("档")].type.enum_id)].values;
  facts.set(ed.find_fact("档"), Value::enumeration(static_cast<int>(std::find(tiers.begin(), tiers.end(), tier) - tiers.begin())));
  facts.set(ed.find_fact("已申请"), Value::of_number(TypeKind::Integer, Decimal::from_int(applied)));
  auto r = evaluate_measure(ed, *ed.find_measure("甲"), facts);
  REQUIRE(std::holds_alternative<Outcome>(r));
  return std::get<Outcome>(r);
}

}  // namespace

TEST_CASE("checking does not change the parsed modules: one parse goes into several editions", "[editions]") {
  auto parsed = parse_module(std::make_shared<SourceFile>("v1/r.kuan", kSharedBase));
  REQUIRE(parsed.module);
  std::vector<std::unique_ptr<ast::Module>> base;
  base.push_back(std::move(parsed.module));
  const std::string before = ast_fingerprint(*base[0]);

  std::vector<Diagnostic> diagnostics;
  auto plain = build_edition(copies(base), diagnostics);
  // Enumeration values in another order shift their indices; without 零, 比例甲 has another slot.
  auto revised = [&](const std::string& text, std::uint32_t first_id) {
    auto d = parse_module(std::make_shared<SourceFile>("v2/r.kuan", kDerivedHeader + text), first_id);
    REQUIRE(d.module);
    std::vector<std::unique_ptr<ast::Module>> own;
    own.push_back(std::move(d.module));
    return build_edition(apply_revisions(copies(base), std::move(own), diagnostics), diagnostics);
  };
  // Numbered after the base, as Policy::load numbers them: the edition holds the base's expressions.
  auto higher = revised("删除 参数 零\n修订 参数 比例甲 = 80%\n", base[0]->end_id);
  // Numbered from 0 like the base: the checker numbers a copy afresh.
  auto reordered = revised("修订 事实 档: 枚举 { 二档, 一档 }\n修订 限额 次数 { 计 件数 每 申请人 期间 每年 不超过 5 已用 已申请 超出 拒绝 \"已满\" 覆盖 甲 }\n", 0);
  INFO(diagnostics.size());
  REQUIRE(plain);
  REQUIRE(higher);
  REQUIRE(reordered);
  CHECK(ast_fingerprint(*base[0]) == before);
  CHECK(base[0]->measures[0].requirements.empty());  // 超出 拒绝 became a requirement of the edition, not of the tree
  // Shared, not copied: the unrevised measure's amount is the base's own expression.
  CHECK(higher->find_measure("甲")->decl->amount.get() == base[0]->measures[0].amount.get());

  // Each edition reads its own slots, enumeration indices and limits, whichever was built last.
  for (int round = 0; round < 2; ++round) {
    CHECK(amount_of(*plain, "一档", 0).amount == Decimal::from_int(500));
    CHECK(amount_of(*plain, "二档", 0).amount == Decimal::from_int(100));
    CHECK(amount_of(*higher, "一档", 0).amount == Decimal::from_int(800));
    CHECK(amount_of(*higher, "二档", 1).amount == Decimal::from_int(100));
    CHECK(amount_of(*reordered, "一档", 0).amount == Decimal::from_int(500));
    CHECK(amount_of(*reordered, "二档", 0).amount == Decimal::from_int(100));
    CHECK_FALSE(amount_of(*plain, "一档", 2).eligible);
    CHECK_FALSE(amount_of(*higher, "一档", 2).eligible);
    CHECK(amount_of(*reordered, "一档", 2).eligible);  // its own limit: 5
    CHECK_FALSE(amount_of(*reordered, "一档", 5).eligible);
  }
}

TEST_CASE("two editions based on one: each built on the base as written", "[editions]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("kuan_editions_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::filesystem::create_directories((dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  write("v1/r.kuan", kSharedBase);
  write("v2/r.kuan", kDerivedHeader + "修订 参数 比例甲 = 80%\n");
  write("v3/r.kuan", "版本 \"v3\"\n基于 \"v1\"\n施行 2027-01-01 起\n修订 措施 甲 { 要求 合同 > 2000元 否则 \"小\" }\n");
  write("v4/r.kuan", "版本 \"v4\"\n基于 \"v2\"\n施行 2028-01-01 起\n删除 限额 次数\n");
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::load(dir, diagnostics);
  std::filesystem::remove_all(dir);
  REQUIRE(policy);
  std::string error;
  auto edition = [&](const char* name) {
    const Edition* e = policy->edition(name, error);
    REQUIRE(e);
    return e;
  };
  CHECK(amount_of(*edition("v1"), "一档", 0).amount == Decimal::from_int(500));
  CHECK(amount_of(*edition("v2"), "一档", 0).amount == Decimal::from_int(800));
  // v3 does not see v2's change, nor v2 v3's.
  const Outcome v3 = amount_of(*edition("v3"), "一档", 0);
  CHECK_FALSE(v3.eligible);
  REQUIRE(v3.failed.size() == 1);
  CHECK(v3.failed[0]->reason == "小");
  CHECK(amount_of(*edition("v2"), "一档", 0).eligible);
  CHECK(amount_of(*edition("v4"), "一档", 9).amount == Decimal::from_int(800));  // v2's rate, no count
  CHECK_FALSE(amount_of(*edition("v3"), "一档", 2).eligible);
  CHECK(amount_of(*edition("v3"), "一档", 2).failed.size() == 2);  // its own and the base's count
  CHECK(edition("v1")->find_measure("甲")->requirements.size() == 1);
  CHECK(edition("v3")->find_measure("甲")->requirements.size() == 2);
  // Every expression an edition holds has its row in the edition's notes —
  // v4 基于 v2 基于 v1 holds v2's revised 比例甲 inside v1's module, and v2's
  // emptied module folded away (the table once ended short of it).
  for (const char* name : {"v1", "v2", "v3", "v4"}) {
    const Edition& ed = *edition(name);
    std::set<std::uint32_t> seen;
    std::size_t count = 0;
    std::function<void(const ast::Expr&)> visit = [&](const ast::Expr& e) {
      ++count;
      seen.insert(e.id);
      CHECK(e.id < ed.notes.exprs.size());
      for (const auto& a : e.args) visit(*a);
      for (const auto& arm : e.arms) visit(*arm.value);
    };
    for (const auto& m : ed.modules) ast::for_each_expr_slot(*m, [&](ast::ExprPtr& e) { visit(*e); });
    for (const auto& r : ed.lowered) visit(*r->condition);
    INFO(name);
    CHECK(seen.size() == count);  // distinct ids
  }
}

TEST_CASE("diff shows a measure's new 施行, 可为负 and the 校验 an edition adds or rewords", "[editions]") {
  const std::string base_text = kBaseHeader + "事实 合同: 金额\n校验 合同 ≤ 1亿元 否则 \"合同过大\"\n"
                                              "措施 乙 { 金额 = 合同 }\n措施 丙 { 金额 = 合同 }\n";
  std::vector<Diagnostic> diags;
  auto base = Policy::from_text("v1/r.kuan", base_text, diags);
  REQUIRE(base);
  auto d = derive(base_text, kDerivedHeader + "修订 措施 乙 { 施行 2025-01-01 至 2026-12-31 }\n"
                                              "替换 措施 丙 可为负 { 金额 = 合同 − 1元 }\n"
                                              "校验 合同 ≥ 1元 否则 按 合同 { 0元(含) 以上 => \"合同为零\" }\n");
  std::string all;
  for (const auto& diag : d.diagnostics) all += diag.rendered;
  INFO(all);
  REQUIRE(d.edition);
  const auto changes = diff_editions(*base->latest(), *d.edition);
  auto find = [&](const std::string& what, const std::string& name) {
    return std::find_if(changes.begin(), changes.end(), [&](const EditionChange& c) { return c.what == what && c.name == name; });
  };
  auto dated = find("措施", "乙");
  REQUIRE(dated != changes.end());
  CHECK(dated->before == "(无)");
  CHECK(dated->after == "施行 2025-01-01 至 2026-12-31");
  auto sign = find("措施", "丙");
  REQUIRE(sign != changes.end());
  CHECK(sign->after.find("可为负") != std::string::npos);
  auto added = find("校验", "合同 ≥ 1元");
  REQUIRE(added != changes.end());
  CHECK(added->kind == EditionChange::Kind::Added);
  CHECK(added->after == "按 合同 { 0元(含) 以上 => \"合同为零\" }");
  CHECK(find("校验", "合同 ≤ 1亿元") == changes.end());  // kept as it was
}

// 修订 累进表 N { … } restates a named schedule whole: the base's measures that
// apply it compute with the new brackets; 删除 累进表 N removes one no rule applies.
TEST_CASE("修订 累进表 restates a schedule for the base's measures, 删除 累进表 removes one", "[editions]") {
  const std::string base_text = kBaseHeader + "事实 所得: 金额\n"
                                              "累进表 税率表 { 至 3万元 => 5%, 以上 => 10% }\n"
                                              "累进表 旧表 { 至 1万元 => 1%, 以上 => 2% }\n"
                                              "措施 税 { 金额 = 累进 所得 按 税率表 }\n";
  auto d = derive(base_text, kDerivedHeader + "修订 累进表 税率表 { 至 5万元 => 3%, 以上 => 20% }\n删除 累进表 旧表\n");
  REQUIRE(d.edition);
  REQUIRE(d.edition->schedules.size() == 1);  // 旧表 is gone
  const ast::ScheduleDecl& table = *d.edition->schedules[0].decl;
  CHECK(table.revision == ast::Revision::Revise);
  REQUIRE(table.span.file);
  CHECK(table.span.file->name() == "v2/r.kuan");
  FactValues facts(d.edition->facts.size());
  facts.set(d.edition->find_fact("所得"), Value::of_number(TypeKind::Money, Decimal::from_int(60000)));
  auto r = evaluate_measure(*d.edition, *d.edition->find_measure("税"), facts);
  REQUIRE(std::holds_alternative<Outcome>(r));
  CHECK(std::get<Outcome>(r).amount.to_string() == "3500.00");  // 50000 × 3% + 10000 × 20%, not the base's 4500.00

  std::vector<Diagnostic> diags;
  auto base = Policy::from_text("v1/r.kuan", base_text, diags);
  REQUIRE(base);
  const auto changes = diff_editions(*base->latest(), *d.edition);
  auto changed = std::find_if(changes.begin(), changes.end(), [](const EditionChange& c) { return c.what == "累进表" && c.name == "税率表"; });
  REQUIRE(changed != changes.end());
  CHECK(changed->kind == EditionChange::Kind::Changed);
  CHECK(changed->before.find("至 3万元 => 5%") != std::string::npos);
  CHECK(changed->after.find("至 5万元 => 3%") != std::string::npos);
  REQUIRE(changed->after_at.file);
  CHECK(changed->after_at.file->name() == "v2/r.kuan");
  auto removed = std::find_if(changes.begin(), changes.end(), [](const EditionChange& c) { return c.what == "累进表" && c.name == "旧表"; });
  REQUIRE(removed != changes.end());
  CHECK(removed->kind == EditionChange::Kind::Removed);

  // kuan fmt keeps both lines as written (one parse, the same rules).
  const std::string derived_text = kDerivedHeader + "修订 累进表 税率表 {\n  至 5万元 => 3%,\n  以上 => 20%\n}\n删除 累进表 旧表\n";
  const auto formatted = format_source(std::make_shared<SourceFile>("v2/r.kuan", derived_text));
  CHECK(formatted.text == derived_text);
}

TEST_CASE("修订 of an unknown 累进表 suggests the base's, 删除 of one in use names the measure", "[editions]") {
  const std::string base_text = kBaseHeader + "事实 所得: 金额\n累进表 税率表 { 至 1万元 => 1%, 以上 => 5% }\n"
                                              "措施 税 { 金额 = 累进 所得 按 税率表 }\n";
  // One change each: a second change of one name in an edition is an error of its own.
  auto misdeleted = derive(base_text, kDerivedHeader + "删除 累进表 税率\n");
  REQUIRE(misdeleted.diagnostics.size() == 1);
  CHECK(misdeleted.diagnostics[0].message == "基础版本中没有累进表 税率,无法删除(是不是 税率表?)");
  auto misrevised = derive(base_text, kDerivedHeader + "修订 累进表 税率 { 至 1万元 => 1%, 以上 => 3% }\n");
  REQUIRE(misrevised.diagnostics.size() == 1);
  CHECK(misrevised.diagnostics[0].message == "基础版本中没有累进表 税率,无法修订(是不是 税率表?)");
  CHECK(misrevised.diagnostics[0].line == 4);
  CHECK(misrevised.diagnostics[0].column == 8);

  auto in_use = derive(base_text, kDerivedHeader + "删除 累进表 税率表\n");
  CHECK_FALSE(in_use.edition);
  REQUIRE(in_use.diagnostics.size() == 1);
  const Diagnostic& e = in_use.diagnostics[0];
  CHECK(e.message.rfind("删除 累进表 税率表 使基础版本 v1 的规则出错:措施 税 仍用着累进表 税率表", 0) == 0);
  CHECK(e.file == "v2/r.kuan");
  CHECK(e.line == 4);
  REQUIRE(e.notes.size() == 1);
  CHECK(e.notes[0].file == "v1/r.kuan");  // where the measure applies it
  CHECK(e.notes[0].line == 7);
}
