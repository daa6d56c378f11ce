// include/kuan/batch.hpp over the batch engine (services/batch.hpp), which reads
// the public BatchOptions as they are.
#include "kuan/batch.hpp"

#include <istream>
#include <new>
#include <ostream>
#include <fmt/format.h>

#include "api/handles.hpp"
#include "base/date.hpp"
#include "base/json_string.hpp"
#include "services/batch.hpp"

namespace kuan::api {

namespace {

BatchSummary failed(BatchStatus status, std::string message) {
  BatchSummary s;
  s.status = status;
  s.message = std::move(message);
  return s;
}

}  // namespace

BatchSummary evaluate_batch(const Policy& policy, const Edition& edition, const BatchReader& read,
                            const BatchWriter& write, const BatchOptions& options) {
  if (options.output == BatchFormat::Csv && options.explain)
    return failed(BatchStatus::BadArgument, "--explain 只用于 JSONL 输出");
  if (options.input == BatchFormat::Csv && options.pass_through)
    return failed(BatchStatus::BadArgument, "--pass-through 只用于 JSONL 输入");
  if (!read || !write.write) return failed(BatchStatus::BadArgument, "没有输入或输出");
  if (!options.as_of.empty() && !::kuan::parse_date(options.as_of)) return failed(BatchStatus::BadArgument, ::kuan::bad_date_message("as_of"));
  try {
    return ::kuan::batch::run(detail::Access::policy(policy), detail::Access::edition(edition), read, write, options);
  } catch (const std::bad_alloc&) {
    return failed(BatchStatus::Internal, "内部错误:内存不足");
  } catch (const std::exception& ex) {
    return failed(BatchStatus::Internal, std::string("内部错误:") + ex.what());
  }
}

BatchSummary evaluate_batch(const Policy& policy, const Edition& edition, std::istream& in, std::ostream& out,
                            const BatchOptions& options) {
  BatchReader read = [&](char* buffer, std::size_t size) -> long {
    if (in.bad()) return -1;
    in.read(buffer, static_cast<std::streamsize>(size));
    if (in.bad()) return -1;
    return static_cast<long>(in.gcount());
  };
  BatchWriter write{[&](std::string_view bytes) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); },
                    [&] { out.flush(); }};
  return evaluate_batch(policy, edition, read, write, options);
}

bool evaluate_batch_line(const Policy& policy, const Edition& edition, std::string_view line, std::size_t line_no,
                         const BatchOptions& options, std::string& out) {
  if (!options.as_of.empty() && !::kuan::parse_date(options.as_of)) {
    fmt::format_to(std::back_inserter(out), "{{\"line\":{},\"code\":\"bad_line\",\"error\":", line_no);
    append_json_string(out, ::kuan::bad_date_message("as_of"));
    out += "}\n";
    return false;
  }
  return ::kuan::batch::jsonl_line(detail::Access::policy(policy), detail::Access::edition(edition), line, line_no, options, out);
}

std::optional<ApplicationError> evaluate_facts_json(const Edition& edition, std::string_view measure,
                                                    std::string_view facts_json, bool explain, ResultFormat format,
                                                    std::string& out, std::string_view as_of) {
  try {
    const auto day = ::kuan::parse_date(as_of);
    if (!as_of.empty() && !day) return ApplicationError{"bad_line", ::kuan::bad_date_message("as_of")};
    auto e = ::kuan::batch::single(detail::Access::edition(edition), measure, facts_json, explain,
                                   format == ResultFormat::Text, out, day);
    if (!e) return std::nullopt;
    return ApplicationError{::kuan::error_kind_code(e->kind), std::move(e->message), e->line, e->column};
  } catch (const std::bad_alloc&) {
    return ApplicationError{"internal", "内部错误:内存不足"};
  } catch (const std::exception& ex) {
    return ApplicationError{"internal", std::string("内部错误:") + ex.what()};
  }
}

}  // namespace kuan::api
