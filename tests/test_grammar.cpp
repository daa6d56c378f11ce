// The grammar and the parse-tree → AST conversion (lang/grammar.hpp, lang/parser*.cpp):
// every construct of docs/language.md parses to the right tree, spans and
// columns are exact, and hostile nesting gives a diagnostic instead of a crash.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <tao/pegtl/contrib/analyze.hpp>

#include "lang/grammar.hpp"
#include "base/date.hpp"
#include "lang/parser.hpp"

using namespace kuan;
using ast::ExprKind;

namespace {

// The AST keeps raw pointers into its SourceFile, so the source travels with it.
struct Mod {
  SourcePtr src;
  ParsedModule r;
  const ast::Module& m() const {
    REQUIRE(r.module);
    return *r.module;
  }
  std::string error() const { return r.diagnostics.empty() ? "" : r.diagnostics.front().message; }
};

Mod parse(std::string text) {
  auto src = std::make_shared<SourceFile>("t.kuan", std::move(text));
  auto r = parse_module(src);
  return {src, std::move(r)};
}

struct Ex {
  SourcePtr src;
  ParsedExpression r;
};

Ex parse_ex(std::string text) {
  auto src = std::make_shared<SourceFile>("e.kuan", std::move(text));
  auto r = parse_expression(src);
  return {src, std::move(r)};
}

std::string num(const Decimal& d) { return d.normalized().to_string(); }

// An S-expression of the tree: the shape of a parse in one comparable string.
std::string show(const ast::Expr& e) {
  auto args = [&](std::size_t from = 0) {
    std::string s;
    for (std::size_t i = from; i < e.args.size(); ++i) s += " " + show(*e.args[i]);
    return s;
  };
  switch (e.kind) {
    case ExprKind::Number: return num(e.number);
    case ExprKind::Boolean: return e.boolean ? "是" : "否";
    case ExprKind::Date: return format_date(e.date);
    case ExprKind::Name: return e.name;
    case ExprKind::Call: return e.name + "(" + (e.args.empty() ? "" : args().substr(1)) + ")";
    case ExprKind::Has: return "(有 " + e.name + ")";
    case ExprKind::InForce: return "施行中(" + e.name + ")";
    case ExprKind::Negate: return "(-" + args() + ")";
    case ExprKind::Not: return "(非" + args() + ")";
    case ExprKind::Arith: {
      const char* op[] = {"+", "-", "×", "÷"};
      return std::string("(") + op[static_cast<int>(e.arith)] + args() + ")";
    }
    case ExprKind::Compare: {
      const char* op[] = {"<", "≤", ">", "≥", "=", "≠"};
      return std::string("(") + op[static_cast<int>(e.compare)] + args() + ")";
    }
    case ExprKind::And: return "(且" + args() + ")";
    case ExprKind::Or: return "(或" + args() + ")";
    case ExprKind::If: return "(若" + args() + ")";
    case ExprKind::Match: {
      std::string s = "(按 " + show(*e.args[0]);
      for (const auto& a : e.arms) {
        s += " [";
        if (a.otherwise) s += "其他";
        for (std::size_t i = 0; i < a.patterns.size(); ++i) s += (i ? "|" : "") + a.patterns[i].name;
        s += " " + show(*a.value) + "]";
      }
      return s + ")";
    }
    case ExprKind::Aggregate: {
      const char* op[] = {"合计", "计数", "最大", "最小"};
      return std::string("(") + op[static_cast<int>(e.aggregate)] + (e.has_value ? " v" : "") + (e.has_filter ? " w" : "") + args() + ")";
    }
    case ExprKind::Ranges: {
      auto end = [&](const kuan::ast::RangeEnd& r) {
        return show(*e.args[static_cast<std::size_t>(r.arg)]) + (r.inclusive ? "含" : "不含");
      };
      std::string s = "(按区间 " + show(*e.args[0]);
      for (const auto& a : e.arms) {
        s += " [";
        if (a.otherwise) s += "其他";
        else s += (a.lower.arg >= 0 ? end(a.lower) : "…") + "~" + (a.upper.arg >= 0 ? end(a.upper) : "…");
        s += " " + show(*a.value) + "]";
      }
      return s + ")";
    }
    case ExprKind::Progressive: {
      std::string s = "(累进 " + show(*e.args[0]);
      for (const auto& b : e.brackets) {
        s += " [" + (b.upper >= 0 ? show(*e.args[static_cast<std::size_t>(b.upper)]) : std::string("以上"));
        s += " " + show(*e.args[static_cast<std::size_t>(b.rate)]);
        if (b.deduction >= 0) s += " 扣" + show(*e.args[static_cast<std::size_t>(b.deduction)]);
        s += "]";
      }
      return s + ")";
    }
  }
  return "?";
}

// The tree of one expression, or "ERROR <line>:<col> <message>".
std::string sx(const std::string& text) {
  auto e = parse_ex(text);
  if (!e.r.expr) {
    REQUIRE_FALSE(e.r.diagnostics.empty());
    const auto& d = e.r.diagnostics.front();
    return "ERROR " + std::to_string(d.line) + ":" + std::to_string(d.column) + " " + d.message;
  }
  CHECK(e.r.diagnostics.empty());
  return show(*e.r.expr);
}

std::string text_of(const Span& s) { return std::string(span_text(s)); }

const std::string kHeader =
    "政策 \"测试政策\"\n版本 \"2025年版\"\n施行 2025-06-13 起\n舍入 四舍五入 至 0.01元\n";

}  // namespace

TEST_CASE("the grammar has no left recursion and no rule that loops without input", "[grammar]") {
  CHECK(tao::pegtl::analyze<kuan::grammar::file>() == 0);
  CHECK(tao::pegtl::analyze<kuan::grammar::expression_input>() == 0);
}

TEST_CASE("header statements", "[grammar]") {
  auto p = parse(kHeader);
  const auto& m = p.m();
  REQUIRE(m.policy);
  CHECK(m.policy->value == "测试政策");
  CHECK(text_of(m.policy->span) == "\"测试政策\"");
  REQUIRE(m.edition);
  CHECK(m.edition->value == "2025年版");
  REQUIRE(m.effective_from);
  CHECK(format_date(m.effective_from->value) == "2025-06-13");
  CHECK_FALSE(m.effective_to);
  REQUIRE(m.rounding);
  CHECK(m.rounding->value == ast::RoundingKind::HalfUp);
  REQUIRE(m.rounding_step);
  CHECK(num(m.rounding_step->number) == "0.01");
  CHECK(m.rounding_step->unit == ast::Unit::Yuan);

  auto q = parse("施行 2025-06-13 至 2026-06-12\n舍入 银行家舍入 至 1元");
  REQUIRE(q.m().effective_to);
  CHECK(format_date(q.m().effective_to->value) == "2026-06-12");
  CHECK(q.m().rounding->value == ast::RoundingKind::HalfEven);
  CHECK(parse("舍入 向下舍入 0.1元").m().rounding->value == ast::RoundingKind::Down);
  CHECK(parse("舍入 向上舍入 至 0.01元").m().rounding->value == ast::RoundingKind::Up);
  CHECK(parse("舍入 五入 至 0.01元").error() == "舍入方式须为 四舍五入、银行家舍入、向下舍入 或 向上舍入");
  CHECK(parse("施行 2025年6月13日").error() == "这里需要一个日期,格式 YYYY-MM-DD");
}

// One module keeps one of each header line, so a second one in the same file
// would silently replace the first: it is an error at the second.
TEST_CASE("a header line written twice in one file is an error at the second", "[grammar]") {
  struct Case {
    const char* again;
    const char* message;
    std::size_t column;
  } cases[] = {
      {"政策 \"另一个\"", "政策 重复声明(已在 t.kuan:1:4 声明)", 4},
      {"版本 \"v9\"", "版本 重复声明(已在 t.kuan:2:4 声明)", 4},
      {"施行 2020-01-01 起", "施行 重复声明(已在 t.kuan:3:4 声明)", 4},
      {"舍入 银行家舍入 至 1元", "舍入 重复声明(已在 t.kuan:4:4 声明)", 4},
      {"状态 示例\n状态 草案", "状态 重复声明(已在 t.kuan:5:4 声明)", 4},
      {"基于 \"甲\"\n基于 \"乙\"", "基于 重复声明(已在 t.kuan:5:4 声明)", 4},
  };
  for (const auto& c : cases) {
    INFO(c.again);
    const auto p = parse(kHeader + c.again + "\n");
    CHECK_FALSE(p.r.module);
    REQUIRE(p.r.diagnostics.size() == 1);
    const auto& d = p.r.diagnostics.front();
    CHECK(d.message == c.message);
    CHECK(d.line == (std::string(c.again).find('\n') == std::string::npos ? 5u : 6u));
    CHECK(d.column == c.column);
  }
}

TEST_CASE("fact declarations of every type, default, 可选 and 标签", "[grammar]") {
  auto p = parse(
      "事实 a: 金额\n事实 b: 比例\n事实 c: 整数\n事实 d: 数值\n事实 e: 布尔 = 否\n事实 f: 日期 可选\n"
      "事实 采购类型: 枚举 { 模型服务, 算力服务 } 标签 \"采购的类型\"\n"
      "事实 g: 金额 = a 标签 \"默认取 a\"\n事实 h: 枚举 { 一档 二档, } 可选 标签 \"档位\"");
  const auto& f = p.m().facts;
  REQUIRE(f.size() == 9);
  const ast::FactKind kinds[] = {ast::FactKind::Money, ast::FactKind::Rate, ast::FactKind::Integer,
                                 ast::FactKind::Number, ast::FactKind::Bool, ast::FactKind::Date,
                                 ast::FactKind::Enum, ast::FactKind::Money, ast::FactKind::Enum};
  for (std::size_t i = 0; i < f.size(); ++i) CHECK(f[i].kind == kinds[i]);
  CHECK(f[0].name == "a");
  CHECK_FALSE(f[0].default_value);
  CHECK_FALSE(f[0].optional);
  REQUIRE(f[4].default_value);
  CHECK(show(*f[4].default_value) == "否");
  CHECK(f[5].optional);
  REQUIRE(f[6].enum_values.size() == 2);
  CHECK(f[6].enum_values[0].name == "模型服务");
  CHECK(text_of(f[6].enum_values[1].span) == "算力服务");
  CHECK(f[6].label == "采购的类型");
  REQUIRE(f[7].default_value);
  CHECK(show(*f[7].default_value) == "a");
  CHECK(f[7].label == "默认取 a");
  // Enum values may be separated by white space alone, with a trailing comma.
  REQUIRE(f[8].enum_values.size() == 2);
  CHECK(f[8].enum_values[1].name == "二档");
  CHECK(f[8].optional);
  CHECK(f[8].label == "档位");

  CHECK(parse("事实 a 金额").error() == "名称后需要 ':' 和类型");
  CHECK(parse("事实 a: 货币").error() == "这里需要一个类型:金额、金额/月、比例、整数、数值、布尔、日期、天数、月数、年数、枚举 { … } 或 列表 { … }");
  CHECK(parse("事实 a: 枚举 { }").error() == "这里需要一个名称");
}

TEST_CASE("参数, 定义 and top-level 上限 with 已用 and 当", "[grammar]") {
  auto p = parse(
      "参数 单家企业年度上限 = 800万元   标签 \"单家企业每年不超过800万元\"\n"
      "定义 年度上限 = max(单家企业年度上限, 核定上限)\n"
      "上限 年度余额 = 年度上限 已用 已申领 当 已申领 > 0元\n"
      "上限 简单上限 = 100万元");
  const auto& m = p.m();
  REQUIRE(m.params.size() == 1);
  CHECK(m.params[0].name == "单家企业年度上限");
  CHECK(show(*m.params[0].value) == "8000000");
  CHECK(m.params[0].label == "单家企业每年不超过800万元");
  REQUIRE(m.defines.size() == 1);
  CHECK(show(*m.defines[0].value) == "max(单家企业年度上限 核定上限)");
  REQUIRE(m.limits.size() == 2);
  CHECK(m.limits[0].spelling == kuan::ast::LimitSpelling::Cap);
  CHECK(m.limits[0].name == "年度余额");
  CHECK(show(*m.limits[0].limit) == "年度上限");
  REQUIRE(m.limits[0].used);
  CHECK(show(*m.limits[0].used) == "已申领");
  REQUIRE(m.limits[0].when);
  CHECK(show(*m.limits[0].when) == "(> 已申领 0)");
  CHECK_FALSE(m.limits[0].stacking);
  CHECK_FALSE(m.limits[1].used);
  CHECK_FALSE(m.limits[1].when);

  CHECK(parse("上限 余额").error() == "上限需要写出数额:= 表达式 [已用 表达式] [当 条件]");
  CHECK(parse("参数 a 800万元").error() == "这里需要 '='");
}

TEST_CASE("资金池 … 覆盖 and 累计 are sugar for 限额", "[grammar]") {
  auto p = parse("资金池 杭州算力券 = 2.5亿元 覆盖 算力券, 算力券免审配套\n累计 本年度已申领 = 算力券，算力券免审配套\n"
                 "累计 全年合同 = 全年 合同金额 于 算力券");
  const auto& m = p.m();
  using namespace kuan::ast;
  REQUIRE(m.limits.size() == 2);
  const LimitDecl& pool = m.limits[0];
  CHECK(pool.spelling == LimitSpelling::Pool);
  CHECK(pool.name == "杭州算力券");
  CHECK(pool.what == LimitWhat::Amount);
  CHECK(pool.scope == LimitScope::All);
  CHECK(pool.period == LimitPeriod::Year);
  CHECK(pool.action == LimitAction::ProRata);
  CHECK(show(*pool.limit) == "250000000");
  REQUIRE(pool.covers.size() == 2);
  CHECK(pool.covers[1].name == "算力券免审配套");
  const LimitDecl& tally = m.limits[1];
  CHECK(tally.spelling == LimitSpelling::Tally);
  CHECK(tally.scope == LimitScope::Applicant);
  CHECK_FALSE(tally.limit);
  REQUIRE(tally.used);
  CHECK(show(*tally.used) == "本年度已申领");
  REQUIRE(tally.covers.size() == 2);
  CHECK(tally.covers[0].name == "算力券");
  REQUIRE(m.accumulations.size() == 1);  // the 全年 form is a fact over the year, not a limit
  CHECK(m.accumulations[0].year_total_of.name == "合同金额");

  CHECK(parse("资金池 甲 = 1亿元").error() == "资金池需要写出它覆盖的措施:覆盖 措施甲, 措施乙");
  CHECK(parse("累计 甲 = ").error() == "这里需要一个或多个措施名称,以逗号分隔");
}

TEST_CASE("条款 with 原文, 责任单位 and the three kinds of string", "[grammar]") {
  auto p = parse(
      "条款 (一) \"实施算力券\" {\n"
      "  原文 「设立年度2.5亿元规模的\n杭州算力券,“补贴”\"原样\"」\n"
      "  责任单位 “市经信局、市发改委”\n"
      "  参数 比例一 = 30%\n"
      "  措施 甲 { 金额 = 1元 }\n"
      "  例 甲 { 得 1元 }\n"
      "}\n"
      "条款 （二） \"转义\\\"引号\\\\反斜杠\\n换行\\t制表\" { }\n"
      "措施 乙 { 金额 = 2元 }");
  const auto& m = p.m();
  REQUIRE(m.clauses.size() == 2);
  CHECK(m.clauses[0].ref == "(一)");
  CHECK(m.clauses[0].title == "实施算力券");
  CHECK(m.clauses[0].text == "设立年度2.5亿元规模的\n杭州算力券,“补贴”\"原样\"");
  CHECK(m.clauses[0].responsible == "市经信局、市发改委");
  CHECK(m.clauses[1].ref == "（二）");
  CHECK(m.clauses[1].title == "转义\"引号\\反斜杠\n换行\t制表");
  // Declarations inside a clause are edition-wide; measures remember their clause.
  REQUIRE(m.params.size() == 1);
  REQUIRE(m.measures.size() == 2);
  CHECK(m.measures[0].clause == 0);
  CHECK(m.measures[1].clause == -1);
  CHECK(m.examples.size() == 1);

  CHECK(parse("条款 \"无编号\" { }").error() == "条款 后需要条款编号,如 (一)");
  CHECK(parse("条款 (一) { 规定 }").error() ==
        "条款中只能写 原文、责任单位、施行、参数、事实、定义、上限、资金池、累计、限额、校验、措施、例、性质;或以 '}' 结束");
  CHECK(parse("政策 \"未闭合\n").error() == "这里需要一段带引号的文字,如 \"…\" 或 「…」");
  CHECK(parse("政策 \"坏转义\\q\"").error() == "这里需要一段带引号的文字,如 \"…\" 或 「…」");
}

TEST_CASE("措施 with every kind of item", "[grammar]") {
  auto p = parse(
      "措施 算力券 \"杭州算力券\" {\n"
      "  要求 非 已申请免审配套 否则 \"已申请免审配套\"\n"
      "  要求 合同金额 > 0元 否则 「合同金额须为正」\n"
      "  需要 申请主体, 申请日期\n"
      "  比例 = 30%\n"
      "  基数 = 合同金额\n"
      "  金额 = 基数 × 比例\n"
      "  叠加 叠加上限 = 合同金额 × 60% 已用 智能券金额 当 智能券金额 > 0元\n"
      "  上限 年度余额\n"
      "  上限 单项上限 = 100万元\n"
      "  名额 = 20 按 评审得分\n"
      "}");
  REQUIRE(p.m().measures.size() == 1);
  const auto& x = p.m().measures[0];
  CHECK(x.name == "算力券");
  CHECK(x.title == "杭州算力券");
  REQUIRE(x.requirements.size() == 2);
  CHECK(show(*x.requirements[0].condition) == "(非 已申请免审配套)");
  CHECK(x.requirements[0].reason == "已申请免审配套");
  CHECK(x.requirements[1].reason == "合同金额须为正");
  REQUIRE(x.needs.size() == 2);
  CHECK(x.needs[1].name == "申请日期");
  REQUIRE(x.rate);
  CHECK(show(*x.rate) == "0.3");
  REQUIRE(x.base);
  CHECK(show(*x.base) == "合同金额");
  REQUIRE(x.amount);
  CHECK(show(*x.amount) == "(× 基数 比例)");
  REQUIRE(x.limits.size() == 4);  // 名额 is a 限额 too
  CHECK(x.limits[0].stacking);
  CHECK(x.limits[0].name == "叠加上限");
  CHECK(show(*x.limits[0].limit) == "(× 合同金额 0.6)");
  CHECK(show(*x.limits[0].used) == "智能券金额");
  CHECK(show(*x.limits[0].when) == "(> 智能券金额 0)");
  CHECK_FALSE(x.limits[1].stacking);
  CHECK_FALSE(x.limits[1].limit);  // a reference to a top-level cap
  CHECK(x.limits[1].name == "年度余额");
  REQUIRE(x.limits[2].limit);
  CHECK(show(*x.limits[2].limit) == "1000000");
  CHECK(x.limits[3].spelling == kuan::ast::LimitSpelling::Quota);
  CHECK(x.limits[3].what == kuan::ast::LimitWhat::Count);
  CHECK(x.limits[3].scope == kuan::ast::LimitScope::All);
  CHECK(x.limits[3].action == kuan::ast::LimitAction::Best);
  REQUIRE(x.limits[3].limit);
  CHECK(show(*x.limits[3].limit) == "20");
  REQUIRE(x.limits[3].score);
  CHECK(x.limits[3].score->name == "评审得分");

  CHECK(parse("措施 甲 { 要求 a \"理由\" }").error() == "这里需要 '否则'");
  CHECK(parse("措施 甲 { 叠加 乙 }").error() == "上限需要写出数额:= 表达式 [已用 表达式] [当 条件]");
  CHECK(parse("措施 甲 { 比例 = 30%").error() ==
        "措施中只能写 要求、需要、比例、基数、金额、结果、上限、叠加、名额、限额、施行;或以 '}' 结束");
}

TEST_CASE("例 with 得 … 受限 and 不适用", "[grammar]") {
  auto p = parse(
      "例 算力券 \"年度余额用尽\" {\n"
      "  合同金额 = 100万元, 采购类型 = 算力服务\n  中小企业 = 是\n"
      "  得 0元 受限 算力券年度余额\n}\n"
      "例 算力券 { 合同金额 = 100万元  不适用 \"经备案\" }\n"
      "例 算力券 { 不适用 }\n"
      "例 算力券 \"无受限\" { 得 20万元 }");
  const auto& x = p.m().examples;
  REQUIRE(x.size() == 4);
  CHECK(x[0].measure == "算力券");
  CHECK(x[0].title == "年度余额用尽");
  REQUIRE(x[0].facts.size() == 3);
  CHECK(x[0].facts[1].name == "采购类型");
  CHECK(show(*x[0].facts[1].value) == "算力服务");
  CHECK(show(*x[0].facts[2].value) == "是");
  CHECK(x[0].expect_eligible);
  CHECK(show(*x[0].expected_amount) == "0");
  REQUIRE(x[0].expected_bound);
  CHECK(x[0].expected_bound->name == "算力券年度余额");
  CHECK_FALSE(x[1].expect_eligible);
  CHECK(x[1].expected_reason == "经备案");
  CHECK_FALSE(x[2].expect_eligible);
  CHECK(x[2].expected_reason.empty());
  CHECK_FALSE(x[3].expected_bound);
  CHECK(show(*x[3].expected_amount) == "200000");

  CHECK(parse("例 甲 { a = 1 }").error() == "例 中需要写出预期结果:得 金额、不适用 \"理由\" 或 得 错误 代码");
}

TEST_CASE("性质 … { 对任意 申请 [当 …] 有 … }", "[grammar]") {
  auto p = parse(
      "性质 算力券 \"单家企业不超过800万元\" {\n"
      "  对任意 申请 有 金额 ≤ 800万元\n}\n"
      "条款 (一) {\n"
      "  性质 算力券 {\n"
      "    对任意 申请\n      当 有 核定年度上限 且 中小企业\n      有 有 核定年度上限 或 金额 > 0元\n  }\n}\n");
  const auto& ps = p.m().properties;
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].measure == "算力券");
  CHECK(text_of(ps[0].span) == "算力券");
  CHECK(ps[0].title == "单家企业不超过800万元");
  CHECK(ps[0].variable.name == "申请");
  CHECK(text_of(ps[0].variable.span) == "申请");
  CHECK_FALSE(ps[0].when);
  REQUIRE(ps[0].holds);
  CHECK(show(*ps[0].holds) == "(≤ 金额 8000000)");
  CHECK(text_of(ps[0].holds->span) == "金额 ≤ 800万元");
  // Inside a clause too; the claim's 有 follows a complete condition, the 有 of
  // `有 F` starts an operand.
  CHECK(ps[1].title.empty());
  REQUIRE(ps[1].when);
  CHECK(show(*ps[1].when) == "(且 (有 核定年度上限) 中小企业)");
  CHECK(show(*ps[1].holds) == "(或 (有 核定年度上限) (> 金额 0))");
  CHECK(ps[1].span.file->locate(ps[1].span.begin).line == 5);
  // 性质 and 对任意 are not reserved: they remain names elsewhere.
  CHECK(parse("事实 性质: 布尔\n定义 对任意 = 性质").error().empty());

  CHECK(parse("性质 甲 { }").error() == "性质 中需要写出一条结论:对任意 申请 [当 条件] 有 结论");
  CHECK(parse("性质 甲 { 对任意 申请 金额 > 0元 }").error() ==
        "对任意 申请 [当 条件] 后需要 '有' 和结论,如 有 金额 ≤ 800万元");
  CHECK(parse("性质 甲 { 对任意 申请 当 a 有 }").error() == "这里需要一个表达式");
  CHECK(parse("性质 甲 { 对任意 有 a }").error() == "这里需要一个名称");
  CHECK(parse("性质 甲 { 对任意 申请 有 a 对任意 申请 有 b }").error() == "性质 中只能写一条 对任意 …;或以 '}' 结束");
  CHECK(parse("性质 { 对任意 申请 有 a }").error() == "这里需要一个名称");
  const auto e = parse("性质 甲 {\n  对任意申请 有 a\n}");
  CHECK(e.error() == "性质 中需要写出一条结论:对任意 申请 [当 条件] 有 结论");
  REQUIRE_FALSE(e.r.diagnostics.empty());
  CHECK(e.r.diagnostics.front().line == 2);
  CHECK(e.r.diagnostics.front().column == 3);
}

TEST_CASE("every operator, in its ASCII and Unicode spellings", "[grammar]") {
  CHECK(sx("a + b") == "(+ a b)");
  CHECK(sx("a - b") == "(- a b)");
  CHECK(sx("a − b") == "(- a b)");
  CHECK(sx("a × b") == "(× a b)");
  CHECK(sx("a * b") == "(× a b)");
  CHECK(sx("a ÷ b") == "(÷ a b)");
  CHECK(sx("a / b") == "(÷ a b)");
  CHECK(sx("a < b") == "(< a b)");
  CHECK(sx("a > b") == "(> a b)");
  CHECK(sx("a ≤ b") == "(≤ a b)");
  CHECK(sx("a <= b") == "(≤ a b)");
  CHECK(sx("a ≥ b") == "(≥ a b)");
  CHECK(sx("a >= b") == "(≥ a b)");
  CHECK(sx("a ≠ b") == "(≠ a b)");
  CHECK(sx("a != b") == "(≠ a b)");
  CHECK(sx("a = b") == "(= a b)");
  CHECK(sx("a == b") == "(= a b)");
  CHECK(sx("a 且 b") == "(且 a b)");
  CHECK(sx("a and b") == "(且 a b)");
  CHECK(sx("a 或 b") == "(或 a b)");
  CHECK(sx("a or b") == "(或 a b)");
  CHECK(sx("非 a") == "(非 a)");
  CHECK(sx("not a") == "(非 a)");
  CHECK(sx("-a") == "(- a)");
  CHECK(sx("−a") == "(- a)");
  CHECK(sx("是") == "是");
  CHECK(sx("true") == "是");
  CHECK(sx("否") == "否");
  CHECK(sx("false") == "否");
  // No spaces needed around symbolic operators.
  CHECK(sx("a×b+c") == "(+ (× a b) c)");
  CHECK(sx("a<=b") == "(≤ a b)");
}

TEST_CASE("precedence and associativity", "[grammar]") {
  CHECK(sx("a + b × c") == "(+ a (× b c))");
  CHECK(sx("a × b + c") == "(+ (× a b) c)");
  CHECK(sx("(a + b) × c") == "(× (+ a b) c)");
  CHECK(sx("a - b - c") == "(- (- a b) c)");
  CHECK(sx("a ÷ b ÷ c") == "(÷ (÷ a b) c)");
  CHECK(sx("a - -b") == "(- a (- b))");
  CHECK(sx("-a × b") == "(× (- a) b)");
  CHECK(sx("非 a 且 b") == "(且 (非 a) b)");
  CHECK(sx("非 (a 且 b)") == "(非 (且 a b))");
  CHECK(sx("非 非 a") == "(非 (非 a))");
  CHECK(sx("a 或 b 且 c") == "(或 a (且 b c))");
  CHECK(sx("a 且 b 或 c 且 d") == "(或 (且 a b) (且 c d))");
  CHECK(sx("a 且 b 且 c") == "(且 (且 a b) c)");
  CHECK(sx("a + b > c × d") == "(> (+ a b) (× c d))");
  CHECK(sx("a = b 且 c ≤ d") == "(且 (= a b) (≤ c d))");
  CHECK(sx("非 a = b") == "(非 (= a b))");
  CHECK(sx("若 a 且 b 则 x + 1 否则 y") == "(若 (且 a b) (+ x 1) y)");
  // Comparison does not chain.
  CHECK(sx("a < b < c") == "ERROR 1:7 表达式到此应当结束,这里多出了内容");
}

TEST_CASE("若 / 则 / 否则, 按, 有 and calls", "[grammar]") {
  CHECK(sx("若 a 则 1 否则 2") == "(若 a 1 2)");
  CHECK(sx("若 a 则 1 否则 若 b 则 2 否则 3") == "(若 a 1 (若 b 2 3))");
  CHECK(sx("按 档位 { 一档 => 30%, 二档 => 20% }") == "(按 档位 [一档 0.3] [二档 0.2])");
  CHECK(sx("按 档位 { 一档 | 二档 => 30% 其他 => 0% }") == "(按 档位 [一档|二档 0.3] [其他 0])");
  CHECK(sx("按 档位 { 一档 → 1, }") == "(按 档位 [一档 1])");
  CHECK(sx("按 a { x => 按 b { y => 1 }, 其他 => 2 }") == "(按 a [x (按 b [y 1])] [其他 2])");
  CHECK(sx("有 核定上限") == "(有 核定上限)");
  CHECK(sx("非 有 核定上限") == "(非 (有 核定上限))");
  CHECK(sx("min(a, b, c)") == "min(a b c)");
  CHECK(sx("最大(a，b)") == "最大(a b)");
  CHECK(sx("四舍五入(x × 30%, 0.01元)") == "四舍五入((× x 0.3) 0.01)");
  CHECK(sx("f()") == "f()");
  CHECK(sx("abs (x)") == "abs(x)");

  CHECK(sx("若 a 1 否则 2") == "ERROR 1:5 若 … 的条件后需要 '则'");
  CHECK(sx("若 a 则 1") == "ERROR 1:8 这里需要 '否则'");
  CHECK(sx("按 a { }") == "ERROR 1:7 按 … { } 中至少需要一个分支,如 一档 => 30%");
  CHECK(sx("按 a { x 1 }") == "ERROR 1:9 分支的取值前需要 '=>'");
  CHECK(sx("按 a { x => 1") == "ERROR 1:13 这里需要 '}'");
  CHECK(sx("有 1") == "ERROR 1:3 这里需要一个名称");
  CHECK(sx("min(a, )") == "ERROR 1:8 这里需要一个表达式");
  CHECK(sx("min(a b)") == "ERROR 1:7 缺少右括号 ')'");
  CHECK(sx("a × × b") == "ERROR 1:5 运算符后需要一个操作数");
  CHECK(sx("a ×") == "ERROR 1:4 运算符后需要一个操作数");
  CHECK(sx("(a + b") == "ERROR 1:7 缺少右括号 ')'");
  CHECK(sx("非") == "ERROR 1:2 运算符后需要一个操作数");
  CHECK(sx("") == "ERROR 1:1 这里需要一个表达式");
}

TEST_CASE("按 over ranges: (含)/(不含) ends, 以上, 以下, 至", "[grammar]") {
  CHECK(sx("按 x { 50万元(含) 以下 => 1, 50万元(不含) 至 100万元(含) => 2, 100万元(不含) 以上 => 3 }") ==
        "(按区间 x […~500000含 1] [500000不含~1000000含 2] [1000000不含~… 3])");
  CHECK(sx("按 x { 门槛（含） 以下 => 1，其他 => 2 }") == "(按区间 x […~门槛含 1] [其他 2])");
  CHECK(sx("按 d { 2025-06-30(含) 以下 => 1, -5(不含) 以上 => 2 }") == "(按区间 d […~2025-06-30含 1] [(- 5)不含~… 2])");
  CHECK(sx("按 x { 3( 含 ) 至 -门槛(不含) => 1 }") == "(按区间 x [3含~(- 门槛)不含 1])");
  // A name before (含) is an end; without it, an enumeration value.
  CHECK(sx("按 x { 门槛 => 1 }") == "(按 x [门槛 1])");
  CHECK(sx("按 x { 100万元 以下 => 1 }") == "ERROR 1:13 区间的端点后须写明是否包含:(含) 或 (不含),如 50万元(含) 以下");
  CHECK(sx("按 x { 100万元(包含) 以下 => 1 }") == "ERROR 1:13 区间端点的括号中须写 含 或 不含,如 50万元(含)");
  CHECK(sx("按 x { 100万元(含 以下 => 1 }") == "ERROR 1:15 缺少右括号 ')'");
  CHECK(sx("按 x { 100万元(含) => 1 }") == "ERROR 1:16 区间的端点后须接 以上、以下,或 至 另一端,如 50万元(含) 至 100万元(不含)");
  CHECK(sx("按 x { 1(含) 至 => 1 }") == "ERROR 1:14 至 后需要区间的另一端,并写明是否包含,如 100万元(不含)");
  CHECK(sx("按 x { 甲 => 1, 1(含) 以上 => 2 }") ==
        "ERROR 1:7 按 的分支要么都是区间,要么都是取值;这里 甲 是取值,而 1(含) 以上 是区间");
  // The range as written, for messages and explanations.
  auto e = parse_ex("按 x { 50万元（含） 至 100万元(不含) => 1, 3(含) 以上 => 2 }");
  REQUIRE(e.r.expr);
  CHECK(text_of(e.r.expr->arms[0].pattern_span) == "50万元（含） 至 100万元(不含)");
  CHECK(text_of(e.r.expr->arms[1].pattern_span) == "3(含) 以上");
}

TEST_CASE("unit literals, numbers and dates", "[grammar]") {
  struct Case {
    const char* text;
    const char* value;
    ast::Unit unit;
  } cases[] = {
      {"800万元", "8000000", ast::Unit::Wan},      {"2.5亿元", "250000000", ast::Unit::Yi},
      {"30%", "0.3", ast::Unit::Percent},           {"30％", "0.3", ast::Unit::Percent},
      {"1.5个百分点", "0.015", ast::Unit::PercentPoint}, {"12.5元", "12.5", ast::Unit::Yuan},
      {"0.01元", "0.01", ast::Unit::Yuan},          {"3", "3", ast::Unit::None},
      {"87.5", "87.5", ast::Unit::None},            {"0", "0", ast::Unit::None},
      {"50.01万元", "500100", ast::Unit::Wan},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto e = parse_ex(c.text);
    REQUIRE(e.r.expr);
    CHECK(e.r.expr->kind == ExprKind::Number);
    CHECK(num(e.r.expr->number) == c.value);
    CHECK(e.r.expr->unit == c.unit);
    CHECK(text_of(e.r.expr->span) == c.text);
  }
  // Exact: 30% is 0.30, not a binary approximation.
  CHECK(parse_ex("30%").r.expr->number == *Decimal::parse("0.30"));
  CHECK(parse_ex("1.5个百分点").r.expr->number == *Decimal::parse("0.015"));

  CHECK(sx("010元") == "ERROR 1:1 数字写法不对:\"010\"(整数部分不能以 0 开头)");
  CHECK(sx("1 + 00") == "ERROR 1:5 数字写法不对:\"00\"(整数部分不能以 0 开头)");

  CHECK(sx("2025-06-13") == "2025-06-13");
  CHECK(sx("2024-02-29") == "2024-02-29");
  CHECK(sx("d ≥ 2025-06-13") == "(≥ d 2025-06-13)");
  CHECK(sx("2025-02-30") == "ERROR 1:1 没有这一天:2025-02-30");
  CHECK(sx("2023-02-29") == "ERROR 1:1 没有这一天:2023-02-29");
  CHECK(sx("2025-13-01") == "ERROR 1:1 没有这一天:2025-13-01");
  CHECK(parse_date("1970-01-01") == 0);
  CHECK(parse_date("2000-03-01") == 11017);
  CHECK(format_date(*parse_date("2025-06-13")) == "2025-06-13");
  CHECK_FALSE(parse_date("2025-6-13"));
  CHECK_FALSE(parse_date("2025-00-10"));
  CHECK_FALSE(parse_date("2025-01-00"));
  CHECK(parse("施行 2025-02-30 起").error() == "没有这一天:2025-02-30");
}

TEST_CASE("full-width punctuation, comments, ideographic space and BOM", "[grammar]") {
  auto p = parse(
      "\xEF\xBB\xBF# 文件开头的注释\n"
      "事实 合同金额：金额   # 全角冒号\n"
      "事实 档位：枚举｛一档，二档｝\n"
      "定义\u3000补贴＝1元\n");
  // A full-width ＝ is not an operator: the definition above is a syntax error.
  CHECK(p.error() == "这里需要 '='");

  auto q = parse(
      "\xEF\xBB\xBF# 文件开头的注释\n"
      "事实 合同金额：金额   # 全角冒号\n"
      "事实 档位：枚举｛一档，二档｝\n"
      "定义\u3000补贴 = min（合同金额，按 档位｛一档｜二档 => 1元 ，其他 → 2元｝）# 行尾注释\n"
      "措施 甲｛金额 = 补贴｝");
  const auto& m = q.m();
  REQUIRE(m.facts.size() == 2);
  CHECK(m.facts[0].name == "合同金额");
  REQUIRE(m.facts[1].enum_values.size() == 2);
  CHECK(m.facts[1].enum_values[1].name == "二档");
  REQUIRE(m.defines.size() == 1);
  CHECK(m.defines[0].name == "补贴");
  REQUIRE(m.measures.size() == 1);
  CHECK(show(*m.measures[0].amount) == "补贴");

  auto e = parse_ex("\xEF\xBB\xBF a ×（b ＋ c）");  // full-width ＋ is not an operator
  CHECK(e.r.diagnostics.at(0).message == "缺少右括号 ')'");
  CHECK(sx("（a + b）× c  # 注释") == "(× (+ a b) c)");
  CHECK(sx("a ×\n  # 折行中的注释\n  b") == "(× a b)");
  CHECK(parse("").r.module);
  CHECK(parse("# 只有注释").r.module);
  CHECK(parse("\xEF\xBB\xBF").r.module);
}

TEST_CASE("keywords are whole words", "[grammar]") {
  // 若中小企业 is one name; so are names that begin with a keyword.
  CHECK(sx("若中小企业") == "若中小企业");
  CHECK(sx("有效期 且 是否备案") == "(且 有效期 是否备案)");
  CHECK(sx("非营利 或 android") == "(或 非营利 android)");
  CHECK(sx("按比例") == "按比例");
  CHECK(sx("x1 + _y") == "(+ x1 _y)");
  // Words that are natural names are not reserved.
  CHECK(sx("金额 × 比例") == "(× 金额 比例)");
  CHECK(sx("基数 + 名额") == "(+ 基数 名额)");
  CHECK(sx("否则") == "ERROR 1:1 这里需要一个表达式");
  CHECK(parse("事实 若: 金额").error() == "这里需要一个名称");
  CHECK_THAT(parse("规定 x = 1").error(), Catch::StartsWith("这里需要一条语句:政策、版本、"));
}

TEST_CASE("spans cover exactly the characters of a name", "[grammar]") {
  auto p = parse(
      "事实 合同金额: 金额\n"
      "定义 补贴额 = 合同金额   ×   30%   # 注释\n"
      "措施 算力券 { 要求 有 核定上限 否则 \"x\"  金额 = min(合同金额, 1元) }\n"
      "例 算力券 { 合同金额 = 1元 得 1元 受限 年度余额 }");
  const auto& m = p.m();
  CHECK(text_of(m.facts[0].span) == "合同金额");
  CHECK(text_of(m.defines[0].span) == "补贴额");
  const auto& product = *m.defines[0].value;
  CHECK(text_of(product.span) == "合同金额   ×   30%");
  CHECK(text_of(product.args[0]->span) == "合同金额");
  CHECK(text_of(product.args[1]->span) == "30%");
  const auto& x = m.measures[0];
  CHECK(text_of(x.span) == "算力券");
  CHECK(text_of(x.requirements[0].condition->span) == "核定上限");
  CHECK(text_of(x.amount->span) == "min");
  CHECK(text_of(x.amount->args[0]->span) == "合同金额");
  CHECK(text_of(m.examples[0].span) == "算力券");
  CHECK(text_of(m.examples[0].facts[0].span) == "合同金额");
  CHECK(text_of(m.examples[0].expected_bound->span) == "年度余额");

  auto e = parse_ex("若 a 且 b 则 按 档位 { 一档 => 1 } 否则 非 c  ");
  REQUIRE(e.r.expr);
  CHECK(text_of(e.r.expr->span) == "若 a 且 b 则 按 档位 { 一档 => 1 } 否则 非 c");
  CHECK(text_of(e.r.expr->args[0]->span) == "a 且 b");
  CHECK(text_of(e.r.expr->args[1]->span) == "按 档位 { 一档 => 1 }");
  CHECK(text_of(e.r.expr->args[1]->arms[0].patterns[0].span) == "一档");
  CHECK(text_of(e.r.expr->args[2]->span) == "非 c");
  CHECK(text_of(parse_ex("-x").r.expr->span) == "-x");
}

// Spans of parenthesised operands include the parentheses, so carets balance.
TEST_CASE("spans of parenthesised operands include the parentheses", "[grammar]") {
  CHECK(text_of(parse_ex("(a + 1元) × (b − 1元)").r.expr->span) == "(a + 1元) × (b − 1元)");
  CHECK(text_of(parse_ex("-(a × b)").r.expr->span) == "-(a × b)");
  CHECK(text_of(parse_ex("x × （a + b）").r.expr->span) == "x × （a + b）");
}

// The span of 按 … { … } stops at its closing brace, not after a comment.
TEST_CASE("the span of 按 … { … } stops at its closing brace", "[grammar]") {
  CHECK(text_of(parse_ex("按 档位 { 一档 => 1 }   # 注释").r.expr->span) == "按 档位 { 一档 => 1 }");
  CHECK(text_of(parse_ex("按 档位 { 一档 => 1 }\u3000").r.expr->span) == "按 档位 { 一档 => 1 }");
  auto p = parse("定义 x = 按 档位 { 一档 => 1 }  # 注释\n");
  CHECK(text_of(p.m().defines[0].value->span) == "按 档位 { 一档 => 1 }");
}

TEST_CASE("locate counts characters, not bytes", "[grammar]") {
  SourceFile f("t.kuan", "事实 合同金额: 金额\n\t定义 x = 合同金额 × 2\r\n最后一行");
  const std::string& t = f.text();
  auto at = [&](const std::string& needle, std::size_t from = 0) { return f.locate(t.find(needle, from)); };
  CHECK(at("合同金额").line == 1);
  CHECK(at("合同金额").column == 4);
  CHECK(at("金额\n").column == 10);
  CHECK(at("定义").line == 2);
  CHECK(at("定义").column == 2);  // a tab is one character
  CHECK(at("× 2").column == 14);
  CHECK(at("2\r").column == 16);
  CHECK(at("最后").line == 3);
  CHECK(at("最后").column == 1);
  CHECK(f.locate(t.size()).column == 5);  // end of file
  CHECK(f.line_text(2) == "\t定义 x = 合同金额 × 2");  // without the \r
  CHECK(f.line_text(3) == "最后一行");

  // A syntax error after Chinese text: columns in characters.
  auto p = parse("事实 合同金额: 金额\n定义 补贴额 = 合同金额 × × 30%");
  REQUIRE(p.r.diagnostics.size() == 1);
  CHECK(p.r.diagnostics[0].line == 2);
  CHECK(p.r.diagnostics[0].column == 17);
  CHECK(p.r.diagnostics[0].file == "t.kuan");
}

TEST_CASE("render_diagnostic pads and underlines by display width", "[grammar]") {
  auto src = std::make_shared<SourceFile>("t.kuan", "事实 合同金额: 金额\n\t定义 x = 合同金额 × 2\n");
  const std::string& t = src->text();
  auto span = [&](const std::string& needle) {
    const auto b = static_cast<std::uint32_t>(t.find(needle));
    return Span{src.get(), b, b + static_cast<std::uint32_t>(needle.size())};
  };
  auto d = make_diagnostic(Severity::Error, span("合同金额 × 2"), "消息");
  auto caret = [](std::size_t pad, std::size_t width) {
    return std::string(pad, ' ') + "^" + std::string(width - 1, '~') + "\n";
  };
  CHECK(d.line == 2);
  CHECK(d.column == 9);
  // The tab is kept; 定义 takes 4 columns; the span 合同金额 × 2 is 12 columns wide.
  CHECK(d.rendered == "t.kuan:2:9: error: 消息\n\t定义 x = 合同金额 × 2\n\t" + caret(9, 12));
  auto w = make_diagnostic(Severity::Warning, span("合同金额:"), "注意");
  CHECK(w.rendered == "t.kuan:1:4: warning: 注意\n事实 合同金额: 金额\n" + caret(5, 9));
  // An empty span covers the character it stands on, by its display width.
  auto e = make_diagnostic(Severity::Error, Span{src.get(), 0, 0}, "空");
  CHECK(e.rendered == "t.kuan:1:1: error: 空\n事实 合同金额: 金额\n" + caret(0, 2));
  // An empty span at the end of a line is one caret.
  const auto eol = static_cast<std::uint32_t>(t.find('\n'));
  CHECK(make_diagnostic(Severity::Error, Span{src.get(), eol, eol}, "行尾").rendered ==
        "t.kuan:1:12: error: 行尾\n事实 合同金额: 金额\n" + caret(19, 1));
  // A span over several lines is underlined on its first line only.
  auto m = make_diagnostic(Severity::Error, span("金额\n\t定义"), "跨行");
  CHECK(m.rendered == "t.kuan:1:10: error: 跨行\n事实 合同金额: 金额\n" + caret(15, 4));
  CHECK(render_diagnostic(make_diagnostic(Severity::Error, Span{}, "无位置")) == "error: 无位置\n");
}

TEST_CASE("expressions nested 1,000,000 deep give a diagnostic, not a crash", "[grammar]") {
  constexpr std::size_t n = 1000000;
  auto deep = [](const std::string& prefix, const std::string& core, const std::string& suffix) {
    std::string s;
    s.reserve(n * (prefix.size() + suffix.size()) + core.size());
    for (std::size_t i = 0; i < n; ++i) s += prefix;
    s += core;
    for (std::size_t i = 0; i < n; ++i) s += suffix;
    return s;
  };
  const std::string inputs[] = {deep("(", "1", ")"), deep("-", "1", ""), deep("− ", "1", ""),
                                deep("非 ", "是", ""), deep("（", "1", "）"), deep("若 ", "是", ""),
                                deep("min(", "1", ")"), deep("按 ", "a", "")};
  for (const auto& text : inputs) {
    INFO(text.substr(0, 12));
    auto e = parse_ex(text);
    CHECK_FALSE(e.r.expr);
    REQUIRE(e.r.diagnostics.size() == 1);
    CHECK(e.r.diagnostics[0].severity == Severity::Error);
    CHECK(e.r.diagnostics[0].line == 1);

    auto p = parse(kHeader + "参数 x = " + text + "\n");
    CHECK_FALSE(p.r.module);
    REQUIRE(p.r.diagnostics.size() == 1);
    CHECK(p.r.diagnostics[0].line == 5);
  }
  // Nesting a real rule would use still parses.
  CHECK(sx("((((((((((((((((((((1))))))))))))))))))))") == "1");
  std::string chain = "1";
  for (int i = 0; i < 50; ++i) chain = "若 a 则 " + std::to_string(i) + " 否则 " + chain;
  CHECK(parse_ex(chain).r.expr);
}

// A long flat operator chain becomes a deep tree: it must give a diagnostic, not
// a crash. Run in a child process so a crash cannot take the test binary with it.
TEST_CASE("long flat operator chains give a diagnostic or pass, not a crash", "[grammar]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("kuan_grammar_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Case {
    const char* name;
    std::string body;
  };
  auto repeat = [](const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
  };
  const Case cases[] = {
      {"sum", "参数 x = 1" + repeat(" + 1", 1000000) + "\n"},
      {"and", "事实 a: 布尔\n定义 x = a" + repeat(" 且 a", 1000000) + "\n"},
      {"product", "参数 x = 1" + repeat(" × 1", 1000000) + "\n"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const fs::path file = dir / (std::string(c.name) + ".kuan");
    std::ofstream(file, std::ios::binary) << kHeader << c.body;
    const std::string cmd = std::string("\"") + KUAN_BINARY + "\" check --quiet \"" + file.string() + "\" >/dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    REQUIRE(status != -1);
    CHECK_FALSE(WIFSIGNALED(status));
    CHECK(WIFEXITED(status));
    if (WIFEXITED(status)) CHECK(WEXITSTATUS(status) <= 1);
  }
  fs::remove_all(dir);
}

// ---------------------------------------------------------------- the keyword table
TEST_CASE("every word the grammar spells is in the keyword table, and every table word in the grammar", "[grammar]") {
  std::ifstream in(std::filesystem::path(KUAN_SOURCE_DIR) / "lang/grammar.hpp");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string grammar = ss.str();
  // Units are part of a number literal, not words: the grammar reads them from lang/units.hpp.
  CHECK(grammar.find("units::unit_at") != std::string::npos);
  std::set<std::string> spelt;
  const std::string open = "TAO_PEGTL_STRING(\"";
  for (auto at = grammar.find(open); at != std::string::npos; at = grammar.find(open, at + 1)) {
    const auto from = at + open.size();
    const std::string w = grammar.substr(from, grammar.find('"', from) - from);
    std::size_t i = 0;
    if (keywords::is_name_start(decode_utf8(w, i))) spelt.insert(w);
  }
  std::set<std::string> table;
  for (const auto& k : keywords::kAll) CHECK(table.insert(std::string(k.word)).second);  // no word twice
  CHECK(spelt.size() > 60);
  for (const auto& w : spelt) {
    INFO("in lang/grammar.hpp but not in lang/keywords.hpp: " << w);
    CHECK(table.count(w));
  }
  for (const auto& w : table) {
    INFO("in lang/keywords.hpp but spelt nowhere in lang/grammar.hpp: " << w);
    CHECK(spelt.count(w));
  }
}

TEST_CASE("the reserved rule matches exactly the reserved words of the table, as whole words", "[grammar]") {
  auto reserved = [](const std::string& text) {
    tao::pegtl::memory_input in(text, "word");
    return tao::pegtl::parse<tao::pegtl::seq<grammar::reserved, tao::pegtl::eof>>(in);
  };
  int count = 0;
  for (const auto& k : keywords::kAll) {
    INFO(k.word);
    const std::string w(k.word);
    CHECK(reserved(w) == (k.reach == keywords::Reach::Reserved));
    CHECK_FALSE(reserved(w + "x"));  // a longer name is a name
    CHECK_FALSE(reserved(w + "1"));
    count += k.reach == keywords::Reach::Reserved;
  }
  // docs/language.md lists them; fewer is better, more needs a reason (累进 begins an expression,
  // 校验 and 累进表 a statement).
  CHECK(count == 41);
  CHECK_FALSE(reserved(""));
  CHECK_FALSE(reserved("中小企业"));
  CHECK_FALSE(reserved("责任单位责任单位"));  // longer than any keyword
}

TEST_CASE("a name is made of the same characters in the grammar and in keywords.hpp", "[grammar]") {
  for (char32_t c = 1; c < 0x30000; c += (c < 0x3000 ? 1 : 7)) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    std::string s;
    if (c < 0x80) s += static_cast<char>(c);
    else if (c < 0x800) s += {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    else if (c < 0x10000)
      s += {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
    else
      s += {static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
            static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
    tao::pegtl::memory_input in(s, "c");
    INFO(static_cast<std::uint32_t>(c));
    REQUIRE(tao::pegtl::parse<tao::pegtl::seq<grammar::ident_first, tao::pegtl::eof>>(in) == keywords::is_name_start(c));
  }
}

// The words a 例 reads (得, 受限, 不受限, 不适用) and those that follow what they
// modify (已用, 当, 标签, 覆盖, 可选, 起, 至) are not reserved: they may be names.
TEST_CASE("positional keywords may be names outside their place", "[grammar]") {
  auto p = parse(
      "政策 \"p\"\n版本 \"v\"\n施行 2025-01-01 至 2025-12-31 起\n舍入 四舍五入 至 0.01元\n"
      "事实 得: 金额\n事实 受限: 金额 = 0元 标签 \"x\"\n事实 不受限: 布尔 = 否\n事实 不适用: 金额 可选\n"
      "参数 已用 = 10元\n参数 当 = 5元\n参数 标签 = 1元\n参数 覆盖 = 2元\n参数 可选 = 3元\n参数 起 = 4元\n参数 至 = 6元\n"
      "上限 顶 = 得 已用 已用 当 不受限\n"
      "措施 甲 { 要求 得 > 已用 否则 \"少\"\n 金额 = 得 − 受限 + 标签 + 覆盖 + 可选 + 起 + 至 + (若 有 不适用 则 不适用 否则 当)\n 上限 顶 }\n"
      "例 甲 { 得 = 100元, 受限 = 1元 得 100元 受限 顶 }\n"
      "例 甲 { 得 = 100元 不受限 = 是 得 100元 不受限 }\n"
      "例 甲 { 得 = 1元 不适用 \"少\" }\n");
  const auto& m = p.m();
  REQUIRE(m.facts.size() == 4);
  CHECK(m.facts[0].name == "得");
  CHECK(m.facts[1].label == "x");
  CHECK(m.facts[3].optional);
  REQUIRE(m.params.size() == 7);
  REQUIRE(m.examples.size() == 3);
  CHECK(m.examples[0].facts.size() == 2);
  REQUIRE(m.examples[0].expected_bound);
  CHECK(m.examples[0].expected_bound->name == "顶");
  CHECK(m.examples[1].facts.size() == 2);
  CHECK(m.examples[1].expect_unbound);
  CHECK_FALSE(m.examples[2].expect_eligible);
  // The reserved ones still are not.
  CHECK(parse("事实 若: 金额").error() == "这里需要一个名称");
  CHECK(parse("参数 修订 = 1元").error() == "这里需要一个名称");
}

// ---------------------------------------------------------------- the reference
namespace {

// The code of a Markdown text: fenced blocks and `inline spans`.
std::string code_of(const std::string& md) {
  std::string code;
  bool fenced = false;
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```", 0) == 0) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      code += line + "\n";
      continue;
    }
    for (std::size_t open = line.find('`'); open != std::string::npos;) {
      const std::size_t close = line.find('`', open + 1);
      if (close == std::string::npos) break;
      code += line.substr(open + 1, close - open - 1) + "\n";
      open = line.find('`', close + 1);
    }
  }
  return code;
}

// The table's words that the code never writes as a whole word.
std::vector<std::string> keywords_missing(const std::string& code) {
  std::vector<std::string> missing;
  for (const auto& k : keywords::kAll) {
    bool found = false;
    for (std::size_t at = code.find(k.word); at != std::string::npos && !found; at = code.find(k.word, at + 1)) {
      std::size_t before = at;  // the character before, stepping back over continuation bytes
      while (before > 0 && (static_cast<unsigned char>(code[before - 1]) & 0xC0) == 0x80) --before;
      std::size_t i = before > 0 ? before - 1 : 0;
      const bool clear_before = at == 0 || !keywords::is_name_char(decode_utf8(code, i));
      std::size_t j = at + k.word.size();
      const bool clear_after = j >= code.size() || !keywords::is_name_char(decode_utf8(code, j));
      found = clear_before && clear_after;
    }
    if (!found) missing.emplace_back(k.word);
  }
  return missing;
}

}  // namespace

TEST_CASE("docs/language.md writes every keyword of the table in code", "[docs]") {
  std::ifstream in(std::filesystem::path(KUAN_SOURCE_DIR) / "docs/language.md");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto missing = keywords_missing(code_of(ss.str()));
  for (const auto& w : missing) {
    INFO("docs/language.md never writes this keyword in code (`…` or a ``` block): " << w);
    CHECK(false);
  }
  CHECK(missing.empty());
  // The check itself can fail: prose does not count, nor a word inside a longer name.
  const auto none = keywords_missing("若 and 得\n");
  CHECK(std::find(none.begin(), none.end(), "若") == none.end());
  CHECK(std::find(none.begin(), none.end(), "受限") != none.end());
  CHECK(keywords_missing(code_of("受限 in prose\n`不受限`\n")).size() == std::size(keywords::kAll) - 1);
  const auto inside = keywords_missing("`当年营收`");
  CHECK(std::find(inside.begin(), inside.end(), "当") != inside.end());
}

TEST_CASE("aggregates 合计 计数 最大 最小 over a list name, and their words stay names elsewhere") {
  CHECK(sx("合计 子女 { 月数 × 比例 当 月数 > 0 }") == "(合计 v w 子女 (× 月数 比例) (> 月数 0))");
  CHECK(sx("计数 子女") == "(计数 子女)");
  CHECK(sx("计数 子女 { 当 在读 }") == "(计数 w 子女 在读)");
  CHECK(sx("计数 子女 {}") == "(计数 子女)");
  CHECK(sx("最大 子女 { 月数 } + 1") == "(+ (最大 v 子女 月数) 1)");
  CHECK(sx("最大(a, b)") == "最大(a b)");
  CHECK(sx("合计 + 1") == "(+ 合计 1)");
  CHECK(sx("最小 当") == "ERROR 1:4 表达式到此应当结束,这里多出了内容");
  CHECK(sx("合计 子女 { 额 当 } ").rfind("ERROR 1:", 0) == 0);
  CHECK(sx("合计 子女 { 额 额 }") == "ERROR 1:11 合计/计数/最大/最小 的 { } 中只能写 一个表达式 [当 条件];或以 '}' 结束");
}
