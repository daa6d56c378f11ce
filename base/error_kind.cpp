#include "base/error_kind.hpp"

namespace kuan {

const char* error_kind_code(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::BadLine: return "bad_line";
    case ErrorKind::NoEdition: return "no_edition";
    case ErrorKind::UnknownMeasure: return "unknown_measure";
    case ErrorKind::UnknownFact: return "unknown_fact";
    case ErrorKind::BadFact: return "bad_fact";
    case ErrorKind::MissingFact: return "missing_fact";
    case ErrorKind::EvaluationError: return "evaluation_error";
    case ErrorKind::RuleErrors: return "rule_errors";
    case ErrorKind::InvalidArgument: return "invalid_argument";
    case ErrorKind::InvalidApplication: return "invalid_application";
    case ErrorKind::Internal: break;
  }
  return "internal";
}

}  // namespace kuan
