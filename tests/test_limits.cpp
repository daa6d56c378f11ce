// The documented limits (docs/language.md, "Limits") and the reliability
// promises of docs/reliability.md: each test feeds an input that crashed, hung or gave
// wrong output before, and checks for a clear, positioned error instead.
// Large inputs are generated here, never committed. CLI runs go through a
// child process so that a crash is seen as a failed check, not a dead runner.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/policy.hpp"
#include "base/limits.hpp"
#include "base/source.hpp"

using namespace kuan;
namespace fs = std::filesystem;

namespace {

const std::string kHeader =
    "政策 \"测试\"\n版本 \"v\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n";

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Loaded {
  std::shared_ptr<const Policy> policy;
  std::vector<Diagnostic> diagnostics;
  std::string all() const {
    std::string out;
    for (const auto& d : diagnostics) out += d.rendered;
    return out;
  }
};

Loaded load(const std::string& body) {
  Loaded l;
  l.policy = Policy::from_text("t.kuan", kHeader + body, l.diagnostics);
  return l;
}

const Edition& only_edition(const Loaded& l) {
  INFO(l.all());
  REQUIRE(l.policy);
  return *l.policy->editions().front();
}

FactValues bind(const Edition& ed, const std::string& json_text) {
  auto parsed = json::parse_facts(json_text);
  REQUIRE(std::holds_alternative<json::FactsObject>(parsed));
  auto bound = bind_facts(ed, std::get<json::FactsObject>(parsed).fields);
  REQUIRE(std::holds_alternative<FactValues>(bound));
  return std::get<FactValues>(std::move(bound));
}

// A scratch folder for one test, removed afterwards.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("kuan_limits_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

struct Run {
  int status = -1;  // exit status; -1 when the process did not exit normally (a signal)
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `kuan ARGS` with stdout and stderr captured in files of `dir`.
Run run_kuan(const TempDir& dir, const std::string& args) {
  const fs::path out = dir.path / "stdout", err = dir.path / "stderr";
  const std::string cmd = std::string("\"") + KUAN_BINARY + "\" " + args + " >\"" + out.string() + "\" 2>\"" +
                          err.string() + "\"";
  const int raw = std::system(cmd.c_str());
  Run r;
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string quoted(const fs::path& p) { return "\"" + p.string() + "\""; }

}  // namespace

// ------------------------------------------------------------ class 1: nesting

TEST_CASE("nesting through calls counts toward the one depth limit", "[limits]") {
  // Each abs(…) level holds a flat sum: before, a call restarted the depth
  // count, so 60 levels of 150 terms recursed 9,000 deep in the checker.
  std::string e = "1元";
  for (int i = 0; i < 60; ++i) e = "abs(" + e + repeat(" + 1元", 150) + ")";
  Loaded l = load("定义 x = " + e + "\n");
  CHECK_FALSE(l.policy);
  REQUIRE(l.diagnostics.size() == 1);
  CHECK(has(l.diagnostics[0].message, "过深"));
  CHECK(l.diagnostics[0].line == 5);

  // Parentheses and calls are levels too, in the parser as in the tree.
  for (const std::string open : {"(", "abs(", "max(0元, ", "- ", "非 "}) {
    INFO(open);
    const std::string close = open == "- " || open == "非 " ? "" : ")";
    const std::string leaf = open == "非 " ? "是" : "1元";
    const auto deep = [&](int n) { return repeat(open, n) + leaf + repeat(close, n); };
    Loaded over = load("定义 x = " + deep(limits::kMaxNesting + 5) + "\n");
    CHECK_FALSE(over.policy);
    REQUIRE_FALSE(over.diagnostics.empty());
    CHECK(has(over.diagnostics[0].message, "过深"));
    Loaded within = load("定义 x = " + deep(limits::kMaxNesting - 10) + "\n");
    CHECK(within.policy);
  }
}

TEST_CASE("a 100000-long chain of definitions is a positioned error and no stack overflow", "[limits]") {
  TempDir dir("chain");
  std::string text = kHeader + "事实 x: 金额\n定义 d0 = x\n";
  for (int i = 1; i < 100000; ++i) text += "定义 d" + std::to_string(i) + " = d" + std::to_string(i - 1) + " + 1元\n";
  text += "措施 m { 金额 = d99999 }\n";
  const fs::path file = dir.write("chain.kuan", text);
  const Run r = run_kuan(dir, "check " + quoted(file));
  CHECK(r.status == 1);  // exited, with the rule-error status (not a signal, not 70)
  // One error, at the first definition whose chain crosses the limit.
  CHECK(has(r.err, file.string() + ":"));
  CHECK(has(r.err, ": error: "));
  CHECK(has(r.err, "过深"));
  CHECK(has(r.err, "1 个错误"));
}

TEST_CASE("definitions read through definitions evaluate within the limit", "[limits]") {
  // 40 links of depth 2 each, plus the measure: well inside the limit.
  std::string body = "事实 x: 金额\n定义 d0 = x\n";
  for (int i = 1; i <= 40; ++i) body += "定义 d" + std::to_string(i) + " = d" + std::to_string(i - 1) + " + 1元\n";
  body += "措施 m { 金额 = d40 }\n";
  const Loaded l = load(body);
  const Edition& ed = only_edition(l);
  auto r = evaluate_measure(ed, *ed.find_measure("m"), bind(ed, R"({"x": 100})"));
  REQUIRE(std::holds_alternative<Outcome>(r));
  CHECK(std::get<Outcome>(r).amount.to_string() == "140.00");

  // The same chain, long enough to cross the limit through the definitions alone.
  std::string longer = "事实 x: 金额\n定义 d0 = x\n";
  for (int i = 1; i <= limits::kMaxNesting; ++i)
    longer += "定义 d" + std::to_string(i) + " = d" + std::to_string(i - 1) + " + 1元\n";
  const Loaded bad = load(longer + "措施 m { 金额 = d" + std::to_string(limits::kMaxNesting) + " }\n");
  CHECK_FALSE(bad.policy);
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK(has(bad.diagnostics[0].message, "过深"));
  CHECK(bad.diagnostics[0].line > 6);
}

// ------------------------------------------------------------ class 2: memo slots

TEST_CASE("more than 65535 cached definitions: no slot number wraps", "[limits]") {
  // d1 and d65537 are both computed; with 16-bit slot numbers the second was
  // recorded as slot 1, which was then destroyed twice (a double free of its
  // big number) and the other leaked.
  const std::string big = "1" + std::string(40, '0') + "元";
  std::string body = "事实 x: 金额\n";
  for (int i = 0; i < 70000; ++i) body += "定义 d" + std::to_string(i) + " = " + big + "\n";
  body += "措施 m { 金额 = d1 - d65537 + d69999 - d3 + x }\n";
  const Loaded l = load(body);
  const Edition& ed = only_edition(l);
  CHECK(ed.memo_slots == 70000);
  const FactValues facts = bind(ed, R"({"x": 5})");
  for (int round = 0; round < 3; ++round) {
    auto r = evaluate_measure(ed, *ed.find_measure("m"), facts);
    REQUIRE(std::holds_alternative<Outcome>(r));
    CHECK(std::get<Outcome>(r).amount.to_string() == "5.00");
  }
}

TEST_CASE("definitions per edition are limited", "[limits]") {
  std::string body;
  body.reserve(limits::kMaxDefinitions * 16);
  for (std::size_t i = 0; i <= limits::kMaxDefinitions; ++i) body += "定义 d" + std::to_string(i) + " = 1元\n";
  const Loaded l = load(body);
  CHECK_FALSE(l.policy);
  REQUIRE(l.diagnostics.size() == 1);
  CHECK(has(l.diagnostics[0].message, "定义过多"));
  CHECK(l.diagnostics[0].line == 5 + limits::kMaxDefinitions);
}

// ------------------------------------------------------------ class 3: long numbers

TEST_CASE("number length is limited in rule files and facts", "[limits]") {
  const std::string ok(limits::kMaxNumberDigits, '7'), over(limits::kMaxNumberDigits + 1, '7');
  CHECK(load("参数 p = " + ok + "元\n").policy);
  const Loaded bad = load("参数 p = 0." + ok + "\n");  // the leading 0 is a digit too
  CHECK_FALSE(bad.policy);
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK(has(bad.diagnostics[0].message, "数字过长"));
  CHECK(bad.diagnostics[0].line == 5);
  CHECK(bad.diagnostics[0].column == 8);

  const Loaded l = load("事实 x: 金额\n事实 n: 数值\n措施 m { 金额 = x }\n定义 k = n\n");
  const Edition& ed = only_edition(l);
  // (Plain JSON numbers with a fraction: nlohmann reads those without overflow.)
  const std::string over_fraction = "0." + ok;
  for (const std::string& doc : {R"({"x": )" + over_fraction + "}", R"({"x": ")" + over + R"(元"})",
                                R"({"n": )" + over_fraction + "}"}) {
    auto parsed = json::parse_facts(doc);
    REQUIRE(std::holds_alternative<json::FactsObject>(parsed));
    auto bound = bind_facts(ed, std::get<json::FactsObject>(parsed).fields);
    REQUIRE(std::holds_alternative<std::string>(bound));
    const std::string& msg = std::get<std::string>(bound);
    CHECK(has(msg, "过长"));
    CHECK(msg.size() < 300);  // the value is echoed cut, not whole
  }
}

TEST_CASE("megabytes of digits in a fact are refused at once", "[limits]") {
  // Before, reading them took time quadratic in their length (minutes for 5 MB).
  const Loaded l = load("事实 x: 金额\n措施 m { 金额 = x }\n");
  const Edition& ed = only_edition(l);
  const std::string doc = R"({"x": "1)" + std::string(5u << 20, '0') + R"("})";
  const auto start = std::chrono::steady_clock::now();
  auto parsed = json::parse_facts(doc);
  REQUIRE(std::holds_alternative<json::FactsObject>(parsed));
  auto bound = bind_facts(ed, std::get<json::FactsObject>(parsed).fields);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(std::holds_alternative<std::string>(bound));
  CHECK(seconds < 5.0);
}

TEST_CASE("results longer than Decimal::kMaxDigits are an overflow with the rule's position", "[limits]") {
  const std::string n = "1" + std::string(limits::kMaxNumberDigits - 1, '0');  // 10^4095
  const Decimal d = *Decimal::parse(n);
  Decimal p = d;
  CHECK_THROWS_AS([&] { for (int i = 0; i < 6; ++i) p = p * d; }(), std::overflow_error);

  // Class 10: a scale overflow used to come back without a position.
  const std::string tiny = "0." + std::string(limits::kMaxNumberDigits - 2, '0') + "1";  // 4096 digits
  const Loaded l = load("事实 x: 金额\n措施 m {\n  金额 = x × " + tiny + " × " + tiny + " × " + tiny + "\n}\n");
  const Edition& ed = only_edition(l);
  auto r = evaluate_measure(ed, *ed.find_measure("m"), bind(ed, R"({"x": 5})"));
  REQUIRE(std::holds_alternative<EvalError>(r));
  const EvalError& e = std::get<EvalError>(r);
  CHECK(has(e.message, "超出范围"));
  REQUIRE(e.span.valid());
  CHECK(e.span.file->locate(e.span.begin).line == 7);
}

// ------------------------------------------------------------ class 4: diagnostics

TEST_CASE("an excerpt is a window around the caret", "[limits]") {
  // An error in the middle of a 50,000-character line.
  const std::string line = "定义 a = 1元 " + repeat("定义 b = 1元 ", 3000) + "定义 c = 未知名称 " + repeat("定义 d = 1元 ", 1000);
  const SourceFile file("w.kuan", line + "\n");
  const auto at = static_cast<std::uint32_t>(line.find("未知名称"));
  const Diagnostic d = make_diagnostic(Severity::Error, Span{&file, at, at + 12}, "未定义的名称 未知名称");
  CHECK(d.rendered.size() < 600);
  std::istringstream lines(d.rendered);
  std::string head, excerpt, caret;
  std::getline(lines, head);
  std::getline(lines, excerpt);
  std::getline(lines, caret);
  CHECK(excerpt.rfind("…", 0) == 0);
  CHECK(excerpt.size() >= 3);
  CHECK(excerpt.compare(excerpt.size() - 3, 3, "…") == 0);
  // The caret sits under 未知名称: display columns before it in the excerpt
  // (CJK two, "…" one) equal the spaces before the caret.
  const std::size_t before = excerpt.find("未知名称");
  REQUIRE(before != std::string::npos);
  std::size_t columns = 0;
  for (std::size_t i = 0; i < before;) columns += display_width(decode_utf8(excerpt, i));
  CHECK(caret == std::string(columns, ' ') + "^" + std::string(7, '~'));  // four characters, eight columns
  CHECK(columns <= 2 * limits::kExcerptColumns);
}

TEST_CASE("at most 50 diagnostics are printed and the rest are counted", "[limits]") {
  TempDir dir("many");
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "定义 e" + std::to_string(i) + " = 未知 + 1元\n";
  const fs::path file = dir.write("many.kuan", kHeader + body);
  const Run r = run_kuan(dir, "check " + quoted(file));
  CHECK(r.status == 1);
  std::size_t shown = 0;
  for (std::size_t p = 0; (p = r.err.find(": error: ", p)) != std::string::npos; ++p) ++shown;
  CHECK(shown == limits::kMaxDiagnosticsShown);
  CHECK(has(r.err, "还有 4950 处错误未显示"));
  CHECK(r.err.size() < 20000);
}

// ------------------------------------------------------------ class 5: internal errors

TEST_CASE("a NUL byte in a rule file is a positioned error", "[limits]") {
  const Loaded l = load("事实 x: 金额\n措施 m { 要求 x > 0元 否则 \"a" + std::string(1, '\0') + "b\" 金额 = x }\n");
  CHECK_FALSE(l.policy);
  REQUIRE(l.diagnostics.size() == 1);
  CHECK(has(l.diagnostics[0].message, "控制字符 U+0000"));
  CHECK(l.diagnostics[0].line == 6);
  CHECK(l.diagnostics[0].column == 23);
  CHECK_FALSE(has(l.diagnostics[0].rendered, std::string(1, '\0')));

  // Drawing a caret under a NUL (or any control character) used to wrap the
  // width arithmetic and throw std::length_error.
  const SourceFile file("n.kuan", std::string("ab\0\x01" "cd\n", 7));
  for (std::uint32_t at : {2u, 3u}) {
    const Diagnostic d = make_diagnostic(Severity::Error, Span{&file, at, at}, "x");
    CHECK(has(d.rendered, "ab\xEF\xBF\xBD\xEF\xBF\xBD" "cd\n"));
    CHECK(has(d.rendered, "\n" + std::string(at, ' ') + "^\n"));
  }

  TempDir dir("nul");
  const fs::path file_path = dir.write("nul.kuan", kHeader + std::string("参数 p = 1元 \0\n", 18));
  const Run r = run_kuan(dir, "check " + quoted(file_path));
  CHECK(r.status == 1);
  CHECK(has(r.err, ":5:"));
}

TEST_CASE("a symlink loop in a policy folder is a clear error with exit 1", "[limits]") {
  TempDir dir("loop");
  fs::create_directories(dir.path / "policy" / "v");
  std::ofstream(dir.path / "policy" / "v" / "a.kuan") << kHeader << "事实 x: 金额\n措施 m { 金额 = x }\n";
  fs::create_symlink("loop", dir.path / "policy" / "loop");
  fs::create_symlink("self.kuan", dir.path / "policy" / "v" / "self.kuan");
  const Run r = run_kuan(dir, "check " + quoted(dir.path / "policy"));
  CHECK(r.status == 1);
  CHECK(has(r.err, "无法读取"));
  CHECK(has(r.err, "loop"));
  CHECK(has(r.err, "self.kuan"));

  // A dangling link (an editor's lock file) is not an error, nor is a loop
  // inside an edition that could not be a rule file.
  fs::create_symlink("other", dir.path / "policy" / "v" / "other");
  fs::remove(dir.path / "policy" / "loop");
  fs::remove(dir.path / "policy" / "v" / "self.kuan");
  fs::create_symlink("nowhere", dir.path / "policy" / "v" / ".#a.kuan");
  CHECK(run_kuan(dir, "check --quiet " + quoted(dir.path / "policy")).status == 0);

  // A rule file that is a link to a file moved away is rules missing: an error.
  fs::create_symlink("../shared/gone.kuan", dir.path / "policy" / "v" / "gone.kuan");
  const Run gone = run_kuan(dir, "check " + quoted(dir.path / "policy"));
  CHECK(gone.status == 1);
  CHECK(has(gone.err, "gone.kuan"));
}

// ------------------------------------------------------------ class 6: negative amounts

TEST_CASE("an amount below zero is an evaluation error at the rule", "[limits]") {
  const Loaded l = load(
      "事实 x: 金额\n事实 y: 金额\n"
      "措施 m { 金额 = x - y }\n"
      "措施 n { 基数 = x - y  比例 = 10% }\n"
      "措施 k { 基数 = x  比例 = 10%  上限 c = 100元 }\n");
  const Edition& ed = only_edition(l);
  const FactValues facts = bind(ed, R"({"x": 1, "y": 5})");
  struct Want {
    const char* measure;
    int column;
  };
  for (const Want w : {Want{"m", 13}, Want{"n", 13}}) {
    INFO(w.measure);
    auto r = evaluate_measure(ed, *ed.find_measure(w.measure), facts);
    REQUIRE(std::holds_alternative<EvalError>(r));
    const EvalError& e = std::get<EvalError>(r);
    CHECK(has(e.message, "为负"));
    REQUIRE(e.span.valid());
    CHECK(e.span.file->locate(e.span.begin).column == static_cast<std::size_t>(w.column));
  }
  auto fine = evaluate_measure(ed, *ed.find_measure("k"), facts);
  REQUIRE(std::holds_alternative<Outcome>(fine));
  CHECK(std::get<Outcome>(fine).amount.to_string() == "0.10");
}

// ------------------------------------------------------------ class 7: UTF-8

TEST_CASE("rule files must be UTF-8 and are checked at load with a position", "[limits]") {
  for (const std::string bad : {"\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xE4\xB8"}) {
    const Loaded l = load("事实 x: 金额\n措施 m { 要求 x > 0元 否则 \"理由" + bad + "\" 金额 = x }\n");
    CHECK_FALSE(l.policy);
    REQUIRE(l.diagnostics.size() == 1);
    CHECK(has(l.diagnostics[0].message, "无效的 UTF-8"));
    CHECK(l.diagnostics[0].line == 6);
    CHECK(l.diagnostics[0].column == 24);
  }
}

TEST_CASE("rule file size and line length are limited", "[limits]") {
  const Loaded wide = load("参数 p = 1元 " + std::string(limits::kMaxLineBytes, ' ') + "\n");
  CHECK_FALSE(wide.policy);
  REQUIRE(wide.diagnostics.size() == 1);
  CHECK(has(wide.diagnostics[0].message, "行过长"));
  CHECK(wide.diagnostics[0].line == 5);
  CHECK(wide.diagnostics[0].rendered.size() < 600);

  std::string big;
  while (big.size() <= limits::kMaxFileBytes) big += "# 注释\n";
  const Loaded huge = load(big);
  CHECK_FALSE(huge.policy);
  REQUIRE(huge.diagnostics.size() == 1);
  CHECK(has(huge.diagnostics[0].message, "规则文件过大"));
}

// ------------------------------------------------------------ class 8: JSON input

TEST_CASE("JSON facts: nothing after a NUL byte is ignored", "[limits]") {
  auto parsed = json::parse_facts(std::string("{\"x\": 1}\0garbage", 16));
  REQUIRE(std::holds_alternative<json::InputError>(parsed));
  const auto& e = std::get<json::InputError>(parsed);
  CHECK(has(e.message, "NUL"));
  CHECK(e.line == 1);
  CHECK(e.column == 9);
  CHECK(std::holds_alternative<json::InputError>(
      json::parse_application("{\"measure\": \"m\", \"facts\": {}}" + std::string(1, '\0') + "{")));
}

TEST_CASE("JSON facts: echoed values are escaped and cut", "[limits]") {
  const Loaded l = load("事实 x: 金额\n措施 m { 金额 = x }\n");
  const Edition& ed = only_edition(l);
  const std::string huge(1u << 20, 'z');
  for (const std::string& doc : {R"({"x": "\u0001\u001b[31m)" + huge + R"("})", R"({")" + huge + R"(\n": 1})"}) {
    auto parsed = json::parse_facts(doc);
    REQUIRE(std::holds_alternative<json::FactsObject>(parsed));
    auto bound = bind_facts(ed, std::get<json::FactsObject>(parsed).fields);
    REQUIRE(std::holds_alternative<std::string>(bound));
    const std::string& msg = std::get<std::string>(bound);
    CHECK(msg.size() < 400);
    CHECK(has(msg, "…"));
    for (char c : msg) CHECK_FALSE((static_cast<unsigned char>(c) < 0x20));
  }
  // A syntax error quotes the bad token; a megabyte-long one is cut too.
  auto bad = json::parse_facts(R"({"x": ")" + huge);
  REQUIRE(std::holds_alternative<json::InputError>(bad));
  CHECK(std::get<json::InputError>(bad).message.size() < 600);
}

// ------------------------------------------------------------ class 10: kuan diff

TEST_CASE("kuan diff reports bad facts on stderr with a non-zero exit", "[limits]") {
  TempDir dir("diff");
  const fs::path facts = dir.write("bad.json", R"({"合同总额": "120万元"})");
  const Run r = run_kuan(dir, "diff " KUAN_SOURCE_DIR "/policies/hangzhou-ai 2025年版 2026年版 --facts " + quoted(facts) +
                              " --measure 算力券");
  CHECK(r.status == 2);
  CHECK(has(r.err, "合同总额"));
  CHECK_FALSE(has(r.out, "合同总额"));
  CHECK(has(r.out, "2025年版 → 2026年版"));  // the changes themselves are still listed

  // A fact's problem is placed in the facts file (characters, not bytes), once when both editions find it.
  const fs::path placed = dir.write("placed.json", "{\n  \"合同金额\": \"-5\",\n  \"采购类型\": \"算力服务\"\n}\n");
  const Run p = run_kuan(dir, "diff " KUAN_SOURCE_DIR "/policies/hangzhou-ai 2025年版 2026年版 --facts " + quoted(placed) +
                              " --measure 算力券");
  CHECK(p.status == 2);
  CHECK(has(p.err, placed.string() + ":2:11: error: 算力券(2025年版、2026年版):事实 合同金额 的金额不能为负"));
  CHECK(p.err.find("error:") == p.err.rfind("error:"));
  const Run u = run_kuan(dir, "diff " KUAN_SOURCE_DIR "/policies/hangzhou-ai 2025年版 2026年版 --facts " + quoted(facts) +
                              " --measure 算力券");
  CHECK(has(u.err, facts.string() + ":1:2: error: 算力券(2025年版、2026年版):未知的事实 合同总额(是不是 合同金额?)"));

  const fs::path batch = dir.write("bad.jsonl", "{\"measure\": \"算力券\", \"facts\": {\"合同总额\": 1}}\n{oops\n");
  const Run b = run_kuan(dir, "diff " KUAN_SOURCE_DIR "/policies/hangzhou-ai 2025年版 2026年版 --batch " + quoted(batch));
  CHECK(b.status == 2);
  CHECK(has(b.err, "合同总额"));
  CHECK(has(b.err, batch.string() + ":2:2: error: "));
  CHECK_FALSE(has(b.out, "合同总额"));
  CHECK_FALSE(has(b.out, "JSON"));
}
