// The objects behind kuan.Policy, kuan.Edition and the allocation parts:
// public API handles (include/kuan/), shared with every thread that
// evaluates them.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <optional>
#include <string>

#include "kuan/allocation.hpp"
#include "kuan/kuan.hpp"

namespace kuan::python {

namespace py = pybind11;

// Zeroed storage for the objects pybind11 makes. An instance made with
// object.__new__ and never initialised gets its storage lazily from this
// operator new, uninitialised: zeroed, its handles read as absent and each
// access raises TypeError instead of following garbage.
struct ZeroedStorage {
  static void* operator new(std::size_t size);
  static void operator delete(void* p);
};

[[noreturn]] void not_initialised();

// Objects only the module makes: Policy.__new__ and friends refuse, so an
// instance never exists without the handle it wraps.
template <typename T>
void made_by_the_module(py::class_<T>& cls, const char* how) {
  const std::string message = std::string(py::str(cls.attr("__name__"))) + " 不能直接创建:" + how;
  cls.def_static("__new__", [message](const py::args&, const py::kwargs&) -> py::object { throw py::type_error(message); });
}

// A handle that is there, or TypeError.
template <typename T>
const T& there(const std::optional<T>& handle) {
  if (!handle) not_initialised();
  return *handle;
}

struct PyPolicy : ZeroedStorage {
  explicit PyPolicy(api::Policy p) : handle(std::move(p)) {}
  std::optional<api::Policy> handle;
  const api::Policy& policy() const { return there(handle); }
};

struct PyEdition : ZeroedStorage {
  PyEdition(api::Policy p, api::Edition e) : policy_handle(std::move(p)), edition_handle(std::move(e)) {}
  std::optional<api::Policy> policy_handle;  // for pickling: an edition travels as its policy and name
  std::optional<api::Edition> edition_handle;
  const api::Policy& policy() const { return there(policy_handle); }
  const api::Edition& edition() const { return there(edition_handle); }
};

// Edition.evaluate_many (evaluate_many.cpp).
py::list evaluate_many(const PyEdition& e, const py::iterable& items, bool explain, const std::string& on_error,
                       int threads, const py::object& as_of);
// Edition.evaluate_jsonl (evaluate_bytes.cpp).
py::bytes evaluate_jsonl(const PyEdition& e, const py::buffer& data, bool explain, bool pass_through, int threads,
                         const py::object& as_of);
// Edition._evaluate_file: a JSONL file into another, streamed (evaluate_bytes.cpp).
py::tuple evaluate_file(const PyEdition& e, const std::string& in_path, const std::string& out_path, bool explain,
                        bool pass_through, int threads, const py::object& as_of);
// Edition.evaluate_csv (evaluate_bytes.cpp).
py::bytes evaluate_csv(const PyEdition& e, const py::buffer& data, const std::string& output, int threads,
                       const py::object& as_of);
// kuan.dask.allocate's steps: _split_year, _YearPart … (year_parts.cpp).
void bind_year_parts(py::module_& m, py::class_<PyEdition>& edition);

}  // namespace kuan::python
