// The compiled evaluator (the flat plan) against the reference tree-walker: on
// every 例 of the shipped policy and of examples/, and on generated applications of every measure (amounts from
// zero to beyond 64 bits, odd scales, facts left out), both must give the same
// outcome or the same error, and the same explanation. The compiled form must
// also actually decide the ordinary cases itself, and hand the huge ones over.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "interpreter/compiled.hpp"
#include "interpreter/compiled_plan.hpp"
#include "interpreter/evaluator.hpp"
#include "services/examples.hpp"
#include "interpreter/fixed.hpp"
#include "interpreter/policy.hpp"

using namespace kuan;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const Policy> load(const char* folder) {
  std::vector<Diagnostic> diags;
  auto p = Policy::load(folder, diags);
  if (!p) throw std::runtime_error(std::string(folder) + " does not load");
  return p;
}

// A policy of one rule file written for a test, loaded from a folder of its own
// (removed again once loaded).
std::shared_ptr<const Policy> load_rules(const std::string& tag, const std::string& rules) {
  const fs::path dir = fs::temp_directory_path() / ("kuan-" + tag + "-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  std::ofstream(dir / "r.kuan") << rules;
  std::shared_ptr<const Policy> policy;
  try {
    policy = load(dir.string().c_str());
  } catch (...) {
    fs::remove_all(dir);
    throw;
  }
  fs::remove_all(dir);
  return policy;
}

std::shared_ptr<const Policy> shipped() {
  static std::shared_ptr<const Policy> policy = load(KUAN_SOURCE_DIR "/policies/hangzhou-ai");
  return policy;
}

bool holds_rules(const std::filesystem::path& folder) {
  for (const auto& f : std::filesystem::recursive_directory_iterator(folder))
    if (f.path().extension() == ".kuan") return true;
  return false;
}

// Every policy of the repository: the shipped one and every folder under
// examples/ (found, not listed: a new example is covered when it lands).
std::vector<std::shared_ptr<const Policy>> every_policy() {
  static std::vector<std::shared_ptr<const Policy>> all = [] {
    std::vector<std::shared_ptr<const Policy>> found = {shipped()};
    std::vector<std::string> folders;
    for (const auto& entry : std::filesystem::directory_iterator(KUAN_SOURCE_DIR "/examples"))
      if (entry.is_directory() && holds_rules(entry.path())) folders.push_back(entry.path().string());
    std::sort(folders.begin(), folders.end());
    for (const auto& folder : folders) found.push_back(load(folder.c_str()));
    return found;
  }();
  REQUIRE(all.size() >= 2);
  return all;
}

// Same value and same scale: the text a result prints as must agree too.
bool same(const Decimal& a, const Decimal& b) { return a == b && a.scale() == b.scale(); }
bool same(const std::optional<Decimal>& a, const std::optional<Decimal>& b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

std::string describe(const EvalResult& r) {
  if (const auto* e = std::get_if<EvalError>(&r))
    return "error " + e->message + " @" + std::to_string(e->span.begin) + "-" + std::to_string(e->span.end);
  const Outcome& o = std::get<Outcome>(r);
  std::string s = o.eligible ? "eligible " : "ineligible ";
  s += o.amount.to_string() + " bound=" + (o.bound ? o.bound->name : "-") + " failed=" + std::to_string(o.failed.size());
  return s;
}

bool same_result(const EvalResult& a, const EvalResult& b) {
  if (a.index() != b.index()) return false;
  if (const auto* ea = std::get_if<EvalError>(&a)) {
    const auto& eb = std::get<EvalError>(b);
    return ea->message == eb.message && ea->span.file == eb.span.file && ea->span.begin == eb.span.begin &&
           ea->span.end == eb.span.end;
  }
  const Outcome& x = std::get<Outcome>(a);
  const Outcome& y = std::get<Outcome>(b);
  return x.measure == y.measure && x.eligible == y.eligible && same(x.amount, y.amount) && x.failed == y.failed &&
         x.bound == y.bound;
}

// What differs between two explanations ("" when none).
std::string trace_difference(const Trace& a, const Trace& b) {
  if (a.conditions.size() != b.conditions.size()) return "condition count";
  for (std::size_t i = 0; i < a.conditions.size(); ++i)
    if (a.conditions[i].requirement != b.conditions[i].requirement || a.conditions[i].held != b.conditions[i].held ||
        a.conditions[i].detail != b.conditions[i].detail)
      return "condition " + std::to_string(i);
  auto choices = [](const std::vector<ChoiceTrace>& x, const std::vector<ChoiceTrace>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i].node != y[i].node || x[i].held != y[i].held || x[i].subject != y[i].subject) return false;
    return true;
  };
  if (!choices(a.rate_choices, b.rate_choices)) return "rate choices";
  if (!choices(a.amount_choices, b.amount_choices)) return "amount choices";
  if (!same(a.rate, b.rate)) return "rate";
  if (!same(a.base, b.base)) return "base";
  if (!same(a.computed, b.computed)) return "computed " + a.computed.to_string() + " vs " + b.computed.to_string();
  if (a.caps.size() != b.caps.size()) return "cap count";
  for (std::size_t i = 0; i < a.caps.size(); ++i) {
    const auto &x = a.caps[i], &y = b.caps[i];
    if (x.cap != y.cap || x.applies != y.applies || !same(x.limit, y.limit) || !same(x.used, y.used) ||
        !same(x.room, y.room))
      return "cap " + std::to_string(i);
  }
  if (!same(a.before_rounding, b.before_rounding)) return "before rounding";
  return "";
}

// How many `op` instructions the measure's plain plan holds.
long instructions(const Edition& ed, const MeasureInfo& m, plan::Op op) {
  const auto& code = compiled_form(ed, m)->plain.code;
  return std::count_if(code.begin(), code.end(), [&](const plan::Ins& i) { return i.op == op; });
}

struct Tally {
  int decided = 0;   // by the compiled form itself
  int handed = 0;    // to the tree-walker
  int errors = 0;
};

// Runs one application every way and checks they agree.
void check(const Edition& ed, const MeasureInfo& m, const FactValues& facts, Tally& tally, const std::string& what) {
  INFO(ed.name << " " << m.decl->name << " " << what);
  const EvalResult reference = evaluate_measure_reference(ed, m, facts);
  const EvalResult served = evaluate_measure(ed, m, facts);
  INFO("reference: " << describe(reference) << "\nserved: " << describe(served));
  CHECK(same_result(reference, served));

  Trace ref_trace, fast_trace;
  const EvalResult reference_explained = evaluate_measure_reference(ed, m, facts, &ref_trace);
  const EvalResult served_explained = evaluate_measure(ed, m, facts, &fast_trace);
  CHECK(same_result(reference_explained, served_explained));
  CHECK(same_result(reference, reference_explained));
  if (std::holds_alternative<Outcome>(reference)) CHECK(trace_difference(ref_trace, fast_trace) == "");

  const CompiledMeasure* compiled = compiled_form(ed, m);
  if (!compiled && !m.decl->results.empty()) {  // 结果: handed to the tree-walker (docs/language.md)
    if (const auto* o = std::get_if<Outcome>(&served)) CHECK(o->figures == std::get<Outcome>(reference).figures);
    ++tally.handed;
    return;
  }
  REQUIRE(compiled);
  // Without an explanation, the flat plan (the steps compiled in) serves every
  // measure but one with more 要求 than it records; with one, the segment plan.
  CHECK(compiled->plain.flat == (m.requirements.size() <= plan::kFlatRequirements));
  CHECK_FALSE(compiled->explaining.flat);
  // Required facts are checked before either form runs: the compiled form is
  // only ever given applications that have them.
  if (const auto missing = missing_required_facts(ed, m, facts); !missing.empty()) {
    REQUIRE(std::holds_alternative<EvalError>(reference));
    // A failed 校验 is reported before the required facts are looked for
    // (docs/language.md, 校验): then the error is the 校验's, naming none.
    const EvalError& error = std::get<EvalError>(reference);
    if (error.kind == ErrorKind::InvalidApplication)
      CHECK(error.missing.empty());
    else
      CHECK(error.missing == missing);
    ++tally.handed, ++tally.errors;
    return;
  }
  const auto direct = run_compiled(ed, m, *compiled, facts, nullptr);
  if (direct) {
    ++tally.decided;
    CHECK(same_result(reference, EvalResult(*direct)));
  } else {
    ++tally.handed;
  }
  if (std::holds_alternative<EvalError>(reference)) {
    ++tally.errors;
    CHECK_FALSE(direct);  // errors are always the tree-walker's to word
  }
  // evaluate_measure's fast entry (no 校验, no 施行: the Outcome built in
  // place): the same outcome as run_compiled, or nothing when that hands over.
  CHECK(compiled->direct == (m.validations.empty() && !m.in_force && compiled->plain.flat));
  if (compiled->direct) {
    FlatDecision decision;
    const bool decided = decide_flat(ed, m, *compiled, facts, decision);
    CHECK(decided == static_cast<bool>(direct));
    if (decided) CHECK(same_result(reference, EvalResult(std::in_place_type<Outcome>, AsOutcome{ed, m, decision})));
  }
  // The batch's fast lane: facts in their fixed-point lanes alone (no Values,
  // as json_fast's Binding::FixedOnly binds them), decided by the compiled form
  // alone — the same outcome, or nothing (never an error, never a guess).
  FactValues lanes(ed.facts.size());
  lanes.present = facts.present;
  lanes.fixed = facts.fixed;
  const auto alone = decide_compiled(ed, m, lanes);
  if (alone) CHECK(same_result(reference, EvalResult(*alone)));
  if (std::holds_alternative<EvalError>(reference)) CHECK_FALSE(alone);
  if (m.validations.empty()) CHECK(static_cast<bool>(alone) == static_cast<bool>(direct));
  else CHECK_FALSE(alone);  // 校验 are the tree-walker's
}

FactValues facts_of_example(const Edition& ed, const ast::ExampleDecl& x) {
  auto built = ::kuan::example_facts(ed, x);  // services/examples.hpp: list facts too
  REQUIRE(std::holds_alternative<FactValues>(built));
  return std::get<FactValues>(built);
}

// A generated value of a fact's type. Money runs from zero through the
// policy's thresholds to amounts no 64-bit mantissa holds.
Value generated(const Edition& ed, const FactInfo& f, std::mt19937_64& rng) {
  auto pick = [&](std::uint64_t n) { return static_cast<std::int64_t>(rng() % n); };
  auto decimal = [&](bool allow_huge) {
    switch (pick(allow_huge ? 10 : 8)) {
      case 0: return Decimal::from_int(0);
      case 1: return Decimal::from_scaled(pick(100000000), 2);                      // to 100万元, in 分
      case 2: return Decimal::from_int(pick(100) * 100000);                         // round 10万元 steps
      case 3: return Decimal::from_scaled(pick(1000000000000), pick(4));            // any scale up to 3
      case 4: return Decimal::from_int(500000 + pick(3) - 1);                        // around thresholds
      case 5: return Decimal::from_int(8000000 + pick(3) - 1);
      case 6: return Decimal::from_scaled(pick(1000) - 100, 2);                      // cents, now and then negative
      case 7: return Decimal::from_scaled(pick(1000000) + 1, 6 + pick(14));          // long scales (to 19)
      case 8: return *Decimal::parse("9223372036854775807.99");                     // beyond int64 in 分
      default: return *Decimal::parse(std::to_string(pick(1000000000) + 1) + "000000000000000000000.5");
    }
  };
  switch (f.type.kind) {
    case TypeKind::Money: return Value::money(decimal(true));
    case TypeKind::Rate: return Value::rate(Decimal::from_scaled(pick(10001), 4));
    case TypeKind::Integer: return Value::of_number(TypeKind::Integer, Decimal::from_int(pick(200)));
    case TypeKind::Number: return Value::of_number(TypeKind::Number, decimal(false));
    case TypeKind::Bool: return Value::boolean(pick(2) == 1);
    case TypeKind::Date: return Value::date(static_cast<std::int32_t>(19000 + pick(3000)));
    case TypeKind::Enum: {
      const auto n = f.type.enum_id >= 0 ? ed.enums[static_cast<std::size_t>(f.type.enum_id)].values.size() : 1;
      return Value::enumeration(static_cast<int>(pick(n)));
    }
    case TypeKind::List:  // lists are tested in test_lists.cpp
    case TypeKind::Error: break;
  }
  return {};
}

// Facts for a measure: each left out now and then (a required one rarely, for
// the errors), a money fact at one of `edges` (the seams of the rules'
// constants) half the time, else a generated value.
FactValues generated_facts(const Edition& ed, const MeasureInfo& m, std::mt19937_64& rng, const std::vector<const char*>& edges) {
  FactValues facts(ed.facts.size());
  for (int slot : m.facts) {
    const FactInfo& f = ed.facts[static_cast<std::size_t>(slot)];
    if (f.required() ? rng() % 40 == 0 : rng() % 3 == 0) continue;
    const bool edge = f.type.kind == TypeKind::Money && rng() % 2 == 0;
    facts.set(slot, edge ? Value::money(*Decimal::parse(edges[rng() % edges.size()])) : generated(ed, f, rng));
  }
  return facts;
}

}  // namespace

TEST_CASE("compiled evaluator agrees with the tree-walker on every 例 of the shipped and example policies", "[compiled]") {
  Tally tally;
  int examples = 0, handed_over = 0;
  for (const auto& policy : every_policy())
  for (const auto& ed : policy->editions()) {
    for (const ast::ExampleDecl* x : ed->examples) {
      const MeasureInfo* m = ed->find_measure(x->measure);
      REQUIRE(m);
      check(*ed, *m, facts_of_example(*ed, *x), tally, "例 " + x->title);
      ++examples;
      // An edition with list facts (examples/个人所得税经营所得) reaches aggregates and 累进,
      // which the compiled form hands to the tree-walker (docs/language.md): not counted below.
      if (!ed->lists.empty()) ++handed_over;
    }
  }
  REQUIRE(examples > 100);
  // The examples are ordinary applications: the compiled form decides them.
  CHECK(tally.decided >= examples - tally.errors - handed_over);
}

TEST_CASE("compiled evaluator agrees with the tree-walker on generated applications", "[compiled]") {
  std::mt19937_64 rng(20250613);
  Tally tally;
  for (const auto& policy : every_policy())
  for (const auto& ed : policy->editions()) {
    for (const MeasureInfo& m : ed->measures) {
      for (int i = 0; i < 300; ++i) {
        FactValues facts(ed->facts.size());
        for (int slot : m.facts) {
          const FactInfo& f = ed->facts[static_cast<std::size_t>(slot)];
          // Leave out now and then even a required fact: the error must agree too.
          const bool leave_out = f.required() ? rng() % 40 == 0 : rng() % 3 == 0;
          if (!leave_out) facts.set(slot, generated(*ed, f, rng));
        }
        check(*ed, m, facts, tally, "generated #" + std::to_string(i));
      }
    }
  }
  // Both paths are exercised: most applications decided in 64 bits, the huge
  // and long-scaled ones handed over (exactly, as the checks above say).
  CHECK(tally.decided > tally.handed);
  CHECK(tally.handed - tally.errors > 100);
  CHECK(tally.errors > 10);
}

TEST_CASE("compiled evaluator hands over what does not fit in 64 bits", "[compiled]") {
  const Edition& ed = *shipped()->editions().front();
  const MeasureInfo* m = ed.find_measure("算力券");
  REQUIRE(m);
  const CompiledMeasure* compiled = compiled_form(ed, *m);
  REQUIRE(compiled);
  FactValues facts(ed.facts.size());
  facts.set(ed.find_fact("采购类型"), Value::enumeration(1));
  facts.set(ed.find_fact("算力设施档位"), Value::enumeration(0));
  facts.set(ed.find_fact("合同金额"), Value::money(*Decimal::parse("1000000")));
  const auto small = run_compiled(ed, *m, *compiled, facts, nullptr);
  REQUIRE(small);
  const EvalResult reference = evaluate_measure_reference(ed, *m, facts);
  REQUIRE(std::holds_alternative<Outcome>(reference));
  CHECK(same(small->amount, std::get<Outcome>(reference).amount));
  CHECK(small->amount.to_string() == "300000.00");
  // 10^30 元: the amount's mantissa needs more than 64 bits.
  facts.set(ed.find_fact("合同金额"), Value::money(*Decimal::parse("1000000000000000000000000000000")));
  CHECK_FALSE(run_compiled(ed, *m, *compiled, facts, nullptr));
  const EvalResult served = evaluate_measure(ed, *m, facts);
  REQUIRE(std::holds_alternative<Outcome>(served));
  CHECK(std::get<Outcome>(served).amount.to_string() == "8000000.00");  // the yearly cap binds
  CHECK(std::get<Outcome>(served).bound->name == "算力券年度余额");
}

TEST_CASE("a measure reaching a range table is handed to the tree-walker, with the same results", "[compiled]") {
  const auto policy = load_rules("ranges",
                                 "政策 \"t\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                                   "事实 投入: 金额\n参数 门槛 = 500万元\n"
                                   "措施 分档 { 比例 = 按 投入 { 门槛(不含) 以下 => 10%, 门槛(含) 至 1000万元(含) => 20%,"
                                   " 1000万元(不含) 以上 => 30% }  基数 = 投入 }\n");
  const Edition& ed = *policy->editions().front();
  const MeasureInfo* m = ed.find_measure("分档");
  REQUIRE(m);
  Tally tally;
  for (const char* x : {"0", "4999999.99", "5000000", "10000000", "10000000.01", "1e40"}) {
    FactValues facts(ed.facts.size());
    const std::string text = std::string(x) == "1e40" ? "1" + std::string(40, '0') : x;
    facts.set(ed.find_fact("投入"), Value::money(*Decimal::parse(text)));
    check(ed, *m, facts, tally, x);
  }
  CHECK(tally.decided == 0);  // documented: the compiled form does not know range tables
  FactValues facts(ed.facts.size());
  facts.set(ed.find_fact("投入"), Value::money(*Decimal::parse("5000000")));
  Trace trace;
  const EvalResult r = evaluate_measure(ed, *m, facts, &trace);
  REQUIRE(std::holds_alternative<Outcome>(r));
  CHECK(std::get<Outcome>(r).amount.to_string() == "1000000.00");
  // The explanation names the arm taken, as written.
  REQUIRE(trace.rate_choices.size() == 1);
  CHECK(trace.rate_choices[0].detail == "5000000元 在 门槛(含) 至 1000万元(含) 内");
}

TEST_CASE("a 可为负 measure: negative amounts, the same from the compiled form and the tree-walker", "[compiled]") {
  const auto policy = load_rules("signed",
                                 "政策 \"t\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                                   "事实 应纳: 金额\n事实 已缴: 金额\n"
                                   "措施 补退 可为负 { 比例 = 3%  基数 = 应纳 − 已缴  上限 顶 = 1000元 }\n");
  const Edition& ed = *policy->editions().front();
  const MeasureInfo* m = ed.find_measure("补退");
  REQUIRE(m);
  Tally tally;
  const char* values[][2] = {{"1000", "300"}, {"300", "1000"}, {"0", "0.5"}, {"0.5", "0"}, {"0", "99999999.99"},
                             {"1", "1"}, {"100000", "0"}, {"0", "1000000000000000000000000000000"}};
  for (const auto& v : values) {
    FactValues facts(ed.facts.size());
    facts.set(ed.find_fact("应纳"), Value::money(*Decimal::parse(v[0])));
    facts.set(ed.find_fact("已缴"), Value::money(*Decimal::parse(v[1])));
    check(ed, *m, facts, tally, std::string(v[0]) + " − " + v[1]);
  }
  CHECK(tally.errors == 0);
  CHECK(tally.decided > 0);
  FactValues facts(ed.facts.size());
  facts.set(ed.find_fact("应纳"), Value::money(*Decimal::parse("0")));
  facts.set(ed.find_fact("已缴"), Value::money(*Decimal::parse("0.5")));
  const EvalResult r = evaluate_measure(ed, *m, facts);
  REQUIRE(std::holds_alternative<Outcome>(r));
  CHECK(std::get<Outcome>(r).amount.to_string() == "-0.02");  // −0.015 rounds away from zero
}

TEST_CASE("a count limit's refusal explains itself with its numbers, from either evaluator", "[compiled]") {
  const auto research = load(KUAN_SOURCE_DIR "/examples/科研项目限项");  // by name: examples/ holds more than one
  const Edition& ed = *research->editions().front();
  const MeasureInfo* m = ed.find_measure("科研项目资助");
  REQUIRE(m);
  FactValues facts(ed.facts.size());
  facts.set(ed.find_fact("专业方向"), Value::enumeration(0));  // 人工智能: the bound is 4
  facts.set(ed.find_fact("核定预算"), Value::money(*Decimal::parse("1000000")));
  facts.set(ed.find_fact("评审得分"), Value::of_number(TypeKind::Number, *Decimal::parse("90")));
  facts.set(ed.find_fact("本年度同方向已立项数"), Value::of_number(TypeKind::Integer, *Decimal::parse("4")));
  Tally tally;
  check(ed, *m, facts, tally, "refused");
  Trace trace;
  const EvalResult r = evaluate_measure(ed, *m, facts, &trace);
  REQUIRE(std::holds_alternative<Outcome>(r));
  CHECK_FALSE(std::get<Outcome>(r).eligible);
  REQUIRE(trace.conditions.size() == 1);
  CHECK_FALSE(trace.conditions[0].held);
  CHECK(trace.conditions[0].detail == "限额 单位方向限项:本人 本年 人工智能 已用 4 件,上限 4 件");
  // Admitted, it still says how many are left to use.
  facts.set(ed.find_fact("本年度同方向已立项数"), Value::of_number(TypeKind::Integer, *Decimal::parse("1")));
  Trace admitted;
  evaluate_measure(ed, *m, facts, &admitted);
  REQUIRE(admitted.conditions.size() == 1);
  CHECK(admitted.conditions[0].detail == "限额 单位方向限项:本人 本年 人工智能 已用 1 件,上限 4 件");
}

TEST_CASE("fixed point follows Decimal's scale rules", "[compiled]") {
  using fixed::Fx;
  const auto d = [](const char* t) { return *Decimal::parse(t); };
  const auto fx = [&](const char* t) {
    Fx x;
    REQUIRE(fixed::from_decimal(d(t), x));
    return x;
  };
  const char* operands[] = {"0", "1", "0.5", "123.45", "1234567.89", "0.001", "99999999999.999", "0.30", "7"};
  for (const char* a : operands)
    for (const char* b : operands) {
      INFO(a << " " << b);
      // Either the same Decimal, or one that Fx cannot hold (then the caller hands over).
      const auto agrees = [&](bool fitted, Fx r, const Decimal& want) {
        Fx unused;
        return fitted ? same(fixed::to_decimal(r), want) : !fixed::from_decimal(want, unused);
      };
      Fx r;
      CHECK(agrees(fixed::add(fx(a), fx(b), r), r, d(a) + d(b)));
      CHECK(agrees(fixed::sub(fx(a), fx(b), r), r, d(a) - d(b)));
      CHECK(agrees(fixed::mul(fx(a), fx(b), r), r, d(a) * d(b)));
      const auto c = d(a) <=> d(b);
      CHECK(fixed::compare(fx(a), fx(b)) == (c < 0 ? -1 : c > 0 ? 1 : 0));
      if (d(b).sign() > 0)
        for (RoundingMode mode : {RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up,
                                  RoundingMode::Floor, RoundingMode::Ceiling}) {
          CHECK(agrees(fixed::round_to_step(fx(a), fx(b), mode, r), r, d(a).round_to_step(d(b), mode)));
        }
    }
  Fx r;
  CHECK_FALSE(fixed::mul(fx("9999999999"), fx("9999999999"), r));  // 10^20: beyond int64
  CHECK_FALSE(fixed::add(fx("9223372036854775807"), fx("1"), r));
  CHECK_FALSE(fixed::mul(fx("0.0000000001"), fx("0.0000000001"), r));  // scale 20
  // Rounding half up to fewer places (the amount to 分) without the mode's
  // switch: the same as the general rounding, ties and the int64 edges too.
  for (const std::int64_t n : {std::int64_t{0}, std::int64_t{1}, std::int64_t{4}, std::int64_t{5}, std::int64_t{6},
                               std::int64_t{49}, std::int64_t{50}, std::int64_t{51}, std::int64_t{149}, std::int64_t{150},
                               std::int64_t{4999}, std::int64_t{5000}, std::int64_t{123456789}, INT64_MAX, INT64_MAX - 50,
                               INT64_MIN + 1})
    for (const std::int64_t sign : {1, -1})
      for (std::int32_t k = 1; k <= 19; ++k) {
        INFO(n * sign << " at " << k << " places fewer");
        std::int64_t fast = 0, general = 0;
        const bool fast_ok = fixed::round_half_up_places(n * sign, k, fast);
        CHECK(fast_ok == fixed::round_places(n * sign, k, RoundingMode::HalfUp, general));
        if (fast_ok) CHECK(fast == general);
      }
  std::int64_t lowest = 0, general = 0;
  for (std::int32_t k = 1; k <= 4; ++k) {
    REQUIRE(fixed::round_half_up_places(INT64_MIN, k, lowest));
    REQUIRE(fixed::round_places(INT64_MIN, k, RoundingMode::HalfUp, general));
    CHECK(lowest == general);
  }
}

// A policy written for the flat plan's corners: 要求 past what it records (the
// segment plan serves then), a definition read in one place (inlined) and one
// read in two (computed once), a computed default read once and one read twice,
// 比例 read inside 金额, 可选 facts, caps with and without 当 and 已用.
TEST_CASE("the flat plan's corners agree with the tree-walker", "[compiled]") {
  std::string rules =
      "政策 \"t\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
      "事实 投入: 金额\n事实 已得: 金额 = 0元\n事实 上年: 金额 = 投入\n事实 核定: 金额 可选\n"
      "事实 重点: 布尔 = 否\n事实 档: 枚举 { 甲, 乙, 丙 } 可选\n"
      "定义 一次 = 若 重点 则 投入 × 20% 否则 投入 × 10%\n"
      "定义 两次 = max(上年, 投入) − 已得\n"
      "措施 多要求 {\n";
  for (int k = 0; k < 70; ++k) rules += "  要求 投入 > " + std::to_string(k) + "元 否则 \"少于" + std::to_string(k) + "\"\n";
  rules += "  比例 = 10%  基数 = 投入 }\n"
           "措施 平 {\n  需要 档 当 重点\n  要求 投入 ≥ 1元 否则 \"太少\"\n  要求 非 (上年 < 0元) 否则 \"上年为负\"\n"
           "  金额 = 一次 + 两次 × 比例 − 上年 × 0%\n  比例 = 按 档 { 甲 => 30%, 乙 => 20%, 丙 => 两次 / 投入 }\n"
           "  上限 顶 = 两次\n  上限 核 = 核定 已用 已得 当 有 核定\n  上限 年 = 800万元 已用 上年 }\n"
           "措施 平二 { 比例 = 若 有 档 则 30% 否则 10%  基数 = max(投入, 上年) }\n";
  const auto policy = load_rules("flat", rules);
  const Edition& ed = *policy->editions().front();
  std::mt19937_64 rng(7);
  Tally tally;
  for (const MeasureInfo& m : ed.measures) {
    for (int i = 0; i < 400; ++i) {
      FactValues facts(ed.facts.size());
      for (int slot : m.facts) {
        const FactInfo& f = ed.facts[static_cast<std::size_t>(slot)];
        if (f.required() ? rng() % 40 != 0 : rng() % 3 != 0) facts.set(slot, generated(ed, f, rng));
      }
      check(ed, m, facts, tally, m.decl->name + " #" + std::to_string(i));
    }
  }
  CHECK(tally.decided > 300);
  CHECK(tally.handed > 100);
  const MeasureInfo* many = ed.find_measure("多要求");
  REQUIRE(many);
  CHECK_FALSE(compiled_form(ed, *many)->plain.flat);  // 70 要求: the segment plan
  CHECK(compiled_form(ed, *ed.find_measure("平"))->plain.flat);
}

TEST_CASE("periods as units: 元/月 × 个月 and a 月数 fact, decided by the compiled form as the tree-walker does", "[compiled]") {
  const auto policy = load_rules("periods",
                                 "政策 \"t\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                                   "事实 月薪: 金额/月\n事实 月数: 月数\n参数 每月 = 5000元/月\n"
                                   "定义 减除 = 每月 × 月数 + 3个月 × 0元/月\n"
                                   "措施 补 { 要求 月数 ≤ 12个月 否则 \"至多12个月\"  金额 = max(0元, 月薪 × 月数 − 减除) × 50% }\n");
  const Edition& ed = *policy->editions().front();
  const MeasureInfo* m = ed.find_measure("补");
  REQUIRE(m);
  Tally tally;
  const char* values[][2] = {{"8000", "12"}, {"5000", "12"}, {"4999.99", "7"}, {"12345.67", "1"}, {"8000", "13"},
                             {"0", "0"}, {"99999999999999999999", "12"}};
  for (const auto& v : values) {
    FactValues facts(ed.facts.size());
    facts.set(ed.find_fact("月薪"), Value::money(*Decimal::parse(v[0])));
    facts.set(ed.find_fact("月数"), Value::of_number(TypeKind::Integer, *Decimal::parse(v[1])));
    check(ed, *m, facts, tally, std::string(v[0]) + "元/月 × " + v[1] + "个月");
  }
  CHECK(tally.decided > 0);  // the units are the checker's: at run time a span is its number
  FactValues facts(ed.facts.size());
  facts.set(ed.find_fact("月薪"), Value::money(*Decimal::parse("8000")));
  facts.set(ed.find_fact("月数"), Value::of_number(TypeKind::Integer, *Decimal::parse("7")));
  const EvalResult r = evaluate_measure(ed, *m, facts);
  REQUIRE(std::holds_alternative<Outcome>(r));
  CHECK(std::get<Outcome>(r).amount.to_string() == "10500.00");  // (8000 × 7 − 5000 × 7) × 50%
}

// The superinstructions that compare with a constant (JmpK, NeedK): facts and
// definitions against constants on either side, at scales that agree and that
// do not (0.5元, 100.25元, 10^−18), at the edge of 64 bits, with 需要 … 当 and
// nested 若; generated facts reach negative, huge and long-scaled values.
TEST_CASE("comparisons with a constant agree with the tree-walker", "[compiled]") {
  const auto policy = load_rules("against",
                                 "政策 \"t\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
         "事实 投入: 金额\n事实 已得: 金额 = 0元\n事实 份额: 数值 = 0\n事实 档: 枚举 { 甲, 乙 } 可选\n"
         "事实 次: 枚举 { 甲, 乙 } 可选\n事实 重点: 布尔 = 否\n定义 常 = 5元\n定义 另 = 5元\n"
         "措施 比较 {\n  需要 档 当 投入 > 100.25元\n  需要 次 当 1000元 ≤ 已得\n  需要 次 当 常 > 1元\n"
         "  要求 投入 ≥ 0.5元 否则 \"少\"\n  要求 92233720368547758.07元 > 已得 否则 \"大\"\n"
         "  要求 另 < 投入 或 投入 = 0元 或 另 > 投入 × 2 否则 \"常\"\n  要求 非 (份额 ≠ 0.000000000000000001) 或 重点 否则 \"份额\"\n"
         "  比例 = 若 投入 > 1000.005元 则 20% 否则 若 已得 ≠ 0.1元 则 10% 否则 若 -1元 < 已得 则 5% 否则 1%\n"
         "  基数 = 投入\n  上限 顶 = 100万元 当 投入 < 92233720368547758.07元\n"
         "  上限 底 = 200万元 当 9223372036854775807 > 份额\n}\n");
  const Edition& ed = *policy->editions().front();
  const MeasureInfo* m = ed.find_measure("比较");
  REQUIRE(m);
  const auto& code = compiled_form(ed, *m)->plain.code;
  const auto count = [&](plan::Op op) { return std::count_if(code.begin(), code.end(), [&](const plan::Ins& i) { return i.op == op; }); };
  // The third 需要's 当 is a definition read once (inlined: a constant) against
  // a constant: the generic form; 另 is read twice (a memo in a register).
  CHECK(count(plan::Op::NeedK) == 2);
  CHECK(count(plan::Op::JmpK) >= 6);
  std::mt19937_64 rng(25);
  Tally tally;
  const std::vector<const char*> edges = {"0", "0.5", "0.49", "0.50", "100.25", "100.250", "100.2500001", "1000", "1000.005", "1000.0050",
                         "1000.00500000000000001", "0.1", "0.10", "92233720368547758.07", "92233720368547758.06",
                         "92233720368547758.08", "9223372036854775807", "9223372036854775808", "5", "5.00"};
  for (int i = 0; i < 3000; ++i) {
    FactValues facts = generated_facts(ed, *m, rng, edges);
    if (rng() % 4 == 0)  // 份额 at 10^−18 and around it
      facts.set(ed.find_fact("份额"), Value::of_number(TypeKind::Number, *Decimal::parse(rng() % 2 ? "0.000000000000000001" : "0.0000000000000000010")));
    check(ed, *m, facts, tally, "#" + std::to_string(i));
  }
  CHECK(tally.decided > 1000);
  CHECK(tally.handed > 100);
  CHECK(tally.errors > 10);
}

// The plain plan's products and defaults (the tenth pass): a × 按 of constants
// as one MulMatchK (the 按 on either side, with 其他, over a computed value), 基数
// × 比例 carried into 比例's 若 branches and 按 arms (constants, a nested 按, a
// definition read once, an arm that divides: handed over), and a fact whose
// default is another fact (given, absent with its own constant default, absent
// and required, beyond 64 bits). Generated facts reach negative, huge and
// long-scaled values; the edges sit at the scales' seams.
TEST_CASE("products with a 按 of constants and facts defaulting to facts agree with the tree-walker", "[compiled]") {
  const auto policy = load_rules("products",
                                 "政策 \"t\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
         "事实 投入: 金额\n事实 另额: 金额 = 7.5元\n事实 累积: 金额 = 投入\n事实 次额: 金额 = 另额\n"
         "事实 档: 枚举 { 甲, 乙, 丙 } 可选\n事实 类: 枚举 { 子, 丑 } 可选\n事实 重点: 布尔 = 否\n"
         "定义 档率 = 按 档 { 甲 => 30%, 乙 => 12.5%, 丙 => 5% }\n"
         "措施 乘 {\n  要求 累积 ≥ 0元 否则 \"累积为负\"\n"
         "  比例 = 若 重点 且 累积 ≤ 50万元 则 50% 否则 按 类 { 子 => 档率, 丑 => 按 档 { 甲 => 20%, 其他 => 10% } }\n"
         "  基数 = 投入\n"
         "  叠加 顶 = 投入 × 按 档 { 甲 => 60%, 乙 => 30.5%, 丙 => 0% } 已用 次额 当 次额 > 0元\n"
         "  上限 底 = 按 类 { 子 => 1.5, 丑 => 2 } × (投入 − 累积) + 100万元\n}\n"
         "措施 除 {\n  比例 = 若 重点 则 按 档 { 甲 => 10% / 3, 其他 => 20% } 否则 按 类 { 子 => 档率, 丑 => 档率 + 1% }\n"
         "  基数 = 累积\n}\n");
  REQUIRE(policy);
  const Edition& ed = *policy->editions().front();
  const auto count = [&](const MeasureInfo& m, plan::Op op) { return instructions(ed, m, op); };
  const MeasureInfo* product = ed.find_measure("乘");
  const MeasureInfo* divide = ed.find_measure("除");
  REQUIRE(product);
  REQUIRE(divide);
  // 档率 × 投入, 按 档 × 投入 (in 比例's 丑 arm), 投入 × 按 档 (the 叠加) and 按 类 × (…): four
  // MulMatchK; 基数 × 50% the one plain Mul left (besides none after the join).
  CHECK(count(*product, plan::Op::MulMatchK) == 4);
  CHECK(count(*product, plan::Op::MatchK) == 0);
  CHECK(count(*product, plan::Op::Given) == 0);  // 累积 and 次额 read in place, their defaults too
  CHECK(compiled_form(ed, *product)->plain.fact_default[static_cast<std::size_t>(ed.find_fact("累积"))] ==
        plan::kDefaultIsFact - ed.find_fact("投入"));
  CHECK(count(*divide, plan::Op::MulMatchK) == 0);  // an arm that is not a constant: a Match, each arm multiplied
  std::mt19937_64 rng(2510);
  Tally tally;
  const std::vector<const char*> edges = {"0", "0.01", "500000", "500000.00", "500000.001", "499999.999", "7.5", "7.50", "1000000",
                         "92233720368547758.07", "9223372036854775807", "9223372036854775808", "-0.01", "30000000000000000.5"};
  for (const MeasureInfo* m : {product, divide})
    for (int i = 0; i < 3000; ++i)
      check(ed, *m, generated_facts(ed, *m, rng, edges), tally, m->decl->name + " #" + std::to_string(i));
  CHECK(tally.decided > 1000);
  CHECK(tally.handed > 100);
  CHECK(tally.errors > 10);
}

// The eleventh pass: a 布尔 fact's test (JmpZ, JmpNZ) holds the fact's constant
// default in the instruction (read when the fact is not given, no look-up); a
// default that is another fact is still looked up. A cap's limit that is a 若
// (through a definition read once; constant and computed branches; with and
// without 已用) caps in each branch (cap_into). And the flat plan's
// rounding in each of the four modes, to a step of one unit of its last place
// (the shortcut: no division by the step) and to others (round_to_step),
// against the tree-walker.
TEST_CASE("a 布尔 fact's default read from its test, a cap's 若 limit, and every rounding, agree with the tree-walker", "[compiled]") {
  const std::vector<std::string> roundings = {"四舍五入 至 0.01元", "银行家舍入 至 0.01元", "向下舍入 至 0.01元",
                                              "向上舍入 至 0.01元", "四舍五入 至 1元", "向下舍入 至 0.05元",
                                              "银行家舍入 至 100元", "向上舍入 至 0.001元"};
  for (const std::string& rounding : roundings) {
    INFO(rounding);
    const auto policy = load_rules("truth",
                                   "政策 \"t\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 " + rounding + "\n"
         "事实 投入: 金额\n事实 重点: 布尔 = 否\n事实 首次: 布尔 = 是\n事实 试点: 布尔 = 重点\n事实 已得: 金额 = 0元\n"
         "措施 判 {\n  要求 非 重点 或 首次 否则 \"重点须首次\"\n  要求 非 试点 或 投入 > 10元 否则 \"试点\"\n"
         "  比例 = 若 重点 则 40.5% 否则 若 首次 且 非 试点 则 25.25% 否则 10.125%\n  基数 = 投入\n"
         "  上限 顶 = 80万元 已用 已得 当 首次 或 试点\n}\n"
         "事实 额度: 金额 可选\n定义 顶额 = 若 重点 且 有 额度 则 max(80万元, 额度) 否则 若 首次 则 50万元 否则 投入 × 10%\n"
         "措施 顶 {\n  比例 = 30%\n  基数 = 投入\n  上限 年 = 顶额 已用 已得 当 投入 > 0元\n"
         "  上限 次 = 若 试点 则 20万元 否则 投入 − 已得\n}\n");
    REQUIRE(policy);
    const Edition& ed = *policy->editions().front();
    const MeasureInfo* m = ed.find_measure("判");
    REQUIRE(m);
    const CompiledMeasure& compiled = *compiled_form(ed, *m);
    REQUIRE(compiled.direct);
    // One unit of the step's own last place (0.01元, 1元, 0.001元), or not (0.05元, 100元).
    CHECK(compiled.unit_step == (rounding.find("0.05元") == std::string::npos && rounding.find("100元") == std::string::npos));
    // The tests of 重点 and 首次 hold their defaults (x = 1: `a` is then the
    // fact's slot); those of 试点 (defaulting to 重点) look it up.
    int held = 0;
    for (const plan::Ins& i : compiled.plain.code) {
      if ((i.op != plan::Op::JmpZ && i.op != plan::Op::JmpNZ) || i.x != 1) continue;
      CHECK(i.a != ed.find_fact("试点"));
      CHECK((i.a == ed.find_fact("重点") || i.a == ed.find_fact("首次")));
      CHECK(i.k == (i.a == ed.find_fact("首次") ? 1 : 0));
      ++held;
    }
    CHECK(held >= 3);
    // A cap's limit carried into its 若 branches (顶额 read here alone, so
    // inlined): each of the three outcomes caps with its own limit, and no Mov
    // writes a limit into a register before a join.
    const MeasureInfo* capped = ed.find_measure("顶");
    REQUIRE(capped);
    const auto& code = compiled_form(ed, *capped)->plain.code;
    const auto count = [&](plan::Op op) { return std::count_if(code.begin(), code.end(), [&](const plan::Ins& i) { return i.op == op; }); };
    CHECK(count(plan::Op::CapLeft) == 3);
    CHECK(count(plan::Op::CapTo) == 2);
    CHECK(count(plan::Op::Mov) == 0);
    std::mt19937_64 rng(2511);
    Tally tally;
    const std::vector<const char*> edges = {"0", "10", "10.00", "10.01", "800000", "799999.995", "0.025", "0.125",
                                            "1234567.89", "92233720368547758.07", "-0.01", "50.5", "500000", "200000.01"};
    for (const MeasureInfo* each : {m, capped})
      for (int i = 0; i < 1500; ++i)
        check(ed, *each, generated_facts(ed, *each, rng, edges), tally, each->decl->name + " #" + std::to_string(i));
    CHECK(tally.decided > 1000);
    CHECK(tally.handed > 40);
  }
}

// The twelfth pass: a 按 whose arms are constants or nested 按s of constants
// over one fact read in place (算力券's 比例: 按 采购类型 { …, 算力服务 => 按
// 算力设施档位 { … } }) multiplies in one MulMatchK, its table holding the values
// themselves and each nested table; a nested subject absent without a default,
// or a value beyond 64 bits, hands over.
// Nested 按s over different facts keep the Match.
TEST_CASE("a 按 with nested 按s of constants multiplies in one look-up, as the tree-walker", "[compiled]") {
  const std::string facts = "事实 投入: 金额\n事实 类: 枚举 { 子, 丑, 寅, 卯 }\n事实 档: 枚举 { 甲, 乙, 丙 } 可选\n"
                            "事实 级: 枚举 { 高, 低 } = 低\n事实 重点: 布尔 = 否\n";
  const std::string measures =
         "措施 套 {\n  比例 = 若 重点 则 50% 否则 按 类 { 子 => 30%, 丑 => 按 档 { 甲 => 20%, 其他 => 10% },\n"
         "    寅 => 按 档 { 乙 => 5%, 丙 => 12.5%, 其他 => 0% }, 其他 => 1.5% }\n  基数 = 投入\n}\n"
         "措施 乘档 {\n  金额 = 投入 × 按 类 { 子 => 1.5, 丑 => 按 档 { 甲 => 2, 乙 => 0.25, 丙 => 3 }, 其他 => 0 }\n}\n"
         "措施 异 {\n  比例 = 按 类 { 子 => 按 档 { 甲 => 20%, 其他 => 10% }, 其他 => 按 级 { 高 => 7%, 低 => 3% } }\n"
         "  基数 = 投入\n}\n";
  const auto policy = load_rules("nested", "政策 \"t\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n" + facts + measures);
  REQUIRE(policy);
  const Edition& ed = *policy->editions().front();
  const MeasureInfo* nested = ed.find_measure("套");
  const MeasureInfo* product = ed.find_measure("乘档");
  const MeasureInfo* apart = ed.find_measure("异");
  REQUIRE((nested && product && apart));
  CHECK(instructions(ed, *nested, plan::Op::MulMatchK) == 1);
  CHECK(instructions(ed, *nested, plan::Op::Match) == 0);
  CHECK(instructions(ed, *product, plan::Op::MulMatchK) == 1);
  CHECK(instructions(ed, *product, plan::Op::Match) == 0);
  CHECK(instructions(ed, *apart, plan::Op::Match) == 1);  // 档 and 级: two subjects, one per arm
  CHECK(instructions(ed, *apart, plan::Op::MulMatchK) == 2);
  const auto& shipped_edition = *shipped()->editions().front();
  const MeasureInfo* suanliquan = shipped_edition.find_measure("算力券");
  REQUIRE(suanliquan);
  CHECK(instructions(shipped_edition, *suanliquan, plan::Op::Match) == 0);
  std::mt19937_64 rng(2512);
  Tally tally;
  const std::vector<const char*> edges = {"0", "0.01", "7.5", "1000000", "1234567.89", "92233720368547758.07",
                                          "9223372036854775807", "-0.01", "30000000000000000.5"};
  for (const MeasureInfo* m : {nested, product, apart})
    for (int i = 0; i < 2000; ++i)
      check(ed, *m, generated_facts(ed, *m, rng, edges), tally, m->decl->name + " #" + std::to_string(i));
  CHECK(tally.decided > 1000);
  CHECK(tally.handed > 100);
  CHECK(tally.errors > 10);
}
