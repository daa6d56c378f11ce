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

}  // namespace kuan::cli
