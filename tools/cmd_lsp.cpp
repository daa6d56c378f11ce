// kuan lsp — the language server (tools/lsp_server.cpp) over standard input and output.
#include <iostream>

#include "tools/cli.hpp"
#include "tools/commands.hpp"
#include "tools/lsp.hpp"

namespace kuan::cli {

int cmd_lsp(int argc, char** argv) {
  Args args;
  if (auto done = start_command("lsp", argc, argv, args)) return *done;
  std::ios::sync_with_stdio(false);
  return serve_lsp(std::cin, std::cout);
}

}  // namespace kuan::cli
