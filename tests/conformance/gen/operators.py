"""Every operator in both spellings: arithmetic (+ − - × * ÷ /) with the unit
rules, precedence and associativity, unary minus, comparisons (< > ≤ <= ≥ >=
= == ≠ !=) on money, rates, numbers, dates, booleans and enumerations, and logic
(且 and 或 or 非 not) with short-circuit evaluation."""
import random

from .common import D, Group, Num, div, final, header, locate

NAME = "operators"
DESCRIPTION = __doc__

ARITH_RULES = header() + """事实 甲: 金额
事实 乙: 金额
事实 丙: 金额 = 0元
事实 率: 比例
事实 率二: 比例 = 50%
事实 数: 数值
事实 整: 整数 = 3
措施 加 { 金额 = 甲 + 乙 }
措施 减 { 金额 = 甲 − 乙 }
措施 减二 { 金额 = 甲 - 乙 }
措施 乘 { 金额 = 甲 × 率 }
措施 乘二 { 金额 = 甲 * 率 }
措施 率在左 { 金额 = 率 × 甲 }
措施 乘数 { 金额 = 甲 × 数 }
措施 数乘 { 金额 = 数 * 甲 }
措施 除 { 金额 = 甲 ÷ 数 }
措施 除二 { 金额 = 甲 / 数 }
措施 除整 { 金额 = 甲 ÷ 整 }
措施 金额比 { 金额 = 乙 × (甲 ÷ 乙) }
措施 金额比二 { 金额 = 乙 * (甲 / 乙) }
措施 率乘率 { 金额 = 甲 × (率 × 率二) }
措施 率除数 { 金额 = 甲 × (率 ÷ 数) }
措施 率除率 { 金额 = 甲 × (率 ÷ 率二) }
措施 优先 { 金额 = 甲 + 乙 × 率 }
措施 括号 { 金额 = (甲 + 乙) × 率 }
措施 左结合 { 金额 = 甲 − 乙 − 丙 }
措施 除左结合 { 金额 = 甲 ÷ 数 ÷ 整 }
措施 负号 { 金额 = -乙 + 甲 + 乙 }
措施 负号二 { 金额 = −(乙 − 甲) }
措施 双负 { 金额 = - -甲 }
措施 整数式 { 金额 = 甲 × (整 + 整 × 整) }
措施 比例基数 { 比例 = 率
  基数 = 甲 + 乙 }
"""


def money(r):
    """A money fact: whole 元, or with one or two decimals."""
    cents = r.randrange(0, 10**9)
    v = D(cents).scaleb(-r.choice([0, 1, 2]))
    return v


def arith_groups():
    r = random.Random(20251126)
    g = Group("arith", ARITH_RULES, note="Operands are random; each amount is the exact result rounded half-up to 0.01元 once.")
    n = 0

    def case(measure, facts, exact):
        nonlocal n
        n += 1
        amount = final(exact)
        shown = {k: v if isinstance(v, Num) else Num(v) if r.random() < 0.5 else str(v) for k, v in facts.items()}
        g.ok(f"{measure}-{n}", measure, shown, amount)

    for _ in range(4):
        a, b = money(r), money(r)
        case("加", {"甲": a, "乙": b}, a + b)
        hi, lo = max(a, b), min(a, b)
        case("减", {"甲": hi, "乙": lo}, hi - lo)
        case("减二", {"甲": hi, "乙": lo}, hi - lo)
        rt = D(r.randrange(0, 10001)).scaleb(-4)
        case("乘", {"甲": a, "乙": b, "率": rt}, a * rt)
        case("乘二", {"甲": a, "乙": b, "率": rt}, a * rt)
        case("率在左", {"甲": a, "乙": b, "率": rt}, a * rt)
        x = D(r.randrange(1, 100000)).scaleb(-r.choice([0, 1, 2, 3]))
        case("乘数", {"甲": a, "乙": b, "数": x}, a * x)
        case("数乘", {"甲": a, "乙": b, "数": x}, a * x)
        case("除", {"甲": a, "乙": b, "数": x}, div(a, x))
        case("除二", {"甲": a, "乙": b, "数": x}, div(a, x))
        k = r.randrange(1, 13)
        case("除整", {"甲": a, "乙": b, "整": Num(k)}, div(a, D(k)))
        b1 = b if b != 0 else D(7)
        case("金额比", {"甲": a, "乙": b1}, b1 * div(a, b1))
        case("金额比二", {"甲": a, "乙": b1}, b1 * div(a, b1))
        r2 = D(r.randrange(0, 101)).scaleb(-2)
        case("率乘率", {"甲": a, "乙": b, "率": rt, "率二": r2}, a * rt * r2)
        case("率除数", {"甲": a, "乙": b, "率": rt, "数": x}, a * div(rt, x))
        r3 = r2 if r2 != 0 else D("0.25")
        case("率除率", {"甲": a, "乙": b, "率": rt, "率二": r3}, a * div(rt, r3))
        case("优先", {"甲": a, "乙": b, "率": rt}, a + b * rt)
        case("括号", {"甲": a, "乙": b, "率": rt}, (a + b) * rt)
        c = money(r) % (hi - lo + 1)
        case("左结合", {"甲": hi, "乙": lo, "丙": c}, hi - lo - c)
        case("除左结合", {"甲": a, "乙": b, "数": x, "整": Num(k)}, div(div(a, x), D(k)))
        case("负号", {"甲": a, "乙": b}, -b + a + b)
        case("负号二", {"甲": hi, "乙": lo}, -(lo - hi))
        case("双负", {"甲": a, "乙": b}, a)
        case("整数式", {"甲": a, "乙": b, "整": Num(k)}, a * (k + k * k))
        case("比例基数", {"甲": a, "乙": b, "率": rt}, (a + b) * rt)
    # Fixed cases where a wrong precedence, associativity or spelling gives a different answer.
    g.ok("precedence-fixed", "优先", {"甲": "100", "乙": "200", "率": "10%"}, "120.00", note="100 + (200 × 10%), not (100 + 200) × 10% = 30")
    g.ok("parens-fixed", "括号", {"甲": "100", "乙": "200", "率": "10%"}, "30.00")
    g.ok("left-assoc-fixed", "左结合", {"甲": "100", "乙": "30", "丙": "20"}, "50.00", note="(100 − 30) − 20, not 100 − (30 − 20) = 90")
    g.ok("div-left-assoc-fixed", "除左结合", {"甲": "120", "数": "4", "整": Num(3)}, "10.00", note="(120 ÷ 4) ÷ 3, not 120 ÷ (4 ÷ 3) = 90")
    g.ok("div-third", "除", {"甲": "100", "乙": "0", "数": "3"}, "33.33")
    g.ok("div-two-thirds", "除", {"甲": "200", "乙": "0", "数": "3"}, "66.67")
    g.ok("div-by-fraction", "除", {"甲": "1", "乙": "0", "数": "0.125"}, "8.00")
    g.ok("money-ratio-thirds", "金额比", {"甲": "100", "乙": "300"}, "100.00",
         note="300 × (100 ÷ 300): 300 × 0.333333333333333333 = 99.9999999999999999 → 100.00")
    g2 = Group("division-precision", header() + """事实 甲: 金额
事实 整: 整数 = 1
事实 数: 数值 = 1
措施 整除 { 金额 = 1元 × (整 ÷ 2) }
措施 三分之二 { 金额 = 1元 × (整 ÷ 3) × 100000000000000000 }
措施 长被除数 { 金额 = (甲 ÷ 3) × 1000000000000000000 }
措施 大整数 { 金额 = 1元 × (整 × 整) }
""", note="÷ keeps max(18, the dividend's decimals) places, half away from zero; nothing else rounds")
    g2.ok("integer-division-is-exact", "整除", {"甲": "0", "整": Num(7)}, final(div(D(7), D(2))), note="7 ÷ 2 = 3.5")
    g2.ok("integer-division-even", "整除", {"甲": "0", "整": Num(8)}, "4.00")
    g2.ok("eighteen-places", "三分之二", {"甲": "0", "整": Num(2)}, final(div(D(2), D(3)) * D(10) ** 17),
          note="2 ÷ 3 = 0.666666666666666667 (18 places) × 10^17 = 66666666666666666.7")
    g2.ok("one-third", "三分之二", {"甲": "0", "整": Num(1)}, final(div(D(1), D(3)) * D(10) ** 17))
    g2.ok("dividend-places", "长被除数", {"甲": "1.0000000000000000001"},
          final(div(D("1.0000000000000000001"), D(3)) * D(10) ** 18),
          note="19 places kept: 0.3333333333333333334 × 10^18")
    g2.ok("big-integers", "大整数", {"甲": "0", "整": Num(10**20)}, final(D(10) ** 40))
    return [g, g2]


CMP_RULES = header() + """事实 甲: 金额
事实 乙: 金额
事实 率甲: 比例 = 0%
事实 率乙: 比例 = 0%
事实 整: 整数 = 0
事实 数: 数值 = 0
事实 日甲: 日期 = 2025-01-01
事实 日乙: 日期 = 2025-01-01
事实 真甲: 布尔 = 否
事实 真乙: 布尔 = 否
事实 类: 枚举 { 甲类, 乙类 } = 甲类
"""

SPELLINGS = [("lt", "<", lambda c: c < 0), ("gt", ">", lambda c: c > 0), ("le", "≤", lambda c: c <= 0),
             ("le_ascii", "<=", lambda c: c <= 0), ("ge", "≥", lambda c: c >= 0), ("ge_ascii", ">=", lambda c: c >= 0),
             ("eq", "=", lambda c: c == 0), ("eq_ascii", "==", lambda c: c == 0), ("ne", "≠", lambda c: c != 0),
             ("ne_ascii", "!=", lambda c: c != 0)]


def cmp_groups():
    text = CMP_RULES
    for key, op, _ in SPELLINGS:
        text += f"措施 金{key} {{ 金额 = 若 甲 {op} 乙 则 1元 否则 2元 }}\n"
        text += f"措施 率{key} {{ 金额 = 若 率甲 {op} 率乙 则 1元 否则 2元 }}\n"
        text += f"措施 数{key} {{ 金额 = 若 整 {op} 数 则 1元 否则 2元 }}\n"
        text += f"措施 日{key} {{ 金额 = 若 日甲 {op} 日乙 则 1元 否则 2元 }}\n"
    for key, op in (("eq", "="), ("eq_ascii", "=="), ("ne", "≠"), ("ne_ascii", "!=")):
        text += f"措施 真{key} {{ 金额 = 若 真甲 {op} 真乙 则 1元 否则 2元 }}\n"
        text += f"措施 类{key} {{ 金额 = 若 类 {op} 乙类 则 1元 否则 2元 }}\n"
    g = Group("compare", text, note="若 CMP 则 1元 否则 2元: 1.00 when the comparison holds.")
    money_pairs = [("lt", ("99.99", "100")), ("eq", ("100", "100.00")), ("gt", ("100.01", "100")),
                   ("eq-units", ("1万元", "10000")), ("lt-units", ("0.5亿元", "5001万元"))]
    rate_pairs = [("lt", ("29.9%", "0.3")), ("eq", ("30%", "0.30")), ("gt", ("30.01%", "30%"))]
    num_pairs = [("lt", (Num(2), Num("2.5"))), ("eq", (Num(3), "3.000")), ("gt", (Num(4), Num("3.99")))]
    date_pairs = [("lt", ("2025-02-28", "2025-03-01")), ("eq", ("2024-02-29", "2024-02-29")),
                  ("gt", ("2026-01-01", "2025-12-31"))]
    sign = {"lt": -1, "eq": 0, "gt": 1, "eq-units": 0, "lt-units": -1}
    for key, op, holds in SPELLINGS:
        for pk, (a, b) in money_pairs:
            g.ok(f"money-{key}-{pk}", f"金{key}", {"甲": a, "乙": b}, "1.00" if holds(sign[pk]) else "2.00")
        for pk, (a, b) in rate_pairs:
            g.ok(f"rate-{key}-{pk}", f"率{key}", {"甲": "0", "乙": "0", "率甲": a, "率乙": b},
                 "1.00" if holds(sign[pk]) else "2.00")
        for pk, (a, b) in num_pairs:
            g.ok(f"number-{key}-{pk}", f"数{key}", {"甲": "0", "乙": "0", "整": a, "数": b},
                 "1.00" if holds(sign[pk]) else "2.00")
        for pk, (a, b) in date_pairs:
            g.ok(f"date-{key}-{pk}", f"日{key}", {"甲": "0", "乙": "0", "日甲": a, "日乙": b},
                 "1.00" if holds(sign[pk]) else "2.00")
    for key, op in (("eq", "="), ("eq_ascii", "=="), ("ne", "≠"), ("ne_ascii", "!=")):
        eq = key.startswith("eq")
        for a, b in ((True, True), (True, False)):
            g.ok(f"bool-{key}-{int(a)}{int(b)}", f"真{key}", {"甲": "0", "乙": "0", "真甲": a, "真乙": b},
                 "1.00" if (a == b) == eq else "2.00")
        for v in ("甲类", "乙类"):
            g.ok(f"enum-{key}-{v}", f"类{key}", {"甲": "0", "乙": "0", "类": v},
                 "1.00" if (v == "乙类") == eq else "2.00")
    return [g]


LOGIC_RULES = header() + """事实 甲: 布尔
事实 乙: 布尔
事实 丙: 布尔 = 否
事实 可: 金额 可选
措施 且式 { 金额 = 若 甲 且 乙 则 1元 否则 2元 }
措施 and式 { 金额 = 若 甲 and 乙 则 1元 否则 2元 }
措施 或式 { 金额 = 若 甲 或 乙 则 1元 否则 2元 }
措施 or式 { 金额 = 若 甲 or 乙 则 1元 否则 2元 }
措施 非式 { 金额 = 若 非 甲 则 1元 否则 2元 }
措施 not式 { 金额 = 若 not 甲 则 1元 否则 2元 }
措施 非非 { 金额 = 若 非 非 甲 则 1元 否则 2元 }
措施 非且 { 金额 = 若 非 甲 且 乙 则 1元 否则 2元 }
措施 或且 { 金额 = 若 甲 或 乙 且 丙 则 1元 否则 2元 }
措施 字面 { 金额 = 若 (true 且 是) and not (false 或 否) 则 1元 否则 2元 }
措施 字面比较 { 金额 = 若 甲 = true 且 乙 ≠ 是 则 1元 否则 2元 }
措施 非比较 { 金额 = 若 非 1元 > 2元 则 1元 否则 2元 }
措施 短路或 { 金额 = 若 甲 或 可 > 0元 则 1元 否则 2元 }
措施 短路且 { 金额 = 若 甲 且 可 > 0元 则 1元 否则 2元 }
措施 条件 {
  要求 甲 且 乙 否则 "甲乙须同时成立"
  要求 非 丙 否则 "丙须不成立"
  金额 = 10元
}
"""


def logic_groups():
    g = Group("logic", LOGIC_RULES, note="若 COND 则 1元 否则 2元: 1.00 when COND holds.")
    tf = [(True, True), (True, False), (False, True), (False, False)]
    for m, f in (("且式", lambda a, b: a and b), ("and式", lambda a, b: a and b), ("或式", lambda a, b: a or b),
                 ("or式", lambda a, b: a or b)):
        for a, b in tf:
            g.ok(f"{m}-{int(a)}{int(b)}", m, {"甲": a, "乙": b}, "1.00" if f(a, b) else "2.00")
    for m in ("非式", "not式"):
        for a in (True, False):
            g.ok(f"{m}-{int(a)}", m, {"甲": a, "乙": False}, "1.00" if not a else "2.00")
    for a in (True, False):
        g.ok(f"非非-{int(a)}", "非非", {"甲": a, "乙": False}, "1.00" if a else "2.00")
    for a, b in tf:
        g.ok(f"非且-{int(a)}{int(b)}", "非且", {"甲": a, "乙": b}, "1.00" if (not a) and b else "2.00",
             note="非 binds tighter than 且")
    for a, b in tf:
        for c in (True, False):
            g.ok(f"或且-{int(a)}{int(b)}{int(c)}", "或且", {"甲": a, "乙": b, "丙": c},
                 "1.00" if a or (b and c) else "2.00", note="且 binds tighter than 或")
    g.ok("literals", "字面", {"甲": True, "乙": True}, "1.00", note="true = 是, false = 否")
    for a, b in tf:
        g.ok(f"literal-compare-{int(a)}{int(b)}", "字面比较", {"甲": a, "乙": b}, "1.00" if a and not b else "2.00")
    g.ok("非比较", "非比较", {"甲": True, "乙": True}, "1.00", note="非 applies to the whole comparison")
    # Short circuit: the optional fact is read only when needed.
    g.ok("short-or-true", "短路或", {"甲": True, "乙": True}, "1.00")
    line, col = locate(LOGIC_RULES, "可 > 0元 则 1元 否则 2元 }\n措施 短路且")
    g.eval_error("short-or-false-reads", "短路或", {"甲": False, "乙": True}, ("rules.kuan", line, col), "可")
    g.ok("short-or-false-given", "短路或", {"甲": False, "乙": True, "可": "5"}, "1.00")
    g.ok("short-and-false", "短路且", {"甲": False, "乙": True}, "2.00")
    line, col = locate(LOGIC_RULES, "可 > 0元 则 1元 否则 2元 }\n措施 条件")
    g.eval_error("short-and-true-reads", "短路且", {"甲": True, "乙": True}, ("rules.kuan", line, col), "可")
    g.ok("require-both", "条件", {"甲": True, "乙": True}, "10.00")
    g.no("require-first-fails", "条件", {"甲": True, "乙": False}, ["甲乙须同时成立"])
    g.no("require-both-fail", "条件", {"甲": False, "乙": True, "丙": True}, ["甲乙须同时成立", "丙须不成立"])
    return [g]


def groups():
    return arith_groups() + cmp_groups() + logic_groups()
