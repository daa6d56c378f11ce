// The words of the Kuan language, in one table. The grammar's reserved-word
// rule, the checker's hints, the formatter, the REPL's and the language
// server's completion and the documentation test (every word must appear in
// docs/language.md) all read it; tests/test_grammar.cpp checks that every word
// the grammar spells is here. A new keyword is added here and in its rule.
//
// Which words are reserved (can never be a name) follows one principle: a word
// is reserved when a name could stand where it stands — it begins a statement
// or an item, or it is part of an expression (若 x 则 …, 非 x, 有 x, 是). A word
// that only ever follows what it modifies (已用, 当, 标签, 覆盖, 至 …) or that
// only appears in a 例's outcome (得, 受限, 不受限, 不适用) is a keyword by
// position and stays free as a name; so are natural names (金额, 比例, the type names …).
#pragma once

#include <string_view>

namespace kuan::keywords {

enum class Reach {
  Reserved,    // never a name
  Positional,  // a keyword where the grammar expects it, a name anywhere else
  Natural,     // a natural name (金额, 比例 …), a keyword only in its place
};

// Where the word is used, for completion and the documentation.
enum class Role { Header, Declaration, Revision, Clause, Measure, Limit, Modifier, Expression, Example, Property, Type, Value };

struct Keyword {
  std::string_view word;
  Reach reach;
  Role role;
};

using R = Reach;
using K = Role;

// clang-format off
inline constexpr Keyword kAll[] = {
  // the edition's header
  {"政策", R::Reserved, K::Header}, {"版本", R::Reserved, K::Header}, {"施行", R::Reserved, K::Header},
  {"舍入", R::Reserved, K::Header}, {"基于", R::Reserved, K::Header}, {"状态", R::Natural, K::Header},
  {"正式", R::Natural, K::Value}, {"示例", R::Natural, K::Value}, {"草案", R::Natural, K::Value},
  {"四舍五入", R::Natural, K::Value}, {"银行家舍入", R::Natural, K::Value}, {"向下舍入", R::Natural, K::Value},
  {"向上舍入", R::Natural, K::Value},
  // declarations and statements
  {"参数", R::Reserved, K::Declaration}, {"事实", R::Reserved, K::Declaration}, {"定义", R::Reserved, K::Declaration},
  {"上限", R::Reserved, K::Declaration}, {"资金池", R::Reserved, K::Declaration}, {"累计", R::Reserved, K::Declaration},
  {"限额", R::Natural, K::Declaration}, {"条款", R::Reserved, K::Declaration}, {"措施", R::Reserved, K::Declaration},
  {"例", R::Reserved, K::Declaration}, {"校验", R::Reserved, K::Declaration}, {"累进表", R::Reserved, K::Declaration},
  // editions written as changes
  {"修订", R::Reserved, K::Revision}, {"替换", R::Reserved, K::Revision}, {"删除", R::Reserved, K::Revision},
  // clause and measure items
  {"原文", R::Reserved, K::Clause}, {"责任单位", R::Reserved, K::Clause},
  {"要求", R::Reserved, K::Measure}, {"需要", R::Reserved, K::Measure}, {"叠加", R::Reserved, K::Measure},
  {"比例", R::Natural, K::Measure}, {"基数", R::Natural, K::Measure}, {"金额", R::Natural, K::Measure},
  {"名额", R::Natural, K::Measure}, {"可为负", R::Positional, K::Measure}, {"结果", R::Natural, K::Measure},
  // words that follow what they modify
  {"已用", R::Positional, K::Modifier}, {"当", R::Positional, K::Modifier}, {"标签", R::Positional, K::Modifier},
  {"可选", R::Positional, K::Modifier}, {"覆盖", R::Positional, K::Modifier}, {"起", R::Positional, K::Modifier},
  {"至", R::Positional, K::Modifier}, {"全年", R::Positional, K::Modifier}, {"于", R::Positional, K::Modifier},
  // inside 限额 { … }
  {"计", R::Positional, K::Limit}, {"件数", R::Positional, K::Limit}, {"每", R::Positional, K::Limit},
  {"申请", R::Positional, K::Limit}, {"申请人", R::Positional, K::Limit}, {"全部", R::Positional, K::Limit},
  {"期间", R::Positional, K::Limit}, {"每年", R::Positional, K::Limit}, {"本申请", R::Positional, K::Limit},
  {"不超过", R::Positional, K::Limit}, {"超出", R::Positional, K::Limit}, {"削减", R::Positional, K::Limit},
  {"拒绝", R::Positional, K::Limit}, {"择优", R::Positional, K::Limit}, {"按比例", R::Positional, K::Limit},
  // expressions
  {"若", R::Reserved, K::Expression}, {"则", R::Reserved, K::Expression}, {"否则", R::Reserved, K::Expression},
  {"且", R::Reserved, K::Expression}, {"或", R::Reserved, K::Expression}, {"非", R::Reserved, K::Expression},
  {"按", R::Reserved, K::Expression}, {"其他", R::Reserved, K::Expression}, {"有", R::Reserved, K::Expression},
  {"累进", R::Reserved, K::Expression}, {"以上", R::Positional, K::Expression}, {"速算扣除数", R::Positional, K::Expression},
  {"以下", R::Positional, K::Expression}, {"含", R::Positional, K::Expression}, {"不含", R::Positional, K::Expression},
  {"是", R::Reserved, K::Value}, {"否", R::Reserved, K::Value},
  {"and", R::Reserved, K::Expression}, {"or", R::Reserved, K::Expression}, {"not", R::Reserved, K::Expression},
  {"true", R::Reserved, K::Value}, {"false", R::Reserved, K::Value},
  // aggregates over a list fact: 合计 L { E 当 C }; natural names elsewhere
  {"合计", R::Natural, K::Expression}, {"计数", R::Natural, K::Expression}, {"最大", R::Natural, K::Expression},
  {"最小", R::Natural, K::Expression},
  // 施行中(M): whether measure M is in force on the application's date; a name elsewhere
  {"施行中", R::Natural, K::Expression},
  // a 例's expected outcome
  {"得", R::Positional, K::Example}, {"受限", R::Positional, K::Example}, {"不受限", R::Positional, K::Example},
  {"不适用", R::Positional, K::Example}, {"错误", R::Positional, K::Example},
  // 性质 M { 对任意 申请 [当 C] 有 P }: properties checked on generated applications
  {"性质", R::Natural, K::Property}, {"对任意", R::Positional, K::Property},
  // fact types
  {"整数", R::Natural, K::Type}, {"数值", R::Natural, K::Type}, {"布尔", R::Natural, K::Type},
  {"日期", R::Natural, K::Type}, {"枚举", R::Natural, K::Type}, {"列表", R::Natural, K::Type},
  {"天数", R::Natural, K::Type}, {"月数", R::Natural, K::Type}, {"年数", R::Natural, K::Type},
};
// clang-format on

constexpr const Keyword* find(std::string_view w) {
  for (const auto& k : kAll)
    if (k.word == w) return &k;
  return nullptr;
}

// Never a name.
constexpr bool is_reserved(std::string_view w) {
  const Keyword* k = find(w);
  return k && k->reach == Reach::Reserved;
}

// A keyword wherever the grammar expects it and (usually) not a name: the
// reserved words and the positional ones, not the natural names.
constexpr bool is_keyword_like(std::string_view w) {
  const Keyword* k = find(w);
  return k && k->reach != Reach::Natural;
}

// The longest word in bytes: the reserved-word rule need not look further.
constexpr std::size_t longest() {
  std::size_t n = 0;
  for (const auto& k : kAll) n = k.word.size() > n ? k.word.size() : n;
  return n;
}

// What a name may be made of (the grammar's ident_first / ident_other): Latin
// letters, '_', CJK ideographs (with extensions A–F and compatibility), and
// digits after the first character.
constexpr bool is_name_start(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2EBEF);
}
constexpr bool is_name_char(char32_t c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

}  // namespace kuan::keywords
