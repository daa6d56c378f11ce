// Replacing an output file safely: see output_file.hpp.
#include "tools/output_file.hpp"
#include "tools/output.hpp"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

namespace kuan::cli {

namespace {

// While a temporary file exists, an interrupt (Ctrl-C, kill, a closed
// terminal) must not leave it behind. A signal handler can only reach static
// storage, so its path lives here for that window alone (one output file is
// written at a time); the guard restores the previous handlers when it ends.
char interrupted_temp_path[4096];

extern "C" void remove_temp_and_reraise(int signal_number) {
  if (interrupted_temp_path[0]) unlink(interrupted_temp_path);  // async-signal-safe
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

class TempFileGuard {
 public:
  TempFileGuard() = default;
  void set(const std::string& path) {
    if (path.size() >= sizeof interrupted_temp_path) return;  // too long to guard: removed on the normal paths only
    std::memcpy(interrupted_temp_path, path.c_str(), path.size() + 1);
    for (std::size_t i = 0; i < kSignals.size(); ++i) previous_[i] = std::signal(kSignals[i], remove_temp_and_reraise);
  }
  ~TempFileGuard() {
    for (std::size_t i = 0; i < kSignals.size(); ++i)
      if (previous_[i] != SIG_ERR) std::signal(kSignals[i], previous_[i]);
    interrupted_temp_path[0] = '\0';
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;

 private:
  static constexpr std::array<int, 3> kSignals{SIGINT, SIGTERM, SIGHUP};
  std::array<void (*)(int), 3> previous_{SIG_ERR, SIG_ERR, SIG_ERR};
};

// SIGINT, SIGTERM and SIGHUP wait while it lives (delivered when it ends).
class SignalsHeld {
 public:
  SignalsHeld() {
    sigset_t block;
    sigemptyset(&block);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&block, sig);
    sigprocmask(SIG_BLOCK, &block, &previous_);
  }
  ~SignalsHeld() { sigprocmask(SIG_SETMASK, &previous_, nullptr); }
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

 private:
  sigset_t previous_{};
};

// All of [p, p+n) to `fd`; 0 or the errno of the failure.
int write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return w < 0 ? errno : EIO;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return 0;
}

// A stream buffer over a file descriptor that remembers the first error.
class FdBuffer : public std::streambuf {
 public:
  FdBuffer() : buffer_(1 << 16) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  void attach(int fd) { fd_ = fd; }
  int error() const { return error_; }
  bool drain() {
    if (!error_) error_ = write_all(fd_, pbase(), static_cast<std::size_t>(pptr() - pbase()));
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return !error_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  std::vector<char> buffer_;
  int fd_ = -1;
  int error_ = 0;
};

std::string folder_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string reason(int error) { return error ? std::strerror(error) : "未知错误"; }

// The file a path finally names: symlinks followed (a dangling one names the
// file it would create), so that the link itself is kept.
bool resolve(const std::string& path, std::string& resolved, std::string& error) {
  resolved = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (lstat(resolved.c_str(), &st) != 0) {
      if (errno == ENOENT) return true;
      error = "无法写出 " + printable(path) + ":" + reason(errno);
      return false;
    }
    if (!S_ISLNK(st.st_mode)) return true;
    std::vector<char> target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4095) + 1);
    const ssize_t n = readlink(resolved.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) {
      error = "无法读取符号链接 " + printable(resolved);
      return false;
    }
    const std::string link(target.data(), static_cast<std::size_t>(n));
    resolved = link.front() == '/' ? link : folder_of(resolved) + "/" + link;
  }
  error = "无法写出 " + printable(path) + ":符号链接层数过多";
  return false;
}

}  // namespace

struct OutputFile::State {
  enum class Mode { Replace, WriteThrough, Direct };
  Mode mode = Mode::Replace;
  std::string path, target, temp;  // as given; after symlinks; the temporary file
  int fd = -1;
  bool committed = false;
  FdBuffer buffer;
  std::ostream stream{&buffer};
  TempFileGuard guard;
  ~State() {
    if (fd >= 0) ::close(fd);
    if (!committed && !temp.empty()) ::unlink(temp.c_str());
  }
};

OutputFile::OutputFile(std::unique_ptr<State> state) : state_(std::move(state)) {}
OutputFile::~OutputFile() = default;
std::ostream& OutputFile::stream() { return state_->stream; }

std::unique_ptr<OutputFile> OutputFile::open(const std::string& path, Special special, std::string& error) {
  auto s = std::make_unique<State>();
  s->path = path;
  if (path.empty()) {
    error = "输出文件名为空";
    return nullptr;
  }
  struct stat st {};
  // A pipe or device named through a link the kernel resolves itself
  // (/dev/stdout → /proc/self/fd/1 → pipe:[…]) is written into as it is named.
  const bool special_file = ::stat(path.c_str(), &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode));
  if (special_file) s->target = path;
  else if (!resolve(path, s->target, error)) return nullptr;
  const bool exists = special_file || ::stat(s->target.c_str(), &st) == 0;
  if (exists && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
    if (special == Special::Refuse) {
      error = printable(path) + " 不是普通文件,不改写";
      return nullptr;
    }
    s->mode = State::Mode::Direct;  // a pipe or a device: written into, never replaced
    s->fd = ::open(s->target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (s->fd < 0) {
      error = "无法写出 " + printable(path) + ":" + reason(errno);
      return nullptr;
    }
    s->buffer.attach(s->fd);
    return std::unique_ptr<OutputFile>(new OutputFile(std::move(s)));
  }
  if (exists && !S_ISREG(st.st_mode)) {
    error = printable(path) + (S_ISDIR(st.st_mode) ? " 是目录" : " 不是普通文件") + ",不改写";
    return nullptr;
  }
  if (exists && st.st_nlink > 1) s->mode = State::Mode::WriteThrough;
  // Signals wait while the temporary file is made and its guard set, so none falls between.
  std::optional<SignalsHeld> held(std::in_place);
  std::string name = s->target.substr(s->target.rfind('/') == std::string::npos ? 0 : s->target.rfind('/') + 1);
  std::string temp = folder_of(s->target) + "/." + name + ".tmp-XXXXXX";
  s->fd = mkostemp(temp.data(), O_CLOEXEC);  // O_CREAT|O_EXCL: never through a planted symlink
  const int made = errno;
  if (s->fd >= 0) {
    s->temp = temp;
    s->guard.set(temp);
  }
  held.reset();
  if (s->fd < 0) {
    error = "无法在 " + printable(folder_of(s->target)) + " 中创建临时文件:" + reason(made);
    return nullptr;
  }
  if (exists) {
    // The replacement keeps the file's mode and, where allowed, its owner.
    if (fchown(s->fd, st.st_uid, st.st_gid) != 0) { /* not the owner: the file becomes ours, as with cp */ }
    fchmod(s->fd, st.st_mode & 07777);
  } else {
    const mode_t mask = umask(0);
    umask(mask);
    fchmod(s->fd, 0666 & ~mask);
  }
  s->buffer.attach(s->fd);
  return std::unique_ptr<OutputFile>(new OutputFile(std::move(s)));
}

bool OutputFile::commit(std::string& error) {
  State& s = *state_;
  s.stream.flush();
  const auto fail = [&](int e) {
    error = "无法写出 " + printable(s.path) + ":" + reason(e);
    return false;
  };
  if (!s.buffer.drain() || !s.stream) return fail(s.buffer.error());
  if (s.mode != State::Mode::Direct && ::fsync(s.fd) != 0) return fail(errno);
  const int fd = s.fd;
  s.fd = -1;
  if (::close(fd) != 0) return fail(errno);
  if (s.mode == State::Mode::Direct) {
    s.committed = true;
    return true;
  }
  if (s.mode == State::Mode::Replace) {
    if (::rename(s.temp.c_str(), s.target.c_str()) != 0) return fail(errno);
    s.committed = true;
    return true;
  }
  // Other hard links must see the new content: copied into the file itself,
  // now that all of it was written once. This step is not atomic (as with
  // `cp` onto an existing file): the room is reserved first, so a full disk
  // stops it before the file is touched, and interrupts wait until the copy
  // is whole; only a crash of the machine or SIGKILL can cut it short.
  SignalsHeld held;
  const int from = ::open(s.temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (from < 0) return fail(errno);
  const int to = ::open(s.target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (to < 0) {
    const int e = errno;
    ::close(from);
    return fail(e);
  }
  struct stat st {};
  int e = ::fstat(from, &st) != 0 ? errno : 0;
  if (!e && st.st_size > 0 && ::fallocate(to, FALLOC_FL_KEEP_SIZE, 0, st.st_size) != 0 && errno != EOPNOTSUPP &&
      errno != ENOSYS)
    e = errno;  // no room: the file is as it was
  std::vector<char> chunk(1 << 16);
  while (!e) {
    const ssize_t n = ::read(from, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) e = errno;
    if (n <= 0 || (e = write_all(to, chunk.data(), static_cast<std::size_t>(n))) != 0) break;
  }
  if (!e && ::ftruncate(to, st.st_size) != 0) e = errno;
  if (!e && ::fsync(to) != 0) e = errno;
  if (::close(to) != 0 && !e) e = errno;
  ::close(from);
  if (e) return fail(e);
  return true;  // the temporary file goes with the state
}

bool replace_file(const std::string& path, std::string_view text, OutputFile::Special special, std::string& error) {
  auto file = OutputFile::open(path, special, error);
  if (!file) return false;
  file->stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  return file->commit(error);
}

bool same_file(const std::string& a, const std::string& b) {
  if (a == "-" || b == "-") return false;
  struct stat sa {}, sb {};
  const bool has_a = ::stat(a.c_str(), &sa) == 0, has_b = ::stat(b.c_str(), &sb) == 0;
  if (has_a || has_b) return has_a && has_b && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  // Neither exists yet (two outputs still to be made, "x.out" and "./x.out"):
  // the same name in the same folder.
  const std::filesystem::path pa(a), pb(b);
  if (pa.filename().empty() || pa.filename() != pb.filename()) return false;
  const std::string da = pa.has_parent_path() ? pa.parent_path().string() : ".";
  const std::string db = pb.has_parent_path() ? pb.parent_path().string() : ".";
  return ::stat(da.c_str(), &sa) == 0 && ::stat(db.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace kuan::cli
