// The checker (lang/checker.cpp) through Policy::from_text: units, names,
// cycles, enumerations, literals, duplicates, caps, pools and quotas — each with
// its message, line and column.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "interpreter/policy.hpp"
#include "lang/checker.hpp"

using namespace kuan;

namespace {

// Four lines: the body of every test starts on line 5.
const std::string kHeader =
    "政策 \"测试政策\"\n版本 \"2025年版\"\n施行 2025-06-13 起\n舍入 四舍五入 至 0.01元\n";

struct Loaded {
  std::shared_ptr<const Policy> policy;
  std::vector<Diagnostic> diags;

  std::vector<Diagnostic> of(Severity s) const {
    std::vector<Diagnostic> out;
    for (const auto& d : diags)
      if (d.severity == s) out.push_back(d);
    return out;
  }
  std::vector<Diagnostic> errors() const { return of(Severity::Error); }
  std::string rendered() const {
    std::string s;
    for (const auto& d : diags) s += d.rendered;
    return s;
  }
  const Edition& ed() const {
    REQUIRE(policy);
    return *policy->latest();
  }
};

Loaded load_text(const std::string& text) {
  Loaded l;
  l.policy = Policy::from_text("t.kuan", text, l.diags);
  return l;
}
Loaded load(const std::string& body) { return load_text(kHeader + body); }

// The one error a rule text must produce (failing with every diagnostic shown).
Diagnostic one_error(const std::string& body) {
  const auto l = load(body);
  INFO(l.rendered());
  CHECK_FALSE(l.policy);
  const auto errors = l.errors();
  REQUIRE(errors.size() == 1);
  return errors.front();
}

#define CHECK_DIAG(d, msg, ln, col) \
  do {                              \
    INFO((d).rendered);             \
    CHECK((d).message == (msg));    \
    CHECK((d).line == (ln));        \
    CHECK((d).column == (col));     \
    CHECK((d).file == "t.kuan");    \
  } while (0)

// Facts of every type, for typing one expression in `定义 结果 = …` (line 13, the
// expression from column 9).
const std::string kFacts =
    "事实 合同金额: 金额\n事实 已申领: 金额\n事实 补贴比例: 比例\n事实 件数: 整数\n事实 得分: 数值\n"
    "事实 中小企业: 布尔\n事实 申请日期: 日期\n事实 档位: 枚举 { 一档, 二档 }\n";
constexpr std::size_t kExprLine = 13, kExprColumn = 9;

struct Typed {
  TypeKind kind = TypeKind::Error;
  std::vector<Diagnostic> errors;
  std::string rendered;
};

Typed typed(const std::string& expr) {
  const auto l = load(kFacts + "定义 结果 = " + expr + "\n");
  Typed t;
  t.errors = l.errors();
  t.rendered = l.rendered();
  if (l.policy) t.kind = l.ed().defines.back().type.kind;
  return t;
}

// `expr` must give exactly one error, `message`, at character `at` (0-based) of expr.
void expect_type_error(const std::string& expr, const std::string& message, std::size_t at) {
  INFO(expr);
  const Typed t = typed(expr);
  INFO(t.rendered);
  REQUIRE(t.errors.size() == 1);
  CHECK_DIAG(t.errors[0], message, kExprLine, kExprColumn + at);
}

}  // namespace

TEST_CASE("valid unit rules give the right type", "[checker]") {
  struct Case {
    const char* expr;
    TypeKind kind;
  } cases[] = {
      {"合同金额 × 补贴比例", TypeKind::Money},          {"补贴比例 × 合同金额", TypeKind::Money},
      {"合同金额 * 30%", TypeKind::Money},              {"合同金额 ÷ 已申领", TypeKind::Rate},
      {"合同金额 / 已申领", TypeKind::Rate},            {"合同金额 × 件数", TypeKind::Money},
      {"件数 × 合同金额", TypeKind::Money},             {"合同金额 × 0.5", TypeKind::Money},
      {"合同金额 ÷ 件数", TypeKind::Money},             {"合同金额 + 已申领", TypeKind::Money},
      {"合同金额 − 已申领 - 1元", TypeKind::Money},     {"补贴比例 × 补贴比例", TypeKind::Rate},
      {"补贴比例 + 1.5个百分点", TypeKind::Rate},       {"补贴比例 ÷ 补贴比例", TypeKind::Number},
      {"补贴比例 × 件数", TypeKind::Rate},              {"补贴比例 ÷ 2", TypeKind::Rate},
      {"件数 + 1", TypeKind::Integer},                  {"件数 × 件数", TypeKind::Integer},
      {"件数 ÷ 2", TypeKind::Number},                   {"得分 + 件数", TypeKind::Number},
      {"-合同金额", TypeKind::Money},                   {"−补贴比例", TypeKind::Rate},
      {"min(合同金额, 100万元)", TypeKind::Money},      {"max(件数, 得分, 3)", TypeKind::Number},
      {"最小(补贴比例, 30%)", TypeKind::Rate},          {"abs(合同金额 − 已申领)", TypeKind::Money},
      {"四舍五入(合同金额 × 补贴比例, 0.01元)", TypeKind::Money},
      {"若 中小企业 则 1 否则 2.5", TypeKind::Number},  {"若 中小企业 则 50% 否则 补贴比例", TypeKind::Rate},
      {"合同金额 > 0元", TypeKind::Bool},               {"合同金额 ≤ 已申领", TypeKind::Bool},
      {"补贴比例 ≥ 30%", TypeKind::Bool},               {"件数 < 得分", TypeKind::Bool},
      {"申请日期 ≥ 2025-06-13", TypeKind::Bool},        {"申请日期", TypeKind::Date},
      {"档位 = 一档", TypeKind::Bool},                  {"一档 ≠ 档位", TypeKind::Bool},
      {"中小企业 = 否", TypeKind::Bool},                {"有 合同金额 且 非 中小企业 或 是", TypeKind::Bool},
      {"按 档位 { 一档 => 30%, 二档 => 补贴比例 }", TypeKind::Rate},
      {"按 档位 { 一档 | 二档 => 1 }", TypeKind::Integer},
      {"按 档位 { 一档 => 1, 其他 => 2.5 }", TypeKind::Number},
      {"100%", TypeKind::Rate},                         {"0%", TypeKind::Rate},
      {"100个百分点", TypeKind::Rate},                  {"2.5亿元", TypeKind::Money},
  };
  for (const auto& c : cases) {
    INFO(c.expr);
    const Typed t = typed(c.expr);
    INFO(t.rendered);
    CHECK(t.errors.empty());
    CHECK(t.kind == c.kind);
  }
}

TEST_CASE("unit errors: arithmetic", "[checker]") {
  expect_type_error("合同金额 × 已申领", "不能计算 金额 × 金额:金额 × 金额 没有意义,其中一个应为比例", 0);
  expect_type_error("1元 + 合同金额 × 已申领", "不能计算 金额 × 金额:金额 × 金额 没有意义,其中一个应为比例", 5);
  expect_type_error("补贴比例 + 合同金额", "不能计算 比例 + 金额:单位不同", 0);
  expect_type_error("合同金额 − 补贴比例", "不能计算 金额 − 比例:单位不同", 0);
  expect_type_error("合同金额 ÷ 补贴比例", "不能计算 金额 ÷ 比例:除以比例只对比例有意义", 0);
  expect_type_error("件数 ÷ 合同金额", "不能计算 整数 ÷ 金额:除以金额只对金额有意义", 0);
  expect_type_error("补贴比例 ÷ 合同金额", "不能计算 比例 ÷ 金额:除以金额只对金额有意义", 0);
  expect_type_error("合同金额 + 1", "不能计算 金额 + 整数:单位不同", 0);
  expect_type_error("中小企业 + 1", "不能计算 布尔 + 整数:只有数量可以运算", 0);
  expect_type_error("申请日期 − 1", "不能计算 日期 − 整数:只有数量可以运算", 0);
  expect_type_error("-中小企业", "只有数量可以取负,这里是布尔", 0);
  // One error per mistake: an erroneous operand does not cascade.
  expect_type_error("(合同金额 × 已申领) × 补贴比例 + 1元", "不能计算 金额 × 金额:金额 × 金额 没有意义,其中一个应为比例", 0);
}

TEST_CASE("unit errors: comparisons, builtins, conditionals and logic", "[checker]") {
  expect_type_error("合同金额 > 补贴比例", "不能比较 金额 与 比例", 0);
  expect_type_error("补贴比例 = 合同金额", "不能比较 比例 与 金额", 0);
  expect_type_error("合同金额 > 0", "不能比较 金额 与 整数", 0);
  expect_type_error("申请日期 > 合同金额", "不能比较 日期 与 金额", 0);
  expect_type_error("档位 = 三档", "三档 不是 档位 的取值(可取:一档、二档)", 5);
  expect_type_error("三档 ≠ 档位", "三档 不是 档位 的取值(可取:一档、二档)", 0);
  expect_type_error("档位 = 1", "不能比较 枚举(档位) 与 整数", 0);
  expect_type_error("档位 < 一档", "枚举 只能用 = 或 ≠ 比较", 0);
  expect_type_error("中小企业 ≥ 是", "布尔 只能用 = 或 ≠ 比较", 0);
  expect_type_error("min(合同金额, 补贴比例)", "min/max 的参数单位须一致:金额 与 比例", 0);
  expect_type_error("1元 + max(合同金额, 30%)", "min/max 的参数单位须一致:金额 与 比例", 5);
  expect_type_error("max(中小企业, 是)", "min/max 的参数须为数量,这里是 布尔", 0);
  expect_type_error("min(合同金额)", "min/max 至少需要两个参数", 0);
  expect_type_error("四舍五入(合同金额, 0.01)", "舍入步长的单位须与数值一致:金额 与 数值", 0);
  expect_type_error("若 中小企业 则 合同金额 否则 补贴比例", "则 与 否则 的结果类型须一致:金额 与 比例", 0);
  expect_type_error("1元 + (若 中小企业 则 1元 否则 0)", "则 与 否则 的结果类型须一致:金额 与 整数", 5);
  expect_type_error("若 件数 则 1元 否则 2元", "若 的条件须为布尔,这里是整数", 2);
  expect_type_error("件数 且 中小企业", "且 的操作数须为布尔,这里是整数", 0);
  expect_type_error("中小企业 或 合同金额", "或 的操作数须为布尔,这里是金额", 7);
  expect_type_error("非 件数", "非 的操作数须为布尔,这里是整数", 2);
  expect_type_error("按 件数 { 其他 => 1 }", "按 … { } 只能用于枚举,这里是整数", 2);
  expect_type_error("按 档位 { 一档 => 1元, 二档 => 30% }", "各分支的结果类型须一致:前面是金额,这里是比例", 23);
  expect_type_error("按 档位 { 一档 => 1, 一档 | 二档 => 2 }", "取值 一档 已在前面的分支处理过", 16);
  expect_type_error("有 未声明", "有 … 只能用于事实;未声明 不是已声明的事实", 2);
  expect_type_error("平均(1, 2)", "未知的函数 平均(可用:min、max、round、四舍五入、向下舍入、向上舍入、银行家舍入、abs)", 0);
}

TEST_CASE("rules of a measure have the type their role needs", "[checker]") {
  auto l = load(
      "事实 合同金额: 金额\n"
      "措施 甲 {\n"
      "  要求 合同金额 否则 \"须为布尔\"\n"
      "  比例 = 合同金额\n"
      "  基数 = 30%\n"
      "  上限 乙 = 30% 已用 1 当 合同金额\n"
      "}\n");
  const auto e = l.errors();
  INFO(l.rendered());
  REQUIRE(e.size() == 6);
  CHECK_DIAG(e[0], "要求的条件 须为布尔,这里是金额", 7, 6);
  CHECK_DIAG(e[1], "比例 须为比例,这里是金额", 8, 8);
  CHECK_DIAG(e[2], "基数 须为金额,这里是比例", 9, 8);
  CHECK_DIAG(e[3], "上限 乙 须为金额,这里是比例", 10, 10);
  CHECK_DIAG(e[4], "上限 乙 的已用额 须为金额,这里是整数", 10, 17);
  CHECK_DIAG(e[5], "上限 乙 的适用条件 须为布尔,这里是金额", 10, 21);

  CHECK_DIAG(one_error("事实 a: 金额 = 30%\n措施 甲 { 金额 = a }"), "事实 a 的默认值 须为金额,这里是比例", 5, 12);
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档 } = 三档\n措施 甲 { 金额 = 按 档位 { 其他 => 1元 } }"),
             "三档 不是 档位 的取值(可取:一档、二档)", 5, 24);
  // A money measure may use 比例 and 基数 by name in its amount and caps.
  auto ok = load(
      "事实 合同金额: 金额\n措施 甲 {\n  比例 = 30%\n  基数 = 合同金额\n  金额 = 基数 × 比例 + 0元\n"
      "  叠加 叠加上限 = 基数 × 60% 当 比例 > 10%\n}\n");
  INFO(ok.rendered());
  CHECK(ok.policy);
  CHECK(ok.diags.empty());
}

TEST_CASE("undefined names: did you mean the nearest declared name", "[checker]") {
  // One character off (Chinese counted by character): suggested.
  CHECK_DIAG(one_error("事实 合同金额: 金额\n措施 甲 { 金额 = 合同金頟 }"), "未定义的名称 合同金頟(是不是 合同金额?)", 6, 13);
  CHECK_DIAG(one_error("事实 本年度已申领算力券: 金额\n措施 甲 { 金额 = 本年度已申请算力券 }"),
             "未定义的名称 本年度已申请算力券(是不是 本年度已申领算力券?)", 6, 13);
  CHECK_DIAG(one_error("参数 rate_a = 10%\n事实 x: 金额\n措施 甲 { 金额 = x × rate_b }"),
             "未定义的名称 rate_b(是不是 rate_a?)", 7, 17);
  // A missing character is one edit too.
  CHECK_DIAG(one_error("事实 年度实际保费: 金额\n措施 甲 { 金额 = 年度实际保 × 50% }"),
             "未定义的名称 年度实际保(是不是 年度实际保费?)", 6, 13);
  // Two of four characters off is a different name, not a slip.
  CHECK_DIAG(one_error("事实 年度实际保费: 金额\n措施 甲 { 金额 = 年度保费 × 50% }"), "未定义的名称 年度保费", 6, 13);
  // Nothing close: no suggestion.
  CHECK_DIAG(one_error("事实 合同金额: 金额\n措施 甲 { 金额 = 已申领金额 }"), "未定义的名称 已申领金额", 6, 13);
}

TEST_CASE("undefined names, with the keyword-space hint", "[checker]") {
  CHECK_DIAG(one_error("事实 合同金额: 金额\n措施 甲 { 金额 = 合同金额 − 已申领金额 }"), "未定义的名称 已申领金额", 6, 20);
  CHECK_DIAG(one_error("事实 中小企业: 布尔\n措施 甲 {\n  要求 非中小企业 否则 \"x\"\n  金额 = 1元\n}"),
             "未定义的名称 非中小企业(关键字 非 与后面的名称之间需要空格?)", 7, 6);
  CHECK_DIAG(one_error("事实 核定上限: 金额 可选\n定义 放宽 = 有核定上限\n措施 甲 { 金额 = 若 放宽 则 核定上限 否则 0元 }"),
             "未定义的名称 有核定上限(关键字 有 与后面的名称之间需要空格?)", 6, 9);
  CHECK_DIAG(one_error("事实 中小企业: 布尔\n措施 甲 {\n  要求 若中小企业 否则 \"x\"\n  要求 中小企业 否则 \"y\"\n  金额 = 1元\n}"),
             "未定义的名称 若中小企业(关键字 若 与后面的名称之间需要空格?)", 7, 6);
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档 }\n定义 默认档 = 一档\n措施 甲 { 金额 = 若 档位 = 默认档 则 1元 否则 0元 }"),
             "未定义的名称 一档(一档 是 档位 的取值,只能与 档位 比较或在 按 档位 { } 中使用)", 6, 10);
  // 比例 and 基数 are names only inside a measure that defines them.
  CHECK_DIAG(one_error("定义 x = 比例 × 1元\n措施 甲 { 金额 = x }"), "未定义的名称 比例", 5, 8);
  CHECK_DIAG(one_error("事实 a: 金额\n措施 甲 { 金额 = 基数 + a }"), "未定义的名称 基数", 6, 13);
  CHECK_DIAG(one_error("事实 a: 金额\n措施 甲 { 需要 a, 申请主体\n 金额 = a }"), "申请主体 不是已声明的事实", 6, 14);
}

// `若中小企业 则 …` never reaches the checker: the parser stops at 则; the parse
// error then names the word that swallowed the keyword and suggests the space.
TEST_CASE("若 without a space before the condition gets the space hint", "[checker]") {
  const auto l = load("事实 中小企业: 布尔\n事实 a: 金额\n措施 甲 {\n  比例 = 若中小企业 则 50% 否则 30%\n  基数 = a\n}");
  INFO(l.rendered());
  REQUIRE(l.errors().size() == 1);
  CHECK_THAT(l.errors()[0].message, Catch::Contains("空格"));
  CHECK_THAT(l.errors()[0].message, Catch::Contains("若中小企业 被当作一个名称"));
  CHECK(l.errors()[0].line == 8);
  CHECK(l.errors()[0].column == 14);
}

TEST_CASE("an unused fact is a warning and the policy still loads", "[checker]") {
  const auto l = load("事实 合同金额: 金额\n事实 申请主体名称: 枚举 { 企业, 高校 }\n措施 甲 { 金额 = 合同金额 × 30% }");
  INFO(l.rendered());
  REQUIRE(l.policy);
  CHECK(l.errors().empty());
  const auto w = l.of(Severity::Warning);
  REQUIRE(w.size() == 1);
  CHECK(w[0].severity == Severity::Warning);
  CHECK_DIAG(w[0], "事实 申请主体名称 未被任何规则使用", 6, 4);
  CHECK_THAT(w[0].rendered, Catch::StartsWith("t.kuan:6:4: warning: "));
  CHECK(l.ed().facts.size() == 2);
  // Used by 需要, by 有, by another fact's default or as a quota score: not unused.
  const auto used = load(
      "事实 a: 金额\n事实 b: 金额 = c\n事实 c: 金额\n事实 d: 布尔\n事实 e: 日期 可选\n事实 f: 数值\n"
      "措施 甲 { 需要 d\n 金额 = 若 有 e 则 b 否则 a\n 名额 = 3 按 f }");
  INFO(used.rendered());
  CHECK(used.policy);
  CHECK(used.diags.empty());
}

TEST_CASE("cycles between definitions, fact defaults and parameters name the path", "[checker]") {
  CHECK_DIAG(one_error("定义 a = b + 1元\n定义 b = a\n措施 甲 { 金额 = a }"), "循环定义:a → b → a", 5, 4);
  CHECK_DIAG(one_error("定义 a = a + 1元\n措施 甲 { 金额 = a }"), "循环定义:a → a", 5, 4);
  CHECK_DIAG(one_error("定义 甲 = 乙\n定义 乙 = 丙 × 30%\n定义 丙 = 甲 + 1元\n措施 算力券 { 金额 = 丙 }"),
             "循环定义:甲 → 乙 → 丙 → 甲", 5, 4);
  CHECK_DIAG(one_error("事实 a: 金额 = b\n事实 b: 金额 = a\n措施 甲 { 金额 = a }"), "循环定义:a → b → a", 5, 4);
  CHECK_DIAG(one_error("事实 a: 金额 = d\n定义 d = a + 1元\n措施 甲 { 金额 = d }"), "循环定义:d → a → d", 6, 4);
  CHECK_DIAG(one_error("参数 p = q\n参数 q = p × 2\n措施 甲 { 金额 = p }"), "循环定义:p → q → p", 5, 4);
  // Not a cycle: a chain, and two uses of one name.
  const auto l = load("参数 p = q × 2\n参数 q = 1元\n定义 a = b + b\n定义 b = p\n事实 c: 金额 = a\n措施 甲 { 金额 = c }");
  INFO(l.rendered());
  CHECK(l.policy);
}

TEST_CASE("every enumeration value must be handled in 按", "[checker]") {
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档, 三档 }\n措施 甲 { 金额 = 按 档位 { 一档 => 1元, 二档 => 2元 } }"),
             "按 档位 未处理取值:三档(补上分支,或加 其他 => …)", 6, 13);
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档, 三档 }\n措施 甲 { 金额 = 按 档位 { 二档 => 1元 } }"),
             "按 档位 未处理取值:一档、三档(补上分支,或加 其他 => …)", 6, 13);
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档 }\n措施 甲 { 金额 = 按 档位 { 一档 => 1元, 四档 => 2元, 二档 => 0元 } }"),
             "四档 不是 档位 的取值(可取:一档、二档)", 6, 30);
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档, 一档 }\n措施 甲 { 金额 = 按 档位 { 其他 => 1元 } }"),
             "枚举取值 一档 重复", 5, 21);
  // Two enumerations with the same value names are still different types.
  CHECK_DIAG(one_error("事实 甲档: 枚举 { 一档, 二档 }\n事实 乙档: 枚举 { 一档, 二档 }\n措施 甲 { 要求 甲档 = 乙档 否则 \"x\"\n 金额 = 1元 }"),
             "不能比较 枚举(甲档) 与 枚举(乙档)", 7, 11);
  const auto l = load("事实 档位: 枚举 { 一档, 二档, 三档 }\n措施 甲 { 金额 = 按 档位 { 一档 | 三档 => 1元, 其他 => 2元 } }");
  INFO(l.rendered());
  CHECK(l.policy);
}

// Arms are tried in order: one after 其他 could never be chosen, so 其他 must
// come last. Reported once, at the first arm after it.
TEST_CASE("其他 must be the last arm of 按", "[checker]") {
  const std::string message = "其他 须是最后一个分支;其后的分支永远不会被选中";
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档, 三档 }\n措施 甲 { 金额 = 按 档位 { 其他 => 1元, 二档 => 2元 } }"),
             message, 6, 30);
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档, 三档 }\n措施 甲 { 金额 = 按 档位 { 一档 => 1元, 其他 => 2元, 二档 | 三档 => 3元, 其他 => 4元 } }"),
             message, 6, 40);
  CHECK_DIAG(one_error("事实 档位: 枚举 { 一档, 二档 }\n措施 甲 { 金额 = 按 档位 { 其他 => 1元, 其他 => 2元 } }"), message, 6, 30);
}

TEST_CASE("rate literals must lie within 0–100%", "[checker]") {
  CHECK_DIAG(one_error("参数 叠加比例上限 = 150%"), "比例须在 0–100% 之间", 5, 13);
  CHECK_DIAG(one_error("参数 p = 100.01%"), "比例须在 0–100% 之间", 5, 8);
  CHECK_DIAG(one_error("参数 p = 30% + 101个百分点"), "比例须在 0–100% 之间", 5, 14);
  CHECK_DIAG(one_error("事实 a: 金额\n措施 甲 { 比例 = 若 是 则 30% 否则 200%\n 基数 = a }"), "比例须在 0–100% 之间", 6, 26);
  const auto l = load("参数 p = 100%\n参数 q = 0%\n参数 r = 99.99个百分点\n参数 s = 0.001%");
  INFO(l.rendered());
  CHECK(l.policy);
}

TEST_CASE("a clause number written twice is an error at the second", "[checker]") {
  CHECK_DIAG(one_error("条款 (一) \"甲\" {\n  原文 「……」\n}\n条款 (一) \"乙\" {\n}"), "条款 (一) 已在 t.kuan:5:4 写过;同一版本中条款编号不能重复", 8, 4);
}

TEST_CASE("an unused parameter is a warning, as an unused fact is", "[checker]") {
  std::vector<Diagnostic> diags;
  auto p = Policy::from_sources({{"a.kuan", kHeader + "参数 用到的 = 10%\n参数 没用到的 = 20%\n事实 x: 金额\n措施 甲 { 金额 = x × 用到的 }\n"}},
                                diags);
  REQUIRE(p);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].severity == Severity::Warning);
  CHECK(diags[0].message == "参数 没用到的 未被任何规则使用");
  CHECK(diags[0].line == 6);
}

TEST_CASE("duplicate names", "[checker]") {
  CHECK_DIAG(one_error("事实 a: 金额\n事实 a: 比例\n措施 甲 { 金额 = a }"), "名称 a 已在 t.kuan:5:4 定义", 6, 4);
  CHECK_DIAG(one_error("参数 上限额 = 1元\n参数 上限额 = 2元"), "名称 上限额 已在 t.kuan:5:4 定义", 6, 4);
  CHECK_DIAG(one_error("定义 d = 1元\n定义 d = 2元"), "名称 d 已在 t.kuan:5:4 定义", 6, 4);
  CHECK_DIAG(one_error("措施 甲 { 金额 = 1元 }\n措施 甲 { 金额 = 2元 }"), "措施 甲 已在 t.kuan:5:4 定义", 6, 4);
  CHECK_DIAG(one_error("上限 余额 = 1元\n上限 余额 = 2元"), "上限 余额 已在 t.kuan:5:4 定义", 6, 4);
  CHECK_DIAG(one_error("措施 甲 {\n 金额 = 1元\n 上限 乙 = 1元\n 上限 乙 = 2元\n}"), "上限 乙 在此措施中重复", 8, 5);
  CHECK_DIAG(one_error("事实 a: 金额\n措施 甲 { 金额 = a }\n例 甲 { a = 1元, a = 2元  得 1元 }"), "事实 a 在此例中重复", 7, 15);
  // Across the files of one edition the message names the other file.
  std::vector<Diagnostic> diags;
  auto p = Policy::from_sources({{"a.kuan", kHeader + "参数 额度 = 1元\n"}, {"b.kuan", "\n参数 额度 = 2元\n版本 \"第二\"\n"}},
                                diags);
  CHECK_FALSE(p);
  // Errors only: the unused parameter is also a warning here.
  diags.erase(std::remove_if(diags.begin(), diags.end(), [](const Diagnostic& d) { return d.severity != Severity::Error; }),
              diags.end());
  REQUIRE(diags.size() == 2);
  CHECK(diags[0].message == "版本 重复声明(已在 a.kuan:2:4 声明)");
  CHECK(diags[0].file == "b.kuan");
  CHECK(diags[0].line == 3);
  CHECK(diags[1].message == "名称 额度 已在 a.kuan:5:4 定义");
  CHECK(diags[1].line == 2);
  CHECK(diags[1].column == 4);
}

// Facts are registered before parameters, but a duplicate is reported at the
// later of the two declarations in the file.
TEST_CASE("a duplicate name is reported at the later declaration", "[checker]") {
  const auto d = one_error("参数 x = 1元\n事实 x: 金额\n措施 甲 { 金额 = x }");
  CHECK_DIAG(d, "名称 x 已在 t.kuan:5:4 定义", 6, 4);
}

TEST_CASE("caps: references to top-level caps", "[checker]") {
  CHECK_DIAG(one_error("上限 余额 = 800万元\n措施 甲 {\n  金额 = 1元\n  上限 余量\n}"),
             "未定义的上限 余量(在措施中直接写 上限 余量 = … ,或在外层定义它)", 8, 6);
  CHECK_DIAG(one_error("事实 a: 金额\n上限 余额 = a × 30%\n措施 甲 { 金额 = a }\n例 甲 { a = 1元  得 1元 受限 余额 }"),
             "措施 甲 没有名为 余额 的上限", 8, 23);
  CHECK_DIAG(one_error("上限 余额 = 30%"), "上限 余额 须为金额,这里是比例", 5, 9);
  const auto l = load(
      "事实 a: 金额\n事实 已用额: 金额 = 0元\n上限 余额 = 800万元 已用 已用额 当 已用额 > 0元\n"
      "措施 甲 { 金额 = a\n 上限 余额 }\n例 甲 { a = 900万元, 已用额 = 100万元  得 700万元 受限 余额 }");
  INFO(l.rendered());
  REQUIRE(l.policy);
  const auto& m = *l.ed().find_measure("甲");
  REQUIRE(m.caps.size() == 1);
  CHECK(m.caps[0] == l.ed().limits[0]);
  // The measure depends on the facts its cap reads.
  CHECK(m.facts.size() == 2);
}

TEST_CASE("名额 must be a positive integer and its score a numeric fact", "[checker]") {
  CHECK_DIAG(one_error("事实 得分: 数值\n措施 甲 {\n  金额 = 1元\n  名额 = 10.5 按 得分\n}"), "名额 须为整数,这里是数值", 8, 8);
  CHECK_DIAG(one_error("措施 甲 {\n  金额 = 1元\n  名额 = 10元\n}"), "名额 须为整数,这里是金额", 7, 8);
  CHECK_DIAG(one_error("事实 a: 金额\n措施 甲 { 金额 = 1元\n 名额 = a }"), "名额 甲名额 是全部申请共用的上限,须由字面量和参数算出(写成参数或常数);a 是事实,每份申请各有其值", 7, 7);
  CHECK_DIAG(one_error("措施 甲 { 金额 = 1元\n 名额 = 0 }"), "名额须为正整数", 6, 7);
  CHECK_DIAG(one_error("措施 甲 { 金额 = 1元\n 名额 = 3 按 得分 }"), "名额 按 后须是已声明的事实(评审得分);得分 不是", 6, 11);
  CHECK_DIAG(one_error("事实 得分: 布尔\n措施 甲 { 金额 = 1元\n 名额 = 3 按 得分 }"), "评审得分须为数值", 7, 11);
  const auto l = load("参数 名额数 = 20\n事实 得分: 数值\n措施 甲 { 金额 = 1元\n 名额 = 名额数 + 5 按 得分 }");
  INFO(l.rendered());
  REQUIRE(l.policy);
  const int q = l.ed().find_measure("甲")->quota;
  REQUIRE(q >= 0);
  CHECK(l.ed().quotas[q].count == 25);
  CHECK(l.ed().quotas[q].score_fact == 0);
}

TEST_CASE("资金池 and 累计 name declared measures and facts", "[checker]") {
  const std::string measures = "事实 a: 金额\n措施 甲 { 金额 = a }\n措施 乙 { 金额 = a }\n";  // lines 5–7
  CHECK_DIAG(one_error(measures + "资金池 池 = 1亿元 覆盖 甲, 丙"), "未定义的措施 丙", 8, 19);
  CHECK_DIAG(one_error(measures + "资金池 池一 = 1亿元 覆盖 甲, 乙\n资金池 池二 = 1亿元 覆盖 乙"),
             "措施 乙 已属于资金池 池一", 9, 17);
  CHECK_DIAG(one_error(measures + "资金池 池 = 30% 覆盖 甲"), "资金池 池 的额度 须为金额,这里是比例", 8, 9);
  CHECK_DIAG(one_error(measures + "资金池 池 = a 覆盖 甲"),
             "资金池 池 是全部申请共用的上限,须由字面量和参数算出(写成参数或常数);a 是事实,每份申请各有其值", 8, 9);
  CHECK_DIAG(one_error(measures + "累计 已申领 = 甲"), "累计 的对象须是已声明的事实;已申领 不是", 8, 4);
  CHECK_DIAG(one_error(measures + "事实 次数: 整数\n累计 次数 = 甲"), "累计 的事实须为金额", 9, 4);
  CHECK_DIAG(one_error(measures + "事实 已申领: 金额 = 0元\n累计 已申领 = 甲, 丁"), "未定义的措施 丁", 9, 13);
  // 全年: the year's total of another money fact.
  CHECK_DIAG(one_error(measures + "事实 总额: 金额 = 0元\n累计 总额 = 全年 b 于 甲"), "全年 后须是已声明的事实;b 不是", 9, 12);
  CHECK_DIAG(one_error(measures + "事实 总额: 金额 = 0元\n事实 n: 整数\n累计 总额 = 全年 n 于 甲"), "全年 合计的事实须为金额", 10, 12);
  CHECK_DIAG(one_error(measures + "事实 总额: 金额 = 0元\n累计 总额 = 全年 总额 于 甲"), "累计 的事实不能是它自己的全年合计", 9, 12);
  CHECK_DIAG(one_error(measures + "事实 总额: 金额 = 0元\n累计 总额 = 全年 a 甲"), "全年 合计的事实后需要 '于' 和措施名称,如 全年 合同金额 于 算力券", 9, 14);
  CHECK_DIAG(one_error(measures + "事实 总额: 金额 = 0元\n累计 总额 = 甲\n累计 总额 = 全年 a 于 乙"), "事实 总额 已由另一条 累计 计算", 10, 4);
  // One count fact as the 已用 of two limits: said in terms of limits, at the second.
  CHECK_DIAG(one_error(measures + "事实 件: 整数 = 0\n"
                                  "限额 甲限 { 计 件数 每 申请人 不超过 3 已用 件 超出 拒绝 \"x\" 覆盖 甲 }\n"
                                  "限额 乙限 { 计 件数 每 申请人 不超过 2 已用 件 超出 拒绝 \"y\" 覆盖 乙 }"),
             "事实 件 已是限额 甲限 的 已用:一个 已用 事实只记一个限额的用量(同一样东西的两个上限合成一个限额,不同的东西各用一个事实)",
             10, 29);
  {
    const auto y = load(measures + "事实 总额: 金额 = 0元\n累计 总额 = 全年 a 于 甲, 乙");
    INFO(y.rendered());
    REQUIRE(y.policy);
    REQUIRE(y.ed().accumulations.size() == 1);
    CHECK(y.ed().accumulations[0].source == y.ed().find_fact("a"));
    CHECK(y.ed().accumulations[0].measures.size() == 2);
  }
  const auto l = load(measures + "参数 总额 = 2.5亿元\n资金池 池 = 总额 覆盖 甲, 乙\n事实 已申领: 金额 = 0元\n累计 已申领 = 甲");
  INFO(l.rendered());
  REQUIRE(l.policy);
  REQUIRE(l.ed().pools.size() == 1);
  CHECK(l.ed().pools[0].amount == Decimal::from_int(250000000));
  CHECK(l.ed().pools[0].measures.size() == 2);
  CHECK(l.ed().find_measure("乙")->pool == 0);
}

TEST_CASE("measures need an amount — examples name a measure and its facts", "[checker]") {
  CHECK_DIAG(one_error("事实 a: 金额\n措施 智能券 {\n  比例 = 30%\n  需要 a\n}"),
             "措施 智能券 需要写出 金额 = …,或同时写出 基数 = … 与 比例 = …", 6, 4);
  CHECK_DIAG(one_error("事实 a: 金额\n措施 甲 { 基数 = a }"), "措施 甲 需要写出 金额 = …,或同时写出 基数 = … 与 比例 = …", 6, 4);
  const std::string m = "事实 a: 金额\n事实 档位: 枚举 { 一档, 二档 }\n措施 甲 { 金额 = 按 档位 { 一档 => a, 二档 => 0元 } }\n";
  CHECK_DIAG(one_error(m + "例 乙 \"错名\" { a = 1元  得 1元 }"), "例 引用的措施 乙 不存在", 8, 3);
  CHECK_DIAG(one_error(m + "例 甲 { b = 1元  得 1元 }"), "未声明的事实 b", 8, 7);
  CHECK_DIAG(one_error(m + "例 甲 { a = 30%  得 1元 }"), "事实 a 须为金额,这里是比例", 8, 11);
  CHECK_DIAG(one_error(m + "例 甲 { 档位 = 三档  得 1元 }"), "三档 不是 档位 的取值(可取:一档、二档)", 8, 12);
  CHECK_DIAG(one_error(m + "例 甲 { a = 1元  得 30% }"), "预期金额 须为金额,这里是比例", 8, 17);
  CHECK_DIAG(one_error(m + "例 甲 { a = 1元, 档位 = 一档  得 a }"), "这里只能使用字面量和参数;a 不是参数", 8, 26);
  CHECK_DIAG(one_error(m + "例 甲 { a = 1元, 档位 = 一档  得 若 有 a 则 1元 否则 2元 }"), "这里只能使用字面量和参数;a 不是参数", 8, 30);
}

TEST_CASE("a 参数 may use only literals and other 参数", "[checker]") {
  CHECK_DIAG(one_error("事实 合同金额: 金额\n参数 单家企业年度上限 = 合同金额 × 50%\n措施 甲 { 金额 = min(合同金额, 单家企业年度上限) }"),
             "参数只能由字面量和其他参数算出;合同金额 是事实", 6, 15);
  CHECK_DIAG(one_error("定义 d = 1元\n参数 p = d\n措施 甲 { 金额 = p + d }"), "参数只能由字面量和其他参数算出;d 是定义", 6, 8);
  // 有 reads the application too: a 参数 computed once at load would always be 否.
  CHECK_DIAG(one_error("事实 合同: 金额 可选\n参数 标志 = 有 合同\n措施 甲 { 金额 = 若 标志 则 1元 否则 合同 }"),
             "参数只能由字面量和其他参数算出;合同 是事实", 6, 11);
  CHECK_DIAG(one_error("事实 合同: 金额 可选\n措施 甲 { 金额 = 合同\n 名额 = 若 有 合同 则 1 否则 2 }"),
             "名额 甲名额 是全部申请共用的上限,须由字面量和参数算出(写成参数或常数);合同 是事实,每份申请各有其值", 7, 11);
  // Parameters are computed once, in dependency order, whatever the order written.
  const auto l = load("参数 年度 = 月度 × 12\n参数 月度 = 10万元\n措施 甲 { 金额 = 年度 }");
  INFO(l.rendered());
  REQUIRE(l.policy);
  CHECK(l.ed().params[0].value.number == Decimal::from_int(1200000));
}

TEST_CASE("the header: 版本, 政策, 施行 and 舍入 are required", "[checker]") {
  const std::string body = "措施 甲 { 金额 = 1元 }\n";
  auto without = [&](const std::string& line) {
    std::string h = kHeader;
    h.erase(h.find(line), line.size() + 1);
    return load_text(h + body);
  };
  struct Case {
    const char* line;
    const char* message;
  } cases[] = {
      {"版本 \"2025年版\"", "缺少版本声明,如 版本 \"2025年版\""},
      {"政策 \"测试政策\"", "缺少政策名称声明,如 政策 \"…\""},
      {"施行 2025-06-13 起", "缺少施行日期声明,如 施行 2025-06-13 起"},
      {"舍入 四舍五入 至 0.01元", "缺少舍入规则声明,如 舍入 四舍五入 至 0.01元(舍入方式须明确写出)"},
  };
  for (const auto& c : cases) {
    const auto l = without(c.line);
    INFO(l.rendered());
    CHECK_FALSE(l.policy);
    REQUIRE(l.errors().size() == 1);
    CHECK_DIAG(l.errors()[0], c.message, 1, 1);
  }
  auto with = [&](const std::string& from, const std::string& to) {
    std::string h = kHeader;
    h.replace(h.find(from), from.size(), to);
    return load_text(h + body);
  };
  auto l = with("至 0.01元", "至 0元");
  REQUIRE(l.errors().size() == 1);
  CHECK_DIAG(l.errors()[0], "舍入单位须为一个正的金额字面量,如 0.01元", 4, 11);
  l = with("至 0.01元", "至 1%");
  REQUIRE(l.errors().size() == 1);
  CHECK(l.errors()[0].message == "舍入单位须为一个正的金额字面量,如 0.01元");
  l = with("2025-06-13 起", "2025-06-13 至 2025-06-12");
  REQUIRE(l.errors().size() == 1);
  CHECK_DIAG(l.errors()[0], "施行期的结束日期早于开始日期", 3, 17);
  l = with("四舍五入 至 0.01元", "向下舍入 至 1元");
  INFO(l.rendered());
  REQUIRE(l.policy);
  CHECK(l.ed().rounding == RoundingMode::Down);
  CHECK(l.ed().rounding_name == "向下舍入");
  CHECK(l.ed().rounding_places == 0);
  // Any money unit: 1万元 is a step of 10000元, 0.5万元 of 5000元.
  l = with("至 0.01元", "至 1万元");
  INFO(l.rendered());
  REQUIRE(l.policy);
  CHECK(l.ed().rounding_step == Decimal::from_int(10000));
  CHECK(l.ed().rounding_places == 0);
  l = with("至 0.01元", "至 0.5万元");
  REQUIRE(l.policy);
  CHECK(l.ed().rounding_step == Decimal::from_int(5000));
  CHECK(l.ed().rounding_places == 0);
  l = with("至 0.01元", "至 0万元");
  REQUIRE(l.errors().size() == 1);
  CHECK_DIAG(l.errors()[0], "舍入单位须为一个正的金额字面量,如 0.01元", 4, 11);
}

// 舍入 is the header keyword, so rounding in the edition's declared mode is
// spelled round(x, step); the named modes are functions of their own.
TEST_CASE("rounding builtins: round uses the edition's mode, named modes their own", "[checker]") {
  const Typed t = typed("round(合同金额 × 补贴比例, 1元)");
  INFO(t.rendered);
  CHECK(t.errors.empty());
  CHECK(t.kind == TypeKind::Money);
  CHECK(typed("四舍五入(合同金额 × 补贴比例, 1元)").kind == TypeKind::Money);
  CHECK_FALSE(typed("舍入(合同金额 × 补贴比例, 1元)").errors.empty());
}

// 比例 and 基数 are computed on first use, so any rule of the measure may read
// them (a condition on the rate, a rate that depends on the base) — but they
// may not be defined through each other.
TEST_CASE("比例 and 基数 can be read anywhere in their measure, but not in a circle", "[checker]") {
  const auto requirement = load("事实 a: 金额\n措施 甲 {\n  要求 比例 > 10% 否则 \"比例太低\"\n  比例 = 20%\n  基数 = a\n}");
  INFO(requirement.rendered());
  CHECK(requirement.policy);
  const auto rate = load("事实 a: 金额\n措施 甲 {\n  比例 = 基数 ÷ 1000万元\n  基数 = a\n}");
  INFO(rate.rendered());
  CHECK(rate.policy);
  const auto circle = load("事实 a: 金额\n措施 甲 {\n  比例 = 基数 ÷ 1000万元\n  基数 = a × 比例\n}");
  INFO(circle.rendered());
  REQUIRE(circle.errors().size() == 1);
  CHECK_THAT(circle.errors()[0].message, Catch::Contains("循环定义:比例 → 基数 → 比例"));
}

// A 性质 reads its measure's facts, 比例, 基数 and outcome (金额, 适用); its
// condition and conclusion are boolean.
TEST_CASE("性质: names in scope, types, and positioned errors", "[checker]") {
  const std::string measure =
      "事实 a: 金额\n事实 小: 布尔 = 否\n事实 档: 枚举 { 一档, 二档 } 可选\n参数 顶 = 800万元\n"
      "定义 半 = a × 50%\n措施 甲 {\n  比例 = 30%\n  基数 = a\n}\n";  // lines 5–13
  const auto ok = load(measure +
                       "性质 甲 \"全部名称\" {\n"
                       "  对任意 申请 当 适用 且 小 且 有 档 且 档 = 一档\n"
                       "  有 金额 ≤ 顶 且 金额 ≤ 半 且 比例 ≤ 30% 且 基数 = a\n}\n");
  INFO(ok.rendered());
  REQUIRE(ok.policy);
  CHECK(ok.errors().empty());
  const Edition& ed = ok.ed();
  REQUIRE(ed.properties.size() == 1);
  const ast::Expr& holds = *ed.properties[0]->holds;
  CHECK(ed.notes[holds].type.kind == TypeKind::Bool);
  // 金额 ≤ 顶: the left operand is the measure's amount.
  const ast::Expr* amount = holds.args[0]->args[0]->args[0]->args[0].get();
  CHECK(amount->name == "金额");
  CHECK(ed.notes[*amount].ref == ast::RefKind::MeasureAmount);
  CHECK(ed.notes[*amount].type.kind == TypeKind::Money);
  // A fact read only by a 性质 is used.
  CHECK(ok.of(Severity::Warning).empty());

  CHECK_DIAG(one_error(measure + "性质 甲 {\n  对任意 申请 有 金额 + a\n}\n"),
             "性质的结论(有 …) 须为布尔,这里是金额", 15, 12);
  CHECK_DIAG(one_error(measure + "性质 甲 {\n  对任意 申请 当 a 有 适用\n}\n"),
             "性质的条件(当 …) 须为布尔,这里是金额", 15, 12);
  CHECK_DIAG(one_error(measure + "性质 甲 {\n  对任意 申请 有 金额 ≤ 比例\n}\n"), "不能比较 金额 与 比例", 15, 12);
  CHECK_DIAG(one_error(measure + "性质 乙 {\n  对任意 申请 有 适用\n}\n"), "性质 引用的措施 乙 不存在", 14, 4);
  CHECK_DIAG(one_error(measure + "性质 甲 {\n  对任意 企业 有 适用\n}\n"),
             "对任意 后须为 申请:性质对措施的每份申请成立,申请的事实直接用事实名称引用", 15, 7);
  CHECK_DIAG(one_error(measure + "性质 甲 {\n  对任意 申请 有 档 = 三档\n}\n"),
             "三档 不是 档 的取值(可取:一档、二档)", 15, 16);
  // 金额 and 适用 name an outcome only in a 性质: elsewhere they are undefined.
  const auto elsewhere = load(measure + "定义 x = 金额 > 0元\n");
  REQUIRE(elsewhere.errors().size() == 1);
  CHECK_THAT(elsewhere.errors()[0].message, Catch::Contains("未定义的名称 金额"));
  // A measure without 比例 has none to read.
  const auto no_rate = load("事实 a: 金额\n措施 甲 {\n  金额 = a\n}\n性质 甲 {\n  对任意 申请 有 比例 < 50%\n}\n");
  REQUIRE(no_rate.errors().size() == 1);
  CHECK_THAT(no_rate.errors()[0].message, Catch::Contains("未定义的名称 比例"));
}

TEST_CASE("the example policy passes the checker", "[checker]") {
  std::vector<Diagnostic> diags;
  const auto p = Policy::load(std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai/2025年版", diags);
  std::string all;
  for (const auto& d : diags) all += d.rendered;
  INFO(all);
  REQUIRE(p);
  CHECK_FALSE(has_errors(diags));
  const Edition* ed = p->latest();
  REQUIRE(ed);
  const auto* m = ed->find_measure("算力券");
  REQUIRE(m);
  CHECK(m->caps.size() == 2);
  CHECK(m->pool >= 0);
}

// ---------------------------------------------------------------- 限额
TEST_CASE("限额: each combination that means nothing is an error at the limit's name", "[checker][limit]") {
  const std::string facts = "事实 a: 金额\n事实 n: 整数 = 0\n事实 方向: 枚举 { 甲, 乙 }\n事实 得分: 数值\n";
  auto msg = [&](const std::string& body) { return one_error(facts + body).message; };
  const std::string m = "措施 测 { 金额 = a\n";
  CHECK(msg(m + "限额 X { 计 件数 不超过 2 } }") == "限额 X:计 件数 的限额须是 每 申请人 或 全部(一项申请只是一件)");
  CHECK(msg(m + "限额 X { 计 件数 每 申请人 不超过 2 已用 n 超出 削减 } }") ==
        "限额 X:件数 不能 削减;超出时 拒绝 \"理由\"(每 申请人)或 择优(全部)");
  CHECK(msg(m + "限额 X { 不超过 1元 超出 拒绝 \"多\" } }") == "限额 X:拒绝 只用于 计 件数;金额 超出时 削减 或 按比例");
  CHECK(msg(m + "限额 X { 计 件数 每 申请人 不超过 2 已用 n 超出 择优 } }") ==
        "限额 X:择优 只用于 全部 申请之间;每 申请人 的件数超出时 拒绝");
  CHECK(msg(m + "限额 X { 不超过 1元 超出 按比例 } }") == "限额 X:按比例 只用于 计 金额 的 全部 申请合计");
  CHECK(msg(m + "限额 X { 全部 不超过 1元 } }") == "限额 X:全部 申请合计的金额超出时 按比例 分配(写 超出 按比例)");
  CHECK(msg(m + "限额 X { 每 申请 按 方向 不超过 1元 } }") == "限额 X:按 事实 分组只用于 每 申请人 或 全部");
  CHECK(msg(m + "限额 X { 每 申请人 不超过 1元 } }") ==
        "限额 X:每 申请人 的限额须写 已用 事实:单独计算时由申请给出,批量分配时由同一申请人此前获批的申请累计");
  CHECK(msg(m + "限额 X { 计 件数 全部 不超过 2 已用 n 超出 择优 } }") == "限额 X:全部 申请的限额不写 已用(分配时按全年的申请计算)");
  CHECK(msg(m + "限额 X { 计 件数 全部 超出 择优 } }") == "限额 X:须写明 不超过 …");
  CHECK(msg(m + "限额 X { 计 件数 全部 不超过 2 超出 择优 叠加 } }") == "限额 X:叠加 只用于 削减 金额 的上限");
  CHECK(msg(m + "限额 X { 计 件数 全部 不超过 2 当 a > 0元 超出 择优 } }") == "限额 X:当 只用于 削减 或 拒绝 的限额");
  CHECK(msg(m + "限额 X { 期间 每年 不超过 1元 } }") == "限额 X:期间 每年 或写明的期间只用于 每 申请人 或 全部(每 申请 的限额只约束本申请)");
  CHECK(msg(m + "限额 X { 计 件数 全部 期间 本申请 不超过 2 超出 择优 } }") == "限额 X:每 申请人 或 全部 的限额按年(期间 每年)或写明的期间计");
  CHECK(msg(m + "}\n限额 X { 计 件数 全部 不超过 2 超出 择优 }") == "限额 X:写在措施外的限额须写 覆盖 哪些措施");
  CHECK(msg(m + "限额 X { 计 件数 每 申请人 按 得分 不超过 2 已用 n 超出 拒绝 \"多\" } }") == "分组的事实须为枚举、布尔或整数;得分 是数值");
  CHECK(msg(m + "限额 X { 计 件数 每 申请人 不超过 2 已用 a 超出 拒绝 \"多\" } }") == "计 件数 的 已用 事实须为整数");
  CHECK(msg(m + "限额 X { 计 件数 全部 不超过 a 超出 择优 } }") == "限额 X 是全部申请共用的上限,须由字面量和参数算出(写成参数或常数);a 是事实,每份申请各有其值");
}

TEST_CASE("a count limit's bound is checked once, however many measures it covers", "[checker][limit]") {
  const std::string measures = "事实 a: 金额\n事实 n: 整数 = 0\n措施 甲 { 金额 = a }\n措施 乙 { 金额 = a }\n措施 丙 { 金额 = a }\n";
  // lines 5–9; the limit on line 10
  CHECK_DIAG(one_error(measures + "限额 X { 计 件数 每 申请人 不超过 上线 已用 n 超出 拒绝 \"多\" 覆盖 甲, 乙, 丙 }"),
             "未定义的名称 上线", 10, 23);
  CHECK_DIAG(one_error(measures + "限额 X { 计 件数 每 申请人 不超过 a 已用 n 超出 拒绝 \"多\" 覆盖 甲, 乙, 丙 }"),
             "限额 X 计 件数,不超过 须为件数(整数),这里是金额", 10, 23);
  CHECK_DIAG(one_error(measures + "限额 X { 计 件数 每 申请人 不超过 2 已用 n 当 b 超出 拒绝 \"多\" 覆盖 甲, 乙, 丙 }"),
             "未定义的名称 b(是不是 a?)", 10, 32);
}

TEST_CASE("限额: the general form evaluates like its sugar and refuses a count at its bound", "[checker][limit]") {
  const auto l = load(
      "事实 a: 金额\n事实 已用额: 金额 = 0元\n事实 n: 整数 = 0\n事实 方向: 枚举 { 甲, 乙 }\n"
      "限额 年度余额 { 计 金额 每 申请人 期间 每年 不超过 800万元 已用 已用额 覆盖 测 }\n"
      "措施 测 { 金额 = a\n"
      "  限额 限项 { 计 件数 每 申请人 按 方向 不超过 按 方向 { 甲 => 4, 乙 => 2 } 已用 n 超出 拒绝 \"限项已满\" }\n"
      "  限额 名额 { 计 件数 全部 按 方向 不超过 3 超出 择优 }\n}\n"
      "例 测 { a = 900万元, 已用额 = 100万元  得 700万元 受限 年度余额 }\n"
      "例 测 { a = 1元, 方向 = 乙, n = 1  得 1元 }\n"
      "例 测 { a = 1元, 方向 = 乙, n = 2  不适用 \"限项已满\" }\n"
      "例 测 { a = 1元, 方向 = 甲, n = 3  得 1元 }\n");
  INFO(l.rendered());
  REQUIRE(l.policy);
  const Edition& ed = l.ed();
  const MeasureInfo& m = *ed.find_measure("测");
  REQUIRE(m.caps.size() == 1);
  CHECK(m.caps[0]->name == "年度余额");  // a shared 限额 covering the measure cuts its amount
  REQUIRE(m.quota >= 0);
  CHECK(ed.quotas[m.quota].count == 3);
  CHECK(ed.quotas[m.quota].group_fact == ed.find_fact("方向"));
  CHECK(ed.quotas[m.quota].score_fact == -1);  // no score: application order ranks
  REQUIRE(ed.accumulations.size() == 2);       // the money tally and the count tally
  CHECK_FALSE(ed.accumulations[0].count);
  CHECK(ed.accumulations[1].count);
  CHECK(ed.accumulations[1].group_fact == ed.find_fact("方向"));
  REQUIRE(m.requirements.size() == 1);  // 超出 拒绝: a requirement of the measure it covers
  CHECK(m.requirements[0]->reason == "限项已满");
  CHECK(m.decl->requirements.empty());  // written by the checker into the edition, not into the syntax tree
}
