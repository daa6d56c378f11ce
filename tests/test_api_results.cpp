// The façade's results as text (api::to_json / to_text, the same renderer as
// `kuan eval`), recovery from a misspelt fact name, and batches through
// <kuan/batch.hpp> — each compared with what the `kuan` command prints.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kuan/batch.hpp"
#include "kuan/kuan.h"
#include "kuan/kuan.hpp"

namespace api = kuan::api;
namespace fs = std::filesystem;

namespace {

const std::string kPolicy = std::string(KUAN_SOURCE_DIR) + "/policies/hangzhou-ai";

const api::Policy& hangzhou() {
  static const api::Policy policy = api::Policy::load(kPolicy).value();
  return policy;
}

// stdout of `kuan ARGS` (stderr dropped).
std::string kuan_stdout(const std::string& args) {
  const std::string cmd = std::string("\"") + KUAN_BINARY + "\" " + args + " 2>/dev/null";
  std::FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& name, const std::string& text)
      : path(fs::temp_directory_path() / ("kuan-api-results-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() { fs::remove(path); }
};

struct Case {
  const char* measure;
  const char* facts;
};

// Eligible, not eligible, a 按 choice, a cap already used up (a note), a room (已用).
const Case kCases[] = {
    {"算力券", R"({"合同金额": 1200000, "采购类型": "算力服务", "算力设施档位": "一档"})"},
    {"算力券", R"({"合同金额": "300万元", "采购类型": "模型服务", "模型已备案": false})"},
    {"算力券", R"({"合同金额": 1000000, "采购类型": "算力服务", "算力设施档位": "一档", "同一合同智能券金额": 300000, "智能券档位": "二档"})"},
    {"智能券", R"({"合同金额": 800000, "申请主体": "高校", "智能券档位": "一档"})"},
    {"算力券免审配套", R"({"合同金额": 2000000, "智能券档位": "一档", "本年度已申领算力券": 7900000})"},
    {"算力券", R"({"合同金额": 1200000, "采购类型": "算力服务", "算力设施档位": "一档", "本年度已申领算力券": 8000000})"},
};

}  // namespace

TEST_CASE("api: to_json and to_text are byte for byte what kuan eval prints", "[api][render]") {
  const api::Edition ed = hangzhou().edition("2025年版").value();
  int n = 0;
  for (const Case& c : kCases) {
    TempFile facts("facts-" + std::to_string(n++) + ".json", c.facts);
    for (bool explain : {false, true}) {
      INFO(c.measure << " " << c.facts << (explain ? " --explain" : ""));
      auto r = ed.evaluate_json(c.measure, c.facts, api::EvaluateOptions{explain});
      REQUIRE(r);
      CHECK(r->explanation.has_value() == explain);
      const std::string args = "eval \"" + kPolicy + "\" --version 2025年版 --measure " + c.measure + " --facts \"" +
                               facts.path.string() + "\"" + (explain ? " --explain" : "");
      const std::string cli_json = kuan_stdout(args + " --format json");
      REQUIRE(!cli_json.empty());
      CHECK(api::to_json(*r) + "\n" == cli_json);
      CHECK(api::to_text(*r) == kuan_stdout(args + " --format text"));
      if (explain) {
        // The explanation alone is the object under "explanation", and the text after the result's lines.
        const std::string x = api::to_json(*r->explanation);
        CHECK(cli_json.find(",\"explanation\":" + x + "}") != std::string::npos);
        CHECK(api::to_text(*r).find(api::to_text(*r->explanation)) != std::string::npos);
        CHECK(x.find("\"conditions\":[") != std::string::npos);
      }
    }
  }
}

TEST_CASE("api: the explanation carries what its text says", "[api][render]") {
  const api::Edition ed = hangzhou().edition("2025年版").value();
  auto r = ed.evaluate_json("智能券", kCases[3].facts, api::EvaluateOptions{true});
  REQUIRE(r);
  const api::Explanation& x = *r->explanation;
  CHECK(x.edition == "2025年版");
  CHECK(x.eligible);
  CHECK(x.amount == r->amount);
  CHECK(x.bound == r->bound);
  CHECK(x.computed_expression == "基数 × 比例");
  CHECK(!x.computed_where.known());  // no 金额 rule written
  // 智能券's rate is chosen by 按 智能券档位: the choice names the arm taken.
  bool chose = false;
  for (const auto& c : x.rate_choices) chose = chose || (c.kind == "按" && c.outcome == "一档" && c.where.known());
  for (const auto& c : x.amount_choices) chose = chose || (c.kind == "按" && c.outcome == "一档" && c.where.known());
  CHECK(chose);
  // 算力券 tests its requirements: each as written, with whether it held.
  auto s = ed.evaluate_json("算力券", kCases[1].facts, api::EvaluateOptions{true});
  REQUIRE(s);
  REQUIRE(!s->explanation->conditions.empty());
  bool failed = false;
  for (const auto& c : s->explanation->conditions) {
    CHECK(!c.condition.empty());
    failed = failed || !c.held;
  }
  CHECK(failed);
  CHECK(!s->explanation->eligible);
}

TEST_CASE("api: a misspelt fact name can be taken back", "[api]") {
  const api::Edition ed = hangzhou().edition("2025年版").value();
  api::Facts f = ed.new_facts();
  CHECK(f.set_money("合同金额", "120万元"));
  CHECK(f.set_enum("采购类型", "算力服务"));
  CHECK(f.set_enum("算力设施挡位", "一档").error().code == api::ErrorCode::UnknownFact);  // 挡 for 档
  CHECK(ed.evaluate("算力券", f).error().code == api::ErrorCode::UnknownFact);
  // Setting the right name is not enough: the misspelt one is still remembered …
  CHECK(f.set_enum("算力设施档位", "一档"));
  CHECK(ed.evaluate("算力券", f).error().code == api::ErrorCode::UnknownFact);
  // … until it is unset; the facts set stay.
  CHECK(f.unset("算力设施挡位"));
  CHECK(f.errors().empty());
  auto r = ed.evaluate("算力券", f);
  REQUIRE(r);
  CHECK(r->amount == "360000.00");
  // A name never written is still unknown.
  CHECK(f.unset("从未写过").error().code == api::ErrorCode::UnknownFact);

  // From JSON: all or nothing, and the same way back; clear_errors() forgets every error.
  CHECK(f.set_json(R"({"合同金额": 1000000, "采购类型x": "算力服务"})").error().code == api::ErrorCode::UnknownFact);
  CHECK(f.set_json("{bad").error().code == api::ErrorCode::BadJson);
  CHECK(f.errors().size() == 2);
  CHECK(!ed.evaluate("算力券", f));
  f.clear_errors();
  CHECK(f.errors().empty());
  r = ed.evaluate("算力券", f);
  REQUIRE(r);
  CHECK(r->amount == "360000.00");  // the JSON changed nothing
}

TEST_CASE("c api: a misspelt fact name can be taken back", "[api]") {
  kuan_error err{};
  kuan_policy* p = kuan_policy_load(kPolicy.c_str(), nullptr, &err);
  REQUIRE(p);
  const kuan_edition* ed = kuan_policy_edition(p, "2025年版", &err);
  REQUIRE(ed);
  kuan_facts* f = kuan_facts_new(ed);
  CHECK(kuan_facts_set_money(f, "合同金额", "120万元", &err) == KUAN_OK);
  CHECK(kuan_facts_set_enum(f, "采购类型", "算力服务", &err) == KUAN_OK);
  CHECK(kuan_facts_set_enum(f, "算力设施挡位", "一档", &err) == KUAN_UNKNOWN_FACT);
  CHECK(kuan_facts_set_enum(f, "算力设施档位", "一档", &err) == KUAN_OK);
  kuan_result* r = kuan_evaluate(ed, "算力券", f, 0, &err);
  CHECK(!r);
  CHECK(err.code == KUAN_UNKNOWN_FACT);
  CHECK(kuan_facts_unset(f, "算力设施挡位", &err) == KUAN_OK);
  r = kuan_evaluate(ed, "算力券", f, 0, &err);
  REQUIRE(r);
  kuan_result_free(r);
  CHECK(kuan_facts_set_enum(f, "算力设施挡位", "一档", &err) == KUAN_UNKNOWN_FACT);
  kuan_facts_clear_errors(f);
  r = kuan_evaluate(ed, "算力券", f, 0, &err);
  REQUIRE(r);
  kuan_result_free(r);
  kuan_facts_free(f);
  kuan_policy_free(p);
  kuan_error_clear(&err);
}

TEST_CASE("batch api: evaluate_batch writes what kuan eval --batch writes", "[api][batch]") {
  const api::Edition ed = hangzhou().edition("2025年版").value();
  const std::string input = std::string(KUAN_SOURCE_DIR) + "/examples/applications.jsonl";
  std::ifstream file(input, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  const std::string cli = kuan_stdout("eval \"" + kPolicy + "\" --version 2025年版 --batch \"" + input + "\" --no-progress");
  REQUIRE(!cli.empty());
  for (unsigned jobs : {1u, 3u}) {
    std::istringstream in(text.str());
    std::ostringstream out;
    api::BatchOptions options;
    options.jobs = jobs;
    std::size_t progress_calls = 0;
    options.progress = [&](const api::BatchProgress&) { ++progress_calls; };
    const api::BatchSummary s = api::evaluate_batch(hangzhou(), ed, in, out, options);
    CHECK(s.status == api::BatchStatus::Ok);
    CHECK(s.written == 5);
    CHECK(progress_calls > 0);
    CHECK(out.str() == cli);
  }
  // Line by line (kuan.dask): the same bytes.
  std::istringstream in(text.str());
  std::string line, joined;
  for (std::size_t n = 1; std::getline(in, line); ++n) CHECK(api::evaluate_batch_line(hangzhou(), ed, line, n, {}, joined));
  CHECK(joined == cli);

  // A bad record is a row; a bad CSV header refuses the batch; options that clash are refused.
  std::istringstream bad("{\"measure\": \"没有\", \"facts\": {}}\n");
  std::ostringstream bad_out;
  CHECK(api::evaluate_batch(hangzhou(), ed, bad, bad_out).status == api::BatchStatus::BadRecords);
  CHECK(bad_out.str().find("\"code\":\"unknown_measure\"") != std::string::npos);
  // A header cell one character from a fact is that fact misspelt: refused, with the hint.
  std::istringstream csv("measure,合同金頟\n算力券,1\n");
  std::ostringstream csv_out;
  api::BatchOptions csv_options;
  csv_options.input = csv_options.output = api::BatchFormat::Csv;
  const auto refused = api::evaluate_batch(hangzhou(), ed, csv, csv_out, csv_options);
  CHECK(refused.status == api::BatchStatus::BadHeader);
  CHECK(refused.line == 1);
  CHECK(refused.message.find("合同金頟(是不是 合同金额?)") != std::string::npos);
  CHECK(csv_out.str().empty());
  // Any other column is not a fact (企业名称): carried to the end of CSV rows, with one warning.
  std::istringstream named("measure,企业名称,合同金额,采购类型,算力设施档位\n算力券,\"甲, 公司\",100,算力服务,一档\n");
  std::ostringstream named_out;
  const auto passed = api::evaluate_batch(hangzhou(), ed, named, named_out, csv_options);
  CHECK(passed.status == api::BatchStatus::Ok);
  REQUIRE(passed.warnings.size() == 1);
  CHECK(passed.warnings[0].find("企业名称") != std::string::npos);
  CHECK(named_out.str().find(",error,企业名称\n") != std::string::npos);
  CHECK(named_out.str().find(",\"甲, 公司\"\n") != std::string::npos);
  csv_options.explain = true;
  std::istringstream empty;
  CHECK(api::evaluate_batch(hangzhou(), ed, empty, csv_out, csv_options).status == api::BatchStatus::BadArgument);
}

TEST_CASE("batch api: one application as kuan eval --facts takes it", "[api][batch]") {
  const api::Edition ed = hangzhou().edition("2025年版").value();
  std::string out;
  CHECK(!api::evaluate_facts_json(ed, "算力券", kCases[0].facts, false, api::ResultFormat::Json, out));
  CHECK(out == api::to_json(*ed.evaluate_json("算力券", kCases[0].facts)));
  out.clear();
  auto e = api::evaluate_facts_json(ed, "算力券", "{\"合同金额\": 1,\n oops}", false, api::ResultFormat::Json, out);
  REQUIRE(e);
  CHECK(e->line == 2);
  CHECK(e->column > 0);
  e = api::evaluate_facts_json(ed, "算力券", "{}", false, api::ResultFormat::Text, out);
  REQUIRE(e);
  CHECK(e->code == "missing_fact");
  CHECK(e->message.rfind("缺少必需的事实 合同金额", 0) == 0);
  CHECK(out.empty());
}
