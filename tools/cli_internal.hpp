// The pieces of the `kuan` subcommands that still reach below the public
// façade (include/kuan/). Being emptied command by command into the façade:
// tools/cli.hpp is the part that uses only include/kuan/.
#pragma once

#include "tools/cli.hpp"

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/json_string.hpp"
#include "interpreter/allocate.hpp"
#include "interpreter/evaluator.hpp"
#include "interpreter/policy.hpp"
#include "interpreter/render.hpp"

namespace kuan::cli {

void print_diagnostics(const std::vector<Diagnostic>& diagnostics, std::FILE* to);


// Loads POLICY; prints diagnostics to stderr; null on failure.
std::shared_ptr<const Policy> load_policy(const std::string& path);

// --version V or --as-of YYYY-MM-DD; when neither, the official edition in force
// today (the date in China Standard Time, UTC+8).
const Edition* choose_edition(const Policy& policy, const Args& args, std::string& error);

// {"severity":"error","file":…,"line":N,"column":N,"message":…} (docs/cli-json.md)
void append_diagnostic_json(std::string& out, const Diagnostic& d);
std::string where(const Span& span);  // "file:line:col" or ""

// Results and explanations are rendered below tools/ (interpreter/render.hpp).
using ::kuan::append_explanation_text;
using ::kuan::append_result_json;
using ::kuan::append_result_text;
using ::kuan::error_text;

}  // namespace kuan::cli
