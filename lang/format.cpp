#include "lang/format.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <tuple>

#include "lang/keywords.hpp"
#include "lang/parser.hpp"
#include "lang/units.hpp"

namespace kuan {
namespace {

// ---------------------------------------------------------------- tokens
// A lexer of its own, beside the PEGTL grammar, because the layout needs what the
// parse drops: comments, line breaks, blank lines. It runs only on text that has
// just parsed, and the result is checked against the parse, so it need not
// diagnose anything; on odd input it makes one-character tokens and goes on.

enum class Tok { Word, Number, Date, String, ClauseRef, Punct, Comment };

struct Token {
  Tok kind;
  std::string_view text;
  bool first_on_line = false;  // a line break precedes it in the source
  int blank_before = 0;        // empty source lines right before it (first_on_line only)
};

using keywords::is_keyword_like;
using keywords::is_reserved;
bool is_ident_first(char32_t c) { return keywords::is_name_start(c); }
bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_ident_other(char32_t c) { return keywords::is_name_char(c); }
bool is_blank(char32_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x3000; }

char32_t peek(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  return decode_utf8(s, i);
}
std::size_t next(std::string_view s, std::size_t i) {
  decode_utf8(s, i);
  return i;
}

bool starts(std::string_view s, std::size_t i, std::string_view what) { return s.substr(i, what.size()) == what; }

// Multi-character operators first, so "<=" is not read as "<" "=".
constexpr std::array<std::string_view, 24> kPuncts = {
    "=>", "<=", ">=", "!=", "==", "→", "≤", "≥", "≠", "−", "×", "÷", "（", "）", "｛", "｝", "，", "：", "｜", "％",
    "=",  "<",  ">",  "+"};

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  bool line_has_token = false;
  int newlines = 0;  // since the last token
  std::string_view last_code;
  auto push = [&](Tok kind, std::size_t begin, std::size_t end) {
    Token t{kind, s.substr(begin, end - begin)};
    t.first_on_line = !line_has_token;
    t.blank_before = out.empty() ? 0 : std::max(0, newlines - 1);
    line_has_token = true;
    newlines = 0;
    if (kind != Tok::Comment) last_code = t.text;
    out.push_back(t);
  };
  if (starts(s, 0, "\xEF\xBB\xBF")) i = 3;
  while (i < s.size()) {
    const char32_t c = peek(s, i);
    const std::size_t begin = i;
    if (is_blank(c)) {
      if (c == '\n') {
        line_has_token = false;
        ++newlines;
      }
      i = next(s, i);
      continue;
    }
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
      std::size_t end = i;
      while (end > begin && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r')) --end;
      push(Tok::Comment, begin, end);
      continue;
    }
    if (c == '"' || c == 0x300C || c == 0x201C) {
      const char32_t close = c == '"' ? U'"' : c == 0x300C ? char32_t(0x300D) : char32_t(0x201D);
      i = next(s, i);
      while (i < s.size()) {
        if (c == '"' && s[i] == '\\' && i + 1 < s.size()) {
          i += 2;
          continue;
        }
        if (c == '"' && s[i] == '\n') break;
        const char32_t d = peek(s, i);
        i = next(s, i);
        if (d == close) break;
      }
      push(Tok::String, begin, i);
      continue;
    }
    if ((c == '(' || c == 0xFF08) && last_code == "条款") {
      i = next(s, i);
      while (i < s.size() && s[i] != '\n') {
        const char32_t d = peek(s, i);
        i = next(s, i);
        if (d == ')' || d == 0xFF09) break;
      }
      push(Tok::ClauseRef, begin, i);
      continue;
    }
    if (is_digit(c)) {
      bool date = i + 10 <= s.size();
      for (std::size_t k = 0; date && k < 10; ++k)
        date = (k == 4 || k == 7) ? s[i + k] == '-' : is_digit(static_cast<unsigned char>(s[i + k]));
      if (date) {
        push(Tok::Date, begin, i + 10);
        i += 10;
        continue;
      }
      while (i < s.size() && is_digit(static_cast<unsigned char>(s[i]))) ++i;
      if (i + 1 < s.size() && s[i] == '.' && is_digit(static_cast<unsigned char>(s[i + 1]))) {
        ++i;
        while (i < s.size() && is_digit(static_cast<unsigned char>(s[i]))) ++i;
      }
      if (const units::UnitWord* u = units::unit_at(s.substr(i))) {
        i += u->spelling.size();
        // 2000元/月: the period belongs to the number (a '/' with spaces would divide).
        if (i < s.size() && s[i] == '/')
          if (const units::PeriodWord* p = units::period_at(s.substr(i + 1));
              p && (i + 1 + p->spelling.size() >= s.size() || !is_ident_other(peek(s, i + 1 + p->spelling.size()))))
            i += 1 + p->spelling.size();
      }
      push(Tok::Number, begin, i);
      continue;
    }
    if (is_ident_first(c)) {
      while (i < s.size() && is_ident_other(peek(s, i))) i = next(s, i);
      // The type 金额/月 is one word.
      if (s.substr(begin, i - begin) == "金额" && i < s.size() && s[i] == '/')
        if (const units::PeriodWord* p = units::period_at(s.substr(i + 1));
            p && (i + 1 + p->spelling.size() >= s.size() || !is_ident_other(peek(s, i + 1 + p->spelling.size()))))
          i += 1 + p->spelling.size();
      push(Tok::Word, begin, i);
      continue;
    }
    std::size_t len = 0;
    for (auto p : kPuncts)
      if (starts(s, i, p)) {
        len = p.size();
        break;
      }
    if (!len) len = next(s, i) - i;  // one ASCII operator or bracket, or anything unexpected
    push(Tok::Punct, begin, i + len);
    i += len;
  }
  return out;
}

bool is(const Token& t, std::string_view a) { return t.text == a; }
template <typename... More>
bool is(const Token& t, std::string_view a, More... more) {
  return t.text == a || is(t, more...);
}

bool open_paren(const Token& t) { return t.kind == Tok::Punct && is(t, "(", "（"); }
bool close_paren(const Token& t) { return t.kind == Tok::Punct && is(t, ")", "）"); }
bool open_brace(const Token& t) { return t.kind == Tok::Punct && is(t, "{", "｛"); }
bool close_brace(const Token& t) { return t.kind == Tok::Punct && is(t, "}", "｝"); }
bool is_comma(const Token& t) { return t.kind == Tok::Punct && is(t, ",", "，"); }
bool is_arrow(const Token& t) { return t.kind == Tok::Punct && is(t, "=>", "→"); }
bool is_bar(const Token& t) { return t.kind == Tok::Punct && is(t, "|", "｜"); }
bool is_minus(const Token& t) { return t.kind == Tok::Punct && is(t, "-", "−"); }
bool is_word(const Token& t, std::string_view w) { return t.kind == Tok::Word && t.text == w; }

// The token can end an operand, so a '-' after it is a subtraction.
bool ends_operand(const Token& t) {
  switch (t.kind) {
    case Tok::Number:
    case Tok::Date:
    case Tok::String: return true;
    case Tok::Word: return !is_keyword_like(t.text) || is(t, "是", "否", "true", "false");
    case Tok::Punct: return close_paren(t) || close_brace(t);
    default: return false;
  }
}

bool is_binary_operator(const Token& t, bool unary) {
  if (t.kind == Tok::Word) return is(t, "且", "或", "and", "or");
  if (t.kind != Tok::Punct) return false;
  if (is_minus(t)) return !unary;
  return is(t, "+", "*", "×", "/", "÷", "<=", ">=", "!=", "==", "≤", "≥", "≠", "=", "<", ">");
}

// Where a long line may break: before an arithmetic or logical operator (not a
// comparison, which reads as one unit).
bool is_breakable_operator(const Token& t, bool unary) {
  if (t.kind == Tok::Word) return is(t, "且", "或", "and", "or");
  if (t.kind != Tok::Punct) return false;
  if (is_minus(t)) return !unary;
  return is(t, "+", "*", "×", "/", "÷");
}

std::size_t width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) w += display_width(decode_utf8(s, i));
  return w;
}

// ---------------------------------------------------------------- layout
enum class BlockKind { Top, Clause, Measure, Example, Property, Match, Brackets, Enum, Limit };

struct Anchor {
  bool is_if = false;  // 若 … 否则, else '('
  std::size_t col = 0;    // of the 若 or '('
  std::size_t inner = 0;  // where what follows it starts
};

struct Item {
  std::size_t indent = 0;
  long value_anchor = -1;  // column of the value after '=' / '=>' (or after the keyword)
  bool want_value = false;
  bool anchor_on_second = false;
  bool claim = false;  // 对任意 …: its 当 and 有 parts start their own lines under it
  std::size_t tokens = 0;
  std::string_view block_keyword;  // the last 条款/措施/例/按/枚举: what a '{' opens
  std::vector<Anchor> anchors;
};

struct Block {
  BlockKind kind;
  std::size_t content_indent;
  std::size_t close_indent;
  std::size_t opened_line;
  Item item;
};

struct Line {
  std::size_t begin = 0, end = 0;  // code tokens [begin, end)
  long comment = -1;               // a trailing or whole-line comment
  int blank_before = 0;
  std::size_t indent = 0;
  std::string main, label;  // label: from 标签 on
  std::size_t main_end = 0;  // display column after main (and after label, in line_end)
  std::size_t line_end = 0;
  bool has_code() const { return end > begin; }
};

bool statement_keyword(const Token& t, const Token* next) {
  if (t.kind != Tok::Word) return false;
  if (is(t, "状态")) return next && is(*next, "示例", "正式", "草案");
  if (is(t, "性质")) return next && next->kind == Tok::Word;  // not reserved: a statement only before a name
  return is(t, "政策", "版本", "基于", "施行", "舍入", "修订", "替换", "删除", "参数", "事实", "定义", "上限",
            "资金池", "累计", "限额", "累进表", "校验", "条款", "措施", "例", "原文", "责任单位");
}

bool starts_item(BlockKind kind, const Token& t, const Token* next) {
  const bool followed_by_equals = next && next->kind == Tok::Punct && is(*next, "=");
  switch (kind) {
    case BlockKind::Top:
    case BlockKind::Clause: return statement_keyword(t, next);
    case BlockKind::Measure:
      return t.kind == Tok::Word && (is(t, "要求", "需要", "上限", "叠加", "限额", "施行") ||
                                     (is(t, "比例", "基数", "金额", "名额") && followed_by_equals) ||
                                     (is(t, "结果") && next && next->kind == Tok::Word));  // 结果 NAME = …
    case BlockKind::Example:  // 结果 A = …: the figures expected after the outcome
      return t.kind == Tok::Word && (is(t, "得", "不适用") || (!is_reserved(t.text) && followed_by_equals) ||
                                     (is(t, "结果") && next && next->kind == Tok::Word));
    case BlockKind::Property: return is_word(t, "对任意");
    case BlockKind::Match:
      return t.kind == Tok::Word && (is(t, "其他") || (next && (is_arrow(*next) || is_bar(*next))));
    case BlockKind::Brackets: return t.kind == Tok::Word && is(t, "至", "以上");  // 累进 { 至 B => R …, 以上 => R }
    case BlockKind::Enum: return t.kind == Tok::Word;
    case BlockKind::Limit:  // one item a line: 计 …, 每 …/全部 …, 期间 …, 不超过 …, 已用 …, 当 …, 覆盖 …, 超出 …, 叠加
      return t.kind == Tok::Word && is(t, "计", "每", "全部", "期间", "不超过", "已用", "当", "覆盖", "超出", "叠加");
  }
  return false;
}

BlockKind kind_of_block(std::string_view keyword) {
  if (keyword == "条款") return BlockKind::Clause;
  if (keyword == "措施") return BlockKind::Measure;
  if (keyword == "例") return BlockKind::Example;
  if (keyword == "性质") return BlockKind::Property;
  if (keyword == "按") return BlockKind::Match;
  if (keyword == "累进" || keyword == "累进表") return BlockKind::Brackets;  // 累进 X { … }, 累进表 N { … }
  if (keyword == "枚举") return BlockKind::Enum;
  if (keyword == "限额") return BlockKind::Limit;
  return BlockKind::Clause;
}

class Layout {
 public:
  Layout(std::vector<Token> tokens, std::size_t max_width) : t_(std::move(tokens)), max_width_(max_width) {
    code_.reserve(t_.size());
    for (std::size_t i = 0; i < t_.size(); ++i)
      if (t_[i].kind != Tok::Comment) code_.push_back(i);
    unary_.assign(t_.size(), false);
    const Token* prev = nullptr;
    for (std::size_t i : code_) {
      unary_[i] = is_minus(t_[i]) && !(prev && ends_operand(*prev));
      prev = &t_[i];
    }
  }

  std::string run() {
    // Wrapping adds a line break (or one 按's set) to each long line and lays the
    // file out again, until no long line has a place left to break: the result is
    // a fixed point, so formatting it again changes nothing. The bound on rounds
    // only matters for machine-made lines with hundreds of 若 (then a second run
    // may wrap further).
    lay_out();
    for (int round = 0; round < 200 && wrap(); ++round) lay_out();
    return render();
  }

 private:
  std::vector<Token> t_;
  std::vector<std::size_t> code_;  // indices of the non-comment tokens
  std::vector<bool> unary_;
  std::size_t max_width_;
  std::vector<Line> lines_;
  std::vector<std::size_t> col_;  // display column of each token, from lay_out

  bool space_between(std::size_t p, std::size_t q) const {
    const Token &a = t_[p], &b = t_[q];
    if (b.kind == Tok::Punct && (close_paren(b) || is_comma(b) || is(b, ":", "："))) return false;
    if (open_paren(a)) return false;
    if (open_brace(a) && close_brace(b)) return false;  // an empty measure: 措施 m {}
    if (is(a, "[", "［") && is(b, "]", "］")) return false;  // an empty list in a 例: 子女 = []
    if (a.kind == Tok::Punct && is(a, "，", "：")) return false;  // full-width marks carry their own space
    if (open_paren(b) && a.kind == Tok::Word && !is_keyword_like(a.text)) return false;  // a call
    if (inclusion_at(q)) return false;  // a range's end: 50万元(含)
    if (unary_[p]) return false;
    return true;
  }

  void split_lines() {
    lines_.clear();
    for (std::size_t i = 0; i < t_.size(); ++i) {
      const Token& tok = t_[i];
      if (tok.first_on_line || lines_.empty()) {
        Line l;
        l.begin = l.end = i;
        l.blank_before = lines_.empty() ? 0 : std::min(tok.blank_before, 1);
        lines_.push_back(l);
      }
      Line& l = lines_.back();
      if (tok.kind == Tok::Comment) {
        l.comment = static_cast<long>(i);
        if (l.end == l.begin) l.begin = l.end = i + 1;
      } else {
        l.end = i + 1;
      }
    }
  }

  const Token* next_code(std::size_t i) const {
    const std::size_t k = next_code_at(i);
    return k < t_.size() ? &t_[k] : nullptr;
  }
  std::size_t next_code_at(std::size_t i) const {
    std::size_t k = i + 1;
    while (k < t_.size() && t_[k].kind == Tok::Comment) ++k;
    return k;
  }
  // (含) or (不含) starts at token i.
  bool inclusion_at(std::size_t i) const {
    if (i >= t_.size() || !open_paren(t_[i])) return false;
    const std::size_t w = next_code_at(i), c = next_code_at(w);
    return c < t_.size() && (is_word(t_[w], "含") || is_word(t_[w], "不含")) && close_paren(t_[c]);
  }
  // A range arm of a 按 starts at token i: [−] end (含)/(不含).
  bool range_arm_at(std::size_t i) const {
    if (i < t_.size() && is_minus(t_[i])) i = next_code_at(i);
    return i < t_.size() && (t_[i].kind == Tok::Number || t_[i].kind == Tok::Date || t_[i].kind == Tok::Word) &&
           inclusion_at(next_code_at(i));
  }

  static std::size_t continuation_indent(const Item& item, const Token& first, bool unary) {
    const std::size_t value = item.value_anchor >= 0 ? static_cast<std::size_t>(item.value_anchor) : item.indent + 4;
    const Anchor* top = item.anchors.empty() ? nullptr : &item.anchors.back();
    if (first.kind == Tok::Word && is(first, "则", "否则")) {
      if (top && top->is_if) return top->col;
      if (is(first, "否则")) return item.indent + 2;  // 要求 … 否则 "…"
    }
    if (close_paren(first) && top && !top->is_if) return top->col;
    if (item.claim && first.kind == Tok::Word && is(first, "当", "有") && !top) return item.indent + 2;
    if (first.kind == Tok::Word && is(first, "已用", "当") && !top) return value;
    const std::size_t anchor = !top ? value : top->inner;
    if (is_binary_operator(first, unary)) {
      // The operand after the operator lines up with the first operand.
      const std::size_t w = width(first.text) + 1;
      if (anchor >= item.indent + 2 + w) return anchor - w;
    }
    return anchor;
  }

  void lay_out() {
    split_lines();
    col_.assign(t_.size(), 0);
    std::vector<Block> blocks{Block{BlockKind::Top, 0, 0, 0, Item{}}};
    for (std::size_t li = 0; li < lines_.size(); ++li) {
      Line& line = lines_[li];
      if (!line.has_code()) continue;
      const Token& first = t_[line.begin];
      const Token* after = next_code(line.begin);
      Block& top = blocks.back();
      if (close_brace(first) && blocks.size() > 1) {
        line.indent = top.close_indent;
      } else if (starts_item(top.kind, first, after) || (top.kind == BlockKind::Match && range_arm_at(line.begin))) {
        line.indent = top.content_indent;
        top.item = Item{};
        top.item.indent = line.indent;
        top.item.anchor_on_second = first.kind == Tok::Word &&
                                    is(first, "要求", "需要", "校验", "得", "不适用", "原文", "责任单位", "施行", "舍入",
                                       "政策", "版本", "基于", "状态", "删除", "替换", "对任意");
        top.item.claim = is_word(first, "对任意");
      } else {
        line.indent = continuation_indent(top.item, first, unary_[line.begin]);
      }
      std::size_t col = line.indent;
      std::string main, label;
      bool in_label = false;
      for (std::size_t k = line.begin; k < line.end; ++k) {
        const Token& tok = t_[k];
        if (k > line.begin && space_between(k - 1, k)) {
          col += 1;
          (in_label ? label : main) += ' ';
        }
        // 标签 "…" (标签 may also be a name: then no text follows it)
        if (k > line.begin && is_word(tok, "标签") && !in_label && k + 1 < line.end && t_[k + 1].kind == Tok::String) {
          in_label = true;
          if (!main.empty() && main.back() == ' ') main.pop_back();
          col -= 1;
          line.main_end = col;
        }
        col_[k] = col;
        Item& item = blocks.back().item;
        ++item.tokens;
        if (item.want_value) {
          item.value_anchor = static_cast<long>(col);
          item.want_value = false;
        }
        if (item.anchor_on_second && item.tokens == 2 && item.value_anchor < 0) item.value_anchor = static_cast<long>(col);
        (in_label ? label : main) += tok.text;
        const std::size_t nl = tok.text.rfind('\n');
        const std::size_t end_col = nl == std::string_view::npos ? col + width(tok.text) : width(tok.text.substr(nl + 1));
        if (tok.kind == Tok::Word && is(tok, "条款", "措施", "例", "按", "累进", "累进表", "枚举", "限额")) item.block_keyword = tok.text;
        if (k == line.begin && is_word(tok, "性质") &&
            (blocks.back().kind == BlockKind::Top || blocks.back().kind == BlockKind::Clause))
          item.block_keyword = tok.text;
        if (open_paren(tok)) {
          item.anchors.push_back(Anchor{false, col, end_col});
        } else if (close_paren(tok)) {
          while (!item.anchors.empty()) {
            const bool paren = !item.anchors.back().is_if;
            item.anchors.pop_back();
            if (paren) break;
          }
        } else if (is_word(tok, "若")) {
          item.anchors.push_back(Anchor{true, col, col + 3});
        } else if (is_word(tok, "否则")) {
          if (!item.anchors.empty() && item.anchors.back().is_if) item.anchors.pop_back();
        } else if (tok.kind == Tok::Punct && (is(tok, "=") || is_arrow(tok)) && item.anchors.empty() &&
                   item.value_anchor < 0 && !item.anchor_on_second) {
          item.want_value = true;
        } else if (open_brace(tok)) {
          std::size_t opened_here = 1;
          for (const auto& b : blocks)
            if (b.opened_line == li && &b != &blocks.front()) ++opened_here;
          Block b{kind_of_block(item.block_keyword), line.indent + 2 * opened_here,
                  line.indent + 2 * (opened_here - 1), li, Item{}};
          if (k + 1 < line.end) {  // `{ a, b` on one line: what follows lines up after the brace
            b.close_indent = col;
            b.content_indent = end_col + 1;
          }
          b.item.indent = b.content_indent;
          blocks.push_back(std::move(b));
        } else if (close_brace(tok) && blocks.size() > 1) {
          blocks.pop_back();
        }
        col = end_col;
      }
      if (!in_label) line.main_end = col;
      line.line_end = col;
      line.main = std::move(main);
      line.label = std::move(label);
    }
    // A comment line takes the indentation of the code it precedes.
    std::size_t following = 0;
    bool before_close = false;
    for (std::size_t li = lines_.size(); li-- > 0;) {
      Line& line = lines_[li];
      if (line.has_code()) {
        following = line.indent;
        before_close = close_brace(t_[line.begin]);
      } else {
        line.indent = following + (before_close ? 2 : 0);
      }
    }
  }

  // ------------------------------------------------------------ wrapping
  // The matching 则 and 否则 of the 若 at `i` on its line, or npos.
  std::pair<std::size_t, std::size_t> then_else_of(std::size_t i, std::size_t line_end) const {
    int depth = 0, ifs = 0;
    std::size_t then_at = std::string::npos;
    for (std::size_t k = i + 1; k < line_end; ++k) {
      const Token& tok = t_[k];
      if (tok.kind == Tok::Comment) continue;
      if (open_paren(tok) || open_brace(tok)) ++depth;
      if (close_paren(tok) || close_brace(tok)) {
        if (--depth < 0) break;
      }
      if (depth != 0) continue;
      if (is_word(tok, "若")) ++ifs;
      if (is_word(tok, "则") && ifs == 0 && then_at == std::string::npos) then_at = k;
      if (is_word(tok, "否则")) {
        if (ifs == 0) return {then_at, k};
        --ifs;
      }
    }
    return {then_at, std::string::npos};
  }

  bool wrap() {
    bool wrapped = false;
    for (const Line& line : lines_) {
      if (!line.has_code() || line.main_end <= max_width_) continue;
      // Candidates: (depth, order, breaks). Outer structure breaks first.
      // Candidates: the outermost first (least bracket depth); at one depth a 若 or
      // 按 before an operator; then the leftmost.
      struct Candidate {
        int depth;
        int rank;  // 0: 若 / 按, 1: a binary operator
        std::size_t at;
        std::vector<std::size_t> breaks;
      };
      std::optional<Candidate> best;
      auto offer = [&](Candidate c) {
        if (!best || std::tie(c.depth, c.rank, c.at) < std::tie(best->depth, best->rank, best->at)) best = std::move(c);
      };
      // Per depth, the operator to break before: the rightmost that starts within
      // the width, else the leftmost.
      std::map<int, std::size_t> operator_at;
      int depth = 0;
      for (std::size_t k = line.begin; k < line.end; ++k) {
        const Token& tok = t_[k];
        if (close_paren(tok) || close_brace(tok)) --depth;
        if (is_word(tok, "若")) {
          auto [then_at, else_at] = then_else_of(k, line.end);
          if (else_at != std::string::npos && else_at < line.end)
            offer({depth, 0, k, {else_at}});
          else if (then_at != std::string::npos && then_at < line.end && then_at > line.begin)
            offer({depth, 0, k, {then_at}});
        } else if (is_word(tok, "按")) {
          if (auto breaks = match_breaks(k, line.end)) offer({depth, 0, k, std::move(*breaks)});
        } else if (k > line.begin && is_breakable_operator(tok, unary_[k])) {
          auto [it, fresh] = operator_at.try_emplace(depth, k);
          if (!fresh && col_[k] <= max_width_) it->second = k;
        }
        if (open_paren(tok) || open_brace(tok)) ++depth;
      }
      for (auto [d, k] : operator_at) offer({d, 1, k, {k}});
      if (!best) continue;
      for (std::size_t b : best->breaks) {
        t_[b].first_on_line = true;
        t_[b].blank_before = 0;
      }
      wrapped = true;
    }
    return wrapped;
  }

  // 按 X { a => 1, b => 2 } wholly on one line: a break after '{', before each
  // branch, and before '}'.
  std::optional<std::vector<std::size_t>> match_breaks(std::size_t at, std::size_t line_end) const {
    int depth = 0;
    std::size_t k = at + 1;
    for (; k < line_end; ++k) {
      if (open_brace(t_[k]) && depth == 0) break;
      if (open_paren(t_[k]) || open_brace(t_[k])) ++depth;
      if (close_paren(t_[k]) || close_brace(t_[k])) --depth;
    }
    if (k >= line_end) return std::nullopt;
    std::vector<std::size_t> breaks;
    depth = 0;
    for (std::size_t j = k + 1; j < line_end; ++j) {
      const Token& tok = t_[j];
      if (tok.kind == Tok::Comment) return std::nullopt;
      if (depth == 0 && close_brace(tok)) {
        if (breaks.empty()) return std::nullopt;
        breaks.push_back(j);
        return breaks;
      }
      // an arm: a value's name, 其他, or a range's first end (a number, a date, a 参数, −x)
      const bool arm_start = tok.kind == Tok::Word || tok.kind == Tok::Number || tok.kind == Tok::Date || is_minus(tok);
      if (depth == 0 && arm_start && (j == k + 1 || is_comma(t_[j - 1]))) breaks.push_back(j);
      if (open_paren(tok) || open_brace(tok)) ++depth;
      if (close_paren(tok) || close_brace(tok)) --depth;
    }
    return std::nullopt;
  }

  // ------------------------------------------------------------ output
  std::string render() {
    // 标签 and trailing comments line up within a paragraph (lines without a
    // blank line between them). A line far wider than the rest does not drag the
    // whole column right: past max_width it keeps two spaces.
    std::vector<std::size_t> label_col(lines_.size(), 0), comment_col(lines_.size(), 0);
    for (std::size_t p = 0; p < lines_.size();) {
      std::size_t q = p + 1;
      while (q < lines_.size() && lines_[q].blank_before == 0) ++q;
      std::size_t lc = 0;
      for (std::size_t li = p; li < q; ++li)
        if (!lines_[li].label.empty() && lines_[li].main_end <= max_width_) lc = std::max(lc, lines_[li].main_end + 2);
      for (std::size_t li = p; li < q; ++li) {
        Line& l = lines_[li];
        if (l.label.empty()) continue;
        label_col[li] = std::max(lc, l.main_end + 2);
        l.line_end = label_col[li] + width(l.label);
      }
      std::size_t cc = 0;
      for (std::size_t li = p; li < q; ++li)
        if (lines_[li].has_code() && lines_[li].comment >= 0 && lines_[li].line_end <= max_width_)
          cc = std::max(cc, lines_[li].line_end + 2);
      for (std::size_t li = p; li < q; ++li) comment_col[li] = std::max(cc, lines_[li].line_end + 2);
      p = q;
    }
    std::string out;
    for (std::size_t li = 0; li < lines_.size(); ++li) {
      const Line& l = lines_[li];
      if (l.blank_before) out += '\n';
      out.append(l.indent, ' ');
      if (l.has_code()) {
        out += l.main;
        if (!l.label.empty()) {
          out.append(label_col[li] - l.main_end, ' ');
          out += l.label;
        }
        if (l.comment >= 0) {
          out.append(comment_col[li] - l.line_end, ' ');
          out += t_[l.comment].text;
        }
      } else if (l.comment >= 0) {
        out += t_[l.comment].text;
      }
      out += '\n';
    }
    return out;
  }
};

}  // namespace

std::vector<std::string> comments_of(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : lex(text))
    if (t.kind == Tok::Comment) out.emplace_back(t.text);
  return out;
}

std::vector<std::pair<std::size_t, std::size_t>> identifier_spans(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const Token& t : lex(text))
    if (t.kind == Tok::Word && !is_reserved(t.text)) {
      const auto begin = static_cast<std::size_t>(t.text.data() - text.data());
      out.emplace_back(begin, begin + t.text.size());
    }
  return out;
}

std::pair<std::size_t, std::size_t> identifier_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  while (offset > 0 && offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) --offset;
  std::size_t begin = offset;
  while (begin > 0) {  // step back one code point at a time
    std::size_t prev = begin - 1;
    while (prev > 0 && (static_cast<unsigned char>(text[prev]) & 0xC0) == 0x80) --prev;
    if (!is_ident_other(peek(text, prev))) break;
    begin = prev;
  }
  std::size_t end = offset;
  while (end < text.size() && is_ident_other(peek(text, end))) end = next(text, end);
  // A number is not a name: skip leading digits (3个 → 个 is not a name either).
  while (begin < end && is_digit(static_cast<unsigned char>(text[begin]))) ++begin;
  return {begin, end};
}

namespace {

// A file written on Windows keeps its line endings (its first line says which
// they are): otherwise `kuan fmt --check` would fail on every such file for
// white space the layout does not mean to change.
bool ends_lines_with_crlf(std::string_view text) {
  const auto newline = text.find('\n');
  return newline != std::string_view::npos && newline > 0 && text[newline - 1] == '\r';
}

// Every bare LF as CRLF; one already after a CR (in a token kept verbatim) stays.
std::string with_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

}  // namespace

FormatResult format_source(const SourcePtr& source, const FormatOptions& options) {
  FormatResult result;
  auto parsed = parse_module(source);
  if (!parsed.module) {
    result.diagnostics = std::move(parsed.diagnostics);
    return result;
  }
  const std::string_view text = source->text();
  std::string formatted = Layout(lex(text), options.max_width).run();
  if (starts(text, 0, "\xEF\xBB\xBF")) formatted.insert(0, "\xEF\xBB\xBF");
  if (ends_lines_with_crlf(text)) formatted = with_crlf(formatted);

  auto again = parse_module(std::make_shared<SourceFile>(source->name(), formatted));
  if (!again.module) {
    result.internal_error = "格式化后的文本无法解析";
    if (!again.diagnostics.empty()) result.internal_error += ":" + again.diagnostics.front().message;
  } else if (ast_fingerprint(*again.module) != ast_fingerprint(*parsed.module)) {
    result.internal_error = "格式化会改变规则的含义";
  } else if (comments_of(formatted) != comments_of(text)) {
    result.internal_error = "格式化会改变注释";
  }
  if (!result.internal_error.empty()) return result;
  result.ok = true;
  result.text = std::move(formatted);
  return result;
}

}  // namespace kuan
