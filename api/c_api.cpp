// The C interface (include/kuan/kuan.h) over the C++ embedding API.
//
// Every entry point is noexcept and catches everything: a C caller (or an FFI)
// never sees a C++ exception. Handles are plain structs wrapping the C++
// objects; the `const char *` views handed out point into those objects, which
// are immutable once made, so they stay valid as long as the handle does.
#include "kuan/kuan.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/handles.hpp"
#include "interpreter/result.hpp"  // error_code_kind
#include "kuan/allocation.hpp"
#include "kuan/kuan.hpp"

namespace api = kuan::api;

static_assert(static_cast<int>(api::ErrorCode::Ok) == KUAN_OK);
static_assert(static_cast<int>(api::ErrorCode::RuleErrors) == KUAN_RULE_ERRORS);
static_assert(static_cast<int>(api::ErrorCode::UnknownEdition) == KUAN_UNKNOWN_EDITION);
static_assert(static_cast<int>(api::ErrorCode::UnknownMeasure) == KUAN_UNKNOWN_MEASURE);
static_assert(static_cast<int>(api::ErrorCode::UnknownFact) == KUAN_UNKNOWN_FACT);
static_assert(static_cast<int>(api::ErrorCode::WrongFactType) == KUAN_WRONG_FACT_TYPE);
static_assert(static_cast<int>(api::ErrorCode::InvalidFactValue) == KUAN_INVALID_FACT_VALUE);
static_assert(static_cast<int>(api::ErrorCode::BadJson) == KUAN_BAD_JSON);
static_assert(static_cast<int>(api::ErrorCode::MissingFacts) == KUAN_MISSING_FACTS);
static_assert(static_cast<int>(api::ErrorCode::EvaluationError) == KUAN_EVALUATION_ERROR);
static_assert(static_cast<int>(api::ErrorCode::InvalidApplication) == KUAN_INVALID_APPLICATION);
static_assert(static_cast<int>(api::ErrorCode::WrongEdition) == KUAN_WRONG_EDITION);
static_assert(static_cast<int>(api::ErrorCode::InvalidArgument) == KUAN_INVALID_ARGUMENT);
static_assert(static_cast<int>(api::ErrorCode::Internal) == KUAN_INTERNAL);
static_assert(static_cast<int>(api::FactType::Money) == KUAN_FACT_MONEY);
static_assert(static_cast<int>(api::FactType::Rate) == KUAN_FACT_RATE);
static_assert(static_cast<int>(api::FactType::Integer) == KUAN_FACT_INTEGER);
static_assert(static_cast<int>(api::FactType::Number) == KUAN_FACT_NUMBER);
static_assert(static_cast<int>(api::FactType::Bool) == KUAN_FACT_BOOL);
static_assert(static_cast<int>(api::FactType::Date) == KUAN_FACT_DATE);
static_assert(static_cast<int>(api::FactType::Enum) == KUAN_FACT_ENUM);
static_assert(static_cast<int>(api::FactType::List) == KUAN_FACT_LIST);

struct kuan_diagnostics {
  std::vector<api::Diagnostic> items;
};

struct kuan_edition {
  explicit kuan_edition(api::Edition e) : edition(std::move(e)) {
    for (const auto& f : edition.facts()) fact_enums.push_back(pointers(f.enum_values));
    for (const auto& m : edition.measures()) {
      auto& per_fact = measure_enums.emplace_back();
      for (const auto& f : m.facts) per_fact.push_back(pointers(f.enum_values));
    }
  }
  static std::vector<const char*> pointers(const std::vector<std::string>& names) {
    std::vector<const char*> out;
    for (const auto& n : names) out.push_back(n.c_str());
    return out;
  }

  api::Edition edition;
  std::vector<std::vector<const char*>> fact_enums;                  // [fact] → enumeration values
  std::vector<std::vector<std::vector<const char*>>> measure_enums;  // [measure][fact] → values
};

struct kuan_policy {
  explicit kuan_policy(api::Policy p) : policy(std::move(p)) {
    for (auto& e : policy.editions()) editions.push_back(std::make_unique<kuan_edition>(std::move(e)));
  }
  const kuan_edition* find(const api::Edition& e) const {
    for (const auto& mine : editions)
      if (mine->edition == e) return mine.get();
    return nullptr;
  }

  api::Policy policy;
  std::vector<std::unique_ptr<kuan_edition>> editions;
};

struct kuan_facts {
  api::Facts facts;
};

struct kuan_result {
  api::Evaluation evaluation;
};

struct kuan_allocation {
  api::Allocator allocator;
  std::vector<api::AllocationDecision> decisions;  // every record's, made once: the strings handed out live here
};

namespace {

char* duplicate(const char* s) noexcept {
  if (!s) return nullptr;
  const std::size_t n = std::strlen(s);
  char* out = static_cast<char*>(std::malloc(n + 1));
  if (out) std::memcpy(out, s, n + 1);
  return out;
}

void clear(kuan_error* e) noexcept {
  if (e) kuan_error_clear(e);
}

kuan_code fail(kuan_error* e, kuan_code code, const char* message) noexcept {
  if (e) {
    kuan_error_clear(e);
    e->code = code;
    e->message = duplicate(message);
  }
  return code;
}

kuan_code fail(kuan_error* e, const api::Error& err) noexcept {
  const auto code = static_cast<kuan_code>(err.code);
  if (e) {
    kuan_error_clear(e);
    e->code = code;
    e->message = duplicate(err.message.c_str());
    if (err.where.known()) {
      e->file = duplicate(err.where.file.c_str());
      e->line = err.where.line;
      e->column = err.where.column;
    }
    if (!err.fact.empty()) e->fact = duplicate(err.fact.c_str());
  }
  return code;
}

// Runs an entry point; an escaping exception becomes KUAN_INTERNAL and `fallback`.
template <typename R, typename F>
R guard(kuan_error* err, R fallback, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    fail(err, KUAN_INTERNAL, "内部错误:内存不足");
  } catch (const std::exception& ex) {
    fail(err, KUAN_INTERNAL, ex.what());
  } catch (...) {
    fail(err, KUAN_INTERNAL, "内部错误:未知异常");
  }
  return fallback;
}

kuan_code null_argument(kuan_error* err, const char* which) noexcept {
  std::string m;
  try {
    m = std::string("参数 ") + which + " 为 NULL";
  } catch (...) {
  }
  return fail(err, KUAN_INVALID_ARGUMENT, m.c_str());
}

kuan_policy* finish_load(api::LoadResult r, kuan_diagnostics** diagnostics, kuan_error* err) {
  std::unique_ptr<kuan_policy> policy;
  if (r.policy) policy = std::make_unique<kuan_policy>(std::move(*r.policy));
  if (!policy) {
    api::Error e;
    e.code = api::ErrorCode::RuleErrors;
    e.message = "政策未能载入";
    for (const auto& d : r.diagnostics)
      if (d.severity == api::Severity::Error) {
        e.message = d.message;
        e.where = api::Position{d.file, d.line, d.column};
        break;
      }
    fail(err, e);
  } else {
    clear(err);
  }
  if (diagnostics) *diagnostics = new kuan_diagnostics{std::move(r.diagnostics)};
  return policy.release();
}

// Copies `full` into the host's struct, no further than the size the host set
// (its header's sizeof), so older hosts keep working as structs grow.
template <typename T>
int deliver(const T& full, T* out) noexcept {
  if (!out || out->size == 0) return 0;
  const std::size_t n = std::min(out->size, sizeof(T));
  if (n > sizeof(std::size_t))
    std::memcpy(reinterpret_cast<char*>(out) + sizeof(std::size_t),
                reinterpret_cast<const char*>(&full) + sizeof(std::size_t), n - sizeof(std::size_t));
  return 1;
}

const char* or_null(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }
const char* or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

void fill_fact(const api::FactInfo& f, const std::vector<const char*>& enums, kuan_fact_info* out) {
  out->name = f.name.c_str();
  out->type = static_cast<kuan_fact_type>(f.type);
  out->type_name = f.type_name.c_str();
  out->required = f.required;
  out->optional = f.optional;
  out->default_text = or_null(f.default_text);
  out->label = f.label.c_str();
  out->enum_count = enums.size();
  out->enum_values = enums.empty() ? nullptr : enums.data();
}

template <typename Setter>
kuan_code set_fact(kuan_facts* facts, const char* fact, const void* value, kuan_error* err, Setter&& setter) noexcept {
  if (!facts) return null_argument(err, "facts");
  if (!fact) return null_argument(err, "fact");
  if (!value) return null_argument(err, "value");
  return guard(err, KUAN_INTERNAL, [&]() -> kuan_code {
    api::Status s = setter(facts->facts);
    if (!s) return fail(err, s.error());
    clear(err);
    return KUAN_OK;
  });
}

kuan_result* finish_evaluation(api::Result<api::Evaluation> r, kuan_error* err) {
  if (!r) {
    fail(err, r.error());
    return nullptr;
  }
  auto* out = new kuan_result{std::move(*r)};
  clear(err);
  return out;
}

// KUAN_EXPLAIN and the application's date (NULL: today in China) as the C++ options.
api::EvaluateOptions options_of(unsigned flags, const char* as_of) {
  api::EvaluateOptions options;
  options.explain = (flags & KUAN_EXPLAIN) != 0;
  if (as_of) options.as_of = as_of;
  return options;
}

const api::Explanation* explanation_of(const kuan_result* r) {
  return r && r->evaluation.explanation ? &*r->evaluation.explanation : nullptr;
}

}  // namespace

extern "C" {

// ------------------------------------------------------------------ errors

void kuan_error_clear(kuan_error* error) {
  if (!error) return;
  std::free(error->message);
  std::free(error->file);
  std::free(error->fact);
  *error = kuan_error KUAN_ERROR_INIT;
}

const char* kuan_version(void) { return api::version(); }
const char* kuan_code_name(kuan_code code) { return api::error_code_name(static_cast<api::ErrorCode>(code)); }
const char* kuan_error_kind(const kuan_error* error) {
  if (!error) return "";
  return ::kuan::error_code_kind(static_cast<api::ErrorCode>(error->code), error->fact && *error->fact);
}

// ------------------------------------------------------------- diagnostics

size_t kuan_diagnostics_count(const kuan_diagnostics* d) { return d ? d->items.size() : 0; }

int kuan_diagnostics_get(const kuan_diagnostics* d, size_t index, kuan_diagnostic* out) {
  if (!d || !out || index >= d->items.size()) return 0;
  kuan_diagnostic full{};
  const api::Diagnostic& x = d->items[index];
  full.severity = static_cast<kuan_severity>(x.severity);
  full.file = x.file.c_str();
  full.line = x.line;
  full.column = x.column;
  full.message = x.message.c_str();
  full.rendered = x.rendered.c_str();
  return deliver(full, out);
}

void kuan_diagnostics_free(kuan_diagnostics* d) { delete d; }

// ----------------------------------------------------------------- policies

kuan_policy* kuan_policy_load(const char* path, kuan_diagnostics** diagnostics, kuan_error* error) {
  if (diagnostics) *diagnostics = nullptr;
  if (!path) return null_argument(error, "path"), nullptr;
  return guard(error, static_cast<kuan_policy*>(nullptr),
               [&] { return finish_load(api::Policy::load(path), diagnostics, error); });
}

kuan_policy* kuan_policy_from_text(const char* text, const char* name, kuan_diagnostics** diagnostics,
                                   kuan_error* error) {
  if (diagnostics) *diagnostics = nullptr;
  if (!text) return null_argument(error, "text"), nullptr;
  return guard(error, static_cast<kuan_policy*>(nullptr), [&] {
    return finish_load(api::Policy::from_text(text, name ? name : "<text>"), diagnostics, error);
  });
}

void kuan_policy_free(kuan_policy* policy) { delete policy; }

size_t kuan_policy_edition_count(const kuan_policy* p) { return p ? p->editions.size() : 0; }

const kuan_edition* kuan_policy_edition_at(const kuan_policy* p, size_t index) {
  return p && index < p->editions.size() ? p->editions[index].get() : nullptr;
}

const kuan_edition* kuan_policy_edition(const kuan_policy* p, const char* name, kuan_error* error) {
  if (!p) return null_argument(error, "policy"), nullptr;
  if (!name) return null_argument(error, "name"), nullptr;
  return guard(error, static_cast<const kuan_edition*>(nullptr), [&]() -> const kuan_edition* {
    auto e = p->policy.edition(name);
    if (!e) return fail(error, e.error()), nullptr;
    clear(error);
    return p->find(*e);
  });
}

const kuan_edition* kuan_policy_edition_on(const kuan_policy* p, const char* date, kuan_error* error) {
  if (!p) return null_argument(error, "policy"), nullptr;
  if (!date) return null_argument(error, "date"), nullptr;
  return guard(error, static_cast<const kuan_edition*>(nullptr), [&]() -> const kuan_edition* {
    auto e = p->policy.edition_on(date);
    if (!e) return fail(error, e.error()), nullptr;
    clear(error);
    return p->find(*e);
  });
}

const kuan_edition* kuan_policy_latest(const kuan_policy* p) {
  if (!p) return nullptr;
  return guard(nullptr, static_cast<const kuan_edition*>(nullptr), [&] { return p->find(p->policy.latest()); });
}

// ----------------------------------------------------------------- metadata

int kuan_edition_get_info(const kuan_edition* e, kuan_edition_info* out) {
  if (!e || !out) return 0;
  kuan_edition_info full{};
  const api::Edition& ed = e->edition;
  full.policy_name = ed.policy_name().c_str();
  full.name = ed.name().c_str();
  full.effective_from = ed.effective_from().c_str();
  full.effective_to = or_null(ed.effective_to());
  full.rounding = ed.rounding().c_str();
  full.measure_count = ed.measures().size();
  full.fact_count = ed.facts().size();
  return deliver(full, out);
}

int kuan_edition_get_measure(const kuan_edition* e, size_t index, kuan_measure_info* out) {
  if (!e || !out || index >= e->edition.measures().size()) return 0;
  kuan_measure_info full{};
  const api::MeasureInfo& m = e->edition.measures()[index];
  full.name = m.name.c_str();
  full.title = m.title.c_str();
  full.clause = m.clause.c_str();
  full.clause_title = m.clause_title.c_str();
  full.fact_count = m.facts.size();
  full.cap_count = m.caps.size();
  return deliver(full, out);
}

int kuan_edition_find_measure(const kuan_edition* e, const char* name, size_t* index) {
  if (!e || !name) return 0;
  const api::MeasureInfo* m = e->edition.measure(name);
  if (!m) return 0;
  if (index) *index = static_cast<size_t>(m - e->edition.measures().data());
  return 1;
}

int kuan_edition_get_measure_fact(const kuan_edition* e, size_t measure, size_t index, kuan_fact_info* out) {
  if (!e || !out || measure >= e->edition.measures().size()) return 0;
  const auto& facts = e->edition.measures()[measure].facts;
  if (index >= facts.size()) return 0;
  kuan_fact_info full{};
  fill_fact(facts[index], e->measure_enums[measure][index], &full);
  return deliver(full, out);
}

int kuan_edition_get_measure_cap(const kuan_edition* e, size_t measure, size_t index, kuan_cap_info* out) {
  if (!e || !out || measure >= e->edition.measures().size()) return 0;
  kuan_cap_info full{};
  const auto& caps = e->edition.measures()[measure].caps;
  if (index >= caps.size()) return 0;
  full.name = caps[index].name.c_str();
  full.stacking = caps[index].stacking;
  return deliver(full, out);
}

int kuan_edition_get_fact(const kuan_edition* e, size_t index, kuan_fact_info* out) {
  if (!e || !out || index >= e->edition.facts().size()) return 0;
  kuan_fact_info full{};
  fill_fact(e->edition.facts()[index], e->fact_enums[index], &full);
  return deliver(full, out);
}

// -------------------------------------------------------------------- facts

kuan_facts* kuan_facts_new(const kuan_edition* e) {
  if (!e) return nullptr;
  return guard(nullptr, static_cast<kuan_facts*>(nullptr), [&] { return new kuan_facts{e->edition.new_facts()}; });
}

kuan_facts* kuan_facts_from_json(const kuan_edition* e, const char* json, kuan_error* error) {
  if (!e) return null_argument(error, "edition"), nullptr;
  if (!json) return null_argument(error, "json"), nullptr;
  return guard(error, static_cast<kuan_facts*>(nullptr), [&]() -> kuan_facts* {
    auto f = e->edition.facts_from_json(json);
    if (!f) return fail(error, f.error()), nullptr;
    auto* out = new kuan_facts{std::move(*f)};
    clear(error);
    return out;
  });
}

kuan_facts* kuan_facts_copy(const kuan_facts* facts) {
  if (!facts) return nullptr;
  return guard(nullptr, static_cast<kuan_facts*>(nullptr), [&] { return new kuan_facts{facts->facts}; });
}

void kuan_facts_free(kuan_facts* facts) { delete facts; }

kuan_code kuan_facts_set_money(kuan_facts* f, const char* fact, const char* amount, kuan_error* error) {
  return set_fact(f, fact, amount, error, [&](api::Facts& x) { return x.set_money(fact, amount); });
}

kuan_code kuan_facts_set_money_fen(kuan_facts* f, const char* fact, int64_t fen, kuan_error* error) {
  return set_fact(f, fact, "", error, [&](api::Facts& x) { return x.set_money_fen(fact, fen); });
}

kuan_code kuan_facts_set_rate(kuan_facts* f, const char* fact, const char* rate, kuan_error* error) {
  return set_fact(f, fact, rate, error, [&](api::Facts& x) { return x.set_rate(fact, rate); });
}

kuan_code kuan_facts_set_integer(kuan_facts* f, const char* fact, int64_t value, kuan_error* error) {
  return set_fact(f, fact, "", error, [&](api::Facts& x) { return x.set_integer(fact, value); });
}

kuan_code kuan_facts_set_number(kuan_facts* f, const char* fact, const char* value, kuan_error* error) {
  return set_fact(f, fact, value, error, [&](api::Facts& x) { return x.set_number(fact, value); });
}

kuan_code kuan_facts_set_bool(kuan_facts* f, const char* fact, int value, kuan_error* error) {
  return set_fact(f, fact, "", error, [&](api::Facts& x) { return x.set_bool(fact, value != 0); });
}

kuan_code kuan_facts_set_enum(kuan_facts* f, const char* fact, const char* value, kuan_error* error) {
  return set_fact(f, fact, value, error, [&](api::Facts& x) { return x.set_enum(fact, value); });
}

kuan_code kuan_facts_set_date(kuan_facts* f, const char* fact, const char* date, kuan_error* error) {
  return set_fact(f, fact, date, error, [&](api::Facts& x) { return x.set_date(fact, date); });
}

kuan_code kuan_facts_set_text(kuan_facts* f, const char* fact, const char* text, kuan_error* error) {
  return set_fact(f, fact, text, error, [&](api::Facts& x) { return x.set(fact, text); });
}

kuan_code kuan_facts_set_json(kuan_facts* f, const char* json, kuan_error* error) {
  return set_fact(f, "", json, error, [&](api::Facts& x) { return x.set_json(json); });
}

kuan_code kuan_facts_unset(kuan_facts* f, const char* fact, kuan_error* error) {
  return set_fact(f, fact, "", error, [&](api::Facts& x) { return x.unset(fact); });
}

void kuan_facts_clear(kuan_facts* f) {
  if (f) f->facts.clear();
}

void kuan_facts_clear_errors(kuan_facts* f) {
  if (f) f->facts.clear_errors();
}

int kuan_facts_has(const kuan_facts* f, const char* fact) { return f && fact && f->facts.has(fact); }

// --------------------------------------------------------------- evaluation

kuan_result* kuan_evaluate(const kuan_edition* e, const char* measure, const kuan_facts* facts, unsigned flags,
                           kuan_error* error) {
  return kuan_evaluate_as_of(e, measure, facts, flags, nullptr, error);
}

kuan_result* kuan_evaluate_json(const kuan_edition* e, const char* measure, const char* facts_json, unsigned flags,
                                kuan_error* error) {
  return kuan_evaluate_json_as_of(e, measure, facts_json, flags, nullptr, error);
}

kuan_result* kuan_evaluate_as_of(const kuan_edition* e, const char* measure, const kuan_facts* facts, unsigned flags,
                                 const char* as_of, kuan_error* error) {
  if (!e) return null_argument(error, "edition"), nullptr;
  if (!measure) return null_argument(error, "measure"), nullptr;
  if (!facts) return null_argument(error, "facts"), nullptr;
  return guard(error, static_cast<kuan_result*>(nullptr), [&] {
    return finish_evaluation(e->edition.evaluate(measure, facts->facts, options_of(flags, as_of)), error);
  });
}

kuan_result* kuan_evaluate_json_as_of(const kuan_edition* e, const char* measure, const char* facts_json, unsigned flags,
                                      const char* as_of, kuan_error* error) {
  if (!e) return null_argument(error, "edition"), nullptr;
  if (!measure) return null_argument(error, "measure"), nullptr;
  if (!facts_json) return null_argument(error, "facts_json"), nullptr;
  return guard(error, static_cast<kuan_result*>(nullptr), [&] {
    return finish_evaluation(e->edition.evaluate_json(measure, facts_json, options_of(flags, as_of)), error);
  });
}

void kuan_result_free(kuan_result* r) { delete r; }

namespace {

char* finish_application(api::Result<api::ApplicationResult> r, kuan_error* err) {
  if (!r) {
    fail(err, r.error());
    return nullptr;
  }
  const std::string json = api::to_json(*r);
  if (json.empty()) throw std::bad_alloc();
  char* out = static_cast<char*>(std::malloc(json.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, json.c_str(), json.size() + 1);
  clear(err);
  return out;
}

}  // namespace

char* kuan_evaluate_all(const kuan_edition* e, const kuan_facts* facts, unsigned flags, kuan_error* error) {
  return kuan_evaluate_all_as_of(e, facts, flags, nullptr, error);
}

char* kuan_evaluate_all_json(const kuan_edition* e, const char* facts_json, unsigned flags, kuan_error* error) {
  return kuan_evaluate_all_json_as_of(e, facts_json, flags, nullptr, error);
}

char* kuan_evaluate_all_as_of(const kuan_edition* e, const kuan_facts* facts, unsigned flags, const char* as_of,
                              kuan_error* error) {
  if (!e) return null_argument(error, "edition"), nullptr;
  if (!facts) return null_argument(error, "facts"), nullptr;
  return guard(error, static_cast<char*>(nullptr), [&] {
    return finish_application(e->edition.evaluate_all(facts->facts, options_of(flags, as_of)), error);
  });
}

char* kuan_evaluate_all_json_as_of(const kuan_edition* e, const char* facts_json, unsigned flags, const char* as_of,
                                   kuan_error* error) {
  if (!e) return null_argument(error, "edition"), nullptr;
  if (!facts_json) return null_argument(error, "facts_json"), nullptr;
  return guard(error, static_cast<char*>(nullptr), [&] {
    return finish_application(e->edition.evaluate_all_json(facts_json, options_of(flags, as_of)), error);
  });
}

void kuan_string_free(char* text) { std::free(text); }

const char* kuan_result_measure(const kuan_result* r) { return r ? r->evaluation.measure.c_str() : nullptr; }
const char* kuan_result_edition(const kuan_result* r) { return r ? r->evaluation.edition.c_str() : nullptr; }
const char* kuan_result_clause(const kuan_result* r) { return r ? r->evaluation.clause.c_str() : nullptr; }
int kuan_result_eligible(const kuan_result* r) { return r && r->evaluation.eligible; }
const char* kuan_result_amount(const kuan_result* r) { return r ? r->evaluation.amount.c_str() : nullptr; }

int kuan_result_amount_fen(const kuan_result* r, int64_t* fen) {
  if (!r || !r->evaluation.amount_fen) return 0;
  if (fen) *fen = *r->evaluation.amount_fen;
  return 1;
}

size_t kuan_result_reason_count(const kuan_result* r) { return r ? r->evaluation.reasons.size() : 0; }

const char* kuan_result_reason(const kuan_result* r, size_t index) {
  return r && index < r->evaluation.reasons.size() ? r->evaluation.reasons[index].c_str() : nullptr;
}

const char* kuan_result_bound(const kuan_result* r) { return r ? or_null(r->evaluation.bound) : nullptr; }

size_t kuan_result_note_count(const kuan_result* r) { return r ? r->evaluation.notes.size() : 0; }

const char* kuan_result_note(const kuan_result* r, size_t index) {
  return r && index < r->evaluation.notes.size() ? r->evaluation.notes[index].c_str() : nullptr;
}

size_t kuan_result_figure_count(const kuan_result* r) { return r ? r->evaluation.figures.size() : 0; }

const char* kuan_result_figure_name(const kuan_result* r, size_t index) {
  return r && index < r->evaluation.figures.size() ? r->evaluation.figures[index].name.c_str() : nullptr;
}

const char* kuan_result_figure_amount(const kuan_result* r, size_t index) {
  return r && index < r->evaluation.figures.size() ? r->evaluation.figures[index].amount.c_str() : nullptr;
}

int kuan_result_explanation(const kuan_result* r, kuan_explanation* out) {
  const api::Explanation* x = explanation_of(r);
  kuan_explanation full{};
  if (!x || !out) return 0;
  full.measure = x->measure.c_str();
  full.title = x->title.c_str();
  full.clause = x->clause.c_str();
  full.clause_title = x->clause_title.c_str();
  full.file = x->where.known() ? x->where.file.c_str() : nullptr;
  full.line = x->where.line;
  full.column = x->where.column;
  full.condition_count = x->conditions.size();
  full.rate = or_null(x->rate);
  full.base = or_null(x->base);
  full.computed = or_null(x->computed);
  full.cap_count = x->caps.size();
  full.rounding_mode = or_null(x->rounding_mode);
  full.rounding_step = or_null(x->rounding_step);
  full.before_rounding = or_null(x->before_rounding);
  return deliver(full, out);
}

int kuan_result_condition(const kuan_result* r, size_t index, kuan_condition_step* out) {
  const api::Explanation* x = explanation_of(r);
  kuan_condition_step full{};
  if (!x || !out || index >= x->conditions.size()) return 0;
  const api::ConditionStep& c = x->conditions[index];
  full.reason = c.reason.c_str();
  full.held = c.held;
  full.file = c.where.known() ? c.where.file.c_str() : nullptr;
  full.line = c.where.line;
  full.column = c.where.column;
  return deliver(full, out);
}

int kuan_result_cap(const kuan_result* r, size_t index, kuan_cap_step* out) {
  const api::Explanation* x = explanation_of(r);
  kuan_cap_step full{};
  if (!x || !out || index >= x->caps.size()) return 0;
  const api::CapStep& c = x->caps[index];
  full.name = c.name.c_str();
  full.stacking = c.stacking;
  full.applies = c.applies;
  full.limit = c.applies ? c.limit.c_str() : nullptr;
  full.used = or_null(c.used);
  full.room = c.applies ? c.room.c_str() : nullptr;
  full.lowered = c.lowered;
  full.bound = c.bound;
  full.file = c.where.known() ? c.where.file.c_str() : nullptr;
  full.line = c.where.line;
  full.column = c.where.column;
  return deliver(full, out);
}

// --------------------------------------------------------------- allocation

kuan_allocation* kuan_allocate(const kuan_edition* e, const char* input, size_t length, unsigned flags, const char* as_of,
                               kuan_error* error) {
  if (!e) return null_argument(error, "edition"), nullptr;
  if (!input && length) return null_argument(error, "input"), nullptr;
  return guard(error, static_cast<kuan_allocation*>(nullptr), [&]() -> kuan_allocation* {
    auto refused = [&](const api::AllocationError& x) -> kuan_allocation* {
      api::Error err;
      err.code = api::ErrorCode::InvalidArgument;
      err.message = x.message;
      err.where = api::Position{"<input>", x.where.line, x.where.column};
      err.fact = x.field;
      fail(error, err);
      return nullptr;
    };
    const auto format = (flags & KUAN_ALLOCATE_CSV) ? api::AllocationFormat::Csv : api::AllocationFormat::Jsonl;
    auto created = api::Allocator::create(e->edition, format);
    if (auto* x = std::get_if<api::AllocationError>(&created)) return refused(*x);
    auto out = std::make_unique<kuan_allocation>(kuan_allocation{std::move(std::get<api::Allocator>(created)), {}});
    if (as_of)
      if (auto x = out->allocator.set_as_of(as_of)) return refused(*x);
    std::istringstream in(std::string(input ? input : "", length));
    if (auto x = out->allocator.read(in)) return refused(*x);
    out->decisions.reserve(out->allocator.size());
    for (std::size_t i = 0; i < out->allocator.size(); ++i) {
      auto d = out->allocator.decision_record(i);
      if (!d) throw std::runtime_error("内部错误:决定 " + std::to_string(i) + " 无法读出");
      out->decisions.push_back(std::move(*d));
    }
    clear(error);
    return out.release();
  });
}

void kuan_allocation_free(kuan_allocation* a) { delete a; }

size_t kuan_allocation_count(const kuan_allocation* a) { return a ? a->decisions.size() : 0; }

namespace {
const api::AllocationDecision* decision_at(const kuan_allocation* a, size_t index) {
  return a && index < a->decisions.size() ? &a->decisions[index] : nullptr;
}
}  // namespace

const char* kuan_allocation_id(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d ? d->id.c_str() : nullptr;
}

const char* kuan_allocation_applicant(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d ? d->applicant.c_str() : nullptr;
}

const char* kuan_allocation_measure(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d ? d->measure.c_str() : nullptr;
}

int kuan_allocation_eligible(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d && d->eligible;
}

const char* kuan_allocation_amount(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d ? d->amount.c_str() : nullptr;
}

const char* kuan_allocation_allocated(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d ? d->allocated.c_str() : nullptr;
}

const char* kuan_allocation_bound(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d ? or_null(d->bound) : nullptr;
}

size_t kuan_allocation_reason_count(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d ? d->reasons.size() : 0;
}

const char* kuan_allocation_reason(const kuan_allocation* a, size_t index, size_t reason) {
  const auto* d = decision_at(a, index);
  return d && reason < d->reasons.size() ? d->reasons[reason].c_str() : nullptr;
}

size_t kuan_allocation_figure_count(const kuan_allocation* a, size_t index) {
  const auto* d = decision_at(a, index);
  return d ? d->figures.size() : 0;
}

const char* kuan_allocation_figure_name(const kuan_allocation* a, size_t index, size_t figure) {
  const auto* d = decision_at(a, index);
  return d && figure < d->figures.size() ? d->figures[figure].name.c_str() : nullptr;
}

const char* kuan_allocation_figure_amount(const kuan_allocation* a, size_t index, size_t figure) {
  const auto* d = decision_at(a, index);
  return d && figure < d->figures.size() ? d->figures[figure].amount.c_str() : nullptr;
}

char* kuan_allocation_decisions(const kuan_allocation* a, unsigned flags) {
  if (!a) return nullptr;
  return guard(nullptr, static_cast<char*>(nullptr), [&]() -> char* {
    std::ostringstream out;
    if (!a->allocator.write(out, (flags & KUAN_ALLOCATE_CSV) ? api::AllocationFormat::Csv : api::AllocationFormat::Jsonl))
      return nullptr;
    return duplicate(out.str().c_str());
  });
}

}  // extern "C"
