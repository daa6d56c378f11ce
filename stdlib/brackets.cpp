#include "stdlib/brackets.hpp"

namespace kuan {

namespace {
std::string shown(const Decimal& d, const char* unit) { return d.normalized().to_string() + unit; }
}  // namespace

Decimal progressive_amount(const Decimal& amount, const std::vector<BracketRow>& rows,
                           std::vector<BracketSlice>* slices) {
  Decimal tax, lower;
  for (std::size_t i = 0; i < rows.size() && amount > lower; ++i) {
    const BracketRow& r = rows[i];
    const Decimal& top = r.upper && *r.upper < amount ? *r.upper : amount;
    const Decimal base = top - lower;
    const Decimal part = base * r.rate;
    tax += part;
    if (slices) slices->push_back({i, base, part});
    if (!r.upper) break;
    lower = *r.upper;
  }
  return tax;
}

std::optional<BracketProblem> check_brackets(const std::vector<BracketRow>& rows, const char* unit) {
  Decimal lower, tax_below;  // the bracket's lower bound and the tax of that much
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const BracketRow& r = rows[i];
    if (r.upper && *r.upper <= lower)
      return BracketProblem{i, false,
                            i == 0 ? "累进 的第一档上界须大于零,这里是 " + shown(*r.upper, unit)
                                   : "累进 的上界须逐档递增:前一档至 " + shown(lower, unit) + ",这一档至 " +
                                         shown(*r.upper, unit)};
    if (r.deduction) {
      const Decimal expected = lower * r.rate - tax_below;
      if (*r.deduction != expected)
        return BracketProblem{i, true,
                              "速算扣除数与各档税率不符:这一档应为 " + shown(expected, unit) + ",这里写的是 " +
                                  shown(*r.deduction, unit)};
    }
    if (!r.upper) break;
    tax_below += (*r.upper - lower) * r.rate;
    lower = *r.upper;
  }
  return std::nullopt;
}

}  // namespace kuan
