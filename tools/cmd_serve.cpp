// kuan serve POLICY_DIR — the policy as an HTTP service beside other systems
// (docs/http-api.md): arguments, the first load, the watcher and the server.
// The routes are tools/serve/service.cpp, the HTTP layer tools/serve/http.cpp.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "tools/cli.hpp"
#include "tools/commands.hpp"
#include "tools/serve/http.hpp"
#include "tools/serve/policy_store.hpp"
#include "tools/serve/service.hpp"

namespace kuan::cli {

namespace {

bool parse_number(const std::string& text, unsigned long long low, unsigned long long high, unsigned long long& out) {
  char* end = nullptr;
  if (text.empty() || text[0] == '-') return false;
  out = std::strtoull(text.c_str(), &end, 10);
  return *end == '\0' && out >= low && out <= high;
}

}  // namespace

int cmd_serve(int argc, char** argv) {
  Args args;
  if (auto done = start_command("serve", argc, argv, args)) return *done;
  if (args.positional.size() != 1) {
    std::fputs("kuan serve: 需要恰好一个 POLICY_DIR(见 kuan serve --help)\n", stderr);
    return kExitBadInput;
  }
  std::string host = "127.0.0.1";
  unsigned long long port = 8181;
  if (const std::string* addr = args.option("--addr")) {
    const std::size_t colon = addr->rfind(':');
    if (colon == std::string::npos || !parse_number(addr->substr(colon + 1), 0, 65535, port)) {
      std::fprintf(stderr, "kuan serve: --addr 须为 HOST:PORT(如 127.0.0.1:8181),而不是 \"%s\"\n", addr->c_str());
      return kExitBadInput;
    }
    host = addr->substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  }
  unsigned long long threads = std::max(1u, std::thread::hardware_concurrency());
  if (const std::string* t = args.option("--threads"); t && !parse_number(*t, 1, 256, threads)) {
    std::fprintf(stderr, "kuan serve: --threads 须为 1 到 256 的整数,而不是 \"%s\"\n", t->c_str());
    return kExitBadInput;
  }
  serve::ServerLimits limits;
  unsigned long long n = 0;
  if (const std::string* b = args.option("--max-body")) {
    if (!parse_number(*b, 1, 1ull << 30, n)) {
      std::fprintf(stderr, "kuan serve: --max-body 须为 1 到 1073741824 的字节数,而不是 \"%s\"\n", b->c_str());
      return kExitBadInput;
    }
    limits.max_body = n;
  }
  if (const std::string* c = args.option("--max-connections")) {
    if (!parse_number(*c, 1, 1'000'000, n)) {
      std::fprintf(stderr, "kuan serve: --max-connections 须为 1 到 1000000 的整数,而不是 \"%s\"\n", c->c_str());
      return kExitBadInput;
    }
    limits.max_connections = n;
  }
  if (const std::string* t = args.option("--read-timeout")) {
    if (!parse_number(*t, 1, 3'600'000, n)) {
      std::fprintf(stderr, "kuan serve: --read-timeout 须为 1 到 3600000 的毫秒数,而不是 \"%s\"\n", t->c_str());
      return kExitBadInput;
    }
    limits.header_timeout = limits.body_timeout = std::chrono::milliseconds(n);
  }
  if (const std::string* t = args.option("--idle-timeout")) {
    if (!parse_number(*t, 1, 3'600'000, n)) {
      std::fprintf(stderr, "kuan serve: --idle-timeout 须为 1 到 3600000 的毫秒数,而不是 \"%s\"\n", t->c_str());
      return kExitBadInput;
    }
    limits.idle_timeout = std::chrono::milliseconds(n);
  }

  serve::PolicyStore store(args.positional[0]);
  if (auto problems = store.load()) {
    std::fputs(problems->c_str(), stderr);
    return kExitRuleErrors;
  }
  serve::Service service(store);
  serve::Server server([&service](const serve::Request& req, serve::Response& res) { service.handle(req, res); }, limits,
                       [&service](unsigned status) { service.metrics().rejected(status); });
  if (const std::string err = server.listen(host, static_cast<std::uint16_t>(port)); !err.empty()) {
    std::fprintf(stderr, "kuan serve: %s\n", err.c_str());
    return kExitBadInput;
  }
  const bool v6 = host.find(':') != std::string::npos;
  std::printf("kuan serve: http://%s%s%s:%u/\n", v6 ? "[" : "", host.c_str(), v6 ? "]" : "", server.port());
  std::fflush(stdout);
  if (args.has_flag("--watch")) store.watch(std::chrono::milliseconds(500));
  server.run(static_cast<unsigned>(threads), true);
  store.stop();
  std::fputs("kuan serve: 已停止\n", stderr);
  return kExitOk;
}

}  // namespace kuan::cli
