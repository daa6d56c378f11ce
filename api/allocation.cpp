// The allocation façade's part that needs the api's Edition handle: an
// Allocator of a loaded policy's edition (which the Allocator keeps alive),
// and allocate(). Everything else of include/kuan/allocator.hpp — the
// Allocator's entry points and its records — is the allocation service itself
// (services/allocator.cpp): one Allocator, one set of records.
#include "kuan/allocation.hpp"

#include "api/handles.hpp"
#include "services/allocate.hpp"

namespace kuan::api {

namespace {
AllocationError failure(std::string message) { return ::kuan::allocation_error(0, 0, "", "", std::move(message)); }
}  // namespace

std::variant<Allocator, AllocationError> Allocator::create(const Edition& edition, AllocationFormat input) {
  return detail::guarded_with([](std::string message) -> std::variant<Allocator, AllocationError> { return failure(std::move(message)); },
                              [&]() -> std::variant<Allocator, AllocationError> {
                                return ::kuan::make_allocator(detail::Access::edition(edition), input,
                                                              detail::Access::policy_data(edition));
                              });
}

std::variant<AllocationSummary, AllocationError> allocate(const Edition& edition, std::istream& in, std::ostream& out,
                                                          const AllocateOptions& options) {
  return detail::guarded_with(
      [](std::string message) -> std::variant<AllocationSummary, AllocationError> { return failure(std::move(message)); },
      [&] { return ::kuan::allocate(detail::Access::edition(edition), in, out, options); });
}

}  // namespace kuan::api
