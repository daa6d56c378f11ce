// Differential check of kuan::Decimal against Python's decimal module.
// Usage: python3 tests/decimal_diff.py | decimal_diff
// Reads lines `op a b expected` (see decimal_diff.py), checks Decimal and, when
// the operands fit, the compiled evaluator's 64-bit fixed point (fixed.hpp): it
// must give the same value and scale, or report that the result does not fit.
// Prints
// "N passed, M failed", shows the first few mismatches, exits 1 on any.
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "base/decimal.hpp"
#include "interpreter/fixed.hpp"

using kuan::Decimal;
using kuan::RoundingMode;

namespace {

// Python may print "-0.00"; Decimal never does, so compare value and scale
// rather than text.
bool same(const Decimal& got, const Decimal& want) {
  return got == want && got.scale() == want.scale();
}

// The fixed-point form of an operation on values that fit in it.
// (For round, `b` is the number of places.)
std::optional<std::string> check_fixed(const std::string& op, const Decimal& a, const Decimal& b,
                                       const std::string& want_s) {
  kuan::fixed::Fx x, y, r;
  if (!kuan::fixed::from_decimal(a, x)) return std::nullopt;
  if (op == "round") {
    const auto want = Decimal::parse(want_s);
    const auto places = b.to_int64_at_scale(0);
    if (!want || !places) return "cannot parse round";
    if (!kuan::fixed::rescaled(x, static_cast<std::int32_t>(*places), r))
      return kuan::fixed::from_decimal(*want, y) ? std::optional<std::string>("fixed: did not fit") : std::nullopt;
    if (same(kuan::fixed::to_decimal(r), *want)) return std::nullopt;
    return "fixed: got " + kuan::fixed::to_decimal(r).to_string();
  }
  if (!kuan::fixed::from_decimal(b, y)) return std::nullopt;
  if (op == "cmp") {
    const int got = kuan::fixed::compare(x, y);
    if (std::to_string(got) == want_s) return std::nullopt;
    return "fixed: got " + std::to_string(got);
  }
  bool fitted;
  if (op == "add") fitted = kuan::fixed::add(x, y, r);
  else if (op == "sub") fitted = kuan::fixed::sub(x, y, r);
  else if (op == "mul") fitted = kuan::fixed::mul(x, y, r);
  else return std::nullopt;  // division: always the Decimal path's
  const auto want = Decimal::parse(want_s);
  if (!want) return "cannot parse expected";
  kuan::fixed::Fx unused;
  if (!fitted) return kuan::fixed::from_decimal(*want, unused) ? std::optional<std::string>("fixed: did not fit") : std::nullopt;
  if (same(kuan::fixed::to_decimal(r), *want)) return std::nullopt;
  return "fixed: got " + kuan::fixed::to_decimal(r).to_string() + " (scale " + std::to_string(r.s) + ")";
}

std::optional<std::string> check_decimal(const std::string& op, const std::string& as,
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

std::optional<std::string> check(const std::string& op, const std::string& as, const std::string& bs,
                                 const std::string& want_s) {
  if (auto err = check_decimal(op, as, bs, want_s)) return err;
  const auto a = Decimal::parse(as);
  const auto b = Decimal::parse(bs);
  return check_fixed(op, *a, *b, want_s);
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
