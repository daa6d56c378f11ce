#include "convert.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

namespace kuan::python {

namespace {

const Interned* the_interned = nullptr;

bool is_decimal(const py::handle& v) { return py::isinstance(v, interned().decimal); }

// Valid while `s` lives (Python keeps the UTF-8 form with the str).
std::string_view utf8_view(const py::handle& s) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
  if (!data) throw py::error_already_set();  // a lone surrogate: UnicodeEncodeError
  return {data, static_cast<std::size_t>(size)};
}

bool is_date(const py::handle& v) {  // datetime.date, not datetime.datetime
  return py::hasattr(v, "isoformat") && py::hasattr(v, "toordinal") && !py::hasattr(v, "hour");
}

std::string type_name(const py::handle& v) { return py::str(py::type::of(v).attr("__name__")); }

void append_text(std::string& out, const py::handle& s) { api::append_json_string(out, utf8_view(s)); }

}  // namespace

void intern_at_import() {
  auto* i = new Interned;  // never freed: see Interned
  i->decimal = py::module_::import("decimal").attr("Decimal");
  i->json_loads = py::module_::import("json").attr("loads");
  i->format = py::module_::import("builtins").attr("format");
  i->errors = py::module_::import("kuan.errors");
  i->main_thread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  i->id = "id", i->measure = "measure", i->version = "version", i->eligible = "eligible", i->amount = "amount";
  i->reasons = "reasons", i->bound = "bound", i->notes = "notes", i->clause = "clause";
  i->explanation = "explanation", i->code = "code", i->error = "error", i->fact = "fact", i->facts = "facts";
  i->as_of = "as_of";
  the_interned = i;
}

const Interned& interned() { return *the_interned; }

bool on_main_thread() { return PyThread_get_thread_ident() == interned().main_thread; }

namespace {

// Digits in one number (api::kMaxNumberDigits), as the engine counts them in a
// fact's text. Checked here on the Decimal's exponent, before writing it without
// one: Decimal("1E+999999999") would be a gigabyte of zeros to build and read.
constexpr auto kMaxNumberDigits = static_cast<long long>(api::kMaxNumberDigits);

void check_decimal_digits(const py::handle& v, const std::function<std::string()>& what) {
  const py::tuple parts = v.attr("as_tuple")();
  const auto count = static_cast<long long>(py::len(parts[1]));
  const auto exponent = parts[2].cast<long long>();
  // 12E+3 is 12000; 12E-5 is 0.00012 (a leading 0 and the zeros after the point)
  const long long written = exponent >= 0 ? count + exponent : std::max(count, -exponent) + (count > -exponent ? 0 : 1);
  if (written > kMaxNumberDigits)
    throw py::value_error(what() + " 的值 " + api::printable(std::string(py::str(v)), 60) + " 过长:数字至多 " + std::to_string(kMaxNumberDigits) +
                          " 位(写成不带指数的形式有 " + std::to_string(written) + " 位)");
}

// A 列表 fact's items (docs/language.md): a list or tuple of dicts, each field a
// scalar as above. Items that are not dicts, or fields that are lists, are refused
// here (a TypeError naming the item), so nesting cannot go deeper than one level;
// how many items, and which fields, the engine checks as it does for JSON arrays.
void append_list_json(std::string& out, const py::handle& v, const std::function<std::string()>& what) {
  out += '[';
  std::size_t index = 0;
  for (const py::handle item : v) {
    const auto where = [&] { return what() + " 的第 " + std::to_string(index + 1) + " 项"; };
    if (!PyDict_Check(item.ptr())) throw py::type_error(where() + " 须为 dict(字段名 → 值),而不是 " + type_name(item));
    if (index > 0) out += ',';
    out += '{';
    bool first = true;
    for (auto [key, field] : py::reinterpret_borrow<py::dict>(item)) {
      if (!PyUnicode_Check(key.ptr())) throw py::type_error(where() + " 的字段名须为 str,而不是 " + type_name(key));
      const auto field_what = [&] { return where() + " 的字段 " + std::string(py::str(key)); };
      if (PyList_Check(field.ptr()) || PyTuple_Check(field.ptr()))
        throw py::type_error(field_what() + " 是列表:列表的项只有一层,字段须为单个值");
      if (!first) out += ',';
      first = false;
      append_text(out, key);
      out += ':';
      append_fact_json(out, field, field_what);
    }
    out += '}';
    ++index;
  }
  out += ']';
}

}  // namespace

void append_fact_json(std::string& out, const py::handle& v, const std::function<std::string()>& what) {
  if (v.is_none()) {
    out += "null";
  } else if (PyBool_Check(v.ptr())) {
    out += v.ptr() == Py_True ? "true" : "false";
  } else if (PyLong_Check(v.ptr())) {
    int overflow = 0;
    const long long n = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (overflow) {
      out += std::string(py::str(v));
    } else {
      char buf[24];
      out.append(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, n).ptr - buf));
    }
  } else if (PyUnicode_Check(v.ptr())) {
    append_text(out, v);
  } else if (PyFloat_Check(v.ptr())) {
    throw py::type_error(what() + " 是 float:金额和比例须精确,请用 decimal.Decimal、int 或文本(如 \"120万元\"、\"30%\"),"
                                "float is refused because money must be exact");
  } else if (is_decimal(v)) {
    if (!v.attr("is_finite")().cast<bool>()) throw py::value_error(what() + " 不是有限的数");  // NaN, Infinity
    check_decimal_digits(v, what);
    out += std::string(py::str(interned().format(v, "f")));  // no exponent
  } else if (is_date(v)) {
    append_text(out, v.attr("isoformat")());
  } else if (PyList_Check(v.ptr()) || PyTuple_Check(v.ptr())) {
    append_list_json(out, v, what);
  } else {
    throw py::type_error(what() + " 的类型 " + type_name(v) +
                         " 不能用作事实:用 Decimal、int、bool、str、datetime.date,或(列表事实)dict 的 list");
  }
}

std::string facts_json(const py::handle& facts) {
  if (facts.is_none()) return "{}";
  if (!PyDict_Check(facts.ptr())) throw py::type_error("facts 须为 dict(事实名 → 值),而不是 " + type_name(facts));
  std::string out = "{";
  for (auto [key, value] : py::reinterpret_borrow<py::dict>(facts)) {
    if (!PyUnicode_Check(key.ptr())) throw py::type_error("事实名须为 str,而不是 " + type_name(key));
    if (out.size() > 1) out += ',';
    append_text(out, key);
    out += ':';
    append_fact_json(out, value, [&] { return "事实 " + std::string(py::str(key)); });
  }
  return out + "}";
}

std::string row_json(const py::handle& row, std::size_t index) {
  if (PyUnicode_Check(row.ptr())) return utf8_text(row);
  if (PyBytes_Check(row.ptr())) return std::string(py::reinterpret_borrow<py::bytes>(row));
  if (!PyDict_Check(row.ptr())) throw py::type_error("每行须为 dict 或 JSON 文本,而不是 " + type_name(row));
  const std::string where = "第 " + std::to_string(index + 1) + " 行的";  // rows are few: made eagerly
  std::string out = "{";
  for (auto [key, value] : py::reinterpret_borrow<py::dict>(row)) {
    if (!PyUnicode_Check(key.ptr())) throw py::type_error(where + "字段名须为 str");
    if (out.size() > 1) out += ',';
    append_text(out, key);
    out += ':';
    const std::string name = py::str(key);
    if (name == "facts" && PyDict_Check(value.ptr())) {
      std::string facts = "{";
      for (auto [fact, v] : py::reinterpret_borrow<py::dict>(value)) {
        if (!PyUnicode_Check(fact.ptr())) throw py::type_error(where + "事实名须为 str");
        if (facts.size() > 1) facts += ',';
        append_text(facts, fact);
        facts += ':';
        append_fact_json(facts, v, [&] { return where + "事实 " + std::string(py::str(fact)); });
      }
      out += facts + "}";
    } else {
      append_fact_json(out, value, [&] { return where + name; });
    }
  }
  return out + "}";
}

py::object TextCache::get(const std::string& text) {
  auto it = made_.find(text);
  if (it != made_.end()) return it->second;
  py::object made = py::str(text);
  if (made_.size() < 4096) made_.emplace(text, made);  // a bounded vocabulary: ids and amounts are not cached
  return made;
}

namespace {

py::object text(const std::string& s, TextCache* cache) { return cache ? cache->get(s) : py::str(s); }

py::list str_list(const std::vector<std::string>& items, TextCache* cache = nullptr) {
  py::list out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) out[i] = text(items[i], cache);
  return out;
}

py::object call_one(const py::object& f, const py::object& arg) {
  PyObject* r = PyObject_CallOneArg(f.ptr(), arg.ptr());
  if (!r) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(r);
}

void set(py::dict& d, const py::str& key, const py::object& value) {
  if (PyDict_SetItem(d.ptr(), key.ptr(), value.ptr()) != 0) throw py::error_already_set();
}

}  // namespace

py::dict result_dict(const api::Evaluation& r, const std::string* id, TextCache* cache) {
  const Interned& k = interned();
  py::dict d;
  if (id) set(d, k.id, py::str(*id));
  set(d, k.measure, text(r.measure, cache));
  set(d, k.version, text(r.edition, cache));
  set(d, k.eligible, py::bool_(r.eligible));
  set(d, k.amount, call_one(k.decimal, py::str(r.amount)));
  set(d, k.reasons, str_list(r.reasons, cache));
  set(d, k.bound, r.bound ? text(*r.bound, cache) : py::object(py::none()));
  if (!r.notes.empty()) set(d, k.notes, str_list(r.notes, cache));
  if (!r.clause.empty()) set(d, k.clause, text(r.clause, cache));
  if (!r.figures.empty()) {  // 结果: the named figures, in order, as Decimal like the amount
    py::dict figures;
    for (const auto& f : r.figures) set(figures, text(f.name, cache), call_one(k.decimal, py::str(f.amount)));
    set(d, py::str("figures"), figures);
  }
  if (r.explanation) set(d, k.explanation, call_one(k.json_loads, py::str(api::to_json(*r.explanation))));
  return d;
}

void decimal_figures(py::handle result) {
  if (!result.contains("figures")) return;
  const Interned& k = interned();
  py::dict figures = result[py::str("figures")];
  for (auto item : figures) figures[item.first] = k.decimal(item.second);
}

py::dict line_dict(const std::string& json_line) {
  const Interned& k = interned();
  py::dict d = k.json_loads(py::str(json_line));
  for (const char* key : {"amount", "allocated"})
    if (d.contains(key)) d[key] = k.decimal(d[key]);
  decimal_figures(d);
  return d;
}

namespace {

// The class in kuan.errors; the code is the error's own kind (api::Error::kind(),
// the same in every host).
const char* class_of(const api::Error& e) {
  using C = api::ErrorCode;
  switch (e.code) {
    case C::RuleErrors: return "PolicyError";
    case C::UnknownEdition: return "EditionError";
    case C::UnknownMeasure: return "MeasureError";
    case C::UnknownFact:
    case C::WrongFactType:
    case C::InvalidFactValue:
    case C::BadJson:
    case C::MissingFacts: return "FactError";
    case C::EvaluationError:
      // A 可选 fact read while absent, or one 需要 … 当 … asks for, is a missing fact.
      return std::string_view(e.kind()) == "missing_fact" ? "FactError" : "EvaluationError";
    case C::InvalidApplication: return "FactError";
    case C::Ok:
    case C::WrongEdition:
    case C::InvalidArgument:
    case C::Internal: break;
  }
  return "KuanError";
}

}  // namespace

std::string utf8_text(const py::handle& s) { return std::string(utf8_view(s)); }

std::string date_text(const py::object& date) {
  if (PyUnicode_Check(date.ptr())) return utf8_text(date);
  if (py::hasattr(date, "isoformat") && !py::hasattr(date, "hour")) return py::str(date.attr("isoformat")());
  throw py::type_error("日期须为 \"YYYY-MM-DD\" 或 datetime.date");
}

std::string as_of_option(const api::Policy& policy, const py::object& as_of) {
  if (as_of.is_none()) return {};
  std::string text = date_text(as_of);
  // Whether it is a day: the policy's choice by date refuses one that is not (nothing else is asked of it).
  if (auto on = policy.edition_on(text); !on && on.error().code == api::ErrorCode::InvalidArgument)
    throw py::value_error(api::bad_date_message("as_of", std::string(py::repr(py::str(text)))));
  return text;
}

py::object error_object(const api::Error& e, std::optional<std::size_t> index) {
  py::dict kw;
  kw["code"] = e.kind();
  if (!e.fact.empty()) kw["fact"] = e.fact;
  if (!e.where.file.empty()) kw["file"] = e.where.file;
  if (e.where.known()) kw["line"] = e.where.line, kw["column"] = e.where.column;
  if (!e.missing.empty()) kw["missing"] = str_list(e.missing);
  if (index) kw["index"] = *index;
  return interned().errors.attr(class_of(e))(e.message, **kw);
}

py::object error_object(const char* cls, const char* code, const std::string& message) {
  py::dict kw;
  kw["code"] = code;
  return interned().errors.attr(cls)(message, **kw);
}

py::object allocation_error(const api::AllocationError& e) {
  py::dict kw;
  kw["code"] = "allocation_error";
  if (e.where.line) kw["line"] = e.where.line, kw["column"] = e.where.column;
  py::object err = interned().errors.attr("AllocationError")(e.to_string("<rows>"), **kw);
  err.attr("field") = e.field;
  err.attr("reason") = e.message;  // without the position, for hosts that name the input themselves
  err.attr("id") = e.id.empty() ? py::object(py::none()) : py::object(py::str(e.id));
  return err;
}

void raise(const py::object& error) {
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  throw py::error_already_set();
}

}  // namespace kuan::python
