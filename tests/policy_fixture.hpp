// The fixture the language-feature unit tests share: a policy made once from
// a test file's rule text, and one of its editions. A rule text that does not
// load fails the test that first asks for it, with the diagnostics shown.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "interpreter/policy.hpp"

namespace kuan::testing {

struct LoadedPolicy {
  std::shared_ptr<const Policy> policy;
  const Edition* ed = nullptr;
};

inline LoadedPolicy load_policy(const char* rules, const std::string& version = "v1") {
  LoadedPolicy out;
  std::vector<Diagnostic> diags;
  out.policy = Policy::from_text("t.kuan", rules, diags);
  std::string all;
  for (const auto& d : diags) all += d.rendered;
  INFO(all);
  REQUIRE(out.policy);
  std::string err;
  out.ed = out.policy->edition(version, err);
  INFO(err);
  REQUIRE(out.ed);
  return out;
}

}  // namespace kuan::testing
