// Output that is never silently lost. Every command writes standard output
// through stdio (or std::cout, which shares it) and kuan_main ends every
// command with finish_output(): a full disk, /dev/full or a closed pipe with
// SIGPIPE ignored makes the command fail with a message and status 74, never
// exit 0 with its output cut mid-line. Output files are replaced through
// OutputFile (output_file.hpp).
#pragma once

#include <string>
#include <string_view>

#include "kuan/tooling.hpp"

namespace kuan::cli {

inline constexpr int kExitCannotWrite = 74;  // EX_IOERR: output could not be written

// Writes all of `bytes` to standard output; false once standard output has
// failed (now or before), so a streaming command can stop early.
bool write_stdout(std::string_view bytes);

// True when something written to standard output was lost.
bool stdout_failed();

// Flushes std::cout and stdout and closes stdout. When anything written to
// it was lost, says so on stderr ("kuan COMMAND: 无法写出标准输出:…") and
// returns kExitCannotWrite; otherwise `status`.
int finish_output(const char* command, int status);

// For anything taken from input or arguments that goes into a message: the
// façade's printable (kuan/tooling.hpp), control characters escaped and cut.
using api::printable;

}  // namespace kuan::cli
