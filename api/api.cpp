// The C++ embedding API (include/kuan/kuan.hpp) over the interpreter.
//
// A loaded policy is a kuan::Policy (immutable) plus, per edition, the public
// description of its measures and facts, built once at load time. Handles
// (Policy, Edition, Facts) share ownership of that one immutable PolicyData,
// so an Edition or a Facts never outlives what it points into. Every entry
// point turns exceptions into Error values: nothing escapes that the host did
// not ask for (Result::value()).
#include "kuan/kuan.hpp"

#include <algorithm>
#include <new>

#include <fmt/format.h>

#include "api/handles.hpp"
#include "interpreter/result.hpp"
#include "interpreter/evaluator.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "interpreter/policy.hpp"
#include "lang/checker.hpp"
#include "base/error_kind.hpp"
#include "base/date.hpp"
#include "base/json_string.hpp"
#include "base/source.hpp"

namespace kuan::api {


namespace detail {

Position position_of(const ::kuan::Span& span) { return ::kuan::place_of(span); }  // the one span → line/column

}  // namespace detail

namespace {

using detail::EditionData;
using detail::FactsData;
using detail::PolicyData;
using detail::position_of;

Error make_error(ErrorCode code, std::string message, Position where = {}, std::string fact = {}) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  e.where = std::move(where);
  e.fact = std::move(fact);
  return e;
}

using detail::guarded;

FactType fact_type(::kuan::TypeKind k) {
  switch (k) {
    case ::kuan::TypeKind::Money: return FactType::Money;
    case ::kuan::TypeKind::Rate: return FactType::Rate;
    case ::kuan::TypeKind::Integer: return FactType::Integer;
    case ::kuan::TypeKind::Number: return FactType::Number;
    case ::kuan::TypeKind::Bool: return FactType::Bool;
    case ::kuan::TypeKind::Date: return FactType::Date;
    case ::kuan::TypeKind::Enum: return FactType::Enum;
    case ::kuan::TypeKind::List: return FactType::List;
    case ::kuan::TypeKind::Error: break;
  }
  return FactType::Number;
}

std::string yuan(const ::kuan::Decimal& d) { return d.normalized().to_string(); }

EditionData describe(const ::kuan::Edition& ed) {
  EditionData out;
  out.ed = &ed;
  out.effective_from = ::kuan::format_date(ed.effective_from);
  if (ed.effective_to) out.effective_to = ::kuan::format_date(*ed.effective_to);
  out.rounding = ed.rounding_name + " 至 " + yuan(ed.rounding_step) + "元";
  out.facts.reserve(ed.facts.size());
  for (const auto& f : ed.facts) {
    FactInfo info;
    info.name = f.decl->name;
    info.type = fact_type(f.type.kind);
    info.type_name = fact_type_name(info.type);
    if (f.type.kind == ::kuan::TypeKind::Enum && f.type.enum_id >= 0)
      info.enum_values = ed.enums[static_cast<std::size_t>(f.type.enum_id)].values;
    info.required = f.required();
    info.optional = f.decl->optional;
    if (f.decl->default_value) info.default_text = std::string(::kuan::span_text(f.decl->default_value->span));
    info.label = f.decl->label;
    info.where = position_of(f.decl->span);
    out.facts.push_back(std::move(info));
  }
  out.measures.reserve(ed.measures.size());
  for (const auto& m : ed.measures) {
    MeasureInfo info;
    info.name = m.decl->name;
    info.title = m.decl->title;
    if (m.clause) {
      info.clause = m.clause->ref;
      info.clause_title = m.clause->title;
    }
    for (int f : m.facts) info.facts.push_back(out.facts[static_cast<std::size_t>(f)]);
    for (const auto* cap : m.caps) info.caps.push_back(CapInfo{cap->name, cap->stacking});
    info.where = position_of(m.decl->span);
    out.measures.push_back(std::move(info));
  }
  return out;
}

}  // namespace

Diagnostic detail::to_public(const ::kuan::Diagnostic& d) {
  Diagnostic out;
  out.severity = d.severity == ::kuan::Severity::Error     ? Severity::Error
                 : d.severity == ::kuan::Severity::Warning ? Severity::Warning
                                                           : Severity::Note;
  out.file = d.file;
  out.line = static_cast<int>(d.line);
  out.column = static_cast<int>(d.column);
  out.message = d.message;
  out.rendered = d.rendered;
  out.length = d.span.end - d.span.begin;
  for (const auto& note : d.notes) out.notes.push_back(to_public(note));
  return out;
}

namespace {

using detail::to_public;

// Loading never throws to the host: a failure is one more diagnostic.
template <typename F>
LoadResult guarded_load(F&& body) {
  std::string what;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    what = "内存不足";
  } catch (const std::exception& ex) {
    what = ex.what();
  } catch (...) {
    what = "未知异常";
  }
  LoadResult r;
  Diagnostic d;
  d.message = "内部错误:" + what;
  d.rendered = "error: " + d.message + "\n";
  r.diagnostics.push_back(std::move(d));
  return r;
}

std::string list_names(const std::vector<MeasureInfo>& measures) {
  std::string s;
  for (std::size_t i = 0; i < measures.size(); ++i) s += (i ? "、" : "") + measures[i].name;
  return s;
}

}  // namespace

// ------------------------------------------------------------------ errors

const char* version() noexcept { return KUAN_VERSION; }

void append_json_string(std::string& out, std::string_view text) { ::kuan::append_json_string(out, text); }

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::Ok: return "ok";
    case ErrorCode::RuleErrors: return "rule_errors";
    case ErrorCode::UnknownEdition: return "unknown_edition";
    case ErrorCode::UnknownMeasure: return "unknown_measure";
    case ErrorCode::UnknownFact: return "unknown_fact";
    case ErrorCode::WrongFactType: return "wrong_fact_type";
    case ErrorCode::InvalidFactValue: return "invalid_fact_value";
    case ErrorCode::BadJson: return "bad_json";
    case ErrorCode::MissingFacts: return "missing_facts";
    case ErrorCode::EvaluationError: return "evaluation_error";
    case ErrorCode::WrongEdition: return "wrong_edition";
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::Internal: return "internal";
    case ErrorCode::InvalidApplication: return "invalid_application";
  }
  return "unknown";
}

const char* fact_type_name(FactType type) noexcept {
  switch (type) {
    case FactType::Money: return "金额";
    case FactType::Rate: return "比例";
    case FactType::Integer: return "整数";
    case FactType::Number: return "数值";
    case FactType::Bool: return "布尔";
    case FactType::Date: return "日期";
    case FactType::Enum: return "枚举";
    case FactType::List: return "列表";
  }
  return "?";
}

const char* Error::kind() const noexcept { return ::kuan::error_code_kind(code, !fact.empty()); }

std::string Error::to_string() const {
  if (!where.known()) return message;
  if (where.file.empty()) return fmt::format("{}:{}: {}", where.line, where.column, message);
  return fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message);
}

Exception::Exception(Error error) : std::runtime_error(error.to_string()), error_(std::move(error)) {}

// ------------------------------------------------------------------ loading

namespace {
// The public form of a load: every diagnostic, and the policy's description
// when it loaded without errors.
std::shared_ptr<const PolicyData> describe_policy(std::shared_ptr<const ::kuan::Policy> policy,
                                                 const std::vector<::kuan::Diagnostic>& diagnostics, LoadResult& r) {
  r.diagnostics.reserve(diagnostics.size());
  for (const auto& d : diagnostics) r.diagnostics.push_back(to_public(d));
  if (!policy || ::kuan::has_errors(diagnostics)) return nullptr;
  auto data = std::make_shared<PolicyData>();
  data->editions.reserve(policy->editions().size());
  for (const auto& ed : policy->editions()) data->editions.push_back(describe(*ed));
  data->policy = std::move(policy);
  return data;
}
}  // namespace

LoadResult detail::load_result(std::shared_ptr<const ::kuan::Policy> policy,
                               const std::vector<::kuan::Diagnostic>& diagnostics) {
  LoadResult r;
  if (auto data = describe_policy(std::move(policy), diagnostics, r))
    r.policy.emplace(detail::Access::make_policy(std::move(data)));
  return r;
}

LoadResult Policy::load(std::string_view path) {
  return guarded_load([&] {
    std::vector<::kuan::Diagnostic> diagnostics;
    auto p = ::kuan::Policy::load(std::filesystem::path(std::string(path)), diagnostics);
    LoadResult r;
    if (auto data = describe_policy(std::move(p), diagnostics, r)) r.policy.emplace(Policy(std::move(data)));
    return r;
  });
}

LoadResult Policy::from_text(std::string_view text, std::string_view name) {
  return from_sources({{std::string(name), std::string(text)}});
}

LoadResult Policy::from_sources(const std::vector<std::pair<std::string, std::string>>& files) {
  return guarded_load([&] {
    std::vector<::kuan::Diagnostic> diagnostics;
    std::shared_ptr<const ::kuan::Policy> p;
    if (files.empty()) diagnostics.push_back(::kuan::make_diagnostic(::kuan::Severity::Error, {}, "没有规则文本"));
    else p = ::kuan::Policy::from_sources(files, diagnostics);
    LoadResult r;
    if (auto data = describe_policy(std::move(p), diagnostics, r)) r.policy.emplace(Policy(std::move(data)));
    return r;
  });
}

LoadResult Policy::from_texts(const std::vector<std::pair<std::string, std::string>>& files) {
  return guarded_load([&] {
    std::vector<::kuan::Diagnostic> diagnostics;
    auto p = ::kuan::Policy::from_texts(files, diagnostics);
    LoadResult r;
    if (auto data = describe_policy(std::move(p), diagnostics, r)) r.policy.emplace(Policy(std::move(data)));
    return r;
  });
}

std::vector<std::pair<std::string, std::string>> Policy::sources() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(d_->policy->sources().size());
  for (const auto& s : d_->policy->sources()) out.emplace_back(s->name(), s->text());
  return out;
}

std::string LoadResult::rendered() const { return ::kuan::render_diagnostics(diagnostics); }

std::vector<Edition> Policy::editions() const {
  std::vector<Edition> out;
  out.reserve(d_->editions.size());
  for (const auto& e : d_->editions) out.push_back(Edition(d_, &e));
  return out;
}

Result<Edition> Policy::edition(std::string_view name) const {
  return guarded([&]() -> Result<Edition> {
    std::string error;
    const ::kuan::Edition* ed = d_->policy->edition(name, error);
    if (!ed) return make_error(ErrorCode::UnknownEdition, error);
    return Edition(d_, d_->find(ed));
  });
}

Result<Edition> Policy::edition_on(std::string_view date) const {
  return guarded([&]() -> Result<Edition> {
    auto day = ::kuan::parse_date(date);
    if (!day) return make_error(ErrorCode::InvalidArgument, ::kuan::bad_date_message("", "\"" + ::kuan::echo(date) + "\""));
    std::string error;
    const ::kuan::Edition* ed = d_->policy->edition_on(*day, error);
    if (!ed) return make_error(ErrorCode::UnknownEdition, error);
    return Edition(d_, d_->find(ed));
  });
}

Edition Policy::latest() const { return Edition(d_, d_->find(d_->policy->latest())); }

// ------------------------------------------------------------------ edition

const std::string& Edition::name() const noexcept { return data_->ed->name; }
const std::string& Edition::policy_name() const noexcept { return data_->ed->policy_name; }
const std::string& Edition::effective_from() const noexcept { return data_->effective_from; }
const std::optional<std::string>& Edition::effective_to() const noexcept { return data_->effective_to; }
const std::string& Edition::rounding() const noexcept { return data_->rounding; }
const char* Edition::status() const noexcept { return data_->ed->status_name(); }
const std::vector<MeasureInfo>& Edition::measures() const noexcept { return data_->measures; }
const std::vector<FactInfo>& Edition::facts() const noexcept { return data_->facts; }

const MeasureInfo* Edition::measure(std::string_view name) const noexcept {
  auto it = data_->ed->measure_index.find(name);
  return it == data_->ed->measure_index.end() ? nullptr : &data_->measures[static_cast<std::size_t>(it->second)];
}

const FactInfo* Edition::fact(std::string_view name) const noexcept {
  const int slot = data_->ed->find_fact(name);
  return slot < 0 ? nullptr : &data_->facts[static_cast<std::size_t>(slot)];
}

Facts Edition::new_facts() const {
  auto d = std::make_unique<FactsData>();
  d->policy = policy_;
  d->edition = data_;
  d->values = ::kuan::FactValues(data_->ed->facts.size());
  return Facts(std::move(d));
}

Result<Facts> Edition::facts_from_json(std::string_view json) const {
  return guarded([&]() -> Result<Facts> {
    Facts f = new_facts();
    Status s = f.set_json(json);
    if (!s) return s.error();
    return f;
  });
}

namespace detail {

std::optional<Error> unusable(const Facts& facts, const EditionData& edition) {
  const FactsData* f = Access::data(facts);
  if (!f) return make_error(ErrorCode::InvalidArgument, "Facts 对象已被移走(moved-from),不能用于计算");
  if (f->edition != &edition)
    return make_error(ErrorCode::WrongEdition, "这些事实是为 " + f->edition->ed->name + "(另一个版本或另一次加载的政策)建立的,不能用于 " + edition.ed->name);
  if (!f->errors.empty()) return f->errors.front().second;
  return std::nullopt;
}

Result<const ::kuan::FactValues*> dated_values(const Facts& facts, std::string_view as_of,
                                               std::optional<::kuan::FactValues>& dated) {
  const ::kuan::FactValues& values = Access::data(facts)->values;
  if (as_of.empty()) return &values;
  const auto day = ::kuan::parse_date(as_of);
  if (!day) {
    // The text is shown when it is short printable ASCII (not a megabyte, a NUL or bad UTF-8).
    const bool shown = as_of.size() <= 32 && std::all_of(as_of.begin(), as_of.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    return make_error(ErrorCode::InvalidArgument, ::kuan::bad_date_message("as_of", shown ? "\"" + std::string(as_of) + "\"" : ""));
  }
  dated = values;
  dated->as_of = day;
  return &*dated;
}

}  // namespace detail

Result<Evaluation> Edition::evaluate(std::string_view measure, const Facts& facts, const EvaluateOptions& options) const {
  return guarded([&]() -> Result<Evaluation> {
    const ::kuan::Edition& ed = *data_->ed;
    const ::kuan::MeasureInfo* m = ed.find_measure(measure);
    if (!m)
      return make_error(ErrorCode::UnknownMeasure,
                        ed.measure_hint(measure).empty()
                            ? "未知的措施 " + std::string(measure) + "(" + ed.name + " 中没有这项措施;可用:" +
                                  list_names(data_->measures) + ")"
                            : ed.unknown_measure_message(measure, measure));
    if (auto problem = detail::unusable(facts, *data_)) return std::move(*problem);
    std::optional<::kuan::FactValues> dated;
    const auto values = detail::dated_values(facts, options.as_of, dated);
    if (!values) return values.error();
    ::kuan::Trace trace;
    auto r = ::kuan::evaluate_measure(ed, *m, **values, options.explain ? &trace : nullptr);
    if (auto* err = std::get_if<::kuan::EvalError>(&r)) {
      if (err->kind == ::kuan::ErrorKind::InvalidApplication)
        return make_error(ErrorCode::InvalidApplication, err->message, position_of(err->span));
      // A fact needed on the path taken names itself (its kind is MissingFact): Error::kind() says so.
      if (err->missing.empty())
        return make_error(ErrorCode::EvaluationError, err->message, position_of(err->span),
                          err->kind == ::kuan::ErrorKind::MissingFact ? err->absent : std::string());
      Error e = make_error(ErrorCode::MissingFacts, err->message, {}, err->missing.front());
      e.missing = std::move(err->missing);
      return e;
    }
    return ::kuan::describe_result(ed, std::get<::kuan::Outcome>(r), options.explain ? &trace : nullptr);
  });
}

Result<Evaluation> Edition::evaluate_json(std::string_view measure, std::string_view facts_json,
                                          const EvaluateOptions& options) const {
  return guarded([&]() -> Result<Evaluation> {
    auto facts = facts_from_json(facts_json);
    if (!facts) return facts.error();
    return evaluate(measure, *facts, options);
  });
}

// -------------------------------------------------------------------- facts

Facts::Facts(std::unique_ptr<detail::FactsData> d) : d_(std::move(d)) {}
Facts::Facts(const Facts& o) : d_(o.d_ ? std::make_unique<FactsData>(*o.d_) : nullptr) {}
Facts::Facts(Facts&&) noexcept = default;
Facts& Facts::operator=(const Facts& o) {
  if (this != &o) d_ = o.d_ ? std::make_unique<FactsData>(*o.d_) : nullptr;
  return *this;
}
Facts& Facts::operator=(Facts&&) noexcept = default;
Facts::~Facts() = default;

namespace {

using ::kuan::TypeKind;

constexpr unsigned bit(TypeKind k) { return 1u << static_cast<unsigned>(k); }
constexpr unsigned kAnyType = bit(TypeKind::Money) | bit(TypeKind::Rate) | bit(TypeKind::Integer) |
                              bit(TypeKind::Number) | bit(TypeKind::Bool) | bit(TypeKind::Date) | bit(TypeKind::Enum);

struct Setter {
  const char* what;  // "set_money" — named in a wrong-type message
  unsigned accepts;  // bit(TypeKind) of the declared types it may set
};

Error moved_from() { return make_error(ErrorCode::InvalidArgument, "Facts 对象已被移走(moved-from)"); }

// Looks the fact up, checks the setter fits its declared type, converts, and
// stores; an error is remembered against the fact (−1 when it is unknown).
template <typename Convert>
Status store(FactsData* d, std::string_view name, const Setter& setter, Convert&& convert) {
  return guarded([&]() -> Status {
    if (!d) return moved_from();
    const ::kuan::Edition& ed = *d->edition->ed;
    auto fail = [&](int slot, Error e) -> Status {
      d->errors.emplace_back(slot, e);
      return e;
    };
    const int slot = ed.find_fact(name);
    if (slot < 0)
      return fail(-1, make_error(ErrorCode::UnknownFact,
                                 ed.unknown_fact_message(name, name), {},
                                 std::string(name)));
    const ::kuan::FactInfo& info = ed.facts[static_cast<std::size_t>(slot)];
    if (!(setter.accepts & bit(info.type.kind)))
      return fail(slot, make_error(ErrorCode::WrongFactType,
                                   "事实 " + info.decl->name + " 的类型是 " + ::kuan::type_name(info.type.kind) +
                                       ",不能用 " + setter.what + " 设置",
                                   position_of(info.decl->span), info.decl->name));
    std::variant<::kuan::Value, std::string> v = convert(ed, slot, info);
    if (auto* msg = std::get_if<std::string>(&v))
      return fail(slot, make_error(ErrorCode::InvalidFactValue, std::move(*msg), {}, info.decl->name));
    d->values.set(slot, std::move(std::get<::kuan::Value>(v)));
    std::erase_if(d->errors, [&](const auto& e) { return e.first == slot; });
    return Status();
  });
}

::kuan::json::Scalar scalar(::kuan::json::Scalar::Kind kind, std::string_view text) {
  ::kuan::json::Scalar s;
  s.kind = kind;
  s.text = std::string(text);
  return s;
}

constexpr auto kString = ::kuan::json::Scalar::Kind::String;
constexpr auto kNumber = ::kuan::json::Scalar::Kind::Number;

auto from_scalar(::kuan::json::Scalar s) {
  return [s = std::move(s)](const ::kuan::Edition& ed, int slot, const ::kuan::FactInfo&) {
    return ::kuan::convert_fact(ed, slot, s);
  };
}

}  // namespace

Status Facts::set_money(std::string_view fact, std::string_view amount) {
  return store(d_.get(), fact, {"set_money", bit(TypeKind::Money)}, from_scalar(scalar(kString, amount)));
}

Status Facts::set_money_fen(std::string_view fact, std::int64_t fen) {
  return store(d_.get(), fact, {"set_money_fen", bit(TypeKind::Money)},
               [&](const ::kuan::Edition&, int, const ::kuan::FactInfo& info) -> std::variant<::kuan::Value, std::string> {
                 if (fen < 0) return fmt::format("事实 {} 的金额不能为负:{}分", info.decl->name, fen);
                 return ::kuan::Value::money(::kuan::Decimal::from_scaled(fen, 2));
               });
}

Status Facts::set_rate(std::string_view fact, std::string_view rate) {
  return store(d_.get(), fact, {"set_rate", bit(TypeKind::Rate)}, from_scalar(scalar(kString, rate)));
}

Status Facts::set_integer(std::string_view fact, std::int64_t value) {
  return store(d_.get(), fact, {"set_integer", bit(TypeKind::Integer) | bit(TypeKind::Number)},
               [&](const ::kuan::Edition&, int, const ::kuan::FactInfo& info) -> std::variant<::kuan::Value, std::string> {
                 return ::kuan::Value::of_number(info.type.kind, ::kuan::Decimal::from_int(value));
               });
}

Status Facts::set_number(std::string_view fact, std::string_view value) {
  return store(d_.get(), fact, {"set_number", bit(TypeKind::Number) | bit(TypeKind::Integer)},
               from_scalar(scalar(kNumber, value)));
}

Status Facts::set_bool(std::string_view fact, bool value) {
  ::kuan::json::Scalar s;
  s.kind = ::kuan::json::Scalar::Kind::Bool;
  s.boolean = value;
  return store(d_.get(), fact, {"set_bool", bit(TypeKind::Bool)}, from_scalar(std::move(s)));
}

Status Facts::set_enum(std::string_view fact, std::string_view value) {
  return store(d_.get(), fact, {"set_enum", bit(TypeKind::Enum)}, from_scalar(scalar(kString, value)));
}

Status Facts::set_date(std::string_view fact, std::string_view date) {
  return store(d_.get(), fact, {"set_date", bit(TypeKind::Date)}, from_scalar(scalar(kString, date)));
}

Status Facts::set_date(std::string_view fact, int year, int month, int day) {
  return set_date(fact, fmt::format("{:04}-{:02}-{:02}", year, month, day));
}

Status Facts::set(std::string_view fact, std::string_view text) {
  return store(d_.get(), fact, {"set", kAnyType},
               [&](const ::kuan::Edition& ed, int slot, const ::kuan::FactInfo& info) {
                 ::kuan::json::Scalar s = scalar(kString, text);
                 if (info.type.kind == TypeKind::Integer) s.kind = kNumber;
                 if (info.type.kind == TypeKind::Bool) {
                   const bool yes = text == "true" || text == "是";
                   if (yes || text == "false" || text == "否") {
                     s = scalar(::kuan::json::Scalar::Kind::Bool, {});
                     s.boolean = yes;
                   }
                 }
                 return ::kuan::convert_fact(ed, slot, s);
               });
}

Status Facts::set_json(std::string_view json) {
  return guarded([&]() -> Status {
    if (!d_) return moved_from();
    auto parsed = ::kuan::json::parse_facts(json);
    if (auto* e = std::get_if<::kuan::json::InputError>(&parsed)) {
      Error err = make_error(ErrorCode::BadJson, e->message,
                             Position{"<json>", static_cast<int>(e->line), static_cast<int>(e->column)});
      d_->errors.emplace_back(-1, err);
      return err;
    }
    // All or nothing: the facts change only when every member is good.
    FactsData next = *d_;
    for (const auto& field : std::get<::kuan::json::FactsObject>(parsed).fields) {
      const int slot = next.edition->ed->find_fact(field.name);
      Status s;
      if (slot >= 0 && field.value.kind == ::kuan::json::Scalar::Kind::Null &&
          !next.edition->ed->facts[static_cast<std::size_t>(slot)].required()) {
        next.values.clear(slot);  // null: as if not written
        std::erase_if(next.errors, [&](const auto& e) { return e.first == slot; });
        continue;
      }
      if (slot >= 0 && next.edition->ed->facts[static_cast<std::size_t>(slot)].type.kind == TypeKind::List) {
        // A list fact: the array of objects as a whole.
        auto items = ::kuan::convert_list(*next.edition->ed, slot, field.value);
        if (auto* msg = std::get_if<std::string>(&items)) {
          Error err = make_error(ErrorCode::InvalidFactValue, std::move(*msg), {}, field.name);
          d_->errors.emplace_back(slot, err);
          return err;
        }
        next.values.set_list(slot, std::move(std::get<::kuan::ListValue>(items)));
        std::erase_if(next.errors, [&](const auto& e) { return e.first == slot; });
        continue;
      }
      s = store(&next, field.name, {"JSON", kAnyType}, from_scalar(field.value));
      if (!s) {
        d_->errors.emplace_back(slot, s.error());
        return s;
      }
    }
    *d_ = std::move(next);
    return Status();
  });
}

Status Facts::unset(std::string_view fact) {
  return guarded([&]() -> Status {
    if (!d_) return moved_from();
    const int slot = d_->edition->ed->find_fact(fact);
    // A misspelt name's remembered error goes with it.
    if (slot < 0 && std::erase_if(d_->errors, [&](const auto& e) { return e.first < 0 && e.second.fact == fact; }) > 0)
      return Status();
    if (slot < 0)
      return make_error(ErrorCode::UnknownFact,
                        d_->edition->ed->unknown_fact_message(fact, fact), {},
                        std::string(fact));
    d_->values.clear(slot);
    std::erase_if(d_->errors, [&](const auto& e) { return e.first == slot; });
    return Status();
  });
}

void Facts::clear() {
  if (!d_) return;
  std::fill(d_->values.present.begin(), d_->values.present.end(), 0);
  d_->errors.clear();
}

void Facts::clear_errors() {
  if (d_) d_->errors.clear();
}

bool Facts::has(std::string_view fact) const noexcept {
  if (!d_) return false;
  const int slot = d_->edition->ed->find_fact(fact);
  return slot >= 0 && d_->values.present[static_cast<std::size_t>(slot)];
}

std::vector<Error> Facts::errors() const {
  std::vector<Error> out;
  if (d_)
    for (const auto& e : d_->errors) out.push_back(e.second);
  return out;
}

const std::string& Facts::edition() const noexcept {
  static const std::string none;
  return d_ ? d_->edition->ed->name : none;
}

}  // namespace kuan::api
