// kuan test --properties: properties every measure must have, checked on
// generated applications (seeded, so a run can be repeated) and shrunk to a
// small counter-example when one fails.
#pragma once

#include <cstdint>
#include <string>

#include "lang/edition.hpp"

namespace kuan::cli {

struct PropertyOptions {
  std::uint64_t seed = 1;
  int count = 200;  // applications per measure
  bool verbose = false;
};

struct PropertyTotals {
  int passed = 0, failed = 0;  // (measure, property) pairs
};

// Checks every measure of `edition`; failures (with a ready-to-paste 例) and
// notes are appended to `out`.
PropertyTotals check_properties(const Edition& edition, const PropertyOptions& options, std::string& out);

}  // namespace kuan::cli
