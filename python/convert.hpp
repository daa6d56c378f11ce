// Between Python values and the public API's (include/kuan/): facts written
// as the JSON text the engine reads (so Python facts mean what the same JSON
// means to `kuan eval`), results and errors as Python objects. Money crosses
// as decimal text, never as a float: a float fact is refused with TypeError.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <functional>
#include <unordered_map>
#include <optional>
#include <string>

#include "kuan/allocation.hpp"
#include "kuan/kuan.hpp"
#include "kuan/tooling.hpp"  // bad_date_message

namespace kuan::python {

namespace py = pybind11;

// The Python objects the module calls, looked up once at import (never
// lazily: a first call racing another thread under the GIL could deadlock on
// a function-local static). Immutable afterwards; never freed (the module
// lives until the interpreter ends).
struct Interned {
  py::object decimal;      // decimal.Decimal
  py::object json_loads;   // json.loads
  py::object format;       // builtins.format
  py::object errors;       // the kuan.errors module
  unsigned long main_thread = 0;  // threading.main_thread().ident: the thread that gets signals
  // Result keys, made once.
  py::str id, measure, version, eligible, amount, reasons, bound, notes, clause, explanation, code, error, fact, facts, as_of;
};
void intern_at_import();
const Interned& interned();
// Whether this thread is Python's main thread, the only one that ever sees a signal (Ctrl-C).
bool on_main_thread();

// One fact value appended as a JSON value. `what` names it in a TypeError
// ("事实 合同金额"; made only then).
void append_fact_json(std::string& out, const py::handle& value, const std::function<std::string()>& what);
// A dict of facts (or None) as a JSON object.
std::string facts_json(const py::handle& facts);
// An allocation row (a dict {"id", "applicant", "measure", "facts"} or a JSON
// line as str/bytes) as one JSONL record.
std::string row_json(const py::handle& row, std::size_t index);

// Python strings for texts that recur from result to result (measure, edition,
// clause, reasons, caps): made once per call of evaluate_many, not per result.
class TextCache {
 public:
  py::object get(const std::string& text);

 private:
  std::unordered_map<std::string, py::object> made_;
};

// A result as the dict of `kuan eval --format json` ("amount" a Decimal).
py::dict result_dict(const api::Evaluation& r, const std::string* id, TextCache* cache = nullptr);
// A batch or allocation JSON line as a dict, "amount" and "allocated" as Decimal.
py::dict line_dict(const std::string& json_line);
// A result's "figures" (结果), when it has them: their amounts as Decimal, in place.
void decimal_figures(py::handle result);

// A str's UTF-8 bytes; one that cannot be written so (a lone surrogate, "\ud800")
// raises Python's own UnicodeEncodeError, which names the character and its place
// (pybind11's cast would raise an unexplained RuntimeError).
std::string utf8_text(const py::handle& s);

// A date given as "YYYY-MM-DD" or a datetime.date, as text; TypeError otherwise.
std::string date_text(const py::object& date);
// The applications' date (施行 on measures and clauses) as the options take it:
// "" for None (today in China); ValueError for text that is not a day.
std::string as_of_option(const api::Policy& policy, const py::object& as_of);

// The kuan.errors exception for an error (with `.index` when given).
py::object error_object(const api::Error& e, std::optional<std::size_t> index = std::nullopt);
py::object error_object(const char* cls, const char* code, const std::string& message);
py::object allocation_error(const api::AllocationError& e);
[[noreturn]] void raise(const py::object& error);

}  // namespace kuan::python
