// Standard output checked to the end: see output.hpp.
#include "tools/output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace kuan::cli {

bool write_stdout(std::string_view bytes) {
  if (std::ferror(stdout)) return false;
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size() && !std::ferror(stdout);
}

bool stdout_failed() { return std::ferror(stdout) != 0 || !std::cout.good(); }

int finish_output(const char* command, int status) {
  int error = 0;
  errno = 0;
  std::cout.flush();  // its own buffer, or (synced with stdio) a flush of stdout's
  const bool stream_failed = !std::cout.good();
  if (stream_failed) error = errno;
  errno = 0;
  if (std::fflush(stdout) != 0 && !error) error = errno;
  const bool lost = stream_failed || std::ferror(stdout) != 0;
  errno = 0;
  if (std::fclose(stdout) != 0 && !error) error = errno;
  if (!lost && !error) {
    // Messages that could not be written leave no one told: the status says it.
    if (std::fflush(stderr) != 0 || std::ferror(stderr)) return status ? status : kExitCannotWrite;
    return status;
  }
  std::fprintf(stderr, "kuan %s: 无法写出标准输出%s%s,输出不完整\n", command, error ? ":" : "",
               error ? std::strerror(error) : "");
  return kExitCannotWrite;
}

std::string printable(std::string_view text, std::size_t max_chars) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len > 1 && i + len <= text.size())
      for (std::size_t k = 1; k < len; ++k) len = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80 ? len : 0;
    else if (len > 1) len = 0;
    const bool c1 = len == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;  // U+0080–U+009F
    if (len == 0 || b < 0x20 || b == 0x7F || c1) {
      const auto shown = c1 ? static_cast<unsigned char>(text[i + 1]) : b;
      out += len == 0 ? "\\x" : "\\u{";
      out += kHex[shown >> 4];
      out += kHex[shown & 15];
      if (len != 0) out += '}';
      i += len == 0 ? 1 : len;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace kuan::cli
