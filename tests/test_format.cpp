// `kuan fmt` (lang/format.hpp): the layout rules on small inputs, and on every
// shipped rule file that formatting is idempotent, keeps every comment and the
// meaning (same AST), and is canonical (a file with its indentation and
// alignment stripped formats back to the same text).
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <regex>
#include <set>
#include <string>

#include "lang/format.hpp"
#include "lang/grammar.hpp"
#include "lang/parser.hpp"

using namespace kuan;
namespace fs = std::filesystem;

namespace {

FormatResult fmt(const std::string& text, std::size_t width = 120) {
  FormatOptions o;
  o.max_width = width;
  return format_source(std::make_shared<SourceFile>("t.kuan", text), o);
}

std::string formatted(const std::string& text, std::size_t width = 120) {
  auto r = fmt(text, width);
  INFO(text);
  for (const auto& d : r.diagnostics) INFO(d.rendered);
  INFO(r.internal_error);
  REQUIRE(r.ok);
  return r.text;
}

// Whether replacing `from` (its first occurrence, or its last) by `to` in a rule
// text changes its meaning: the two texts' AST fingerprints differ.
bool changes_meaning(const std::string& text, const std::string& from, const std::string& to, bool last = false) {
  std::string changed = text;
  const std::size_t at = last ? text.rfind(from) : text.find(from);
  REQUIRE(at != std::string::npos);
  changed.replace(at, from.size(), to);
  auto a = parse_module(std::make_shared<SourceFile>("a.kuan", text));
  auto b = parse_module(std::make_shared<SourceFile>("b.kuan", changed));
  REQUIRE(a.module);
  REQUIRE(b.module);
  return ast_fingerprint(*a.module) != ast_fingerprint(*b.module);
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> rule_files() {
  std::vector<fs::path> out;
  for (const char* dir : {"policies", "examples", "tests/golden/errors"}) {
    const fs::path root = fs::path(KUAN_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().extension() == ".kuan") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The text with every run of blanks outside strings and comments made one space
// and every line's indentation removed (except inside a multi-line 「…」).
std::string strip_layout(const std::string& text) {
  std::string out;
  char32_t in_string = 0;  // the closing quote while inside a string
  bool in_comment = false, line_start = true, pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t j = i;
    const char32_t c = decode_utf8(text, j);
    const std::string_view ch(text.data() + i, j - i);
    if (c == '\n') {
      in_comment = false;
      if (!in_string) line_start = true, pending_space = false;
      out += '\n';
    } else if (in_string || in_comment) {
      if (in_string == U'"' && c == '\\' && j < text.size()) {
        out += ch;
        out += text[j++];
        i = j;
        continue;
      }
      if (c == in_string) in_string = 0;
      out += ch;
    } else if (c == ' ' || c == '\t') {
      pending_space = !line_start;
    } else {
      if (pending_space) out += ' ';
      pending_space = line_start = false;
      if (c == '#') in_comment = true;
      if (c == '"') in_string = U'"';
      if (c == 0x300C) in_string = 0x300D;
      if (c == 0x201C) in_string = 0x201D;
      out += ch;
    }
    i = j;
  }
  return out;
}

}  // namespace

TEST_CASE("fmt: one space around operators, none inside calls and parentheses", "[format]") {
  CHECK(formatted("参数 a=1元+2元×3 标签 \"x\"\n") == "参数 a = 1元 + 2元 × 3  标签 \"x\"\n");
  CHECK(formatted("定义 b = max ( 1元 , 2元 )\n") == "定义 b = max(1元, 2元)\n");
  CHECK(formatted("定义 c = ( 1元 - 2元 ) * -3\n") == "定义 c = (1元 - 2元) * -3\n");
  CHECK(formatted("定义 d = - 5元\n") == "定义 d = -5元\n");
  CHECK(formatted("事实 e : 枚举 {一档,二档}  可选\n") == "事实 e: 枚举 { 一档, 二档 } 可选\n");
  CHECK(formatted("施行   2025-06-13   起\n") == "施行 2025-06-13 起\n");
  CHECK(formatted("措施 m { }\n例 m \"t\" {得 0元}\n") == "措施 m {}\n例 m \"t\" { 得 0元 }\n");
  // Full-width marks carry their own space.
  CHECK(formatted("事实 b ： 枚举 ｛ 甲 ， 乙 ｝\n") == "事实 b：枚举 ｛ 甲，乙 ｝\n");
  // Both spellings of an operator stay as written.
  CHECK(formatted("定义 f = 1 <= 2 and 3 ≤ 4 且 非 是\n") == "定义 f = 1 <= 2 and 3 ≤ 4 且 非 是\n");
}

TEST_CASE("fmt: blocks indent two spaces, continuations line up", "[format]") {
  const std::string in =
      "条款 (一) \"t\" {\n"
      "事实 x: 金额\n"
      "事实 y: 布尔 = 否\n"
      "事实 z: 枚举 { 一档, 二档 }\n"
      "措施 m {\n"
      "要求 y\n"
      "或 x > 0元\n"
      "否则 \"r\"\n"
      "比例 = 若 y 则 10%\n"
      "否则 按 z {\n"
      "一档 => 20%,\n"
      "二档 => 30%\n"
      "}\n"
      "基数 = x\n"
      "+ 1元\n"
      "}\n"
      "}\n";
  const std::string want =
      "条款 (一) \"t\" {\n"
      "  事实 x: 金额\n"
      "  事实 y: 布尔 = 否\n"
      "  事实 z: 枚举 { 一档, 二档 }\n"
      "  措施 m {\n"
      "    要求 y\n"
      "      或 x > 0元\n"
      "      否则 \"r\"\n"
      "    比例 = 若 y 则 10%\n"
      "           否则 按 z {\n"
      "             一档 => 20%,\n"
      "             二档 => 30%\n"
      "           }\n"
      "    基数 = x\n"
      "         + 1元\n"
      "  }\n"
      "}\n";
  CHECK(formatted(in) == want);
  CHECK(formatted(want) == want);
}

TEST_CASE("fmt: 标签 and trailing comments line up within a paragraph", "[format]") {
  const std::string in =
      "参数 短 = 1元 标签 \"a\"   # 一\n"
      "参数 长一些的名称 = 100万元 标签 \"b\"\n"
      "参数 无标签 = 2元 # 二\n"
      "\n\n\n"
      "参数 另一段 = 3元 标签 \"c\" # 三\n";
  const std::string want =
      "参数 短 = 1元                标签 \"a\"  # 一\n"
      "参数 长一些的名称 = 100万元  标签 \"b\"\n"
      "参数 无标签 = 2元                      # 二\n"
      "\n"
      "参数 另一段 = 3元  标签 \"c\"  # 三\n";
  CHECK(formatted(in) == want);
}

TEST_CASE("fmt: comment lines take the indentation of what follows, blank lines collapse", "[format]") {
  const std::string in =
      "\n\n# 文件头\n"
      "条款 (一) {\n"
      "# 说明参数\n"
      "参数 a = 1元\n"
      "\n\n"
      "        # 块尾\n"
      "}\n\n\n";
  CHECK(formatted(in) ==
        "# 文件头\n"
        "条款 (一) {\n"
        "  # 说明参数\n"
        "  参数 a = 1元\n"
        "\n"
        "  # 块尾\n"
        "}\n");
}

TEST_CASE("fmt: long lines wrap before 否则, then 则, into 按 branches, then before operators", "[format]") {
  const std::string in = "定义 甲 = 若 条件一 且 条件二 则 一个很长的名称 否则 另一个很长的名称\n";
  CHECK(formatted(in, 60) ==
        "定义 甲 = 若 条件一 且 条件二 则 一个很长的名称\n"
        "          否则 另一个很长的名称\n");
  CHECK(formatted(in, 30) ==
        "定义 甲 = 若 条件一 且 条件二\n"
        "          则 一个很长的名称\n"
        "          否则 另一个很长的名称\n");
  const std::string match = "定义 乙 = 按 档位 { 一档 => 一档比例, 二档 | 三档 => 二档比例, 其他 => 0% }\n";
  CHECK(formatted(match, 40) ==
        "定义 乙 = 按 档位 {\n"
        "  一档 => 一档比例,\n"
        "  二档 | 三档 => 二档比例,\n"
        "  其他 => 0%\n"
        "}\n");
  CHECK(formatted(formatted(match, 40), 40) == formatted(match, 40));
  // The outer structure breaks first.
  const std::string nested = "定义 丙 = 若 条件 则 按 档位 { 一档 => 一档比例, 二档 => 二档比例 } 否则 零\n";
  CHECK(formatted(nested, 70) ==
        "定义 丙 = 若 条件 则 按 档位 { 一档 => 一档比例, 二档 => 二档比例 }\n"
        "          否则 零\n");
  // Outside any 若 / 按, before an operator: the rightmost that still starts within the width.
  const std::string sum = "事实 a: 布尔\n定义 和 = (若 a 则 1元 否则 2元) + (若 a 则 1元 否则 2元) + (若 a 则 1元 否则 2元)\n";
  CHECK(formatted(sum, 50) ==
        "事实 a: 布尔\n"
        "定义 和 = (若 a 则 1元 否则 2元)\n"
        "        + (若 a 则 1元 否则 2元)\n"
        "        + (若 a 则 1元 否则 2元)\n");
  CHECK(formatted(sum, 80) ==
        "事实 a: 布尔\n"
        "定义 和 = (若 a 则 1元 否则 2元) + (若 a 则 1元 否则 2元)\n"
        "        + (若 a 则 1元 否则 2元)\n");
  // 标签 and comments do not count towards the width.
  const std::string labelled = "参数 丁 = 若 是 则 1元 否则 2元  标签 \"一段很长很长很长很长很长很长的标签\"  # 注释\n";
  CHECK(formatted(labelled, 40) == labelled);
}

TEST_CASE("fmt: range arms — (含) against its end, one arm a line, wrapped at arms", "[format]") {
  const std::string in =
      "定义 档 = 按 投入 {\n - 5元(含) 至 门槛 (不含) => 10%\n     门槛（含） 至 1000万元 ( 含 )   => 20%\n}\n";
  CHECK(formatted(in) ==
        "定义 档 = 按 投入 {\n"
        "  -5元(含) 至 门槛(不含) => 10%\n"
        "  门槛（含） 至 1000万元(含) => 20%\n"
        "}\n");
  const std::string line = "定义 乙 = 按 投入 { 1元(不含) 以下 => 1, 1元(含) 至 2元(含) => 2, 2020-01-01(不含) 以上 => 3 }\n";
  CHECK(formatted(line, 40) ==
        "定义 乙 = 按 投入 {\n"
        "  1元(不含) 以下 => 1,\n"
        "  1元(含) 至 2元(含) => 2,\n"
        "  2020-01-01(不含) 以上 => 3\n"
        "}\n");
  CHECK(formatted(formatted(line, 40), 40) == formatted(line, 40));
  // A call is still a call.
  CHECK(formatted("定义 丙 = min (a, b)\n") == "定义 丙 = min(a, b)\n");
  // 可为负 and 校验 keep their places.
  CHECK(formatted("措施 补退  \"应补(退)\"   可为负 {\n金额 = a − b\n}\n") == "措施 补退 \"应补(退)\" 可为负 {\n  金额 = a − b\n}\n");
  CHECK(formatted("校验  a ≥ b\n  否则 \"x\"\n") == "校验 a ≥ b\n  否则 \"x\"\n");
}

TEST_CASE("fmt: clause text, strings, BOM and CRLF", "[format]") {
  const std::string in = "\xEF\xBB\xBF条款 (一) \"t\" {\r\n原文 「第一行  两个空格\r\n   第二行 # 不是注释」\r\n}\r\n";
  // The first line ends in CRLF: every line end of the layout is CRLF, the one
  // inside the clause text stays as written (not CR CR LF).
  const std::string windows = "\xEF\xBB\xBF条款 (一) \"t\" {\r\n  原文 「第一行  两个空格\r\n   第二行 # 不是注释」\r\n}\r\n";
  CHECK(formatted(in) == windows);
  CHECK(formatted(windows) == windows);  // so fmt --check passes on a formatted Windows file
  // A first line ending in LF sets LF, whatever comes after (the clause's CRLF kept).
  const std::string mixed = "参数 a = 1元\n参数  b = 2元\r\n";
  CHECK(formatted(mixed) == "参数 a = 1元\n参数 b = 2元\n");
  CHECK(formatted("参数  a = 1元\r\n参数 b = 2元\n") == "参数 a = 1元\r\n参数 b = 2元\r\n");
}

TEST_CASE("fmt: comments are found outside strings only", "[format]") {
  CHECK(comments_of("参数 a = 1元  # 一  \n条款 (一) { 原文 「# 不是」 责任单位 \"# 也不是\" }\n#二\n") ==
        std::vector<std::string>{"# 一", "#二"});
}

TEST_CASE("fmt: a file with a syntax error is not formatted", "[format]") {
  auto r = fmt("参数 a = \n");
  CHECK_FALSE(r.ok);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].rendered.find("t.kuan:2:1: error:") == 0);
}

TEST_CASE("fmt: 性质 blocks — the claim indented, 当 and 有 lines under it, idempotent", "[format]") {
  const std::string messy =
      "条款 (一) {\n"
      "性质   甲 \"说明\" {\n"
      "      对任意 申请\n"
      "  当 小   且 a≤50万元   # 条件\n"
      "        有 金额 ≤ round(a × 50%, 0.01元)\n"
      "}\n"
      "}\n"
      "性质 甲 { 对任意 申请 有 金额>0元 }\n";
  const std::string want =
      "条款 (一) {\n"
      "  性质 甲 \"说明\" {\n"
      "    对任意 申请\n"
      "      当 小 且 a ≤ 50万元  # 条件\n"
      "      有 金额 ≤ round(a × 50%, 0.01元)\n"
      "  }\n"
      "}\n"
      "性质 甲 { 对任意 申请 有 金额 > 0元 }\n";
  CHECK(formatted(messy) == want);
  CHECK(formatted(want) == want);
  // A changed claim is a changed meaning.
  CHECK(changes_meaning(want, "> 0元", "≥ 0元", true));
}

TEST_CASE("fmt: the AST fingerprint ignores layout and sees meaning", "[format]") {
  auto print = [](const std::string& text) {
    auto p = parse_module(std::make_shared<SourceFile>("t.kuan", text));
    REQUIRE(p.module);
    return ast_fingerprint(*p.module);
  };
  CHECK(print("参数 a = 1元 + 2元 标签 \"x\"\n") == print("参数 a=1元+2元\n  标签 \"x\"\n"));
  CHECK(print("参数 a = 1元 + 2元\n") != print("参数 a = 1元 - 2元\n"));
  CHECK(print("参数 a = 1元\n") != print("参数 a = 1万元\n"));
  CHECK(print("参数 a = 1元  标签 \"x\"\n") != print("参数 a = 1元  标签 \"x \"\n"));
  CHECK(print("条款 (一) { 原文 「a」 }\n") != print("条款 (一) { 原文 「a 」 }\n"));
}

TEST_CASE("fmt: every shipped rule file — idempotent, comments and meaning kept, canonical", "[format]") {
  const auto files = rule_files();
  REQUIRE(files.size() >= 20);
  int formatted_files = 0;
  for (const auto& path : files) {
    INFO(path.string());
    const std::string text = read(path);
    auto source = std::make_shared<SourceFile>(path.string(), text);
    const auto original = parse_module(source);
    const FormatResult once = format_source(source);
    if (!original.module) {  // the golden syntax-error files
      CHECK_FALSE(once.ok);
      CHECK_FALSE(once.diagnostics.empty());
      continue;
    }
    INFO(once.internal_error);
    REQUIRE(once.ok);
    ++formatted_files;
    CHECK(comments_of(once.text) == comments_of(text));
    if (path.string().find("policies") != std::string::npos) CHECK_FALSE(comments_of(text).empty());
    auto again = parse_module(std::make_shared<SourceFile>(path.string(), once.text));
    REQUIRE(again.module);
    CHECK(ast_fingerprint(*again.module) == ast_fingerprint(*original.module));
    const FormatResult twice = format_source(std::make_shared<SourceFile>(path.string(), once.text));
    REQUIRE(twice.ok);
    CHECK(twice.text == once.text);
    const FormatResult stripped = format_source(std::make_shared<SourceFile>(path.string(), strip_layout(text)));
    REQUIRE(stripped.ok);
    CHECK(stripped.text == once.text);
  }
  CHECK(formatted_files >= 40);
}


TEST_CASE("fmt: 施行 in a measure and a clause, 例 … 于, 施行中(M) — laid out and kept", "[format]") {
  const std::string messy =
      "条款 (一) {\n"
      "施行   2023-01-01  至 2027-12-31\n"
      "措施 M {\n"
      "      施行 2024-01-01 起\n"
      "金额 = 若 施行中( M ) 则 1元 否则 2元\n"
      "}\n"
      "}\n"
      "例 M \"期内\"   于   2025-01-01 { 得 1元 }\n";
  const std::string want =
      "条款 (一) {\n"
      "  施行 2023-01-01 至 2027-12-31\n"
      "  措施 M {\n"
      "    施行 2024-01-01 起\n"
      "    金额 = 若 施行中(M) 则 1元 否则 2元\n"
      "  }\n"
      "}\n"
      "例 M \"期内\" 于 2025-01-01 { 得 1元 }\n";
  CHECK(formatted(messy) == want);
  CHECK(formatted(want) == want);
  // The dates are meaning: another day is another tree.
  auto a = parse_module(std::make_shared<SourceFile>("a.kuan", want));
  std::string changed = want;
  changed.replace(changed.find("2027-12-31"), 10, "2027-12-30");
  auto b = parse_module(std::make_shared<SourceFile>("b.kuan", changed));
  std::string dated = want;
  dated.replace(dated.find("2025-01-01"), 10, "2025-01-02");
  auto c = parse_module(std::make_shared<SourceFile>("c.kuan", dated));
  REQUIRE(a.module);
  REQUIRE(b.module);
  REQUIRE(c.module);
  CHECK(ast_fingerprint(*a.module) != ast_fingerprint(*b.module));
  CHECK(ast_fingerprint(*a.module) != ast_fingerprint(*c.module));
}

TEST_CASE("fmt: 否则 按 { … } with text arms is laid out like any 按 and keeps its meaning", "[format]") {
  const std::string messy = "措施 M {\n要求 a > 0元 否则 按 档 {\n甲 => \"x\",\n  乙=>\"y\" }\n金额 = a\n}\n";
  const std::string want = "措施 M {\n  要求 a > 0元 否则 按 档 {\n    甲 => \"x\",\n    乙 => \"y\" }\n  金额 = a\n}\n";
  CHECK(formatted(messy) == want);
  CHECK(formatted(want) == want);
  // Another text is another meaning.
  CHECK(changes_meaning(want, "\"y\"", "\"z\""));
}

TEST_CASE("fmt: 校验 … 否则 按 { … } and 超出 拒绝 按 { … } are laid out like any 按 and keep their meaning", "[format]") {
  const std::string messy = "校验 a ≤ 1亿元 否则 按 档 {\n甲 => \"x\",\n    乙=>\"y\" }\n限额 L {\n计 件数 每 申请人\n"
                            "    超出 拒绝 按 档 {\n甲 => \"x\",\n 乙 => \"y\" }\n}\n";
  const std::string want = "校验 a ≤ 1亿元 否则 按 档 {\n  甲 => \"x\",\n  乙 => \"y\" }\n限额 L {\n  计 件数 每 申请人\n"
                           "  超出 拒绝 按 档 {\n    甲 => \"x\",\n    乙 => \"y\" }\n}\n";
  CHECK(formatted(messy) == want);
  CHECK(formatted(want) == want);
  // Another text, in either table, is another meaning.
  CHECK(changes_meaning(want, "\"y\"", "\"z\""));
  CHECK(changes_meaning(want, "\"y\"", "\"z\"", true));
}

TEST_CASE("fmt: 列表 facts, aggregates, 累进 brackets, 元/月 and 个月, 可为负, 例 lists and 得 错误 — laid out and kept",
          "[format]") {
  const std::string messy =
      "事实 经营:列表{收入:金额,月数:整数,个体:布尔}\n事实 经营月数:   月数\n参数 每月 = 5000元/月\n"
      "定义 余额 = 合计 经营{收入 当 个体}+计数 经营 {当 月数>0} × 0元\n"
      "定义 税 = 累进 余额 {\n至 3万元=>5% 速算扣除数 0元\n   以上 => 10%   速算扣除数 1500元 }\n"
      "定义 减除=每月×经营月数\n措施 M   可为负 { 金额 = 税 − 减除 }\n"
      "例 M { 经营 = [{收入:1元,月数:1,个体:是},\n {收入:2元,月数:0,个体:否}]\n经营月数=12个月\n得 错误   invalid_application }\n";
  const std::string want =
      "事实 经营: 列表 { 收入: 金额, 月数: 整数, 个体: 布尔 }\n事实 经营月数: 月数\n参数 每月 = 5000元/月\n"
      "定义 余额 = 合计 经营 { 收入 当 个体 } + 计数 经营 { 当 月数 > 0 } × 0元\n"
      "定义 税 = 累进 余额 {\n  至 3万元 => 5% 速算扣除数 0元\n  以上 => 10% 速算扣除数 1500元 }\n"
      "定义 减除 = 每月 × 经营月数\n措施 M 可为负 { 金额 = 税 − 减除 }\n"
      "例 M { 经营 = [ { 收入: 1元, 月数: 1, 个体: 是 },\n              { 收入: 2元, 月数: 0, 个体: 否 } ]\n"
      "       经营月数 = 12个月\n       得 错误 invalid_application }\n";
  CHECK(formatted(messy) == want);
  CHECK(formatted(want) == want);
  // A changed rate, period, filter or expected error is another meaning.
  CHECK(changes_meaning(want, "10% 速算", "11% 速算"));
  CHECK(changes_meaning(want, "5000元/月", "5000元/年"));
  CHECK(changes_meaning(want, "当 个体", "当 非 个体"));
  CHECK(changes_meaning(want, "invalid_application", "missing_fact"));
}

TEST_CASE("fmt: 结果 items in a measure and the figures a 例 expects — laid out and kept", "[format]") {
  const std::string messy =
      "事实 a: 金额\n措施 M   可为负 {\n要求 a > 0元 否则 \"x\"\n    结果   甲=a×10%\n结果 乙 = 甲\n  − 1元\n金额=乙\n}\n"
      "例 M { a = 100元\n得 9元 结果 甲=10元\n   结果 乙 = 9元 }\n";
  const std::string want =
      "事实 a: 金额\n措施 M 可为负 {\n  要求 a > 0元 否则 \"x\"\n  结果 甲 = a × 10%\n  结果 乙 = 甲\n          − 1元\n  金额 = 乙\n}\n"
      "例 M { a = 100元\n       得 9元 结果 甲 = 10元\n       结果 乙 = 9元 }\n";
  CHECK(formatted(messy) == want);
  CHECK(formatted(want) == want);
  // A figure's name, rule or expected value is part of the meaning.
  CHECK(changes_meaning(want, "结果 甲 = a", "结果 丙 = a"));
  CHECK(changes_meaning(want, "a × 10%", "a × 20%"));
  CHECK(changes_meaning(want, "甲 = 10元", "甲 = 11元"));
}
