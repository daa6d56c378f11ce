// The HTTP/1.1 server under `kuan serve` (Boost.Beast on Asio): keep-alive,
// a pool of threads running one io_context, and the limits a service beside
// other systems needs — body size (413), header size (431), header and body
// read timeouts, an idle timeout between requests, a cap on connections
// (503), 400 for malformed requests, graceful stop (in-flight requests are
// answered, idle connections closed). It knows nothing of Kuan: a Handler
// turns each request into a response.
#pragma once

#include <boost/beast/http.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kuan::serve {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct ServerLimits {
  std::size_t max_body = 8u << 20;      // bytes of a request body (413 beyond)
  std::size_t max_header = 16u << 10;   // bytes of the request line and headers (431 beyond)
  std::size_t max_connections = 1024;   // open at once; more get 503 and are closed
  std::chrono::milliseconds header_timeout{10'000};  // to receive a request's head, once it has begun
  std::chrono::milliseconds body_timeout{30'000};    // to receive its body
  std::chrono::milliseconds idle_timeout{60'000};    // between requests on a keep-alive connection
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds stop_grace{10'000};      // stop(): how long in-flight requests may take
};

// Called on the server's threads, concurrently: it must be thread-safe.
using Handler = std::function<void(const Request& request, Response& response)>;
// A request refused before it reached the handler (400, 413, 431, 503, 408).
using RejectObserver = std::function<void(unsigned status)>;

class Server {
 public:
  Server(Handler handler, ServerLimits limits, RejectObserver on_reject = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds; port 0 picks a free one. Returns an error message, or "" when bound.
  std::string listen(const std::string& host, std::uint16_t port);
  std::uint16_t port() const;
  // Serves on `threads` threads until stop() (or SIGTERM/SIGINT when
  // `handle_signals`); returns once every connection is closed.
  void run(unsigned threads, bool handle_signals);
  // Stops accepting, answers what is in flight, closes idle connections.
  // Callable from any thread.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace kuan::serve
