// Edition.evaluate_many: items are read and converted under the GIL a chunk at
// a time while the chunk before is evaluated on threads without it, so Python
// work and evaluation overlap; memory holds the results and two chunks, not
// the whole input converted; Ctrl-C is seen between chunks (milliseconds).
#include <pybind11/pybind11.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "convert.hpp"
#include "handles.hpp"

namespace kuan::python {

namespace {

constexpr std::size_t kChunk = 2048;

struct Item {
  std::optional<std::string> id;
  std::string measure;
  std::string facts;  // a JSON object
  std::optional<api::Result<api::Evaluation>> out;
};

// Items evaluated on threads of their own (which never touch Python). The
// threads are joined before the items are read, and when the chunk is dropped
// (an exception on the way out): it never moves while they run.
class Chunk {
 public:
  std::vector<Item> items;

  void start(const api::Edition& ed, const api::EvaluateOptions& options, unsigned threads) {
    const std::size_t n = std::min<std::size_t>(threads, std::max<std::size_t>(1, items.size() / 64));
    for (std::size_t t = 0; t < n; ++t)
      threads_.emplace_back([this, &ed, options] {
        for (std::size_t i; (i = next_.fetch_add(1)) < items.size();) {
          Item& item = items[i];
          try {
            item.out.emplace(ed.evaluate_json(item.measure, item.facts, options));
          } catch (...) {  // memory, while building the result
            api::Error e;
            e.code = api::ErrorCode::Internal;
            e.message = "内部错误:内存不足";
            item.out.emplace(std::move(e));
          }
        }
      });
  }
  void join() {
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  ~Chunk() { join(); }

 private:
  std::atomic<std::size_t> next_{0};
  std::vector<std::thread> threads_;
};

std::string measure_name(const py::handle& m) {
  if (!PyUnicode_Check(m.ptr())) throw py::type_error("措施名须为 str");
  return m.cast<std::string>();
}

// d[key], or null when absent.
PyObject* member(const py::handle& d, const py::str& key) {
  PyObject* v = PyDict_GetItemWithError(d.ptr(), key.ptr());
  if (!v && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

Item item_of(const py::handle& raw, std::size_t index) {
  Item w;
  if (PyDict_Check(raw.ptr())) {
    const Interned& k = interned();
    PyObject* measure = member(raw, k.measure);
    if (!measure) throw py::value_error("第 " + std::to_string(index) + " 项缺少 \"measure\"");
    w.measure = measure_name(measure);
    PyObject* facts = member(raw, k.facts);
    w.facts = facts_json(facts ? py::handle(facts) : py::handle(py::none()));
    PyObject* id = member(raw, k.id);
    if (id && id != Py_None) w.id = py::str(id).cast<std::string>();
    return w;
  }
  if (!PySequence_Check(raw.ptr()) || PyUnicode_Check(raw.ptr()) || PySequence_Size(raw.ptr()) != 2) {
    PyErr_Clear();
    throw py::value_error("每项须为 (measure, facts) 或 {\"id\", \"measure\", \"facts\"}");
  }
  const auto pair = py::reinterpret_borrow<py::sequence>(raw);
  w.measure = measure_name(pair[0]);
  w.facts = facts_json(pair[1]);
  return w;
}

// The cyclic garbage collector paused while results are made: they hold no
// cycles, and a collection every few hundred dicts would traverse the growing
// list again and again (half the calling thread's time on 100,000 items).
class GcPaused {
 public:
  GcPaused() : was_enabled_(PyGC_Disable()) {}
  ~GcPaused() {
    if (was_enabled_) PyGC_Enable();
  }
  GcPaused(const GcPaused&) = delete;
  GcPaused& operator=(const GcPaused&) = delete;

 private:
  int was_enabled_;
};

// The next item of a Python iterator, or none at its end.
std::optional<py::object> next_of(const py::object& iterator) {
  PyObject* raw = PyIter_Next(iterator.ptr());
  if (raw) return py::reinterpret_steal<py::object>(raw);
  if (PyErr_Occurred()) throw py::error_already_set();
  return std::nullopt;
}

}  // namespace

py::list evaluate_many(const PyEdition& e, const py::iterable& items, bool explain, const std::string& on_error,
                       int threads) {
  if (on_error != "raise" && on_error != "return") throw py::value_error("on_error 须为 \"raise\" 或 \"return\"");
  if (threads < 0) throw py::value_error("threads 须 ≥ 0(0:每个核一个)");
  const bool raise_errors = on_error == "raise";
  const unsigned n_threads = threads > 0 ? static_cast<unsigned>(std::min(threads, 64))
                                         : std::clamp(std::thread::hardware_concurrency(), 1u, 64u);
  const api::EvaluateOptions options{explain};
  const py::object iterator = py::iter(items);
  const Interned& k = interned();

  const GcPaused paused;
  py::list out;
  TextCache texts;
  std::unique_ptr<Chunk> running;  // being evaluated
  std::size_t first = 0;           // index of running's first item
  bool more = true;
  for (;;) {
    auto next = std::make_unique<Chunk>();
    next->items.reserve(kChunk);
    while (more && next->items.size() < kChunk) {
      auto raw = next_of(iterator);
      if (!raw) more = false;
      else next->items.push_back(item_of(*raw, first + (running ? running->items.size() : 0) + next->items.size()));
    }
    if (running) {
      py::gil_scoped_release unlocked;
      running->join();
    }
    if (!next->items.empty()) next->start(e.edition(), options, n_threads);
    if (running) {
      for (std::size_t i = 0; i < running->items.size(); ++i) {
        Item& item = running->items[i];
        const auto& r = *item.out;
        if (r) {
          out.append(result_dict(*r, item.id ? &*item.id : nullptr, &texts));
          continue;
        }
        if (raise_errors) raise(error_object(r.error(), first + i));
        py::dict d;
        if (item.id) d[k.id] = *item.id;
        d[k.code] = r.error().kind();  // the stable code of a batch row
        d[k.error] = r.error().message;
        if (!r.error().fact.empty()) d[k.fact] = r.error().fact;
        out.append(d);
      }
      first += running->items.size();
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C: KeyboardInterrupt
    if (next->items.empty()) break;
    running = std::move(next);
  }
  return out;
}

}  // namespace kuan::python
