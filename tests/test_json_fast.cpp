// The batch command's fast reader (services/json_fast.cpp) against the precise one
// (json_input.cpp + facts.cpp): whatever the fast reader accepts, the precise
// one accepts too, with the same id, measure and fact values to the last digit
// of scale; what it declines goes to the precise reader, so it may decline
// anything unusual — but not the lines a batch is made of.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "interpreter/facts.hpp"
#include "interpreter/policy.hpp"
#include "services/json_fast.hpp"

using namespace kuan;

namespace {

const Edition& edition() {
  static const auto policy = [] {
    std::vector<Diagnostic> diags;
    return Policy::load(std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai", diags);
  }();
  REQUIRE(policy);
  std::string error;
  const Edition* ed = policy->edition("2025年版", error);
  REQUIRE(ed);
  return *ed;
}

// Reads `line` both ways; returns whether the fast reader took it, after
// checking that it then agrees with the precise reader.
bool agrees(json::FastLineReader& fast, const std::string& line, std::size_t readable_after = 0) {
  INFO("line: " << line);
  json::FastApplication app;
  if (!fast.read(line, app, readable_after)) return false;
  auto precise = json::parse_application(line);
  REQUIRE(std::holds_alternative<json::Application>(precise));
  const auto& a = std::get<json::Application>(precise);
  CHECK(a.has_id == app.has_id);
  CHECK(a.id == app.id);
  CHECK(a.measure == app.measure);
  CHECK(!a.has_as_of);
  auto bound = bind_facts(edition(), a.facts);
  REQUIRE(std::holds_alternative<FactValues>(bound));
  const FactValues& want = std::get<FactValues>(bound);
  const FactValues& got = fast.facts();
  REQUIRE(got.values.size() == want.values.size());
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    INFO("fact " << edition().facts[i].decl->name);
    REQUIRE(static_cast<bool>(got.present[i]) == static_cast<bool>(want.present[i]));
    if (!want.present[i]) continue;
    const Value &g = got.values[i], &w = want.values[i];
    CHECK(g.kind == w.kind);
    CHECK(g.small == w.small);
    CHECK(g.number == w.number);
    CHECK(g.number.scale() == w.number.scale());  // "1234.50" stays at two places
    CHECK(g.number.to_string() == w.number.to_string());
    CHECK(got.present[i] == want.present[i]);  // and the same 64-bit copy, when it fits
    if (want.present[i] & FactValues::kFits) CHECK((got.fixed[i].m == want.fixed[i].m && got.fixed[i].s == want.fixed[i].s));
  }
  // Bound for the compiled form alone (Binding::FixedOnly): the same line is
  // taken, with the same fixed-point lanes (what decide_compiled reads).
  json::FastApplication lanes_app;
  REQUIRE(fast.read(line, lanes_app, readable_after, json::Binding::FixedOnly));
  CHECK(lanes_app.id == app.id);
  CHECK(lanes_app.measure == app.measure);
  const FactValues& lanes = fast.facts();
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    INFO("fact (fixed-point lanes) " << edition().facts[i].decl->name);
    CHECK(lanes.present[i] == want.present[i]);
    if (want.present[i] & FactValues::kFits) CHECK((lanes.fixed[i].m == want.fixed[i].m && lanes.fixed[i].s == want.fixed[i].s));
  }
  return true;
}

std::string app(const std::string& id, const std::string& facts) {
  return "{\"id\": " + id + ", \"measure\": \"算力券\", \"facts\": {" + facts + "}}";
}

const std::string kTypical = "\"合同金额\": \"13869413.77\", \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\"";

}  // namespace

TEST_CASE("fast reader: the lines of a batch are read, and read as the precise reader reads them", "[json_fast]") {
  json::FactKeyIndex index(edition());
  json::FastLineReader fast(index);
  CHECK(agrees(fast, app("\"A1\"", kTypical)));
  CHECK(agrees(fast, "{\"id\":\"c\",\"measure\":\"算力券\",\"facts\":{\"合同金额\":\"1.5\",\"采购类型\":\"模型服务\",\"模型已备案\":true,"
                     "\"中小企业\":false,\"本年度已申领算力券\":6302402}}"));
  CHECK(agrees(fast, app("7", kTypical)));                                   // an integer id, kept as written
  CHECK(agrees(fast, app("12345678901234567890123", kTypical)));             // beyond 64 bits, still as written
  CHECK(agrees(fast, app("\"a\\\"b\\\\c\\n\\u4e2d\\ud83d\\ude00\"", kTypical)));  // escapes in the id
  CHECK(agrees(fast, "{\"facts\": {" + kTypical + "}, \"applicant\": \"甲\", \"measure\": \"算力券\"}"));  // any order, no id
  CHECK(agrees(fast, app("\"k\"", "\"\\u5408\\u540c\\u91d1\\u989d\": 100, \"采购类型\": \"\\u7b97力服务\", \"算力设施档位\": \"一档\"")));
  for (const char* money : {"1234.5", "\"1234.50\"", "0", "-0.0", "\"120万元\"", "\"2.5亿元\"", "\"800元\"", "\"\\u0031\\u0032\"",
                            "123456789012345678901234567890.12", "9223372036854775808", "\"00\"",
                            // 18 digits read straight into 64 bits, 19 and more by Decimal::parse; same Decimal (scale too)
                            "999999999999999999", "\"99999999999999999.9\"", "9999999999999999999", "\"0.000000000000000001\"",
                            "0.10", "\"0.100\"", "1.0 ", "\"0\"", "0.0"}) {
    const std::string line = app("\"m\"", std::string("\"合同金额\": ") + money + ", \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\"");
    auto precise = json::parse_application(line);
    const bool precise_ok = std::holds_alternative<json::Application>(precise) &&
                            std::holds_alternative<FactValues>(bind_facts(edition(), std::get<json::Application>(precise).facts));
    // Money the precise reader takes is taken here too ("-0.0" is zero, "00" is refused by both).
    CHECK(agrees(fast, line) == precise_ok);
  }
  // An optional fact written as null is not given; a null for a required one is refused.
  CHECK(agrees(fast, app("\"n\"", kTypical + ", \"核定年度上限\": null")));
  CHECK_FALSE(fast.read(app("\"n\"", "\"合同金额\": null, \"采购类型\": \"算力服务\""), *std::make_unique<json::FastApplication>()));
  // In place, with the next lines as padding: the same as copied.
  const std::string two = app("\"p1\"", kTypical) + "\n" + app("\"p2\"", kTypical) + "\n" + std::string(64, ' ');
  CHECK(agrees(fast, two.substr(0, two.find('\n')), two.size() - two.find('\n')));
  // A line read after a different one keeps nothing of it.
  CHECK(agrees(fast, app("\"q\"", kTypical + ", \"中小企业\": true, \"同一合同智能券金额\": 5, \"智能券档位\": \"二档\"")));
  CHECK(agrees(fast, app("\"r\"", kTypical)));
  CHECK_FALSE(fast.facts().present[static_cast<std::size_t>(edition().find_fact("中小企业"))]);
}

TEST_CASE("fast reader: anything unusual or wrong is left to the precise reader", "[json_fast]") {
  json::FactKeyIndex index(edition());
  json::FastLineReader fast(index);
  json::FastApplication a;
  const std::vector<std::string> declined = {
      "\xEF\xBB\xBF" + app("\"bom\"", kTypical),                                     // a BOM: skipped by nlohmann
      app("-0", kTypical),                                                           // nlohmann writes it "0"
      app("1.5", kTypical), app("1e2", kTypical),                                    // ids that are not integers
      app("\"x\"", "\"合同金额\": 1e400, \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\""),  // beyond double: an error there
      app("\"x\"", "\"合同金额\": 1.5E+3, \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\""),  // exponents: the precise path
      app("\"x\"", "\"合同金额\": 01, \"采购类型\": \"算力服务\""),                   // not JSON numbers
      app("\"x\"", "\"合同金额\": 1., \"采购类型\": \"算力服务\""),
      app("\"x\"", "\"合同金额\": -5, \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\""),   // negative money
      app("\"x\"", "\"合同金额\": 1, \"合同金额\": 2, \"采购类型\": \"算力服务\""),    // a repeated fact
      app("\"x\"", "\"合同金额\": 1, \"\\u5408同金额\": 2, \"采购类型\": \"算力服务\""),  // … also when escaped
      app("\"x\"", "\"核定年度上限\": null, \"核定年度上限\": 5, " + kTypical),        // … also after a null
      app("\"x\"", kTypical + ", \"无此事实\": 1"),                                     // an unknown fact
      app("\"x\"", kTypical + ", \"模型已备案\": \"true\""),                            // wrong kinds
      app("\"x\"", "\"合同金额\": [1], \"采购类型\": \"算力服务\""),
      app("\"x\"", "\"采购类型\": \"其他\", \"合同金额\": 1"),
      "{\"id\": \"x\", \"id\": \"y\", \"measure\": \"算力券\", \"facts\": {" + kTypical + "}}",  // a repeated key
      "{\"id\": \"x\", \"as_of\": \"2025-07-01\", \"measure\": \"算力券\", \"facts\": {" + kTypical + "}}",  // its own edition
      "{\"id\": \"x\", \"extra\": 1, \"measure\": \"算力券\", \"facts\": {" + kTypical + "}}",
      "{\"id\": \"x\", \"applicant\": 5, \"measure\": \"算力券\", \"facts\": {" + kTypical + "}}",
      "{\"id\": \"x\", \"measure\": \"算力券\"}", "{\"id\": \"x\", \"facts\": {}}", "{\"measure\": 1, \"facts\": {}}",
      "{\"measure\": \"算力券\", \"facts\": []}", "[1, 2]", "\"text\"", "", "   ",
      app("\"x\"", kTypical) + " x", app("\"x\"", kTypical) + "}", app("\"x\"", kTypical) + " {}",  // trailing content
      app("\"ctl\x01\"", kTypical), app("\"tab\t\"", kTypical), app(std::string("\"nul") + '\0' + "\"", kTypical),
      app("\"lone\\ud800\"", kTypical), app("\"bad \xFF utf-8\"", kTypical),
      "{\"id\": \"x\" \"measure\": \"算力券\", \"facts\": {}}", "{\"id\": \"x\", \"measure\": \"算力券\", \"facts\": {\"合同金额\": 1,}}",
      "{\"id\": \"x\", \"measure\": \"算力券\", \"facts\": {\"合同金额\": 100",
      app("\"x\"", "\"合同金额\": 1, \"模型已备案\": tru, \"采购类型\": \"模型服务\""),
  };
  for (const std::string& line : declined) {
    INFO("line: " << line);
    CHECK_FALSE(fast.read(line, a));
    CHECK_FALSE(fast.read(line, a, 0, json::Binding::FixedOnly));
  }
  CHECK(fast.read(app("\"ok\"", kTypical), a));  // and still reads the next good line
}

TEST_CASE("fast reader: the scanner takes the usual lines, simdjson the unusual ones it can", "[json_fast]") {
  json::FactKeyIndex index(edition());
  json::FastLineReader fast(index);
  CHECK(agrees(fast, app("\"A1\"", kTypical)));
  CHECK(fast.scanned());
  CHECK(agrees(fast, "{\"id\":\"c\",\"measure\":\"算力券\",\"facts\":{\"合同金额\":\"1.5\",\"采购类型\":\"模型服务\",\"模型已备案\":true,"
                     "\"中小企业\":false,\"本年度已申领算力券\":6302402,\"核定年度上限\":null}}"));
  CHECK(fast.scanned());
  CHECK(agrees(fast, "\t{ \"applicant\" : \"甲公司\" , \"measure\":\"算力券\",\"facts\":{ } }  "));
  CHECK(fast.scanned());
  // Money at the edges of 64 bits: 18 digits straight in, more by Decimal::parse, the same values.
  for (const char* money : {"999999999999999999", "\"99999999999999999.9\"", "9999999999999999999", "\"0.000000000000000001\"",
                            "1234567890123456789012345678", "\"1234567890123456789012345678.12\"", "0", "0.0", "\"0.10\""}) {
    CHECK(agrees(fast, app("\"m\"", std::string("\"合同金额\": ") + money + ", \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\"")));
    CHECK(fast.scanned());
  }
  // Money with units, integers, rates, numbers: typed by convert_fact, as simdjson's lane does.
  for (const std::string& line : std::vector<std::string>{
           app("\"u\"", "\"合同金额\": \"120万元\", \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\""),
        "{\"id\":\"i\",\"measure\":\"通用大模型训练补助\",\"facts\":{\"核定金额\":\"1.5\",\"模型参数量\":1200,\"训练成本\":100}}",
        "{\"id\":\"p\",\"measure\":\"通用大模型训练补助\",\"facts\":{\"核定金额\":\"1.5\",\"模型参数量\":0}}",
        "{\"id\":\"r\",\"facts\":{\"贴息点数\":\"1.2个百分点\"},\"measure\":\"通用大模型训练补助\"}",
        "{\"id\":\"s\",\"facts\":{\"贴息点数\":0.012,\"评审得分\":-3.25},\"measure\":\"通用大模型训练补助\"}"}) {
    INFO(line);
    CHECK(agrees(fast, line));
    CHECK(fast.scanned());
  }
  json::FastApplication refused;
  for (const char* bad : {"1200.5", "-0", "1e3", "\"十二\"", "\"\xFF\"", "01"}) {
    INFO(bad);
    CHECK_FALSE(fast.read(std::string("{\"id\":\"i\",\"measure\":\"算力券\",\"facts\":{\"模型参数量\":") + bad + "}}", refused));
  }
  // Escapes, integer ids, other whitespace: not the scanner's, still read.
  for (const std::string& line : {app("7", kTypical), app("\"a\\\"b\"", kTypical), app("\"\\u4e2d\"", kTypical),
                                  app("\"k\"", "\"\\u5408\\u540c\\u91d1\\u989d\": 100, \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\""),
                                  "{\"id\":\"r\",\r\"measure\":\"算力券\",\"facts\":{" + kTypical + "}}"}) {
    CHECK(agrees(fast, line));
    CHECK_FALSE(fast.scanned());
  }
  // Non-ASCII ids: valid UTF-8 is taken, anything else is not.
  CHECK(agrees(fast, app("\"申请-一\"", kTypical)));
  CHECK(fast.scanned());
  json::FastApplication a;
  for (const char* bad : {"\"\xE4\xB8\"", "\"\xC0\xAF\"", "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xFF\""})
    CHECK_FALSE(fast.read(app(bad, kTypical), a));
}

// Lines of a batch with bytes changed, removed or repeated at random: whatever
// the fast reader (scanner or simdjson) takes, the precise reader takes with the
// same values (agrees() checks it), in either binding.
TEST_CASE("fast reader: mutated lines are never taken wrongly", "[json_fast]") {
  json::FactKeyIndex index(edition());
  json::FastLineReader fast(index);
  const std::vector<std::string> seeds = {
      app("\"A1\"", kTypical),
      "{\"id\":\"c\",\"applicant\":\"甲\",\"measure\":\"算力券\",\"facts\":{\"合同金额\":1.5,\"采购类型\":\"模型服务\",\"模型已备案\":true,"
      "\"中小企业\":false,\"本年度已申领算力券\":6302402,\"核定年度上限\":null,\"同一合同智能券金额\":\"10.25\",\"智能券档位\":\"二档\"}}",
      "{\"id\":\"m\",\"measure\":\"通用大模型训练补助\",\"facts\":{\"核定金额\":\"120万元\",\"模型参数量\":1200,\"贴息点数\":\"1.2个百分点\","
      "\"评审得分\":-3.25,\"训练成本\":0.5,\"已获补助年数\":2}}",
      "{\"id\":\"f\",\"measure\":\"算力券免审配套\",\"facts\":{\"合同金额\":\"5\",\"本年度已申领算力券\":\"1\"}}",
      "{ \"measure\" : \"算力券\" , \"facts\" : { \"采购类型\" : \"模型服务\" , \"合同金额\" : 12 } , \"id\" : \"s\" }",
  };
  const std::string alphabet = std::string("\"\\ \t,:{}[]0123456789.-+eEtrufalsn\x01\x1f\x7f") + '\0' + "\xE4\xB8\x80\xFF\xC0";
  std::mt19937 rng(25);
  int taken = 0, tried = 0;
  for (int round = 0; round < 10000; ++round) {
    std::string line = seeds[rng() % seeds.size()];
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0 && !line.empty(); --edits) {
      const std::size_t at = rng() % line.size();
      switch (rng() % 3) {
        case 0: line[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: line.erase(at, 1 + rng() % 3); break;
        default: line.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    ++tried;
    if (agrees(fast, line)) ++taken;
  }
  // Some mutations leave a good line (a digit for a digit, a space added): those are taken.
  CHECK(taken > 100);
  CHECK(taken < tried);
}

// The scanner matches in place what the last lines make likely — the measure
// the last line named, the fact that followed the one before in the last line
// of that measure, an enumeration's values, plain money, the usual spacing —
// and falls back to reading the text whenever that is not what is there:
// every line, in any order after any other, still reads as the precise reader
// reads it.
TEST_CASE("fast reader: what is matched in place, after whatever came before", "[json_fast]") {
  json::FactKeyIndex index(edition());
  json::FastLineReader fast(index);
  const std::string free_audit = "{\"id\":\"f\",\"measure\":\"算力券免审配套\",\"facts\":{\"合同金额\":\"5\",\"本年度已申领算力券\":\"1\"}}";
  const std::vector<std::string> lines = {
      app("\"A1\"", kTypical),
      free_audit,  // a measure whose name begins with the last one's
      app("\"A2\"", kTypical),
      "{\"id\":\"g\",\"measure\":\"算力\",\"facts\":{}}",  // … or is the start of it: unknown
      app("\"A3\"", "\"采购类型\": \"算力服务\", \"合同金额\": \"13869413.77\", \"算力设施档位\": \"一档\""),  // another order
      app("\"A4\"", kTypical),
      app("\"A5\"", "\"合同金额\": \"13869413.77\", \"算力设施档位\": \"一档\", \"采购类型\": \"算力服务\""),
      app("\"A6\"", "\"合同金额\": \"1\", \"采购类型\": \"算力服务x\", \"算力设施档位\": \"一档\""),  // an enumeration's value, and more
      app("\"A7\"", "\"合同金额\": \"1\", \"采购类型\": \"算力\", \"算力设施档位\": \"一档\""),      // … less
      app("\"A8\"", "\"合同金额\": \"1\", \"采购类型\": \"算力服务\\u0020\", \"算力设施档位\": \"一档\""),
      app("\"A10\"", "\"合同金额\": \"1\", \"采购类型\": \"算力服务\", \"算力设施档位\": \"一\""),  // a short value's start
      app("\"A11\"", "\"合同金额\": \"1\", \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档 \""),  // … and more
      app("\"A12\"", "\"合同金额\": \"1\", \"采购类型\": \"算力服务\", \"算力设施档位\": \"二档\""),
      app("\"A9\"", "\"合同金额x\": \"1\", \"采购类型\": \"算力服务\""),  // the name guessed, and more
      app("\"B1\"", "\"合同\": \"1\", \"采购类型\": \"算力服务\""),
      app("\"B2\"", "\"合同金额\":\"1\",\"采购类型\":\"算力服务\",\"算力设施档位\":\"一档\""),  // no spaces
      app("\"B3\"", "\"合同金额\" :  \"1\" ,\t\"采购类型\":\t\"算力服务\" ,  \"算力设施档位\" : \"一档\""),  // more of them
      app("\"B4\"", "\"合同金额\": \"1\",  \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\" "),
  };
  for (const std::string& line : lines) {
    INFO(line);
    auto precise = json::parse_application(line);
    const bool precise_ok = std::holds_alternative<json::Application>(precise) &&
                            std::holds_alternative<FactValues>(bind_facts(edition(), std::get<json::Application>(precise).facts)) &&
                            edition().find_measure(std::get<json::Application>(precise).measure);
    json::FastApplication a;
    const bool taken = fast.read(line, a) && a.measure_info;
    CHECK(taken == precise_ok);
    if (taken) CHECK(agrees(fast, line));
  }
  // Money read in place: plain money (18 digits at most) with the same value
  // and scale, taken by the scanner; anything else is left to the general path
  // (which may take it, or leave it to the precise reader: -0, exponents).
  const auto money_line = [](const char* money) {
    return app("\"m\"", std::string("\"同一合同智能券金额\": ") + money + ", \"合同金额\": " + money +
                            ", \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\"");
  };
  for (const char* money : {"1", "0", "0.5", "10.25", "123456789012345678", "12345678901234567.8", "\"0.100\"",
                            "0.000000000000000001", "\"99999999999999999.99\"", "5 ", "5\t", "\"7\""}) {
    CHECK(agrees(fast, money_line(money)));
    CHECK(fast.scanned());
  }
  for (const char* money : {"1234567890123456789", "\"1234567890123456789\"", "1.", ".5", "1.2.3", "00", "01", "00.5", "-0", "-5",
                            "1e5", "1E5", "1.5e2", "1+2", "\"1.\"", "\"12 \"", "\" 12\"", "\"12万元\"", "\"1,000\"", "\"1\\u0030\""}) {
    const std::string line = money_line(money);
    INFO(line);
    auto precise = json::parse_application(line);
    const bool precise_ok = std::holds_alternative<json::Application>(precise) &&
                            std::holds_alternative<FactValues>(bind_facts(edition(), std::get<json::Application>(precise).facts));
    if (agrees(fast, line)) CHECK(precise_ok);  // agrees() checks the values
  }
}
