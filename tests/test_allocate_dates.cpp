// Batch allocation and the applications' date (as_of): which measures are in
// force (施行 on a measure or clause) for each line — its own as_of, else the
// run's (Allocator::set_as_of, `kuan allocate --as-of`), else today in China.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "services/allocate.hpp"
#include "interpreter/policy.hpp"

using namespace kuan;
using nlohmann::json;

namespace {

// 甲 is in force in the first half of 2025 only; 乙 all year. They share one
// yearly room per applicant (100元): an application outside 甲's days is not
// eligible and uses none of it.
const std::string kDated =
    "政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
    "事实 申请金额: 金额\n事实 已领: 金额 = 0元\n参数 年度上限 = 100元\n累计 已领 = 甲, 乙\n"
    "措施 甲 {\n  施行 2025-01-01 至 2025-06-30\n  金额 = 申请金额\n  上限 年度余额 = 年度上限 已用 已领\n}\n"
    "措施 乙 {\n  金额 = 申请金额\n  上限 乙年度余额 = 年度上限 已用 已领\n}\n"
    // 丙's room is over three years, a stated 期间.
    "事实 三年已领: 金额 = 0元\n"
    "限额 三年余额 {\n  计 金额 每 申请人 期间 2025-01-01 至 2027-12-31\n  不超过 100元\n  已用 三年已领\n  覆盖 丙\n}\n"
    "措施 丙 {\n  金额 = 申请金额\n}\n";

const Edition& dated_edition() {
  static const auto policy = [] {
    std::vector<Diagnostic> diags;
    auto p = Policy::from_text("dated.kuan", kDated, diags);
    for (const auto& d : diags) UNSCOPED_INFO(d.rendered);
    return p;
  }();
  REQUIRE(policy);
  return *policy->latest();
}

struct Dated {
  std::optional<AllocationError> error;
  std::vector<json> decisions;  // JSONL, or CSV rows as {id, eligible, amount, reasons}
};

Dated run(const std::string& input, const std::string& as_of = "", AllocationFormat in = AllocationFormat::Jsonl,
          AllocationFormat out = AllocationFormat::Jsonl) {
  std::istringstream is(input);
  std::ostringstream os;
  Dated r;
  auto result = allocate(dated_edition(), is, os, {in, out, {}, as_of});
  if (auto* e = std::get_if<AllocationError>(&result)) {
    r.error = *e;
    return r;
  }
  std::istringstream lines(os.str());
  std::string line;
  if (out == AllocationFormat::Csv) std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    if (out == AllocationFormat::Jsonl) {
      r.decisions.push_back(json::parse(line));
      continue;
    }
    std::vector<std::string> cells;  // these rows quote nothing
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    r.decisions.push_back({{"id", cells[0]}, {"eligible", cells[3] == "true"}, {"amount", cells[4]}, {"reasons", cells[6]}});
  }
  return r;
}

std::string line(const std::string& id, const std::string& measure, const std::string& amount, const std::string& as_of = "") {
  json j{{"id", id}, {"applicant", "E"}, {"measure", measure}, {"facts", {{"申请金额", amount}}}};
  if (!as_of.empty()) j["as_of"] = as_of;
  return j.dump() + "\n";
}

const std::string kOutside = "措施 甲 的施行期为 2025-01-01 至 2025-06-30,申请日期不在其中";

}  // namespace

TEST_CASE("allocate dates each line: its own as_of, else the run's, on both sides of a measure's 施行", "[allocate][as_of]") {
  // The last day in force, the first day after it, by the line's own as_of.
  const std::string year = line("a", "甲", "60", "2025-06-30") + line("b", "甲", "60", "2025-07-01") +
                           line("c", "乙", "60") + line("d", "甲", "60");
  SECTION("the run dated inside 甲's days: d is in force, and shares the room") {
    const auto r = run(year, "2025-03-01");
    REQUIRE_FALSE(r.error);
    REQUIRE(r.decisions.size() == 4);
    CHECK(r.decisions[0]["eligible"] == true);
    CHECK(r.decisions[0]["amount"] == "60.00");
    CHECK(r.decisions[1]["eligible"] == false);  // 2025-07-01: outside, uses no room
    CHECK(r.decisions[1]["amount"] == "0.00");
    CHECK(r.decisions[1]["reasons"] == json::array({kOutside}));
    CHECK(r.decisions[2]["amount"] == "40.00");  // 100 − 60 (a), b used none
    CHECK(r.decisions[3]["eligible"] == true);   // dated by the run
    CHECK(r.decisions[3]["amount"] == "0.00");   // the room is spent
  }
  SECTION("the run dated after 甲's days: d is refused, a line's own date still wins") {
    const auto r = run(year, "2025-07-01");
    REQUIRE_FALSE(r.error);
    CHECK(r.decisions[0]["eligible"] == true);  // its own as_of, inside
    CHECK(r.decisions[1]["eligible"] == false);
    CHECK(r.decisions[3]["eligible"] == false);
    CHECK(r.decisions[3]["reasons"] == json::array({kOutside}));
  }
  SECTION("the run dated before the edition's first day: the date is only the applications'") {
    const auto r = run(line("e", "甲", "10"), "2024-12-31");
    REQUIRE_FALSE(r.error);
    CHECK(r.decisions[0]["eligible"] == false);
  }
}

TEST_CASE("allocate: a line dated outside its measure's days needs none of its facts", "[allocate][as_of]") {
  // 申请金额 is required; out of force it is not read, so its absence is no error.
  const std::string no_amount = R"({"id": "x", "applicant": "E", "measure": "甲", "facts": {}, "as_of": "2025-08-01"})" "\n";
  const auto r = run(no_amount);
  REQUIRE_FALSE(r.error);
  CHECK(r.decisions[0]["eligible"] == false);
  // Inside its days the same line is refused, naming the fact.
  const auto inside = run(R"({"id": "x", "applicant": "E", "measure": "甲", "facts": {}, "as_of": "2025-02-01"})" "\n");
  REQUIRE(inside.error);
  CHECK(inside.error->field == "facts.申请金额");
}

TEST_CASE("allocate: CSV dates lines by an as_of (or 日期) column, empty cells by the run", "[allocate][as_of]") {
  for (const std::string column : {"as_of", "日期"}) {
    const std::string csv = "id,applicant,measure,申请金额," + column + "\na,E,甲,60,2025-06-30\nb,E,甲,60,2025-07-01\nc,E,甲,30,\n";
    for (const auto out : {AllocationFormat::Jsonl, AllocationFormat::Csv}) {
      const auto r = run(csv, "2025-01-15", AllocationFormat::Csv, out);
      REQUIRE_FALSE(r.error);
      REQUIRE(r.decisions.size() == 3);
      CHECK(r.decisions[0]["eligible"] == true);
      CHECK(r.decisions[1]["eligible"] == false);
      CHECK(r.decisions[2]["eligible"] == true);
      CHECK(r.decisions[2]["amount"] == "30.00");
    }
  }
}

TEST_CASE("allocate: a bad as_of is refused with its position, on a line or for the run", "[allocate][as_of]") {
  const auto bad_line = run(line("a", "乙", "1") + R"({"id": "b", "applicant": "E", "measure": "乙", "facts": {"申请金额": "1"}, "as_of": "2025-02-30"})" "\n");
  REQUIRE(bad_line.error);
  CHECK(bad_line.error->where.line == 2);
  CHECK(bad_line.error->where.column == 71);  // the "as_of" key
  CHECK(bad_line.error->field == "as_of");
  CHECK(bad_line.error->message.find("2025-02-30") != std::string::npos);
  const auto bad_cell = run("id,applicant,measure,申请金额,as_of\na,E,乙,1,someday\n", "", AllocationFormat::Csv);
  REQUIRE(bad_cell.error);
  CHECK(bad_cell.error->where.line == 2);
  CHECK(bad_cell.error->where.column == 9);
  CHECK(bad_cell.error->id == "a");
  const auto bad_run = run(line("a", "乙", "1"), "2025-13-01");
  REQUIRE(bad_run.error);
  CHECK(bad_run.error->message.find("2025-13-01") != std::string::npos);
  // The run's date is set before the first record, or not at all.
  auto made = make_allocator(dated_edition(), AllocationFormat::Jsonl);
  auto& a = std::get<Allocator>(made);
  REQUIRE_FALSE(a.add(line("a", "乙", "1"), 1));
  CHECK(a.set_as_of("2025-01-01"));
}

TEST_CASE("allocate: lines the fast reader takes and those it declines are dated alike", "[allocate][as_of]") {
  // Dated by the run, the first is read by the fast reader; written with an
  // escape, the second by the precise one; with its own as_of, the third.
  const std::string text = line("a", "甲", "10") + R"({"id": "\u0062", "applicant": "E", "measure": "甲", "facts": {"申请金额": "10"}})" "\n" +
                           line("c", "甲", "10", "2025-09-01");
  const auto r = run(text, "2025-09-01");
  REQUIRE_FALSE(r.error);
  for (const auto& d : r.decisions) CHECK(d["eligible"] == false);
  const auto in = run(text, "2025-05-01");
  CHECK(in.decisions[0]["eligible"] == true);
  CHECK(in.decisions[1]["eligible"] == true);
  CHECK(in.decisions[2]["eligible"] == false);
}

namespace {

struct Opened {
  std::optional<AllocationError> error;  // of the opening file, or of the year
  std::vector<json> decisions;
  AllocationSummary summary;
};

Opened with_opening(const std::string& opening, AllocationFormat format, const std::string& as_of, const std::string& year) {
  Opened r;
  auto made = make_allocator(dated_edition(), AllocationFormat::Jsonl);
  auto& a = std::get<Allocator>(made);
  REQUIRE_FALSE(a.set_as_of(as_of));
  std::istringstream open_in(opening), in(year);
  if ((r.error = a.read_opening(open_in, format)) || (r.error = a.read(in))) return r;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string out;
    a.decision(i, AllocationFormat::Jsonl, out);
    r.decisions.push_back(json::parse(out));
  }
  r.summary = a.summary();
  return r;
}

}  // namespace

TEST_CASE("opening balances by period: a year for a yearly total, D1 至 D2 for a stated one, others unused", "[allocate][opening]") {
  const std::string year = line("a", "乙", "50") + line("b", "丙", "50");
  const std::string jsonl =
      R"({"applicant": "E", "period": "2025", "facts": {"已领": "80"}})" "\n"
      R"({"applicant": "E", "period": 2024, "facts": {"已领": "30"}})" "\n"
      R"({"applicant": "E", "period": "2025-01-01 至 2027-12-31", "facts": {"三年已领": "90"}})" "\n"
      R"({"applicant": "E", "period": "2028-01-01至2030-12-31", "facts": {"三年已领": "10"}})" "\n";
  const std::string csv = "applicant,期间,已领,三年已领\nE,2025年,80,\nE,2024,30,\nE,2025-01-01 至 2027-12-31,,90\n"
                          "E,2028-01-01 至 2030-12-31,,10\n";
  for (const auto& [text, format] : {std::pair{jsonl, AllocationFormat::Jsonl}, std::pair{csv, AllocationFormat::Csv}}) {
    // Run in 2025: the 2025 balance (room 100 − 80), the three years' (100 − 90).
    auto r = with_opening(text, format, "2025-05-01", year);
    REQUIRE_FALSE(r.error);
    CHECK(r.decisions[0]["amount"] == "20.00");
    CHECK(r.decisions[1]["amount"] == "10.00");
    REQUIRE(r.summary.warnings.size() == 1);
    CHECK(r.summary.warnings[0].find("2 条属于其他期间") != std::string::npos);
    // Run in 2024: the 2024 balance; the stated total's period is the same (its own).
    r = with_opening(text, format, "2024-05-01", year);
    REQUIRE_FALSE(r.error);
    CHECK(r.decisions[0]["amount"] == "50.00");  // 100 − 30 leaves room for 50
    CHECK(r.decisions[1]["amount"] == "10.00");
  }
  // No period: the run's, whatever it is (one file for the period the run decides).
  const auto plain = with_opening(R"({"applicant": "E", "facts": {"已领": "80"}})" "\n", AllocationFormat::Jsonl, "2031-01-01", year);
  REQUIRE_FALSE(plain.error);
  CHECK(plain.decisions[0]["amount"] == "20.00");
}

TEST_CASE("opening balances by period: bad periods are refused where they are written", "[allocate][opening]") {
  const std::string year = line("a", "乙", "50");
  auto refused = [&](const std::string& text, AllocationFormat format, int line_no, int column, const std::string& says) {
    const auto r = with_opening(text, format, "2025-05-01", year);
    REQUIRE(r.error);
    CHECK(r.error->where.line == line_no);
    CHECK(r.error->where.column == column);
    CHECK(r.error->message.find(says) != std::string::npos);
  };
  refused("applicant,period,已领\nE,2025,1\nE,20x5,1\n", AllocationFormat::Csv, 3, 3, "无效");
  refused("applicant,period,已领\nE,2025-03-01 至 2025-01-01,1\n", AllocationFormat::Csv, 2, 3, "结束日期早于开始日期");
  refused("applicant,period,已领\nE,2025-02-30 至 2025-12-31,1\n", AllocationFormat::Csv, 2, 3, "无效");
  // A stated period for a yearly total, a year for a stated one: the kind the total is kept by.
  refused("applicant,period,已领\nE,2025-01-01 至 2025-12-31,1\n", AllocationFormat::Csv, 2, 3, "按年计");
  refused("applicant,period,三年已领\nE,2025,1\n", AllocationFormat::Csv, 2, 3, "2025-01-01 至 2027-12-31");
  refused(R"({"applicant": "E", "period": 2025.5, "facts": {"已领": "1"}})" "\n", AllocationFormat::Jsonl, 1, 20, "period 须为不含转义的字符串");
  refused(R"({"applicant": "E", "periods": "2025", "facts": {"已领": "1"}})" "\n", AllocationFormat::Jsonl, 1, 20, "未知的键");
  // The same balance twice in one period is an error; in two periods it is not.
  refused("applicant,period,已领\nE,2025,1\nE,2025,2\n", AllocationFormat::Csv, 3, 8, "重复");
  CHECK_FALSE(with_opening("applicant,period,已领\nE,2025,1\nE,2024,2\nE,,3\n", AllocationFormat::Csv, "2025-05-01", year).error);
}
