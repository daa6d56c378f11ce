// Expressions: the parse tree of an expression → ast::Expr (literals with
// their units, operator chains as left-deep trees with a bounded depth, 按
// tables of values or ranges, 累进 brackets, aggregates over a list fact).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "base/date.hpp"
#include "base/limits.hpp"
#include "lang/parser_impl.hpp"
#include "lang/units.hpp"

namespace kuan::parse {

// "2025-1-21" → "2025-01-21" (for the message about a loosely written date).
static std::string padded_date(std::string_view loose) {
  std::string out;
  std::size_t part_start = 0;
  for (std::size_t i = 0; i <= loose.size(); ++i) {
    if (i < loose.size() && loose[i] != '-') continue;
    const std::string_view part = loose.substr(part_start, i - part_start);
    if (!out.empty()) out += '-';
    if (part.size() == 1) out += '0';
    out += part;
    part_start = i + 1;
  }
  return out;
}

// number_literal: digits then an optional unit.
Built Converter::number(const Node& n) const {
  auto e = std::make_unique<ast::Expr>();
  e->id = next_id_++;
  e->kind = ast::ExprKind::Number;
  e->span = span_of(n);
  const std::string_view all = n.string_view();
  std::size_t k = 0;
  while (k < all.size() && ((all[k] >= '0' && all[k] <= '9') || all[k] == '.')) ++k;
  const std::string_view digits = all.substr(0, k), unit = all.substr(k);
  const std::size_t count = digits.size() - (digits.find('.') == std::string_view::npos ? 0 : 1);
  if (count > limits::kMaxNumberDigits)
    throw ConvertError{e->span, fmt::format("数字过长:有 {} 位,至多 {} 位", count, limits::kMaxNumberDigits)};
  auto value = Decimal::parse(digits);
  if (!value) throw ConvertError{e->span, "数字写法不对:\"" + echo(digits) + "\"(整数部分不能以 0 开头)"};
  if (const units::UnitWord* w = units::unit_at(unit)) {
    e->unit = w->unit;
    if (w->factor != 1 || w->scale != 0) *value = *value * Decimal::from_scaled(w->factor, w->scale);
    const std::string_view rest = unit.substr(w->spelling.size());
    if (!rest.empty()) {  // '/' and a period (the grammar's per_period)
      const units::PeriodWord* p = units::period_at(rest.substr(1));
      if (w->kind != TypeKind::Money || !p)
        throw ConvertError{e->span, "只有金额可以按期间计,如 2000元/月;这里是 " + echo(all)};
      e->per = p->time;
    }
  }
  e->number = *value;
  return e;
}

// A leaf expression (a literal or a name) of this kind at this node.
Built Converter::leaf(ast::ExprKind kind, const Node& n) const {
  auto e = std::make_unique<ast::Expr>();
  e->id = next_id_++;
  e->kind = kind;
  e->span = span_of(n);
  return e;
}

// Operator chains are iteration in the grammar but a left-deep tree here, and
// the checker and evaluator recurse over trees: bound the depth of what we
// build so `1 + 1 + … + 1` with a million terms is an error, not a crash.
// Every kind of node counts (calls and parentheses too), so nesting through
// abs(…) or min(…) cannot escape the bound.
void Converter::bound(ast::Expr& e, int child_depth) {
  e.depth = std::max(e.depth, child_depth + 1);
  if (e.depth > limits::kMaxNesting) throw ConvertError{e.span, too_deep_message()};
}

// An inner expression over its operands, its depth bounded.
Built Converter::node(ast::ExprKind kind, Span span, std::vector<ast::ExprPtr> args) const {
  auto e = std::make_unique<ast::Expr>();
  e->id = next_id_++;
  e->kind = kind;
  e->span = span;
  int depth = 0;
  for (const auto& a : args) depth = std::max(depth, a->depth);
  e->args = std::move(args);
  bound(*e, depth);
  return e;
}

// expression -> conditional | disjunction | … | primary
Built Converter::expr(const Node& n) const {
  if (n.is_type<g::number_literal>()) return number(n);
  if (n.is_type<g::true_literal>() || n.is_type<g::false_literal>()) {
    auto e = leaf(ast::ExprKind::Boolean, n);
    e->boolean = n.is_type<g::true_literal>();
    return e;
  }
  if (n.is_type<g::loose_date>())
    throw ConvertError{span_of(n), "日期须写成 YYYY-MM-DD,月和日各两位:" + text(n) + " 应写作 " + padded_date(n.string_view())};
  if (n.is_type<g::date_literal>()) {
    auto e = leaf(ast::ExprKind::Date, n);
    auto d = parse_date(n.string_view());
    if (!d) throw ConvertError{e->span, "没有这一天:" + text(n)};
    e->date = *d;
    return e;
  }
  // paren -> '(' expression ')': the inner expression, its span widened to the parentheses.
  if (n.is_type<g::paren>()) {
    auto inner = expr(child(n, 0));
    const std::string& t = file_->text();
    std::uint32_t end = inner->span.end;
    while (end < t.size() && t[end] != ')' && t.compare(end, 3, "）") != 0) ++end;
    inner->span.begin = static_cast<std::uint32_t>(n.begin().byte);
    inner->span.end = end + (t[end] == ')' ? 1 : 3);
    bound(*inner, inner->depth);
    return inner;
  }
  if (n.is_type<g::reference>()) {
    auto e = leaf(ast::ExprKind::Name, child(n, 0));
    e->name = text(child(n, 0));
    return e;
  }
  // in_force_test -> '施行中' '(' name ')'
  if (n.is_type<g::in_force_test>()) {
    auto e = leaf(ast::ExprKind::InForce, n);
    e->span.end = closing_brace_after(tight(n).end, ')', "）");  // through the ')', not the blanks after it
    e->name = text(child(n, 0));
    return e;
  }
  if (n.is_type<g::has_fact>()) {
    auto e = leaf(ast::ExprKind::Has, n);
    e->name = text(child(n, 0));
    e->span = span_of(child(n, 0));
    return e;
  }
  // call -> identifier '(' arguments ')'
  if (n.is_type<g::call>()) {
    auto e = leaf(ast::ExprKind::Call, child(n, 0));
    e->name = text(child(n, 0));
    if (const Node* args = find<g::arguments>(n))
      for (const auto& a : args->children) {
        e->args.push_back(expr(*a));
        bound(*e, e->args.back()->depth);
      }
    return e;
  }
  // negation -> ('-' | '−') unary
  if (n.is_type<g::negation>()) {
    std::vector<ast::ExprPtr> args;
    args.push_back(expr(child(n, 0)));
    const Span span = through_last(n, args);
    return node(ast::ExprKind::Negate, span, std::move(args));
  }
  // negated -> ('非' | 'not') logical_not
  if (n.is_type<g::negated>()) {
    std::vector<ast::ExprPtr> args;
    args.push_back(expr(child(n, 0)));
    const Span span = through_last(n, args);
    return node(ast::ExprKind::Not, span, std::move(args));
  }
  // conditional -> '若' expression '则' expression '否则' expression
  if (n.is_type<g::conditional>()) {
    std::vector<ast::ExprPtr> args;
    for (const auto& c : n.children) args.push_back(expr(*c));
    const Span span = through_last(n, args);
    return node(ast::ExprKind::If, span, std::move(args));
  }
  if (n.is_type<g::aggregate>()) return aggregate(n);
  // match_expr -> '按' expression '{' match_arm (','? match_arm)* '}'
  if (n.is_type<g::match_expr>()) {
    std::vector<ast::ExprPtr> args;
    args.push_back(expr(child(n, 0)));
    auto e = node(ast::ExprKind::Match, span_of(n), std::move(args));
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      e->arms.push_back(arm(child(n, i), *e));
      bound(*e, e->arms.back().value->depth);
    }
    ranges_or_values(*e);
    e->span.end = closing_brace_after(e->arms.back().value->span.end);
    return e;
  }
  if (n.is_type<g::progressive_expr>()) return progressive(n);
  // product -> unary (mul_op unary)* ; sum likewise ; comparison -> sum (cmp_op sum)?
  if (n.is_type<g::product>() || n.is_type<g::sum>()) {
    Built left = expr(child(n, 0));
    for (std::size_t i = 1; i + 1 < n.children.size(); i += 2) {
      const std::string_view op = child(n, i).string_view();
      std::vector<ast::ExprPtr> args;
      args.push_back(std::move(left));
      args.push_back(expr(child(n, i + 1)));
      Span s = args[0]->span;
      s.end = args[1]->span.end;
      auto e = node(ast::ExprKind::Arith, s, std::move(args));
      e->arith = op == "+"                                 ? ast::ArithOp::Add
                 : (op == "-" || op == "−")                ? ast::ArithOp::Sub
                 : (op == "*" || op == "×")                ? ast::ArithOp::Mul
                                                           : ast::ArithOp::Div;
      left = std::move(e);
    }
    return left;
  }
  if (n.is_type<g::comparison>()) {
    std::vector<ast::ExprPtr> args;
    args.push_back(expr(child(n, 0)));
    args.push_back(expr(child(n, 2)));
    const std::string_view op = child(n, 1).string_view();
    Span s = args[0]->span;
    s.end = args[1]->span.end;
    auto e = node(ast::ExprKind::Compare, s, std::move(args));
    e->compare = (op == "<=" || op == "≤")   ? ast::CompareOp::Le
                 : (op == ">=" || op == "≥") ? ast::CompareOp::Ge
                 : (op == "!=" || op == "≠") ? ast::CompareOp::Ne
                 : op == "<"                 ? ast::CompareOp::Lt
                 : op == ">"                 ? ast::CompareOp::Gt
                                             : ast::CompareOp::Eq;
    return e;
  }
  if (n.is_type<g::conjunction>() || n.is_type<g::disjunction>()) {
    const auto kind = n.is_type<g::conjunction>() ? ast::ExprKind::And : ast::ExprKind::Or;
    Built left = expr(child(n, 0));
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      std::vector<ast::ExprPtr> args;
      args.push_back(std::move(left));
      args.push_back(expr(child(n, i)));
      Span s = args[0]->span;
      s.end = args[1]->span.end;
      left = node(kind, s, std::move(args));
    }
    return left;
  }
  throw ConvertError{span_of(n), "内部错误:无法识别的表达式节点 " + std::string(n.type)};
}

// aggregate -> ('合计' | '计数' | '最大' | '最小') identifier ['{' [expression] ['当' expression] '}']
Built Converter::aggregate(const Node& n) const {
  const std::string_view word = child(n, 0).string_view();
  std::vector<ast::ExprPtr> args;
  const Node& list = child(n, 1);
  auto subject = leaf(ast::ExprKind::Name, list);
  subject->name = text(list);
  args.push_back(std::move(subject));
  bool has_value = false, has_filter = false;
  for (std::size_t i = 2; i < n.children.size(); ++i) {
    const Node& c = child(n, i);
    if (c.is_type<g::aggregate_filter>()) args.push_back(expr(child(c, 0))), has_filter = true;
    else args.push_back(expr(c)), has_value = true;
  }
  Span span = span_of(n);
  span.end = args.size() > 1 ? closing_brace_after(args.back()->span.end) : args[0]->span.end;
  if (args.size() == 1 && n.children.size() == 2) {
    // `计数 L {}`: the braces are empty; the span still takes them in.
    const std::string& t = file_->text();
    std::uint32_t p = args[0]->span.end;
    while (p < t.size() && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r')) ++p;
    if (p < span_of(n).end && (t[p] == '{' || t.compare(p, 3, "｛") == 0)) span.end = closing_brace_after(p + 1);
  }
  auto e = node(ast::ExprKind::Aggregate, span, std::move(args));
  e->aggregate = word == "合计"   ? ast::AggregateOp::Sum
                 : word == "计数" ? ast::AggregateOp::Count
                 : word == "最大" ? ast::AggregateOp::Max
                                   : ast::AggregateOp::Min;
  e->has_value = has_value;
  e->has_filter = has_filter;
  return e;
}

// progressive_expr -> '累进' expression '{' bracket_arm (','? bracket_arm)* '}'
// bracket_arm -> ('至' expression | '以上') '=>' expression ('速算扣除数' expression)?
//              | '累进' expression '按' name: the named schedule's brackets (Expr::name, name_span)
Built Converter::progressive(const Node& n) const {
  std::vector<ast::ExprPtr> args;
  args.push_back(expr(child(n, 0)));
  auto e = node(ast::ExprKind::Progressive, span_of(n), std::move(args));
  if (n.children.size() == 2 && child(n, 1).is_type<g::schedule_ref>()) {
    const Node& name = child(child(n, 1), 0);
    e->name = text(name);
    e->name_span = span_of(name);
    e->span.end = e->name_span.end;
    return e;
  }
  brackets(n, 1, *e);
  return e;
}

// The bracket_arm children of `n` from `first` on, into `e` (their operands after
// e's own), and e's span through the closing brace.
void Converter::brackets(const Node& n, std::size_t first, ast::Expr& e_) const {
  ast::Expr* e = &e_;
  auto operand = [&](const Node& x) {
    e->args.push_back(expr(x));
    bound(*e, e->args.back()->depth);
    return static_cast<int>(e->args.size() - 1);
  };
  for (std::size_t i = first; i < n.children.size(); ++i) {
    const Node& arm = child(n, i);
    ast::Bracket b;
    b.span = tight(arm);
    std::size_t k = 0;
    if (child(arm, 0).is_type<g::bracket_upper>()) b.upper = operand(child(child(arm, 0), 0));
    k = 1;
    b.rate = operand(child(arm, k++));
    if (k < arm.children.size()) b.deduction = operand(child(child(arm, k), 0));
    b.span.end = e->args.back()->span.end;
    e->brackets.push_back(b);
  }
  e->span.end = closing_brace_after(e->args.back()->span.end);
}

// match_arm -> ('其他' | range_pattern | name ('|' name)*) '=>' expression
// A range's ends go into the 按's operands (e.args), as a 累进's bounds do.
// An arm's patterns: every child but the last (its value).
void Converter::patterns(const Node& n, ast::Expr& e, ast::MatchArm& a) const {
  for (std::size_t i = 0; i + 1 < n.children.size(); ++i) {
    const Node& p = child(n, i);
    if (p.is_type<g::otherwise_pattern>()) a.otherwise = true;
    else if (p.is_type<g::range_pattern>()) range(p, e, a);
    else a.patterns.push_back(named(p));
  }
}

// A refusal (after 要求 C 否则, 校验 C 否则, 超出 拒绝): a text, or
// refusal_table -> '按' expression '{' refusal_arm (','? refusal_arm)* '}'
// refusal_arm -> arm_pattern '=>' text: a 按 whose k-th arm's value is the integer k,
// `texts` the arms' texts and `text` the table as written.
void Converter::refusal(const Node& n, std::string& text, ast::ExprPtr& by, std::vector<std::string>& texts) const {
  if (!n.is_type<g::refusal_table>()) {
    text = string_value(n);
    return;
  }
  std::vector<ast::ExprPtr> args;
  args.push_back(expr(child(n, 0)));
  auto e = node(ast::ExprKind::Match, span_of(n), std::move(args));
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const Node& arm_node = child(n, i);
    ast::MatchArm a;
    a.span = span_of(arm_node);
    patterns(arm_node, *e, a);
    const Node& text_node = *arm_node.children.back();
    texts.push_back(string_value(text_node));
    Built k = leaf(ast::ExprKind::Number, text_node);
    k->number = Decimal::from_scaled(static_cast<std::int64_t>(texts.size()), 0);
    a.value = std::move(k);
    a.span.end = a.value->span.end;
    e->arms.push_back(std::move(a));
  }
  ranges_or_values(*e);
  e->span.end = closing_brace_after(e->arms.back().value->span.end);
  text = std::string(span_text(e->span));
  by = std::move(e);
}

ast::MatchArm Converter::arm(const Node& n, ast::Expr& e) const {
  ast::MatchArm a;
  a.span = span_of(n);
  patterns(n, e, a);
  a.value = expr(*n.children.back());
  a.span.end = a.value->span.end;
  return a;
}

// range_pattern -> range_bound ('以上' | '以下' | '至' range_bound)
// range_bound -> '-'? (literal | name) '(' ('含' | '不含') ')'
void Converter::range(const Node& p, ast::Expr& e, ast::MatchArm& a) const {
  auto end = [&](const Node& b) {
    std::size_t k = 0;
    const bool minus = child(b, 0).is_type<g::range_minus>();
    if (minus) ++k;
    const Node& v = child(b, k);
    Built x = expr(v);
    if (minus) {
      std::vector<ast::ExprPtr> inner;
      inner.push_back(std::move(x));
      Span s = span_of(b);
      s.end = inner.back()->span.end;
      x = node(ast::ExprKind::Negate, s, std::move(inner));
    }
    e.args.push_back(std::move(x));
    bound(e, e.args.back()->depth);
    return ast::RangeEnd{static_cast<int>(e.args.size() - 1), child(b, k + 1).string_view() == "含"};
  };
  a.pattern_span = span_of(p);
  const ast::RangeEnd first = end(child(p, 0));
  const Node& rest = child(p, 1);
  if (rest.is_type<g::range_above>() || rest.is_type<g::range_below>()) {
    (rest.is_type<g::range_above>() ? a.lower : a.upper) = first;
    a.pattern_span.end = static_cast<std::uint32_t>(rest.begin().byte) + 6;  // 以上 / 以下: two 3-byte characters
  } else {
    a.lower = first, a.upper = end(rest);
    // just past the ')' or '）' that closes the last (含)/(不含)
    const std::string& t = file_->text();
    std::uint32_t at = static_cast<std::uint32_t>(child(rest, rest.children.size() - 1).end().byte);
    while (at < t.size() && t[at] != ')' && t.compare(at, 3, "）") != 0) ++at;
    a.pattern_span.end = at >= t.size() ? at : at + (t[at] == ')' ? 1 : 3);
  }
}

// A 按 whose arms are ranges is a range table; its arms are all ranges (or 其他).
void Converter::ranges_or_values(ast::Expr& e) const {
  const ast::MatchArm* range = nullptr;
  const ast::MatchArm* value = nullptr;
  for (const auto& a : e.arms) {
    if (a.lower.arg >= 0 || a.upper.arg >= 0) range = range ? range : &a;
    else if (!a.otherwise) value = value ? value : &a;
  }
  if (!range) return;
  if (value) {
    Span at = value->span;
    at.end = value->patterns.back().span.end;
    throw ConvertError{at, "按 的分支要么都是区间,要么都是取值;这里 " + value->patterns.front().name +
                               " 是取值,而 " + std::string(span_text(range->pattern_span)) + " 是区间"};
  }
  e.kind = ast::ExprKind::Ranges;
}

}  // namespace kuan::parse
