// What kind of bad input an error is, as a value: set where the error is
// raised (the evaluator, fact binding, the batch reader, the façade) and
// carried to every host, so none has to guess it from a message's words.
// error_kind_code is the one mapping to the stable `code` strings of
// docs/cli-json.md; the CLI's batch rows, the C and C++ APIs and Python
// all report those.
#pragma once

namespace kuan {

enum class ErrorKind : unsigned char {
  BadLine,          // not JSON, or not an application object (a batch line, a facts text)
  NoEdition,        // no such edition, or none in force on the day
  UnknownMeasure,   // the edition has no measure of that name
  UnknownFact,      // the edition declares no fact of that name
  BadFact,          // a fact's value of the wrong type or out of range
  MissingFact,      // a required fact, or one needed on the path taken, was not given
  EvaluationError,  // the rule could not be computed (e.g. division by zero)
  RuleErrors,       // the rule files have errors (loading)
  InvalidArgument,  // a host's call was malformed (a bad date, a moved-from object, facts of another edition)
  Internal,         // out of memory or another unexpected failure
  InvalidApplication,  // a 校验 of the rules failed: the application itself is not valid
};

// "bad_line", "no_edition", "unknown_measure", "unknown_fact", "bad_fact",
// "missing_fact", "evaluation_error", "rule_errors", "invalid_argument", "internal",
// "invalid_application".
const char* error_kind_code(ErrorKind kind) noexcept;

}  // namespace kuan
