// The text form of measure results lent to a Session (include/kuan/session.hpp)
// by `kuan repl`, whose renderer is still in tools/. Goes once the renderer
// is below tools/: the session then prints results itself.
#pragma once

#include "interpreter/session.hpp"
#include "kuan/session.hpp"

namespace kuan::api::detail {

struct ResultText {
  ::kuan::repl::ResultText text;
};

}  // namespace kuan::api::detail
