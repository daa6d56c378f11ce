// kuan eval — the command-line contract (docs/cli-json.md):
// one application (--facts) or a JSONL batch (--batch); exit 0, or 2 on bad input.
// The evaluation and the batch engine are the library's (include/kuan/batch.hpp);
// here: arguments, files, the terminal's progress line and printing.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "kuan/batch.hpp"
#include "kuan/kuan.hpp"
#include "tools/cli.hpp"
#include "tools/output.hpp"
#include "tools/commands.hpp"
#include "tools/excel_io.hpp"

namespace kuan::cli {

namespace {


int run_single(const api::Edition& ed, const Args& args, bool text_format, bool explain) {
  const std::string* measure = args.option("--measure");
  const std::string* facts_path = args.option("--facts");
  if (!facts_path) {
    std::fputs("kuan eval: 需要 --facts FILE.json(加 --measure NAME 只算一项措施;或用 --batch)\n", stderr);
    return kExitBadInput;
  }
  if (measure && measure->empty()) {
    std::fputs("kuan eval: --measure 不能为空(不写 --measure 则计算事实涉及的全部措施)\n", stderr);
    return kExitBadInput;
  }
  std::string error;
  auto text = read_input(*facts_path, error);
  if (!text) {
    std::fprintf(stderr, "kuan eval: %s\n", error.c_str());
    return kExitBadInput;
  }
  std::string out;
  const auto format = text_format ? api::ResultFormat::Text : api::ResultFormat::Json;
  // --as-of is also the application's date: which measures are in force (施行).
  const std::string* as_of = args.option("--as-of");
  const std::string_view day = as_of ? std::string_view(*as_of) : std::string_view();
  if (auto e = measure ? api::evaluate_facts_json(ed, *measure, *text, explain, format, out, day)
                       : api::evaluate_application_json(ed, *text, explain, format, out, day)) {
    const std::string shown = *facts_path == "-" ? std::string("<stdin>") : printable(*facts_path, 400);
    if (e->line) std::fprintf(stderr, "%s:%zu:%zu: error: %s\n", shown.c_str(), e->line, e->column, e->message.c_str());
    else std::fprintf(stderr, "%s: error: %s\n", shown.c_str(), e->message.c_str());
    return kExitBadInput;
  }
  if (!text_format) out += '\n';
  write_stdout(out);
  return kExitOk;
}

// A file or standard input, read as it comes, results written as they are due;
// on a terminal, a running count of the results (and, for a file, how far and
// the time left) on stderr.
int run_batch(const api::Policy& policy, const api::Edition& ed, const std::string& path, InputText& input,
              api::BatchOptions options, bool progress) {
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t input_size = input.file_size();  // a regular file's, for the time left
  auto last_drawn = started;
  if (progress)
    options.progress = [&](const api::BatchProgress& p) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_drawn < std::chrono::milliseconds(100)) return;
      last_drawn = now;
      const double seconds = std::chrono::duration<double>(now - started).count();  // a rate for people, not money
      std::fprintf(stderr, "\r\x1b[K已计算 %zu 项,%.0f 项/秒,用时 %.1f 秒", p.written, seconds > 0 ? p.written / seconds : 0.0,
                   seconds);
      if (input_size > 0 && p.bytes_read > 0) {  // a file: how far, and the time left at this pace
        const double part = static_cast<double>(p.bytes_read) / static_cast<double>(input_size);
        std::fprintf(stderr, ",%.0f%%,约剩 %.0f 秒", part * 100, part > 0 ? seconds * (1 - part) / part : 0.0);
      }
    };
  // Once standard output has failed nothing more can be delivered: the input
  // ends there (an endless pipe must not keep the batch running), and
  // finish_output reports the loss.
  const api::BatchReader read = [&input](char* buffer, std::size_t size) -> long {
    if (stdout_failed()) return 0;
    return input.read(buffer, size);
  };
  // CSV in Excel's shape: CRLF record ends when asked for (--excel) or when the input had them.
  ExcelCsv shape(false, options.output == api::BatchFormat::Csv && (options.excel || input.crlf()));
  std::string shaped;
  const api::BatchWriter write{[&](std::string_view bytes) {
                                 if (!shape.changes_anything()) {  // JSONL, UTF-8 CSV: the bytes as they are
                                   write_stdout(bytes);
                                   return;
                                 }
                                 shaped.clear();
                                 shape.append(bytes, shaped);
                                 write_stdout(shaped);
                               },
                               [] { std::fflush(stdout); }};
  options.excel = options.excel || input.had_bom();  // a BOM in, a BOM out
  const api::BatchSummary summary = api::evaluate_batch(policy, ed, read, write, options);
  for (const auto& w : summary.warnings) std::fprintf(stderr, "kuan eval: 警告: %s\n", w.c_str());
  switch (summary.status) {
    case api::BatchStatus::BadHeader:
      std::fprintf(stderr, "%s:%zu: error: %s\n", path == "-" ? "<stdin>" : printable(path, 400).c_str(), summary.line,
                   summary.message.c_str());
      return kExitBadInput;
    case api::BatchStatus::BadArgument:
    case api::BatchStatus::Internal:
      std::fprintf(stderr, "kuan eval: %s\n", summary.message.c_str());
      return kExitBadInput;
    default: break;
  }
  if (progress) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "\r\x1b[K已计算 %zu 项,%.0f 项/秒,用时 %.1f 秒\n", summary.written,
                 seconds > 0 ? summary.written / seconds : 0.0, seconds);
  }
  if (summary.status == api::BatchStatus::ReadError) {
    std::fprintf(stderr, "kuan eval: %s: %s\n", path == "-" ? "<stdin>" : printable(path).c_str(),
                 input.error().empty() ? "读取失败" : input.error().c_str());
    return kExitBadInput;
  }
  if (summary.status == api::BatchStatus::BadRecords) {  // the count last, where it is seen after the stream
    std::fprintf(stderr, "kuan eval: %zu 行中有 %zu 行有误\n", summary.written, summary.bad);
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  Args args;
  if (auto done = start_command("eval", argc, argv, args)) return *done;
  if (args.positional.size() != 1) {
    std::fputs("kuan eval: 需要恰好一个 POLICY(见 kuan eval --help)\n", stderr);
    return kExitBadInput;
  }
  const std::string* format = args.option("--format");
  if (format && *format != "json" && *format != "text") {
    std::fprintf(stderr, "kuan eval: --format 只能是 json 或 text,不是 \"%s\"\n", format->c_str());
    return kExitBadInput;
  }
  int open_status = kExitOk;
  auto policy = open_policy(args.positional[0], open_status);
  if (!policy) return open_status;
  std::string error;
  const auto ed = pick_edition(*policy, args, error);
  if (!ed) {
    std::fprintf(stderr, "kuan eval: %s\n", error.c_str());
    return kExitBadInput;
  }
  const bool explain = args.has_flag("--explain");
  if (const std::string* batch = args.option("--batch")) {
    if (args.option("--facts") || args.option("--measure")) {
      std::fputs("kuan eval: --batch 不能与 --facts/--measure 同用(措施写在每一行中)\n", stderr);
      return kExitBadInput;
    }
    if (format && *format == "text") {
      std::fputs("kuan eval: 批量模式只输出 JSONL\n", stderr);
      return kExitBadInput;
    }
    api::BatchOptions options;  // jobs 0: one per core
    if (const std::string* j = args.option("--jobs")) {
      char* end = nullptr;
      const unsigned long v = std::strtoul(j->c_str(), &end, 10);
      if (j->empty() || *end || v < 1 || v > 256) {
        std::fprintf(stderr, "kuan eval: --jobs 须为 1 到 256 的整数,而不是 \"%s\"\n", j->c_str());
        return kExitBadInput;
      }
      options.jobs = static_cast<unsigned>(v);
    }
    // A running count is for people: only when stderr is a terminal.
    const bool progress = isatty(STDERR_FILENO) && !args.has_flag("--no-progress");
    const std::string* encoding = args.option("--encoding");
    const auto input = InputText::open(*batch, encoding ? *encoding : "", error);
    if (!input) {
      std::fprintf(stderr, "kuan eval: %s\n", error.c_str());
      return kExitBadInput;
    }
    // Standard input has no name to tell its format by: its first line does.
    const auto sniffed = sniff_format(args, *batch, *input, error);
    if (!sniffed) {
      std::fprintf(stderr, "kuan eval: %s\n", error.c_str());
      return kExitBadInput;
    }
    const auto in_format = format_of(args, "--in-format", batch, *sniffed, error);
    const auto out_format = in_format ? format_of(args, "--out-format", nullptr, *in_format, error) : std::nullopt;
    if (!out_format) {
      std::fprintf(stderr, "kuan eval: %s\n", error.c_str());
      return kExitBadInput;
    }
    if ((*out_format == api::BatchFormat::Csv && explain) || (*in_format == api::BatchFormat::Csv && args.has_flag("--pass-through"))) {
      std::fputs("kuan eval: --explain 只用于 JSONL 输出;--pass-through 只用于 JSONL 输入\n", stderr);
      return kExitBadInput;
    }
    options.explain = explain;
    options.pass_through = args.has_flag("--pass-through");
    options.input = *in_format;
    options.output = *out_format;
    options.excel = args.has_flag("--excel");
    if (const std::string* as_of = args.option("--as-of")) options.as_of = *as_of;  // 施行 on measures and clauses
    return run_batch(*policy, *ed, *batch, *input, options, progress);
  }
  return run_single(*ed, args, format && *format == "text", explain);
}

}  // namespace kuan::cli
