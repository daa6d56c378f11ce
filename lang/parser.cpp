// Source text → typed AST (lang/parser.hpp). PEGTL parses into a parse tree of
// the nodes selected below; parse::Converter (lang/parser_impl.hpp) turns it
// into the AST: expressions in parser_expressions.cpp, statements and
// declarations in parser_declarations.cpp. Here: the entry points, the
// converter's reading of the tree's text, and the hints on a syntax error.
#include "lang/parser.hpp"

#include <cctype>

#include <algorithm>

#include <fmt/format.h>

#include "base/limits.hpp"
#include "lang/grammar.hpp"
#include "lang/parse_node.hpp"
#include "lang/parser_impl.hpp"
#include "lang/units.hpp"

namespace kuan {

namespace pegtl = tao::pegtl;
namespace g = grammar;
using parse::ConvertError;
using parse::Converter;
using parse::Node;
using parse::too_deep_message;


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
        g::reference, g::call, g::has_fact, g::in_force_test, g::refusal_table, g::refusal_arm, g::match_expr, g::match_arm, g::negation, g::negated, g::conditional,
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
        g::progressive_expr, g::schedule_ref, g::schedule_stmt, g::bracket_arm, g::bracket_upper, g::bracket_top, g::bracket_deduction,
        g::validation_stmt, g::expect_error, g::error_code, g::signed_marker, g::result_item, g::expect_results, g::result_value,
        g::range_pattern, g::range_bound, g::range_minus, g::inclusion_word, g::range_above, g::range_below>,
    pegtl::parse_tree::fold_one::on<g::product, g::sum, g::comparison, g::conjunction, g::disjunction>>;

namespace parse {

std::string too_deep_message() {
  return fmt::format("表达式过长或嵌套过深(超过 {} 层),请拆成几个 定义", limits::kMaxNesting);
}

// Just past the '}' that closes a 按 { … }: skips blanks, commas and comments
// after the last arm (the grammar guarantees the brace is there).
std::uint32_t Converter::closing_brace_after(std::uint32_t pos, char ascii, const char* wide) const {
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

// text -> '"' … '"' (\n, \t; a backslash keeps any other character) | '「' … '」' | '“' … '”'
std::string Converter::string_value(const Node& n) const {
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

}  // namespace parse

namespace {

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

namespace {

// Parses `file` as `Rule` and hands the parse tree's root to `use`, which
// converts it; a source that is no text, a syntax error or a conversion error
// becomes the one diagnostic instead.
template <typename Rule, typename Use>
void parse_as(const SourceFile* file, std::vector<Diagnostic>& diagnostics, Use&& use) {
  if (auto problem = source_problem(file->text())) {
    const auto at = static_cast<std::uint32_t>(problem->offset);
    diagnostics.push_back(make_diagnostic(Severity::Error, Span{file, at, at}, std::move(problem->message)));
    return;
  }
  pegtl::memory_input in(file->text(), file->name());
  parse::NodePool pool;  // before the tree: outlives it
  try {
    use(parse::parse_tree<Rule, selector, g::depth_action, g::control>(in, pool));
  } catch (const pegtl::parse_error& e) {
    diagnostics.push_back(parse_error_diagnostic(file, e));
  } catch (const ConvertError& e) {
    diagnostics.push_back(make_diagnostic(Severity::Error, e.span, e.message));
  }
}

}  // namespace

ParsedModule parse_module(SourcePtr source, std::uint32_t first_id) {
  ParsedModule out;
  const SourceFile* file = source.get();
  parse_as<g::file>(file, out.diagnostics, [&](auto root) {
    if (!root) {
      // Unreachable with must<eof> at the end, kept so a grammar change cannot crash.
      out.diagnostics.push_back(make_diagnostic(Severity::Error, Span{file, 0, 0}, "无法解析此文件"));
      return;
    }
    auto module = std::make_unique<ast::Module>();
    module->source = source;
    Converter convert(file, first_id);
    for (const auto& c : root->children) convert.statement(*c, *module);
    module->first_id = first_id;
    module->end_id = convert.next_id();
    out.module = std::move(module);
  });
  return out;
}

ParsedExpression parse_expression(const SourcePtr& source) {
  ParsedExpression out;
  const SourceFile* file = source.get();
  parse_as<g::expression_input>(file, out.diagnostics, [&](auto root) {
    if (!root || root->children.empty()) {
      out.diagnostics.push_back(make_diagnostic(Severity::Error, Span{file, 0, 0}, "这里需要一个表达式"));
      return;
    }
    Converter convert(file, 0);
    out.expr = convert.expr(*root->children.front());
  });
  return out;
}

}  // namespace kuan
