// kuan::api::Session (include/kuan/session.hpp) over the REPL's session
// (services/session.hpp); input_status over the parser's.
#include "kuan/session.hpp"

#include "api/handles.hpp"
#include "services/session.hpp"
#include "interpreter/result.hpp"
#include "lang/parser.hpp"

namespace kuan::api {

namespace detail {
struct SessionData {
  ::kuan::repl::Session session;
  // A session used before open() starts from the empty edition in memory.
  ::kuan::repl::Session& opened() {
    if (!session.opened()) session.open(std::nullopt, {});
    return session;
  }
};
}  // namespace detail

namespace {

EntryKind kind_of(::kuan::repl::Kind k) {
  switch (k) {
    case ::kuan::repl::Kind::Nothing: return EntryKind::Nothing;
    case ::kuan::repl::Kind::Value: return EntryKind::Value;
    case ::kuan::repl::Kind::FactSet: return EntryKind::FactSet;
    case ::kuan::repl::Kind::Declared: return EntryKind::Declared;
    case ::kuan::repl::Kind::Result: return EntryKind::Result;
    case ::kuan::repl::Kind::Explanation: return EntryKind::Explanation;
    case ::kuan::repl::Kind::Command: return EntryKind::Command;
    case ::kuan::repl::Kind::Error: return EntryKind::Error;
  }
  return EntryKind::Nothing;
}

SessionReply to_public(::kuan::repl::Reply r) {
  SessionReply out;
  out.text = std::move(r.out);
  out.ok = r.ok;
  out.quit = r.quit;
  out.kind = kind_of(r.kind);
  if (r.run) {
    const bool explained = r.kind == ::kuan::repl::Kind::Explanation;
    out.evaluation = ::kuan::describe_result(*r.run->edition, r.run->outcome, explained ? &r.run->trace : nullptr);
  }
  return out;
}

SessionReply internal_error(const char* what) {
  SessionReply out;
  out.text = std::string("内部错误:") + what + "\n";
  out.ok = false;
  out.kind = EntryKind::Error;
  out.code = ErrorCode::Internal;
  return out;
}

// Nothing throws to the host: out of memory and the like become an error reply.
template <typename F>
SessionReply guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return internal_error(e.what());
  } catch (...) {
    return internal_error("未知异常");
  }
}

}  // namespace

InputStatus input_status(std::string_view text) {
  switch (::kuan::input_status(text)) {
    case ::kuan::InputStatus::Complete: return InputStatus::Complete;
    case ::kuan::InputStatus::Incomplete: return InputStatus::Incomplete;
    case ::kuan::InputStatus::Invalid: return InputStatus::Invalid;
  }
  return InputStatus::Invalid;
}

Session::Session() : d_(std::make_unique<detail::SessionData>()) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

SessionReply Session::open(const SessionOptions& options) {
  return guarded([&] {
    bool bad_input = false;
    SessionReply out = to_public(d_->session.open(options.policy, {options.version, options.as_of}, &bad_input));
    if (!out.ok) out.code = bad_input ? ErrorCode::InvalidArgument : ErrorCode::RuleErrors;
    return out;
  });
}

SessionReply Session::feed(std::string_view line) {
  return guarded([&] { return to_public(d_->opened().feed(line)); });
}

std::vector<SessionReply> Session::feed_lines(const std::vector<std::string>& lines) {
  try {
    std::vector<SessionReply> out;
    out.reserve(lines.size());
    for (auto& r : d_->opened().feed_lines(lines)) out.push_back(to_public(std::move(r)));
    return out;
  } catch (const std::exception& e) {
    return std::vector<SessionReply>(lines.size(), internal_error(e.what()));
  } catch (...) {
    return std::vector<SessionReply>(lines.size(), internal_error("未知异常"));
  }
}

bool Session::pending() const noexcept { return d_->session.pending(); }
void Session::cancel_pending() noexcept { d_->session.cancel_pending(); }

std::vector<std::string> Session::completions(std::string_view prefix) const {
  try {
    std::vector<std::string> out;
    for (auto& w : d_->opened().completion_words())
      if (w.compare(0, prefix.size(), prefix) == 0) out.push_back(std::move(w));
    return out;
  } catch (...) {
    return {};
  }
}

std::string Session::banner() const { return d_->opened().banner(); }
std::string Session::inline_source() const { return d_->session.inline_source(); }
std::string Session::edition_name() const { return d_->opened().edition().name; }

}  // namespace kuan::api
