// Edition.evaluate_many: items are read and converted under the GIL a chunk at
// a time while the chunk before is evaluated on threads without it, so Python
// work and evaluation overlap; memory holds the results and two chunks, not
// the whole input converted; Ctrl-C is seen between chunks (milliseconds).
// Facts that are all str, bool or int are bound on the evaluating threads with
// the public API's typed setters, the one each value's JSON form would reach
// (a str for a 金额 fact: set_money …), instead of written as JSON and parsed
// again; any other value, or any setter that refuses, takes the JSON path, so
// results and errors are evaluate()'s.
#include <pybind11/pybind11.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "convert.hpp"
#include "handles.hpp"

namespace kuan::python {

namespace {

constexpr std::size_t kChunk = 2048;

// A fact given as a str, bool or int (an int within 64 bits, as its digits).
struct Given {
  enum class Kind { Text, Bool, Integer } kind;
  std::string name;
  std::string text;
  bool boolean = false;
};

struct Item {
  std::optional<std::string> id;
  std::optional<std::string> as_of;  // a dict item's own date (as a batch line's), else the call's
  std::string measure;
  bool typed = false;        // facts in `given`, else …
  std::string facts;         // … a JSON object
  std::vector<Given> given;
  std::optional<api::Result<api::Evaluation>> out;
};

std::string json_of(const std::vector<Given>& given) {
  std::string out = "{";
  for (const Given& g : given) {
    if (out.size() > 1) out += ',';
    api::append_json_string(out, g.name);
    out += ':';
    if (g.kind == Given::Kind::Text) api::append_json_string(out, g.text);
    else if (g.kind == Given::Kind::Bool) out += g.boolean ? "true" : "false";
    else out += g.text;
  }
  return out + "}";
}

// The setter a JSON value of this kind reaches for the fact's declared type; false when there is
// none (the JSON path decides) or it refused.
bool bind(const api::Edition& ed, api::Facts& facts, const Given& g) {
  const api::FactInfo* info = ed.fact(g.name);
  if (!info) return false;
  using T = api::FactType;
  switch (g.kind) {
    case Given::Kind::Text:
      switch (info->type) {
        case T::Money: return facts.set_money(g.name, g.text).ok();
        case T::Rate: return facts.set_rate(g.name, g.text).ok();
        case T::Enum: return facts.set_enum(g.name, g.text).ok();
        case T::Date: return facts.set_date(g.name, g.text).ok();
        default: return false;
      }
    case Given::Kind::Bool: return info->type == T::Bool && facts.set_bool(g.name, g.boolean).ok();
    case Given::Kind::Integer:
      if (info->type == T::Money) return facts.set_money(g.name, g.text).ok();  // whole 元, as the JSON number
      return (info->type == T::Integer || info->type == T::Number) && facts.set_number(g.name, g.text).ok();
  }
  return false;
}

api::Result<api::Evaluation> evaluate_item(const api::Edition& ed, const Item& item, const api::EvaluateOptions& call) {
  api::EvaluateOptions own;
  if (item.as_of) own = call, own.as_of = *item.as_of;  // a bad one is this item's error (invalid_argument)
  const api::EvaluateOptions& options = item.as_of ? own : call;
  if (!item.typed) return ed.evaluate_json(item.measure, item.facts, options);
  api::Facts facts = ed.new_facts();
  for (const Given& g : item.given)
    if (!bind(ed, facts, g)) return ed.evaluate_json(item.measure, json_of(item.given), options);
  return ed.evaluate(item.measure, facts, options);
}

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
            item.out.emplace(evaluate_item(ed, item, options));
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
  return utf8_text(m);
}

// d[key], or null when absent.
PyObject* member(const py::handle& d, const py::str& key) {
  PyObject* v = PyDict_GetItemWithError(d.ptr(), key.ptr());
  if (!v && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

// The facts as Given values when they are all str, bool or int (with str keys); else as JSON
// (facts_json, which also raises for what cannot be a fact).
void facts_of(const py::handle& facts, Item& w) {
  if (PyDict_Check(facts.ptr())) {
    PyObject *key, *value;
    Py_ssize_t at = 0;
    w.given.reserve(static_cast<std::size_t>(PyDict_Size(facts.ptr())));
    bool typed = true;
    while (typed && PyDict_Next(facts.ptr(), &at, &key, &value)) {
      if (!PyUnicode_Check(key)) break;
      Given g{Given::Kind::Text, {}, {}, false};
      Py_ssize_t size = 0;
      const char* name = PyUnicode_AsUTF8AndSize(key, &size);
      if (!name) throw py::error_already_set();
      g.name.assign(name, static_cast<std::size_t>(size));
      if (PyUnicode_Check(value)) {
        const char* text = PyUnicode_AsUTF8AndSize(value, &size);
        if (!text) throw py::error_already_set();  // a lone surrogate, as facts_json
        g.text.assign(text, static_cast<std::size_t>(size));
      } else if (PyBool_Check(value)) {
        g.kind = Given::Kind::Bool, g.boolean = value == Py_True;
      } else if (PyLong_Check(value)) {
        int overflow = 0;
        const long long n = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow) typed = false;
        g.kind = Given::Kind::Integer, g.text = std::to_string(n);
      } else {
        typed = false;
      }
      if (typed) w.given.push_back(std::move(g));
    }
    if (typed && w.given.size() == static_cast<std::size_t>(PyDict_Size(facts.ptr()))) {
      w.typed = true;
      return;
    }
    w.given.clear();
  } else if (facts.is_none()) {
    w.typed = true;
    return;
  }
  w.facts = facts_json(facts);
}

Item item_of(const py::handle& raw, std::size_t index) {
  Item w;
  if (PyDict_Check(raw.ptr())) {
    const Interned& k = interned();
    PyObject* measure = member(raw, k.measure);
    if (!measure)  // counted from 1 as every 第 N 项 is, and Python's index beside it
      throw py::value_error("第 " + std::to_string(index + 1) + " 项(下标 " + std::to_string(index) + ")缺少 \"measure\"");
    w.measure = measure_name(measure);
    PyObject* facts = member(raw, k.facts);
    facts_of(facts ? py::handle(facts) : py::handle(py::none()), w);
    PyObject* id = member(raw, k.id);
    if (id && id != Py_None) w.id = utf8_text(py::str(id));
    PyObject* as_of = member(raw, k.as_of);
    if (as_of && as_of != Py_None) w.as_of = date_text(py::reinterpret_borrow<py::object>(as_of));
    return w;
  }
  if (!PySequence_Check(raw.ptr()) || PyUnicode_Check(raw.ptr()) || PySequence_Size(raw.ptr()) != 2) {
    PyErr_Clear();
    throw py::value_error("每项须为 (measure, facts) 或 {\"id\", \"measure\", \"facts\"}");
  }
  const auto pair = py::reinterpret_borrow<py::sequence>(raw);
  w.measure = measure_name(pair[0]);
  facts_of(pair[1], w);
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
                       int threads, const py::object& as_of) {
  if (on_error != "raise" && on_error != "return") throw py::value_error("on_error 须为 \"raise\" 或 \"return\"");
  if (threads < 0) throw py::value_error("threads 须 ≥ 0(0:每个核一个)");
  const bool raise_errors = on_error == "raise";
  const unsigned n_threads = threads > 0 ? static_cast<unsigned>(std::min(threads, 64))
                                         : std::clamp(std::thread::hardware_concurrency(), 1u, 64u);
  api::EvaluateOptions options;
  options.explain = explain;
  options.as_of = as_of_option(e.policy(), as_of);
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
