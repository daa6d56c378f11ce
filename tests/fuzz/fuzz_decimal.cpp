// Decimal parsing, printing and arithmetic, checked against identities that
// hold for exact decimals: parse → print → parse is the same number and the
// same text, a + b − b == a, a × b == b × a, (a × b) ÷ b == a, rounding lies
// between floor and ceiling, comparison agrees with the sign of a − b.
// Input: two numbers separated by a newline; each may also be money or rate
// text ("120万元", "30%"), which goes through the fact readers.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/decimal.hpp"
#include "interpreter/facts.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using kuan::Decimal;
using kuan::RoundingMode;
using kuan::fuzz::fail;

std::string show(const Decimal& a) {
  std::string s = a.to_string();
  return s.size() > 200 ? s.substr(0, 200) + "…" : s;
}

void check_one(const Decimal& a) {
  const std::string text = a.to_string();
  auto again = Decimal::parse(text);
  if (!again) fail("print-parse", "printed text does not parse: " + show(a));
  if (*again != a || again->to_string() != text || again->scale() != a.scale()) fail("print-parse", show(a));
  if (-(-a) != a) fail("negate", show(a));
  if (a.normalized() != a) fail("normalized", show(a));
  if (a.scale() + 3 <= Decimal::kMaxScale && a.rescaled(a.scale() + 3) != a) fail("rescaled", show(a));
  if ((a - a).sign() != 0 || !(a - a).is_zero()) fail("a-a", show(a));
  if (a.is_zero() != (a.sign() == 0)) fail("sign", show(a));
  for (int places : {0, 2}) {
    const Decimal floor = a.round(places, RoundingMode::Floor), ceil = a.round(places, RoundingMode::Ceiling);
    if (floor > a || ceil < a || floor.scale() != places) fail("round-bounds", show(a));
    for (RoundingMode mode : {RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up}) {
      const Decimal r = a.round(places, mode);
      if (r < floor || r > ceil) fail("round-bounds", show(a));
    }
    if (a.to_fixed(places) != a.round(places, RoundingMode::HalfUp).to_string()) fail("to_fixed", show(a));
  }
  if (auto cents = a.to_int64_at_scale(2)) {
    // Exact only: a value with finer digits than 分 has no cents.
    if (Decimal::from_scaled(*cents, 2) != a) fail("to_int64_at_scale", show(a));
  }
}

void check_two(const Decimal& a, const Decimal& b) {
  if (a + b != b + a) fail("commutative-add", show(a) + " " + show(b));
  if (a + b - b != a) fail("a+b-b", show(a) + " " + show(b));
  if (a - b + b != a) fail("a-b+b", show(a) + " " + show(b));
  // Past kMaxScale fraction digits a product throws by design (decimal.hpp).
  if (a.scale() + b.scale() > Decimal::kMaxScale) return;
  const Decimal product = a * b;
  if (product != b * a) fail("commutative-mul", show(a) + " " + show(b));
  if ((a < b) != ((a - b).sign() < 0) || (a == b) != (a - b).is_zero()) fail("compare", show(a) + " " + show(b));
  if (!b.is_zero()) {
    auto q = product.divide(b, a.scale(), RoundingMode::Down);
    if (!q || *q != a) fail("(a*b)/b", show(a) + " " + show(b));
  }
  if (b.sign() > 0) {
    const Decimal stepped = a.round_to_step(b, RoundingMode::HalfUp);
    if (stepped.scale() != b.scale()) fail("round_to_step-scale", show(a) + " " + show(b));
    const Decimal diff = stepped > a ? stepped - a : a - stepped;
    if (diff * Decimal::from_int(2) > b) fail("round_to_step-nearest", show(a) + " " + show(b));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto cut = input.find('\n');
  const std::string_view first = input.substr(0, cut);
  const std::string_view second = cut == std::string_view::npos ? std::string_view() : input.substr(cut + 1);
  std::optional<Decimal> a = Decimal::parse(first);
  std::optional<Decimal> b = Decimal::parse(second);
  // Money and rate text ("120万元", "30%") as facts accept them.
  if (!a) a = kuan::parse_money_text(first);
  if (!b) b = kuan::parse_rate_text(second);
  if (a) check_one(*a);
  if (b) check_one(*b);
  if (a && b) check_two(*a, *b);
  return 0;
}
