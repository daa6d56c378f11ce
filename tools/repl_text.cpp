// The REPL's session prints measure results as `kuan eval` does; that renderer
// is still in tools/ (cli_internal.hpp), so it is lent to the session from
// here. This file goes when the renderer moves below tools/.
#include "api/session_text.hpp"
#include "tools/cli_internal.hpp"
#include "tools/repl.hpp"

namespace kuan::cli {

const api::detail::ResultText* repl_result_text() {
  static const api::detail::ResultText text{{&append_result_text, &append_explanation_text}};
  return &text;
}

}  // namespace kuan::cli
