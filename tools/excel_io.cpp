#include "tools/excel_io.hpp"
#include "tools/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace kuan::cli {

namespace {
constexpr std::size_t kPiece = 1 << 16;
constexpr std::size_t kLookAhead = 1 << 20;  // how far to look for the end of the first line
}  // namespace

class InputText::Buf : public std::streambuf {
 public:
  explicit Buf(InputText& in) : in_(in) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const long n = in_.read(piece_, sizeof piece_);
    if (n <= 0) return traits_type::eof();
    setg(piece_, piece_, piece_ + n);
    return traits_type::to_int_type(*gptr());
  }
  // A large read (kuan allocate reads 1 MiB blocks): what the get area holds,
  // then straight into the caller's buffer, not copied through piece_.
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    std::streamsize got = std::min<std::streamsize>(n, egptr() - gptr());
    if (got > 0) {
      std::memcpy(s, gptr(), static_cast<std::size_t>(got));
      gbump(static_cast<int>(got));
    }
    while (got < n) {
      const long r = in_.read(s + got, static_cast<std::size_t>(n - got));
      if (r <= 0) break;
      got += r;
    }
    return got;
  }

 private:
  InputText& in_;
  char piece_[kPiece];
};

std::unique_ptr<InputText> InputText::open(const std::string& path, const std::string& encoding, std::string& error) {
  std::unique_ptr<InputText> in(new InputText());
  std::string lower;
  for (const char c : encoding) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "gbk" || lower == "gb18030" || lower == "gb2312" || lower == "cp936") {
    in->iconv_ = iconv_open("UTF-8", "GB18030");  // a superset of GBK and GB2312
    if (in->iconv_ == reinterpret_cast<iconv_t>(-1)) {
      error = "本机的 iconv 不支持 GB18030";
      return nullptr;
    }
    in->encoding_ = "GBK";
  } else if (!lower.empty() && lower != "utf-8" && lower != "utf8") {
    error = "--encoding 只能是 utf-8、gbk 或 gb18030,不是 \"" + encoding + "\"";
    return nullptr;
  }
  if (path == "-") {
    in->fd_ = STDIN_FILENO;
  } else {
    in->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in->fd_ < 0) {
      error = "无法读取文件 " + printable(path) + ":" + std::strerror(errno);
      return nullptr;
    }
    in->own_fd_ = true;
    struct stat st {};
    if (fstat(in->fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
      error = "无法读取文件 " + printable(path) + ":是目录";
      return nullptr;
    }
    if (fstat(in->fd_, &st) == 0 && S_ISREG(st.st_mode)) in->size_ = static_cast<std::uint64_t>(st.st_size);
  }
  // Look at the start: read until the first line ends (or enough has come).
  while (in->ready_.find('\n') == std::string::npos && in->ready_.size() < kLookAhead && in->fill()) {
  }
  if (!in->error_.empty()) {
    error = in->error_;
    return nullptr;
  }
  std::string_view head = in->ready_;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") in->had_bom_ = true, head.remove_prefix(3);
  const std::size_t nl = head.find('\n');
  // Old Excel for Mac ("CSV (Macintosh)") ends lines with a lone CR and no LF at
  // all: read as one line, its header would run into its records. Refused, saying
  // what to do. (A CR inside a line that ends in LF is JSON white space.)
  if (const std::size_t cr = head.find('\r');
      nl == std::string_view::npos && cr != std::string_view::npos && cr + 1 < head.size()) {
    error = printable(path == "-" ? std::string("<stdin>") : path) +
            ":各行以单独的 CR 结束(旧版 Mac 的格式),读不出行:请把行尾换成 LF 或 CRLF(Excel:另存为 \"CSV UTF-8\")";
    return nullptr;
  }
  in->crlf_ = nl != std::string_view::npos && nl > 0 && head[nl - 1] == '\r';
  const std::size_t first = head.find_first_not_of(" \t\r\n");
  in->empty_ = first == std::string_view::npos;
  in->jsonl_ = !in->empty_ && head[first] == '{';
  in->first_line_ = std::string(head.substr(0, std::min<std::size_t>(nl, 4096)));
  return in;
}

InputText::~InputText() {
  if (own_fd_) ::close(fd_);
  if (iconv_ != reinterpret_cast<iconv_t>(-1)) iconv_close(iconv_);
}

bool InputText::fill() {
  if (at_end_ || !error_.empty()) return false;
  char piece[kPiece];
  ssize_t n;
  do n = ::read(fd_, piece, sizeof piece);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    error_ = std::string("读取失败:") + std::strerror(errno);
    return false;
  }
  if (n == 0) at_end_ = true;
  consumed_ += static_cast<std::uint64_t>(n);
  if (iconv_ == reinterpret_cast<iconv_t>(-1)) {
    ready_.append(piece, static_cast<std::size_t>(n));
    return n > 0;
  }
  raw_.append(piece, static_cast<std::size_t>(n));
  char* from = raw_.data();
  std::size_t left = raw_.size();
  char out[kPiece * 2];
  while (left > 0) {
    char* to = out;
    std::size_t room = sizeof out;
    const std::size_t done = iconv(iconv_, &from, &left, &to, &room);
    ready_.append(out, static_cast<std::size_t>(to - out));
    if (done != static_cast<std::size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    if (errno == EINVAL && !at_end_) break;  // a sequence cut by the piece: wait for the rest
    const std::uint64_t at = consumed_ - left;  // the byte's offset in the input
    error_ = fmt::format("输入不是 {} 编码:第 {} 字节起无法解码{}", encoding_, at + 1,
                         errno == EINVAL ? "(文件在一个字符的中间结束)" : "");
    return false;
  }
  raw_.erase(0, raw_.size() - left);
  return n > 0 || !ready_.empty();
}

long InputText::read(char* buffer, std::size_t size) {
  if (ready_at_ >= ready_.size() && iconv_ == reinterpret_cast<iconv_t>(-1)) {
    // UTF-8 with nothing read ahead: straight into the caller's buffer, as
    // much as it takes (a batch reads large blocks), not through ready_.
    if (at_end_ || !error_.empty()) return error_.empty() ? 0 : -1;
    ssize_t n;
    do n = ::read(fd_, buffer, size);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      error_ = std::string("读取失败:") + std::strerror(errno);
      return -1;
    }
    if (n == 0) at_end_ = true;
    consumed_ += static_cast<std::uint64_t>(n);
    return static_cast<long>(n);
  }
  while (ready_at_ >= ready_.size()) {
    ready_.clear();
    ready_at_ = 0;
    if (!fill()) {
      if (!error_.empty()) return -1;
      if (ready_.empty()) return 0;
    }
  }
  const std::size_t n = std::min(size, ready_.size() - ready_at_);
  std::memcpy(buffer, ready_.data() + ready_at_, n);
  ready_at_ += n;
  return static_cast<long>(n);
}

std::streambuf& InputText::buffer() {
  if (!buf_) buf_ = std::make_unique<Buf>(*this);
  return *buf_;
}

void ExcelCsv::append(std::string_view bytes, std::string& out) {
  if (bom_) {
    out += "\xEF\xBB\xBF";
    bom_ = false;
  }
  if (!crlf_) {
    out += bytes;
    return;
  }
  for (const char c : bytes) {
    if (c == '"') quoted_ = !quoted_;  // "" inside a quoted cell toggles twice
    if (c == '\n' && !quoted_ && last_ != '\r') out += '\r';
    out += c;
    last_ = c;
  }
}

std::streamsize ExcelCsvStreambuf::xsputn(const char* s, std::streamsize n) {
  out_.clear();
  shape_.append(std::string_view(s, static_cast<std::size_t>(n)), out_);
  return to_.sputn(out_.data(), static_cast<std::streamsize>(out_.size())) == static_cast<std::streamsize>(out_.size())
             ? n
             : 0;
}

std::streambuf::int_type ExcelCsvStreambuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char ch = traits_type::to_char_type(c);
  return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
}

int ExcelCsvStreambuf::sync() { return to_.pubsync(); }

}  // namespace kuan::cli
