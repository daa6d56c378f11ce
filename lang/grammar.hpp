// The Kuan grammar, as PEGTL rules. Internal to lang/: only the parser
// (lang/parser*.cpp), input_status.cpp and the grammar test include it;
// everything else sees the typed AST.
//
// Design notes (why the grammar looks like this):
//  * Statements start with a keyword, so newlines are ordinary white space and a
//    rule can be wrapped over several lines freely.
//  * A keyword is a whole word: it must not be followed by an identifier
//    character. Chinese has no spaces, so `若中小企业` is one identifier; the
//    checker suggests the missing space when such a name is undefined.
//  * Words that are also natural names (金额, 比例, 基数, type names, rounding
//    modes) are not reserved; they are recognised only where they can appear.
//  * Every rule inside must<> is an `expected_*` wrapper with its own message
//    (must_if); no other rule has one, so a failed alternative never throws.
#pragma once

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>
#include <tao/pegtl/contrib/limit_depth.hpp>

#include "base/limits.hpp"
#include "base/utf8.hpp"
#include "lang/keywords.hpp"
#include "lang/units.hpp"

namespace kuan::grammar {

using namespace tao::pegtl;

// Nesting bound for expressions (base/limits.hpp): the grammar recurses only
// through expression, negation and negated, one level each, so the parser's
// count agrees with the syntax tree's depth; the top-level expression is one more.
inline constexpr std::size_t max_nesting = limits::kMaxNesting + 1;

// ---------------------------------------------------------------- lexical
struct comment : seq<one<'#'>, until<eolf>> {};
struct blank : sor<one<' ', '\t', '\r', '\n'>, utf8::one<0x3000>> {};
struct sp : star<sor<blank, comment>> {};

// Must agree with keywords::is_name_start (tests/test_grammar.cpp compares them).
struct ident_first
    : utf8::ranges<'a', 'z', 'A', 'Z', '_', '_', 0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xF900, 0xFAFF, 0x20000, 0x2EBEF> {};
struct ident_other : sor<ident_first, ascii::digit> {};

// PEGTL matches a string with memcmp on an initializer_list, which GCC does
// not inline; every identifier is first tried against ~50 keywords, so that
// call was a fifth of loading a policy. Byte by byte, a keyword that does not
// match fails at its first differing byte.
template <char... Cs>
struct bytes {
  using rule_t = bytes;
  using subs_t = empty_list;
  template <typename ParseInput>
  static bool match(ParseInput& in) noexcept(noexcept(in.size(0))) {
    if (in.size(sizeof...(Cs)) < sizeof...(Cs)) return false;
    const char* p = in.current();
    std::size_t i = 0;
    if (!((p[i++] == Cs) && ...)) return false;
    in.bump_in_this_line(sizeof...(Cs));  // keywords hold no newline
    return true;
  }
};
}  // namespace kuan::grammar
// For analyze<> (the grammar test): bytes<…> consumes input, as a string does.
template <typename Name, char... Cs>
struct tao::pegtl::analyze_traits<Name, kuan::grammar::bytes<Cs...>> : analyze_any_traits<> {};
namespace kuan::grammar {

template <typename Word>
struct inlined_string {
  using type = Word;
};
template <char... Cs>
struct inlined_string<ascii::string<Cs...>> {
  using type = bytes<Cs...>;
};

template <typename Word>
struct word : seq<typename inlined_string<Word>::type, not_at<ident_other>> {};
template <typename Word>
struct kw : seq<word<Word>, sp> {};

// A reserved word of lang/keywords.hpp as a whole word (the longest run of
// name characters here). One table serves the grammar, the checker's hints,
// the formatter, completion and the docs test; only the reserved words are
// kept from being names — the positional ones (已用, 当, 得 …) are keywords
// only where their rule reads them.
// KeywordLike: any word that is a keyword where the grammar expects one
// (reserved or positional), not only the reserved ones.
template <bool KeywordLike>
struct keyword_word {
  using rule_t = keyword_word;
  using subs_t = empty_list;
  template <typename ParseInput>
  static bool match(ParseInput& in) {
    const std::string_view rest(in.current(), in.size(keywords::longest() + 4));
    std::size_t end = 0;
    for (std::size_t i = 0; i < rest.size();) {
      const std::size_t at = i;
      const char32_t c = decode_utf8(rest, i);
      if (!(at == 0 ? keywords::is_name_start(c) : keywords::is_name_char(c))) break;
      end = i;
      if (end > keywords::longest()) return false;  // longer than any keyword
    }
    const std::string_view w = rest.substr(0, end);
    if (end == 0 || !(KeywordLike ? keywords::is_keyword_like(w) : keywords::is_reserved(w))) return false;
    in.bump(end);
    return true;
  }
};
using reserved = keyword_word<false>;
using keyword_like = keyword_word<true>;

}  // namespace kuan::grammar

// For analyze<>(): the rule consumes input whenever it succeeds.
template <typename Name, bool KeywordLike>
struct tao::pegtl::analyze_traits<Name, kuan::grammar::keyword_word<KeywordLike>> : tao::pegtl::analyze_any_traits<> {};

namespace kuan::grammar {

// A unit of lang/units.hpp's table right after a number (800万元, 30%, 12个月),
// and the period of an amount per period after '/' (2000元/月): read from the
// table, so a new unit is one line there. A period is a whole word: 元/月份 is
// a division by 月份.
// One word of a units.hpp table at the input, found by `lookup` within the next
// `window` bytes (the longest spelling fits). `Self` is the rule PEGTL names.
template <typename Self, auto lookup, std::size_t window>
struct table_word {
  using rule_t = Self;
  using subs_t = empty_list;
  template <typename ParseInput>
  static bool match(ParseInput& in) {
    const auto* w = lookup(std::string_view(in.current(), in.size(window)));
    if (!w) return false;
    in.bump_in_this_line(w->spelling.size());
    return true;
  }
};
struct unit : table_word<unit, &units::unit_at, 12> {};
struct period_word : table_word<period_word, &units::period_at, 8> {};

}  // namespace kuan::grammar

template <typename Name>
struct tao::pegtl::analyze_traits<Name, kuan::grammar::unit> : tao::pegtl::analyze_any_traits<> {};
template <typename Name>
struct tao::pegtl::analyze_traits<Name, kuan::grammar::period_word> : tao::pegtl::analyze_any_traits<> {};

namespace kuan::grammar {

struct identifier : seq<not_at<reserved>, ident_first, star<ident_other>> {};
struct name : seq<identifier, sp> {};

template <char32_t Ascii, char32_t Wide>
struct punct : seq<utf8::one<Ascii, Wide>, sp> {};
struct lparen : punct<'(', 0xFF08> {};
struct rparen : punct<')', 0xFF09> {};
struct lbrace : punct<'{', 0xFF5B> {};
struct rbrace : punct<'}', 0xFF5D> {};
struct comma : punct<',', 0xFF0C> {};
struct colon : punct<':', 0xFF1A> {};
struct bar : punct<'|', 0xFF5C> {};
struct equals : seq<one<'='>, not_at<one<'=', '>'>>, sp> {};
struct arrow : seq<sor<TAO_PEGTL_STRING("=>"), utf8::one<0x2192>>, sp> {};

// "…" with backslash escapes; 「…」 and “…” hold clause text verbatim.
struct escape : seq<one<'\\'>, one<'"', '\\', 'n', 't'>> {};
struct plain_string : seq<one<'"'>, star<sor<escape, seq<not_one<'"', '\\', '\n'>>>>, one<'"'>> {};
struct corner_string : seq<utf8::one<0x300C>, star<utf8::not_one<0x300D>>, utf8::one<0x300D>> {};
struct curly_string : seq<utf8::one<0x201C>, star<utf8::not_one<0x201D>>, utf8::one<0x201D>> {};
struct string_literal : sor<plain_string, corner_string, curly_string> {};
struct text : seq<string_literal, sp> {};

struct date_literal : seq<rep<4, ascii::digit>, one<'-'>, rep<2, ascii::digit>, one<'-'>, rep<2, ascii::digit>> {};
// 2025-1-21: meant as a date, not as 2025 − 1 − 21; refused with the right form.
struct loose_date : seq<rep<4, ascii::digit>, one<'-'>, rep_min_max<1, 2, ascii::digit>, one<'-'>,
                        rep_min_max<1, 2, ascii::digit>, not_at<ascii::digit>> {};
struct digits : seq<plus<ascii::digit>, opt<one<'.'>, plus<ascii::digit>>> {};
struct per_period : seq<one<'/'>, period_word, not_at<ident_other>> {};
struct number_literal : seq<digits, opt<unit, opt<per_period>>> {};
struct true_literal : sor<word<TAO_PEGTL_STRING("是")>, word<TAO_PEGTL_STRING("true")>> {};
struct false_literal : sor<word<TAO_PEGTL_STRING("否")>, word<TAO_PEGTL_STRING("false")>> {};

// ---------------------------------------------------------------- expected_* (must<> targets)
struct expression;
struct expected_expression : seq<expression> {};
struct expected_name : seq<name> {};
struct expected_text : seq<text> {};
struct expected_equals : seq<equals> {};
struct expected_colon : seq<colon> {};
struct expected_lbrace : seq<lbrace> {};
struct expected_rbrace : seq<rbrace> {};
struct expected_rparen : seq<rparen> {};
struct expected_arrow : seq<arrow> {};
struct expected_then : seq<kw<TAO_PEGTL_STRING("则")>> {};
struct expected_else : seq<kw<TAO_PEGTL_STRING("否则")>> {};
struct expected_date : seq<date_literal, sp> {};

template <typename Operand>
struct expected_operand : seq<Operand> {};

// ---------------------------------------------------------------- expressions
struct or_op : sor<kw<TAO_PEGTL_STRING("或")>, kw<TAO_PEGTL_STRING("or")>> {};
struct and_op : sor<kw<TAO_PEGTL_STRING("且")>, kw<TAO_PEGTL_STRING("and")>> {};
struct not_op : sor<kw<TAO_PEGTL_STRING("非")>, kw<TAO_PEGTL_STRING("not")>> {};
struct cmp_op : sor<TAO_PEGTL_STRING("<="), utf8::one<0x2264>, TAO_PEGTL_STRING(">="), utf8::one<0x2265>,
                    TAO_PEGTL_STRING("!="), utf8::one<0x2260>, TAO_PEGTL_STRING("=="), seq<one<'='>, not_at<one<'>'>>>,
                    one<'<'>, one<'>'>> {};
struct add_op : sor<one<'+'>, one<'-'>, utf8::one<0x2212>> {};
struct mul_op : sor<one<'*'>, utf8::one<0xD7>, one<'/'>, utf8::one<0xF7>> {};
struct neg_op : sor<one<'-'>, utf8::one<0x2212>> {};

struct literal : seq<sor<date_literal, loose_date, true_literal, false_literal, number_literal>, sp> {};
struct arguments : opt<expression, star<comma, must<expected_expression>>> {};
struct call : seq<identifier, sp, lparen, arguments, must<expected_rparen>> {};
struct reference : seq<identifier, sp> {};
struct paren : seq<lparen, must<expected_expression, expected_rparen>> {};
struct has_fact : seq<kw<TAO_PEGTL_STRING("有")>, must<expected_name>> {};
// 施行中(M): whether measure M is in force on the application's date. 施行中 is a
// name anywhere else (it is a test only where '(' follows it).
struct expected_in_force_name : seq<name> {};
struct in_force_test : seq<word<TAO_PEGTL_STRING("施行中")>, sp, lparen, must<expected_in_force_name, expected_rparen>> {};
struct otherwise_pattern : kw<TAO_PEGTL_STRING("其他")> {};
// A range arm of 按: 50万元(含) 以下, 50万元(不含) 至 100万元(含), 100万元(不含) 以上.
// Every end says whether it belongs to the range — (含) or (不含), as clause texts
// write "50万元(含)以下" — so no reader has to know that 以上 includes its number.
// An end is a literal or a 参数 (−x allowed); a literal commits to a range arm, a
// name only with its (含)/(不含) (else the arm is an enumeration value).
struct inclusion_word : sor<word<TAO_PEGTL_STRING("不含")>, word<TAO_PEGTL_STRING("含")>> {};
struct expected_inclusion_word : seq<inclusion_word> {};
struct inclusion : seq<utf8::one<'(', 0xFF08>, sp, must<expected_inclusion_word>, sp, must<expected_rparen>> {};
struct expected_inclusion : seq<inclusion> {};
struct range_minus : seq<neg_op, sp> {};
struct range_literal : seq<sor<date_literal, loose_date, number_literal>, sp> {};
struct range_bound : seq<opt<range_minus>, sor<seq<range_literal, must<expected_inclusion>>, seq<reference, inclusion>>> {};
struct expected_range_bound : seq<range_bound> {};
struct range_above : kw<TAO_PEGTL_STRING("以上")> {};
struct range_below : kw<TAO_PEGTL_STRING("以下")> {};
struct range_to : seq<word<TAO_PEGTL_STRING("至")>, sp, must<expected_range_bound>> {};
struct expected_range_end : sor<range_above, range_below, range_to> {};
struct range_pattern : seq<range_bound, must<expected_range_end>> {};
struct arm_pattern : sor<otherwise_pattern, range_pattern, seq<name, star<bar, must<expected_name>>>> {};
struct match_arm : seq<arm_pattern, must<expected_arrow, expected_expression>> {};
struct expected_arm : seq<match_arm> {};
struct match_expr : seq<kw<TAO_PEGTL_STRING("按")>, must<expected_expression, expected_lbrace, expected_arm>,
                        star<opt<comma>, match_arm>, opt<comma>, must<expected_rbrace>> {};
// 合计 L { E 当 C }, 计数 L [{ 当 C }], 最大 L { E }, 最小 L { E }: over the items
// of the list fact L, whose fields are names inside the braces. The words are
// not reserved: one is an aggregate only when a name (not a keyword) follows
// it, so `合计 + 1` still reads a definition called 合计.
struct aggregate_word : sor<word<TAO_PEGTL_STRING("合计")>, word<TAO_PEGTL_STRING("计数")>,
                            word<TAO_PEGTL_STRING("最大")>, word<TAO_PEGTL_STRING("最小")>> {};
struct aggregate_filter : seq<kw<TAO_PEGTL_STRING("当")>, must<expected_expression>> {};
struct aggregate_value : seq<not_at<kw<TAO_PEGTL_STRING("当")>>, expression> {};
struct expected_aggregate_end : seq<rbrace> {};
struct aggregate_body : seq<lbrace, opt<aggregate_value>, opt<aggregate_filter>, must<expected_aggregate_end>> {};
struct aggregate : seq<aggregate_word, sp, not_at<keyword_like>, identifier, sp, opt<aggregate_body>> {};
// 累进 X { 至 3万元 => 5%, 至 9万元 => 10% 速算扣除数 1500元, …, 以上 => 35% … }:
// a marginal (超额累进) schedule — each rate applies to the part of X within its
// slice. 至 and 以上 are words of this form only; 累进 begins an expression, so it is reserved.
struct bracket_upper : seq<word<TAO_PEGTL_STRING("至")>, sp, must<expected_expression>> {};
struct bracket_top : kw<TAO_PEGTL_STRING("以上")> {};
struct bracket_deduction : seq<kw<TAO_PEGTL_STRING("速算扣除数")>, must<expected_expression>> {};
struct bracket_arm : seq<sor<bracket_upper, bracket_top>, must<expected_arrow, expected_expression>, opt<bracket_deduction>> {};
struct expected_bracket : seq<bracket_arm> {};
struct expected_bracket_end : seq<rbrace> {};
struct bracket_list : seq<must<expected_bracket>, star<opt<comma>, bracket_arm>, opt<comma>, must<expected_bracket_end>> {};
// 累进 X 按 附表二: the brackets of the named schedule `累进表 附表二 { … }` applied to X.
struct expected_schedule_name : seq<identifier, sp> {};
struct schedule_ref : seq<kw<TAO_PEGTL_STRING("按")>, must<expected_schedule_name>> {};
struct expected_brackets : seq<lbrace> {};
struct progressive_expr : seq<kw<TAO_PEGTL_STRING("累进")>, must<expected_expression>,
                              sor<schedule_ref, seq<must<expected_brackets>, bracket_list>>> {};
struct primary : sor<paren, match_expr, progressive_expr, has_fact, aggregate, in_force_test, call, literal, reference> {};
struct unary;
struct negation : seq<neg_op, sp, must<expected_operand<unary>>> {};
struct unary : sor<negation, primary> {};
struct product : seq<unary, star<mul_op, sp, must<expected_operand<unary>>>> {};
struct sum : seq<product, star<add_op, sp, must<expected_operand<product>>>> {};
struct comparison : seq<sum, opt<cmp_op, sp, must<expected_operand<sum>>>> {};
struct negated;
struct logical_not : sor<negated, comparison> {};
struct negated : seq<not_op, must<expected_operand<logical_not>>> {};
struct conjunction : seq<logical_not, star<and_op, must<expected_operand<logical_not>>>> {};
struct disjunction : seq<conjunction, star<or_op, must<expected_operand<conjunction>>>> {};
struct conditional : seq<kw<TAO_PEGTL_STRING("若")>, must<expected_expression, expected_then, expected_expression,
                                                          expected_else, expected_expression>> {};
struct expression : sor<conditional, disjunction> {};

// ---------------------------------------------------------------- declarations
struct rounding_mode : sor<kw<TAO_PEGTL_STRING("四舍五入")>, kw<TAO_PEGTL_STRING("银行家舍入")>,
                           kw<TAO_PEGTL_STRING("向下舍入")>, kw<TAO_PEGTL_STRING("向上舍入")>> {};
struct expected_rounding_mode : seq<rounding_mode> {};

// 金额/月: money per period (a fact such as a monthly wage).
struct type_money : seq<word<TAO_PEGTL_STRING("金额")>, opt<per_period>, sp> {};
struct type_rate : kw<TAO_PEGTL_STRING("比例")> {};
struct type_integer : kw<TAO_PEGTL_STRING("整数")> {};
struct type_number : kw<TAO_PEGTL_STRING("数值")> {};
struct type_bool : kw<TAO_PEGTL_STRING("布尔")> {};
struct type_date : kw<TAO_PEGTL_STRING("日期")> {};
// A span of time: an integer counting days, months or years (经营月数: 月数).
struct type_days : kw<TAO_PEGTL_STRING("天数")> {};
struct type_months : kw<TAO_PEGTL_STRING("月数")> {};
struct type_years : kw<TAO_PEGTL_STRING("年数")> {};
struct type_enum : seq<kw<TAO_PEGTL_STRING("枚举")>, must<expected_lbrace, expected_name>,
                       star<opt<comma>, name>, opt<comma>, must<expected_rbrace>> {};
struct scalar_type : sor<type_money, type_rate, type_integer, type_number, type_bool, type_date, type_days, type_months,
                         type_years, type_enum> {};
struct expected_field_type : seq<scalar_type> {};
// 列表 { 月数: 整数, 比例: 比例 }: a list of records, each with these fields.
struct list_field : seq<name, must<expected_colon, expected_field_type>> {};
struct expected_list_field : seq<list_field> {};
struct type_list : seq<kw<TAO_PEGTL_STRING("列表")>, must<expected_lbrace, expected_list_field>,
                       star<opt<comma>, list_field>, opt<comma>, must<expected_rbrace>> {};
struct type_spec : sor<scalar_type, type_list> {};
struct expected_type : seq<type_spec> {};

struct label : seq<kw<TAO_PEGTL_STRING("标签")>, must<expected_text>> {};
struct optional_marker : kw<TAO_PEGTL_STRING("可选")> {};
struct fact_default : seq<equals, must<expected_expression>> {};
struct used_part : seq<kw<TAO_PEGTL_STRING("已用")>, must<expected_expression>> {};
struct when_part : seq<kw<TAO_PEGTL_STRING("当")>, must<expected_expression>> {};
struct cap_body : seq<equals, must<expected_expression>, opt<used_part>, opt<when_part>> {};
struct expected_cap_body : seq<cap_body> {};

struct policy_stmt : seq<kw<TAO_PEGTL_STRING("政策")>, must<expected_text>> {};
struct edition_stmt : seq<kw<TAO_PEGTL_STRING("版本")>, must<expected_text>> {};
// 状态 示例|草案|正式: an edition that is not an official text is never chosen by date.
struct status_value : sor<kw<TAO_PEGTL_STRING("正式")>, kw<TAO_PEGTL_STRING("示例")>, kw<TAO_PEGTL_STRING("草案")>> {};
struct expected_status : seq<status_value> {};
struct status_stmt : seq<word<TAO_PEGTL_STRING("状态")>, sp, must<expected_status>> {};
struct period_end : seq<kw<TAO_PEGTL_STRING("至")>, must<expected_date>> {};
struct period_stmt : seq<kw<TAO_PEGTL_STRING("施行")>, must<expected_date>, opt<period_end>,
                         opt<kw<TAO_PEGTL_STRING("起")>>> {};
struct rounding_stmt : seq<kw<TAO_PEGTL_STRING("舍入")>, must<expected_rounding_mode>,
                           opt<kw<TAO_PEGTL_STRING("至")>>, must<expected_expression>> {};
struct param_stmt : seq<kw<TAO_PEGTL_STRING("参数")>, must<expected_name, expected_equals, expected_expression>,
                        opt<label>> {};
struct fact_stmt : seq<kw<TAO_PEGTL_STRING("事实")>, must<expected_name, expected_colon, expected_type>,
                       opt<sor<fact_default, optional_marker>>, opt<label>> {};
struct define_stmt : seq<kw<TAO_PEGTL_STRING("定义")>, must<expected_name, expected_equals, expected_expression>> {};
struct cap_stmt : seq<kw<TAO_PEGTL_STRING("上限")>, must<expected_name>, must<expected_cap_body>> {};
// Batch-level metadata, read by allocation over a year's applications.
struct name_list : seq<name, star<comma, must<expected_name>>> {};
struct expected_name_list : seq<name_list> {};
struct expected_covers : seq<kw<TAO_PEGTL_STRING("覆盖")>, must<expected_name_list>> {};
struct pool_stmt : seq<kw<TAO_PEGTL_STRING("资金池")>, must<expected_name, expected_equals, expected_expression,
                                                           expected_covers>> {};
// 累计 F = M1, M2: F is what the applicant's earlier funded M1/M2 applications
// received this year. 累计 F = 全年 G 于 M1, M2: F is the year's total of fact G
// over all the applicant's M1/M2 applications (earlier and later).
struct expected_from : seq<kw<TAO_PEGTL_STRING("于")>> {};
struct year_total_source : seq<word<TAO_PEGTL_STRING("全年")>, sp, not_at<comma>, must<expected_name, expected_from>> {};
struct accumulate_stmt : seq<kw<TAO_PEGTL_STRING("累计")>, must<expected_name, expected_equals>, opt<year_total_source>,
                             must<expected_name_list>> {};

// A refusal: one text, or 按 X { a => "…", 其他 => "…" } — the text chosen by X,
// arms as in an expression's 按 (enumeration values or ranges), each value a
// text. After 要求 C 否则, 校验 C 否则 and a 限额's 超出 拒绝.
struct refusal_arm : seq<arm_pattern, must<expected_arrow, expected_text>> {};
struct expected_refusal_arm : seq<refusal_arm> {};
struct refusal_table : seq<kw<TAO_PEGTL_STRING("按")>, must<expected_expression, expected_lbrace, expected_refusal_arm>,
                           star<opt<comma>, refusal_arm>, opt<comma>, must<expected_rbrace>> {};
struct expected_refusal : sor<text, refusal_table> {};

struct quota_score : seq<kw<TAO_PEGTL_STRING("按")>, must<expected_name>> {};
// ---------------------------------------------------------------- 限额: the general limit
// 限额 NAME { 计 件数  每 申请人 按 F  期间 每年  不超过 E  已用 F  当 C  覆盖 M…  超出 拒绝 "…"  叠加 }
// (超出 拒绝 按 X { … }: the refusal text by arm)
// Items in any order, each at most once (the checker says which combinations
// mean something). Its words are recognised only inside the braces: none is reserved.
struct limit_amount : kw<TAO_PEGTL_STRING("金额")> {};
struct limit_count : kw<TAO_PEGTL_STRING("件数")> {};
struct expected_limit_what : sor<limit_amount, limit_count> {};
struct limit_what : seq<word<TAO_PEGTL_STRING("计")>, sp, must<expected_limit_what>> {};
struct group_by : seq<kw<TAO_PEGTL_STRING("按")>, must<expected_name>> {};
struct scope_applicant : kw<TAO_PEGTL_STRING("申请人")> {};
struct scope_application : kw<TAO_PEGTL_STRING("申请")> {};
struct expected_scope : sor<scope_applicant, scope_application> {};
struct scope_all : kw<TAO_PEGTL_STRING("全部")> {};
struct limit_scope : sor<seq<word<TAO_PEGTL_STRING("每")>, sp, must<expected_scope>, opt<group_by>>,
                         seq<scope_all, opt<group_by>>> {};
struct period_year : kw<TAO_PEGTL_STRING("每年")> {};
struct period_application : kw<TAO_PEGTL_STRING("本申请")> {};
struct period_range : seq<date_literal, sp, kw<TAO_PEGTL_STRING("至")>, must<expected_date>> {};
struct expected_period : sor<period_year, period_application, period_range> {};
struct limit_period : seq<word<TAO_PEGTL_STRING("期间")>, sp, must<expected_period>> {};
struct limit_bound : seq<word<TAO_PEGTL_STRING("不超过")>, sp, must<expected_expression>> {};
struct limit_covers : seq<kw<TAO_PEGTL_STRING("覆盖")>, must<expected_name_list>> {};
struct action_cut : kw<TAO_PEGTL_STRING("削减")> {};
struct action_refuse : seq<kw<TAO_PEGTL_STRING("拒绝")>, must<expected_refusal>> {};
struct action_best : seq<kw<TAO_PEGTL_STRING("择优")>, opt<quota_score>> {};
struct action_pro_rata : kw<TAO_PEGTL_STRING("按比例")> {};
struct expected_action : sor<action_cut, action_refuse, action_best, action_pro_rata> {};
struct limit_action : seq<word<TAO_PEGTL_STRING("超出")>, sp, must<expected_action>> {};
struct stacking_marker : kw<TAO_PEGTL_STRING("叠加")> {};
struct limit_item : sor<limit_what, limit_scope, limit_period, limit_bound, used_part, when_part, limit_covers,
                        limit_action, stacking_marker> {};
struct expected_limit_end : seq<rbrace> {};
struct limit_stmt : seq<word<TAO_PEGTL_STRING("限额")>, sp, must<expected_name, expected_lbrace>, star<limit_item>,
                        must<expected_limit_end>> {};

// ---------------------------------------------------------------- measures
struct require_item : seq<kw<TAO_PEGTL_STRING("要求")>, must<expected_expression, expected_else, expected_refusal>> {};
// 需要 F, G [当 COND]: the application must state these facts (when COND holds).
struct need_item : seq<kw<TAO_PEGTL_STRING("需要")>, must<expected_name>, star<comma, must<expected_name>>, opt<when_part>> {};
struct cap_item : seq<kw<TAO_PEGTL_STRING("上限")>, must<expected_name>, opt<cap_body>> {};
struct stack_item : seq<kw<TAO_PEGTL_STRING("叠加")>, must<expected_name>, must<expected_cap_body>> {};
struct rate_item : seq<word<TAO_PEGTL_STRING("比例")>, sp, equals, must<expected_expression>> {};
struct base_item : seq<word<TAO_PEGTL_STRING("基数")>, sp, equals, must<expected_expression>> {};
struct amount_item : seq<word<TAO_PEGTL_STRING("金额")>, sp, equals, must<expected_expression>> {};
struct quota_item : seq<word<TAO_PEGTL_STRING("名额")>, sp, equals, must<expected_expression>, opt<quota_score>> {};
// 结果 NAME = EXPR: a named figure of the measure (taxable income, tax, tax due …),
// given with its amount in one result; 金额 and later 结果 may read it by name.
struct expected_result_name : seq<name> {};
struct result_item : seq<word<TAO_PEGTL_STRING("结果")>, sp, must<expected_result_name, expected_equals, expected_expression>> {};
// 施行 D1 至 D2 (or 施行 D1 起) inside a measure or a clause: in force on these days only.
struct measure_item : sor<require_item, need_item, cap_item, stack_item, rate_item, base_item, amount_item, quota_item,
                          result_item, limit_stmt, period_stmt> {};
struct expected_measure_end : seq<rbrace> {};
// 可为负: the measure's result may be below zero (tax due vs. refund); without it a
// negative amount is an error in the rule, as subsidies never are.
struct signed_marker : kw<TAO_PEGTL_STRING("可为负")> {};
struct measure_stmt : seq<kw<TAO_PEGTL_STRING("措施")>, must<expected_name>, opt<text>, opt<signed_marker>, must<expected_lbrace>,
                          star<measure_item>, must<expected_measure_end>> {};

// ---------------------------------------------------------------- examples
// A list fact's value in a 例: [ { 月数: 12, 比例: 50% }, … ] (the fields' values are literals or parameters).
struct record_field : seq<name, must<expected_colon, expected_expression>> {};
struct expected_record_field : seq<record_field> {};
struct record_literal : seq<lbrace, opt<record_field, star<comma, not_at<rbrace>, must<expected_record_field>>>,
                            opt<comma>, must<expected_rbrace>> {};
struct expected_record : seq<record_literal> {};
struct lbracket : punct<'[', 0xFF3B> {};
struct rbracket : punct<']', 0xFF3D> {};
struct expected_rbracket : seq<rbracket> {};
struct list_literal : seq<lbracket, opt<record_literal, star<comma, not_at<rbracket>, must<expected_record>>>, opt<comma>,
                          must<expected_rbracket>> {};
struct example_fact : seq<name, equals, sor<list_literal, must<expected_expression>>, opt<comma>> {};
struct expect_unbound : kw<TAO_PEGTL_STRING("不受限")> {};
struct expect_amount : seq<kw<TAO_PEGTL_STRING("得")>, must<expected_expression>,
                           opt<sor<seq<kw<TAO_PEGTL_STRING("受限")>, must<expected_name>>, expect_unbound>>> {};
struct expect_ineligible : seq<kw<TAO_PEGTL_STRING("不适用")>, opt<text>> {};
// 得 错误 missing_fact / 得 错误 "…": the application is an error of this code, or
// whose message holds this text. Tried before 得 AMOUNT (错误 would read as a name).
struct error_code : seq<identifier, sp> {};
struct expected_error_what : sor<text, error_code> {};
struct expect_error : seq<kw<TAO_PEGTL_STRING("得")>, kw<TAO_PEGTL_STRING("错误")>, must<expected_error_what>> {};
struct expect_outcome : sor<expect_error, expect_amount, expect_ineligible> {};
struct expected_outcome : seq<expect_outcome> {};
// 得 X 结果 应纳税额 = 17500元, 减免税额 = 8750元 (or one 结果 a line): the named figures the 例 expects.
struct result_value : seq<not_at<word<TAO_PEGTL_STRING("结果")>, sp, identifier>, name, must<expected_equals, expected_expression>, opt<comma>> {};
struct expected_result_value : seq<result_value> {};
struct expect_results : seq<word<TAO_PEGTL_STRING("结果")>, sp, must<expected_result_value>, star<result_value>> {};
// 例 M "…" 于 2028-03-01 { … }: the application's date (as_of), for 施行 on a measure or clause.
struct example_date : seq<kw<TAO_PEGTL_STRING("于")>, must<expected_date>> {};
struct example_stmt : seq<kw<TAO_PEGTL_STRING("例")>, must<expected_name>, opt<text>, opt<example_date>, must<expected_lbrace>,
                          star<example_fact>, must<expected_outcome>, star<expect_results>, must<expected_rbrace>> {};

// ---------------------------------------------------------------- properties
// 性质 M "说明" { 对任意 申请 [当 C] 有 P }: P holds for every application of
// measure M (for which C holds), checked by `kuan test --properties` on
// generated applications. 性质 and 对任意 are recognised only where a statement
// or a claim may start, so neither is reserved as a name. The claim's 有 is the
// keyword after a complete condition; the 有 of `有 F` starts an operand, so
// `当 有 核定年度上限 有 金额 > 0元` reads as intended.
struct claim_holds : seq<kw<TAO_PEGTL_STRING("有")>, must<expected_expression>> {};
struct expected_claim_holds : seq<claim_holds> {};
struct claim_word : word<TAO_PEGTL_STRING("对任意")> {};
struct property_claim : seq<claim_word, sp, must<expected_name>, opt<when_part>, must<expected_claim_holds>> {};
// at<>: a failed 对任意申请 is reported where it starts, not after 对任意.
struct expected_claim : seq<at<claim_word>, property_claim> {};
struct expected_property_end : seq<rbrace> {};
struct property_stmt : seq<word<TAO_PEGTL_STRING("性质")>, sp, must<expected_name>, opt<text>,
                           must<expected_lbrace, expected_claim, expected_property_end>> {};

// ---------------------------------------------------------------- clauses and files
struct clause_ref : seq<utf8::one<'(', 0xFF08>, plus<utf8::not_one<')', 0xFF09, '\n'>>, utf8::one<')', 0xFF09>, sp> {};
struct expected_clause_ref : seq<clause_ref> {};
struct original_text : seq<kw<TAO_PEGTL_STRING("原文")>, must<expected_text>> {};
struct responsible : seq<kw<TAO_PEGTL_STRING("责任单位")>, must<expected_text>> {};
// 累进表 附表二 { 至 3万元 => 5%, …, 以上 => 35% }: a progressive schedule named once,
// applied to any base by 累进 X 按 附表二. Its bounds, rates and deductions are constants.
struct schedule_stmt : seq<kw<TAO_PEGTL_STRING("累进表")>, must<expected_name, expected_lbrace>, bracket_list> {};
struct declaration : sor<param_stmt, fact_stmt, define_stmt, cap_stmt, pool_stmt, accumulate_stmt, limit_stmt, schedule_stmt> {};
// 校验 COND 否则 "…" (or 否则 按 X { … }): an application on which COND does not
// hold is not a valid application (an error, code invalid_application), for
// every measure of the edition, or of the clause it is written in.
struct validation_stmt : seq<kw<TAO_PEGTL_STRING("校验")>, must<expected_expression, expected_else, expected_refusal>> {};
struct clause_item : sor<original_text, responsible, period_stmt, declaration, validation_stmt, measure_stmt, example_stmt, property_stmt> {};
struct expected_clause_end : seq<rbrace> {};
struct clause_stmt : seq<kw<TAO_PEGTL_STRING("条款")>, must<expected_clause_ref>, opt<text>, must<expected_lbrace>,
                         star<clause_item>, must<expected_clause_end>> {};

// ---------------------------------------------------------------- editions written as changes
// 基于 "2025年版" names the edition this one changes; 修订 replaces a declaration
// of the same name (for a measure: amends it item by item; a 累进表 is restated
// whole), 替换 措施 replaces a measure whole, 删除 removes one.
struct base_stmt : seq<kw<TAO_PEGTL_STRING("基于")>, must<expected_text>> {};
// 修订 条款 (一) ["标题"] { 原文 「…」 责任单位 "…" }: a base clause's text restated.
struct clause_revision_item : sor<original_text, responsible> {};
struct expected_clause_revision_end : seq<rbrace> {};
struct clause_revision : seq<kw<TAO_PEGTL_STRING("条款")>, must<expected_clause_ref>, opt<text>, must<expected_lbrace>,
                             star<clause_revision_item>, must<expected_clause_revision_end>> {};
struct revisable : sor<param_stmt, fact_stmt, define_stmt, cap_stmt, pool_stmt, limit_stmt, schedule_stmt, measure_stmt, clause_revision> {};
struct expected_revisable : seq<revisable> {};
struct revise_stmt : seq<kw<TAO_PEGTL_STRING("修订")>, must<expected_revisable>> {};
struct expected_measure : seq<measure_stmt> {};
struct replace_stmt : seq<kw<TAO_PEGTL_STRING("替换")>, must<expected_measure>> {};
struct removable_kind : sor<kw<TAO_PEGTL_STRING("参数")>, kw<TAO_PEGTL_STRING("事实")>, kw<TAO_PEGTL_STRING("定义")>,
                            kw<TAO_PEGTL_STRING("上限")>, kw<TAO_PEGTL_STRING("资金池")>,
                            kw<TAO_PEGTL_STRING("限额")>, kw<TAO_PEGTL_STRING("累进表")>, kw<TAO_PEGTL_STRING("措施")>> {};
struct expected_removable_kind : seq<removable_kind> {};
struct remove_stmt : seq<kw<TAO_PEGTL_STRING("删除")>, must<expected_removable_kind, expected_name>> {};

struct statement : sor<policy_stmt, edition_stmt, status_stmt, base_stmt, period_stmt, rounding_stmt, revise_stmt, replace_stmt,
                       remove_stmt, declaration, validation_stmt, clause_stmt,
                       measure_stmt, example_stmt, property_stmt> {};
struct expected_statement : eof {};
struct file : seq<opt<utf8::bom>, sp, star<statement>, must<expected_statement>> {};
struct expected_end_of_expression : eof {};
struct expression_input : seq<opt<utf8::bom>, sp, must<expected_expression, expected_end_of_expression>> {};

// ---------------------------------------------------------------- error messages
template <typename Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off
template <> inline constexpr auto error_message<expected_expression> = "这里需要一个表达式";
template <> inline constexpr auto error_message<expected_name> = "这里需要一个名称";
template <> inline constexpr auto error_message<expected_text> = "这里需要一段带引号的文字,如 \"…\" 或 「…」";
template <> inline constexpr auto error_message<expected_equals> = "这里需要 '='";
template <> inline constexpr auto error_message<expected_colon> = "名称后需要 ':' 和类型";
template <> inline constexpr auto error_message<expected_lbrace> = "这里需要 '{'";
template <> inline constexpr auto error_message<expected_rbrace> = "这里需要 '}'";
template <> inline constexpr auto error_message<expected_rparen> = "缺少右括号 ')'";
template <> inline constexpr auto error_message<expected_arrow> = "分支的取值前需要 '=>'";
template <> inline constexpr auto error_message<expected_arm> = "按 … { } 中至少需要一个分支,如 一档 => 30%";
template <> inline constexpr auto error_message<expected_inclusion_word> = "区间端点的括号中须写 含 或 不含,如 50万元(含)";
template <> inline constexpr auto error_message<expected_inclusion> = "区间的端点后须写明是否包含:(含) 或 (不含),如 50万元(含) 以下";
template <> inline constexpr auto error_message<expected_range_bound> = "至 后需要区间的另一端,并写明是否包含,如 100万元(不含)";
template <> inline constexpr auto error_message<expected_range_end> = "区间的端点后须接 以上、以下,或 至 另一端,如 50万元(含) 至 100万元(不含)";
template <> inline constexpr auto error_message<expected_bracket> = "累进 … { } 中至少需要一档,如 至 3万元 => 5%";
template <> inline constexpr auto error_message<expected_brackets> = "累进 X 后需要 '{' 写出各档,或 按 累进表名称";
template <> inline constexpr auto error_message<expected_schedule_name> = "累进 X 按 后需要累进表的名称(累进表 名称 { … } 声明的)";
template <> inline constexpr auto error_message<expected_bracket_end> = "累进 的每一档写作 至 上界 => 税率 [速算扣除数 金额],最后一档写作 以上 => 税率;或以 '}' 结束";
template <> inline constexpr auto error_message<expected_then> = "若 … 的条件后需要 '则'";
template <> inline constexpr auto error_message<expected_else> = "这里需要 '否则'";
template <> inline constexpr auto error_message<expected_date> = "这里需要一个日期,格式 YYYY-MM-DD";
template <typename Operand> inline constexpr const char* error_message<expected_operand<Operand>> = "运算符后需要一个操作数";
template <> inline constexpr auto error_message<expected_cap_body> = "上限需要写出数额:= 表达式 [已用 表达式] [当 条件]";
template <> inline constexpr auto error_message<expected_covers> = "资金池需要写出它覆盖的措施:覆盖 措施甲, 措施乙";
template <> inline constexpr auto error_message<expected_from> = "全年 合计的事实后需要 '于' 和措施名称,如 全年 合同金额 于 算力券";
template <> inline constexpr auto error_message<expected_status> = "状态 须为 正式、示例 或 草案(非正式文本不会按日期选中)";
template <> inline constexpr auto error_message<expected_name_list> = "这里需要一个或多个措施名称,以逗号分隔";
template <> inline constexpr auto error_message<expected_revisable> = "修订 后需要一条声明:参数、事实、定义、上限、资金池、限额、累进表、措施 或 条款";
template <> inline constexpr auto error_message<expected_measure> = "替换 后需要一项完整的措施:措施 名称 { … }";
template <> inline constexpr auto error_message<expected_removable_kind> = "删除 后需要写明种类:参数、事实、定义、上限、资金池、限额、累进表 或 措施";
template <> inline constexpr auto error_message<expected_rounding_mode> = "舍入方式须为 四舍五入、银行家舍入、向下舍入 或 向上舍入";
template <> inline constexpr auto error_message<expected_type> = "这里需要一个类型:金额、金额/月、比例、整数、数值、布尔、日期、天数、月数、年数、枚举 { … } 或 列表 { … }";
template <> inline constexpr auto error_message<expected_measure_end> = "措施中只能写 要求、需要、比例、基数、金额、结果、上限、叠加、名额、限额、施行;或以 '}' 结束";
template <> inline constexpr auto error_message<expected_outcome> = "例 中需要写出预期结果:得 金额、不适用 \"理由\" 或 得 错误 代码";
template <> inline constexpr auto error_message<expected_result_name> = "结果 后须写这个结果的名称,如 结果 应纳税额 = …";
template <> inline constexpr auto error_message<expected_result_value> = "结果 后需要 名称 = 金额,如 结果 应纳税额 = 17500元";
template <> inline constexpr auto error_message<expected_error_what> = "得 错误 后需要错误代码(如 invalid_application、missing_fact)或带引号的错误文字";
template <> inline constexpr auto error_message<expected_claim> = "性质 中需要写出一条结论:对任意 申请 [当 条件] 有 结论";
template <> inline constexpr auto error_message<expected_refusal> = "这里需要一段带引号的文字,如 \"…\" 或 「…」(理由随情形而不同时写 按 X { 值 => \"理由\", … })";
template <> inline constexpr auto error_message<expected_refusal_arm> = "按 { } 中需要分支:值 => \"理由\"";
template <> inline constexpr auto error_message<expected_in_force_name> = "施行中(…) 的括号中须为一个措施名,如 施行中(减免税额)";
template <> inline constexpr auto error_message<expected_claim_holds> = "对任意 申请 [当 条件] 后需要 '有' 和结论,如 有 金额 ≤ 800万元";
template <> inline constexpr auto error_message<expected_property_end> = "性质 中只能写一条 对任意 …;或以 '}' 结束";
template <> inline constexpr auto error_message<expected_clause_ref> = "条款 后需要条款编号,如 (一)";
template <> inline constexpr auto error_message<expected_clause_revision_end> = "修订 条款 中只能写 原文、责任单位;或以 '}' 结束";
template <> inline constexpr auto error_message<expected_clause_end> = "条款中只能写 原文、责任单位、施行、参数、事实、定义、上限、资金池、累计、限额、校验、措施、例、性质;或以 '}' 结束";
template <> inline constexpr auto error_message<expected_statement> = "这里需要一条语句:政策、版本、状态、基于、施行、舍入、修订、替换、删除、参数、事实、定义、上限、资金池、累计、限额、校验、条款、措施、例 或 性质";
template <> inline constexpr auto error_message<expected_limit_what> = "计 后须为 金额 或 件数";
template <> inline constexpr auto error_message<expected_scope> = "每 后须为 申请 或 申请人(全部申请合计写 全部)";
template <> inline constexpr auto error_message<expected_period> = "期间 后须为 每年、本申请,或 YYYY-MM-DD 至 YYYY-MM-DD";
template <> inline constexpr auto error_message<expected_action> = "超出 后须为 削减、拒绝 \"理由\"、择优 [按 评审得分] 或 按比例";
template <> inline constexpr auto error_message<expected_limit_end> = "限额中只能写 计、每/全部、期间、不超过、已用、当、覆盖、超出、叠加;或以 '}' 结束";
template <> inline constexpr auto error_message<expected_field_type> = "列表的字段须为 金额、金额/月、比例、整数、数值、布尔、日期、天数、月数、年数 或 枚举 { … }(列表不能嵌套)";
template <> inline constexpr auto error_message<expected_list_field> = "列表 { } 中需要字段,如 月数: 整数";
template <> inline constexpr auto error_message<expected_aggregate_end> = "合计/计数/最大/最小 的 { } 中只能写 一个表达式 [当 条件];或以 '}' 结束";
template <> inline constexpr auto error_message<expected_record_field> = "这里需要一个字段及其值,如 月数: 12";
template <> inline constexpr auto error_message<expected_record> = "列表的每一项写成 { 字段: 值, … }";
template <> inline constexpr auto error_message<expected_rbracket> = "这里需要 ']'(或 ',' 和下一项)";
template <> inline constexpr auto error_message<expected_end_of_expression> = "表达式到此应当结束,这里多出了内容";
// clang-format on

struct error_table {
  template <typename Rule>
  static constexpr const char* message = error_message<Rule>;
};

template <typename Rule>
using control = must_if<error_table>::control<Rule>;

// Bounds recursion through the self-nesting rules.
template <typename Rule>
struct depth_action : nothing<Rule> {};
template <>
struct depth_action<expression> : limit_depth<max_nesting> {};
template <>
struct depth_action<negation> : limit_depth<max_nesting> {};
template <>
struct depth_action<negated> : limit_depth<max_nesting> {};

}  // namespace kuan::grammar
