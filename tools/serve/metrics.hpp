// What `kuan serve` counts, in the Prometheus text format (GET /metrics):
// requests by route and status, a latency histogram per route, evaluations
// by measure and outcome, reloads and reload failures. Counters are atomics
// or guarded maps: any server thread may count.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace kuan::serve {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                       0.01,   0.025,   0.05,   0.1,   0.5,    1.0};
  void request(std::string_view route, unsigned status, double seconds);
  void evaluation(std::string_view measure, std::string_view outcome);
  void rejected(unsigned status);  // refused by the HTTP layer
  // The exposition; `reloads` and `failures` come from the policy store.
  std::string render(std::uint64_t reloads, std::uint64_t failures) const;

 private:
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;  // seconds: a measurement, not money
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
  std::map<std::string, Latency> latency_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> evaluations_;
  std::map<unsigned, std::uint64_t> rejected_;
};

}  // namespace kuan::serve
