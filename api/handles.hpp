// The data behind the public handles (Policy, Edition, Facts), for the files
// of api/ that implement the façade. Hosts never see it: include/kuan/ only
// forward-declares these types.
#pragma once

#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kuan/kuan.hpp"
#include "interpreter/evaluator.hpp"
#include "interpreter/policy.hpp"

namespace kuan::api {

namespace detail {

struct EditionData {
  const ::kuan::Edition* ed = nullptr;
  std::string effective_from;
  std::optional<std::string> effective_to;
  std::string rounding;
  std::vector<MeasureInfo> measures;  // same order as ed->measures
  std::vector<FactInfo> facts;        // by fact slot
};

struct PolicyData {
  std::shared_ptr<const ::kuan::Policy> policy;
  std::vector<EditionData> editions;  // same order as policy->editions()

  const EditionData* find(const ::kuan::Edition* ed) const {
    for (const auto& e : editions)
      if (e.ed == ed) return &e;
    return nullptr;
  }
};

struct FactsData {
  std::shared_ptr<const PolicyData> policy;
  const EditionData* edition = nullptr;
  ::kuan::FactValues values;
  std::vector<std::pair<int, Error>> errors;  // (fact slot or −1, error), oldest first
};

}  // namespace detail

namespace detail {

// The one door from a public handle to what it holds (declared a friend of each).
struct Access {
  static const std::shared_ptr<const PolicyData>& data(const Policy& p) { return p.d_; }
  static const ::kuan::Policy& policy(const Policy& p) { return *p.d_->policy; }
  static const std::shared_ptr<const PolicyData>& policy_data(const Edition& e) { return e.policy_; }
  static const EditionData& data(const Edition& e) { return *e.data_; }
  static const ::kuan::Edition& edition(const Edition& e) { return *e.data_->ed; }
  static const FactsData* data(const Facts& f) { return f.d_.get(); }
  static Policy make_policy(std::shared_ptr<const PolicyData> d) { return Policy(std::move(d)); }
};

// The public forms of internal positions, diagnostics and loads (api/api.cpp).
Position position_of(const ::kuan::Span& span);
Diagnostic to_public(const ::kuan::Diagnostic& d);
LoadResult load_result(std::shared_ptr<const ::kuan::Policy> policy, const std::vector<::kuan::Diagnostic>& diagnostics);

// Runs an entry point of the façade; an escaping exception becomes what
// `on_error` makes of its description ("内部错误:…"), so nothing throws to the host.
template <typename OnError, typename F>
auto guarded_with(OnError&& on_error, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return on_error(std::string("内部错误:内存不足"));
  } catch (const std::exception& ex) {
    return on_error(std::string("内部错误:") + ex.what());
  } catch (...) {
    return on_error(std::string("内部错误:未知异常"));
  }
}

// The same, the exception becoming an Internal error value (for a body returning Result<T> or Error).
template <typename F>
auto guarded(F&& body) -> decltype(body()) {
  return guarded_with(
      [](std::string message) {
        Error e;
        e.code = ErrorCode::Internal;
        e.message = std::move(message);
        return e;
      },
      std::forward<F>(body));
}

// Why `facts` cannot be evaluated in `edition` (moved from, another edition's, a setter's error), if so.
std::optional<Error> unusable(const Facts& facts, const EditionData& edition);

// The values of `facts` dated as EvaluateOptions::as_of says: the facts' own when it is
// empty, else a copy in `dated` with that date (施行 on measures and clauses); an
// InvalidArgument Error when as_of is not a day written YYYY-MM-DD.
Result<const ::kuan::FactValues*> dated_values(const Facts& facts, std::string_view as_of,
                                               std::optional<::kuan::FactValues>& dated);

// The text a renderer appends, or "" when rendering fails (the façade's to_json and to_text; api/result.cpp).
std::string rendered(const std::function<void(std::string&)>& render);

}  // namespace detail
}  // namespace kuan::api
