#include "lang/builtin_types.hpp"

#include <array>

namespace kuan {

namespace {
struct Entry {
  std::string_view name;
  Builtin fn;
};
// 舍入 is the header keyword, so the edition-mode rounding function is `round`.
constexpr std::array<Entry, 11> kBuiltins{{
    {"min", Builtin::Min}, {"最小", Builtin::Min}, {"max", Builtin::Max}, {"最大", Builtin::Max},
    {"round", Builtin::Round}, {"四舍五入", Builtin::RoundHalfUp},
    {"银行家舍入", Builtin::RoundHalfEven}, {"向下舍入", Builtin::RoundDown}, {"向上舍入", Builtin::RoundUp},
    {"abs", Builtin::Abs}, {"绝对值", Builtin::Abs},
}};

bool compatible(const Type& a, const Type& b) { return same_unit(a, b); }
}  // namespace

std::optional<Builtin> find_builtin(std::string_view name) {
  for (const auto& e : kBuiltins)
    if (e.name == name) return e.fn;
  return std::nullopt;
}

std::variant<Type, std::string> builtin_type(Builtin fn, const std::vector<Type>& args) {
  for (const auto& t : args)
    if (t.is_error()) return Type::error();
  switch (fn) {
    case Builtin::Min:
    case Builtin::Max: {
      if (args.size() < 2) return std::string("min/max 至少需要两个参数");
      Type result = args[0];
      for (const auto& t : args) {
        if (!t.is_numeric()) return std::string("min/max 的参数须为数量,这里是 ") + type_name(t.kind);
        if (!compatible(t, args[0]))
          return std::string("min/max 的参数单位须一致:") + type_name(args[0]) + " 与 " + type_name(t);
        if (t.kind == TypeKind::Number) result = t;
      }
      return result;
    }
    case Builtin::Round:
    case Builtin::RoundHalfUp:
    case Builtin::RoundHalfEven:
    case Builtin::RoundDown:
    case Builtin::RoundUp:
      if (args.size() != 2) return std::string("舍入函数需要两个参数:数值 和 步长,如 四舍五入(x, 0.01元)");
      if (!args[0].is_numeric()) return std::string("只能对数量舍入,这里是 ") + type_name(args[0].kind);
      if (!compatible(args[0], args[1]))
        return std::string("舍入步长的单位须与数值一致:") + type_name(args[0]) + " 与 " + type_name(args[1]);
      return args[0];
    case Builtin::Abs:
      if (args.size() != 1) return std::string("abs 需要一个参数");
      if (!args[0].is_numeric()) return std::string("abs 的参数须为数量");
      return args[0];
  }
  return std::string("未知函数");
}

}  // namespace kuan
