// Editions written as changes to an earlier one (基于 "2025年版").
//
// The derived edition is built from copies of its base's parsed modules (they
// share the base's expressions, which nothing changes) plus its own: each 修订 replaces the base declaration of the same name (a
// measure is amended item by item), 替换 replaces a measure whole, 删除 removes
// one, and everything else is added. The merged modules are then checked like
// any edition, so an override that breaks a rule is reported with its position.
#pragma once

#include <memory>
#include <vector>

#include "lang/ast.hpp"
#include "base/source.hpp"

namespace kuan {

// Applies `derived` onto `base` (modules the caller owns: copies of the parsed
// ones when those are used elsewhere too); returns the merged
// modules. Base headers (版本, 施行) and examples do not carry over: they
// belong to the base edition. 政策 and 舍入 carry over unless restated.
std::vector<std::unique_ptr<ast::Module>> apply_revisions(std::vector<std::unique_ptr<ast::Module>> base,
                                                          std::vector<std::unique_ptr<ast::Module>> derived,
                                                          std::vector<Diagnostic>& diagnostics);

}  // namespace kuan
