// The façade of `kuan test` (include/kuan/testing.hpp) over the interpreter's
// 例 runner and property checker: their results with public positions.
#include "kuan/testing.hpp"

#include "api/handles.hpp"
#include "services/examples.hpp"
#include "services/properties.hpp"

namespace kuan::api {

Result<std::vector<ExampleResult>> run_examples(const Edition& edition) {
  return detail::guarded([&]() -> Result<std::vector<ExampleResult>> {
    const ::kuan::Edition& ed = detail::Access::edition(edition);
    std::vector<ExampleResult> out;
    out.reserve(ed.examples.size());
    for (const auto* x : ed.examples) {
      ::kuan::ExampleOutcome run = ::kuan::run_example(ed, *x);
      ExampleResult r;
      r.edition = ed.name;
      r.measure = x->measure;
      r.title = x->title;
      r.where = detail::position_of(x->span);
      r.passed = run.passed;
      r.detail = std::move(run.detail);
      r.expected = std::move(run.expected);
      r.actual = std::move(run.actual);
      out.push_back(std::move(r));
    }
    return out;
  });
}

namespace {

PropertyStatus status_of(::kuan::PropertyStatus s) {
  switch (s) {
    case ::kuan::PropertyStatus::Passed: return PropertyStatus::Passed;
    case ::kuan::PropertyStatus::Failed: return PropertyStatus::Failed;
    case ::kuan::PropertyStatus::Unchecked: return PropertyStatus::Unchecked;
    case ::kuan::PropertyStatus::Note: return PropertyStatus::Note;
  }
  return PropertyStatus::Failed;
}

}  // namespace

Result<std::vector<PropertyResult>> check_properties(const Edition& edition, const PropertyOptions& options) {
  return detail::guarded([&]() -> Result<std::vector<PropertyResult>> {
    const ::kuan::Edition& ed = detail::Access::edition(edition);
    ::kuan::PropertyOptions opt;
    opt.seed = options.seed;
    opt.count = options.count;
    std::vector<PropertyResult> out;
    for (auto& e : ::kuan::check_properties(ed, opt)) {
      PropertyResult r;
      r.edition = ed.name;
      r.measure = std::move(e.measure);
      r.status = status_of(e.status);
      r.authored = e.authored;
      r.property = std::move(e.property);
      r.where = detail::position_of(e.at);
      r.checked = e.checked;
      r.detail = std::move(e.detail);
      r.counterexample = std::move(e.counterexample);
      out.push_back(std::move(r));
    }
    return out;
  });
}

}  // namespace kuan::api
