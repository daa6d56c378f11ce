// The batch's result writer (interpreter/result_writer.hpp) against the one
// renderer (append_result_json): the same bytes for every measure of the
// shipped editions, eligible or not, with each reason and each cap (used up
// or not), amounts of every size and scale, and ids that need escaping or not.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "interpreter/policy.hpp"
#include "interpreter/render.hpp"
#include "interpreter/result_writer.hpp"

using namespace kuan;

namespace {

const Policy& policy() {
  static const auto loaded = [] {
    std::vector<Diagnostic> diags;
    return Policy::load(std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai", diags);
  }();
  REQUIRE(loaded);
  return *loaded;
}

// Both entry points of the writer give append_result_json's bytes (and '\n').
void same_bytes(const ResultWriter& writer, const Edition& ed, const Outcome& o, const std::string_view* id, bool id_plain) {
  std::string expected;
  append_result_json(expected, describe_result(ed, o, nullptr), id);
  INFO(expected);
  std::string row = "前";  // appended after what is there
  writer.append(row, ed, o, id);
  CHECK(row == "前" + expected);
  OutBytes line;
  line.append("前");
  writer.append_line(line, ed, o, id, id_plain);
  CHECK(line.view() == "前" + expected + "\n");
}

}  // namespace

TEST_CASE("result writer: the same bytes as append_result_json for every measure, reason and cap") {
  std::string error;
  const Edition* ed = policy().edition("2025年版", error);
  REQUIRE(ed);
  const ResultWriter writer(*ed);
  const char* amounts[] = {"0", "0.00", "5", "0.05", "0.5", "12.34", "100", "99.99", "123456789.01", "-0.01", "-300.00",
                           "0.0000001", "1.234567890123456789", "9223372036854775807", "-9223372036854775808",
                           "92233720368547758.07", "-92233720368547758.08", "12345678901234567890123456.78",
                           "0.000000000000000000000000000001", "1.0000000000000000000000000000000000001"};
  const std::string long_id(300, 'x');  // outlives the views below (a temporary would not)
  const std::string_view ids[] = {"A0000001", "", "编号-7", "a\"b", "a\\b", std::string_view("a\0b", 3), "\x01\x1f\n\r\t",
                                  long_id};
  std::size_t rows = 0;
  for (const MeasureInfo& m : ed->measures) {
    std::vector<const ast::LimitDecl*> bounds{nullptr};
    bounds.insert(bounds.end(), m.caps.begin(), m.caps.end());
    for (const bool eligible : {true, false})
      for (const ast::LimitDecl* bound : bounds)
        for (const char* amount : amounts) {
          Outcome o;
          o.measure = &m;
          o.eligible = eligible;
          o.amount = *Decimal::parse(amount);
          o.bound = bound;
          if (!eligible)  // one reason, then all of them
            o.failed.assign(m.requirements.begin(), m.requirements.begin() + (m.requirements.empty() ? 0 : 1));
          same_bytes(writer, *ed, o, nullptr, false);
          for (const std::string_view id : ids) {
            const bool plain = id.find_first_of(std::string_view("\"\\\0\x01\x1f\n\r\t", 9)) == std::string_view::npos;
            same_bytes(writer, *ed, o, &id, plain);
          }
          o.failed = m.requirements;
          same_bytes(writer, *ed, o, &ids[0], true);
          rows += 2 + std::size(ids);
        }
  }
  CHECK(rows > 10000);
}

TEST_CASE("result writer: another edition's result and unknown pieces go through append_result_json") {
  std::string error;
  const Edition* ed = policy().edition("2025年版", error);
  REQUIRE(ed);
  const ResultWriter writer(*ed);
  for (const auto& other : policy().editions()) {
    if (other.get() == ed || other->measures.empty()) continue;
    Outcome o;
    o.measure = &other->measures[0];
    o.eligible = true;
    o.amount = *Decimal::parse("10.00");
    const std::string_view id = "X";
    same_bytes(writer, *other, o, &id, true);
  }
  // A cap or reason of another measure (not kept for this one): still the renderer's bytes.
  const MeasureInfo* with_cap = nullptr;
  for (const MeasureInfo& m : ed->measures)
    if (!m.caps.empty() && !m.requirements.empty()) with_cap = &m;
  REQUIRE(with_cap);
  for (const MeasureInfo& m : ed->measures) {
    if (&m == with_cap) continue;
    Outcome o;
    o.measure = &m;
    o.eligible = false;
    o.amount = *Decimal::parse("0.00");
    o.bound = with_cap->caps[0];
    o.failed = {with_cap->requirements[0]};
    same_bytes(writer, *ed, o, nullptr, false);
  }
}
