#include "stdlib/builtins.hpp"

namespace kuan {

std::optional<Value> call_builtin(Builtin fn, std::span<const Value> args, RoundingMode edition_mode,
                                  std::string& error) {
  switch (fn) {
    case Builtin::Min:
    case Builtin::Max: {
      Value best = args[0];
      for (std::size_t i = 1; i < args.size(); ++i) {
        const bool better = fn == Builtin::Min ? args[i].number < best.number : args[i].number > best.number;
        if (better) best.number = args[i].number;
        if (args[i].kind == TypeKind::Number) best.kind = TypeKind::Number;
      }
      return best;
    }
    case Builtin::Round:
    case Builtin::RoundHalfUp:
    case Builtin::RoundHalfEven:
    case Builtin::RoundDown:
    case Builtin::RoundUp: {
      if (args[1].number.sign() <= 0) {
        error = "舍入步长须大于零,这里是 " + args[1].number.to_string();
        return std::nullopt;
      }
      const RoundingMode mode = fn == Builtin::Round           ? edition_mode
                                : fn == Builtin::RoundHalfUp   ? RoundingMode::HalfUp
                                : fn == Builtin::RoundHalfEven ? RoundingMode::HalfEven
                                : fn == Builtin::RoundDown     ? RoundingMode::Down
                                                               : RoundingMode::Up;
      Value v = args[0];
      v.number = args[0].number.round_to_step(args[1].number, mode);
      return v;
    }
    case Builtin::Abs: {
      Value v = args[0];
      if (v.number.sign() < 0) v.number = -v.number;
      return v;
    }
  }
  error = "未知函数";
  return std::nullopt;
}

}  // namespace kuan
