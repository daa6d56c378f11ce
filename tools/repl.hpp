// kuan repl: the terminal around kuan::api::Session (include/kuan/session.hpp).
#pragma once

#include "kuan/session.hpp"

namespace kuan::cli {

// The text form of measure results and explanations (`kuan eval`'s), lent to
// the REPL's session while that renderer is still in tools/ (tools/repl_text.cpp).
const api::detail::ResultText* repl_result_text();

}  // namespace kuan::cli
