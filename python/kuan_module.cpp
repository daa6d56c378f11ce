// _kuan: the Python binding (package python/kuan/), over the public C++ API
// only (include/kuan/: the same library the `kuan` command and C hosts use).
// Facts cross as the JSON the engine reads, results come back as the
// command's fields, batch lines are the batch engine's bytes: a Python result
// is the command's result, field for field. Money is decimal text or Decimal,
// never a float.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <new>
#include <optional>

#include "convert.hpp"
#include "handles.hpp"
#include "kuan/allocation.hpp"
#include "kuan/batch.hpp"

namespace py = pybind11;
using namespace kuan;
using namespace kuan::python;

namespace kuan::python {

void* ZeroedStorage::operator new(std::size_t size) {
  void* p = std::calloc(1, size);
  if (!p) throw std::bad_alloc();
  return p;
}

void ZeroedStorage::operator delete(void* p) { std::free(p); }

void not_initialised() { throw py::type_error("对象未初始化:kuan 的对象只由 kuan.load 及其方法创建"); }

}  // namespace kuan::python

namespace {

PyPolicy loaded(api::LoadResult r) {
  if (r.policy) return PyPolicy(std::move(*r.policy));
  api::Error first;
  first.code = api::ErrorCode::RuleErrors;
  first.message = "规则文件有错误";
  py::list all;
  for (const auto& d : r.diagnostics) {
    if (d.severity != api::Severity::Error) continue;
    py::dict item;
    item["file"] = d.file.empty() ? py::object(py::none()) : py::object(py::str(d.file));
    item["line"] = d.line, item["column"] = d.column, item["message"] = d.message, item["rendered"] = d.rendered;
    all.append(item);
    if (all.size() == 1) first.message = d.message, first.where = api::Position{d.file, d.line, d.column};
  }
  py::object err = error_object(first);
  err.attr("diagnostics") = all;
  raise(err);
}

PyPolicy load(const std::string& path) {
  std::optional<api::LoadResult> r;
  {
    py::gil_scoped_release unlocked;
    r.emplace(api::Policy::load(path));
  }
  return loaded(std::move(*r));
}

PyPolicy load_texts(const py::dict& texts) {
  std::vector<std::pair<std::string, std::string>> files;
  for (auto [path, text] : texts) {
    if (!PyUnicode_Check(path.ptr()) || !PyUnicode_Check(text.ptr()))
      throw py::type_error("load_texts 须用 {路径(str): 规则文本(str)}");
    files.emplace_back(utf8_text(path), utf8_text(text));
  }
  std::optional<api::LoadResult> r;
  {
    py::gil_scoped_release unlocked;
    r.emplace(api::Policy::from_texts(files));
  }
  return loaded(std::move(*r));
}

PyEdition edition_of(const PyPolicy& p, api::Result<api::Edition> r) {
  if (!r) raise(error_object(r.error()));
  return PyEdition(p.policy(), *r);
}

py::dict sources_dict(const api::Policy& p) {
  py::dict out;
  for (const auto& [path, text] : p.sources()) out[py::str(path)] = py::str(text);
  return out;
}

api::EvaluateOptions evaluate_options(const PyEdition& e, bool explain, const py::object& as_of) {
  api::EvaluateOptions options;
  options.explain = explain;
  options.as_of = as_of_option(e.policy(), as_of);
  return options;
}

py::object evaluate(const PyEdition& e, const std::string& measure, const py::object& facts, bool explain,
                    const py::object& as_of) {
  const api::EvaluateOptions options = evaluate_options(e, explain, as_of);
  const std::string json = facts_json(facts);
  std::optional<api::Result<api::Evaluation>> r;
  {
    py::gil_scoped_release unlocked;
    r.emplace(e.edition().evaluate_json(measure, json, options));
  }
  if (!*r) raise(error_object(r->error()));
  return result_dict(**r, nullptr);
}

// A whole application: the JSON of `kuan eval` without --measure as a dict, amounts Decimal.
py::object evaluate_all(const PyEdition& e, const py::object& facts, bool explain, const py::object& as_of) {
  const api::EvaluateOptions options = evaluate_options(e, explain, as_of);
  const std::string json = facts_json(facts);
  std::optional<api::Result<api::ApplicationResult>> r;
  {
    py::gil_scoped_release unlocked;
    r.emplace(e.edition().evaluate_all_json(json, options));
  }
  if (!*r) raise(error_object(r->error()));
  py::dict d = py::module_::import("json").attr("loads")(api::to_json(**r));
  const py::object decimal = py::module_::import("decimal").attr("Decimal");
  for (py::handle entry : d["results"])
    if (entry.contains("amount")) entry[py::str("amount")] = decimal(entry[py::str("amount")]), decimal_figures(entry);
  return d;
}

api::Allocator new_allocator(const api::Edition& ed) {
  auto a = api::Allocator::create(ed);
  if (auto* e = std::get_if<api::AllocationError>(&a)) raise(allocation_error(*e));
  return std::move(std::get<api::Allocator>(a));
}

py::list decisions(const api::Allocator& a) {
  py::list out;
  std::string line;
  for (std::size_t i = 0; i < a.size(); ++i) {
    line.clear();
    a.decision(i, api::AllocationFormat::Jsonl, line);
    line.pop_back();
    out.append(line_dict(line));
  }
  return out;
}

py::list allocate_rows(const PyEdition& e, const py::iterable& rows, const py::object& opening, bool carry_stated,
                       const py::object& as_of) {
  const std::string day = as_of_option(e.policy(), as_of);  // ValueError when it is not a day
  api::Allocator a = new_allocator(e.edition());
  a.set_carry_stated(carry_stated);
  if (!day.empty())  // the applications' date for rows without their own (`--as-of`)
    if (auto err = a.set_as_of(day)) raise(allocation_error(*err));
  if (!opening.is_none()) {  // each applicant's usage before this run: its line numbers are the opening's
    std::size_t k = 0;
    for (const py::handle& row : opening.cast<py::iterable>()) {
      const std::string line = row_json(row, k);
      if (auto err = a.add_opening(line, ++k)) raise(allocation_error(*err));
    }
  }
  std::size_t n = 0;
  for (const py::handle& row : rows) {
    const std::string line = row_json(row, n);
    if (auto err = a.add(line, ++n)) raise(allocation_error(*err));
  }
  std::optional<api::AllocationError> err;
  {
    py::gil_scoped_release unlocked;
    err = a.finish();
  }
  if (err) raise(allocation_error(*err));
  return decisions(a);
}

}  // namespace

PYBIND11_MODULE(_kuan, m) {
  intern_at_import();
  m.doc() = "Kuan (款) policy rules: exact decimal evaluation, batches and allocation. Use the kuan package.";
  m.def("load", &load, py::arg("path"),
        "Loads and checks a policy: a folder of editions (one subfolder each, or .kuan files directly in it) or one "
        ".kuan file. Raises PolicyError (file, line, column, message; .diagnostics lists every error).");
  m.def("load_texts", &load_texts, py::arg("texts"),
        "Loads a policy from rule texts held in memory, {path: text}, grouped into editions as load() groups a "
        "folder's files. Reads no file: Policy pickles as load_texts(policy.sources).");

  py::class_<PyPolicy> policy(m, "Policy",
                              "A loaded, checked policy: one or more editions. Immutable; share it between threads. "
                              "Pickles as its rule texts (kuan.load_texts), so it travels to Dask workers.");
  made_by_the_module(policy, "用 kuan.load(path) 或 kuan.load_texts({路径: 文本})");
  policy
      .def_property_readonly(
          "editions",
          [](const PyPolicy& p) {
            std::vector<std::string> names;
            for (const auto& e : p.policy().editions()) names.push_back(e.name());
            return names;
          },
          "The editions' names, in load order.")
      .def_property_readonly(
          "sources", [](const PyPolicy& p) { return sources_dict(p.policy()); },
          "The rule texts it was loaded from, {path: text}: kuan.load_texts of them gives the same policy.")
      .def(
          "edition", [](const PyPolicy& p, const std::string& name) { return edition_of(p, p.policy().edition(name)); },
          py::arg("name"), "The edition of that name (\"2025年版\"); EditionError when there is none.")
      .def(
          "edition_on",
          [](const PyPolicy& p, const py::object& date) {
            const std::string text = date_text(date);
            auto r = p.policy().edition_on(text);
            if (!r && r.error().code == api::ErrorCode::InvalidArgument) throw py::value_error(r.error().message);
            return edition_of(p, std::move(r));
          },
          py::arg("date"),
          "The official edition in force on a day (\"YYYY-MM-DD\" or datetime.date); an edition marked 示例 or 草案 "
          "is never chosen by date. EditionError when none is; ValueError for a malformed date.")
      .def(
          "latest", [](const PyPolicy& p) { return PyEdition(p.policy(), p.policy().latest()); },
          "The only edition, or the official one that took effect last.")
      // By reference to a Python function of the package (a pybind11 function does not pickle).
      .def("__reduce__", [](const PyPolicy& p) {
        return py::make_tuple(py::module_::import("kuan").attr("_policy_from_texts"), py::make_tuple(sources_dict(p.policy())));
      });

  py::class_<PyEdition> edition(m, "Edition", "One edition of a policy (e.g. 2025年版): evaluate its measures.");
  made_by_the_module(edition, "用 policy.edition(name)、policy.edition_on(date) 或 policy.latest()");
  edition.def_property_readonly("name", [](const PyEdition& e) { return e.edition().name(); }, "The edition's name.")
      .def_property_readonly(
          "status", [](const PyEdition& e) { return std::string(e.edition().status()); },
          "正式 (official: chosen by date), 示例 or 草案 (chosen by name only).")
      .def_property_readonly(
          "measures",
          [](const PyEdition& e) {
            std::vector<std::string> names;
            for (const auto& x : e.edition().measures()) names.push_back(x.name);
            return names;
          },
          "The measures' names, in declaration order.")
      .def_property_readonly(
          "pools",
          [](const PyEdition& e) {
            auto a = api::Allocator::create(e.edition());
            auto* allocator = std::get_if<api::Allocator>(&a);
            return allocator ? allocator->pools() : std::vector<std::pair<std::string, std::int64_t>>{};
          },
          "The funding pools (资金池) as (name, size in 分).")
      .def("evaluate", &evaluate, py::arg("measure"), py::arg("facts"), py::arg("explain") = false,
           py::arg("as_of") = py::none(),
           "Evaluates one measure on a dict of facts (Decimal, int, bool, str such as \"120万元\" or \"30%\", "
           "datetime.date; float is refused with TypeError). Returns the fields of `kuan eval --format json` with "
           "amount a Decimal (and \"explanation\" when explain). Raises FactError, MeasureError, EvaluationError."
           " as_of: the applications' date, \"YYYY-MM-DD\" or datetime.date (施行 on measures and clauses; None: today in China); ValueError when it is not a day.")
      .def("evaluate_all", &evaluate_all, py::arg("facts"), py::arg("explain") = false, py::arg("as_of") = py::none(),
           "Every measure the facts concern (a whole application): {\"version\", \"results\": [...]} as "
           "`kuan eval` without --measure prints it — eligible first, then not eligible with reasons, then "
           "\"needs_facts\" with the names to add — amounts Decimal. Raises FactError for bad facts."
           " as_of: the applications' date, \"YYYY-MM-DD\" or datetime.date (施行 on measures and clauses; None: today in China); ValueError when it is not a day.")
      .def("evaluate_many", &evaluate_many, py::arg("items"), py::arg("explain") = false, py::arg("on_error") = "raise",
           py::arg("threads") = 0, py::arg("as_of") = py::none(),
           "Evaluates (measure, facts) pairs or {\"id\", \"measure\", \"facts\", \"as_of\"?} dicts (an item's own as_of "
           "wins; a bad one is that item's error, code invalid_argument), in order, on `threads` "
           "threads (0: one per core) without the GIL. on_error=\"return\" gives {\"id\", \"code\", \"error\", "
           "\"fact\"} for a bad item instead of raising (the error raised carries .index). Ctrl-C interrupts it."
           " as_of: the applications' date, \"YYYY-MM-DD\" or datetime.date (施行 on measures and clauses; None: today in China); ValueError when it is not a day.")
      .def("evaluate_jsonl", &evaluate_jsonl, py::arg("data"), py::kw_only(), py::arg("explain") = false,
           py::arg("pass_through") = false, py::arg("threads") = 1, py::arg("as_of") = py::none(),
           "Runs the batch engine on JSONL bytes ({\"id\", \"measure\", \"facts\"} a line) and returns exactly the "
           "bytes `kuan eval --batch` writes for them: one result or error row a line, in input order. The GIL is "
           "released; threads=0 uses every core. Ctrl-C interrupts it. as_of: the date of the lines without their "
           "own \"as_of\" (`--as-of`; None: today in China); ValueError when it is not a day.")
      .def("evaluate_csv", &evaluate_csv, py::arg("data"), py::kw_only(), py::arg("output") = "csv",
           py::arg("threads") = 1, py::arg("as_of") = py::none(),
           "Runs the batch engine on CSV bytes (UTF-8, RFC 4180; a header of measure, id, as_of and fact names) and "
           "returns exactly the bytes `kuan eval --batch IN.csv` writes: CSV rows (id,measure,version,eligible,amount,"
           "reasons,notes,bound,clause,line,code,error and the columns carried over), or JSONL with output=\"jsonl\". "
           "A BOM in gives a BOM out; CRLF line ends and GBK (the command's --excel, --encoding) are not applied. A "
           "refused header raises FactError (code bad_line, .line); a column that is not a fact is carried over (CSV) or "
           "dropped with a UserWarning (JSONL). The GIL is released; threads=0 uses every core. Ctrl-C interrupts it. "
           "as_of: the date of the records without an as_of column (as evaluate_jsonl).")
      .def("_evaluate_file", &evaluate_file, py::arg("in_path"), py::arg("out_path"), py::kw_only(),
           py::arg("explain") = false, py::arg("pass_through") = false, py::arg("threads") = 1,
           py::arg("as_of") = py::none())
      .def("allocate", &allocate_rows, py::arg("rows"), py::kw_only(), py::arg("opening") = py::none(),
           py::arg("carry_stated") = false, py::arg("as_of") = py::none(),
           "Decides a year as `kuan allocate` does: rows are {\"id\", \"applicant\", \"measure\", \"facts\"} dicts or "
           "JSON lines, in application order. Returns the decisions as dicts (amount, allocated as Decimal); a bad "
           "row refuses the year with AllocationError. opening: each applicant's usage before this run, "
           "{\"applicant\", \"facts\": {已用 fact: figure}} dicts or JSON lines (`--opening`; a bad one raises "
           "AllocationError with its line in `opening`); carry_stated: `--carry-stated`; as_of: \"YYYY-MM-DD\" or "
           "datetime.date, the applications' date (施行) for rows without their own \"as_of\" (`--as-of`; default today "
           "in China; ValueError when it is not a day).")
      .def(
          "_batch_lines",
          [](const PyEdition& e, const std::vector<std::string>& lines, const std::vector<std::size_t>& numbers,
             bool explain, bool pass_through, const py::object& as_of) {
            if (numbers.size() != lines.size()) throw py::value_error("行号与行数不符");
            api::BatchOptions options;
            options.explain = explain;
            options.pass_through = pass_through;
            options.as_of = as_of_option(e.policy(), as_of);
            std::vector<std::string> out(lines.size());
            py::gil_scoped_release unlocked;
            for (std::size_t i = 0; i < lines.size(); ++i)
              api::evaluate_batch_line(e.policy(), e.edition(), lines[i], numbers[i], options, out[i]);
            return out;
          },
          py::arg("lines"), py::arg("line_numbers"), py::arg("explain") = false, py::arg("pass_through") = false,
          py::arg("as_of") = py::none())
      .def("__reduce__",
           [](const PyEdition& e) {
             return py::make_tuple(py::module_::import("kuan").attr("_edition_of"),
                                   py::make_tuple(PyPolicy(e.policy()), e.edition().name()));
           })
      .def("__repr__", [](const PyEdition& e) { return "<kuan.Edition " + e.edition().name() + ">"; })
      .def("__eq__", [](const PyEdition& a, const PyEdition& b) { return a.edition() == b.edition(); });

  bind_year_parts(m, edition);
}
