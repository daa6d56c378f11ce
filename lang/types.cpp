#include "lang/types.hpp"

namespace kuan {

const char* type_name(TypeKind kind) {
  switch (kind) {
    case TypeKind::Money: return "金额";
    case TypeKind::Rate: return "比例";
    case TypeKind::Integer: return "整数";
    case TypeKind::Number: return "数值";
    case TypeKind::Bool: return "布尔";
    case TypeKind::Date: return "日期";
    case TypeKind::Enum: return "枚举";
    case TypeKind::List: return "列表";
    case TypeKind::Error: return "(错误)";
  }
  return "?";
}

const char* time_word(TimeUnit t) {
  switch (t) {
    case TimeUnit::Day: return "天";
    case TimeUnit::Month: return "月";
    case TimeUnit::Year: return "年";
    case TimeUnit::None: break;
  }
  return "";
}

std::string type_name(const Type& t) {
  if (t.is_span()) return std::string(time_word(t.time)) + "数";
  if (t.is_per_period()) return std::string("金额/") + time_word(t.time);
  return type_name(t.kind);
}

}  // namespace kuan
