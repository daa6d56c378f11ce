// The allocation façade (include/kuan/allocation.hpp) over the allocator of
// services/allocate.hpp: formats, errors and the summary turned into api
// values (money as decimal text); every entry point guarded, so nothing throws
// to the host.
#include "kuan/allocation.hpp"

#include <istream>
#include <new>
#include <ostream>

#include "api/handles.hpp"
#include "services/allocate.hpp"
#include "interpreter/json_input.hpp"

namespace kuan::api {

namespace {

::kuan::BatchFormat internal(AllocationFormat f) {
  return f == AllocationFormat::Csv ? ::kuan::BatchFormat::Csv : ::kuan::BatchFormat::Jsonl;
}

AllocationError convert(const ::kuan::AllocationError& e) {
  AllocationError out;
  out.where.line = static_cast<int>(e.line);
  out.where.column = static_cast<int>(e.column);
  out.field = e.field;
  out.id = e.id;
  out.message = e.message;
  return out;
}

::kuan::AllocationError internal(const AllocationError& e) {
  return {static_cast<std::size_t>(e.where.line), static_cast<std::size_t>(e.where.column), e.field, e.id, e.message};
}

AllocationError failure(std::string message) {
  AllocationError e;
  e.message = std::move(message);
  return e;
}

// Runs an entry point; an exception becomes an AllocationError (no position).
template <typename F>
auto guarded_allocation(F&& body) -> decltype(body()) {
  return detail::guarded_with([](std::string message) { return failure(std::move(message)); }, std::forward<F>(body));
}

std::optional<AllocationError> converted(const std::optional<::kuan::AllocationError>& e) {
  if (!e) return std::nullopt;
  return convert(*e);
}

::kuan::ProgressFn internal(const AllocationProgressFn& progress) {
  if (!progress) return {};
  return [&progress](const ::kuan::AllocationProgress& p) { progress({p.pass, p.bytes, p.records, p.total_records}); };
}

AllocationSummary convert(const ::kuan::AllocationSummary& s) {
  using ::kuan::cents_text;
  AllocationSummary out;
  out.version = s.version;
  out.applications = s.applications;
  out.warnings = s.warnings;
  __int128 amount = 0, allocated = 0;
  for (const auto& m : s.measures) {
    out.measures.push_back({m.measure, m.applications, m.eligible, m.not_selected, cents_text(m.amount_cents),
                            cents_text(m.allocated_cents)});
    out.funded += m.eligible;
    amount += m.amount_cents;
    allocated += m.allocated_cents;
  }
  out.amount = cents_text(amount);
  out.allocated = cents_text(allocated);
  for (const auto& p : s.pools) {
    AllocationPoolTotals t;
    t.pool = p.pool;
    t.measures = p.measures;
    t.amount = cents_text(p.pool_cents);
    t.applications = p.applications;
    t.requested = cents_text(p.requested_cents);
    t.allocated = cents_text(p.allocated_cents);
    t.scaled = p.scaled;
    if (p.scaled) t.pro_rata = t.amount + "/" + t.requested;
    t.remainder_cents = p.remainder_cents;
    out.pools.push_back(std::move(t));
  }
  for (const auto& q : s.quotas) out.quotas.push_back({q.measure, q.quota, q.candidates, q.funded, q.cutoff_score, q.per});
  for (const auto& c : s.capped) out.capped.push_back({c.id, c.applicant, c.measure, c.cap, cents_text(c.amount_cents)});
  return out;
}

// A moved-from Allocator answers every call with an error or nothing.
template <typename D>
bool moved(const std::unique_ptr<D>& d) {
  return !d || !d->a;
}
AllocationError gone() { return failure("Allocator 已被移走(moved-from)"); }

}  // namespace

std::string AllocationError::to_string(std::string_view input_name) const { return internal(*this).render(input_name); }

ApplicationKey application_key(std::string_view jsonl_record) {
  return detail::guarded_with([](const std::string&) { return ApplicationKey{}; }, [&] {
    ApplicationKey key;
    auto parsed = ::kuan::json::parse_application(jsonl_record);
    if (auto* app = std::get_if<::kuan::json::Application>(&parsed)) {
      if (app->has_applicant) key.applicant = std::move(app->applicant);
      if (app->has_id) key.id = std::move(app->id);
    }
    return key;
  });
}

struct Allocator::Data {
  std::shared_ptr<const detail::PolicyData> policy;  // keeps the edition alive
  const ::kuan::Edition* edition = nullptr;
  std::unique_ptr<::kuan::Allocator> a;
  AllocationSummary summary;

  std::optional<AllocationError> done(const std::optional<::kuan::AllocationError>& e) {
    if (e) return convert(*e);
    summary = convert(a->summary());
    return std::nullopt;
  }
};

Allocator::Allocator(std::unique_ptr<Data> d) : d_(std::move(d)) {}
Allocator::Allocator(Allocator&&) noexcept = default;
Allocator& Allocator::operator=(Allocator&&) noexcept = default;
Allocator::~Allocator() = default;

std::variant<Allocator, AllocationError> Allocator::create(const Edition& edition, AllocationFormat input) {
  return guarded_allocation([&]() -> std::variant<Allocator, AllocationError> {
    auto d = std::make_unique<Data>();
    d->policy = detail::Access::policy_data(edition);
    d->edition = &detail::Access::edition(edition);
    std::string error;
    d->a = ::kuan::Allocator::create(*d->edition, internal(input), error);
    if (!d->a) return failure(std::move(error));
    return Allocator(std::move(d));
  });
}

std::optional<AllocationError> Allocator::read(std::istream& in, const AllocationProgressFn& progress) {
  return guarded_allocation([&] { return moved(d_) ? gone() : d_->done(d_->a->read(in, internal(progress))); });
}

std::optional<AllocationError> Allocator::add(std::string_view record, std::size_t line) {
  return guarded_allocation([&] { return moved(d_) ? gone() : converted(d_->a->add(record, line)); });
}

std::optional<AllocationError> Allocator::finish() {
  return guarded_allocation([&] { return moved(d_) ? gone() : d_->done(d_->a->finish()); });
}

std::size_t Allocator::size() const noexcept { return moved(d_) ? 0 : d_->a->size(); }

bool Allocator::write(std::ostream& out, AllocationFormat format, const AllocationProgressFn& progress) const {
  if (moved(d_)) return false;
  try {
    d_->a->write(out, internal(format), internal(progress));
    return static_cast<bool>(out);
  } catch (...) {
    return false;
  }
}

bool Allocator::decision(std::size_t index, AllocationFormat format, std::string& out) const {
  if (index >= size()) return false;
  try {
    d_->a->decision(index, internal(format), out);
    return true;
  } catch (...) {
    return false;
  }
}

std::string Allocator::csv_header() {
  std::string out;
  ::kuan::Allocator::csv_header(out);
  return out;
}

const AllocationSummary& Allocator::summary() const noexcept {
  static const AllocationSummary none;
  return moved(d_) ? none : d_->summary;
}

std::variant<std::vector<Allocator::QuotaCandidate>, AllocationError> Allocator::quota_candidates() {
  return guarded_allocation([&]() -> std::variant<std::vector<QuotaCandidate>, AllocationError> {
    if (moved(d_)) return gone();
    auto r = d_->a->quota_candidates();
    if (auto* e = std::get_if<::kuan::AllocationError>(&r)) return convert(*e);
    std::vector<QuotaCandidate> out;
    for (auto& c : std::get<0>(r))
      out.push_back({c.index, d_->edition->quotas[c.quota].decl->name, std::move(c.group), c.score.to_string()});
    return out;
  });
}

std::optional<AllocationError> Allocator::finish_part(const std::vector<std::uint32_t>& ranks) {
  return guarded_allocation([&] { return moved(d_) ? gone() : converted(d_->a->finish_part(ranks)); });
}

std::vector<Allocator::PoolShare> Allocator::pool_shares() const {
  std::vector<PoolShare> out;
  if (moved(d_)) return out;
  try {
    for (const auto& s : d_->a->pool_shares()) out.push_back({s.index, s.pool, s.amount});
  } catch (...) {
    out.clear();
  }
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> Allocator::pools() const {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (moved(d_)) return out;
  for (const auto& p : d_->edition->pools) out.emplace_back(p.decl->name, p.amount.to_int64_at_scale(2).value_or(-1));
  return out;
}

bool Allocator::set_pool(int pool, std::int64_t total_fen, const std::vector<std::size_t>& extra_cent) {
  if (moved(d_)) return false;
  try {
    d_->a->set_pool(pool, total_fen, extra_cent);
    return true;
  } catch (...) {
    return false;
  }
}

std::variant<AllocationSummary, AllocationError> allocate(const Edition& edition, std::istream& in, std::ostream& out,
                                                          const AllocateOptions& options) {
  return guarded_allocation([&]() -> std::variant<AllocationSummary, AllocationError> {
    auto r = ::kuan::allocate(detail::Access::edition(edition), in, out,
                              {internal(options.input), internal(options.output), internal(options.progress)});
    if (auto* e = std::get_if<::kuan::AllocationError>(&r)) return convert(*e);
    if (!out) return failure("写出结果失败");
    return convert(std::get<::kuan::AllocationSummary>(r));
  });
}

}  // namespace kuan::api
