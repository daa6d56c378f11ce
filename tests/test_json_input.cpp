#include <catch2/catch.hpp>

#include <string>

#include "interpreter/json_input.hpp"

using namespace kuan::json;
using K = Scalar::Kind;

namespace {

FactsObject facts_ok(std::string_view doc) {
  auto r = parse_facts(doc);
  if (auto* e = std::get_if<InputError>(&r)) FAIL("unexpected error: " << e->message);
  return std::get<FactsObject>(std::move(r));
}

InputError facts_err(std::string_view doc) {
  auto r = parse_facts(doc);
  REQUIRE(std::holds_alternative<InputError>(r));
  return std::get<InputError>(std::move(r));
}

Application app_ok(std::string_view line) {
  auto r = parse_application(line);
  if (auto* e = std::get_if<InputError>(&r)) FAIL("unexpected error: " << e->message);
  return std::get<Application>(std::move(r));
}

InputError app_err(std::string_view line) {
  auto r = parse_application(line);
  REQUIRE(std::holds_alternative<InputError>(r));
  return std::get<InputError>(std::move(r));
}

bool has(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

}  // namespace

TEST_CASE("numbers keep their raw text", "[json]") {
  auto f = facts_ok(R"({"a": 1234.50, "b": 1e3, "c": 12345678901234567890123, "d": -0.5,
                        "e": -5, "f": 1E+2, "g": 18446744073709551615, "h": -9223372036854775808,
                        "i": 0.1000000000000000055511151231257827})");
  REQUIRE(f.fields.size() == 9);
  const char* expected[] = {"1234.50", "1e3", "12345678901234567890123", "-0.5", "-5", "1E+2",
                            "18446744073709551615", "-9223372036854775808", "0.1000000000000000055511151231257827"};
  for (std::size_t i = 0; i < 9; ++i) {
    CHECK(f.fields[i].value.kind == K::Number);
    CHECK(f.fields[i].value.text == expected[i]);
  }
}

TEST_CASE("fields stay in document order with names", "[json]") {
  auto f = facts_ok(R"({"z": 1, "a": 2, "m": 3})");
  REQUIRE(f.fields.size() == 3);
  CHECK(f.fields[0].name == "z");
  CHECK(f.fields[1].name == "a");
  CHECK(f.fields[2].name == "m");
  CHECK(f.fields[2].value.text == "3");
}

TEST_CASE("strings are unescaped UTF-8", "[json]") {
  auto f = facts_ok(R"({"城市": "杭州", "e": "a\"b\\c\n\t\u4e2d\ud83d\ude00/\/"})");
  REQUIRE(f.fields.size() == 2);
  CHECK(f.fields[0].name == "城市");
  CHECK(f.fields[0].value.kind == K::String);
  CHECK(f.fields[0].value.text == "杭州");
  CHECK(f.fields[1].value.text == "a\"b\\c\n\t中\xF0\x9F\x98\x80//");
}

TEST_CASE("booleans and null", "[json]") {
  auto f = facts_ok(R"({"t": true, "f": false, "n": null})");
  REQUIRE(f.fields.size() == 3);
  CHECK(f.fields[0].value.kind == K::Bool);
  CHECK(f.fields[0].value.boolean);
  CHECK(f.fields[1].value.kind == K::Bool);
  CHECK_FALSE(f.fields[1].value.boolean);
  CHECK(f.fields[2].value.kind == K::Null);
  CHECK(f.fields[2].value.text.empty());
}

TEST_CASE("nested values are reported by kind, contents skipped", "[json]") {
  auto f = facts_ok(R"({"arr": [1, {"inner": 2}, [3]], "obj": {"k": {"deep": [true]}}, "after": "x"})");
  REQUIRE(f.fields.size() == 3);
  CHECK(f.fields[0].name == "arr");
  CHECK(f.fields[0].value.kind == K::Array);
  CHECK(f.fields[1].name == "obj");
  CHECK(f.fields[1].value.kind == K::Object);
  CHECK(f.fields[1].value.text.empty());
  CHECK(f.fields[2].name == "after");
  CHECK(f.fields[2].value.text == "x");
}

TEST_CASE("empty object and byte order mark are accepted", "[json]") {
  CHECK(facts_ok("{}").fields.empty());
  CHECK(facts_ok(" \r\n{ }\r\n").fields.size() == 0);
  auto f = facts_ok("\xEF\xBB\xBF{\"a\": 1}");
  REQUIRE(f.fields.size() == 1);
  CHECK(f.fields[0].value.text == "1");
}

TEST_CASE("duplicate fact names are rejected at the second key", "[json]") {
  auto e = facts_err("{\"a\": 1,\n  \"收入\": 2,\n  \"收入\": 3}");
  CHECK(e.message == "重复的事实 \"收入\"");
  CHECK(e.line == 3);
  CHECK(e.column == 3);
  // Same name inside a nested value is not a duplicate fact.
  CHECK(facts_ok(R"({"a": {"a": 1, "a": 2}, "b": 1})").fields.size() == 2);
}

TEST_CASE("duplicate detection also works past the linear-scan limit", "[json]") {
  std::string doc = "{";
  for (int i = 0; i < 200; ++i) doc += "\"f" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  std::string ok = doc + "\"last\": 0}";
  CHECK(facts_ok(ok).fields.size() == 201);
  auto e = facts_err(doc + "\"f17\": 0}");
  CHECK(e.message == "重复的事实 \"f17\"");
}

TEST_CASE("syntax errors report line and character column", "[json]") {
  // "x" is at byte column 19 but character column 13 of line 2.
  auto e = facts_err("{\"a\": 1,\n \"名称\": \"值\", x}");
  CHECK(e.line == 2);
  CHECK(e.column == 13);
  CHECK(has(e.message, "JSON 语法错误"));
  CHECK(has(e.message, "无效的字面量"));

  auto missing_colon = facts_err("{\"数\" 1}");
  CHECK(missing_colon.line == 1);
  CHECK(missing_colon.column == 6);

  auto unterminated = facts_err("{\"a\": 1,\n\"b\": 2");
  CHECK(unterminated.line == 2);
  CHECK(unterminated.column == 7);
  CHECK(has(unterminated.message, "输入意外结束"));
}

TEST_CASE("trailing garbage after the object is an error", "[json]") {
  auto e = facts_err("{\"a\": 1} x");
  CHECK(has(e.message, "多余的内容"));
  CHECK(e.line == 1);
  CHECK(e.column == 10);
  auto two = facts_err("{\"a\": 1}\n{\"b\": 2}");
  CHECK(has(two.message, "多余的内容"));
  CHECK(two.line == 2);
  CHECK(two.column == 1);
  CHECK(facts_ok("{\"a\": 1}  \n\n").fields.size() == 1);
}

TEST_CASE("empty input is an error", "[json]") {
  CHECK(facts_err("").message == "事实文件为空");
  CHECK(facts_err(" \n\t ").line == 2);
  CHECK_FALSE(app_err("").message.empty());
}

TEST_CASE("top level must be an object", "[json]") {
  for (const char* doc : {"[1, 2]", "5", "\"s\"", "null", "  true"}) {
    auto e = facts_err(doc);
    CHECK(has(e.message, "顶层必须是一个 JSON 对象"));
    CHECK(e.line == 1);
  }
  CHECK(facts_err("  [1]").column == 3);
}

TEST_CASE("invalid UTF-8 is an error with a valid UTF-8 message", "[json]") {
  auto in_string = facts_err("{\"名\": \"ab\xFF\"}");
  CHECK(has(in_string.message, "UTF-8"));
  CHECK(in_string.column == 10);
  CHECK(valid_utf8(in_string.message));

  auto in_key = facts_err("{\"\xC3\x28\": 1}");
  CHECK(valid_utf8(in_key.message));

  auto truncated = facts_err("{\"a\": \"\xE4\xB8\"}");
  CHECK(has(truncated.message, "UTF-8"));

  auto outside = facts_err("{\"a\": \xFE}");
  CHECK(valid_utf8(outside.message));
  CHECK(outside.column == 7);

  CHECK_FALSE(app_err("{\"measure\": \"\xED\xA0\x80\", \"facts\": {}}").message.empty());
}

TEST_CASE("deep nesting does not crash", "[json]") {
  constexpr std::size_t depth = 100000;
  std::string closed = "{\"deep\": " + std::string(depth, '[') + std::string(depth, ']') + ", \"b\": 1}";
  auto f = facts_ok(closed);
  REQUIRE(f.fields.size() == 2);
  CHECK(f.fields[0].value.kind == K::Array);
  CHECK(f.fields[1].value.text == "1");

  std::string objects = "{\"deep\": ";
  for (std::size_t i = 0; i < depth; ++i) objects += "{\"k\":";
  objects += "1" + std::string(depth, '}') + "}";
  CHECK(facts_ok(objects).fields[0].value.kind == K::Object);

  auto e = facts_err("{\"deep\": " + std::string(depth, '['));
  CHECK(has(e.message, "输入意外结束"));

  CHECK(has(facts_err(std::string(depth, '[')).message, "顶层"));
  CHECK(app_err("{\"measure\": \"m\", \"facts\": {\"x\": " + std::string(depth, '[') + std::string(depth, ']') +
                "}, \"zz\": 1}")
            .message.find("zz") != std::string::npos);
}

TEST_CASE("numbers beyond double range are rejected by nlohmann, not mangled", "[json]") {
  auto e = facts_err("{\"a\": 1,\n \"b\": 1e400}");
  CHECK(has(e.message, "数字超出范围"));
  CHECK(e.line == 2);
  CHECK(e.column == 7);
}

TEST_CASE("application line: all fields", "[json]") {
  auto a = app_ok(R"({"id": "A-001", "applicant": "张三", "measure": "育儿补贴",
                      "facts": {"children": 2, "income": 85000.50, "city": "杭州", "list": [1]}})");
  CHECK(a.has_id);
  CHECK(a.id == "A-001");
  CHECK(a.has_applicant);
  CHECK(a.applicant == "张三");
  CHECK(a.has_measure);
  CHECK(a.measure == "育儿补贴");
  REQUIRE(a.facts.size() == 4);
  CHECK(a.facts[0].name == "children");
  CHECK(a.facts[0].value.text == "2");
  CHECK(a.facts[1].value.text == "85000.50");
  CHECK(a.facts[2].value.text == "杭州");
  CHECK(a.facts[3].value.kind == K::Array);
}

TEST_CASE("application line: optional id and applicant, any key order", "[json]") {
  auto a = app_ok(R"({"facts": {}, "measure": "m"})");
  CHECK_FALSE(a.has_id);
  CHECK_FALSE(a.has_applicant);
  CHECK(a.measure == "m");
  CHECK(a.facts.empty());
}

TEST_CASE("application line: integer id kept as text", "[json]") {
  CHECK(app_ok(R"({"id": 42, "measure": "m", "facts": {}})").id == "42");
  CHECK(app_ok(R"({"id": -7, "measure": "m", "facts": {}})").id == "-7");
  auto big = app_ok(R"({"id": 123456789012345678901234567890, "measure": "m", "facts": {}})");
  CHECK(big.has_id);
  CHECK(big.id == "123456789012345678901234567890");
}

TEST_CASE("application line: missing measure or facts", "[json]") {
  auto no_measure = app_err(R"({"id": "1", "facts": {"a": 1}})");
  CHECK(no_measure.message == "缺少 \"measure\"");
  CHECK(no_measure.column == 30);  // the closing brace
  CHECK(app_err(R"({"id": "1", "measure": "m"})").message == "缺少 \"facts\"");
}

TEST_CASE("application line: facts must be an object", "[json]") {
  for (const char* line : {R"({"measure": "m", "facts": [1]})", R"({"measure": "m", "facts": "x"})",
                           R"({"measure": "m", "facts": null})", R"({"measure": "m", "facts": 3})"}) {
    auto e = app_err(line);
    CHECK(e.message == "\"facts\" 必须是一个 JSON 对象");
    CHECK(e.column == 27);
  }
}

TEST_CASE("application line: unknown top-level key", "[json]") {
  auto e = app_err(R"({"measure": "m", "factz": {}, "facts": {}})");
  CHECK(has(e.message, "未知的键 \"factz\""));
  CHECK(e.column == 18);
}

TEST_CASE("application line: wrong types for id, measure, applicant", "[json]") {
  for (const char* id : {"1.5", "1e3", "true", "null", "[]", "{}"}) {
    auto e = app_err(std::string(R"({"measure": "m", "facts": {}, "id": )") + id + "}");
    CHECK(e.message == "\"id\" 必须是字符串或整数");
    CHECK(e.column == 37);
  }
  CHECK(app_err(R"({"measure": 3, "facts": {}})").message == "\"measure\" 必须是字符串");
  CHECK(app_err(R"({"measure": {"a": 1}, "facts": {}})").message == "\"measure\" 必须是字符串");
  CHECK(app_err(R"({"applicant": 5, "measure": "m", "facts": {}})").message == "\"applicant\" 必须是字符串");
}

TEST_CASE("application line: duplicates and garbage", "[json]") {
  CHECK(app_err(R"({"measure": "m", "measure": "n", "facts": {}})").message == "重复的键 \"measure\"");
  CHECK(app_err(R"({"measure": "m", "facts": {"a": 1, "a": 2}})").message == "重复的事实 \"a\"");
  CHECK(has(app_err(R"({"measure": "m", "facts": {}} {})").message, "多余的内容"));
  CHECK(has(app_err(R"([{"measure": "m", "facts": {}}])").message, "JSON 对象"));
  CHECK(has(app_err(R"({"measure": "m", "facts": {})").message, "输入意外结束"));
}

TEST_CASE("batch lines: as_of, and other members passed through as their exact text", "[json]") {
  {
    auto r = parse_application(R"({"id":"a","as_of":"2025-07-01","measure":"m","facts":{}})");
    REQUIRE(std::holds_alternative<Application>(r));
    CHECK(std::get<Application>(r).has_as_of);
    CHECK(std::get<Application>(r).as_of == "2025-07-01");
  }
  CHECK(std::holds_alternative<InputError>(parse_application(R"({"as_of":20250701,"measure":"m","facts":{}})")));
  // Refused unless asked for.
  CHECK(std::holds_alternative<InputError>(parse_application(R"({"measure":"m","facts":{},"extra":1})")));
  const ApplicationOptions keep{true};
  auto r = parse_application(
      R"({"x": 1.50 , "measure":"m","y":{"a":[1,{"b":"}"}]},"facts":{"f":2},"z":"s\"q","w":[ ],"n":null,"t":true,"e":6.1E+2})",
      keep);
  REQUIRE(std::holds_alternative<Application>(r));
  const auto& app = std::get<Application>(r);
  REQUIRE(app.extras.size() == 7);
  CHECK(app.extras[0] == std::pair<std::string, std::string>{"x", "1.50"});
  CHECK(app.extras[1] == std::pair<std::string, std::string>{"y", R"({"a":[1,{"b":"}"}]})"});
  CHECK(app.extras[2] == std::pair<std::string, std::string>{"z", R"("s\"q")"});
  CHECK(app.extras[3] == std::pair<std::string, std::string>{"w", "[ ]"});
  CHECK(app.extras[4] == std::pair<std::string, std::string>{"n", "null"});
  CHECK(app.extras[5] == std::pair<std::string, std::string>{"t", "true"});
  CHECK(app.extras[6] == std::pair<std::string, std::string>{"e", "6.1E+2"});
  CHECK(app.measure == "m");
  REQUIRE(app.facts.size() == 1);  // keys inside passed-through values are not facts
  CHECK(std::holds_alternative<InputError>(parse_application(R"({"measure":"m","facts":{},"x":1,"x":2})", keep)));
}
