// kuan allocate — one year's applications decided together (spec "Batch-level
// rules"); a thin layer over the façade's <kuan/allocation.hpp>. Output files
// are written only when the whole input was good, each through OutputFile (a
// temporary file beside it, renamed over it when complete), so a bad line or a
// full disk never leaves a partial year behind.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <variant>

#include <fmt/format.h>

#include "kuan/allocation.hpp"
#include "tools/cli.hpp"
#include "tools/output.hpp"
#include "tools/output_file.hpp"
#include "tools/commands.hpp"
#include "tools/excel_io.hpp"
#include "tools/report_html.hpp"

namespace kuan::cli {

namespace {


// --summary FILE: the same figures as one JSON document.
std::string summary_json(const api::AllocationSummary& s) {
  std::string out = "{\"version\":";
  auto to = std::back_inserter(out);
  append_json_string(out, s.version);
  fmt::format_to(to, ",\"applications\":{},\"measures\":[", s.applications);
  for (std::size_t i = 0; i < s.measures.size(); ++i) {
    const auto& m = s.measures[i];
    out += i ? ",{\"measure\":" : "{\"measure\":";
    append_json_string(out, m.measure);
    fmt::format_to(to, R"(,"applications":{},"eligible":{},"not_selected":{},"amount":"{}","allocated":"{}"}})",
                   m.applications, m.eligible, m.not_selected, m.amount, m.allocated);
  }
  out += "],\"pools\":[";
  for (std::size_t i = 0; i < s.pools.size(); ++i) {
    const auto& p = s.pools[i];
    out += i ? ",{\"pool\":" : "{\"pool\":";
    append_json_string(out, p.pool);
    out += ",\"measures\":[";
    for (std::size_t k = 0; k < p.measures.size(); ++k) {
      if (k) out += ',';
      append_json_string(out, p.measures[k]);
    }
    fmt::format_to(to, R"(],"amount":"{}","applications":{},"requested":"{}","allocated":"{}","scaled":{})", p.amount,
                   p.applications, p.requested, p.allocated, p.scaled);
    if (p.scaled) fmt::format_to(to, R"(,"pro_rata":"{}","remainder_cents":{})", p.pro_rata, p.remainder_cents);
    out += '}';
  }
  out += "],\"quotas\":[";
  for (std::size_t i = 0; i < s.quotas.size(); ++i) {
    const auto& q = s.quotas[i];
    out += i ? ",{\"measure\":" : "{\"measure\":";
    append_json_string(out, q.measure);
    fmt::format_to(to, R"(,"quota":{},"candidates":{},"funded":{},"cutoff_score":)", q.quota, q.candidates, q.funded);
    if (q.cutoff_score.empty()) out += "null";
    else append_json_string(out, q.cutoff_score);
    if (!q.per.empty()) out += ",\"per\":", append_json_string(out, q.per);
    out += '}';
  }
  return out + "]}\n";
}


// The summary for people (stderr).
std::string summary_text(const api::AllocationSummary& s) {
  std::string out = fmt::format("分配汇总({}):{} 项申请\n", s.version, s.applications);
  auto to = std::back_inserter(out);
  for (const auto& m : s.measures) {
    fmt::format_to(to, "  措施 {}:申请 {} 项,适用 {} 项", m.measure, m.applications, m.eligible);
    if (m.not_selected) fmt::format_to(to, ",名额外未入选 {} 项", m.not_selected);
    fmt::format_to(to, ";金额合计 {} 元,分配合计 {} 元\n", m.amount, m.allocated);
  }
  for (const auto& q : s.quotas)
    fmt::format_to(to, "  名额 {}:每年 {}{} 个,候选 {} 项,入选 {} 项\n", q.measure, q.per.empty() ? "" : "每个" + q.per + " ",
                   q.quota, q.candidates, q.funded);
  for (const auto& p : s.pools) {
    fmt::format_to(to, "  资金池 {}:额度 {} 元,适用申请 {} 项,金额合计 {} 元,", p.pool, p.amount, p.applications, p.requested);
    if (p.scaled)
      fmt::format_to(to, "超出额度,按 {} 同比例分配(向下取整到分,余下 {} 分按最大余数逐分补足)", p.pro_rata, p.remainder_cents);
    else
      out += "未超出额度,金额不变";
    fmt::format_to(to, ",分配合计 {} 元\n", p.allocated);
  }
  return out;
}


// A one-line bar on stderr, redrawn at most ten times a second.
class ProgressBar {
 public:
  ProgressBar(bool on, std::uint64_t input_bytes) : on_(on), total_(input_bytes) {}
  void update(const api::AllocationProgress& p) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.pass == 2 && p.records == p.total_records;
    if (!last && now - drawn_ < std::chrono::milliseconds(100)) return;
    drawn_ = now;
    double fraction = -1;
    if (p.pass == 1 && total_) fraction = static_cast<double>(p.bytes) / static_cast<double>(total_);
    if (p.pass == 2 && p.total_records) fraction = static_cast<double>(p.records) / static_cast<double>(p.total_records);
    std::string bar = p.pass == 1 ? "读取并计算 " : "写出结果   ";
    if (fraction >= 0) {
      const int filled = static_cast<int>(std::min(1.0, fraction) * 30);
      fmt::format_to(std::back_inserter(bar), "[{:#<{}}{:.<{}}] {}% ", "", filled, "", 30 - filled,
                     static_cast<int>(std::min(1.0, fraction) * 100));
    }
    fmt::format_to(std::back_inserter(bar), "{} 项", p.records);
    std::fprintf(stderr, "\r%s\033[K", bar.c_str());
    shown_ = true;
  }
  void clear() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
  }

 private:
  bool on_;
  std::uint64_t total_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point drawn_{};
};

}  // namespace

int cmd_allocate(int argc, char** argv) {
  Args args;
  if (auto done = start_command("allocate", argc, argv, args)) return *done;
  if (args.positional.size() != 1) {
    std::fputs("kuan allocate: 需要恰好一个 POLICY(见 kuan allocate --help)\n", stderr);
    return kExitBadInput;
  }
  const std::string in_path = args.option("--in") ? *args.option("--in") : "-";
  const std::string* out_path = args.option("--out");
  std::string error;
  const std::string* encoding = args.option("--encoding");
  const auto input = InputText::open(in_path, encoding ? *encoding : "", error);
  if (!input) {
    std::fprintf(stderr, "kuan allocate: %s\n", error.c_str());
    return kExitBadInput;
  }
  const auto sniffed = sniff_format(args, in_path, *input, error);  // standard input: by its first line
  const auto in_csv = sniffed ? wants_csv(args, "--in-format", &in_path, *sniffed == api::BatchFormat::Csv, error) : std::nullopt;
  const auto out_csv = in_csv ? wants_csv(args, "--out-format", out_path, *in_csv, error) : std::nullopt;
  if (!out_csv) {
    std::fprintf(stderr, "kuan allocate: %s\n", error.c_str());
    return kExitBadInput;
  }
  // An output naming the input (or another output) would destroy what is read: refused before reading.
  for (const char* option : {"--out", "--summary", "--report"}) {
    const std::string* path = args.option(option);
    if (!path) continue;
    const char* clash = same_file(in_path, *path) ? "--in" : nullptr;
    if (!clash && args.option("--opening") && same_file(*args.option("--opening"), *path)) clash = "--opening";
    for (const char* other : {"--out", "--summary", "--report"})
      if (!clash && std::strcmp(other, option) < 0 && args.option(other) &&
          (*args.option(other) == *path || same_file(*args.option(other), *path)))
        clash = other;
    if (clash) {
      std::fprintf(stderr, "kuan allocate: %s 与 %s 是同一个文件(%s),未读取也未写出任何内容\n", option, clash,
                   printable(*path).c_str());
      return kExitBadInput;
    }
  }
  const auto format = [](bool csv) { return csv ? api::AllocationFormat::Csv : api::AllocationFormat::Jsonl; };
  const api::AllocationFormat out_format = format(*out_csv);
  int open_status = kExitOk;
  auto policy = open_policy(args.positional[0], open_status);
  if (!policy) return open_status;
  const auto ed = pick_edition(*policy, args, error);
  if (!ed) {
    std::fprintf(stderr, "kuan allocate: %s\n", error.c_str());
    return kExitBadInput;
  }
  auto created = api::Allocator::create(*ed, format(*in_csv));
  if (auto* e = std::get_if<api::AllocationError>(&created)) {
    std::fprintf(stderr, "kuan allocate: %s\n", e->message.c_str());
    return kExitBadInput;
  }
  api::Allocator& allocator = std::get<api::Allocator>(created);
  allocator.set_carry_stated(args.has_flag("--carry-stated"));
  // --as-of is also the applications' date (施行 on measures and clauses) for
  // lines without their own as_of, as in eval --batch.
  if (const std::string* as_of = args.option("--as-of"))
    if (auto e = allocator.set_as_of(*as_of)) {
      std::fprintf(stderr, "kuan allocate: --as-of: %s\n", e->message.c_str());
      return kExitBadInput;
    }

  // --opening FILE: each applicant's usage before this run (期初余额), read first.
  if (const std::string* opening_path = args.option("--opening")) {
    const auto opening = InputText::open(*opening_path, encoding ? *encoding : "", error);
    if (!opening) {
      std::fprintf(stderr, "kuan allocate: --opening: %s\n", error.c_str());
      return kExitBadInput;
    }
    const bool csv = opening_path->size() >= 4 && opening_path->compare(opening_path->size() - 4, 4, ".csv") == 0;
    std::istream opening_in(&opening->buffer());
    auto bad = allocator.read_opening(opening_in, format(csv));
    if (!bad && !opening->error().empty()) bad = api::AllocationError{{}, "", "", opening->error()};
    if (bad) {
      std::fprintf(stderr, "%s\n", bad->to_string(*opening_path == "-" ? "<stdin>" : printable(*opening_path, 400)).c_str());
      std::fprintf(stderr, "kuan allocate: 期初余额有误,未分配,也未写出任何结果%s\n",
                   out_path ? ("(" + *out_path + " 保持不变)").c_str() : "");
      return kExitBadInput;
    }
  }

  // Pass 1: read, evaluate, quotas, pools. Nothing is written before it ends well.
  const std::uint64_t size = input->file_size();
  std::istream in(&input->buffer());
  // The bar is for people: only on a terminal, and only when the input is large.
  const bool tty = isatty(STDERR_FILENO) && !args.has_flag("--no-progress");
  ProgressBar bar(tty && (size >= (8u << 20) || in_path == "-"), size);
  auto progress = [&](const api::AllocationProgress& p) {
    if (in_path != "-" || p.records >= 100000 || p.pass == 2) bar.update(p);
  };
  auto e = allocator.read(in, progress);
  if (!e && !input->error().empty()) e = api::AllocationError{{}, "", "", input->error()};
  if (e) {
    bar.clear();
    std::fprintf(stderr, "%s\n", e->to_string(in_path == "-" ? "<stdin>" : printable(in_path, 400)).c_str());
    std::fprintf(stderr, "kuan allocate: 输入有误,未分配,也未写出任何结果%s\n",
                 out_path ? ("(" + *out_path + " 保持不变)").c_str() : "");
    return kExitBadInput;
  }

  // Pass 2: the decisions, into a temporary file renamed over OUT at the end.
  // CSV in Excel's shape (a BOM, CRLF) when asked for or when the input had it.
  const bool excel = args.has_flag("--excel");
  const ExcelCsv shape(*out_csv && (excel || input->had_bom()), *out_csv && (excel || input->crlf()));
  auto write_to = [&](std::ostream& out) {
    if (!shape.changes_anything()) return allocator.write(out, out_format, progress);
    ExcelCsvStreambuf shaped_buf(*out.rdbuf(), shape);
    std::ostream shaped(&shaped_buf);
    return allocator.write(shaped, out_format, progress) && static_cast<bool>(shaped.flush());
  };
  if (!out_path || *out_path == "-") {
    std::ios::sync_with_stdio(false);
    if (!write_to(std::cout) || !std::cout.flush()) {
      bar.clear();
      std::fputs("kuan allocate: 无法写出标准输出,结果不完整\n", stderr);
      return kExitCannotWrite;
    }
  } else {
    auto out = OutputFile::open(*out_path, OutputFile::Special::WriteInto, error);
    const bool ok = out && write_to(out->stream()) && out->commit(error);
    if (!ok) {
      bar.clear();
      std::fprintf(stderr, "kuan allocate: %s\n", error.empty() ? ("无法写出 " + printable(*out_path)).c_str() : error.c_str());
      return kExitCannotWrite;
    }
  }
  bar.clear();

  const api::AllocationSummary& summary = allocator.summary();
  for (const auto& w : summary.warnings) std::fprintf(stderr, "kuan allocate: 警告: %s\n", w.c_str());
  if (const std::string* path = args.option("--report")) {
    const std::string page = allocation_report_html(summary, ed->policy_name(), in_path == "-" ? "<stdin>" : in_path);
    if (!replace_file(*path, page, OutputFile::Special::WriteInto, error)) {
      std::fprintf(stderr, "kuan allocate: 报告:%s\n", error.c_str());
      return kExitCannotWrite;
    }
  }
  if (const std::string* path = args.option("--summary")) {
    if (!replace_file(*path, summary_json(summary), OutputFile::Special::WriteInto, error)) {
      std::fprintf(stderr, "kuan allocate: 汇总:%s\n", error.c_str());
      return kExitCannotWrite;
    }
  } else {
    std::fputs(summary_text(summary).c_str(), stderr);
  }
  return kExitOk;
}

}  // namespace kuan::cli
