// The REPL's session driven in-process (api::Session, include/kuan/session.hpp,
// lent the text form of results as `kuan repl` lends it): the same code
// `kuan repl` runs, without a terminal. The pipe and pty checks are in
// tests/run_repl_tests.py.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "kuan/session.hpp"

using kuan::api::InputStatus;
using kuan::api::Session;
using kuan::api::SessionReply;

namespace {

const std::string kPolicy = std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai";

bool has(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

// A session as `kuan repl` opens it: results printed as `kuan eval` prints them.
Session repl_session() { return Session(); }

// A session over the shipped policy, edition 2025年版.
Session hangzhou() {
  Session s = repl_session();
  const SessionReply r = s.open({kPolicy, "2025年版", ""});
  REQUIRE(r.ok);
  return s;
}

Session empty() {
  Session s = repl_session();
  REQUIRE(s.open({}).ok);
  return s;
}

std::string ok(Session& s, const std::string& line) {
  const SessionReply r = s.feed(line);
  INFO(line << " → " << r.text);
  CHECK(r.ok);
  return r.text;
}

std::string bad(Session& s, const std::string& line) {
  const SessionReply r = s.feed(line);
  INFO(line << " → " << r.text);
  CHECK_FALSE(r.ok);
  return r.text;
}

}  // namespace

TEST_CASE("expressions with units print money in 元 and rates in %", "[repl]") {
  Session s = empty();
  CHECK(ok(s, "800万元 × 30%") == "2400000元\n");
  CHECK(ok(s, "800万元 * 30%") == "2400000元\n");
  CHECK(ok(s, "0.1元 + 0.2元") == "0.3元\n");
  CHECK(ok(s, "100万元 ÷ 400万元") == "25%\n");
  CHECK(ok(s, "30% + 1.5个百分点") == "31.5%\n");
  CHECK(ok(s, "min(120万元 × 30%, 800万元)") == "360000元\n");
  CHECK(ok(s, "1 ÷ 3") == "0.333333333333333333\n");
  CHECK(ok(s, "800万元 ≥ 500万元") == "是\n");
  CHECK(ok(s, "2025-06-13") == "2025-06-13\n");
  CHECK(ok(s, "") == "");
  CHECK(ok(s, "   ") == "");
}

TEST_CASE("a mistake shows the positioned error with a caret, and the session goes on", "[repl]") {
  Session s = empty();
  const std::string out = bad(s, "800万元 × 800万元");
  CHECK(has(out, "<输入>:1:1: error: 不能计算 金额 × 金额"));
  CHECK(has(out, "\n800万元 × 800万元\n^~~~"));
  CHECK(has(bad(s, "1 +"), "<输入>:1:4: error:"));
  CHECK(has(bad(s, "1元 ÷ 0"), "除数为零"));
  CHECK(has(bad(s, ":nonsense"), "未知命令 :nonsense"));
  CHECK(has(bad(s, "政策 \"x\""), "版本头"));
  CHECK(ok(s, "1 + 1") == "2\n");
}

TEST_CASE("facts are set, type-checked, listed and cleared — 算力券 runs by name", "[repl]") {
  Session s = hangzhou();
  CHECK(has(bad(s, "算力券"), "缺少必需的事实 合同金额、采购类型"));
  CHECK(ok(s, "合同金额 = 120万元") == "合同金额 = 1200000元\n");
  CHECK(ok(s, "合同金额 == 120万元") == "是\n");  // == compares
  CHECK(has(bad(s, "合同金额 = 30%"), "<输入>:1:8: error: 事实 合同金额 须为金额,这里是比例"));
  CHECK(has(bad(s, "合同金额 = -1元"), "不能为负"));
  CHECK(has(bad(s, "采购类型 = 硬件采购"), "硬件采购 不是 采购类型 的取值(可取:模型服务、算力服务)"));
  CHECK(ok(s, "采购类型 = 算力服务") == "采购类型 = 算力服务\n");
  CHECK(ok(s, "算力设施档位 = 二档") == "算力设施档位 = 二档\n");
  CHECK(ok(s, "min(合同金额 × 30%, 800万元)") == "360000元\n");
  CHECK(ok(s, ":facts") == "合同金额 = 1200000元\n采购类型 = 算力服务\n算力设施档位 = 二档\n");

  const std::string result = ok(s, "算力券");
  CHECK(has(result, "算力券 (一)(2025年版)"));
  CHECK(has(result, "金额:240000.00 元"));
  CHECK(ok(s, ":run 算力券") == result);
  const std::string explanation = ok(s, ":explain");
  CHECK(has(explanation, "说明:"));
  CHECK(has(explanation, "按 算力设施档位:二档"));
  CHECK(has(explanation, "结论:适用,金额 240000.00 元"));

  CHECK(ok(s, ":clear 算力设施档位") == "已清除 算力设施档位\n");
  CHECK(has(bad(s, ":clear 算力设施档位"), "尚未设定"));
  CHECK(has(ok(s, ":clear"), "已清除全部事实(2 项)"));
  CHECK(ok(s, ":facts") == "(还没有设定事实)\n");
}

TEST_CASE("inline definitions rebuild the edition — an error keeps the previous one", "[repl]") {
  Session s = empty();
  CHECK(ok(s, "参数 试点比例 = 25%") == "已加入 参数 试点比例 = 25%\n");
  CHECK(ok(s, "参数 试点比例 = 35%") == "已替换 参数 试点比例 = 35%\n");
  ok(s, "事实 投资额: 金额");
  ok(s, "措施 试点补贴 { 比例 = 试点比例  基数 = 投资额  上限 封顶 = 100万元 }");
  ok(s, "投资额 = 200万元");
  CHECK(has(ok(s, "试点补贴"), "金额:700000.00 元"));

  const std::string rejected = bad(s, "参数 也坏 = 5元 × 5元");
  CHECK(has(rejected, "<repl>:"));
  CHECK(has(rejected, "^~~"));
  CHECK(has(rejected, "未加入"));
  CHECK(has(bad(s, "也坏"), "未定义的名称 也坏"));
  CHECK(ok(s, "试点比例") == "35%\n");  // the previous rules are kept
  CHECK(has(s.inline_source(), "措施 试点补贴"));
  CHECK_FALSE(has(s.inline_source(), "也坏"));
}

TEST_CASE("inline 修订 changes a declaration of the rule files", "[repl]") {
  Session s = hangzhou();
  ok(s, "合同金额 = 2000万元");
  ok(s, "采购类型 = 算力服务");
  ok(s, "算力设施档位 = 一档");
  CHECK(has(ok(s, "算力券"), "金额:6000000.00 元"));
  CHECK(has(ok(s, "修订 参数 单家企业年度上限 = 500万元"), "= 5000000元"));
  const std::string out = ok(s, "算力券");
  CHECK(has(out, "金额:5000000.00 元"));
  CHECK(has(out, "受限于:算力券年度余额"));
  CHECK(has(bad(s, "参数 单家企业年度上限 = 1万元"), "修订 参数"));  // the hint
}

TEST_CASE("限额 typed inline is a declaration — a fact named 限额 is still a fact", "[repl]") {
  Session s = empty();
  CHECK(ok(s, "事实 投资额: 金额") == "已加入 事实 投资额\n");
  CHECK(ok(s, "事实 已获: 金额 = 0元") == "已加入 事实 已获\n");
  CHECK(ok(s, "措施 奖励 { 金额 = 投资额 × 10% }") == "已加入 措施 奖励\n");
  CHECK(ok(s, "限额 年度余额 { 计 金额 每 申请人 不超过 50万元 已用 已获 覆盖 奖励 }") == "已加入 限额 年度余额\n");
  ok(s, "投资额 = 1000万元");
  ok(s, "已获 = 20万元");
  const std::string out = ok(s, "奖励");
  CHECK(has(out, "金额:300000.00 元"));
  CHECK(has(out, "受限于:年度余额"));
  // A natural word is a declaration only as WORD NAME {: here 限额 is a fact.
  CHECK(ok(s, "事实 限额: 金额") == "已加入 事实 限额\n");
  ok(s, "限额 = 5元");
  CHECK(has(ok(s, "限额 × 2"), "10"));
}

TEST_CASE("multi-line input continues inside an open brace", "[repl]") {
  using kuan::api::input_status;
  CHECK(input_status("措施 X {") == InputStatus::Incomplete);
  CHECK(input_status("措施 X { }") == InputStatus::Complete);
  CHECK(input_status("参数 X = 5%  标签 \"{\"") == InputStatus::Complete);
  CHECK(input_status("参数 X = 5%  # {") == InputStatus::Complete);
  CHECK(input_status("条款 (一) { 原文 「{ 跨行") == InputStatus::Incomplete);
  CHECK(input_status("条款 (一) { 原文 「{」 ") == InputStatus::Incomplete);

  Session s = empty();
  CHECK(ok(s, "事实 规模: 枚举 { 小型, 大型 }") == "已加入 事实 规模\n");
  CHECK(ok(s, "事实 投资额: 金额") == "已加入 事实 投资额\n");
  CHECK(ok(s, "措施 分档 {") == "");
  CHECK(s.pending());
  CHECK(ok(s, "  比例 = 按 规模 {") == "");
  CHECK(ok(s, "    小型 => 10%, 大型 => 5%") == "");
  CHECK(ok(s, "  }") == "");
  CHECK(ok(s, "  基数 = 投资额") == "");
  CHECK(ok(s, "}") == "已加入 措施 分档\n");
  CHECK_FALSE(s.pending());
  ok(s, "规模 = 大型");
  ok(s, "投资额 = 100万元");
  CHECK(has(ok(s, "分档"), "金额:50000.00 元"));

  CHECK(ok(s, "措施 放弃 {") == "");
  CHECK(ok(s, ":cancel") == "已放弃未完成的输入\n");
  CHECK_FALSE(s.pending());
}

TEST_CASE(":reload picks up an edited rule file — a broken edit keeps the old rules", "[repl]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("kuan-repl-test-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  const fs::path file = dir / "p.kuan";
  auto write = [&](const std::string& rate) {
    std::ofstream(file) << "政策 \"t\"\n版本 \"v\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                        << "参数 比例一 = " << rate << "\n事实 额: 金额\n措施 补 { 比例 = 比例一  基数 = 额 }\n";
  };
  write("10%");
  Session s = repl_session();
  REQUIRE(s.open({file.string(), "", ""}).ok);
  ok(s, "额 = 100万元");
  CHECK(has(ok(s, "补"), "金额:100000.00 元"));
  write("20%");
  CHECK(has(ok(s, ":reload"), "已重读"));
  CHECK(has(ok(s, "补"), "金额:200000.00 元"));
  write("20元");
  CHECK(has(bad(s, ":reload"), "重读失败"));
  CHECK(has(ok(s, "补"), "金额:200000.00 元"));
  fs::remove_all(dir);
}

TEST_CASE("completion words hold names (Chinese included) and commands", "[repl]") {
  Session s = hangzhou();
  const auto words = s.completions();
  auto contains = [&](const std::string& w) { return std::find(words.begin(), words.end(), w) != words.end(); };
  CHECK(contains("合同金额"));
  CHECK(contains("算力券"));
  CHECK(contains("单家企业年度上限"));
  CHECK(contains("算力服务"));
  CHECK(contains(":help"));
  CHECK(contains(":reload"));
}

TEST_CASE("nothing typed makes the session throw", "[repl]") {
  Session s = hangzhou();
  const char* pieces[] = {"合同金额", "采购类型", "算力服务", "算力券", "800万元", "30%", "×", "÷", "=", "==", "(",
                          ")", "{", "}", "若", "则", "否则", "按", "=>", "参数", "措施", "修订", "删除", "例", "\"",
                          "「", "#", ":clear", ":explain", ":version", ":as-of", ":load", "\xff\xfe", "：", "1e9"};
  std::mt19937 rnd(613);
  for (int i = 0; i < 2000; ++i) {
    std::string line;
    const int n = static_cast<int>(rnd() % 8);
    for (int k = 0; k < n; ++k) line += std::string(pieces[rnd() % std::size(pieces)]) + " ";
    REQUIRE_NOTHROW(s.feed(line));
  }
  s.cancel_pending();
  REQUIRE_NOTHROW(s.feed(std::string(3000, '(') + "1" + std::string(3000, ')')));
  CHECK(ok(s, "1 + 1") == "2\n");
}

TEST_CASE("the parser says whether REPL input is complete", "[repl][input]") {
  using kuan::api::input_status;
  // Blocks, full-width braces too, continue until closed.
  CHECK(input_status("措施 X {") == InputStatus::Incomplete);
  CHECK(input_status("措施 X ｛") == InputStatus::Incomplete);
  CHECK(input_status("措施 X ｛ 比例 = 10% ｝") == InputStatus::Complete);
  CHECK(input_status("措施 X {\n  比例 = 按 规模 {\n    小型 => 10%,") == InputStatus::Incomplete);
  CHECK(input_status("措施 X {\n  要求 投资额 >") == InputStatus::Incomplete);
  CHECK(input_status("按 规模 {") == InputStatus::Incomplete);
  CHECK(input_status("事实 规模: 枚举 { 小型,") == InputStatus::Incomplete);
  CHECK(input_status("规模 = 按 类型 {") == InputStatus::Incomplete);  // NAME = expression
  // Braces inside texts and comments do not open anything.
  CHECK(input_status("参数 X = 5%  标签 \"{\"") == InputStatus::Complete);
  CHECK(input_status("参数 X = 5%  标签 「{」") == InputStatus::Complete);
  CHECK(input_status("参数 X = 5%  # {") == InputStatus::Complete);
  CHECK(input_status("措施 X { # }") == InputStatus::Incomplete);
  // A text in 「…」 or “…” runs over lines; a "…" does not.
  CHECK(input_status("条款 (一) { 原文 「第一行") == InputStatus::Incomplete);
  CHECK(input_status("措施 X “标题") == InputStatus::Incomplete);
  CHECK(input_status("「未闭合") == InputStatus::Incomplete);
  CHECK(input_status("参数 X = 5%  标签 \"{") == InputStatus::Invalid);
  // A mistake before the end is reported now, not waited on — inside a block too.
  CHECK(input_status("1 + { 2") == InputStatus::Invalid);
  CHECK(input_status("措施 X { 比例 = 10% 多余 }") == InputStatus::Invalid);
  CHECK(input_status("措施 X {\n  比例 = 10% 多余") == InputStatus::Invalid);
  // At the end with no block open: a mistake too (newlines do not continue a line).
  CHECK(input_status("1 +") == InputStatus::Invalid);
  CHECK(input_status("(800万元 × 30%") == InputStatus::Invalid);
  CHECK(input_status("措施 X") == InputStatus::Invalid);
  CHECK(input_status("参数 X =") == InputStatus::Invalid);
  // Whole entries of each kind.
  CHECK(input_status("800万元 × 30%") == InputStatus::Complete);
  CHECK(input_status("合同金额 = 120万元") == InputStatus::Complete);
  CHECK(input_status("参数 X = 5%") == InputStatus::Complete);
  CHECK(input_status("\xff\xfe {") == InputStatus::Invalid);
}

TEST_CASE("a full-width brace continues an entry — a mistake inside a block is reported at once", "[repl][input]") {
  Session s = empty();
  ok(s, "事实 投资额: 金额");
  CHECK(ok(s, "措施 全角 ｛") == "");
  CHECK(s.pending());
  CHECK(ok(s, "  比例 = 10%  基数 = 投资额") == "");
  CHECK(ok(s, "｝") == "已加入 措施 全角\n");
  CHECK_FALSE(s.pending());
  CHECK(ok(s, "措施 写错 {") == "");
  const std::string out = bad(s, "  比例 = 10% 多余");
  CHECK(has(out, "error: 措施中只能写"));
  CHECK(has(out, "10% 多余\n"));
  CHECK(has(out, "未加入"));
  CHECK_FALSE(s.pending());
}

TEST_CASE("a long block is not parsed per line — a mistake in it is still reported, a few lines late", "[repl][input]") {
  Session s = empty();
  ok(s, "事实 投资额: 金额");
  // Past 8 KiB a line that cannot close the block (no '}') is not parsed at once…
  CHECK(ok(s, "措施 很长 {") == "");
  const std::string pad = "  要求 投资额 > 0元 否则 \"" + std::string(200, 'x') + "\"";
  for (int i = 0; i < 60; ++i) CHECK(ok(s, pad) == "");
  CHECK(s.pending());
  // …so a mistake there is found when the entry has doubled since its last parse, not at once.
  std::string first_error;
  int lines_after = 0;
  for (int i = 0; i < 200 && first_error.empty(); ++i, ++lines_after) {
    const SessionReply r = s.feed(i == 0 ? "  比例 = 10% 多余" : pad);
    if (!r.ok) first_error = r.text;
  }
  CHECK(has(first_error, "error: 措施中只能写"));
  CHECK(has(first_error, "未加入"));
  CHECK(lines_after > 1);   // late …
  CHECK(lines_after < 80);  // … but within the doubling
  CHECK_FALSE(s.pending());
  // A closing line is parsed at once however long the entry.
  CHECK(ok(s, "措施 也很长 {") == "");
  for (int i = 0; i < 60; ++i) CHECK(ok(s, pad) == "");
  CHECK(ok(s, "  金额 = 投资额") == "");
  CHECK(ok(s, "}") == "已加入 措施 也很长\n");
  CHECK_FALSE(s.pending());
}

TEST_CASE("api::Session for a host: kinds, structured results, completions", "[repl][api]") {
  Session s;  // no text form lent: results come as data
  CHECK(s.edition_name() == "REPL");  // used before open(): the empty edition in memory
  SessionReply r = s.open({kPolicy, "2025年版", ""});
  REQUIRE(r.ok);
  CHECK(s.edition_name() == "2025年版");
  CHECK(s.feed("合同金额 = 120万元").kind == kuan::api::EntryKind::FactSet);
  CHECK(s.feed("采购类型 = 算力服务").kind == kuan::api::EntryKind::FactSet);
  CHECK(s.feed("算力设施档位 = 二档").kind == kuan::api::EntryKind::FactSet);
  r = s.feed("合同金额 × 30%");
  CHECK(r.kind == kuan::api::EntryKind::Value);
  CHECK(r.text == "360000元\n");
  r = s.feed("算力券");
  REQUIRE(r.ok);
  CHECK(r.kind == kuan::api::EntryKind::Result);
  REQUIRE(r.evaluation);
  CHECK(r.evaluation->measure == "算力券");
  CHECK(r.evaluation->eligible);
  CHECK(r.evaluation->amount == "240000.00");
  CHECK_FALSE(r.evaluation->explanation);
  r = s.feed(":explain");
  CHECK(r.kind == kuan::api::EntryKind::Explanation);
  REQUIRE(r.evaluation);
  CHECK(r.evaluation->explanation);
  r = s.feed("合同金额 = 30%");
  CHECK_FALSE(r.ok);
  CHECK(r.kind == kuan::api::EntryKind::Error);
  CHECK(has(r.text, "<输入>:1:8: error:"));
  CHECK(s.feed("参数 试点 = 5%").kind == kuan::api::EntryKind::Declared);
  CHECK(has(s.inline_source(), "参数 试点 = 5%"));
  CHECK(s.feed(":facts").kind == kuan::api::EntryKind::Command);
  CHECK(s.feed(":quit").quit);

  const auto words = s.completions("算力");
  CHECK(std::find(words.begin(), words.end(), "算力券") != words.end());
  CHECK(std::find(words.begin(), words.end(), "算力服务") != words.end());
  for (const auto& w : words) CHECK(w.rfind("算力", 0) == 0);
  const auto all = s.completions();
  for (const char* w : {"修订", "基于", "标签", "删除", "试点", ":help"})  // keywords from lang/keywords.hpp, names, commands
    CHECK(std::find(all.begin(), all.end(), w) != all.end());
}

TEST_CASE("api::Session::open tells wrong arguments from rule errors", "[repl][api]") {
  Session a;
  SessionReply r = a.open({kPolicy, "2099年版", ""});
  CHECK_FALSE(r.ok);
  CHECK(r.code == kuan::api::ErrorCode::InvalidArgument);
  Session b;
  r = b.open({std::nullopt, "2025年版", ""});
  CHECK_FALSE(r.ok);
  CHECK(r.code == kuan::api::ErrorCode::InvalidArgument);
  Session c;
  r = c.open({std::string(KUAN_SOURCE_DIR) + "/no/such/policy", "", ""});
  CHECK_FALSE(r.ok);
  CHECK(r.code == kuan::api::ErrorCode::RuleErrors);
  CHECK(has(r.text, "找不到政策"));
}
