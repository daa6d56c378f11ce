// Allocation through the public façade (include/kuan/allocation.hpp): the
// same bytes and figures as the allocator underneath, errors as values with
// their line and column, the stepwise Allocator, and a year decided in parts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "services/allocate.hpp"
#include "interpreter/policy.hpp"
#include "kuan/allocation.hpp"

namespace api = kuan::api;

namespace {

// 甲 and 乙 share 小池 (10元); 甲's 已领 is a running total (cap 100元 a year);
// 乙 has a quota of 2 by 得分; 丙 is outside everything.
const char* kRules =
    "政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
    "事实 申请金额: 金额\n事实 得分: 数值 可选\n事实 已领: 金额 = 0元\n"
    "参数 年度上限 = 100元\n参数 池额 = 10元\n"
    "资金池 小池 = 池额 覆盖 甲, 乙\n累计 已领 = 甲\n"
    "措施 甲 {\n  金额 = 申请金额\n  上限 年度余额 = 年度上限 已用 已领\n}\n"
    "措施 乙 {\n  要求 申请金额 > 0元 否则 \"申请金额须大于零\"\n  名额 = 2 按 得分\n  金额 = 申请金额\n}\n"
    "措施 丙 {\n  金额 = 申请金额\n}\n";

const char* kYear =
    "{\"id\":\"a1\",\"applicant\":\"E1\",\"measure\":\"甲\",\"facts\":{\"申请金额\":\"60\"}}\n"
    "{\"id\":\"b1\",\"applicant\":\"E2\",\"measure\":\"乙\",\"facts\":{\"申请金额\":\"3\",\"得分\":90}}\n"
    "{\"id\":\"a2\",\"applicant\":\"E1\",\"measure\":\"甲\",\"facts\":{\"申请金额\":\"70\"}}\n"
    "{\"id\":\"b2\",\"applicant\":\"E3\",\"measure\":\"乙\",\"facts\":{\"申请金额\":\"2\",\"得分\":95}}\n"
    "{\"id\":\"a3\",\"applicant\":\"E4\",\"measure\":\"甲\",\"facts\":{\"申请金额\":\"3.33\"}}\n"
    "{\"id\":\"b3\",\"applicant\":\"E1\",\"measure\":\"乙\",\"facts\":{\"申请金额\":\"4\",\"得分\":90}}\n"
    "{\"id\":\"c1\",\"applicant\":\"E2\",\"measure\":\"丙\",\"facts\":{\"申请金额\":\"7\"}}\n";

api::Edition edition() {
  static const api::LoadResult loaded = api::Policy::from_text(kRules, "small.kuan");
  REQUIRE(loaded.ok());
  return loaded.policy->latest();
}

// The same year through the service's entry point for an engine edition (what
// `kuan allocate` and the façade share): the façade must give the same bytes.
struct Internal {
  std::string text;
  api::AllocationSummary summary;
};
Internal internal_run(const std::string& input, api::AllocationFormat in, api::AllocationFormat out) {
  std::vector<kuan::Diagnostic> diags;
  static const auto policy = kuan::Policy::from_text("small.kuan", kRules, diags);
  REQUIRE(policy);
  std::istringstream is(input);
  std::ostringstream os;
  auto r = kuan::allocate(*policy->latest(), is, os, {in, out, {}, {}});
  REQUIRE(r.index() == 0);
  return {os.str(), std::get<0>(r)};
}

// "1234.50" → 123450.
std::int64_t fen(const std::string& text) {
  std::string digits;
  for (const char c : text)
    if (c != '.') digits += c;
  return std::stoll(digits);
}

}  // namespace

TEST_CASE("api allocate: the allocator's bytes, and its figures as decimal text", "[api][allocate]") {
  for (const auto out : {api::AllocationFormat::Jsonl, api::AllocationFormat::Csv}) {
    std::istringstream in(kYear);
    std::ostringstream os;
    auto r = api::allocate(edition(), in, os, {api::AllocationFormat::Jsonl, out, {}, {}});
    REQUIRE(std::holds_alternative<api::AllocationSummary>(r));
    const auto want = internal_run(kYear, api::AllocationFormat::Jsonl, out);
    CHECK(os.str() == want.text);
    const auto& s = std::get<api::AllocationSummary>(r);
    CHECK(s.applications == 7);
    REQUIRE(s.pools.size() == 1);
    CHECK(s.pools[0].scaled);
    CHECK(s.pools[0].amount == "10.00");
    CHECK(s.pools[0].allocated == "10.00");
    CHECK(s.pools[0].requested == want.summary.pools[0].requested);
    CHECK(s.pools[0].pro_rata == "10.00/" + s.pools[0].requested);
    REQUIRE(s.measures.size() == want.summary.measures.size());
    std::int64_t allocated = 0, amount = 0;
    std::uint64_t funded = 0;
    for (std::size_t i = 0; i < s.measures.size(); ++i) {
      CHECK(s.measures[i].measure == want.summary.measures[i].measure);
      CHECK(s.measures[i].amount == want.summary.measures[i].amount);
      CHECK(s.measures[i].allocated == want.summary.measures[i].allocated);
      allocated += fen(s.measures[i].allocated);
      amount += fen(s.measures[i].amount);
      funded += s.measures[i].eligible;
    }
    CHECK(fen(s.allocated) == allocated);
    CHECK(fen(s.amount) == amount);
    CHECK(s.funded == funded);
    REQUIRE(s.quotas.size() == 1);
    CHECK(s.quotas[0].funded == 2);
    CHECK(s.quotas[0].cutoff_score == "90");
  }
}

TEST_CASE("api allocate: a bad record refuses the year, with its line, column and field", "[api][allocate]") {
  std::istringstream in(std::string(kYear) + "{\"id\":\"x\",\"applicant\":\"E9\",\"measure\":\"甲\",\"facts\":{\"金额\":1}}\n");
  std::ostringstream os;
  auto r = api::allocate(edition(), in, os);
  REQUIRE(std::holds_alternative<api::AllocationError>(r));
  const auto& e = std::get<api::AllocationError>(r);
  CHECK(e.where.line == 8);
  CHECK(e.where.column > 1);
  CHECK(e.field == "facts.金额");
  CHECK(e.id == "x");
  CHECK(os.str().empty());  // nothing written
  CHECK(e.to_string("IN").rfind("IN:8:" + std::to_string(e.where.column) + ": error: 字段 facts.金额:", 0) == 0);

  std::istringstream csv("id,applicant,measure,申请金额\na,E,丙,\"1\"x\n");
  auto c = api::allocate(edition(), csv, os, {api::AllocationFormat::Csv, api::AllocationFormat::Csv, {}, {}});
  REQUIRE(std::holds_alternative<api::AllocationError>(c));
  CHECK(std::get<api::AllocationError>(c).where.line == 2);
  CHECK(std::get<api::AllocationError>(c).where.column == 10);  // the x after the closing quote
}

TEST_CASE("api Allocator: an edition it cannot allocate is refused when created", "[api][allocate]") {
  auto loaded = api::Policy::from_text(
      "政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.001元\n事实 x: 金额\n措施 甲 {\n  金额 = x\n}\n");
  REQUIRE(loaded.ok());
  auto a = api::Allocator::create(loaded.policy->latest());
  REQUIRE(std::holds_alternative<api::AllocationError>(a));
  CHECK(std::get<api::AllocationError>(a).message.find("3 位小数") != std::string::npos);
  CHECK_FALSE(std::get<api::AllocationError>(a).where.known());
}

TEST_CASE("api Allocator: record by record, then decision() gives write()'s lines", "[api][allocate]") {
  auto created = api::Allocator::create(edition());
  REQUIRE(std::holds_alternative<api::Allocator>(created));
  auto& a = std::get<api::Allocator>(created);
  std::istringstream lines(kYear);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);) REQUIRE_FALSE(a.add(line, ++n));
  REQUIRE_FALSE(a.finish());
  CHECK(a.size() == 7);
  CHECK(a.summary().applications == 7);
  std::ostringstream written;
  std::vector<api::AllocationProgress> seen;
  REQUIRE(a.write(written, api::AllocationFormat::Csv, [&](const api::AllocationProgress& p) { seen.push_back(p); }));
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back().pass == 2);
  CHECK(seen.back().records == 7);
  std::string one = api::Allocator::csv_header();
  for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(a.decision(i, api::AllocationFormat::Csv, one));
  CHECK(one == written.str());
  CHECK_FALSE(a.decision(7, api::AllocationFormat::Csv, one));
  CHECK(a.add("{}", 9).has_value());  // after finish()

  api::Allocator b = std::move(a);
  CHECK(b.size() == 7);
  CHECK(a.size() == 0);  // moved from: errors or nothing, never a crash
  CHECK(a.add("{}", 1).has_value());
  CHECK(a.summary().applications == 0);
  CHECK_FALSE(a.decision(0, api::AllocationFormat::Jsonl, one));
}

TEST_CASE("api Allocator: a year in two parts, ranked and pooled outside, gives the whole year", "[api][allocate]") {
  std::vector<std::string> lines;
  std::istringstream in(kYear);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::istringstream whole_in(kYear);
  std::ostringstream whole;
  REQUIRE(api::allocate(edition(), whole_in, whole).index() == 0);

  const std::vector<std::vector<std::size_t>> parts = {{0, 2, 5}, {1, 3, 4, 6}};  // E1 | E2, E3, E4
  std::vector<api::Allocator> alloc;
  struct Cand {
    std::string quota, score;
    std::size_t year, part, index;
  };
  std::vector<Cand> cands;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    alloc.push_back(std::get<api::Allocator>(api::Allocator::create(edition())));
    for (const std::size_t i : parts[p]) REQUIRE_FALSE(alloc[p].add(lines[i], i + 1));
    auto found = alloc[p].quota_candidates();
    REQUIRE(found.index() == 0);
    for (const auto& c : std::get<0>(found)) cands.push_back({c.quota, c.score, parts[p][c.index], p, c.index});
  }
  REQUIRE(cands.size() == 3);
  // Scores here are whole numbers of equal length: text order is number order.
  std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
    return a.score != b.score ? a.score > b.score : a.year < b.year;
  });
  std::vector<std::vector<std::uint32_t>> ranks(parts.size());
  for (std::size_t p = 0; p < parts.size(); ++p) ranks[p].assign(parts[p].size(), 0);
  for (std::size_t i = 0; i < cands.size(); ++i) ranks[cands[i].part][cands[i].index] = static_cast<std::uint32_t>(i + 1);
  std::int64_t total = 0;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    REQUIRE_FALSE(alloc[p].finish_part(ranks[p]));
    for (const auto& s : alloc[p].pool_shares()) total += s.amount_fen;
  }
  REQUIRE(alloc[0].pools().size() == 1);
  CHECK(alloc[0].pools()[0].second == 1000);
  REQUIRE(total > 1000);
  // The leftover cents by largest remainder over the year (ties: earlier).
  struct Share {
    std::size_t year, part, index;
    std::int64_t remainder;
  };
  std::vector<Share> shares;
  std::int64_t floors = 0;
  for (std::size_t p = 0; p < parts.size(); ++p)
    for (const auto& s : alloc[p].pool_shares()) {
      floors += s.amount_fen * 1000 / total;
      shares.push_back({parts[p][s.index], p, s.index, s.amount_fen * 1000 % total});
    }
  std::sort(shares.begin(), shares.end(),
            [](const Share& a, const Share& b) { return a.remainder != b.remainder ? a.remainder > b.remainder : a.year < b.year; });
  std::vector<std::vector<std::size_t>> extra(parts.size());
  for (std::int64_t k = 0; k < 1000 - floors; ++k) extra[shares[k].part].push_back(shares[k].index);
  for (std::size_t p = 0; p < parts.size(); ++p) CHECK(alloc[p].set_pool(0, total, extra[p]));
  CHECK_FALSE(alloc[0].set_pool(5, total, {}));

  std::vector<std::string> got(lines.size());
  for (std::size_t p = 0; p < parts.size(); ++p)
    for (std::size_t k = 0; k < parts[p].size(); ++k) alloc[p].decision(k, api::AllocationFormat::Jsonl, got[parts[p][k]]);
  std::string joined;
  for (const auto& g : got) joined += g;
  CHECK(joined == whole.str());
}
