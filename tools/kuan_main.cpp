// The `kuan` command: a thin layer over the library's public façade (include/kuan/).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "kuan/kuan.hpp"
#include "tools/cli.hpp"
#include "tools/output.hpp"

namespace {
const char* kUsage =
    "用法: kuan <命令> [参数]\n"
    "\n"
    "命令:\n"
    "  check POLICY...      检查规则文件;有错误时逐条列出并以状态 1 退出\n"
    "  eval POLICY ...      按规则计算一项申请(--facts)或一批申请(--batch)\n"
    "  test POLICY          运行政策中全部 例,最后一行为 N passed, M failed\n"
    "  measures POLICY      按条款列出措施、计算方式和所需事实\n"
    "  repl [POLICY]        交互式:计算表达式、设定事实、运行措施、试写规则\n"
    "  diff POLICY A B      列出两个版本之间的变化;可按申请比较金额\n"
    "  allocate POLICY ...  同一年度的全部申请一起分配:企业年度累计、名额、资金池按比例\n"
    "  fmt FILE|DIR...      把规则文件改写为统一版式;--check 只检查并给出差异\n"
    "  lsp                  语言服务器(LSP,标准输入输出),供编辑器使用\n"
    "\n"
    "  version              显示 kuan 的版本(亦可 kuan --version)\n"
    "\n"
    "每个命令都有 --help(或 -h)。POLICY 是政策目录(如 policies/hangzhou-ai)或单个 .kuan 文件。\n"
    "命令中的 --version NAME(同 --edition NAME)指政策的版本,如 2025年版;-- 之后的参数一律按位置参数处理。\n";
}

namespace {
int run(int argc, char** argv) {
  if (argc >= 2 && (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "version") || !std::strcmp(argv[1], "-V"))) {
    std::printf("kuan %s\n", kuan::api::version());
    return 0;
  }
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? kuan::cli::kExitBadInput : 0;
  }
  const std::string command = argv[1];
  try {
    if (command == "check") return kuan::cli::cmd_check(argc, argv);
    if (command == "eval") return kuan::cli::cmd_eval(argc, argv);
    if (command == "test") return kuan::cli::cmd_test(argc, argv);
    if (command == "measures") return kuan::cli::cmd_measures(argc, argv);
    if (command == "repl") return kuan::cli::cmd_repl(argc, argv);
    if (command == "diff") return kuan::cli::cmd_diff(argc, argv);
    if (command == "allocate") return kuan::cli::cmd_allocate(argc, argv);
    if (command == "fmt") return kuan::cli::cmd_fmt(argc, argv);
    if (command == "lsp") return kuan::cli::cmd_lsp(argc, argv);
  } catch (const std::exception& e) {
    // Nothing the user supplies should get here; if it does, fail cleanly.
    std::fprintf(stderr, "kuan: 内部错误: %s\n", e.what());
    return 70;
  }
  std::fprintf(stderr, "kuan: 未知命令 \"%s\"\n\n%s", kuan::cli::printable(command).c_str(), kUsage);
  return kuan::cli::kExitBadInput;
}
}  // namespace

int main(int argc, char** argv) {
  // Whatever the command, what it wrote to standard output is checked to the end.
  const int status = run(argc, argv);
  return kuan::cli::finish_output(argc >= 2 ? kuan::cli::printable(argv[1], 40).c_str() : "", status);
}
