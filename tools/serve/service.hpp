// The routes of `kuan serve` (docs/http-api.md): each request answered from
// the policy in force when it arrived, with the same library calls and the
// same bytes as the `kuan` command (a batch line, `kuan measures --format
// json`), counted in the metrics.
#pragma once

#include "tools/serve/http.hpp"
#include "tools/serve/metrics.hpp"
#include "tools/serve/policy_store.hpp"

namespace kuan::serve {

class Service {
 public:
  explicit Service(PolicyStore& store) : store_(store) {}
  void handle(const Request& request, Response& response);
  Metrics& metrics() { return metrics_; }

 private:
  PolicyStore& store_;
  Metrics metrics_;
};

}  // namespace kuan::serve
