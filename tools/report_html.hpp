// kuan allocate --report FILE.html: the year's figures for people.
#pragma once

#include <string>

#include "kuan/allocation.hpp"

namespace kuan::cli {

// One self-contained page: summary cards, per-measure requested vs allocated
// (SVG bars and a sortable table), each pool's scaling, each quota's cut-off
// score, and the applications a cap limited. Chinese labels; all text escaped.
std::string allocation_report_html(const api::AllocationSummary& summary, const std::string& policy_name,
                                   const std::string& input_name);

}  // namespace kuan::cli
