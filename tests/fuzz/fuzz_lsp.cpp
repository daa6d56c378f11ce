// `kuan lsp`'s framing and dispatch: the input is the bytes a client sends
// (Content-Length frames with JSON-RPC bodies). The server must answer every
// malformed frame or message with a JSON-RPC error and keep serving, so the
// checks are: it returns (no crash, no exception, no hang), everything it
// writes is well-formed frames of JSON, and a well-formed request appended
// after the input is still answered.
//
// Document paths come from the input. The server never writes a file (it only
// reads regular files, bounded, and lists folders), so any path is harmless;
// relative ones resolve in an empty scratch folder.
#include <unistd.h>

#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_support.hpp"
#include "tools/lsp.hpp"

namespace {

char scratch_folder[] = "/tmp/kuan-fuzz-lsp-XXXXXX";

void enter_scratch_folder() {
  static const bool done = [] {
    if (!mkdtemp(scratch_folder) || chdir(scratch_folder) != 0) kuan::fuzz::fail("setup", "no scratch folder");
    std::atexit([] { (void)rmdir(scratch_folder); });  // empty: the server never writes
    return true;
  }();
  (void)done;
}

// Every frame the server wrote is one JSON-RPC message; when `probe_id` is not
// empty, one of them answers it.
void check_frames(std::string_view out, const std::string& probe_id) {
  bool probe_answered = false;
  while (!out.empty()) {
    constexpr std::string_view kHead = "Content-Length: ";
    if (out.substr(0, kHead.size()) != kHead) kuan::fuzz::fail("lsp-frame", out.substr(0, 200));
    const std::size_t end = out.find("\r\n\r\n");
    if (end == std::string_view::npos) kuan::fuzz::fail("lsp-frame", out.substr(0, 200));
    const std::size_t length = std::strtoull(std::string(out.substr(kHead.size(), end - kHead.size())).c_str(), nullptr, 10);
    if (end + 4 + length > out.size()) kuan::fuzz::fail("lsp-frame-length", out.substr(0, 200));
    const auto body = nlohmann::json::parse(out.substr(end + 4, length), nullptr, false);
    if (body.is_discarded() || !body.is_object() || body.value("jsonrpc", "") != "2.0")
      kuan::fuzz::fail("lsp-body", out.substr(end + 4, length));
    if (body.contains("id") && body["id"] == probe_id) probe_answered = true;
    out.remove_prefix(end + 4 + length);
  }
  if (!probe_id.empty() && !probe_answered && !kuan::fuzz::known("lsp-keeps-serving")) kuan::fuzz::fail("lsp-keeps-serving", "the probe after the input got no answer");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  enter_scratch_folder();
  // After the input: a frame boundary the input may have left open is closed
  // by a body of spaces, then a request that must be answered (unless the
  // input said exit, or claimed more bytes than follow).
  const std::string probe_id = "probe-after-input";
  const std::string probe = R"({"jsonrpc":"2.0","id":")" + probe_id + R"(","method":"textDocument/completion","params":{"textDocument":{"uri":"p.kuan"}}})";
  std::string stream(input);
  stream += "\r\n\r\nContent-Length: " + std::to_string(probe.size()) + "\r\n\r\n" + probe;
  std::istringstream in(stream);
  std::ostringstream out;
  const int status = kuan::cli::serve_lsp(in, out);
  if (status != 0 && status != 1 && status != 2) kuan::fuzz::fail("lsp-status", std::to_string(status));
  // The probe is answered unless the input ended the session (exit) or
  // announced a body that swallows it (a Content-Length header).
  std::string lower(input);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  std::size_t longest_line = 0;  // a header line over the limit ends the session (status 2)
  for (std::size_t from = 0; from <= input.size();) {
    const std::size_t nl = std::min(input.find('\n', from), input.size());
    longest_line = std::max(longest_line, nl - from);
    from = nl + 1;
  }
  const bool may_swallow = lower.find("exit") != std::string::npos || lower.find("length") != std::string::npos ||
                           longest_line >= kuan::cli::kMaxLspHeaderLine;
  check_frames(out.str(), may_swallow ? std::string() : probe_id);
  return 0;
}
