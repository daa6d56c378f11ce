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

}  // namespace kuan
