// kuan check POLICY... — every error of every rule file, then exit 1 if any.
#include <cstdio>

#include "lang/checker.hpp"
#include "tools/cli.hpp"

namespace kuan::cli {

int cmd_check(int argc, char** argv) {
  Args args;
  if (auto err = parse_args(argc, argv, 2, {}, {"--help", "--quiet"}, args)) {
    std::fprintf(stderr, "kuan check: %s\n", err->c_str());
    return kExitBadInput;
  }
  if (args.has_flag("--help")) {
    std::puts(
        "用法: kuan check POLICY...\n"
        "检查一个或多个政策目录(或 .kuan 文件):语法、名称、类型与单位、循环定义、未处理的枚举取值、\n"
        "超出 0–100% 的比例字面量;未使用的事实给出警告。\n"
        "每条问题的格式为 文件:行:列: error: 说明,随后是该行原文和指向出错位置的 ^。\n"
        "退出状态:0 没有错误(可能有警告);1 有错误;2 用法错误。\n"
        "  --quiet   没有错误时不输出摘要");
    return kExitOk;
  }
  if (args.positional.empty()) {
    std::fputs("kuan check: 需要至少一个 POLICY(政策目录或 .kuan 文件)\n", stderr);
    return kExitBadInput;
  }
  int errors = 0, warnings = 0;
  for (const auto& path : args.positional) {
    std::vector<Diagnostic> diagnostics;
    auto policy = Policy::load(path, diagnostics);
    print_diagnostics(diagnostics, stderr);
    for (const auto& d : diagnostics) (d.severity == Severity::Error ? errors : warnings) += 1;
    if (policy && !args.has_flag("--quiet")) {
      for (const auto& e : policy->editions()) {
        std::printf("%s: %s 通过检查(%zu 项措施,%zu 个事实,%zu 个参数)", path.c_str(), e->name.c_str(),
                    e->measures.size(), e->facts.size(), e->params.size());
        if (!e->official()) std::printf(";状态 %s:不是正式文本,不按日期选用", e->status_name());
        std::putchar('\n');
      }
    }
  }
  if (errors) std::fprintf(stderr, "%d 个错误,%d 个警告\n", errors, warnings);
  return errors ? kExitRuleErrors : kExitOk;
}

}  // namespace kuan::cli
