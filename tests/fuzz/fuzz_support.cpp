#include "tests/fuzz/fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "interpreter/policy.hpp"
#include "base/date.hpp"
#include "interpreter/render.hpp"

namespace kuan::fuzz {

const Edition& shipped_edition() {
  // Loaded once per process: loading the whole policy per input would leave
  // the fuzzer no time for the input itself.
  static const std::shared_ptr<const Policy> policy = [] {
    std::vector<Diagnostic> diagnostics;
    auto p = Policy::load(KUAN_SOURCE_DIR "/policies/hangzhou-ai", diagnostics);
    if (!p) {
      for (const auto& d : diagnostics) std::fputs(d.rendered.c_str(), stderr);
      fail("setup", "policies/hangzhou-ai did not load");
    }
    return p;
  }();
  std::string error;
  const Edition* ed = policy->edition("2025年版", error);
  if (!ed) fail("setup", error);
  return *ed;
}

bool known(std::string_view name) {
  const char* list = std::getenv("KUAN_FUZZ_KNOWN");
  if (!list) return false;
  std::string_view rest = list;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    if (rest.substr(0, comma) == name) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

void fail(std::string_view check, std::string_view detail) {
  std::fprintf(stderr, "\n== kuan fuzz: check \"%.*s\" failed: %.*s\n", static_cast<int>(check.size()), check.data(),
               static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()), detail.data());
  std::abort();
}

FactValues sample_facts(const Edition& ed, int variant) {
  FactValues facts(ed.facts.size());
  if (variant == 3) return facts;
  static const char* money[] = {"1000000", "0", "123456789.87"};
  static const char* rate[] = {"0.3", "0", "1"};
  static const char* number[] = {"87.5", "0", "99.99"};
  static const char* integer[] = {"3", "0", "1000000"};
  static const char* date[] = {"2025-07-01", "1970-01-01", "2030-12-31"};
  for (std::size_t i = 0; i < ed.facts.size(); ++i) {
    const FactInfo& f = ed.facts[i];
    Value v;
    switch (f.type.kind) {
      case TypeKind::Money: v = Value::money(*Decimal::parse(money[variant])); break;
      case TypeKind::Rate: v = Value::rate(*Decimal::parse(rate[variant])); break;
      case TypeKind::Integer: v = Value::of_number(TypeKind::Integer, *Decimal::parse(integer[variant])); break;
      case TypeKind::Number: v = Value::of_number(TypeKind::Number, *Decimal::parse(number[variant])); break;
      case TypeKind::Bool: v = Value::boolean(variant != 1); break;
      case TypeKind::Date: v = Value::date(*parse_date(date[variant])); break;
      case TypeKind::Enum: {
        const int n = f.type.enum_id >= 0 && f.type.enum_id < static_cast<int>(ed.enums.size())
                          ? static_cast<int>(ed.enums[f.type.enum_id].values.size())
                          : 0;
        if (n == 0) continue;
        v = Value::enumeration(variant == 0 ? 0 : variant == 1 ? n - 1 : 1 % n);
        break;
      }
      case TypeKind::Error: continue;
    }
    facts.set(static_cast<int>(i), std::move(v));
  }
  return facts;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    char32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    const char32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

namespace {

void check_error(const EvalError& e) {
  if (!e.span.valid() && !known("error-position")) fail("error-position", "run-time error without a rule position: " + e.message);
  (void)error_text(e);
}

}  // namespace

void evaluate_checked(const Edition& ed, const MeasureInfo& m, const FactValues& facts, const std::string* id) {
  if (!missing_required_facts(ed, m, facts).empty()) return;
  Trace trace;
  EvalResult traced = evaluate_measure(ed, m, facts, &trace);
  EvalResult plain = evaluate_measure(ed, m, facts);
  if (traced.index() != plain.index()) fail("trace-differential", "an explanation changed whether the measure failed");
  if (auto* e = std::get_if<EvalError>(&traced)) {
    check_error(*e);
    return;
  }
  const Outcome& o = std::get<Outcome>(traced);
  const Outcome& p = std::get<Outcome>(plain);
  if (o.eligible != p.eligible || o.amount != p.amount || o.bound != p.bound)
    fail("trace-differential", "an explanation changed the result: " + o.amount.to_string() + " vs " + p.amount.to_string());
  if (o.eligible && o.amount.sign() < 0 && !known("negative-amount"))
    fail("negative-amount", m.decl->name + " pays " + o.amount.to_string());
  std::string out;
  append_result_json(out, ed, o, id, &trace);
  append_result_text(out, ed, o, &trace);
  if (!valid_utf8(out) && !known("invalid-utf8-output")) fail("invalid-utf8-output", out);
}

void run_examples(const Edition& ed) {
  FactValues none(ed.facts.size());
  for (const ast::ExampleDecl* x : ed.examples) {
    const MeasureInfo* m = ed.find_measure(x->measure);
    if (!m) continue;
    FactValues facts(ed.facts.size());
    bool usable = true;
    for (const auto& f : x->facts) {
      const int slot = ed.find_fact(f.name);
      if (slot < 0) {
        usable = false;
        break;
      }
      auto v = evaluate_expression(&ed, *f.value, none);
      if (auto* e = std::get_if<EvalError>(&v)) {
        check_error(*e);
        usable = false;
        break;
      }
      facts.set(slot, std::get<Value>(std::move(v)));
    }
    if (usable) evaluate_checked(ed, *m, facts);
    if (x->expected_amount) {
      auto v = evaluate_expression(&ed, *x->expected_amount, none);
      if (auto* e = std::get_if<EvalError>(&v)) check_error(*e);
    }
  }
}

}  // namespace kuan::fuzz
