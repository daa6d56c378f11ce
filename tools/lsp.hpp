// kuan lsp's server, apart from the command so that a fuzz target
// (tests/fuzz/fuzz_lsp.cpp) can drive its framing and dispatch.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>

namespace kuan::cli {

// Limits of the transport, checked before anything is allocated for a message
// (docs/language.md「限制」): a message's body (a 16 MiB rule file, escaped),
// one header line, header lines per message, nesting in a body.
inline constexpr std::size_t kMaxLspMessage = std::size_t{64} << 20;
inline constexpr std::size_t kMaxLspHeaderLine = 8192;
inline constexpr int kMaxLspHeaders = 32;
inline constexpr int kMaxLspNesting = 256;  // arrays and objects within one another in a body

// Serves the Language Server Protocol over `in`/`out` (Content-Length frames)
// until `exit` or the end of `in`. Returns the exit status: 0 after
// shutdown, 1 without it, 2 when a header line had no end within
// kMaxLspHeaderLine bytes (the frames are lost), 74 when `out` failed.
int serve_lsp(std::istream& in, std::ostream& out);

}  // namespace kuan::cli
