// A whole application through the façade: Edition::evaluate_all, its JSON and
// text (kuan/kuan.hpp), and evaluate_application_json (kuan/batch.hpp), all
// over interpreter/application.hpp and the one renderer.
#include <utility>

#include "api/handles.hpp"
#include "base/date.hpp"
#include "api/result.hpp"
#include "interpreter/application.hpp"
#include "services/batch.hpp"
#include "interpreter/render.hpp"
#include "kuan/batch.hpp"
#include "kuan/kuan.hpp"

namespace kuan::api {

namespace {

MeasureStatus to_public(::kuan::MeasureStatus s) {
  switch (s) {
    case ::kuan::MeasureStatus::Eligible: return MeasureStatus::Eligible;
    case ::kuan::MeasureStatus::NotEligible: return MeasureStatus::NotEligible;
    case ::kuan::MeasureStatus::NeedsFacts: return MeasureStatus::NeedsFacts;
    case ::kuan::MeasureStatus::Error: break;
  }
  return MeasureStatus::Error;
}

::kuan::MeasureStatus to_record(MeasureStatus s) {
  switch (s) {
    case MeasureStatus::Eligible: return ::kuan::MeasureStatus::Eligible;
    case MeasureStatus::NotEligible: return ::kuan::MeasureStatus::NotEligible;
    case MeasureStatus::NeedsFacts: return ::kuan::MeasureStatus::NeedsFacts;
    case MeasureStatus::Error: break;
  }
  return ::kuan::MeasureStatus::Error;
}

ApplicationResult to_public(::kuan::ApplicationRecord&& app) {
  ApplicationResult out;
  out.edition = std::move(app.version);
  out.measures.reserve(app.measures.size());
  for (auto& m : app.measures) {
    MeasureOutcome o;
    o.status = to_public(m.status);
    o.measure = std::move(m.measure);
    o.edition = std::move(m.version);
    o.clause = std::move(m.clause);
    if (m.result) {
      o.evaluation = detail::to_public(std::move(*m.result));
      o.evaluation->amount_fen = m.amount_fen;
    }
    o.needs = std::move(m.needs);
    if (o.status == MeasureStatus::Error) {
      Error e;
      e.code = m.code == ::kuan::error_kind_code(::kuan::ErrorKind::InvalidApplication) ? ErrorCode::InvalidApplication
                                                                                    : ErrorCode::EvaluationError;
      e.message = std::move(m.error);
      o.error = std::move(e);
    }
    out.measures.push_back(std::move(o));
  }
  return out;
}

::kuan::ApplicationRecord to_record(const ApplicationResult& app) {
  ::kuan::ApplicationRecord out;
  out.version = app.edition;
  for (const auto& o : app.measures) {
    ::kuan::MeasureRecord m;
    m.status = to_record(o.status);
    m.measure = o.measure;
    m.version = o.edition;
    m.clause = o.clause;
    if (o.evaluation) m.result = detail::to_record(*o.evaluation);
    m.needs = o.needs;
    if (o.error) {
      m.code = error_code_name(o.error->code);
      m.error = o.error->message;
    }
    out.measures.push_back(std::move(m));
  }
  return out;
}

}  // namespace

const char* measure_status_name(MeasureStatus status) noexcept { return ::kuan::status_name(to_record(status)); }

// Both renderings answer "" when rendering fails (the façade's one guard).
std::string to_json(const ApplicationResult& application) {
  return detail::guarded_with([](const std::string&) { return std::string(); }, [&] {
    std::string out;
    ::kuan::append_application_json(out, to_record(application));
    return out;
  });
}

std::string to_text(const ApplicationResult& application) {
  return detail::guarded_with([](const std::string&) { return std::string(); }, [&] {
    std::string out;
    ::kuan::append_application_text(out, to_record(application));
    return out;
  });
}

Result<ApplicationResult> Edition::evaluate_all(const Facts& facts, const EvaluateOptions& options) const {
  return detail::guarded([&]() -> Result<ApplicationResult> {
    if (auto problem = detail::unusable(facts, *data_)) return std::move(*problem);
    return to_public(::kuan::evaluate_application(*data_->ed, detail::Access::data(facts)->values, options.explain));
  });
}

Result<ApplicationResult> Edition::evaluate_all_json(std::string_view facts_json, const EvaluateOptions& options) const {
  return detail::guarded([&]() -> Result<ApplicationResult> {
    auto facts = facts_from_json(facts_json);
    if (!facts) return facts.error();
    return evaluate_all(*facts, options);
  });
}

std::optional<ApplicationError> evaluate_application_json(const Edition& edition, std::string_view facts_json,
                                                          bool explain, ResultFormat format, std::string& out,
                                                          std::string_view as_of) {
  return detail::guarded_with(
      [](std::string message) -> std::optional<ApplicationError> { return ApplicationError{"internal", std::move(message)}; },
      [&]() -> std::optional<ApplicationError> {
        const auto day = ::kuan::parse_date(as_of);
        if (!as_of.empty() && !day) return ApplicationError{"bad_line", "as_of 的日期无效(格式 YYYY-MM-DD)"};
        auto r = ::kuan::batch::whole(detail::Access::edition(edition), facts_json, explain, day);
        if (auto* e = std::get_if<::kuan::batch::LineError>(&r)) return ApplicationError{::kuan::error_kind_code(e->kind), std::move(e->message), e->line, e->column};
        const auto& app = std::get<::kuan::ApplicationRecord>(r);
        if (format == ResultFormat::Text) ::kuan::append_application_text(out, app);
        else ::kuan::append_application_json(out, app);
        return std::nullopt;
      });
}

}  // namespace kuan::api
