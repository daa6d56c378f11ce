#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "base/decimal.hpp"

using kuan::Decimal;
using kuan::RoundingMode;

namespace {

Decimal D(const std::string& s) {
  auto d = Decimal::parse(s);
  if (!d) throw std::runtime_error("test literal does not parse: " + s);
  return *d;
}

std::string zeros(size_t n) { return std::string(n, '0'); }

const char* mode_name(RoundingMode m) {
  switch (m) {
    case RoundingMode::HalfUp: return "HalfUp";
    case RoundingMode::HalfEven: return "HalfEven";
    case RoundingMode::Down: return "Down";
    case RoundingMode::Up: return "Up";
    case RoundingMode::Floor: return "Floor";
    case RoundingMode::Ceiling: return "Ceiling";
  }
  return "?";
}

}  // namespace

// The fast value must stay cheap to copy: a 32-byte object without heap.
static_assert(sizeof(Decimal) <= 32);
static_assert(std::is_nothrow_copy_constructible_v<Decimal>);
static_assert(std::is_nothrow_move_constructible_v<Decimal>);

TEST_CASE("parse accepts canonical literals", "[decimal]") {
  struct Case {
    const char* in;
    const char* out;
    int scale;
  };
  const std::vector<Case> cases = {
      {"0", "0", 0},          {"-0", "0", 0},         {"-0.00", "0.00", 2},
      {"1.50", "1.50", 2},    {"123", "123", 0},      {"0.001", "0.001", 3},
      {"-12.340", "-12.340", 3}, {"9", "9", 0},       {"10", "10", 0},
      {"0.5", "0.5", 1},      {"-0.05", "-0.05", 2},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    auto d = Decimal::parse(c.in);
    REQUIRE(d.has_value());
    CHECK(d->to_string() == c.out);
    CHECK(d->scale() == c.scale);
  }
  CHECK(D("-0.00").is_zero());
  CHECK(D("-0.00").sign() == 0);

  const std::string huge = "123456789012345678901234567890123456789012345.67";
  auto h = Decimal::parse(huge);
  REQUIRE(h);
  CHECK(h->is_big());
  CHECK(h->scale() == 2);
  CHECK(h->to_string() == huge);
  CHECK(D("-" + huge).to_string() == "-" + huge);
  // Exactly 38 digits is the int128 accumulation limit; 39 leaves it.
  CHECK(D("99999999999999999999999999999999999999").to_string() ==
        "99999999999999999999999999999999999999");
  CHECK_FALSE(D("99999999999999999999999999999999999999").is_big());
  CHECK(D("0.000000000000000000000000000000000000000001").to_string() ==
        "0.000000000000000000000000000000000000000001");
  CHECK_FALSE(D("0.000000000000000000000000000000000000000001").is_big());
  // Leading zeros in a long fraction must not be read as an octal prefix.
  CHECK(D("0.012345678901234567890123456789012345678901") * D("1" + zeros(42)) ==
        D("12345678901234567890123456789012345678901"));
}

TEST_CASE("parse rejects everything else", "[decimal]") {
  const std::vector<std::string> rejects = {
      "",     "+1",  "1.",   ".5",   "010",  "00",   "-",    "-.5", "1e3",  "1E3",
      "0x1F", "NaN", "nan",  "inf",  "-inf", " 1",   "1 ",   "1 0", "1,000", "1.2.3",
      "--1",  "- 1", "1-",   "0.5x", "１",   "1_000", "00.5", "-01", "\t1",  std::string("1\0", 2),
  };
  for (const auto& s : rejects) {
    INFO("input: [" << s << "]");
    CHECK_FALSE(Decimal::parse(s).has_value());
  }
  // Scale cap: one digit too many is refused, the cap itself is fine.
  CHECK(Decimal::parse("0." + zeros(Decimal::kMaxScale - 1) + "1").has_value());
  CHECK_FALSE(Decimal::parse("0." + zeros(Decimal::kMaxScale) + "1").has_value());
}

TEST_CASE("formatting", "[decimal]") {
  CHECK(Decimal().to_string() == "0");
  CHECK(Decimal::from_int(-42).to_string() == "-42");
  CHECK(Decimal::from_int(INT64_MIN).to_string() == "-9223372036854775808");
  CHECK(Decimal::from_scaled(12345, 2).to_string() == "123.45");
  CHECK(Decimal::from_scaled(-5, 3).to_string() == "-0.005");
  CHECK(Decimal::from_scaled(0, 3).to_string() == "0.000");
  CHECK(Decimal::from_scaled(5, -2).to_string() == "500");
  CHECK((-D("0.00")).to_string() == "0.00");
  CHECK(D("1234.5").to_fixed(2) == "1234.50");
  CHECK(D("0.125").to_fixed(2) == "0.13");
  CHECK(D("-0.001").to_fixed(2) == "0.00");  // never "-0.00"
  CHECK(D("-0.001").to_fixed(2, RoundingMode::Floor) == "-0.01");
  CHECK(D("2.5").to_fixed(0) == "3");
  CHECK(D("7").to_fixed(3) == "7.000");
  std::ostringstream os;
  os << D("-3.140") << '|' << Decimal::from_int(7);
  CHECK(os.str() == "-3.140|7");
}

TEST_CASE("exact + - * with mixed scales and signs", "[decimal]") {
  CHECK((D("0.1") + D("0.2")).to_string() == "0.3");
  CHECK(D("0.1") + D("0.2") == D("0.3"));
  CHECK((D("1.5") + D("2.25")).to_string() == "3.75");
  CHECK((D("1") - D("2.5")).to_string() == "-1.5");
  CHECK((D("-1.005") + D("1.005")).to_string() == "0.000");
  CHECK((D("-3") + D("1.25")).to_string() == "-1.75");
  CHECK((D("1.10") * D("2.5")).to_string() == "2.750");
  CHECK((D("1.10") * D("2.5")).scale() == 3);
  CHECK((D("-1.5") * D("-2")).to_string() == "3.0");
  CHECK((D("-0.5") * D("3")).to_string() == "-1.5");
  CHECK((D("0.00") * D("-7.1")).to_string() == "0.000");
  CHECK((D("3000") * D("0.0125")).to_string() == "37.5000");
  CHECK((-D("4.20")).to_string() == "-4.20");
  CHECK((D("100") - D("0.01")).to_string() == "99.99");
  Decimal acc;
  for (int i = 0; i < 10; ++i) acc += D("0.1");
  CHECK(acc == Decimal::from_int(1));
  CHECK(acc.to_string() == "1.0");
  acc -= D("0.25");
  acc *= D("2");
  CHECK(acc.to_string() == "1.50");
}

TEST_CASE("comparison is by value across scales", "[decimal]") {
  CHECK(D("1.5") == D("1.50"));
  CHECK(D("1.5") != D("1.51"));
  CHECK(D("1.5") < D("1.51"));
  CHECK(D("-2") < D("-1.99"));
  CHECK(D("0") == D("-0.000"));
  CHECK(D("10") > D("9.999999"));
  CHECK((D("2.0") <=> D("2")) == std::strong_ordering::equal);
  CHECK((D("-0.1") <=> D("0")) == std::strong_ordering::less);
  // Aligning 1e35 to scale 5 overflows int128: must still compare correctly.
  CHECK(D("1" + zeros(35)) > D("0.00001"));
  CHECK(D("-1" + zeros(35)) < D("-0.00001"));
  CHECK(D("1" + zeros(37)) == D("1" + zeros(37) + ".00000"));
  CHECK(D("1" + zeros(37)) < D("1" + zeros(37) + ".00001"));

  const Decimal a = D("1.5"), b = D("1.50"), c = D("-7");
  CHECK(&Decimal::min(a, b) == &a);  // ties return the first argument
  CHECK(&Decimal::max(a, b) == &a);
  CHECK(&Decimal::min(a, c) == &c);
  CHECK(&Decimal::max(c, a) == &a);
}

TEST_CASE("rounding modes", "[decimal]") {
  using M = RoundingMode;
  struct Case {
    const char* in;
    int places;
    M mode;
    const char* out;
  };
  const std::vector<Case> cases = {
      {"2.345", 2, M::HalfUp, "2.35"},   {"-2.345", 2, M::HalfUp, "-2.35"},
      {"2.344", 2, M::HalfUp, "2.34"},   {"-2.344", 2, M::HalfUp, "-2.34"},
      {"0.005", 2, M::HalfUp, "0.01"},   {"-0.005", 2, M::HalfUp, "-0.01"},
      {"0.0049999", 2, M::HalfUp, "0.00"}, {"2.5", 0, M::HalfUp, "3"},
      {"-2.5", 0, M::HalfUp, "-3"},      {"9.995", 2, M::HalfUp, "10.00"},
      {"2.345", 2, M::HalfEven, "2.34"}, {"2.355", 2, M::HalfEven, "2.36"},
      {"-2.345", 2, M::HalfEven, "-2.34"}, {"2.3451", 2, M::HalfEven, "2.35"},
      {"2.5", 0, M::HalfEven, "2"},      {"3.5", 0, M::HalfEven, "4"},
      {"-2.5", 0, M::HalfEven, "-2"},    {"0.5", 0, M::HalfEven, "0"},
      {"2.349", 2, M::Down, "2.34"},     {"-2.349", 2, M::Down, "-2.34"},
      {"2.341", 2, M::Up, "2.35"},       {"-2.341", 2, M::Up, "-2.35"},
      {"2.340", 2, M::Up, "2.34"},       {"0.0001", 2, M::Up, "0.01"},
      {"2.349", 2, M::Floor, "2.34"},    {"-2.341", 2, M::Floor, "-2.35"},
      {"-2.340", 2, M::Floor, "-2.34"},  {"2.341", 2, M::Ceiling, "2.35"},
      {"-2.349", 2, M::Ceiling, "-2.34"}, {"-0.001", 2, M::Ceiling, "0.00"},
      {"1.5", 3, M::HalfUp, "1.500"},    {"-7", 0, M::Floor, "-7"},
      // Rounding far below int128's 38 digits and from the big path.
      {"0.0000000000000000000000000000000000000000009", 0, M::Up, "1"},
      {"-0.0000000000000000000000000000000000000000009", 0, M::Floor, "-1"},
      {"0.0000000000000000000000000000000000000000009", 0, M::HalfUp, "0"},
      {"123456789012345678901234567890123456789012345.675", 2, M::HalfUp,
       "123456789012345678901234567890123456789012345.68"},
      {"123456789012345678901234567890123456789012345.675", 2, M::Down,
       "123456789012345678901234567890123456789012345.67"},
      {"-123456789012345678901234567890123456789012345.665", 2, M::HalfEven,
       "-123456789012345678901234567890123456789012345.66"},
      {"170141183460469231731687303715884105727.5", 0, M::HalfUp,
       "170141183460469231731687303715884105728"},
  };
  for (const auto& c : cases) {
    INFO(c.in << " places " << c.places << " " << mode_name(c.mode));
    const Decimal r = D(c.in).round(c.places, c.mode);
    CHECK(r.to_string() == c.out);
    CHECK(r.scale() == c.places);
  }
  CHECK_THROWS_AS(D("1.5").round(-1, M::HalfUp), std::invalid_argument);
}

TEST_CASE("round_to_step", "[decimal]") {
  using M = RoundingMode;
  CHECK(D("123.456").round_to_step(D("0.01"), M::HalfUp).to_string() == "123.46");
  CHECK(D("12345.67").round_to_step(D("100"), M::HalfUp).to_string() == "12300");
  CHECK(D("12350").round_to_step(D("100"), M::HalfUp).to_string() == "12400");
  CHECK(D("12350").round_to_step(D("100"), M::HalfEven).to_string() == "12400");
  CHECK(D("12250").round_to_step(D("100"), M::HalfEven).to_string() == "12200");
  CHECK(D("-12350").round_to_step(D("100"), M::HalfUp).to_string() == "-12400");
  CHECK(D("1.23").round_to_step(D("0.05"), M::HalfUp).to_string() == "1.25");
  CHECK(D("1.22").round_to_step(D("0.05"), M::Floor).to_string() == "1.20");
  CHECK(D("-1.22").round_to_step(D("0.05"), M::Floor).to_string() == "-1.25");
  CHECK(D("-1.22").round_to_step(D("0.05"), M::Ceiling).to_string() == "-1.20");
  CHECK(D("7").round_to_step(D("0.5"), M::Down).to_string() == "7.0");
  CHECK(D("1" + zeros(45) + ".4").round_to_step(D("1000"), M::Up).to_string() ==
        "1" + zeros(41) + "1000");
  CHECK_THROWS_AS(D("1").round_to_step(D("0"), M::HalfUp), std::invalid_argument);
  CHECK_THROWS_AS(D("1").round_to_step(D("-0.01"), M::HalfUp), std::invalid_argument);
}

TEST_CASE("divide", "[decimal]") {
  using M = RoundingMode;
  auto div = [](const char* a, const char* b, int scale, M mode) {
    auto q = D(a).divide(D(b), scale, mode);
    REQUIRE(q.has_value());
    CHECK(q->scale() == scale);
    return q->to_string();
  };
  CHECK(div("1", "3", 4, M::HalfUp) == "0.3333");
  CHECK(div("2", "3", 4, M::HalfUp) == "0.6667");
  CHECK(div("2", "3", 4, M::Down) == "0.6666");
  CHECK(div("-2", "3", 4, M::HalfUp) == "-0.6667");
  CHECK(div("-2", "3", 4, M::Floor) == "-0.6667");
  CHECK(div("-2", "3", 4, M::Ceiling) == "-0.6666");
  CHECK(div("10", "4", 0, M::HalfEven) == "2");
  CHECK(div("10", "4", 0, M::HalfUp) == "3");
  CHECK(div("1.25", "0.5", 2, M::HalfUp) == "2.50");
  CHECK(div("100", "0.03", 2, M::HalfUp) == "3333.33");
  CHECK(div("0.001", "1000", 6, M::HalfUp) == "0.000001");
  CHECK(div("0.001", "1000", 5, M::HalfUp) == "0.00000");
  CHECK(div("1", "-8", 2, M::HalfUp) == "-0.13");
  CHECK(div("1", "-8", 2, M::HalfEven) == "-0.12");
  CHECK(div("-1", "-8", 3, M::HalfUp) == "0.125");
  CHECK(div("0", "5", 2, M::HalfUp) == "0.00");
  CHECK(div("5000", "12", 2, M::HalfUp) == "416.67");
  CHECK_FALSE(D("7").divide(D("0"), 2, M::HalfUp).has_value());
  CHECK_FALSE(D("7").divide(D("-0.000"), 2, M::HalfUp).has_value());
  CHECK_FALSE(D("0").divide(D("0"), 2, M::HalfUp).has_value());
}

TEST_CASE("overflow to the big path and back", "[decimal]") {
  const Decimal e30 = D("1" + zeros(30));
  REQUIRE_FALSE(e30.is_big());
  const Decimal e60 = e30 * e30;
  CHECK(e60.is_big());
  CHECK(e60.to_string() == "1" + zeros(60));
  auto back = e60.divide(e30, 0, RoundingMode::HalfUp);
  REQUIRE(back);
  CHECK_FALSE(back->is_big());
  CHECK(*back == e30);
  CHECK(e60.divide(e60, 3, RoundingMode::HalfUp)->to_string() == "1.000");

  const Decimal x = D("12345678901234567890"), y = D("98765432109876543210");
  const Decimal p = x * y;
  CHECK(p.is_big());
  CHECK(p.to_string() == "1219326311370217952237463801111263526900");
  const Decimal q = p - D("7");
  CHECK(q.is_big());
  const Decimal seven = p - q;
  CHECK_FALSE(seven.is_big());
  CHECK(seven == Decimal::from_int(7));
  CHECK((p - p).is_zero());
  CHECK_FALSE((p - p).is_big());
  CHECK(p > x);
  CHECK(-p < -x);
  CHECK((-p).sign() == -1);
  CHECK(p.divide(y, 0, RoundingMode::Down)->to_string() == "12345678901234567890");
  CHECK_FALSE(p.divide(y, 0, RoundingMode::Down)->is_big());

  // Mixed scales on the big path.
  const Decimal pf = p * D("0.001");
  CHECK(pf.to_string() == "1219326311370217952237463801111263526.900");
  CHECK(pf == D("1219326311370217952237463801111263526.9"));
  CHECK((pf + D("0.1")).to_string() == "1219326311370217952237463801111263527.000");

  // int128 boundaries.
  const Decimal max = D("170141183460469231731687303715884105727");
  const Decimal min = D("-170141183460469231731687303715884105728");
  CHECK_FALSE(max.is_big());
  CHECK_FALSE(min.is_big());
  const Decimal over = max + D("1");
  CHECK(over.is_big());
  CHECK(over.to_string() == "170141183460469231731687303715884105728");
  CHECK(over > max);
  CHECK_FALSE((over - D("1")).is_big());
  CHECK(over - D("1") == max);
  CHECK((min - D("1")).is_big());
  CHECK((-min).is_big());
  CHECK((-min).to_string() == "170141183460469231731687303715884105728");
  CHECK_FALSE((-(-min)).is_big());
  CHECK(-(-min) == min);
  CHECK((min * D("-1")).to_string() == "170141183460469231731687303715884105728");

  // Copies share the big value and outlive the original.
  Decimal copy;
  {
    Decimal tmp = p * p;
    copy = tmp;
    Decimal moved = std::move(tmp);
    CHECK(moved == copy);
  }
  CHECK(copy.to_string() == "1486756653599701701072423197368970341907136202760639538633059066218227023610000");
  copy = copy;  // self-assignment keeps the value alive
  CHECK(copy.is_big());
  CHECK(copy.divide(p, 0, RoundingMode::HalfUp) == p);
}

TEST_CASE("scale limit", "[decimal]") {
  const Decimal tiny = D("0." + zeros(5999) + "1");
  CHECK(tiny.scale() == 6000);
  CHECK_THROWS_AS(tiny * tiny, std::overflow_error);
  CHECK((tiny + D("1")).scale() == 6000);
  CHECK(tiny > D("0"));
  CHECK_THROWS_AS(D("1").rescaled(Decimal::kMaxScale + 1), std::overflow_error);
  CHECK_THROWS_AS(Decimal::from_scaled(1, Decimal::kMaxScale + 1), std::overflow_error);
}

TEST_CASE("normalized, rescaled, is_integer, to_int64_at_scale", "[decimal]") {
  CHECK(D("1.500").normalized().to_string() == "1.5");
  CHECK(D("100.00").normalized().to_string() == "100");
  CHECK(D("0.000").normalized().to_string() == "0");
  CHECK(D("0.000").normalized().scale() == 0);
  const Decimal bign = D("1" + zeros(40) + ".000").normalized();
  CHECK(bign.scale() == 0);
  CHECK(bign.is_big());
  CHECK(D("1" + zeros(45) + ".000").is_integer());
  CHECK_FALSE(D("1" + zeros(45) + ".001").is_integer());
  CHECK(D("1.5").rescaled(3).to_string() == "1.500");
  CHECK(D("1.5").rescaled(0).to_string() == "2");
  CHECK(D("1.00").is_integer());
  CHECK_FALSE(D("1.01").is_integer());
  CHECK(D("0.0000").is_integer());
  CHECK(D("-7").is_integer());

  CHECK(D("123.45").to_int64_at_scale(2) == 12345);
  CHECK(D("123.45").to_int64_at_scale(3) == 123450);
  CHECK_FALSE(D("123.45").to_int64_at_scale(1).has_value());
  CHECK(D("123.40").to_int64_at_scale(1) == 1234);
  CHECK(D("-0.01").to_int64_at_scale(2) == -1);
  CHECK(D("0.000").to_int64_at_scale(0) == 0);
  CHECK(D("92233720368547758.07").to_int64_at_scale(2) == INT64_MAX);
  CHECK_FALSE(D("92233720368547758.08").to_int64_at_scale(2).has_value());
  CHECK(D("-92233720368547758.08").to_int64_at_scale(2) == INT64_MIN);
  CHECK_FALSE(D("-92233720368547758.09").to_int64_at_scale(2).has_value());
  CHECK_FALSE(D("1" + zeros(40)).to_int64_at_scale(0).has_value());
  CHECK(D("1" + zeros(40)).to_int64_at_scale(-35) == 100000);
  CHECK(D("5" + zeros(40) + ".00").to_int64_at_scale(-40) == 5);
  CHECK_FALSE(D("1" + zeros(20)).to_int64_at_scale(2).has_value());
}

TEST_CASE("parse(to_string(x)) == x for generated values", "[decimal]") {
  std::mt19937_64 rng(20240611);
  auto digits = [&](size_t n, bool leading_nonzero) {
    std::string s;
    for (size_t i = 0; i < n; ++i) {
      char c = static_cast<char>('0' + rng() % 10);
      if (i == 0 && leading_nonzero && c == '0') c = '1';
      s += c;
    }
    return s;
  };
  int big_seen = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string text;
    if (rng() % 2 == 0) {
      // Random int64 mantissa with a random magnitude, via from_scaled.
      const int64_t m = static_cast<int64_t>(rng()) >> (rng() % 64);
      const int s = static_cast<int>(rng() % 25);
      const Decimal d = Decimal::from_scaled(m, s);
      text = d.to_string();
      const auto back = Decimal::parse(text);
      REQUIRE(back);
      CHECK(*back == d);
      CHECK(back->scale() == s);
      CHECK(back->to_int64_at_scale(s) == m);
    } else {
      // Random decimal text of up to 90 digits (often beyond int128).
      const size_t int_len = 1 + rng() % 60;
      text = digits(int_len, true);
      if (int_len == 1 && rng() % 3 == 0) text = "0";
      if (rng() % 2) text += "." + digits(1 + rng() % 30, false);
      if (rng() % 2 && text.find_first_of("123456789") != std::string::npos) text = "-" + text;
      const auto d = Decimal::parse(text);
      REQUIRE(d);
      big_seen += d->is_big();
      INFO(text);
      CHECK(d->to_string() == text);
      CHECK(*Decimal::parse(d->to_string()) == *d);
    }
  }
  CHECK(big_seen > 500);  // the generator really exercised the big path
}

TEST_CASE("algebraic identities on random operands", "[decimal]") {
  std::mt19937_64 rng(7);
  auto gen = [&]() {
    // Mantissa of 1..3 random 64-bit words, so sums and products cross 2^127.
    Decimal m = Decimal::from_int(static_cast<int64_t>(rng()) >> (rng() % 40));
    const int words = static_cast<int>(rng() % 3);
    for (int w = 0; w < words; ++w)
      m = m * Decimal::from_scaled(1LL << 62, 0) +
          Decimal::from_int(static_cast<int64_t>(rng() >> 2));
    return m * Decimal::from_scaled(1, static_cast<int>(rng() % 20));
  };
  for (int i = 0; i < 2000; ++i) {
    const Decimal a = gen(), b = gen();
    INFO(a << " , " << b);
    CHECK((a + b) - b == a);
    CHECK(a + b == b + a);
    CHECK(a - b == -(b - a));
    CHECK((a * b) == (b * a));
    if (!b.is_zero()) {
      const auto q = (a * b).divide(b, a.scale(), RoundingMode::Down);
      REQUIRE(q);
      CHECK(*q == a);
      CHECK(q->is_big() == a.is_big());
    }
    const auto c = a <=> b;
    CHECK(((a - b).sign() < 0) == (c < 0));
    CHECK(((a - b).sign() == 0) == (c == 0));
  }
}
