// The tree-walker's expressions: an Activation holds what one evaluation
// computes (fact defaults, definitions, 比例 and 基数, 结果) and evaluates the
// checked expressions of an edition on one application's facts, over Decimal.
// Internal to the interpreter: the measure's steps (evaluator.cpp) drive it;
// an error found while computing is thrown as Raised and caught by guarded().
#pragma once

#include <array>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "interpreter/evaluator.hpp"

namespace kuan::walk {

struct Raised {
  EvalError error;
};

[[noreturn]] void raise(std::string message, Span span);
[[noreturn]] void raise_absent(const std::string& fact, std::string message, Span span);

// Decimal throws when a result leaves its bounds (scale or length); the error
// must carry the position of the rule that computed it.
template <typename F>
auto at(const Span& span, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& ex) {
    raise(std::string("计算超出范围:") + ex.what(), span);
  }
}

// The body's value, or the error it raised.
template <typename F>
auto guarded(F&& body) -> std::variant<decltype(body()), EvalError> {
  try {
    return body();
  } catch (const Raised& r) {
    return r.error;
  } catch (const std::exception& ex) {
    // Arithmetic limits of Decimal (scale beyond its bound): report, never crash.
    return EvalError{std::string("计算超出范围:") + ex.what(), Span{}};
  }
}

class Activation {
 public:
  // `notes`: the checker's findings about the expressions evaluated (the
  // edition's, unless a free expression brings its own).
  Activation(const Edition* ed, const FactValues& given, const ExprNotes* notes = nullptr)
      : ed_(ed), given_(given), notes_(notes ? notes : &ed->notes), note_(notes_->exprs.data()) {
    slots_ = ed_ ? ed_->memo_slots : 0;
    if (slots_ > kInlineSlots) {
      heap_ = std::make_unique<std::byte[]>(sizeof(Value) * static_cast<std::size_t>(slots_));
      heap_state_.assign(static_cast<std::size_t>(slots_), 0);
      memo_ = reinterpret_cast<Value*>(heap_.get());
      state_ = heap_state_.data();
      heap_computed_.resize(static_cast<std::size_t>(slots_));
      computed_ = heap_computed_.data();
    } else {
      memo_ = reinterpret_cast<Value*>(inline_);
      state_ = inline_state_.data();
      computed_ = inline_computed_.data();
      std::fill_n(state_, slots_, 0);
    }
  }
  ~Activation() {
    for (int i = 0; i < computed_count_; ++i) memo_[computed_[i]].~Value();
  }
  Activation(const Activation&) = delete;
  Activation& operator=(const Activation&) = delete;

  // The measure's 比例 and 基数: computed on first use, by name or for the
  // amount, so a condition may read them too.
  const ast::Expr* rate_expr = nullptr;
  const ast::Expr* base_expr = nullptr;
  ChoiceList* rate_choices = nullptr;  // where the rate's choices go when explaining
  const Value& rate(const Span& at) { return local(rate_, computing_rate_, rate_expr, rate_choices, "比例", at); }
  const Value& base(const Span& at) { return local(base_, computing_base_, base_expr, nullptr, "基数", at); }
  bool has_rate() const { return rate_.has_value(); }
  bool has_base() const { return base_.has_value(); }

  // The measure's 结果 computed so far (rounded), read by name in 金额, later
  // 结果 and a 性质; empty for a measure without them.
  std::vector<Value> figures;
  const Value& figure(const ast::Expr& e, int k) const {
    if (k < 0 || static_cast<std::size_t>(k) >= figures.size()) raise("结果 " + e.name + " 没有算出(措施不适用时没有结果)", e.span);
    return figures[static_cast<std::size_t>(k)];
  }

  // The measure's outcome, which a 性质 reads as 金额 and 适用; null elsewhere
  // (the checker lets no other expression name them).
  const Outcome* outcome = nullptr;

  // Where choices are recorded while explaining; null otherwise (the common,
  // fast case pays one test per 若 or 按).
  ChoiceList* choices = nullptr;

  Value eval(const ast::Expr& e);

  bool condition(const ast::Expr& e) {
    Value scratch;
    return operand(e, scratch).small != 0;
  }
  // A name's value is read in place; anything else is computed into `scratch`.
  // Operators use this so reading a fact or parameter copies nothing.
  const Value& operand(const ast::Expr& e, Value& scratch);

 private:
  static constexpr int kInlineSlots = 128;

  const Value& fact(const ast::Expr& at, int slot);
  const Value& define(int slot);
  const Value& local(std::optional<Value>& slot, bool& computing, const ast::Expr* expr,
                     ChoiceList* trace_to, const char* name, const Span& at);

  std::optional<Value> rate_, base_;
  bool computing_rate_ = false, computing_base_ = false;
  const Value& memoized(int slot, const ast::Expr& expr);
  Value arith(const ast::Expr& e);
  Value compare(const ast::Expr& e);
  Value aggregate(const ast::Expr& e);
  const Value& field(const ast::Expr& e, int index) const {
    if (!row_) raise("内部错误:字段 " + e.name + " 不在 合计 等之中", e.span);
    return row_[index];
  }
  const Value* row_ = nullptr;  // the list item an aggregate is at
  Value call(const ast::Expr& e);
  Value progressive(const ast::Expr& e);
  Value ranges(const ast::Expr& e);

  const ExprNote& note(const ast::Expr& e) const { return note_[e.id]; }

  const Edition* ed_;
  const FactValues& given_;
  const ExprNotes* notes_;
  const ExprNote* note_;  // notes_->exprs, by expression id
  // Raw storage: slots are constructed only when computed, so an evaluation
  // does not pay to construct and destroy values it never needs.
  alignas(Value) std::byte inline_[kInlineSlots * sizeof(Value)];
  std::array<unsigned char, kInlineSlots> inline_state_;
  std::unique_ptr<std::byte[]> heap_;
  std::vector<unsigned char> heap_state_;
  // Which slots hold a value, so only those are destroyed (usually a handful).
  // Slot numbers are as wide as the slot count (an edition may have more than
  // 65,535 of them: see limits::kMaxDefinitions).
  std::array<int, kInlineSlots> inline_computed_;
  std::vector<int> heap_computed_;
  int* computed_ = nullptr;
  int computed_count_ = 0;
  int slots_ = 0;
  Value* memo_;
  unsigned char* state_;  // 0 not yet computed, 1 computed
};

}  // namespace kuan::walk
