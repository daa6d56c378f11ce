// Edition.evaluate_jsonl and evaluate_csv: JSONL or CSV bytes through the
// batch engine (<kuan/batch.hpp>) without the GIL, to exactly the bytes
// `kuan eval --batch` writes for them. Ctrl-C is looked for between the engine's reads (every
// 256 KiB of input): the run stops and KeyboardInterrupt is raised. Only the
// main thread ever sees a signal, so on any other thread (a Dask worker's
// task) the reads never take the GIL: waiting for it there, behind the
// worker's own threads, cost more than the evaluation.
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include "convert.hpp"
#include "handles.hpp"
#include "kuan/batch.hpp"

namespace kuan::python {

namespace {

// Reads up to `room` bytes of the input into `buffer` (0 at its end, −1 on an error).
using Source = std::function<long(char* buffer, std::size_t room)>;

// The batch engine from `source` to `sink` without the GIL; Ctrl-C looked for
// between reads on the main thread; then `check_io` (which raises a reading or
// writing failure of its own), then the engine's refusals raised.
api::BatchSummary run_batch(const PyEdition& e, const Source& source, const std::function<void(std::string_view)>& sink,
                            api::BatchOptions options, int threads, const std::function<void()>& check_io = {}) {
  if (threads < 0) throw py::value_error("threads 须 ≥ 0(0:每个核一个)");
  options.jobs = static_cast<unsigned>(threads);
  bool interrupted = false;
  const bool main_thread = on_main_thread();
  const api::BatchReader read = [&](char* buffer, std::size_t room) -> long {
    if (main_thread) {
      py::gil_scoped_acquire held;
      if (PyErr_CheckSignals() != 0) {  // the error stays set on this thread until raised below
        interrupted = true;
        return -1;
      }
    }
    return source(buffer, room);
  };
  const api::BatchWriter write{sink, {}};
  api::BatchSummary summary;
  {
    py::gil_scoped_release unlocked;
    summary = api::evaluate_batch(e.policy(), e.edition(), read, write, options);
  }
  if (interrupted) throw py::error_already_set();
  if (check_io) check_io();
  if (summary.status == api::BatchStatus::BadHeader) {  // a bad first line, as a bad facts document is
    py::dict kw;
    kw["code"] = "bad_line";
    kw["line"] = summary.line;
    raise(interned().errors.attr("FactError")(summary.message, **kw));
  }
  if (summary.status != api::BatchStatus::Ok && summary.status != api::BatchStatus::BadRecords)
    raise(error_object("KuanError", "batch_error", summary.message));
  if (!summary.warnings.empty()) {
    const py::object warn = py::module_::import("warnings").attr("warn");
    for (const auto& w : summary.warnings) warn(w, py::module_::import("builtins").attr("UserWarning"), 2);
  }
  return summary;
}

py::bytes run_batch(const PyEdition& e, const py::buffer& data, api::BatchOptions options, int threads,
                    const char* name) {
  const py::buffer_info info = data.request();
  if (info.itemsize != 1 || info.ndim != 1 || (info.size > 1 && info.strides[0] != 1))
    throw py::type_error(std::string(name) + " 须用 bytes(或连续的字节缓冲区)");
  const char* const begin = static_cast<const char*>(info.ptr);
  const std::size_t size = static_cast<std::size_t>(info.size);
  std::string out;
  out.reserve(size + size / 4);
  std::size_t at = 0;
  run_batch(
      e,
      [&](char* buffer, std::size_t room) -> long {
        const std::size_t n = std::min(room, size - at);
        std::memcpy(buffer, begin + at, n);
        at += n;
        return static_cast<long>(n);
      },
      [&](std::string_view bytes) { out.append(bytes); }, std::move(options), threads);
  return py::bytes(out);
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File opened(const std::string& path, const char* mode) {
  File f(std::fopen(path.c_str(), mode));
  if (!f) {
    PyErr_SetFromErrnoWithFilename(PyExc_OSError, path.c_str());
    throw py::error_already_set();
  }
  return f;
}

}  // namespace

// A JSONL file through the batch engine into another file, streamed (neither is
// held in memory, nothing crosses into Python): kuan.dask.evaluate's workers.
// Returns (rows written, of them bad records, bytes written).
py::tuple evaluate_file(const PyEdition& e, const std::string& in_path, const std::string& out_path, bool explain,
                        bool pass_through, int threads, const py::object& as_of) {
  api::BatchOptions options;
  options.explain = explain;
  options.pass_through = pass_through;
  options.as_of = as_of_option(e.policy(), as_of);  // before the files are opened: a bad date leaves no output
  File in = opened(in_path, "rb");
  File out = opened(out_path, "wb");
  int read_errno = 0, write_errno = 0;
  std::size_t bytes = 0;
  const auto check_io = [&] {
    if (std::fflush(out.get()) != 0 && !write_errno) write_errno = errno ? errno : EIO;
    for (const auto& [code, path] : {std::pair{read_errno, &in_path}, std::pair{write_errno, &out_path}})
      if (code) {
        errno = code;
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, path->c_str());
        throw py::error_already_set();
      }
  };
  const api::BatchSummary summary = run_batch(
      e,
      [&](char* buffer, std::size_t room) -> long {
        const std::size_t n = std::fread(buffer, 1, room, in.get());
        if (n == 0 && std::ferror(in.get())) {
          read_errno = errno ? errno : EIO;
          return -1;
        }
        return static_cast<long>(n);
      },
      [&](std::string_view piece) {
        if (write_errno) return;
        if (std::fwrite(piece.data(), 1, piece.size(), out.get()) != piece.size()) write_errno = errno ? errno : EIO;
        bytes += piece.size();
      },
      std::move(options), threads, check_io);
  return py::make_tuple(summary.written, summary.bad, bytes);
}

py::bytes evaluate_jsonl(const PyEdition& e, const py::buffer& data, bool explain, bool pass_through, int threads,
                         const py::object& as_of) {
  api::BatchOptions options;
  options.explain = explain;
  options.pass_through = pass_through;
  options.as_of = as_of_option(e.policy(), as_of);
  return run_batch(e, data, std::move(options), threads, "evaluate_jsonl");
}

py::bytes evaluate_csv(const PyEdition& e, const py::buffer& data, const std::string& output, int threads,
                       const py::object& as_of) {
  if (output != "csv" && output != "jsonl") throw py::value_error("output 须为 \"csv\" 或 \"jsonl\"");
  api::BatchOptions options;
  options.as_of = as_of_option(e.policy(), as_of);
  options.input = api::BatchFormat::Csv;
  options.output = output == "csv" ? api::BatchFormat::Csv : api::BatchFormat::Jsonl;
  const py::buffer_info info = data.request();
  // A BOM in, a BOM out (as the command: Excel's CSV stays Excel's).
  options.excel = options.output == api::BatchFormat::Csv && info.size >= 3 && info.itemsize == 1 &&
                  std::memcmp(info.ptr, "\xEF\xBB\xBF", 3) == 0;
  return run_batch(e, data, std::move(options), threads, "evaluate_csv");
}

}  // namespace kuan::python
