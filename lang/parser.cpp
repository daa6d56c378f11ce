#include "lang/parser.hpp"

#include <cctype>

#include <algorithm>

#include <fmt/format.h>

#include "base/date.hpp"
#include "base/limits.hpp"
#include "lang/grammar.hpp"
#include "lang/limit_rules.hpp"
#include "lang/parse_node.hpp"

namespace kuan {

namespace pegtl = tao::pegtl;
namespace g = grammar;
using parse::Node;

// The parse tree keeps only the nodes the converter reads: leaves with their
// text, and the structural nodes that say what the leaves mean. Single-child
// operator chains are folded away so that `a` is not a sum of one product.
template <typename Rule>
using selector = pegtl::parse_tree::selector<
    Rule,
    pegtl::parse_tree::store_content::on<
        g::identifier, g::string_literal, g::date_literal, g::loose_date, g::number_literal, g::true_literal, g::false_literal,
        g::cmp_op, g::add_op, g::mul_op, g::rounding_mode, g::type_money, g::type_rate, g::type_integer,
        g::type_number, g::type_bool, g::type_date, g::type_days, g::type_months, g::type_years, g::clause_ref, g::otherwise_pattern, g::optional_marker,
        g::reference, g::call, g::has_fact, g::match_expr, g::match_arm, g::negation, g::negated, g::conditional,
        g::policy_stmt, g::edition_stmt, g::period_stmt, g::period_end, g::example_date, g::rounding_stmt, g::param_stmt,
        g::fact_stmt, g::define_stmt, g::cap_stmt, g::type_enum, g::label, g::fact_default, g::used_part,
        g::when_part, g::cap_body, g::require_item, g::need_item, g::cap_item, g::stack_item, g::rate_item,
        g::base_item, g::amount_item, g::measure_stmt, g::example_stmt, g::example_fact, g::expect_amount,
        g::expect_ineligible, g::clause_stmt, g::original_text, g::responsible, g::arguments, g::pool_stmt,
        g::accumulate_stmt, g::quota_item, g::quota_score, g::base_stmt, g::revise_stmt, g::replace_stmt,
        g::remove_stmt, g::removable_kind, g::clause_revision, g::paren, g::expect_unbound, g::status_value, g::year_total_source,
        g::limit_stmt, g::limit_amount, g::limit_count, g::group_by, g::scope_applicant, g::scope_application,
        g::scope_all, g::period_year, g::period_application, g::period_range, g::limit_bound, g::limit_covers,
        g::action_cut, g::action_refuse, g::action_best, g::action_pro_rata, g::stacking_marker, g::property_stmt, g::property_claim, g::claim_holds,
        g::aggregate, g::aggregate_word, g::aggregate_filter, g::type_list, g::list_field, g::list_literal,
        g::record_literal, g::record_field,
        g::progressive_expr, g::bracket_arm, g::bracket_upper, g::bracket_top, g::bracket_deduction,
        g::validation_stmt, g::expect_error, g::error_code, g::signed_marker,
        g::range_pattern, g::range_bound, g::range_minus, g::inclusion_word, g::range_above, g::range_below>,
    pegtl::parse_tree::fold_one::on<g::product, g::sum, g::comparison, g::conjunction, g::disjunction>>;

// ------------------------------------------------------------------ dates
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

namespace {

// Raised while converting when a token is well-formed for the grammar but not
// meaningful (a date like 2025-02-30, a number with a leading zero).
struct ConvertError {
  Span span;
  std::string message;
};

std::string too_deep_message() {
  return fmt::format("表达式过长或嵌套过深(超过 {} 层),请拆成几个 定义", limits::kMaxNesting);
}

// An expression while the parser still fills it in; stored as ast::ExprPtr.
using Built = std::unique_ptr<ast::Expr>;

class Converter {
 public:
  Converter(const SourceFile* file, std::uint32_t first_id) : file_(file), next_id_(first_id) {}
  std::uint32_t next_id() const { return next_id_; }

  Span span_of(const Node& n) const {
    return Span{file_, static_cast<std::uint32_t>(n.begin().byte), static_cast<std::uint32_t>(n.end().byte)};
  }
  // Structural nodes end after trailing white space; the tight span of an
  // expression runs from its first to its last leaf.
  Span tight(const Node& n) const {
    if (n.children.empty()) return span_of(n);
    Span s = span_of(n);
    s.end = tight(*n.children.back()).end;
    return s;
  }

  // Just past the '}' that closes a 按 { … }: skips blanks, commas and comments
  // after the last arm (the grammar guarantees the brace is there).
  std::uint32_t closing_brace_after(std::uint32_t pos, char ascii = '}', const char* wide = "｝") const {
    const std::string& t = file_->text();
    while (pos < t.size()) {
      if (t[pos] == ascii) return pos + 1;
      if (t.compare(pos, 3, wide) == 0) return pos + 3;
      if (t[pos] == '#') {
        while (pos < t.size() && t[pos] != '\n') ++pos;
        continue;
      }
      ++pos;
    }
    return pos;
  }

  // From the node's first byte to the end of its last converted operand (whose
  // span already covers any parentheses).
  Span through_last(const Node& n, const std::vector<ast::ExprPtr>& args) const {
    Span s = span_of(n);
    s.end = args.back()->span.end;
    return s;
  }

  static std::string text(const Node& n) { return std::string(n.string_view()); }

  std::string string_value(const Node& n) const {
    const std::string_view raw = n.string_view();
    if (raw.front() != '"') {
      // 「…」 and “…”: three-byte delimiters, content verbatim.
      return std::string(raw.substr(3, raw.size() - 6));
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] == '\\') {
        const char c = raw[++i];
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        out += raw[i];
      }
    }
    return out;
  }

  const Node& child(const Node& n, std::size_t i) const { return *n.children.at(i); }

  template <typename Rule>
  const Node* find(const Node& n) const {
    for (const auto& c : n.children)
      if (c->is_type<Rule>()) return c.get();
    return nullptr;
  }

  ast::NamedSpan named(const Node& identifier) const { return {text(identifier), span_of(identifier)}; }

  // number_literal: digits then an optional unit.
  Built number(const Node& n) const {
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

  // 施行中(M): written as a call, but its argument is a measure's name, not a value.
  Built in_force_test(const Node& n) const {
    const Node* args = find<g::arguments>(n);
    if (!args || args->children.size() != 1 || !args->children[0]->is_type<g::reference>())
      throw ConvertError{span_of(n), "施行中(…) 的括号中须为一个措施名,如 施行中(减免税额)"};
    auto e = leaf(ast::ExprKind::InForce, n);
    e->name = text(child(*args->children[0], 0));
    return e;
  }

  Built leaf(ast::ExprKind kind, const Node& n) const {
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
  static void bound(ast::Expr& e, int child_depth) {
    e.depth = std::max(e.depth, child_depth + 1);
    if (e.depth > limits::kMaxNesting) throw ConvertError{e.span, too_deep_message()};
  }

  Built node(ast::ExprKind kind, Span span, std::vector<ast::ExprPtr> args) const {
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
  Built expr(const Node& n) const {
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
    if (n.is_type<g::has_fact>()) {
      auto e = leaf(ast::ExprKind::Has, n);
      e->name = text(child(n, 0));
      e->span = span_of(child(n, 0));
      return e;
    }
    // call -> identifier '(' arguments ')'
    if (n.is_type<g::call>()) {
      if (text(child(n, 0)) == "施行中") return in_force_test(n);
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
  Built aggregate(const Node& n) const {
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
  Built progressive(const Node& n) const {
    std::vector<ast::ExprPtr> args;
    args.push_back(expr(child(n, 0)));
    auto e = node(ast::ExprKind::Progressive, span_of(n), std::move(args));
    auto operand = [&](const Node& x) {
      e->args.push_back(expr(x));
      bound(*e, e->args.back()->depth);
      return static_cast<int>(e->args.size() - 1);
    };
    for (std::size_t i = 1; i < n.children.size(); ++i) {
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
    return e;
  }

  // match_arm -> ('其他' | range_pattern | name ('|' name)*) '=>' expression
  // A range's ends go into the 按's operands (e.args), as a 累进's bounds do.
  ast::MatchArm arm(const Node& n, ast::Expr& e) const {
    ast::MatchArm a;
    a.span = span_of(n);
    for (std::size_t i = 0; i + 1 < n.children.size(); ++i) {
      const Node& p = child(n, i);
      if (p.is_type<g::otherwise_pattern>()) a.otherwise = true;
      else if (p.is_type<g::range_pattern>()) range(p, e, a);
      else a.patterns.push_back(named(p));
    }
    a.value = expr(*n.children.back());
    a.span.end = a.value->span.end;
    return a;
  }

  // range_pattern -> range_bound ('以上' | '以下' | '至' range_bound)
  // range_bound -> '-'? (literal | name) '(' ('含' | '不含') ')'
  void range(const Node& p, ast::Expr& e, ast::MatchArm& a) const {
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
  void ranges_or_values(ast::Expr& e) const {
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

  // 上限 X = L [已用 U] [当 C] / 叠加 X = …: sugar for a 限额 (see ast::LimitDecl).
  ast::LimitDecl cap(const Node& n, bool stacking) const {
    ast::ExprPtr limit, used, when;
    if (const Node* body = find<g::cap_body>(n)) {
      limit = expr(child(*body, 0));
      if (const Node* u = find<g::used_part>(*body)) used = expr(child(*u, 0));
      if (const Node* w = find<g::when_part>(*body)) when = expr(child(*w, 0));
    }
    return lower_cap(text(child(n, 0)), span_of(child(n, 0)), stacking, std::move(limit), std::move(used), std::move(when));
  }

  ast::ExprPtr name_expr(const ast::NamedSpan& n) const {
    auto e = std::make_unique<ast::Expr>();
    e->id = next_id_++;
    e->kind = ast::ExprKind::Name;
    e->span = n.span;
    e->name = n.name;
    return e;
  }

  // limit_stmt -> '限额' name '{' limit_item* '}'
  ast::LimitDecl limit(const Node& n) const {
    ast::LimitDecl l;
    l.name = text(child(n, 0));
    l.span = span_of(child(n, 0));
    auto once = [&](bool& seen, const Node& item, const char* what) {
      if (seen) throw ConvertError{tight(item), std::string("限额 ") + l.name + " 中 " + what + " 写了两次"};
      seen = true;
    };
    bool bound = false, used = false, when = false, covers = false, stacking = false;
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const Node& c = child(n, i);
      if (c.is_type<g::limit_amount>() || c.is_type<g::limit_count>()) {
        once(l.explicit_what, c, "计");
        l.what = c.is_type<g::limit_count>() ? ast::LimitWhat::Count : ast::LimitWhat::Amount;
      } else if (c.is_type<g::scope_applicant>() || c.is_type<g::scope_application>() || c.is_type<g::scope_all>()) {
        once(l.explicit_scope, c, "范围(每 申请 / 每 申请人 / 全部)");
        l.scope = c.is_type<g::scope_applicant>() ? ast::LimitScope::Applicant
                  : c.is_type<g::scope_all>()     ? ast::LimitScope::All
                                                  : ast::LimitScope::Application;
      } else if (c.is_type<g::group_by>()) {
        l.group = named(child(c, 0));
      } else if (c.is_type<g::period_year>() || c.is_type<g::period_application>() || c.is_type<g::period_range>()) {
        once(l.explicit_period, c, "期间");
        if (c.is_type<g::period_year>()) l.period = ast::LimitPeriod::Year;
        else if (c.is_type<g::period_application>()) l.period = ast::LimitPeriod::Application;
        else {
          l.period = ast::LimitPeriod::Stated;
          const Node& from = child(c, 0);
          const Node& to = child(c, 1);
          auto d1 = parse_date(from.string_view());
          if (!d1) throw ConvertError{span_of(from), "没有这一天:" + text(from)};
          auto d2 = parse_date(to.string_view());
          if (!d2) throw ConvertError{span_of(to), "没有这一天:" + text(to)};
          if (*d2 < *d1) throw ConvertError{span_of(to), "期间的结束日期早于开始日期"};
          l.period_from = *d1;
          l.period_to = *d2;
        }
      } else if (c.is_type<g::limit_bound>()) {
        once(bound, c, "不超过");
        l.limit = expr(child(c, 0));
      } else if (c.is_type<g::used_part>()) {
        once(used, c, "已用");
        l.used = expr(child(c, 0));
      } else if (c.is_type<g::when_part>()) {
        once(when, c, "当");
        l.when = expr(child(c, 0));
      } else if (c.is_type<g::limit_covers>()) {
        once(covers, c, "覆盖");
        for (const auto& m : c.children) l.covers.push_back(named(*m));
      } else if (c.is_type<g::action_cut>() || c.is_type<g::action_refuse>() || c.is_type<g::action_best>() ||
                 c.is_type<g::action_pro_rata>()) {
        once(l.explicit_action, c, "超出");
        if (c.is_type<g::action_cut>()) l.action = ast::LimitAction::Cut;
        else if (c.is_type<g::action_pro_rata>()) l.action = ast::LimitAction::ProRata;
        else if (c.is_type<g::action_refuse>()) {
          l.action = ast::LimitAction::Refuse;
          l.refusal = string_value(child(c, 0));
        } else {
          l.action = ast::LimitAction::Best;
          if (const Node* score = find<g::quota_score>(c)) l.score = named(child(*score, 0));
        }
      } else if (c.is_type<g::stacking_marker>()) {
        once(stacking, c, "叠加");
        l.stacking = true;
      }
    }
    // Unstated, the period follows the scope: one application's own, or the year.
    if (!l.explicit_period && l.scope != ast::LimitScope::Application) l.period = ast::LimitPeriod::Year;
    return l;
  }

  // One of the type_* nodes: its kind, enumeration values and span.
  template <typename Decl>
  void type_of(const Node& t, Decl& f) const {
    f.type_span = tight(t);
    if (t.is_type<g::type_money>()) {
      f.kind = ast::FactKind::Money;
      const std::string_view written = t.string_view();
      if (const auto slash = written.find('/'); slash != std::string_view::npos)
        if (const units::PeriodWord* p = units::period_at(written.substr(slash + 1))) f.time = p->time;
    } else if (t.is_type<g::type_days>() || t.is_type<g::type_months>() || t.is_type<g::type_years>()) {
      f.kind = ast::FactKind::Integer;
      f.time = t.is_type<g::type_days>() ? TimeUnit::Day : t.is_type<g::type_months>() ? TimeUnit::Month : TimeUnit::Year;
    }
    else if (t.is_type<g::type_rate>()) f.kind = ast::FactKind::Rate;
    else if (t.is_type<g::type_integer>()) f.kind = ast::FactKind::Integer;
    else if (t.is_type<g::type_number>()) f.kind = ast::FactKind::Number;
    else if (t.is_type<g::type_bool>()) f.kind = ast::FactKind::Bool;
    else if (t.is_type<g::type_date>()) f.kind = ast::FactKind::Date;
    else {
      f.kind = ast::FactKind::Enum;
      f.type_span = span_of(t);
      for (const auto& v : t.children) f.enum_values.push_back(named(*v));
    }
  }

  ast::FactDecl fact(const Node& n) const {
    ast::FactDecl f;
    f.name = text(child(n, 0));
    f.span = span_of(child(n, 0));
    const Node& t = child(n, 1);
    if (t.is_type<g::type_list>()) {
      // type_list -> '列表' '{' list_field (','? list_field)* '}'
      f.kind = ast::FactKind::List;
      f.type_span = span_of(t);
      for (const auto& c : t.children) {
        ast::ListField field;
        field.name = text(child(*c, 0));
        field.span = span_of(child(*c, 0));
        type_of(child(*c, 1), field);
        f.fields.push_back(std::move(field));
      }
    } else {
      type_of(t, f);
    }
    for (std::size_t i = 2; i < n.children.size(); ++i) {
      const Node& c = child(n, i);
      if (c.is_type<g::fact_default>()) f.default_value = expr(child(c, 0));
      else if (c.is_type<g::optional_marker>()) f.optional = true;
      else if (c.is_type<g::label>()) f.label = string_value(child(c, 0));
    }
    return f;
  }

  std::int32_t day(const Node& d) const {
    auto v = parse_date(d.string_view());
    if (!v) throw ConvertError{span_of(d), "没有这一天:" + text(d)};
    return *v;
  }

  // period_stmt -> '施行' date ['至' date] ['起'], inside a measure or a clause.
  ast::InForce in_force(const Node& c, const std::optional<ast::InForce>& earlier, const char* where) const {
    if (earlier) throw ConvertError{tight(c), std::string(where) + "中 施行 写了两次"};
    ast::InForce f;
    f.span = tight(c);
    f.from = day(child(c, 0));
    if (const Node* end = find<g::period_end>(c)) {
      const Node& to = child(*end, 0);
      f.to = day(to);
      if (*f.to < f.from) throw ConvertError{span_of(to), "施行的结束日期早于开始日期"};
    }
    return f;
  }

  ast::MeasureDecl measure(const Node& n, int clause) const {
    ast::MeasureDecl m;
    m.name = text(child(n, 0));
    m.span = span_of(child(n, 0));
    m.clause = clause;
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const Node& c = child(n, i);
      if (c.is_type<g::string_literal>()) m.title = string_value(c);
      else if (c.is_type<g::signed_marker>()) {
        m.signed_result = true;
        m.signed_span = span_of(c);
        m.signed_span.end = m.signed_span.begin + 9;  // 可为负: three 3-byte characters
      }
      else if (c.is_type<g::require_item>()) {
        ast::Requirement r;
        r.condition = expr(child(c, 0));
        r.span = r.condition->span;
        r.reason = string_value(child(c, 1));
        m.requirements.push_back(std::move(r));
      } else if (c.is_type<g::need_item>()) {
        if (const Node* when = find<g::when_part>(c)) {
          ast::ConditionalNeed need;
          for (const auto& id : c.children)
            if (id->is_type<g::identifier>()) need.facts.push_back(named(*id));
          need.when = expr(child(*when, 0));
          m.conditional_needs.push_back(std::move(need));
        } else {
          for (const auto& id : c.children) m.needs.push_back(named(*id));
        }
      } else if (c.is_type<g::cap_item>()) m.limits.push_back(cap(c, false));
      else if (c.is_type<g::stack_item>()) m.limits.push_back(cap(c, true));
      else if (c.is_type<g::limit_stmt>()) m.limits.push_back(limit(c));
      else if (c.is_type<g::rate_item>()) m.rate = expr(child(c, 0)), m.rate_span = span_of(c);
      else if (c.is_type<g::base_item>()) m.base = expr(child(c, 0)), m.base_span = span_of(c);
      else if (c.is_type<g::amount_item>()) m.amount = expr(child(c, 0)), m.amount_span = span_of(c);
      else if (c.is_type<g::period_stmt>()) m.in_force = in_force(c, m.in_force, "措施");
      else if (c.is_type<g::quota_item>()) {
        // 名额 = N [按 S]: sugar for 限额 {计 件数 全部 期间 每年 不超过 N 超出 择优 [按 S]}.
        ast::ExprPtr limit = expr(child(c, 0));
        std::optional<ast::NamedSpan> score;
        if (const Node* s = find<g::quota_score>(c)) score = named(child(*s, 0));
        m.limits.push_back(lower_quota(m.name, tight(c), std::move(limit), std::move(score)));
      }
    }
    return m;
  }

  // example_fact -> name '=' (list_literal | expression)
  ast::ExampleFact example_fact(const Node& c) const {
    ast::ExampleFact f{text(child(c, 0)), span_of(child(c, 0)), nullptr};
    const Node& value = child(c, 1);
    if (!value.is_type<g::list_literal>()) {
      f.value = expr(value);
      return f;
    }
    // list_literal -> '[' record_literal (',' record_literal)* ']' ; record_literal -> '{' record_field, … '}'
    f.list = true;
    std::uint32_t end = static_cast<std::uint32_t>(value.begin().byte) + 1;
    for (const auto& record : value.children) {
      auto& item = f.items.emplace_back();
      end = static_cast<std::uint32_t>(record->begin().byte) + 1;
      for (const auto& field : record->children) {
        item.push_back({text(child(*field, 0)), span_of(child(*field, 0)), expr(child(*field, 1))});
        end = item.back().value->span.end;
      }
      end = closing_brace_after(end);
    }
    f.value_span = Span{file_, static_cast<std::uint32_t>(value.begin().byte), closing_brace_after(end, ']', "］")};
    return f;
  }

  ast::ExampleDecl example(const Node& n) const {
    ast::ExampleDecl x;
    x.measure = text(child(n, 0));
    x.span = span_of(child(n, 0));
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const Node& c = child(n, i);
      if (c.is_type<g::string_literal>()) x.title = string_value(c);
      else if (c.is_type<g::example_date>()) x.as_of = day(child(c, 0));
      else if (c.is_type<g::example_fact>()) x.facts.push_back(example_fact(c));
      else if (c.is_type<g::expect_amount>()) {
        x.expect_eligible = true;
        x.expected_amount = expr(child(c, 0));
        if (c.children.size() > 1) {
          if (child(c, 1).is_type<g::expect_unbound>()) x.expect_unbound = true;
          else x.expected_bound = named(child(c, 1));
        }
      } else if (c.is_type<g::expect_ineligible>()) {
        x.expect_eligible = false;
        if (!c.children.empty()) x.expected_reason = string_value(child(c, 0));
      } else if (c.is_type<g::expect_error>()) {  // 得 错误 CODE | 得 错误 "…"
        x.expect_error = true;
        const Node& what = child(c, 0);
        if (what.is_type<g::error_code>()) x.expected_error_code = named(child(what, 0));
        else x.expected_error_text = string_value(what);
      }
    }
    return x;
  }

  // property_stmt -> '性质' name text? '{' '对任意' name ('当' expr)? '有' expr '}'
  ast::PropertyDecl property(const Node& n) const {
    ast::PropertyDecl p;
    p.measure = text(child(n, 0));
    p.span = span_of(child(n, 0));
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const Node& c = child(n, i);
      if (c.is_type<g::string_literal>()) p.title = string_value(c);
      if (!c.is_type<g::property_claim>()) continue;
      p.variable = named(child(c, 0));
      for (std::size_t k = 1; k < c.children.size(); ++k) {
        const Node& part = child(c, k);
        if (part.is_type<g::when_part>()) p.when = expr(child(part, 0));
        else if (part.is_type<g::claim_holds>()) p.holds = expr(child(part, 0));
      }
    }
    return p;
  }

  void declaration(const Node& c, ast::Module& m, int clause) const {
    if (c.is_type<g::param_stmt>()) {
      ast::ParamDecl p;
      p.name = text(child(c, 0));
      p.span = span_of(child(c, 0));
      p.value = expr(child(c, 1));
      if (const Node* l = find<g::label>(c)) p.label = string_value(child(*l, 0));
      m.params.push_back(std::move(p));
    } else if (c.is_type<g::fact_stmt>()) {
      m.facts.push_back(fact(c));
    } else if (c.is_type<g::define_stmt>()) {
      ast::DefineDecl d;
      d.name = text(child(c, 0));
      d.span = span_of(child(c, 0));
      d.value = expr(child(c, 1));
      m.defines.push_back(std::move(d));
    } else if (c.is_type<g::cap_stmt>()) {
      m.limits.push_back(cap(c, false));
    } else if (c.is_type<g::limit_stmt>()) {
      m.limits.push_back(limit(c));
    } else if (c.is_type<g::pool_stmt>()) {
      // 资金池 P = A 覆盖 M…: sugar for 限额 P {计 金额 全部 期间 每年 不超过 A 覆盖 M… 超出 按比例}.
      ast::ExprPtr limit = expr(child(c, 1));
      std::vector<ast::NamedSpan> covers;
      for (std::size_t i = 2; i < c.children.size(); ++i) covers.push_back(named(child(c, i)));
      m.limits.push_back(lower_pool(text(child(c, 0)), span_of(child(c, 0)), std::move(limit), std::move(covers)));
    } else if (c.is_type<g::accumulate_stmt>()) {
      const ast::NamedSpan fact = named(child(c, 0));
      std::vector<ast::NamedSpan> measures;
      const Node* source = nullptr;
      for (std::size_t i = 1; i < c.children.size(); ++i) {
        if (c.children[i]->is_type<g::year_total_source>()) source = &child(c, i);
        else measures.push_back(named(child(c, i)));
      }
      if (source) {
        m.accumulations.push_back({fact, std::move(measures), named(child(*source, 0))});
      } else {
        // 累计 F = M…: sugar for 限额 F {计 金额 每 申请人 期间 每年 已用 F 覆盖 M…}, a tally with no bound.
        m.limits.push_back(lower_tally(fact, name_expr(fact), std::move(measures)));
      }
    } else if (c.is_type<g::measure_stmt>()) {
      m.measures.push_back(measure(c, clause));
    } else if (c.is_type<g::example_stmt>()) {
      m.examples.push_back(example(c));
    } else if (c.is_type<g::property_stmt>()) {
      m.properties.push_back(property(c));
    } else if (c.is_type<g::validation_stmt>()) {  // 校验 COND 否则 "…"
      ast::ValidationDecl v;
      v.condition = expr(child(c, 0));
      v.span = tight(child(c, 0));  // the condition as written (有 F starts at 有)
      v.message = string_value(child(c, 1));
      v.clause = clause;
      m.validations.push_back(std::move(v));
    }
  }

  // revise_stmt -> '修订' declaration ; replace_stmt -> '替换' measure_stmt
  void revision(const Node& c, ast::Module& m) const {
    const ast::Revision kind = c.is_type<g::replace_stmt>() ? ast::Revision::Replace : ast::Revision::Revise;
    Span at = span_of(c);
    at.end = at.begin;
    const Node& decl = child(c, 0);
    if (decl.is_type<g::clause_revision>()) {
      ast::ClauseDecl cl = clause_head(decl);
      for (std::size_t i = 1; i < decl.children.size(); ++i) clause_text(child(decl, i), cl);
      m.clause_revisions.push_back(std::move(cl));
      return;
    }
    declaration(decl, m, -1);
    auto mark = [&](auto& vec) {
      vec.back().revision = kind;
      vec.back().revision_span = at;
    };
    if (decl.is_type<g::param_stmt>()) mark(m.params);
    else if (decl.is_type<g::fact_stmt>()) mark(m.facts);
    else if (decl.is_type<g::define_stmt>()) mark(m.defines);
    else if (decl.is_type<g::cap_stmt>() || decl.is_type<g::pool_stmt>() || decl.is_type<g::limit_stmt>()) mark(m.limits);
    else if (decl.is_type<g::measure_stmt>()) mark(m.measures);
  }

  // clause_stmt, clause_revision -> '条款' clause_ref [text] '{' … '}'
  ast::ClauseDecl clause_head(const Node& c) const {
    ast::ClauseDecl cl;
    cl.span = span_of(child(c, 0));
    const std::string_view ref = child(c, 0).string_view();
    cl.ref = std::string(ref.substr(0, ref.find_last_not_of(" \t\r\n") + 1));
    return cl;
  }

  // The title, 原文 or 责任单位 of a clause; false for any other item.
  bool clause_text(const Node& item, ast::ClauseDecl& cl) const {
    if (item.is_type<g::string_literal>()) cl.title = string_value(item);
    else if (item.is_type<g::original_text>()) cl.text = string_value(child(item, 0));
    else if (item.is_type<g::responsible>()) cl.responsible = string_value(child(item, 0));
    else return false;
    return true;
  }

  std::string where(const Span& s) const { return position_text(s); }

  // A module keeps one of each header line; the second one in a file is an
  // error here, at the second, as the checker reports one written in two files
  // (otherwise the last would silently win).
  template <typename T>
  void first_header(const std::optional<ast::Located<T>>& slot, const Span& again, const char* what) const {
    if (slot) throw ConvertError{again, std::string(what) + " 重复声明(已在 " + where(slot->span) + " 声明)"};
  }

  void statement(const Node& c, ast::Module& m) const {
    auto located_text = [&](auto& slot, const char* what) {
      first_header(slot, span_of(child(c, 0)), what);
      slot = ast::Located<std::string>{string_value(child(c, 0)), span_of(child(c, 0))};
    };
    if (c.is_type<g::policy_stmt>()) located_text(m.policy, "政策");
    else if (c.is_type<g::edition_stmt>()) located_text(m.edition, "版本");
    else if (c.is_type<g::base_stmt>()) located_text(m.base_edition, "基于");
    else if (c.is_type<g::status_value>()) {
      const std::string_view word = c.string_view();
      const auto status = word.rfind("示例", 0) == 0   ? ast::EditionStatus::Illustrative
                          : word.rfind("草案", 0) == 0 ? ast::EditionStatus::Draft
                                                        : ast::EditionStatus::Official;
      first_header(m.status, tight(c), "状态");
      m.status = ast::Located<ast::EditionStatus>{status, tight(c)};
    }
    else if (c.is_type<g::revise_stmt>() || c.is_type<g::replace_stmt>()) revision(c, m);
    else if (c.is_type<g::remove_stmt>()) {
      const std::string_view kind = child(c, 0).string_view();
      ast::Removal r;
      r.kind = kind.rfind("参数", 0) == 0   ? ast::DeclKind::Param
               : kind.rfind("事实", 0) == 0 ? ast::DeclKind::Fact
               : kind.rfind("定义", 0) == 0 ? ast::DeclKind::Define
               : kind.rfind("措施", 0) == 0 ? ast::DeclKind::Measure
                                              : ast::DeclKind::Limit;  // 上限, 资金池, 限额
      r.name = text(child(c, 1));
      r.span = span_of(child(c, 1));
      m.removals.push_back(std::move(r));
    }
    else if (c.is_type<g::period_stmt>()) {
      const Node& from = child(c, 0);
      auto d = parse_date(from.string_view());
      if (!d) throw ConvertError{span_of(from), "没有这一天:" + text(from)};
      first_header(m.effective_from, span_of(from), "施行");
      m.effective_from = ast::Located<std::int32_t>{*d, span_of(from)};
      if (const Node* end = find<g::period_end>(c)) {
        const Node& to = child(*end, 0);
        auto d2 = parse_date(to.string_view());
        if (!d2) throw ConvertError{span_of(to), "没有这一天:" + text(to)};
        m.effective_to = ast::Located<std::int32_t>{*d2, span_of(to)};
      }
    } else if (c.is_type<g::rounding_stmt>()) {
      const Node& mode = child(c, 0);
      first_header(m.rounding, tight(mode), "舍入");
      const std::string word = text(mode);
      ast::RoundingKind k = ast::RoundingKind::HalfUp;
      if (word.rfind("银行家舍入", 0) == 0) k = ast::RoundingKind::HalfEven;
      else if (word.rfind("向下舍入", 0) == 0) k = ast::RoundingKind::Down;
      else if (word.rfind("向上舍入", 0) == 0) k = ast::RoundingKind::Up;
      m.rounding = ast::Located<ast::RoundingKind>{k, tight(mode)};
      m.rounding_step = expr(child(c, 1));
    } else if (c.is_type<g::clause_stmt>()) {
      const int index = static_cast<int>(m.clauses.size());
      m.clauses.push_back(clause_head(c));
      for (std::size_t i = 1; i < c.children.size(); ++i) {
        const Node& item = child(c, i);
        if (item.is_type<g::period_stmt>()) m.clauses[index].in_force = in_force(item, m.clauses[index].in_force, "条款");
        else if (!clause_text(item, m.clauses[index])) declaration(item, m, index);
      }
    } else {
      declaration(c, m, -1);
    }
  }

 private:
  const SourceFile* file_;
  mutable std::uint32_t next_id_;  // the next expression's id (ast::Expr::id)
};

// Slips around a number that the grammar can only call "unexpected": a
// thousands separator (2,000元), a space before the unit (2000 元), a word that
// is not a unit (2级). Said plainly when the error sits right there.
std::string number_slip_hint(const SourceFile* file, std::size_t offset) {
  const std::string_view t = file->text();
  if (offset == 0 || offset >= t.size()) return "";
  auto digit = [&](std::size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  std::size_t before = offset;
  while (before > 0 && (t[before - 1] == ' ' || t[before - 1] == '\t')) --before;
  if (before == 0 || !digit(before - 1)) return "";
  const std::string_view rest = t.substr(offset);
  if (before == offset && rest[0] == ',' && digit(offset + 1) && digit(offset + 2) && digit(offset + 3))
    return "数字中不能写千位分隔符:如 2,000元 应写作 2000元";
  if (before < offset && units::unit_at(rest)) return "数字与单位之间不能有空格:如 2000 元 应写作 2000元";
  if (before == offset && rest.substr(0, 3) == "月")
    return "月数写作 个月:如 12月 应写作 12个月(按月计的金额写作 2000元/月)";
  if (before == offset && (static_cast<unsigned char>(rest[0]) >= 0x80 || std::isalpha(static_cast<unsigned char>(rest[0]))))
    return "数字后只能紧跟单位 " + units::listing() + ";这里紧跟的不是单位";
  return "";
}

// Chinese has no spaces, so `若中小企业` reads as one name and the parse fails
// later; when a word just before the error starts with a keyword, say so.
std::string keyword_space_hint(const SourceFile* file, std::size_t offset) {
  static constexpr const char* kWordKeywords[] = {"若", "则", "且", "或", "非", "按", "有", "否则", "已用", "当", "得"};
  const auto loc = file->locate(offset);
  const std::string_view line = file->line_text(loc.line);
  const std::size_t upto = std::min(line.size(), offset - file->line_start(loc.line));
  std::size_t i = 0;
  while (i < upto) {
    while (i < upto && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < upto && line[i] != ' ' && line[i] != '\t') ++i;
    const std::string_view word = line.substr(start, i - start);
    for (const char* k : kWordKeywords) {
      const std::string_view kw(k);
      if (word.size() > kw.size() && word.substr(0, kw.size()) == kw && static_cast<unsigned char>(word[kw.size()]) >= 0x80)
        return "(" + std::string(word) + " 被当作一个名称:关键字 " + std::string(kw) + " 与后面的名称之间需要空格?)";
    }
  }
  return "";
}

Diagnostic parse_error_diagnostic(const SourceFile* file, const pegtl::parse_error& e) {
  const auto& pos = e.positions().front();
  const Span span{file, static_cast<std::uint32_t>(pos.byte), static_cast<std::uint32_t>(pos.byte)};
  std::string message(e.message());
  if (message == "maximum parser rule nesting depth exceeded")
    message = too_deep_message();
  // A slip around a number says more than "unexpected here": it replaces the message.
  const bool wanted_date = message == g::error_message<g::expected_date>;  // 2025年6月13日: the date message says it
  if (std::string slip = wanted_date ? "" : number_slip_hint(file, pos.byte); !slip.empty())
    return make_diagnostic(Severity::Error, span, slip);
  return make_diagnostic(Severity::Error, span, message + keyword_space_hint(file, pos.byte));
}

}  // namespace

ParsedModule parse_module(SourcePtr source, std::uint32_t first_id) {
  ParsedModule out;
  const SourceFile* file = source.get();
  if (auto problem = source_problem(file->text())) {
    const auto at = static_cast<std::uint32_t>(problem->offset);
    out.diagnostics.push_back(make_diagnostic(Severity::Error, Span{file, at, at}, std::move(problem->message)));
    return out;
  }
  pegtl::memory_input in(file->text(), file->name());
  parse::NodePool pool;  // before the tree: outlives it
  try {
    auto root = parse::parse_tree<g::file, selector, g::depth_action, g::control>(in, pool);
    if (!root) {
      // Unreachable with must<eof> at the end, kept so a grammar change cannot crash.
      out.diagnostics.push_back(make_diagnostic(Severity::Error, Span{file, 0, 0}, "无法解析此文件"));
      return out;
    }
    auto module = std::make_unique<ast::Module>();
    module->source = source;
    Converter convert(file, first_id);
    for (const auto& c : root->children) convert.statement(*c, *module);
    module->first_id = first_id;
    module->end_id = convert.next_id();
    out.module = std::move(module);
  } catch (const pegtl::parse_error& e) {
    out.diagnostics.push_back(parse_error_diagnostic(file, e));
  } catch (const ConvertError& e) {
    out.diagnostics.push_back(make_diagnostic(Severity::Error, e.span, e.message));
  }
  return out;
}

ParsedExpression parse_expression(const SourcePtr& source) {
  ParsedExpression out;
  const SourceFile* file = source.get();
  if (auto problem = source_problem(file->text())) {
    const auto at = static_cast<std::uint32_t>(problem->offset);
    out.diagnostics.push_back(make_diagnostic(Severity::Error, Span{file, at, at}, std::move(problem->message)));
    return out;
  }
  pegtl::memory_input in(file->text(), file->name());
  parse::NodePool pool;  // before the tree: outlives it
  try {
    auto root = parse::parse_tree<g::expression_input, selector, g::depth_action, g::control>(in, pool);
    if (!root || root->children.empty()) {
      out.diagnostics.push_back(make_diagnostic(Severity::Error, Span{file, 0, 0}, "这里需要一个表达式"));
      return out;
    }
    Converter convert(file, 0);
    out.expr = convert.expr(*root->children.front());
  } catch (const pegtl::parse_error& e) {
    out.diagnostics.push_back(parse_error_diagnostic(file, e));
  } catch (const ConvertError& e) {
    out.diagnostics.push_back(make_diagnostic(Severity::Error, e.span, e.message));
  }
  return out;
}

}  // namespace kuan
