// The `kuan` command: a thin layer over the library's public façade (include/kuan/).
// Its subcommands are the rows of one table (tools/commands.cpp).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "kuan/kuan.hpp"
#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/commands.hpp"
#include "tools/output.hpp"

namespace {

int run(int argc, char** argv) {
  using namespace kuan::cli;
  if (argc >= 2 && (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "-V"))) return cmd_version(1, argv);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::fputs(overview().c_str(), argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitBadInput : kExitOk;
  }
  const std::string name = argv[1];
  const Command* command = find_command(name);
  if (!command) {
    // The hint comes first, where it is seen; the overview follows.
    const std::string hint = kuan::api::did_you_mean(name, command_names());
    std::fprintf(stderr, "kuan: 未知命令 \"%s\"%s\n\n%s", printable(name).c_str(), printable(hint, 400).c_str(),
                 overview().c_str());
    return kExitBadInput;
  }
  try {
    return command->run(argc, argv);
  } catch (const std::exception& e) {
    // Nothing the user supplies should get here; if it does, fail cleanly.
    std::fprintf(stderr, "kuan: 内部错误: %s\n", e.what());
    return 70;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Whatever the command, what it wrote to standard output is checked to the end.
  const int status = run(argc, argv);
  return kuan::cli::finish_output(argc >= 2 ? kuan::cli::printable(argv[1], 40).c_str() : "", status);
}
