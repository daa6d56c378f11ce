// Replacing an output file the way cp, rsync and gofmt users expect — the one
// implementation behind `allocate --out/--summary/--report` and `kuan fmt`:
//   · the new content goes to a temporary file made with mkstemp (O_CREAT|O_EXCL,
//     so a planted symlink is never written through) in the target's own folder,
//     and is renamed over the target only when every byte was written, flushed,
//     synced and closed; a failed or interrupted run leaves no temporary behind
//     and the old file as it was;
//   · a symlink is followed and kept (its target is replaced), an existing file
//     keeps its mode and owner, and one with other hard links is written
//     through (after the whole content was written to the temporary), so every
//     link sees the new content — not atomically, as with `cp`: its room is
//     reserved first (a full disk leaves it as it was) and interrupts wait for
//     the copy, but a crash of the machine mid-copy leaves it part written;
//   · only a regular file is ever replaced: a FIFO or a character device
//     (/dev/null, /dev/stdout, a terminal) is written into, or refused where
//     that makes no sense (kuan fmt); a directory or anything else is refused.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace kuan::cli {

class OutputFile {
 public:
  enum class Special { WriteInto, Refuse };  // what to do with a FIFO or a character device
  // Prepares to write `path`; nullptr with `error` set when it cannot be.
  static std::unique_ptr<OutputFile> open(const std::string& path, Special special, std::string& error);
  ~OutputFile();  // not committed: the temporary file is removed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  // Flushes and closes, then puts the content in place; false with `error` set
  // (the target is then as it was, except a device or FIFO written into).
  bool commit(std::string& error);

  struct State;

 private:
  explicit OutputFile(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The whole of `text` into `path` through OutputFile; false with `error` set.
bool replace_file(const std::string& path, std::string_view text, OutputFile::Special special, std::string& error);

// True when both paths name the same existing file (after symlinks and hard links),
// or, when neither exists yet, the same name in the same folder.
bool same_file(const std::string& a, const std::string& b);

}  // namespace kuan::cli
