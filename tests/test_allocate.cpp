// Batch allocation (services/allocate.hpp): the pool rule on plain numbers
// (hand-computed and property-tested), per-applicant running totals, quotas,
// pools through whole batches, CSV, and the input errors that refuse a batch.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "services/allocate.hpp"
#include "services/fact_codec.hpp"
#include "interpreter/policy.hpp"

using namespace kuan;
using nlohmann::json;

namespace {

// A small edition: 甲 and 乙 share 小池 (10元); 甲's 已领 is a running total
// (cap 100元 a year); 乙 has a quota of 2 by 得分; 丙 is outside everything.
const std::string kSmall =
    "政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
    "事实 申请金额: 金额\n事实 得分: 数值 可选\n事实 已领: 金额 = 0元\n"
    "参数 年度上限 = 100元\n参数 池额 = 10元\n"
    "资金池 小池 = 池额 覆盖 甲, 乙\n累计 已领 = 甲\n"
    "措施 甲 {\n  金额 = 申请金额\n  上限 年度余额 = 年度上限 已用 已领\n}\n"
    "措施 乙 {\n  要求 申请金额 > 0元 否则 \"申请金额须大于零\"\n  名额 = 2 按 得分\n  金额 = 申请金额\n}\n"
    "措施 丙 {\n  金额 = 申请金额\n}\n";

const Edition& small_edition() {
  static const auto policy = [] {
    std::vector<Diagnostic> diags;
    auto p = Policy::from_text("small.kuan", kSmall, diags);
    for (const auto& d : diags) UNSCOPED_INFO(d.rendered);
    return p;
  }();
  REQUIRE(policy);
  return *policy->latest();
}

const Edition& hangzhou() {
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

struct Run {
  std::optional<AllocationError> error;
  std::vector<json> decisions;
  std::string text;  // the output as written
  AllocationSummary summary;
};

Run run(const Edition& ed, const std::string& input, AllocationFormat in = AllocationFormat::Jsonl,
        AllocationFormat out = AllocationFormat::Jsonl) {
  std::istringstream is(input);
  std::ostringstream os;
  Run r;
  auto result = allocate(ed, is, os, {in, out, {}, {}});
  r.text = os.str();
  if (auto* e = std::get_if<AllocationError>(&result)) {
    r.error = *e;
    return r;
  }
  r.summary = std::get<AllocationSummary>(result);
  if (out == AllocationFormat::Jsonl) {
    std::istringstream lines(r.text);
    for (std::string line; std::getline(lines, line);) r.decisions.push_back(json::parse(line));
  }
  return r;
}

std::string line(const std::string& id, const std::string& applicant, const std::string& measure, const json& facts) {
  return json{{"id", id}, {"applicant", applicant}, {"measure", measure}, {"facts", facts}}.dump() + "\n";
}

}  // namespace

TEST_CASE("pro rata: largest remainders move the leftover cents, by hand", "[allocate]") {
  // Pool 10.00元 = 1000 分 over 3.33 + 3.33 + 3.34 + 5.00 = 15.00元 = 1500 分; factor 1000/1500 = 2/3.
  //   333 × 1000 = 333000 = 1500 × 222 + 0      → 222, remainder    0
  //   333 × 1000 = 333000 = 1500 × 222 + 0      → 222, remainder    0
  //   334 × 1000 = 334000 = 1500 × 222 + 1000   → 222, remainder 1000
  //   500 × 1000 = 500000 = 1500 × 333 + 500    → 333, remainder  500
  // Floors sum to 999; the 1 cent left goes to the largest remainder (1000): the third.
  CHECK(pro_rata_cents(1000, {333, 333, 334, 500}) == std::vector<std::int64_t>{222, 222, 223, 333});
  // Ties: 2.00元 over three 1.00元: each 100 × 200 = 20000 = 300 × 66 + 200 → 66, remainder 200.
  // Floors 198, 2 cents left, all remainders equal: the two earlier applications get them.
  CHECK(pro_rata_cents(200, {100, 100, 100}) == std::vector<std::int64_t>{67, 67, 66});
  // 1.00元 over 0.07 + 0.07 + 1.86 (Σ 2.00): 7×100 = 700 = 200×3 + 100; 186×100 = 18600 = 200×93 + 0.
  // Floors 3 + 3 + 93 = 99; the cent goes to the first of the two remainders 100.
  CHECK(pro_rata_cents(100, {7, 7, 186}) == std::vector<std::int64_t>{4, 3, 93});
  CHECK(pro_rata_cents(0, {5, 6}) == std::vector<std::int64_t>{0, 0});
}

TEST_CASE("pro rata: a pool that is not exceeded leaves every amount unchanged", "[allocate]") {
  CHECK(pro_rata_cents(1000, {300, 700}) == std::vector<std::int64_t>{300, 700});
  CHECK(pro_rata_cents(1000, {300, 600}) == std::vector<std::int64_t>{300, 600});
  CHECK(pro_rata_cents(5, {}).empty());
}

TEST_CASE("pro rata property: the total equals the pool exactly, shares within a cent", "[allocate]") {
  std::mt19937_64 rng(20250613);
  for (int round = 0; round < 5000; ++round) {
    const std::size_t n = 1 + rng() % 60;
    const std::int64_t top = round % 3 == 0 ? 10 : round % 3 == 1 ? 100000 : 80000000000LL;  // few cents … 8亿元
    std::vector<std::int64_t> amounts(n);
    __int128 total = 0;
    for (auto& a : amounts) total += a = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(top + 1));
    if (total == 0) continue;
    const auto pool = static_cast<std::int64_t>(static_cast<unsigned __int128>(rng()) % static_cast<unsigned __int128>(total));
    INFO("round " << round << " n " << n << " pool " << pool);
    const auto out = pro_rata_cents(pool, amounts);
    REQUIRE(out.size() == n);
    __int128 sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const __int128 exact = static_cast<__int128>(amounts[i]) * pool;  // share × total
      const auto floor = static_cast<std::int64_t>(exact / total);
      REQUIRE((out[i] == floor || out[i] == floor + 1));
      REQUIRE(out[i] <= amounts[i]);
      sum += out[i];
    }
    REQUIRE(sum == pool);
    // Every cent went to a remainder at least as large as any left without one
    // (and, among equal remainders, to the earlier application).
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const __int128 ri = static_cast<__int128>(amounts[i]) * pool % total;
        const __int128 rj = static_cast<__int128>(amounts[j]) * pool % total;
        const bool gi = out[i] * total > static_cast<__int128>(amounts[i]) * pool;
        const bool gj = out[j] * total > static_cast<__int128>(amounts[j]) * pool;
        if (gi && !gj && rj != 0) REQUIRE((ri > rj || (ri == rj && i < j)));
      }
  }
}

TEST_CASE("per-enterprise caps: 800万元 consumed in application order", "[allocate]") {
  // 2500万 × 20% (算力服务 二档) = 500万 each time the room allows.
  const json f = {{"合同金额", "2500万元"}, {"采购类型", "算力服务"}, {"算力设施档位", "二档"}};
  const auto r = run(hangzhou(), line("A1", "企业甲", "算力券", f) + line("B1", "企业乙", "算力券", f) +
                                     line("A2", "企业甲", "算力券", f) +
                                     line("A3", "企业甲", "算力券免审配套", {{"合同金额", "100万元"}, {"智能券档位", "一档"}}));
  REQUIRE_FALSE(r.error);
  REQUIRE(r.decisions.size() == 4);
  CHECK(r.decisions[0]["amount"] == "5000000.00");
  CHECK(r.decisions[0].count("cap_room_used") == 0);
  CHECK(r.decisions[1]["amount"] == "5000000.00");  // another applicant: its own room
  CHECK(r.decisions[2]["amount"] == "3000000.00");  // 800万 − 500万
  CHECK(r.decisions[2]["bound"] == "算力券年度余额");
  CHECK(r.decisions[2]["cap_room_used"].get<std::string>().find("5000000.00") != std::string::npos);
  CHECK(r.decisions[3]["eligible"] == true);
  CHECK(r.decisions[3]["amount"] == "0.00");  // the 免审配套 shares the same 累计
  CHECK(r.decisions[3]["cap_room_used"].get<std::string>().find("8000000.00") != std::string::npos);
  CHECK(r.decisions[3]["notes"][0].get<std::string>().find("算力券年度余额 已用尽") != std::string::npos);
  CHECK(r.decisions[3]["allocated"] == "0.00");
  // Output order is the input order.
  CHECK(r.decisions[1]["id"] == "B1");
  CHECK(r.decisions[2]["applicant"] == "企业甲");
}

TEST_CASE("the shared pool scales 算力券 and 免审配套 together to exactly 2.5亿元", "[allocate]") {
  // 40 applicants × 800万元 = 3.2亿元 > 2.5亿元: factor 25/32, each 625万元 exactly.
  std::string in;
  for (int i = 0; i < 40; ++i)
    in += line("X" + std::to_string(i), "E" + std::to_string(i), i % 2 ? "算力券" : "算力券免审配套",
               i % 2 ? json{{"合同金额", "4000万元"}, {"采购类型", "算力服务"}, {"算力设施档位", "二档"}}
                     : json{{"合同金额", "8000万元"}, {"智能券档位", "二档"}});
  in += line("Z", "E99", "智能券", {{"合同金额", "100万元"}, {"申请主体", "企业"}, {"智能券档位", "一档"}});
  const auto r = run(hangzhou(), in);
  REQUIRE_FALSE(r.error);
  for (int i = 0; i < 40; ++i) {
    CHECK(r.decisions[i]["amount"] == "8000000.00");
    CHECK(r.decisions[i]["allocated"] == "6250000.00");
    CHECK(r.decisions[i]["pro_rata"] == "250000000.00/320000000.00");
  }
  CHECK(r.decisions[40]["allocated"] == "300000.00");  // 智能券 is in no pool
  CHECK(r.decisions[40].count("pro_rata") == 0);
  REQUIRE(r.summary.pools.size() == 1);
  CHECK(r.summary.pools[0].scaled);
  CHECK(r.summary.pools[0].allocated == "250000000.00");
  CHECK(r.summary.pools[0].remainder_cents == 0);
}

TEST_CASE("pool scaling through a batch: remainder cents, and not exceeded → unchanged", "[allocate]") {
  // 小池 = 10.00元 over 甲 3.33, 3.33, 3.34, 5.00 (the hand example above): 2.22, 2.22, 2.23, 3.33.
  std::string in;
  const char* amounts[] = {"3.33", "3.33", "3.34", "5.00"};
  for (int i = 0; i < 4; ++i) in += line("p" + std::to_string(i), "E" + std::to_string(i), "甲", {{"申请金额", amounts[i]}});
  in += line("c", "E0", "丙", {{"申请金额", "99"}});
  auto r = run(small_edition(), in);
  REQUIRE_FALSE(r.error);
  const char* expected[] = {"2.22", "2.22", "2.23", "3.33"};
  for (int i = 0; i < 4; ++i) CHECK(r.decisions[i]["allocated"] == expected[i]);
  CHECK(r.decisions[2]["extra_cent"] == true);
  CHECK(r.decisions[0].count("extra_cent") == 0);
  CHECK(r.decisions[4]["allocated"] == "99.00");
  CHECK(r.summary.pools[0].remainder_cents == 1);
  // Σ 9.99 ≤ 10.00: every amount stays as it is, no pro_rata.
  r = run(small_edition(), line("a", "E1", "甲", {{"申请金额", "4.99"}}) + line("b", "E2", "甲", {{"申请金额", "5"}}));
  REQUIRE_FALSE(r.error);
  CHECK(r.decisions[0]["allocated"] == "4.99");
  CHECK(r.decisions[1]["allocated"] == "5.00");
  CHECK(r.decisions[0].count("pro_rata") == 0);
  CHECK_FALSE(r.summary.pools[0].scaled);
}

TEST_CASE("quotas: the N best scores, ties to the earlier application, decided before the pool", "[allocate]") {
  // 乙 has 名额 2: scores 90, 95, 90, 90 → ranks 2, 1, 3, 4; the last two are not selected
  // and do not count toward 小池: 4 + 4 = 8元 ≤ 10元, so the pool is not exceeded.
  std::string in = line("q1", "E1", "乙", {{"申请金额", "4"}, {"得分", 90}}) +
                   line("q2", "E2", "乙", {{"申请金额", "4"}, {"得分", "95"}}) +
                   line("q3", "E3", "乙", {{"申请金额", "4"}, {"得分", 90.0}}) +
                   line("q4", "E4", "乙", {{"申请金额", "4"}, {"得分", 90}}) +
                   line("q5", "E5", "乙", {{"申请金额", "0"}, {"得分", 100}});  // not eligible: no rank
  const auto r = run(small_edition(), in);
  REQUIRE_FALSE(r.error);
  CHECK(r.decisions[0]["quota_rank"] == 2);
  CHECK(r.decisions[1]["quota_rank"] == 1);
  CHECK(r.decisions[2]["quota_rank"] == 3);
  CHECK(r.decisions[0]["eligible"] == true);
  CHECK(r.decisions[0]["allocated"] == "4.00");
  CHECK(r.decisions[2]["eligible"] == false);
  CHECK(r.decisions[2]["amount"] == "4.00");
  CHECK(r.decisions[2]["allocated"] == "0.00");
  CHECK(r.decisions[2]["reasons"][0] == "未入选:乙每年名额 2 个,本申请得分排第 3");
  CHECK(r.decisions[3]["reasons"][0] == "未入选:乙每年名额 2 个,本申请得分排第 4");
  CHECK(r.decisions[4]["eligible"] == false);
  CHECK(r.decisions[4].count("quota_rank") == 0);
  CHECK_FALSE(r.summary.pools[0].scaled);
  REQUIRE(r.summary.quotas.size() == 1);
  CHECK(r.summary.quotas[0].candidates == 4);
  CHECK(r.summary.quotas[0].funded == 2);
}

TEST_CASE("quotas of the shipped policy: 优秀专用模型 funds 10", "[allocate]") {
  std::string in;
  for (int i = 0; i < 12; ++i)
    in += line("M" + std::to_string(i), "E" + std::to_string(i), "优秀专用模型",
               {{"研发成本", "100万元"}, {"评审得分", std::to_string(80 + i % 6) + ".5"}});
  const auto r = run(hangzhou(), in);
  REQUIRE_FALSE(r.error);
  // Scores 80.5 81.5 … 85.5 twice; the two 80.5 (M0, M6) rank 11 and 12 → M6 is 12th.
  CHECK(r.decisions[6]["eligible"] == false);
  CHECK(r.decisions[6]["reasons"][0] == "未入选:优秀专用模型每年名额 10 个,本申请评审得分排第 12");
  CHECK(r.decisions[0]["quota_rank"] == 11);
  CHECK(r.decisions[5]["quota_rank"] == 1);   // 85.5, earlier of the two
  CHECK(r.decisions[11]["quota_rank"] == 2);
}

TEST_CASE("CSV in and out give the same decisions as JSONL", "[allocate]") {
  const json f = {{"合同金额", "2500万元"}, {"采购类型", "算力服务"}, {"算力设施档位", "二档"}};
  const std::string jsonl = line("A1", "企业甲", "算力券", f) + line("A2", "企业甲", "算力券", f) +
                            line("Q,1", "企\"乙", "优秀专用模型", {{"研发成本", "100万元"}, {"评审得分", 90}}) +
                            line("N", "企业丙", "算力券", {{"合同金额", "100万元"}, {"采购类型", "模型服务"}, {"模型已备案", false}});
  const std::string csv =
      "\xEF\xBB\xBFid,applicant,measure,合同金额,采购类型,算力设施档位,研发成本,评审得分,模型已备案\r\n"
      "A1,企业甲,算力券,2500万元,算力服务,二档,,,\r\n"
      "A2,企业甲,算力券,2500万元,算力服务,二档,,,\n"
      "\n"
      "\"Q,1\",\"企\"\"乙\",优秀专用模型,,,,100万元,90,\n"
      "N,企业丙,算力券,100万元,模型服务,,,,否\n";
  const auto from_jsonl = run(hangzhou(), jsonl);
  const auto from_csv = run(hangzhou(), csv, AllocationFormat::Csv);
  REQUIRE_FALSE(from_jsonl.error);
  REQUIRE_FALSE(from_csv.error);
  CHECK(from_csv.text == from_jsonl.text);
  const auto csv_out = run(hangzhou(), csv, AllocationFormat::Csv, AllocationFormat::Csv);
  REQUIRE_FALSE(csv_out.error);
  CHECK(csv_out.text == run(hangzhou(), jsonl, AllocationFormat::Jsonl, AllocationFormat::Csv).text);
  std::istringstream rows(csv_out.text);
  std::string header, a1, a2, q;
  std::getline(rows, header), std::getline(rows, a1), std::getline(rows, a2), std::getline(rows, q);
  CHECK(header == "id,applicant,measure,eligible,amount,allocated,reasons,bound,cap_room_used,pro_rata,extra_cent,quota_rank,notes");
  CHECK(a1 == "A1,企业甲,算力券,true,5000000.00,5000000.00,,,,,,,");
  CHECK(a2.rfind("A2,企业甲,算力券,true,3000000.00,3000000.00,,算力券年度余额,\"同一申请人", 0) == 0);
  CHECK(q == "\"Q,1\",\"企\"\"乙\",优秀专用模型,true,300000.00,300000.00,,,,,,1,");
}

TEST_CASE("a bad line refuses the whole batch, naming the line and the field", "[allocate]") {
  const std::string good = line("g", "E", "丙", {{"申请金额", "1"}});
  auto bad = [&](const std::string& second) {
    const auto r = run(small_edition(), good + "\n" + second + "\n" + good);
    REQUIRE(r.error);
    CHECK(r.text.empty());  // nothing written
    CHECK(r.error->where.line == 3);
    return *r.error;
  };
  auto e = bad(R"({"id":"b","applicant":"E","measure":"丙","facts":{"申请金额":1,}})");
  CHECK(e.where.column == 59);  // the stray '}'
  CHECK(e.message.find("JSON") != std::string::npos);
  CHECK(bad(R"({"id":"b","applicant":"E","measure":"丁","facts":{}})").field == "measure");
  e = bad(R"({"id":"b","applicant":"E","measure":"丙","facts":{"申请金额":"-1"}})");
  CHECK(e.field == "facts.申请金额");
  CHECK(e.where.column == 50);  // where "申请金额" starts
  CHECK(bad(R"({"id":"b","applicant":"E","measure":"丙","facts":{"未知":1}})").field == "facts.未知");
  CHECK(bad(R"({"id":"b","applicant":"E","measure":"丙","facts":{}})").field == "facts.申请金额");
  e = bad(R"({"id":"b","applicant":"E","measure":"乙","facts":{"申请金额":1}})");
  CHECK(e.field == "facts.得分");
  CHECK(e.message.find("名额 2") != std::string::npos);
  e = bad(R"({"id":"g","applicant":"E","measure":"丙","facts":{"申请金额":1}})");
  CHECK(e.field == "id");
  CHECK(e.message.find("重复") != std::string::npos);
  CHECK(bad(R"({"applicant":"E","measure":"丙","facts":{"申请金额":1}})").field == "id");
  CHECK(bad(R"({"id":"b","measure":"丙","facts":{"申请金额":1}})").field == "applicant");
  CHECK(bad(R"({"id":"b","applicant":"","measure":"丙","facts":{"申请金额":1}})").field == "applicant");
  e = bad(R"({"id":"b","applicant":"E","measure":"甲","facts":{"申请金额":"-1"}})");
  CHECK(e.to_string("in.jsonl").rfind("in.jsonl:3:", 0) == 0);
  // The 累计 fact may be given (spec, amended): the line's own figure stands.
  const auto r = run(small_edition(), line("c", "E", "甲", {{"申请金额", "10"}, {"已领", "95"}}) +
                                          line("d", "E", "甲", {{"申请金额", "10"}}));
  REQUIRE_FALSE(r.error);
  CHECK(r.decisions[0]["amount"] == "5.00");  // room 100 − 95
  CHECK_FALSE(r.decisions[0].contains("cap_room_used"));
  CHECK(r.decisions[1]["amount"] == "10.00");  // room 100 − 5 funded before
  CHECK(r.decisions[1]["cap_room_used"].get<std::string>().find("5.00") != std::string::npos);
}

TEST_CASE("CSV input errors name the line, the column and the cell", "[allocate]") {
  auto err = [&](const std::string& csv) {
    const auto r = run(small_edition(), csv, AllocationFormat::Csv);
    REQUIRE(r.error);
    return *r.error;
  };
  auto e = err("id,applicant,measure,申请金额,申请金頟\n");  // a fact's name misspelt: refused
  CHECK(e.where.line == 1);
  CHECK(e.where.column == 27);
  CHECK(e.field == "申请金頟");
  CHECK(e.message.find("是不是 申请金额?") != std::string::npos);
  // A column that is not a fact (企业名称) is not read; the header's aliases are.
  const auto named = run(small_edition(), "编号,申请人,措施,企业名称,申请金额\na,E,丙,甲公司,1\n", AllocationFormat::Csv);
  REQUIRE_FALSE(named.error);
  CHECK(named.decisions.size() == 1);
  REQUIRE(named.summary.warnings.size() == 1);
  CHECK(named.summary.warnings[0].find("企业名称") != std::string::npos);
  e = err("id,applicant,measure,申请金额\na,E,丙,1\nb,E,丙,x\n");
  CHECK(e.where.line == 3);
  CHECK(e.where.column == 7);
  CHECK(e.field == "申请金额");
  e = err("id,applicant,measure,申请金额\na,E,丙\n");
  CHECK(e.where.line == 2);
  CHECK(e.message.find("3 列") != std::string::npos);
  e = err("id,applicant,measure,申请金额\n\"a\nb\",E,丙,1\nc,,丙,1\n");
  CHECK(e.where.line == 4);  // the quoted newline counts as a line
  CHECK(e.field == "applicant");
  CHECK(err("").message.find("表头") != std::string::npos);
}

TEST_CASE("a year decided in parts by applicant gives the whole year's decisions, line for line", "[allocate]") {
  // Rooms (甲: 100元 a year per applicant, E1 applies three times), a quota with a
  // tie across parts (乙), and 小池 exceeded with leftover cents: each phase's
  // year-wide step (ranking, pool total, largest remainders) is done here, by
  // the rules of allocate.hpp, as kuan.dask does it across workers.
  std::vector<std::string> lines = {
      line("a1", "E1", "甲", {{"申请金额", "60"}}),  line("b1", "E2", "乙", {{"申请金额", "3"}, {"得分", 90}}),
      line("a2", "E1", "甲", {{"申请金额", "70"}}),  line("b2", "E3", "乙", {{"申请金额", "2"}, {"得分", 95}}),
      line("a3", "E4", "甲", {{"申请金额", "3.33"}}), line("b3", "E1", "乙", {{"申请金额", "4"}, {"得分", 90}}),
      line("a4", "E1", "甲", {{"申请金额", "5"}}),   line("c1", "E2", "丙", {{"申请金额", "7"}})};
  std::string all;
  for (const auto& l : lines) all += l;
  const Run whole = run(small_edition(), all);
  REQUIRE_FALSE(whole.error);
  REQUIRE(whole.summary.pools[0].scaled);
  REQUIRE(whole.summary.quotas[0].funded == 2);

  const Edition& ed = small_edition();
  const std::vector<std::vector<std::size_t>> parts = {{0, 2, 5, 6}, {1, 3, 4, 7}};  // E1 | E2, E3, E4: year order inside
  std::vector<Allocator> alloc;
  struct Cand { std::string measure; Decimal score; std::size_t year, part, index; };
  std::vector<Cand> cands;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    auto made = make_allocator(ed, AllocationFormat::Jsonl);
    REQUIRE(made.index() == 0);
    alloc.push_back(std::move(std::get<Allocator>(made)));
    for (const std::size_t i : parts[p]) {
      std::string_view text = lines[i];
      text.remove_suffix(1);
      REQUIRE_FALSE(alloc[p].add(text, i + 1));
    }
    auto found = alloc[p].quota_candidates();
    REQUIRE(found.index() == 0);
    for (const auto& c : std::get<0>(found))
      cands.push_back({c.quota, *Decimal::parse(c.score), parts[p][c.index], p, c.index});
  }
  std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
    if (a.measure != b.measure) return a.measure < b.measure;
    if (auto c = a.score <=> b.score; c != 0) return c > 0;
    return a.year < b.year;
  });
  std::vector<std::vector<std::uint32_t>> ranks(parts.size());
  for (std::size_t p = 0; p < parts.size(); ++p) ranks[p].assign(parts[p].size(), 0);
  for (std::size_t i = 0; i < cands.size(); ++i) ranks[cands[i].part][cands[i].index] = static_cast<std::uint32_t>(i + 1);
  {  // the public ranking (what kuan.dask calls) gives the ranks worked out here
    std::vector<std::string> scores;
    for (const auto& c : cands) scores.push_back(c.score.to_string());
    std::vector<api::QuotaRankCandidate> shuffled;  // in reverse: the order of the list does not matter
    for (std::size_t i = cands.size(); i-- > 0;) shuffled.push_back({cands[i].measure, "", scores[i], cands[i].year});
    const auto ranked = api::rank_quota_candidates(shuffled);
    REQUIRE(ranked.index() == 0);
    for (std::size_t k = 0; k < shuffled.size(); ++k)
      CHECK(std::get<0>(ranked)[k] == ranks[cands[cands.size() - 1 - k].part][cands[cands.size() - 1 - k].index]);
  }
  std::vector<Allocator::PoolShare> shares;
  std::vector<std::size_t> share_part;
  __int128 total = 0;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    REQUIRE_FALSE(alloc[p].finish_part(ranks[p]));
    for (const auto& s : alloc[p].pool_shares()) shares.push_back(s), share_part.push_back(p), total += s.amount_fen;
  }
  std::vector<std::int64_t> amounts;  // in year order, for pro_rata_cents' ties
  std::vector<std::size_t> order(shares.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return parts[share_part[a]][shares[a].index] < parts[share_part[b]][shares[b].index];
  });
  for (const std::size_t i : order) amounts.push_back(shares[i].amount_fen);
  const auto scaled = pro_rata_cents(1000, amounts);  // 小池 = 10元
  std::vector<std::vector<std::size_t>> extra(parts.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& s = shares[order[k]];
    if (scaled[k] != static_cast<std::int64_t>(static_cast<__int128>(s.amount_fen) * 1000 / total))
      extra[share_part[order[k]]].push_back(s.index);
  }
  std::size_t extra_cents = 0;
  for (std::size_t p = 0; p < parts.size(); ++p) alloc[p].set_pool(0, total, extra[p]), extra_cents += extra[p].size();
  CHECK(extra_cents > 0);

  std::vector<std::string> got(lines.size());
  for (std::size_t p = 0; p < parts.size(); ++p)
    for (std::size_t k = 0; k < parts[p].size(); ++k) alloc[p].decision(k, AllocationFormat::Jsonl, got[parts[p][k]]);
  std::istringstream want(whole.text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string w;
    std::getline(want, w);
    CHECK(got[i] == w + "\n");
  }
  CHECK(whole.text.find("cap_room_used") != std::string::npos);
  CHECK(whole.text.find("\"quota_rank\":3") != std::string::npos);
}

TEST_CASE("lines the fast reader declines are decided as those it reads", "[allocate]") {
  // Each line once as the fast reader takes it and once with a member it
  // declines ("explain": the precise reader's alone), in a random mix: the
  // year's decisions must not depend on which reader read a line.
  std::mt19937_64 rng(2025);
  auto pick = [&](std::uint64_t n) { return rng() % n; };
  auto money = [&](std::uint64_t max_yuan) {
    return std::to_string(pick(max_yuan)) + "." + std::to_string(10 + pick(90));
  };
  std::string plain, mixed;
  for (int i = 0; i < 600; ++i) {
    const std::string applicant = "E" + std::to_string(pick(40));
    json facts;
    std::string measure;
    switch (pick(4)) {
      case 0:
      case 1:
        measure = "算力券";
        facts = {{"合同金额", money(30000000)}, {"采购类型", pick(2) ? "算力服务" : "模型服务"},
                 {"模型已备案", pick(10) != 0}, {"算力设施档位", pick(2) ? "一档" : "二档"}, {"中小企业", pick(2) == 1}};
        if (pick(5) == 0) facts["同一合同智能券金额"] = money(500000), facts["智能券档位"] = "一档";
        break;
      case 2:
        measure = "算力券免审配套";
        facts = {{"合同金额", money(20000000)}, {"智能券档位", pick(2) ? "一档" : "二档"}};
        break;
      default:
        measure = "优秀专用模型";
        facts = {{"研发成本", money(30000000)}, {"评审得分", static_cast<int>(60 + pick(40))}};
    }
    const std::string l = line("A" + std::to_string(i), applicant, measure, facts);
    plain += l;
    mixed += pick(2) ? l : "{\"explain\":false," + l.substr(1);
  }
  const auto a = run(hangzhou(), plain);
  const auto b = run(hangzhou(), mixed);
  REQUIRE_FALSE(a.error);
  REQUIRE_FALSE(b.error);
  REQUIRE(a.decisions.size() == 600);
  CHECK(a.text == b.text);
  // The year exercised what it should: rooms used up, a quota, the pool.
  CHECK(a.text.find("cap_room_used") != std::string::npos);
  CHECK(a.text.find("quota_rank") != std::string::npos);
}

TEST_CASE("given facts are kept as typed values, exactly", "[allocate]") {
  // allocate keeps each line's facts encoded between reading and deciding:
  // every kind, and numbers beyond a 64-bit mantissa, come back the same
  // value with the same scale.
  std::vector<Value> values = {
      Value::money(*Decimal::parse("20523030.54")),
      Value::money(*Decimal::parse("0")),
      Value::money(*Decimal::parse("-12.5")),
      Value::money(*Decimal::parse("123456789012345678901234567890.123")),
      Value::money(*Decimal::parse("-9223372036854775808")),
      Value::money(*Decimal::parse("9223372036854775807")),
      Value::rate(*Decimal::parse("0.0000000000000000001")),
      Value::of_number(TypeKind::Integer, Decimal::from_int(7)),
      Value::of_number(TypeKind::Number, *Decimal::parse("3.14159265358979323846264338327950288")),
      Value::boolean(true),
      Value::boolean(false),
      Value::enumeration(3),
      Value::date(-3650),
      Value::date(20000),
  };
  std::string encoded;
  for (std::size_t i = 0; i < values.size(); ++i) REQUIRE(encode_fact_value(encoded, static_cast<int>(i) * 37, values[i]));
  FactValues facts(values.size() * 37);
  std::vector<int> seen;
  decode_fact_values(encoded, facts, [&](int slot) { seen.push_back(slot); });
  REQUIRE(seen.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    INFO(i);
    const Value& v = facts.values[i * 37];
    CHECK(seen[i] == static_cast<int>(i) * 37);
    CHECK(facts.present[i * 37]);
    CHECK(v.kind == values[i].kind);
    CHECK(v.small == values[i].small);
    CHECK(v.number == values[i].number);
    CHECK(v.number.scale() == values[i].number.scale());
    CHECK(v.number.to_string() == values[i].number.to_string());
  }
}

TEST_CASE("a repeated id is the error when it comes first, however late it is found", "[allocate]") {
  // Ids are checked all at once (no table of every id while reading): the
  // error must still be the first problem in input order.
  auto l = [](const std::string& id) { return line(id, "E", "丙", {{"申请金额", "1"}}); };
  std::string year;
  for (int i = 0; i < 50; ++i) year += l("a" + std::to_string(i));
  SECTION("at the end of the year: the earliest repeat, naming the first of its id") {
    const auto r = run(small_edition(), year + l("a7") + l("x") + l("a3") + l("a7"));
    REQUIRE(r.error);
    CHECK(r.error->where.line == 51);
    CHECK(r.error->id == "a7");
    CHECK(r.error->field == "id");
    CHECK(r.error->message == "重复的申请 id(与第 8 项申请相同)");
    CHECK(r.text.empty());
  }
  SECTION("before a later bad line: the repeat") {
    const auto r = run(small_edition(), year + l("a3") + l("y") + "{\"id\":\"z\",\n");
    REQUIRE(r.error);
    CHECK(r.error->where.line == 51);
    CHECK(r.error->message == "重复的申请 id(与第 4 项申请相同)");
  }
  SECTION("after blank lines: the repeat's own line") {
    // A record's line is its index plus an offset kept only where it changes.
    const auto r = run(small_edition(), l("b0") + "\n\n" + l("b1") + l("b2") + "\n" + year + "\n\n\n" + l("a9"));
    REQUIRE(r.error);
    CHECK(r.error->where.line == 60);
    CHECK(r.error->message == "重复的申请 id(与第 13 项申请相同)");
  }
  SECTION("after an earlier bad line: the bad line") {
    const auto r = run(small_edition(), year + "{\"id\":\"z\",\n" + l("a3"));
    REQUIRE(r.error);
    CHECK(r.error->where.line == 51);
    CHECK(r.error->message.find("重复") == std::string::npos);
  }
  SECTION("record by record: finish() names it") {
    auto made = make_allocator(small_edition(), AllocationFormat::Jsonl);
    REQUIRE(made.index() == 0);
    auto& a = std::get<Allocator>(made);
    std::size_t n = 0;
    for (const char* id : {"p", "q", "p", "r"}) CHECK_FALSE(a.add(l(id), ++n));
    const auto e = a.finish();
    REQUIRE(e);
    CHECK(e->where.line == 3);
    CHECK(e->message == "重复的申请 id(与第 1 项申请相同)");
  }
  SECTION("many ids, one hash bucket or not: only real repeats count") {
    std::string many;
    for (int i = 0; i < 20000; ++i) many += l(std::to_string(i));
    CHECK_FALSE(run(small_edition(), many).error);
  }
}

TEST_CASE("leftover cents: the largest remainders, ties to the earlier, the last one at cents - 1", "[allocate]") {
  std::vector<api::LeftoverCentCandidate> c = {{5, 0}, {7, 1}, {5, 2}, {9, 3}, {5, 4}};
  REQUIRE(api::give_leftover_cents(c, 3));  // 9, 7, then the earliest 5
  std::vector<std::uint64_t> got;
  for (std::size_t k = 0; k < 3; ++k) got.push_back(c[k].order);
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::uint64_t>{0, 1, 3});
  CHECK(c[2].order == 0);
  REQUIRE(api::give_leftover_cents(c, 5));  // every one: the last is the latest of the smallest remainder
  CHECK(c[4].order == 4);
  CHECK_FALSE(api::give_leftover_cents(c, 6));
}

TEST_CASE("quota ranks: per quota and group, best score first, ties to the earlier, bad scores refused", "[allocate]") {
  const std::vector<api::QuotaRankCandidate> c = {
      {"甲", "", "90", 7}, {"乙", "", "80", 1}, {"甲", "", "95", 9}, {"甲", "", "90.0", 3}, {"甲", "x", "1", 2}, {"乙", "", "-1", 0}};
  const auto ranked = api::rank_quota_candidates(c);
  REQUIRE(ranked.index() == 0);
  CHECK(std::get<0>(ranked) == std::vector<std::uint32_t>{3, 1, 1, 2, 1, 2});
  const auto bad = api::rank_quota_candidates({{"甲", "", "9x", 1}});
  REQUIRE(bad.index() == 1);
  CHECK(std::get<1>(bad).message.find("9x") != std::string::npos);
}

TEST_CASE("quota ranks: counting passes over packed keys rank as the comparison does", "[allocate]") {
  // quota_ranks sorts the usual year (no groups, in application order, scores
  // within 32 bits with the quotas) by counting passes; against a stable sort
  // by (quota, best score, earlier) on random years — narrow and wide score
  // ranges, one quota and many, ties — and years it must leave to the comparison.
  std::mt19937_64 rng(25);
  for (int round = 0; round < 60; ++round) {
    const int quotas = 1 + static_cast<int>(rng() % (round % 3 == 0 ? 1 : 40));
    const std::int64_t range = round % 4 == 0 ? 3 : round % 4 == 1 ? 1000 : round % 4 == 2 ? (std::int64_t{1} << 40) : 1;
    const std::size_t n = 1 + rng() % 3000;
    std::vector<api::QuotaRankCandidate> c;
    std::vector<std::string> names, scores;
    for (int q = 0; q < quotas; ++q) names.push_back("q" + std::to_string(q));
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t score = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(range)) - range / 2;
      scores.push_back(std::to_string(score / 10) + "." + std::to_string(std::abs(score % 10)));
      if (score < 0 && score > -10) scores.back() = "-" + scores.back();
    }
    const bool shuffled = round % 5 == 4;  // orders not ascending: the comparison's
    for (std::size_t i = 0; i < n; ++i)
      c.push_back({names[rng() % names.size()], "", scores[i], shuffled ? (rng() % 100000) * 100000 + i : 10 * i + 3});
    const auto ranked = api::rank_quota_candidates(c);
    REQUIRE(ranked.index() == 0);
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (c[a].quota != c[b].quota) return c[a].quota < c[b].quota;
      const Decimal x = *Decimal::parse(c[a].score), y = *Decimal::parse(c[b].score);
      if (x != y) return x > y;
      return c[a].order < c[b].order;
    });
    std::vector<std::uint32_t> want(n);
    for (std::size_t k = 0, rank = 0; k < n; ++k) {
      rank = k > 0 && c[order[k]].quota == c[order[k - 1]].quota ? rank + 1 : 1;
      want[order[k]] = static_cast<std::uint32_t>(rank);
    }
    INFO("round " << round << ", " << n << " candidates, " << quotas << " quotas");
    CHECK(std::get<0>(ranked) == want);
  }
}

TEST_CASE("opening balances: a running total starts from them, record by record or as a file, both formats", "[allocate]") {
  auto year = [](api::Allocator& a) {
    std::istringstream in(line("a", "E1", "甲", {{"申请金额", "30"}}) + line("b", "E1", "甲", {{"申请金额", "30"}}) +
                          line("c", "E2", "甲", {{"申请金额", "30"}}));
    REQUIRE_FALSE(a.read(in));
    std::string out;
    std::vector<std::string> amounts;
    for (std::size_t i = 0; i < a.size(); ++i) {
      out.clear();
      a.decision(i, AllocationFormat::Jsonl, out);
      amounts.push_back(json::parse(out)["amount"]);
    }
    return amounts;
  };
  {
    auto made = make_allocator(small_edition(), AllocationFormat::Jsonl);
    auto& a = std::get<Allocator>(made);
    CHECK_FALSE(a.add_opening(R"({"applicant":"E1","facts":{"已领":"55.50"}})", 1));
    CHECK_FALSE(a.add_opening(R"({"applicant":"E7","facts":{"已领":"1"}})", 2));  // no application: allowed
    CHECK(year(a) == std::vector<std::string>{"30.00", "14.50", "30.00"});     // 100 − 55.50 − 30; E2 untouched
    REQUIRE(a.summary().warnings.size() == 1);
    CHECK(a.summary().warnings[0].find("1 条") != std::string::npos);
  }
  {
    auto made = make_allocator(small_edition(), AllocationFormat::Jsonl);
    auto& a = std::get<Allocator>(made);
    std::istringstream csv("\xEF\xBB\xBF" "applicant,已领\r\nE2,\"100\"\r\n\r\n");
    REQUIRE_FALSE(a.read_opening(csv, AllocationFormat::Csv));
    CHECK(year(a) == std::vector<std::string>{"30.00", "30.00", "0.00"});
  }
  auto refused = [](const std::string& text, AllocationFormat format = AllocationFormat::Jsonl) {
    auto made = make_allocator(small_edition(), AllocationFormat::Jsonl);
    std::istringstream in(text);
    auto e = std::get<Allocator>(made).read_opening(in, format);
    REQUIRE(e);
    return *e;
  };
  auto e = refused("{\"applicant\":\"E1\",\"facts\":{\"已领\":\"1\"}}\n{\"applicant\":\"E1\",\"facts\":{\"已领\":\"2\"}}\n");
  CHECK(e.where.line == 2);
  CHECK(e.where.column == 28);  // where "已领" starts
  CHECK(e.field == "已领");
  CHECK(e.message.find("重复") != std::string::npos);
  CHECK(refused(R"({"applicant":"E1","facts":{"已领":"-0.01"}})").message.find("不能为负") != std::string::npos);
  CHECK(refused(R"({"applicant":"E1","facts":{"申请金额":"1"}})").message.find("不是累计") != std::string::npos);
  CHECK(refused(R"({"applicant":"E1","facts":{"已领":"1.005"}})").message.find("整分") != std::string::npos);
  CHECK(refused("applicant,已领\nE1,1,2\n", AllocationFormat::Csv).where.line == 2);
  CHECK(refused("", AllocationFormat::Csv).message.find("表头") != std::string::npos);
  CHECK(refused(std::string("{\"applicant\":\"E\0\",\"facts\":{}}", 29)).where.line == 1);
}

TEST_CASE("carry stated: a line's own 已用 figure carries to the applicant's later lines only when asked", "[allocate]") {
  const std::string text = line("c", "E", "甲", {{"申请金额", "10"}, {"已领", "95"}}) + line("d", "E", "甲", {{"申请金额", "10"}});
  for (const bool carry : {false, true}) {
    auto made = make_allocator(small_edition(), AllocationFormat::Jsonl);
    auto& a = std::get<Allocator>(made);
    a.set_carry_stated(carry);
    std::istringstream in(text);
    REQUIRE_FALSE(a.read(in));
    std::string out;
    a.decision(1, AllocationFormat::Jsonl, out);
    const auto d = json::parse(out);
    CHECK(d["amount"] == (carry ? "0.00" : "10.00"));  // room 100 − (95 + 5), or 100 − 5 funded before
    CHECK(d["cap_room_used"].get<std::string>().find(carry ? "100.00" : "5.00") != std::string::npos);
  }
}

TEST_CASE("全年 totals: summed exactly at the larger scale, past 64 bits too", "[allocate]") {
  // allocate keeps a 全年 total in 64-bit fixed point while it fits and as a
  // Decimal once it does not (a mantissa past 64 bits, or scales that do not
  // align in 64 bits): every line of the applicant sees the year's exact total.
  static const auto policy = [] {
    std::vector<Diagnostic> diags;
    auto p = Policy::from_text("year.kuan",
                               "政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                               "事实 申请金额: 金额\n事实 全年合计: 金额 = 申请金额\n"
                               "累计 全年合计 = 全年 申请金额 于 丁\n"
                               "措施 丁 {\n  金额 = 全年合计\n  上限 封顶 = 100元\n}\n",
                               diags);
    for (const auto& d : diags) UNSCOPED_INFO(d.rendered);
    return p;
  }();
  REQUIRE(policy);
  const Edition& ed = *policy->latest();
  auto app = [](const std::string& id, const std::string& who, const std::string& amount) {
    return line(id, who, "丁", {{"申请金额", amount}});
  };
  // 甲: scales 1 and 2. 乙: 10 then a scale-18 amount (10 × 10^18 is past 64
  // bits: a Decimal from there on), 10.005 in all — 10.01 only when exact.
  // 丙: scales 18 and 0 that align in 64 bits. 丁: a mantissa past 64 bits.
  const std::string big = "46116860184273879.03";  // (2^62 − 1) 分
  const std::string in = app("a1", "甲", "1.5") + app("b1", "乙", "10") + app("a2", "甲", "2.25") +
                         app("b2", "乙", "0.004999999999999999") + app("c1", "丙", "0.000000000000000001") +
                         app("b3", "乙", "0.000000000000000001") + app("c2", "丙", "1") + app("d1", "丁", big) +
                         app("d2", "丁", big) + app("d3", "丁", big);
  const auto r = run(ed, in);
  if (r.error) FAIL(r.error->message);
  REQUIRE(r.decisions.size() == 10);
  const std::vector<std::string> expected = {"3.75", "10.01", "3.75", "10.01", "1.00",
                                             "10.01", "1.00", "100.00", "100.00", "100.00"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO(r.decisions[i].dump());
    CHECK(r.decisions[i]["amount"] == expected[i]);
  }
}
