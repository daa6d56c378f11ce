// _kuan: the Python binding (package python/kuan/). It goes through the same
// layers as the `kuan` command — facts are converted as JSON values are
// (convert_fact), results are written by the one renderer (interpreter/render.hpp),
// batch lines by the batch engine (interpreter/batch.hpp), allocation is
// kuan::Allocator — so a Python result is the command's result, field for
// field. Money crosses the boundary as decimal text, never as a float: a
// float fact is refused with TypeError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "base/date.hpp"
#include "base/json_string.hpp"
#include "interpreter/allocate.hpp"
#include "interpreter/batch.hpp"
#include "interpreter/facts.hpp"
#include "interpreter/policy.hpp"
#include "interpreter/render.hpp"

namespace py = pybind11;
using namespace kuan;

namespace {

// A problem to raise as one of kuan.errors' classes.
struct Problem {
  Problem(const char* k, const char* c, std::string m, std::string f = {})
      : kind(k), code(c), message(std::move(m)), fact(std::move(f)) {}
  const char* kind;  // class name in kuan.errors
  const char* code;  // stable code, as `kuan eval --batch` writes it
  std::string message;
  std::string fact, file;
  int line = 0, column = 0;
  std::vector<std::string> missing;
};

py::object error_object(const Problem& p, py::object index = py::none()) {
  py::object cls = py::module_::import("kuan.errors").attr(p.kind);
  py::dict kw;
  kw["code"] = p.code;
  if (!p.fact.empty()) kw["fact"] = p.fact;
  if (!p.file.empty()) kw["file"] = p.file;
  if (p.line) kw["line"] = p.line, kw["column"] = p.column;
  if (!p.missing.empty()) kw["missing"] = p.missing;
  if (!index.is_none()) kw["index"] = index;
  return cls(p.message, **kw);
}

[[noreturn]] void raise(const py::object& error) {
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  throw py::error_already_set();
}

Problem eval_problem(const EvalError& e) {
  if (!e.missing.empty()) {  // required facts absent
    Problem p{"FactError", "missing_fact", e.message, e.missing.front()};
    p.missing = e.missing;
    return p;
  }
  Problem p{"EvaluationError", "evaluation_error", e.message};
  if (e.message.rfind("缺少事实", 0) == 0) p.kind = "FactError", p.code = "missing_fact";
  if (e.span.file) {
    const auto at = e.span.file->locate(e.span.begin);
    p.file = e.span.file->name(), p.line = static_cast<int>(at.line), p.column = static_cast<int>(at.column);
  }
  return p;
}

// Decimal → "1234.50" without exponent; NaN and infinities refused.
std::string decimal_text(const py::handle& d, const std::string& what) {
  if (!d.attr("is_finite")().cast<bool>()) throw py::value_error(what + " 不是有限的数");
  return py::str(py::module_::import("builtins").attr("format")(d, "f"));
}

bool is_decimal(const py::handle& v) {
  static const auto* cls = new py::object(py::module_::import("decimal").attr("Decimal"));  // leaked: lives as long as the module
  return py::isinstance(v, *cls);
}

// A Python value as the JSON value it stands for. Floats are refused: a
// binary fraction is not the amount the applicant wrote.
json::Scalar to_scalar(const py::handle& v, const std::string& what) {
  using K = json::Scalar::Kind;
  if (v.is_none()) return {K::Null, "", false};
  if (py::isinstance<py::bool_>(v)) return {K::Bool, "", v.cast<bool>()};
  if (py::isinstance<py::int_>(v)) return {K::Number, py::str(v), false};
  if (py::isinstance<py::float_>(v))
    throw py::type_error(what + " 是 float:金额和比例须精确,请用 decimal.Decimal、int 或文本(如 \"120万元\"、\"30%\"),"
                                "float is refused because money must be exact");
  if (is_decimal(v)) return {K::Number, decimal_text(v, what), false};
  if (py::isinstance<py::str>(v)) return {K::String, v.cast<std::string>(), false};
  if (py::hasattr(v, "isoformat") && py::hasattr(v, "toordinal") && !py::hasattr(v, "hour"))  // datetime.date
    return {K::String, py::str(v.attr("isoformat")()), false};
  throw py::type_error(what + " 的类型 " + std::string(py::str(py::type::of(v).attr("__name__"))) +
                       " 不能用作事实:用 Decimal、int、bool、str 或 datetime.date");
}

// Facts from a dict; conversion problems come back (the dict itself must be well-formed Python).
std::variant<FactValues, Problem> bind(const Edition& ed, const py::handle& facts) {
  FactValues out(ed.facts.size());
  if (!facts.is_none()) {
    if (!py::isinstance<py::dict>(facts)) throw py::type_error("facts 须为 dict(事实名 → 值)");
    for (auto [key, value] : facts.cast<py::dict>()) {
      if (!py::isinstance<py::str>(key)) throw py::type_error("事实名须为 str");
      const std::string name = key.cast<std::string>();
      const json::Scalar s = to_scalar(value, "事实 " + name);
      const int slot = ed.find_fact(name);
      if (slot < 0) return Problem{"FactError", "unknown_fact", "未知的事实 " + name + "(本版本没有声明这个事实)", name};
      if (s.kind == json::Scalar::Kind::Null && !ed.facts[slot].required()) continue;
      auto v = convert_fact(ed, slot, s);
      if (auto* msg = std::get_if<std::string>(&v)) return Problem{"FactError", "bad_fact", std::move(*msg), name};
      out.set(slot, std::move(std::get<Value>(v)));
    }
  }
  return out;
}

// One evaluation as the command's JSON text, or its problem. Needs no GIL.
std::variant<std::string, Problem> run(const Edition& ed, const MeasureInfo& m, const FactValues& facts,
                                       const std::string* id, bool explain) {
  Trace trace;
  auto r = evaluate_measure(ed, m, facts, explain ? &trace : nullptr);
  if (auto* e = std::get_if<EvalError>(&r)) return eval_problem(*e);
  std::string out;
  append_result_json(out, ed, std::get<Outcome>(r), id, explain ? &trace : nullptr);
  return out;
}

// JSON text → dict, with "amount" and "allocated" as Decimal.
py::object result_dict(const std::string& text) {
  static const auto* loads = new py::object(py::module_::import("json").attr("loads"));
  static const auto* decimal = new py::object(py::module_::import("decimal").attr("Decimal"));
  py::dict d = (*loads)(text);
  for (const char* key : {"amount", "allocated"})
    if (d.contains(key)) d[key] = (*decimal)(d[key]);
  return d;
}

struct PyPolicy;

struct PyEdition {
  std::shared_ptr<const Policy> policy;
  const Edition* ed;

  const MeasureInfo& measure(const std::string& name) const {
    if (const MeasureInfo* m = ed->find_measure(name)) return *m;
    raise(error_object({"MeasureError", "unknown_measure", "未知的措施 " + name + "(" + ed->name + " 中没有这项措施)"}));
  }

  py::object evaluate(const std::string& measure_name, const py::object& facts, bool explain) const {
    const MeasureInfo& m = measure(measure_name);
    auto bound = bind(*ed, facts);
    if (auto* p = std::get_if<Problem>(&bound)) raise(error_object(*p));
    auto r = run(*ed, m, std::get<FactValues>(bound), nullptr, explain);
    if (auto* p = std::get_if<Problem>(&r)) raise(error_object(*p));
    return result_dict(std::get<std::string>(r));
  }

  // Converted under the GIL, evaluated on threads without it, turned into
  // dicts under it again.
  py::list evaluate_many(const py::iterable& items, bool explain, const std::string& on_error, int threads) const {
    if (on_error != "raise" && on_error != "return") throw py::value_error("on_error 须为 \"raise\" 或 \"return\"");
    struct Item {
      std::optional<std::string> id;
      const MeasureInfo* m = nullptr;
      FactValues facts;
      std::variant<std::string, Problem> out;
    };
    std::vector<Item> work;
    for (const py::handle& item : items) {
      Item w;
      py::object measure, facts;
      if (py::isinstance<py::dict>(item)) {
        py::dict d = py::reinterpret_borrow<py::dict>(item);
        if (!d.contains("measure")) throw py::value_error("第 " + std::to_string(work.size()) + " 项缺少 \"measure\"");
        measure = d["measure"];
        facts = d.contains("facts") ? py::object(d["facts"]) : py::object(py::dict());
        if (d.contains("id") && !d["id"].is_none()) w.id = py::str(d["id"]).cast<std::string>();
      } else {
        py::tuple t(py::reinterpret_borrow<py::object>(item));
        if (t.size() != 2) throw py::value_error("每项须为 (measure, facts) 或 {\"id\", \"measure\", \"facts\"}");
        measure = t[0], facts = t[1];
      }
      const std::string name = measure.cast<std::string>();
      w.m = ed->find_measure(name);
      if (!w.m) w.out = Problem{"MeasureError", "unknown_measure", "未知的措施 " + name + "(" + ed->name + " 中没有这项措施)"};
      else if (auto b = bind(*ed, facts); auto* p = std::get_if<Problem>(&b)) w.out = std::move(*p), w.m = nullptr;
      else w.facts = std::move(std::get<FactValues>(b));
      work.push_back(std::move(w));
    }
    {
      py::gil_scoped_release unlocked;
      const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
      const std::size_t n = std::min<std::size_t>(threads > 0 ? threads : hw, std::max<std::size_t>(1, work.size() / 64));
      std::atomic<std::size_t> next{0};
      auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < work.size();)
          if (work[i].m) work[i].out = run(*ed, *work[i].m, work[i].facts, work[i].id ? &*work[i].id : nullptr, explain);
      };
      std::vector<std::thread> pool;
      for (std::size_t t = 1; t < n; ++t) pool.emplace_back(worker);
      worker();
      for (auto& t : pool) t.join();
    }
    py::list out;
    for (std::size_t i = 0; i < work.size(); ++i) {
      if (auto* p = std::get_if<Problem>(&work[i].out)) {
        if (on_error == "raise") raise(error_object(*p, py::int_(i)));
        py::dict d;
        if (work[i].id) d["id"] = *work[i].id;
        d["code"] = p->code;
        d["error"] = p->message;
        if (!p->fact.empty()) d["fact"] = p->fact;
        out.append(d);
      } else {
        out.append(result_dict(std::get<std::string>(work[i].out)));
      }
    }
    return out;
  }

  // Exactly `kuan eval --batch`'s lines for JSONL lines (kuan.dask.evaluate).
  std::vector<std::string> batch_lines(const std::vector<std::string>& lines, const std::vector<std::size_t>& numbers,
                                       bool explain, bool pass_through) const {
    if (numbers.size() != lines.size()) throw py::value_error("行号与行数不符");
    std::vector<std::string> out(lines.size());
    py::gil_scoped_release unlocked;
    for (std::size_t i = 0; i < lines.size(); ++i)
      batch::jsonl_line(*policy, *ed, lines[i], numbers[i], explain, pass_through, out[i]);
    return out;
  }

  std::string name() const { return ed->name; }
};

// An application row for the Allocator: a JSON line, or a dict written as one.
std::string allocation_line(const py::handle& row, std::size_t index) {
  if (py::isinstance<py::str>(row)) return row.cast<std::string>();
  if (!py::isinstance<py::dict>(row)) throw py::type_error("每行须为 dict 或 JSON 文本");
  std::string out = "{";
  auto scalar = [&](const py::handle& v, const std::string& what) {
    const json::Scalar s = to_scalar(v, what);
    switch (s.kind) {
      case json::Scalar::Kind::Null: out += "null"; break;
      case json::Scalar::Kind::Bool: out += s.boolean ? "true" : "false"; break;
      case json::Scalar::Kind::Number: out += s.text; break;
      default: append_json_string(out, s.text);
    }
  };
  bool first = true;
  for (auto [key, value] : row.cast<py::dict>()) {
    const std::string k = py::str(key);
    out += first ? "" : ",";
    first = false;
    append_json_string(out, k);
    out += ':';
    if (k == "facts" && py::isinstance<py::dict>(value)) {
      out += '{';
      bool first_fact = true;
      for (auto [fact, v] : value.cast<py::dict>()) {
        out += first_fact ? "" : ",";
        first_fact = false;
        append_json_string(out, py::str(fact).cast<std::string>());
        out += ':';
        scalar(v, "第 " + std::to_string(index + 1) + " 行的事实 " + std::string(py::str(fact)));
      }
      out += '}';
    } else {
      scalar(value, "第 " + std::to_string(index + 1) + " 行的 " + k);
    }
  }
  return out + "}";
}

py::object allocation_error(const AllocationError& e) {
  Problem p{"AllocationError", "allocation_error", e.render("<rows>")};
  p.line = static_cast<int>(e.line), p.column = static_cast<int>(e.column);
  py::object err = error_object(p);
  err.attr("field") = e.field;
  err.attr("reason") = e.message;  // without the position, for hosts that name the input themselves
  err.attr("id") = e.id.empty() ? py::object(py::none()) : py::object(py::str(e.id));
  return err;
}

std::unique_ptr<Allocator> new_allocator(const Edition& ed) {
  std::string error;
  auto a = Allocator::create(ed, BatchFormat::Jsonl, error);
  if (!a) raise(error_object({"AllocationError", "allocation_error", error}));
  return a;
}

py::list decisions(const Allocator& a) {
  py::list out;
  std::string line;
  for (std::size_t i = 0; i < a.size(); ++i) {
    line.clear();
    a.decision(i, BatchFormat::Jsonl, line);
    line.pop_back();
    out.append(result_dict(line));
  }
  return out;
}

py::list allocate_rows(const PyEdition& e, const py::iterable& rows) {
  auto a = new_allocator(*e.ed);
  std::size_t n = 0;
  for (const py::handle& row : rows) {
    const std::string line = allocation_line(row, n);
    if (auto err = a->add(line, ++n)) raise(allocation_error(*err));
  }
  std::optional<AllocationError> err;
  {
    py::gil_scoped_release unlocked;
    err = a->finish();
  }
  if (err) raise(allocation_error(*err));
  return decisions(*a);
}

// One part of a distributed year (Allocator's part API; kuan.dask drives it).
struct Part {
  std::shared_ptr<const Policy> policy;  // keeps the edition alive
  const Edition* ed;
  std::unique_ptr<Allocator> a;

  void add(const std::string& line, std::size_t line_no) {
    if (auto err = a->add(line, line_no)) raise(allocation_error(*err));
  }
  // [(index, ranking key: quota and group, score as Decimal)]
  py::list quota_candidates() {
    auto r = a->quota_candidates();
    if (auto* e = std::get_if<AllocationError>(&r)) raise(allocation_error(*e));
    static const auto* decimal = new py::object(py::module_::import("decimal").attr("Decimal"));
    py::list out;
    for (const auto& c : std::get<0>(r))
      out.append(py::make_tuple(c.index, ed->quotas[c.quota].decl->name + '\x1f' + c.group, (*decimal)(c.score.to_string())));
    return out;
  }
  void finish(const std::vector<std::uint32_t>& ranks) {
    if (auto err = a->finish_part(ranks)) raise(allocation_error(*err));
  }
  py::list pool_shares() const {
    py::list out;
    for (const auto& s : a->pool_shares()) out.append(py::make_tuple(s.index, s.pool, s.amount));
    return out;
  }
  void set_pool(int pool, std::int64_t total, const std::vector<std::size_t>& extra) {
    a->set_pool(pool, total, extra);
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out(a->size());
    for (std::size_t i = 0; i < out.size(); ++i) a->decision(i, BatchFormat::Jsonl, out[i]);
    return out;
  }
};

struct PyPolicy {
  std::shared_ptr<const Policy> p;

  PyEdition wrap(const Edition* ed) const { return PyEdition{p, ed}; }
  PyEdition edition(const std::string& name) const {
    std::string error;
    const Edition* ed = p->edition(name, error);
    if (!ed) raise(error_object({"EditionError", "unknown_edition", error}));
    return wrap(ed);
  }
  PyEdition edition_on(const py::object& date) const {
    const std::string text = py::isinstance<py::str>(date) ? date.cast<std::string>() : std::string(py::str(date.attr("isoformat")()));
    const auto day = parse_date(text);
    if (!day) throw py::value_error("日期无效:\"" + text + "\"(格式 YYYY-MM-DD)");
    std::string error;
    const Edition* ed = p->edition_on(*day, error);
    if (!ed) raise(error_object({"EditionError", "no_edition", error}));
    return wrap(ed);
  }
};

PyPolicy load(const std::string& path) {
  std::vector<Diagnostic> diagnostics;
  std::shared_ptr<const Policy> p;
  {
    py::gil_scoped_release unlocked;
    p = Policy::load(path, diagnostics);
  }
  if (p) return PyPolicy{p};
  Problem first{"PolicyError", "rule_errors", "规则文件有错误"};
  py::list all;
  for (const auto& d : diagnostics) {
    if (d.severity != Severity::Error) continue;
    const std::string& file = d.file;
    const int line = static_cast<int>(d.line), column = static_cast<int>(d.column);
    py::dict item;
    item["file"] = file.empty() ? py::object(py::none()) : py::object(py::str(file));
    item["line"] = line, item["column"] = column, item["message"] = d.message, item["rendered"] = d.rendered;
    all.append(item);
    if (all.size() == 1) first.message = d.message, first.file = file, first.line = line, first.column = column;
  }
  py::object err = error_object(first);
  err.attr("diagnostics") = all;
  raise(err);
}


// (applicant, id) of JSONL lines as the Allocator reads them (None for a line
// it would refuse): kuan.dask shuffles by applicant and checks ids with them.
std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> application_keys(
    const std::vector<std::string>& lines) {
  std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> out(lines.size());
  py::gil_scoped_release unlocked;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto parsed = json::parse_application(lines[i]);
    if (auto* app = std::get_if<json::Application>(&parsed)) {
      if (app->has_applicant && !app->applicant.empty()) out[i].first = app->applicant;
      if (app->has_id && !app->id.empty()) out[i].second = app->id;
    }
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_kuan, m) {
  m.doc() = "Kuan (款) policy rules: exact decimal evaluation and batch allocation. Use the kuan package.";
  m.def("load", &load, py::arg("path"));
  m.def("_application_keys", &application_keys, py::arg("lines"));

  py::class_<PyPolicy>(m, "Policy")
      .def_property_readonly("editions",
                             [](const PyPolicy& p) {
                               std::vector<std::string> names;
                               for (const auto& e : p.p->editions()) names.push_back(e->name);
                               return names;
                             })
      .def("edition", &PyPolicy::edition, py::arg("name"))
      .def("edition_on", &PyPolicy::edition_on, py::arg("date"))
      .def("latest", [](const PyPolicy& p) { return p.wrap(p.p->latest()); });

  py::class_<PyEdition>(m, "Edition")
      .def_property_readonly("name", &PyEdition::name)
      .def_property_readonly("status", [](const PyEdition& e) { return std::string(e.ed->status_name()); })
      .def_property_readonly("measures",
                             [](const PyEdition& e) {
                               std::vector<std::string> names;
                               for (const auto& m : e.ed->measures) names.push_back(m.decl->name);
                               return names;
                             })
      .def_property_readonly("pools",  // [(name, cents)]: for kuan.dask.allocate
                             [](const PyEdition& e) {
                               std::vector<std::pair<std::string, std::int64_t>> out;
                               for (const auto& p : e.ed->pools) out.emplace_back(p.decl->name, p.amount.to_int64_at_scale(2).value_or(-1));
                               return out;
                             })
      .def("evaluate", &PyEdition::evaluate, py::arg("measure"), py::arg("facts"), py::arg("explain") = false)
      .def("evaluate_many", &PyEdition::evaluate_many, py::arg("items"), py::arg("explain") = false,
           py::arg("on_error") = "raise", py::arg("threads") = 0)
      .def("allocate", &allocate_rows, py::arg("rows"))
      .def("_batch_lines", &PyEdition::batch_lines, py::arg("lines"), py::arg("line_numbers"), py::arg("explain") = false,
           py::arg("pass_through") = false)
      .def("_allocation_part", [](const PyEdition& e) { return Part{e.policy, e.ed, new_allocator(*e.ed)}; })
      .def("__repr__", [](const PyEdition& e) { return "<kuan.Edition " + e.ed->name + ">"; })
      .def("__eq__", [](const PyEdition& a, const PyEdition& b) { return a.ed == b.ed; });

  py::class_<Part>(m, "_AllocationPart")
      .def("add", &Part::add, py::arg("line"), py::arg("line_no"))
      .def("quota_candidates", &Part::quota_candidates)
      .def("finish", &Part::finish, py::arg("ranks"))
      .def("pool_shares", &Part::pool_shares)
      .def("set_pool", &Part::set_pool, py::arg("pool"), py::arg("total"), py::arg("extra_cent"))
      .def("lines", &Part::lines);
}
