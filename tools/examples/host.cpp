// A C++ host embedding Kuan: load the Hangzhou AI policy once, then evaluate
// a few applications built in code and from JSON.
//
//   kuan_host_cpp [POLICY]        (default: policies/hangzhou-ai)
//
// Prints one line per application; host.c prints the same through the C API.
#include <kuan/kuan.hpp>

#include <cstdio>
#include <iostream>
#include <string>

namespace api = kuan::api;

namespace {

std::string base_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

void print(const char* id, const api::Result<api::Evaluation>& r) {
  if (!r) {
    const api::Error& e = r.error();
    std::cout << id << " error " << api::error_code_name(e.code) << ": " << e.message;
    if (e.where.known()) std::cout << " @ " << base_name(e.where.file) << ':' << e.where.line << ':' << e.where.column;
    std::cout << '\n';
    return;
  }
  std::cout << id << ' ' << r->measure << " eligible=" << r->eligible << " amount=" << r->amount
            << " fen=" << (r->amount_fen ? std::to_string(*r->amount_fen) : "?")
            << " bound=" << r->bound.value_or("-");
  for (const auto& reason : r->reasons) std::cout << " reason=" << reason;
  for (const auto& note : r->notes) std::cout << " note=" << note;
  std::cout << '\n';
  if (r->explanation)
    for (const auto& cap : r->explanation->caps)
      if (cap.applies)
        std::cout << "  cap " << cap.name << " limit=" << cap.limit << " used=" << cap.used.value_or("-")
                  << " room=" << cap.room << " lowered=" << cap.lowered << " bound=" << cap.bound << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "policies/hangzhou-ai";
  auto loaded = api::Policy::load(path);
  if (!loaded) {
    std::cerr << loaded.rendered();
    return 1;
  }
  const api::Policy& policy = *loaded.policy;

  auto edition = policy.edition_on("2025-07-01");
  if (!edition) {
    std::cerr << edition.error().to_string() << '\n';
    return 1;
  }
  const api::Edition& ed = *edition;
  std::cout << ed.policy_name() << ' ' << ed.name() << " from " << ed.effective_from() << '\n';
  if (const api::MeasureInfo* m = ed.measure("算力券")) {
    std::cout << "measure " << m->name << ' ' << m->clause << " facts:";
    for (const auto& f : m->facts) std::cout << ' ' << f.name << '(' << f.type_name << (f.required ? ",required" : "") << ')';
    std::cout << '\n';
  }

  // 1. Typed setters: money as decimal text (units allowed), enumerations.
  api::Facts a = ed.new_facts();
  a.set_money("合同金额", "120万元");
  a.set_enum("采购类型", "算力服务");
  a.set_enum("算力设施档位", "一档");
  print("A1", ed.evaluate("算力券", a));

  // 2. Money as an integer of 分, a boolean: not eligible, with the reason.
  api::Facts b = ed.new_facts();
  b.set_money_fen("合同金额", 300000000);
  b.set_enum("采购类型", "模型服务");
  b.set_bool("模型已备案", false);
  print("A2", ed.evaluate("算力券", b));

  // 3. Facts from a JSON text; the stacking cap binds.
  print("A3", ed.evaluate_json("算力券", R"({"合同金额": 1000000, "采购类型": "算力服务", "算力设施档位": "一档",
                                          "同一合同智能券金额": 300000, "智能券档位": "二档"})"));

  // 4. Another measure.
  api::Facts d = ed.new_facts();
  d.set_money("合同金额", "800000");
  d.set_enum("申请主体", "高校");
  d.set_enum("智能券档位", "一档");
  print("A4", ed.evaluate("智能券", d));

  // 5. With the explanation: the yearly room is nearly used up.
  api::Facts e = ed.new_facts();
  e.set_money("合同金额", "200万元");
  e.set_enum("智能券档位", "一档");
  e.set_money("本年度已申领算力券", "790万元");
  print("A5", ed.evaluate("算力券免审配套", e, {.explain = true}));

  // 6. Errors are values: a missing required fact, a fact the rules need but
  //    the application lacks (positioned in the rule file), a misspelt fact.
  api::Facts f = ed.new_facts();
  f.set_enum("采购类型", "算力服务");
  print("A6", ed.evaluate("算力券", f));
  f.set_money("合同金额", "100万元");
  print("A7", ed.evaluate("算力券", f));
  api::Status s = f.set_money("合同金頟", "1");
  std::cout << "A8 " << api::error_code_name(s.error().code) << ": " << s.error().message << '\n';
  return 0;
}
