// Loading, fingerprinting and reloading the served policy (tools/serve/policy_store.hpp).
#include "tools/serve/policy_store.hpp"

#include "kuan/tooling.hpp"  // kMaxRuleFileBytes

#include <boost/uuid/detail/sha1.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace kuan::serve {

namespace fs = std::filesystem;

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Hashes the file's name, its size and its bytes. False when it cannot be read
// now, or is no longer a regular file (a FIFO put there would block the watcher).
// The loader reads a rule file to at most one byte past its limit
// (api::kMaxRuleFileBytes), and so does the fingerprint, streamed into the hash: a
// huge or endless file in the folder costs no more at every poll than a big one (it
// was read whole into memory: a 20 GB sparse file, 20 GB twice a second).
bool hash_file(boost::uuids::detail::sha1& sha, const std::string& name, const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (ok) {
    const std::string head = name + '\0' + std::to_string(st.st_size) + '\0';
    sha.process_bytes(head.data(), head.size());
    char buf[1 << 16];
    for (std::size_t total = 0; total <= api::kMaxRuleFileBytes;) {
      const ssize_t n = ::read(fd, buf, std::min(sizeof buf, api::kMaxRuleFileBytes + 1 - total));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok = n == 0;
        break;
      }
      sha.process_bytes(buf, static_cast<std::size_t>(n));
      total += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

PolicyStore::PolicyStore(std::string path) : path_(std::move(path)) {}

PolicyStore::~PolicyStore() { stop(); }

// The rule files as the loader finds them (every .kuan file under the folder,
// or the one file), hashed in a fixed order: the same bytes give the same
// fingerprint on any machine.
std::optional<PolicyStore::Snapshot> PolicyStore::snapshot() const {
  std::error_code ec;
  const fs::path root(path_);
  std::vector<std::pair<std::string, fs::path>> files;
  boost::uuids::detail::sha1 sha;
  if (!fs::exists(root, ec) && !ec) {
    // The folder (or file) is gone — deleted, or a mount lost: a state of its own,
    // so the reload is tried, fails with the loader's words, and /health says so
    // while the last good policy serves (not "ok" on files that are not there).
    sha.process_bytes("\0missing", 8);
  } else if (fs::is_regular_file(root, ec)) {
    files.emplace_back(root.filename().string(), root);
  } else {
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) return std::nullopt;
    for (; it != end; it.increment(ec)) {
      if (ec) return std::nullopt;
      if (it->is_regular_file(ec) && it->path().extension() == ".kuan")
        files.emplace_back(fs::relative(it->path(), root, ec).generic_string(), it->path());
    }
  }
  std::sort(files.begin(), files.end());
  Snapshot snap;
  for (const auto& [name, p] : files) {
    if (!hash_file(sha, name, p)) return std::nullopt;  // changing under us: try again at the next poll
    snap.files.push_back(name);
  }
  boost::uuids::detail::sha1::digest_type digest;
  sha.get_digest(digest);
  char hex[41];
  for (int i = 0; i < 5; ++i) std::snprintf(hex + 8 * i, 9, "%08x", digest[i]);
  snap.fingerprint.assign(hex, 40);
  return snap;
}

// Loads the folder; keeps the result only if the files did not change while
// it was being read (else the fingerprint would not name what is served).
bool PolicyStore::try_load(const Snapshot& before) {
  api::LoadResult loaded = api::Policy::load(path_);
  const auto after = snapshot();
  if (!after || after->fingerprint != before.fingerprint) return false;  // mid-edit: the next poll sees the rest
  std::lock_guard lock(mutex_);
  if (!loaded) {
    failed_.problems = loaded.diagnostics;
    failed_.rendered_problems = loaded.rendered();
    failed_.failed_fingerprint = before.fingerprint;
    failed_.failed_at = utc_now();
    return true;
  }
  current_ = std::make_shared<const Loaded>(Loaded{*loaded.policy, before.fingerprint, utc_now(), before.files});
  failed_ = StoreHealth{};
  return true;
}

std::optional<std::string> PolicyStore::load() {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto snap = snapshot();
    if (!snap) continue;
    if (!try_load(*snap)) continue;
    std::lock_guard lock(mutex_);
    if (current_) return std::nullopt;
    return failed_.rendered_problems.empty() ? std::string("规则文件无法载入\n") : failed_.rendered_problems;
  }
  auto loaded = api::Policy::load(path_);  // the folder keeps changing or cannot be read: say why
  return loaded ? std::string("规则文件在载入时不断变化\n") : loaded.rendered();
}

std::shared_ptr<const Loaded> PolicyStore::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

StoreHealth PolicyStore::health() const {
  std::lock_guard lock(mutex_);
  StoreHealth h = failed_;
  h.current = current_;
  return h;
}

bool PolicyStore::poll() {
  const auto snap = snapshot();
  if (!snap) return false;
  {
    std::lock_guard lock(mutex_);
    if (current_ && snap->fingerprint == current_->fingerprint) {
      failed_ = StoreHealth{};  // a broken edit undone: the files are what is served again
      return false;
    }
    if (snap->fingerprint == failed_.failed_fingerprint) return false;
  }
  if (!try_load(*snap)) return false;
  std::lock_guard lock(mutex_);
  if (failed_.failed_fingerprint.empty()) ++reloads_;
  else ++failures_;
  return true;
}

void PolicyStore::watch(std::chrono::milliseconds interval) {
  watcher_ = std::thread([this, interval] {
    std::unique_lock lock(stop_mutex_);
    while (!stop_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      try {
        poll();
      } catch (const std::exception& ex) {  // a reload never takes the service down
        std::fprintf(stderr, "kuan serve: 重新载入失败:%s\n", ex.what());
      }
      lock.lock();
    }
  });
}

void PolicyStore::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

}  // namespace kuan::serve
