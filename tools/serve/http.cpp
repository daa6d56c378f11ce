// The HTTP/1.1 server (tools/serve/http.hpp): one io_context on a pool of
// threads, each connection a Session on its own strand.
#include "tools/serve/http.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

#include <atomic>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace kuan::serve {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

namespace {

class Session;

// What sessions share with the server, apart from the io_context (so that a
// session destroyed with a stopped io_context touches nothing that is gone).
struct Shared {
  Handler handler;
  ServerLimits limits;
  RejectObserver on_reject;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> live{0};
  std::mutex mutex;
  std::set<Session*> sessions;
  std::function<void()> last_closed;  // while stopping, when no session is left
};

// A refusal before the handler: a small JSON body with a stable code.
void refusal(Response& res, http::status status, const char* code, const char* message) {
  res = Response{};
  res.version(11);
  res.result(status);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = std::string("{\"code\":\"") + code + "\",\"error\":\"" + message + "\"}\n";
  res.keep_alive(false);
  res.prepare_payload();
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Shared> shared) : stream_(std::move(socket)), shared_(std::move(shared)) {
    ++shared_->live;
    error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
  }
  ~Session() {
    bool last = false;
    {
      std::lock_guard lock(shared_->mutex);
      shared_->sessions.erase(this);
      last = --shared_->live == 0 && shared_->stopping;
    }
    if (last && shared_->last_closed) shared_->last_closed();
  }

  void start() {
    {
      std::lock_guard lock(shared_->mutex);
      shared_->sessions.insert(this);
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_head(); });
  }

  // The server stops: a connection waiting for a request that has not begun
  // is closed soon (bytes already on their way still arrive); one in the
  // middle of a request finishes it and then closes.
  void stop() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->waiting_ && !(self->parser_ && self->parser_->got_some()) && self->buffer_.size() == 0)
        self->stream_.expires_after(std::chrono::milliseconds(200));
    });
  }

 private:
  const ServerLimits& limits() const { return shared_->limits; }

  void read_head() {
    if (shared_->stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().max_header));
    parser_->body_limit(limits().max_body);
    // A new connection has the head timeout to send its request; a kept-alive
    // one may wait the idle timeout before the next begins.
    stream_.expires_after(served_ == 0 || buffer_.size() ? limits().header_timeout : limits().idle_timeout);
    waiting_ = true;
    http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_head, shared_from_this()));
  }

  void on_head(error_code ec, std::size_t) {
    waiting_ = false;
    if (ec) return on_read_error(ec);
    if (auto length = parser_->content_length(); length && *length > limits().max_body)
      return reject(http::status::payload_too_large, "payload_too_large", "请求体超过上限");
    if (parser_->is_done()) return handle();
    stream_.expires_after(limits().body_timeout);
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                       [self = shared_from_this()](error_code e, std::size_t) {
                         if (e) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    handle();
  }

  void on_read_error(error_code ec) {
    const bool began = parser_ && parser_->got_some();
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || (!began && ec == beast::error::timeout))
      return close();
    if (ec == http::error::body_limit) return reject(http::status::payload_too_large, "payload_too_large", "请求体超过上限");
    if (ec == http::error::header_limit)
      return reject(http::status::request_header_fields_too_large, "header_too_large", "请求头超过上限");
    if (ec == beast::error::timeout) {  // the stream is already closed by its timer: nothing can be answered
      if (shared_->on_reject) shared_->on_reject(408);
      return close();
    }
    reject(http::status::bad_request, "bad_request", "不是有效的 HTTP/1.1 请求");
  }

  void reject(http::status status, const char* code, const char* message) {
    if (shared_->on_reject) shared_->on_reject(static_cast<unsigned>(status));
    refusal(res_, status, code, message);
    write(true);
  }

  void handle() {
    ++served_;
    Request req = parser_->release();
    res_ = Response{};
    res_.version(req.version());
    try {
      shared_->handler(req, res_);
    } catch (const std::exception&) {
      refusal(res_, http::status::internal_server_error, "internal", "内部错误");
    }
    const bool keep = req.keep_alive() && res_.keep_alive() && !shared_->stopping;
    res_.keep_alive(keep);
    res_.prepare_payload();
    write(!keep);
  }

  void write(bool close_after) {
    stream_.expires_after(limits().write_timeout);
    http::async_write(stream_, res_, [self = shared_from_this(), close_after](error_code ec, std::size_t) {
      if (ec || close_after) return self->close();
      self->read_head();
    });
  }

  void close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response res_;
  std::shared_ptr<Shared> shared_;
  bool waiting_ = false;  // for the head of a request
  std::size_t served_ = 0;
};

}  // namespace

struct Server::Impl {
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc};
  net::steady_timer deadline{ioc};
  net::steady_timer retry{ioc};
  std::atomic<bool> running{false};

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      if (ec) {
        if (shared->stopping || ec == net::error::operation_aborted) return;
        retry.expires_after(std::chrono::milliseconds(50));  // e.g. out of descriptors: try again shortly
        retry.async_wait([this](error_code e) {
          if (!e && !shared->stopping) accept();
        });
        return;
      }
      if (shared->live >= shared->limits.max_connections) {
        if (shared->on_reject) shared->on_reject(503);
        static const std::string kBusy = [] {
          const std::string body = "{\"code\":\"too_many_connections\",\"error\":\"连接数已达上限\"}\n";
          return fmt::format(
              "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
              "Connection: close\r\nContent-Length: {}\r\n\r\n{}",
              body.size(), body);
        }();
        error_code ignored;
        net::write(socket, net::buffer(kBusy), ignored);
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), shared)->start();
      }
      accept();
    });
  }

  void begin_stop() {
    if (shared->stopping.exchange(true)) return;
    error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    retry.cancel();
    deadline.expires_after(shared->limits.stop_grace);
    deadline.async_wait([this](error_code ec) {
      if (!ec) ioc.stop();  // what is still in flight after the grace period is cut
    });
    std::vector<std::shared_ptr<Session>> open;
    {
      std::lock_guard lock(shared->mutex);
      for (Session* s : shared->sessions)
        if (auto alive = s->weak_from_this().lock()) open.push_back(std::move(alive));
    }
    for (auto& s : open) s->stop();
    if (shared->live == 0) deadline.cancel();
  }
};

Server::Server(Handler handler, ServerLimits limits, RejectObserver on_reject) : impl_(std::make_shared<Impl>()) {
  impl_->shared->handler = std::move(handler);
  impl_->shared->limits = limits;
  impl_->shared->on_reject = std::move(on_reject);
  Impl* impl = impl_.get();
  impl_->shared->last_closed = [impl] {
    if (impl->running) net::post(impl->ioc, [impl] { impl->deadline.cancel(); });
  };
}

Server::~Server() {
  impl_->running = false;  // sessions destroyed with the io_context must not post to it
}

std::string Server::listen(const std::string& host, std::uint16_t port) {
  error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) return "无效的地址 " + host;
  const tcp::endpoint endpoint(address, port);
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fmt::format("无法在 {}:{} 监听:{}", host, port, ec.message());
  return {};
}

std::uint16_t Server::port() const {
  error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::run(unsigned threads, bool handle_signals) {
  Impl* impl = impl_.get();
  impl->running = true;
  if (handle_signals) {
    impl->signals.add(SIGINT);
    impl->signals.add(SIGTERM);
    impl->signals.async_wait([impl](error_code ec, int) {
      if (!ec) impl->begin_stop();
    });
  }
  impl->accept();
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([impl] { impl->ioc.run(); });
  impl->ioc.run();
  for (auto& t : pool) t.join();
  impl->running = false;
}

void Server::stop() {
  Impl* impl = impl_.get();
  net::post(impl->ioc, [impl] { impl->begin_stop(); });
}

}  // namespace kuan::serve
