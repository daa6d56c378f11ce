// The Prometheus text exposition of tools/serve/metrics.hpp.
#include "tools/serve/metrics.hpp"

#include <iterator>

#include <fmt/format.h>

namespace kuan::serve {

namespace {

// A label value: backslash, quote and newline escaped (measure names are UTF-8 as written).
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// Seconds as printf's %.9g writes them (Prometheus reads any float form).
std::string number(double v) { return fmt::format("{:.9g}", v); }

}  // namespace

void Metrics::request(std::string_view route, unsigned status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  Latency& l = latency_[std::string(route)];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++l.buckets[i];
  ++l.count;
  l.sum += seconds;
}

void Metrics::evaluation(std::string_view measure, std::string_view outcome) {
  std::lock_guard lock(mutex_);
  ++evaluations_[{std::string(measure), std::string(outcome)}];
}

void Metrics::rejected(unsigned status) {
  std::lock_guard lock(mutex_);
  ++rejected_[status];
}

std::string Metrics::render(std::uint64_t reloads, std::uint64_t failures) const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto to = std::back_inserter(out);
  out += "# HELP kuan_requests_total HTTP requests answered, by route and status.\n# TYPE kuan_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    fmt::format_to(to, "kuan_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", label(key.first), key.second, n);
  for (const auto& [status, n] : rejected_)
    fmt::format_to(to, "kuan_requests_total{{route=\"(rejected)\",status=\"{}\"}} {}\n", status, n);
  out += "# HELP kuan_request_duration_seconds Time to answer a request, by route.\n"
         "# TYPE kuan_request_duration_seconds histogram\n";
  for (const auto& [route, l] : latency_) {
    const std::string r = label(route);
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      fmt::format_to(to, "kuan_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r, number(kBuckets[i]),
                     l.buckets[i]);
    fmt::format_to(to, "kuan_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", r, l.count);
    fmt::format_to(to, "kuan_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, number(l.sum));
    fmt::format_to(to, "kuan_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, l.count);
  }
  out += "# HELP kuan_evaluations_total Measures evaluated, by measure and outcome "
         "(eligible, not_eligible, needs_facts, error; a bad application: measure \"\" and its code).\n"
         "# TYPE kuan_evaluations_total counter\n";
  for (const auto& [key, n] : evaluations_)
    fmt::format_to(to, "kuan_evaluations_total{{measure=\"{}\",outcome=\"{}\"}} {}\n", label(key.first), label(key.second), n);
  out += "# HELP kuan_reloads_total Reloads of edited rule files that were put in force.\n# TYPE kuan_reloads_total counter\n";
  fmt::format_to(to, "kuan_reloads_total {}\n", reloads);
  out += "# HELP kuan_reload_failures_total Reloads refused because the edited rule files did not check.\n"
         "# TYPE kuan_reload_failures_total counter\n";
  fmt::format_to(to, "kuan_reload_failures_total {}\n", failures);
  return out;
}

}  // namespace kuan::serve
