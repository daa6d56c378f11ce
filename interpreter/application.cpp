// Whole-application evaluation (interpreter/application.hpp).
#include "interpreter/application.hpp"

#include <algorithm>

#include "interpreter/render.hpp"

namespace kuan {

namespace {

// A measure concerns an application when it reads a fact the application gives.
bool concerns(const MeasureInfo& m, const FactValues& facts) {
  return std::any_of(m.facts.begin(), m.facts.end(), [&](int slot) { return facts.present[static_cast<std::size_t>(slot)] != 0; });
}

MeasureRecord judge(const Edition& ed, const MeasureInfo& m, const FactValues& facts, bool explain) {
  MeasureRecord rec;
  rec.measure = m.decl->name;
  rec.version = ed.name;
  if (m.clause) rec.clause = m.clause->ref;
  Trace trace;
  auto r = evaluate_measure(ed, m, facts, explain ? &trace : nullptr);
  if (auto* err = std::get_if<EvalError>(&r)) {
    if (!err->missing.empty() || !err->absent.empty()) {
      rec.status = MeasureStatus::NeedsFacts;
      rec.needs = err->missing.empty() ? std::vector<std::string>{err->absent} : std::move(err->missing);
    } else {
      rec.status = MeasureStatus::Error;
      rec.code = error_kind_code(err->kind);
      rec.error = error_text(*err);
    }
    return rec;
  }
  const Outcome& o = std::get<Outcome>(r);
  rec.status = o.eligible ? MeasureStatus::Eligible : MeasureStatus::NotEligible;
  rec.result = describe_result(ed, o, explain ? &trace : nullptr);
  rec.amount_fen = o.amount.to_int64_at_scale(2);
  return rec;
}

}  // namespace

ApplicationRecord evaluate_application(const Edition& ed, const FactValues& facts, bool explain) {
  ApplicationRecord app;
  app.version = ed.name;
  for (const MeasureInfo& m : ed.measures)
    if (concerns(m, facts)) app.measures.push_back(judge(ed, m, facts, explain));
  std::stable_sort(app.measures.begin(), app.measures.end(),
                   [](const MeasureRecord& a, const MeasureRecord& b) { return a.status < b.status; });
  return app;
}

}  // namespace kuan
