// Uses the installed public headers (kuan.hpp, allocation.hpp, batch.hpp, session.hpp, testing.hpp,
// tooling.hpp): a rule text held in memory, and the policy folder given as argv[1]. Prints "consumer_cpp ok" when all is as expected.
#include <kuan/allocation.hpp>
#include <kuan/batch.hpp>
#include <kuan/kuan.hpp>
#include <kuan/session.hpp>
#include <kuan/testing.hpp>
#include <kuan/tooling.hpp>

#include <iostream>
#include <sstream>

namespace api = kuan::api;

static const char* kRules =
    "政策 \"示例\"\n"
    "版本 \"2025年版\"\n"
    "施行 2025-01-01 起\n"
    "舍入 四舍五入 至 0.01元\n"
    "事实 合同金额: 金额\n"
    "措施 补贴 \"示例补贴\" {\n"
    "  比例 = 30%\n"
    "  基数 = 合同金额\n"
    "  上限 单项上限 = 10万元\n"
    "}\n";

static int fail(const std::string& what) {
  std::cerr << "consumer_cpp: " << what << '\n';
  return 1;
}

int main(int argc, char** argv) {
  auto text = api::Policy::from_text(kRules, "示例.kuan");
  if (!text) return fail(text.rendered());
  api::Edition ed = text.policy->latest();
  api::Facts facts = ed.new_facts();
  if (!facts.set_money_fen("合同金额", 12345678)) return fail("set_money_fen");
  auto r = ed.evaluate("补贴", facts);
  if (!r || r->amount != "37037.03" || r->amount_fen != 3703703) return fail("补贴: " + r.error().message);

  std::istringstream apps(
      "{\"id\":\"a\",\"applicant\":\"甲\",\"measure\":\"补贴\",\"facts\":{\"合同金额\":\"50万元\"}}\n"
      "{\"id\":\"b\",\"applicant\":\"乙\",\"measure\":\"补贴\",\"facts\":{\"合同金额\":10000}}\n");
  std::ostringstream decisions;
  auto year = api::allocate(ed, apps, decisions);
  auto* summary = std::get_if<api::AllocationSummary>(&year);
  if (!summary || summary->applications != 2 || summary->allocated != "103000.00") return fail("allocate");
  std::istringstream bad_apps("{\"id\":\"a\",\"applicant\":\"甲\",\"measure\":\"无\",\"facts\":{}}\n");
  auto refused = api::allocate(ed, bad_apps, decisions);
  auto* error = std::get_if<api::AllocationError>(&refused);
  if (!error || error->where.line != 1 || error->field != "measure") return fail("allocate: expected an error on line 1");

  auto bad = api::Policy::from_text("事实 x: 金额 ×\n", "坏.kuan");
  if (bad || bad.diagnostics.empty() || bad.diagnostics[0].line != 1) return fail("expected a diagnostic at line 1");

  if (argc < 2) return fail("usage: consumer_cpp POLICY");
  auto loaded = api::Policy::load(argv[1]);
  if (!loaded) return fail(loaded.rendered());
  auto edition = loaded.policy->edition("2025年版");
  if (!edition) return fail(edition.error().message);
  auto s = edition->evaluate_json("智能券", R"({"合同金额": "80万元", "申请主体": "高校", "智能券档位": "一档"})");
  if (!s || s->amount != "240000.00") return fail("智能券");
  if (api::to_json(*s).find("\"amount\":\"240000.00\"") == std::string::npos) return fail("to_json");
  // A batch (the static library brings its own JSON reader).
  std::istringstream in(R"({"id": "a", "measure": "智能券", "facts": {"合同金额": "80万元", "申请主体": "高校", "智能券档位": "一档"}})");
  std::ostringstream out;
  const api::BatchSummary batch = api::evaluate_batch(*loaded.policy, *edition, in, out);
  if (batch.status != api::BatchStatus::Ok || out.str() != "{\"id\":\"a\"," + api::to_json(*s).substr(1) + "\n")
    return fail("evaluate_batch: " + out.str());
  auto examples = api::run_examples(*edition);
  if (!examples || examples->empty()) return fail("run_examples: " + examples.error().message);
  for (const auto& x : *examples)
    if (!x.passed) return fail("例 " + x.title + ": " + x.detail);
  auto formatted = api::format("参数 a=1元\n", "a.kuan");
  if (!formatted.ok || formatted.text != "参数 a = 1元\n") return fail("format: " + formatted.internal_error);
  if (api::diff(*edition, loaded.policy->edition("2026年版").value()).empty()) return fail("diff");

  // An interactive session, as `kuan repl` runs it.
  api::Session session;
  if (!session.open({std::string(argv[1]), "2025年版", ""}).ok) return fail("session.open");
  if (session.feed("min(120万元 × 30%, 800万元)").text != "360000元\n") return fail("session: expression");
  if (session.feed("措施 X {").kind != api::EntryKind::Nothing || !session.pending()) return fail("session: pending");
  if (api::input_status("措施 X ｛") != api::InputStatus::Incomplete) return fail("input_status");
  std::cout << "consumer_cpp ok\n";
  return 0;
}
