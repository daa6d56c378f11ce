// A whole application through the façade: Edition::evaluate_all, its JSON and
// text (kuan/kuan.hpp), and evaluate_application_json (kuan/batch.hpp), all
// over interpreter/application.hpp (which builds the public records) and the one renderer.
#include <utility>

#include "api/handles.hpp"
#include "base/date.hpp"
#include "interpreter/application.hpp"
#include "services/batch.hpp"
#include "interpreter/render.hpp"
#include "kuan/batch.hpp"
#include "kuan/kuan.hpp"

namespace kuan::api {

const char* measure_status_name(MeasureStatus status) noexcept { return ::kuan::measure_status_name(status); }

std::string to_json(const ApplicationResult& application) {
  return detail::rendered([&](std::string& out) { ::kuan::append_application_json(out, application); });
}

std::string to_text(const ApplicationResult& application) {
  return detail::rendered([&](std::string& out) { ::kuan::append_application_text(out, application); });
}

Result<ApplicationResult> Edition::evaluate_all(const Facts& facts, const EvaluateOptions& options) const {
  return detail::guarded([&]() -> Result<ApplicationResult> {
    if (auto problem = detail::unusable(facts, *data_)) return std::move(*problem);
    std::optional<::kuan::FactValues> dated;
    const auto values = detail::dated_values(facts, options.as_of, dated);
    if (!values) return values.error();
    return ::kuan::evaluate_application(*data_->ed, **values, options.explain);
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
        if (!as_of.empty() && !day) return ApplicationError{"bad_line", ::kuan::bad_date_message("as_of")};
        auto r = ::kuan::batch::whole(detail::Access::edition(edition), facts_json, explain, day);
        if (auto* e = std::get_if<::kuan::batch::LineError>(&r)) return ApplicationError{::kuan::error_kind_code(e->kind), std::move(e->message), e->line, e->column};
        const auto& app = std::get<ApplicationResult>(r);
        if (format == ResultFormat::Text) ::kuan::append_application_text(out, app);
        else ::kuan::append_application_json(out, app);
        return std::nullopt;
      });
}

}  // namespace kuan::api
