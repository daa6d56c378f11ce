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

api::MeasureOutcome judge(const Edition& ed, const MeasureInfo& m, const FactValues& facts, bool explain) {
  api::MeasureOutcome rec;
  rec.measure = m.decl->name;
  rec.edition = ed.name;
  if (m.clause) rec.clause = m.clause->ref;
  Trace trace;
  auto r = evaluate_measure(ed, m, facts, explain ? &trace : nullptr);
  if (auto* err = std::get_if<EvalError>(&r)) {
    if (!err->missing.empty() || !err->absent.empty()) {
      rec.status = api::MeasureStatus::NeedsFacts;
      rec.needs = err->missing.empty() ? std::vector<std::string>{err->absent} : std::move(err->missing);
    } else {
      // What is left is the measure's own: a run-time error, or a failed 校验 (its kind says which).
      rec.status = api::MeasureStatus::Error;
      api::Error e;
      e.code = err->kind == ErrorKind::InvalidApplication ? api::ErrorCode::InvalidApplication
                                                          : api::ErrorCode::EvaluationError;
      e.message = error_text(*err);
      rec.error = std::move(e);
    }
    return rec;
  }
  const Outcome& o = std::get<Outcome>(r);
  rec.status = o.eligible ? api::MeasureStatus::Eligible : api::MeasureStatus::NotEligible;
  rec.evaluation = describe_result(ed, o, explain ? &trace : nullptr);
  return rec;
}

}  // namespace

api::ApplicationResult evaluate_application(const Edition& ed, const FactValues& facts, bool explain) {
  api::ApplicationResult app;
  app.edition = ed.name;
  for (const MeasureInfo& m : ed.measures)
    if (concerns(m, facts)) app.measures.push_back(judge(ed, m, facts, explain));
  std::stable_sort(app.measures.begin(), app.measures.end(),
                   [](const api::MeasureOutcome& a, const api::MeasureOutcome& b) { return a.status < b.status; });
  return app;
}

}  // namespace kuan
