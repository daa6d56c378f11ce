// The policy a `kuan serve` process is serving, and its replacement when the
// rule files change (--watch). Requests take the current policy as a
// shared_ptr: a reload swaps the pointer, so a request in flight finishes on
// the policy it began with. A reload that does not check keeps the last good
// policy and remembers the diagnostics, which /health reports until a later
// edit loads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kuan/kuan.hpp"

namespace kuan::serve {

// One loaded policy; immutable.
struct Loaded {
  api::Policy policy;
  std::string fingerprint;  // SHA-1 of the rule files (relative path, size, bytes), hex
  std::string loaded_at;    // UTC, ISO 8601
  std::vector<std::string> files;  // relative paths, sorted
};

struct StoreHealth {
  std::shared_ptr<const Loaded> current;
  // The last reload that failed since the last good one: its diagnostics
  // (rendered, as kuan check prints them) and the files' fingerprint then.
  std::vector<api::Diagnostic> problems;
  std::string rendered_problems;
  std::string failed_fingerprint;
  std::string failed_at;
};

class PolicyStore {
 public:
  explicit PolicyStore(std::string path);
  ~PolicyStore();
  PolicyStore(const PolicyStore&) = delete;
  PolicyStore& operator=(const PolicyStore&) = delete;

  // The first load; on failure the rendered diagnostics (and no policy).
  std::optional<std::string> load();
  std::shared_ptr<const Loaded> current() const;
  StoreHealth health() const;

  // Looks at the files once; reloads when their fingerprint differs from the
  // one in force (and from the last failed one). True when a reload was tried.
  // Files back to the ones in force clear the last failure's problems.
  bool poll();
  // Polls every `interval` on a thread of its own until stop().
  void watch(std::chrono::milliseconds interval);
  void stop();

  std::uint64_t reloads() const { return reloads_.load(); }
  std::uint64_t reload_failures() const { return failures_.load(); }

 private:
  struct Snapshot {
    std::string fingerprint;
    std::vector<std::string> files;
  };
  std::optional<Snapshot> snapshot() const;
  bool try_load(const Snapshot& before);

  std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Loaded> current_;
  StoreHealth failed_;  // problems of the last failed reload
  std::atomic<std::uint64_t> reloads_{0}, failures_{0};
  std::thread watcher_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace kuan::serve
