// The Prometheus text exposition of tools/serve/metrics.hpp.
#include "tools/serve/metrics.hpp"

#include <cstdio>

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

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

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
  out += "# HELP kuan_requests_total HTTP requests answered, by route and status.\n# TYPE kuan_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += "kuan_requests_total{route=\"" + label(key.first) + "\",status=\"" + std::to_string(key.second) + "\"} " +
           std::to_string(n) + "\n";
  for (const auto& [status, n] : rejected_)
    out += "kuan_requests_total{route=\"(rejected)\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  out += "# HELP kuan_request_duration_seconds Time to answer a request, by route.\n"
         "# TYPE kuan_request_duration_seconds histogram\n";
  for (const auto& [route, l] : latency_) {
    const std::string r = label(route);
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += "kuan_request_duration_seconds_bucket{route=\"" + r + "\",le=\"" + number(kBuckets[i]) + "\"} " +
             std::to_string(l.buckets[i]) + "\n";
    out += "kuan_request_duration_seconds_bucket{route=\"" + r + "\",le=\"+Inf\"} " + std::to_string(l.count) + "\n";
    out += "kuan_request_duration_seconds_sum{route=\"" + r + "\"} " + number(l.sum) + "\n";
    out += "kuan_request_duration_seconds_count{route=\"" + r + "\"} " + std::to_string(l.count) + "\n";
  }
  out += "# HELP kuan_evaluations_total Measures evaluated, by measure and outcome "
         "(eligible, not_eligible, needs_facts, error; a bad application: measure \"\" and its code).\n"
         "# TYPE kuan_evaluations_total counter\n";
  for (const auto& [key, n] : evaluations_)
    out += "kuan_evaluations_total{measure=\"" + label(key.first) + "\",outcome=\"" + label(key.second) + "\"} " +
           std::to_string(n) + "\n";
  out += "# HELP kuan_reloads_total Reloads of edited rule files that were put in force.\n# TYPE kuan_reloads_total counter\n";
  out += "kuan_reloads_total " + std::to_string(reloads) + "\n";
  out += "# HELP kuan_reload_failures_total Reloads refused because the edited rule files did not check.\n"
         "# TYPE kuan_reload_failures_total counter\n";
  out += "kuan_reload_failures_total " + std::to_string(failures) + "\n";
  return out;
}

}  // namespace kuan::serve
