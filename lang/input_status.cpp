// Whether a piece of REPL input is whole (lang/parser.hpp: input_status).
//
// The grammar answers, not a second lexer: the text is parsed as statements,
// as an expression and as NAME = expression (the REPL's three kinds of entry).
// Newlines are plain white space in Kuan, so a failure at the end of the input
// alone would make `1 +` wait for more; a line continues only while the parser
// has a block open — it matched a '{' (or '｛') whose '}' has not come — or
// stopped at a 「…」 or “…” text that the input does not close. Anything else
// that fails is a mistake to report now.
#include <string_view>
#include <vector>

#include "base/source.hpp"
#include "lang/grammar.hpp"
#include "lang/parser.hpp"

namespace kuan {

namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;

// NAME = EXPR: setting a fact.
struct assignment_input : pegtl::seq<pegtl::opt<pegtl::utf8::bom>, g::sp, g::name, g::equals,
                                     pegtl::must<g::expected_expression, g::expected_end_of_expression>> {};

// Blocks open along the parser's current path: one count per active rule, a
// rule's matched braces added to its parent when it succeeds and dropped when
// it fails (backtracked). Their sum when the parser raises is what is open.
struct Track {
  std::vector<int> open{0};
  int open_at_error = 0;
};

template <typename Rule>
struct tracking : g::control<Rule> {
  using base = g::control<Rule>;

  template <typename ParseInput>
  static void start(const ParseInput& in, Track& t) {
    t.open.push_back(0);
    base::start(in, t);
  }
  template <typename ParseInput>
  static void success(const ParseInput& in, Track& t) {
    int n = t.open.back();
    t.open.pop_back();
    if constexpr (std::is_same_v<Rule, g::lbrace>) ++n;
    if constexpr (std::is_same_v<Rule, g::rbrace>) --n;
    t.open.back() += n;
    base::success(in, t);
  }
  template <typename ParseInput>
  static void failure(const ParseInput& in, Track& t) {
    t.open.pop_back();
    if constexpr (g::error_message<Rule> != nullptr) record(t);  // must_if raises from failure()
    base::failure(in, t);
  }
  template <typename ParseInput>
  [[noreturn]] static void raise(const ParseInput& in, Track& t) {
    record(t);
    base::raise(in, t);
  }
  static void record(Track& t) {
    int sum = 0;
    for (int n : t.open) sum += n;
    t.open_at_error = sum;
  }
};

// A text opened at `at` by 「 or “ and not closed before the end.
bool unclosed_text_at(std::string_view text, std::size_t at) {
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"「", "」"}, {"“", "”"}})
    if (text.compare(at, open.size(), open) == 0 && text.find(close, at + open.size()) == std::string_view::npos)
      return true;
  return false;
}

template <typename Rule>
InputStatus status_as(std::string_view text) {
  pegtl::memory_input in(text.data(), text.size(), "<输入>");
  Track track;
  try {
    if (pegtl::parse<Rule, g::depth_action, tracking>(in, track)) return InputStatus::Complete;
    return InputStatus::Invalid;
  } catch (const pegtl::parse_error& e) {
    const std::size_t at = e.positions().empty() ? 0 : e.positions().front().byte;
    if (at >= text.size() && track.open_at_error > 0) return InputStatus::Incomplete;
    if (at < text.size() && unclosed_text_at(text, at)) return InputStatus::Incomplete;
    return InputStatus::Invalid;
  }
}

}  // namespace

InputStatus input_status(std::string_view text) {
  if (source_problem(text)) return InputStatus::Invalid;
  bool incomplete = false;
  for (auto status : {status_as<g::file>, status_as<g::expression_input>, status_as<assignment_input>}) {
    const InputStatus s = status(text);
    if (s == InputStatus::Complete) return s;
    incomplete = incomplete || s == InputStatus::Incomplete;
  }
  return incomplete ? InputStatus::Incomplete : InputStatus::Invalid;
}

}  // namespace kuan
