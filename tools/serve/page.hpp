// GET / of `kuan serve`: the page a bureau officer uses (Chinese, no external
// assets). Its form is built in the browser from GET /v1/measures (each
// measure's declared facts); it submits to /v1/evaluate or /v1/match.
#pragma once

#include <string_view>

namespace kuan::serve {

std::string_view officer_page();

}  // namespace kuan::serve
