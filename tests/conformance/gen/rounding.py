"""Rounding: each `舍入` mode of the header (四舍五入, 银行家舍入, 向下舍入, 向上舍入)
with steps 0.01元, 0.1元, 0.05元, 1元 and 10元, on exact ties, just below and
above them, and on quotients that do not terminate; the rounding functions
(四舍五入, 银行家舍入, 向下舍入, 向上舍入, round = the edition's mode) on
negative intermediate values, on rates and on plain numbers. The final amount
is rounded once and written with as many decimals as the step has."""
from .common import D, Group, MODES, Num, div, final, header, rnd

NAME = "rounding"
DESCRIPTION = __doc__

STEPS = ["0.01元", "0.1元", "0.05元", "0.5元", "1元", "10元"]
# Multiples of the step: ties (…​.5), either side of a tie, exact multiples, tiny and large values.
MULTIPLES = ["0", "0.5", "1.5", "2.5", "3.5", "0.49", "0.51", "2.4999999", "2.5000001", "123456.5", "7", "0.001"]

BODY = """事实 甲: 金额
事实 率: 比例 = 100%
事实 数: 数值 = 1
措施 直 { 金额 = 甲 }
措施 乘 { 金额 = 甲 × 率 }
措施 除 { 金额 = 甲 ÷ 数 }
"""

SLUG = {"四舍五入": "half_up", "银行家舍入": "half_even", "向下舍入": "down", "向上舍入": "up"}


def header_groups():
    out = []
    for mode in MODES:
        for step in STEPS:
            s = D(step[:-1])
            g = Group(f"{SLUG[mode]}-{step}", header(mode=mode, step=step) + BODY,
                      note=f"舍入 {mode} 至 {step}")
            for k in MULTIPLES:
                v = s * D(k)
                g.ok(f"x{k}", "直", {"甲": str(v)}, final(v, step, mode), note=f"{v} = {k} × {step}")
            # Ties made by a product and by a quotient, and a quotient that never terminates.
            a = s * 3  # 3 steps × 50% = 1.5 steps: a tie
            g.ok("product-tie", "乘", {"甲": str(a), "率": "50%"}, final(a * D("0.5"), step, mode))
            a = s * 5  # 5 steps ÷ 2 = 2.5 steps
            g.ok("quotient-tie", "除", {"甲": str(a), "数": Num(2)}, final(div(a, D(2)), step, mode))
            a = s * 2  # 2 steps ÷ 3 = 0.666… steps
            g.ok("quotient-thirds", "除", {"甲": str(a), "数": Num(3)}, final(div(a, D(3)), step, mode))
            a = s * 1  # 1 step ÷ 3 = 0.333… steps
            g.ok("quotient-third", "除", {"甲": str(a), "数": "3"}, final(div(a, D(3)), step, mode))
            # Beyond 128 bits: 10^40 and 3 × 10^40 steps plus a tie.
            for k in ["10000000000000000000000000000000000000000.5", "30000000000000000000000000000000000000001.5"]:
                v = s * D(k)
                g.ok(f"huge-{k[:2]}", "直", {"甲": str(v)}, final(v, step, mode))
            out.append(g)
    return out


FUNCS = """事实 甲: 金额
事实 乙: 金额 = 0元
事实 率: 比例 = 0%
事实 数: 数值 = 0
措施 半上 { 金额 = 四舍五入(甲 − 乙, 0.01元) + 乙 }
措施 银行 { 金额 = 银行家舍入(甲 − 乙, 0.01元) + 乙 }
措施 下 { 金额 = 向下舍入(甲 − 乙, 0.01元) + 乙 }
措施 上 { 金额 = 向上舍入(甲 − 乙, 0.01元) + 乙 }
措施 版 { 金额 = round(甲 − 乙, 0.01元) + 乙 }
措施 半上元 { 金额 = 四舍五入(甲 − 乙, 1元) + 乙 }
措施 银行元 { 金额 = 银行家舍入(甲 − 乙, 1元) + 乙 }
措施 下元 { 金额 = 向下舍入(甲 − 乙, 1元) + 乙 }
措施 上元 { 金额 = 向上舍入(甲 − 乙, 1元) + 乙 }
措施 版元 { 金额 = round(甲 − 乙, 1元) + 乙 }
措施 率整 { 金额 = 甲 × 四舍五入(率, 1%) }
措施 率银行 { 金额 = 甲 × 银行家舍入(率, 1%) }
措施 率下 { 金额 = 甲 × 向下舍入(率, 0.5个百分点) }
措施 数整 { 金额 = 甲 × 向上舍入(数, 1) }
措施 数负 { 金额 = 甲 × (四舍五入(数 − 10, 0.5) + 10) }
措施 绝对 { 金额 = abs(四舍五入(甲 − 乙, 0.1元)) }
"""

MEASURES_CENT = {"半上": "四舍五入", "银行": "银行家舍入", "下": "向下舍入", "上": "向上舍入"}
MEASURES_YUAN = {"半上元": "四舍五入", "银行元": "银行家舍入", "下元": "向下舍入", "上元": "向上舍入"}


def function_groups():
    out = []
    base = D(10)
    cent_diffs = ["-0.005", "-0.015", "-0.025", "-0.004", "-0.006", "0.005", "0.015", "-9.995"]
    yuan_diffs = ["-0.5", "-1.5", "-2.5", "-2.4", "-2.6", "0.5", "-9.5"]
    for mode in MODES:
        g = Group(f"functions-{SLUG[mode]}", header(mode=mode) + FUNCS,
                  note=f"Rounding functions on negative intermediate values; round() follows the header's {mode}")
        for d in cent_diffs:
            a = base + D(d)
            for m, fmode in list(MEASURES_CENT.items()) + [("版", mode)]:
                exact = rnd(D(d), D("0.01"), fmode) + base
                g.ok(f"{m}{d}", m, {"甲": str(a), "乙": "10"}, final(exact, "0.01元", mode),
                     note=f"{fmode}({d}, 0.01元) + 10")
        for d in yuan_diffs:
            a = base + D(d)
            for m, fmode in list(MEASURES_YUAN.items()) + [("版元", mode)]:
                exact = rnd(D(d), D(1), fmode) + base
                g.ok(f"{m}{d}", m, {"甲": str(a), "乙": "10"}, final(exact, "0.01元", mode),
                     note=f"{fmode}({d}, 1元) + 10")
        out.append(g)
    g = Group("functions-other-units", header() + FUNCS, note="Rounding functions on rates and plain numbers")
    for r_ in ["12.5%", "13.5%", "12.49%", "0.125"]:
        rv = D(r_[:-1]) / 100 if r_.endswith("%") else D(r_)
        g.ok(f"率整-{r_}", "率整", {"甲": "1000", "率": r_}, final(D(1000) * rnd(rv, D("0.01"), "四舍五入")))
        g.ok(f"率银行-{r_}", "率银行", {"甲": "1000", "率": r_}, final(D(1000) * rnd(rv, D("0.01"), "银行家舍入")))
        g.ok(f"率下-{r_}", "率下", {"甲": "1000", "率": r_}, final(D(1000) * rnd(rv, D("0.005"), "向下舍入")))
    for n in ["2", "2.1", "2.0001", "0"]:
        g.ok(f"数整-{n}", "数整", {"甲": "100", "数": Num(n)}, final(D(100) * rnd(D(n), D(1), "向上舍入")))
    for n in ["7.75", "7.25", "9.7", "1.2"]:
        exact = D(100) * (rnd(D(n) - 10, D("0.5"), "四舍五入") + 10)
        g.ok(f"数负-{n}", "数负", {"甲": "100", "数": n}, final(exact), note=f"四舍五入({D(n) - 10}, 0.5)")
    for a in ["9.95", "9.94", "10.05"]:
        g.ok(f"绝对-{a}", "绝对", {"甲": a, "乙": "10"}, final(abs(rnd(D(a) - 10, D("0.1"), "四舍五入"))))
    out.append(g)
    return out


def other_step_groups():
    out = []
    for step, values in [("0.03元", ["1.00", "0.045", "0.044", "0.075", "100"]),
                         ("0.001元", ["1.0005", "1.0015", "0.0004", "2.5"]),
                         ("1万元", ["12345", "15000", "14999.99", "25000", "5000", "123456789"])]:
        unit = D(10000) if step.endswith("万元") else D(step[:-1]).normalize()
        for mode in MODES:
            g = Group(f"{SLUG[mode]}-{step}", header(mode=mode, step=step) + BODY,
                      note=f"舍入 {mode} 至 {step}: any positive money literal is a step")
            for v in values:
                exact = rnd(D(v), unit, mode)
                p = max(0, -unit.normalize().as_tuple().exponent)
                g.ok(f"x{v}", "直", {"甲": v}, str(exact.quantize(D(1).scaleb(-p)) if p else exact.quantize(D(1))))
            out.append(g)
    return out


def groups():
    return header_groups() + function_groups() + other_step_groups()
