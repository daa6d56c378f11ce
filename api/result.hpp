// The public Evaluation and Explanation are the interpreter's result records
// (interpreter/result.hpp) in public types: one model, converted both ways,
// so that api::to_json renders through the one renderer.
#pragma once

#include "kuan/kuan.hpp"
#include "interpreter/result.hpp"

namespace kuan::api::detail {

Evaluation to_public(::kuan::ResultRecord&& record);
::kuan::ResultRecord to_record(const Evaluation& result);

}  // namespace kuan::api::detail
