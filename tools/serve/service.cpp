// The routes of `kuan serve` (tools/serve/service.hpp).
#include "tools/serve/service.hpp"

#include <chrono>
#include <cstring>
#include <iterator>
#include <string_view>

#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

#include "kuan/batch.hpp"
#include "kuan/tooling.hpp"
#include "tools/cli.hpp"
#include "tools/serve/page.hpp"

namespace kuan::serve {

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kNdjson = "application/x-ndjson; charset=utf-8";

// "%E7%89%88" → bytes; '+' is a space (form encoding). Bad escapes stay as written.
std::string url_decode(std::string_view s) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value of `name` in a query string, decoded; nullopt when absent.
std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (url_decode(pair.substr(0, eq)) == name) return eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

void reply(Response& res, http::status status, const char* type, std::string body) {
  res.result(status);
  res.set(http::field::content_type, type);
  res.body() = std::move(body);
}

// An error of the request itself, shaped like a batch error row: {"code","error"}.
void reply_error(Response& res, http::status status, const char* code, std::string_view message) {
  std::string body = "{\"code\":\"";
  body += code;
  body += "\",\"error\":";
  api::append_json_string(body, message);
  body += "}\n";
  reply(res, status, kJson, std::move(body));
}

// A media type is case-insensitive and may have white space before its
// parameters (RFC 9110 8.3.1): "Application/X-NDJSON ; charset=utf-8" is NDJSON.
bool is_ndjson(const Request& req) {
  const auto type = req[http::field::content_type];
  std::string_view t(type.data(), type.size());
  t = t.substr(0, t.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return boost::beast::iequals(boost::beast::string_view(t.data(), t.size()), "application/x-ndjson");
}

// The edition a line without "version"/"as_of" is computed with: the one in
// force today (China Standard Time), else the latest — as `kuan eval` chooses.
api::Edition default_edition(const api::Policy& policy) { return cli::default_edition(policy); }

void health_json(const StoreHealth& h, std::string& out) {
  out += "{\"status\":";
  out += h.problems.empty() ? "\"ok\"" : "\"degraded\"";
  out += ",\"fingerprint\":";
  api::append_json_string(out, h.current ? h.current->fingerprint : "");
  out += ",\"editions\":[";
  if (h.current) {
    bool first = true;
    for (const auto& ed : h.current->policy.editions()) {
      if (!first) out += ',';
      first = false;
      api::append_json_string(out, ed.name());
    }
  }
  out += "],\"loaded_at\":";
  api::append_json_string(out, h.current ? h.current->loaded_at : "");
  out += ",\"errors\":[";
  bool first = true;
  for (const auto& d : h.problems) {
    if (d.severity != api::Severity::Error) continue;
    if (!first) out += ',';
    first = false;
    cli::append_diagnostic_json(out, d);
  }
  out += ']';
  if (!h.problems.empty()) {
    out += ",\"failed_fingerprint\":";
    api::append_json_string(out, h.failed_fingerprint);
    out += ",\"failed_at\":";
    api::append_json_string(out, h.failed_at);
    out += ",\"rendered\":";
    api::append_json_string(out, h.rendered_problems);
  }
  out += "}\n";
}

void editions_json(const api::Policy& policy, std::string& out) {
  out += "{\"editions\":[";
  bool first = true;
  for (const auto& ed : policy.editions()) {
    if (!first) out += ',';
    first = false;
    const api::EditionOutline o = api::outline(ed);
    out += "{\"policy\":";
    api::append_json_string(out, ed.policy_name());
    out += ",\"edition\":";
    api::append_json_string(out, ed.name());
    out += ",\"status\":";
    api::append_json_string(out, o.status);
    out += ",\"effective_from\":";
    api::append_json_string(out, ed.effective_from());
    out += ",\"effective_to\":";
    if (ed.effective_to()) api::append_json_string(out, *ed.effective_to());
    else out += "null";
    fmt::format_to(std::back_inserter(out), ",\"measures\":{}}}", ed.measures().size());
  }
  out += "],\"default\":";
  api::append_json_string(out, default_edition(policy).name());
  out += "}\n";
}

}  // namespace

void Service::handle(const Request& req, Response& res) {
  const auto started = std::chrono::steady_clock::now();
  const std::string_view target(req.target().data(), req.target().size());
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  const auto method = req.method();
  std::string_view route = "(other)";
  const auto policy_now = store_.current();  // this request's policy, whatever reloads meanwhile
  const Loaded& loaded = *policy_now;

  auto evaluate = [&](bool whole) {
    res.set("Kuan-Fingerprint", loaded.fingerprint);
    const api::Edition ed = default_edition(loaded.policy);
    api::BatchOptions options;
    options.whole_application = whole;
    options.jobs = 1;  // the server's threads are the parallelism
    options.tally = [this](std::string_view measure, std::string_view outcome) { metrics_.evaluation(measure, outcome); };
    const std::string& body = req.body();
    if (is_ndjson(req)) {
      std::size_t offset = 0;
      std::string out;
      const api::BatchReader read = [&](char* buffer, std::size_t size) -> long {
        const std::size_t n = std::min(size, body.size() - offset);
        std::memcpy(buffer, body.data() + offset, n);
        offset += n;
        return static_cast<long>(n);
      };
      const api::BatchWriter write{[&](std::string_view bytes) { out.append(bytes); }, {}};
      const api::BatchSummary s = api::evaluate_batch(loaded.policy, ed, read, write, options);
      if (s.status == api::BatchStatus::Internal || s.status == api::BatchStatus::BadArgument)
        return reply_error(res, http::status::internal_server_error, "internal", s.message);
      return reply(res, http::status::ok, kNdjson, std::move(out));
    }
    std::string_view line(body);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.find('\n') != std::string_view::npos)
      return reply_error(res, http::status::bad_request, "bad_line",
                         "请求体有多行:一次提交多项申请请用 Content-Type: application/x-ndjson");
    std::string out;
    const bool ok = api::evaluate_batch_line(loaded.policy, ed, line, 1, options, out);
    reply(res, ok ? http::status::ok : http::status::bad_request, kJson, std::move(out));
  };

  if (path == "/v1/evaluate" || path == "/v1/match") {
    route = path;
    if (method != http::verb::post) {
      res.set(http::field::allow, "POST");
      reply_error(res, http::status::method_not_allowed, "method_not_allowed", "只接受 POST");
    } else {
      evaluate(path == "/v1/match");
    }
  } else if (method != http::verb::get) {
    route = path == "/health" || path == "/metrics" || path == "/v1/measures" || path == "/v1/editions" || path == "/"
                ? path
                : "(other)";
    res.set(http::field::allow, "GET");
    reply_error(res, route == "(other)" ? http::status::not_found : http::status::method_not_allowed,
                route == "(other)" ? "not_found" : "method_not_allowed",
                route == "(other)" ? "没有这个地址" : "只接受 GET");
  } else if (path == "/health") {
    route = path;
    std::string out;
    const StoreHealth h = store_.health();
    health_json(h, out);
    res.set("Kuan-Fingerprint", loaded.fingerprint);
    reply(res, http::status::ok, kJson, std::move(out));
  } else if (path == "/metrics") {
    route = path;
    reply(res, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
          metrics_.render(store_.reloads(), store_.reload_failures()));
  } else if (path == "/v1/measures") {
    route = path;
    std::string out = "{\"editions\":[";
    const auto version = query_value(query, "version");
    const auto ed = version ? loaded.policy.edition(*version) : api::Result<api::Edition>(default_edition(loaded.policy));
    if (!ed) {
      reply_error(res, http::status::not_found, ed.error().kind(), ed.error().message);
    } else if (version) {
      cli::append_edition_json(*ed, out);
    } else {
      bool first = true;
      for (const auto& each : loaded.policy.editions()) {
        if (!first) out += ',';
        first = false;
        cli::append_edition_json(each, out);
      }
    }
    if (ed) {
      out += "]}\n";
      res.set("Kuan-Fingerprint", loaded.fingerprint);
      reply(res, http::status::ok, kJson, std::move(out));
    }
  } else if (path == "/v1/editions") {
    route = path;
    std::string out;
    editions_json(loaded.policy, out);
    res.set("Kuan-Fingerprint", loaded.fingerprint);
    reply(res, http::status::ok, kJson, std::move(out));
  } else if (path == "/" || path == "/index.html") {
    route = "/";
    res.set(http::field::cache_control, "no-store");
    reply(res, http::status::ok, "text/html; charset=utf-8", std::string(officer_page()));
  } else {
    reply_error(res, http::status::not_found, "not_found", "没有这个地址");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.request(route, res.result_int(), seconds);
}

}  // namespace kuan::serve
