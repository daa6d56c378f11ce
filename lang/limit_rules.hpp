// 限额 (limits) in one place. Every spelling — 上限, 叠加, 资金池, 累计, 名额 —
// is sugar for the general 限额 (ast::LimitDecl): the parser builds each through
// the lower_* functions here; the checker's limit pass (lang/limit_rules.cpp)
// judges the combinations and lowers 超出 拒绝 to requirements; and
// limit_one_line gives the one-line form back, so editions written either way
// compare item by item (diff).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lang/ast.hpp"

namespace kuan {

// 上限 X = L [已用 U] [当 C] / 叠加 X = …: 金额, 每 申请, 不超过 L, 超出 削减.
ast::LimitDecl lower_cap(std::string name, Span span, bool stacking, ast::ExprPtr limit, ast::ExprPtr used,
                         ast::ExprPtr when);
// 名额 = N [按 S] in measure M: 限额 M名额 {计 件数 全部 期间 每年 不超过 N 超出 择优 [按 S]}.
ast::LimitDecl lower_quota(const std::string& measure, Span span, ast::ExprPtr limit, std::optional<ast::NamedSpan> score);
// 资金池 P = A 覆盖 M…: 限额 P {计 金额 全部 期间 每年 不超过 A 覆盖 M… 超出 按比例}.
ast::LimitDecl lower_pool(std::string name, Span span, ast::ExprPtr limit, std::vector<ast::NamedSpan> covers);
// 累计 F = M…: 限额 F {计 金额 每 申请人 期间 每年 已用 F 覆盖 M…}, a tally with no bound;
// `used` is the expression naming F.
ast::LimitDecl lower_tally(const ast::NamedSpan& fact, ast::ExprPtr used, std::vector<ast::NamedSpan> covers);

// A 限额 in its older one-line spelling where it has one (不超过 [已用 …] [当 …]
// and, for a general limit, its 计 / 覆盖 / 超出 parts), each expression as
// `text_of` gives it.
std::string limit_one_line(const ast::LimitDecl& c, const std::function<std::string(const ast::ExprPtr&)>& text_of);

}  // namespace kuan
