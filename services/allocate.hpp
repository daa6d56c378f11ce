// Batch allocation (`kuan allocate`, spec "Batch-level rules", amended): one
// year's applications decided together. Everything batch-level comes from the
// Edition, never from C++: which facts are running totals or year totals
// (累计), which measures share a pool and its size (资金池), and each measure's
// quota and score fact (名额 … 按 评审得分).
//
// The allocator is the public one, kuan::api::Allocator of
// include/kuan/allocator.hpp (std-only: this layer sees it), and its records
// (AllocationError, AllocationSummary, …) are the public ones: this service
// implements that class — its state is api::Allocator::Data — and fills those
// records itself. Its files: allocate_read.cpp (pass 1), allocate.cpp
// (deciding), allocate_write.cpp (pass 2), allocator.cpp (the entry points),
// sharing allocate_impl.hpp; the pool rule is pro_rata.hpp. The façade
// (api/allocation.cpp) adds only what needs the api's Edition handle.
//
// Memory is proportional to the number of applications, not to the input:
//   1. read()/add(): each record is parsed (by the batch's simdjson reader,
//      the precise one for a line it declines) and its facts checked (the
//      first bad line stops the batch, named by line and column); kept are a
//      40-byte record, the applicant's name and the given facts as typed
//      values. Once the year is read (or a line is bad), repeated ids are
//      found, applicants interned and the year totals of 累计 … = 全年 …
//      facts summed, all at once (settle(): sorting hashes, no lookup per line).
//   2. finish(): quotas first (by score, among applications eligible
//      evaluated alone); then amounts in application order, each line's
//      missing 累计 facts supplied from what the applicant's earlier *funded*
//      applications received (a quota loser or an ineligible one uses no
//      room) and from the year totals; then the pools.
//   3. write(): decisions in input order, rebuilt from the records.
// Nothing is written unless every record is good — a partial year is worse
// than none.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>
#include <variant>

#include "kuan/allocator.hpp"
#include "services/pro_rata.hpp"  // pro_rata_cents, cents_text
#include "lang/edition.hpp"

namespace kuan {

using api::AllocationError;
using api::AllocationFormat;
using api::AllocationSummary;
using api::Allocator;

// An error about input line `line` (1-based; 0: not about one line) at
// `column` (characters; 0: unknown).
AllocationError allocation_error(std::size_t line, std::size_t column, std::string field, std::string id,
                                 std::string message);

// An Allocator of `edition`, or why the edition cannot be allocated (rounding
// finer than 0.01元, a pool not in whole 分, a measure with over 32
// requirements). `owner` keeps what owns the edition alive (the façade's
// policy); null when the caller does.
std::variant<Allocator, AllocationError> make_allocator(const Edition& edition, AllocationFormat input,
                                                        std::shared_ptr<const void> owner = {});

// Reads all of `in`; only when every record is good writes the decisions to
// `out` and returns the summary (api::allocate over an engine edition).
std::variant<AllocationSummary, AllocationError> allocate(const Edition& edition, std::istream& in, std::ostream& out,
                                                          const api::AllocateOptions& options = {});

}  // namespace kuan
