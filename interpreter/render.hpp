// Results and explanations (the records of kuan/records.hpp, built by
// interpreter/result.hpp) as JSON and as text: the
// one place that defines their shape (docs/cli-json.md). `kuan eval`, its
// batches, the REPL, allocate and the C++ API's to_json all print through it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/csv.hpp"
#include "base/json_string.hpp"
#include "interpreter/result.hpp"

namespace kuan {

// One result as a JSON object (no trailing newline); `id` first when given.
void append_result_json(std::string& out, const api::Evaluation& result, const std::string_view* id = nullptr);
// The result for people, then its explanation when it has one.
void append_result_text(std::string& out, const api::Evaluation& result);
void append_explanation_json(std::string& out, const api::Explanation& explanation);
void append_explanation_text(std::string& out, const api::Explanation& explanation);

// A whole application (api::ApplicationResult) as one JSON object {"id"?, "version",
// "results": [...]} — each eligible or not eligible entry is the result as
// append_result_json writes it with "status" added — and as text, by status.
void append_application_json(std::string& out, const api::ApplicationResult& application, const std::string_view* id = nullptr);
void append_application_text(std::string& out, const api::ApplicationResult& application);

// The same, straight from an outcome (describe_result, then render).
void append_result_json(std::string& out, const Edition& edition, const Outcome& outcome, const std::string* id,
                        const Trace* trace);
void append_result_text(std::string& out, const Edition& edition, const Outcome& outcome, const Trace* trace);
void append_explanation_text(std::string& out, const Edition& edition, const Outcome& outcome, const Trace& trace);

// A measure's 结果 as the "figures" member — `,"figures":{"NAME":"AMOUNT",…}`, in the
// order written — the one shape every JSON output gives them (a result, an allocate
// decision). `name(k)` and `amount(k)` give the k-th figure's name and amount text.
template <class Name, class Amount>
void append_figures_member(std::string& out, std::size_t count, Name name, Amount amount) {
  out += ",\"figures\":{";
  for (std::size_t k = 0; k < count; ++k) {
    if (k) out += ',';
    append_json_string(out, name(k));
    out += ":\"";
    out += amount(k);
    out += '"';
  }
  out += '}';
}

// A measure's 结果 as CSV columns `结果.NAME`, one per figure name of the editions
// added (first written first) — the one shape every CSV output gives them
// (`eval --batch`, `allocate`). A row has its measure's figures in their
// columns and leaves the others empty.
class FigureColumns {
 public:
  FigureColumns() = default;
  explicit FigureColumns(const Edition& edition) { add(edition); }
  void add(const Edition& edition);
  bool empty() const { return names_.empty(); }
  std::size_t size() const { return names_.size(); }
  // ",结果.A,结果.B" (nothing without 结果).
  void append_header(std::string& out) const;
  // A row's cells, each after a comma: `count` figures of `measure`, the k-th
  // amount text `amount(k)` (count 0: every cell empty).
  template <class Amount>
  void append_cells(std::string& out, const ast::MeasureDecl& measure, std::size_t count, Amount amount) const {
    const auto& results = measure.results;
    for (const std::string& column : names_) {
      out += ',';
      for (std::size_t k = 0; k < count && k < results.size(); ++k)
        if (results[k].name == column) {
          out += amount(k);
          break;
        }
    }
  }

 private:
  std::vector<std::string> names_;
};

// A run-time error for people: the message, then (规则位置 file:line:col).
std::string error_text(const EvalError& e);

}  // namespace kuan
