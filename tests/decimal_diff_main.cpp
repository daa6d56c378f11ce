// Differential check of kuan::Decimal against Python's decimal module.
// Usage: python3 tests/decimal_diff.py | decimal_diff
// Reads lines `op a b expected` (see decimal_diff.py), prints
// "N passed, M failed", shows the first few mismatches, exits 1 on any.
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "base/decimal.hpp"

using kuan::Decimal;
using kuan::RoundingMode;

namespace {

// Python may print "-0.00"; Decimal never does, so compare value and scale
// rather than text.
bool same(const Decimal& got, const Decimal& want) {
  return got == want && got.scale() == want.scale();
}

std::optional<std::string> check(const std::string& op, const std::string& as,
                                 const std::string& bs, const std::string& want_s) {
  const auto a = Decimal::parse(as);
  if (!a) return "cannot parse a";
  if (op == "round") {
    const auto want = Decimal::parse(want_s);
    if (!want) return "cannot parse expected";
    const Decimal got = a->round(std::stoi(bs), RoundingMode::HalfUp);
    if (same(got, *want)) return std::nullopt;
    return "got " + got.to_string();
  }
  const auto b = Decimal::parse(bs);
  if (!b) return "cannot parse b";
  if (op == "cmp") {
    const auto c = *a <=> *b;
    const int got = c < 0 ? -1 : c > 0 ? 1 : 0;
    if (std::to_string(got) == want_s) return std::nullopt;
    return "got " + std::to_string(got);
  }
  const auto want = Decimal::parse(want_s);
  if (!want) return "cannot parse expected";
  Decimal got;
  if (op == "add") {
    got = *a + *b;
  } else if (op == "sub") {
    got = *a - *b;
  } else if (op == "mul") {
    got = *a * *b;
  } else if (op == "div") {
    const auto q = a->divide(*b, 10, RoundingMode::HalfUp);
    if (!q) return "divide returned nullopt";
    got = *q;
  } else {
    return "unknown op";
  }
  if (same(got, *want)) return std::nullopt;
  return "got " + got.to_string() + " (scale " + std::to_string(got.scale()) + ")";
}

}  // namespace

int main() {
  long passed = 0, failed = 0;
  const int kShow = 10;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::istringstream in(line);
    std::string op, a, b, want, extra;
    std::optional<std::string> err;
    if (!(in >> op >> a >> b >> want) || (in >> extra)) {
      err = "malformed line";
    } else {
      try {
        err = check(op, a, b, want);
      } catch (const std::exception& e) {
        err = std::string("exception: ") + e.what();
      }
    }
    if (!err) {
      ++passed;
      continue;
    }
    if (failed++ < kShow) std::cout << "MISMATCH: " << line << "\n  " << *err << '\n';
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return (failed == 0 && passed > 0) ? 0 : 1;
}
