"""Periods as units: spans of time (30天, 12个月, 3年; facts of type 天数, 月数,
年数) and money per period (2000元/月, 5万元/年; facts of type 金额/月), with
the unit algebra: per-period money × a span of the same unit is money, money ÷
a span is money per period, a span ÷ a span of the same unit is a plain ratio.
Errors: a span of another unit, money × a span, comparing a span with a plain
number, an amount still per period, a rate per period, 12月 for 12个月."""
from .common import D, Group, Num, check_groups, final, header, locate

NAME = "periods"
DESCRIPTION = __doc__

RULES = header() + """事实 月数: 月数
事实 年数: 年数
事实 天数: 天数
事实 月工资: 金额/月
事实 年薪: 金额/年
事实 总额: 金额 = 0元
定义 减除费用 = 5000元/月 × 月数
措施 减除 { 金额 = 减除费用 }
措施 交换 { 金额 = 月数 × 5000元/月 }
措施 工资 { 金额 = 月工资 × 12个月 }
措施 工资年 { 金额 = 月工资 × (年数 ÷ 1年 × 12个月) }
措施 年薪 { 金额 = 年薪 × 年数 }
措施 日 { 金额 = 300元/天 × 天数 }
措施 万元每年 { 金额 = 5万元/年 × 年数 }
措施 折算 { 金额 = 总额 ÷ 12个月 × 月数 }
措施 比例 { 金额 = 总额 × (月数 ÷ 12个月) }
措施 时长和 { 金额 = 1000元/月 × (月数 + 3个月) }
措施 倍数 { 金额 = 1000元/月 × 2 × 月数 }
措施 比较 { 要求 月数 ≥ 6个月 否则 "须满6个月"
  金额 = 1000元 }
措施 最小 { 金额 = 1000元/月 × min(月数, 12个月) }
措施 条件 { 金额 = 若 月数 > 12个月 则 1元/月 × 月数 否则 2元/月 × 月数 }
措施 小数 { 金额 = 1000元/月 × 1.5个月 × (月数 ÷ 1个月) }
"""


def value_groups():
    g = Group("periods", RULES)
    for m in (0, 1, 6, 12, 13):
        f = {"月数": Num(m)}
        g.ok(f"减除-{m}", "减除", f, final(D(5000) * m))
        g.ok(f"交换-{m}", "交换", f, final(D(5000) * m))
        g.ok(f"时长和-{m}", "时长和", f, final(D(1000) * (m + 3)))
        g.ok(f"倍数-{m}", "倍数", f, final(D(2000) * m))
        g.ok(f"最小-{m}", "最小", f, final(D(1000) * min(m, 12)))
        g.ok(f"条件-{m}", "条件", f, final(D(1) * m if m > 12 else D(2) * m))
        g.ok(f"小数-{m}", "小数", f, final(D(1500) * m))
        if m >= 6:
            g.ok(f"比较-{m}", "比较", f, "1000.00")
        else:
            g.no(f"比较-{m}", "比较", f, ["须满6个月"])
        total = D("100000.01")
        g.ok(f"折算-{m}", "折算", {"月数": Num(m), "总额": "100000.01元"},
             final(round_div(total, 12) * m), note="100000.01 ÷ 12 keeps 18 decimals, then × months")
        g.ok(f"比例-{m}", "比例", {"月数": Num(m), "总额": "100000.01元"}, final(total * round_div(D(m), 12)))
    for w in ("8000", "8000元", "0.8万元"):
        g.ok(f"工资-{w}", "工资", {"月工资": w}, "96000.00")
    for y in (1, 2, 3):
        g.ok(f"工资年-{y}", "工资年", {"月工资": Num(1000), "年数": Num(y)}, final(D(12000) * y))
        g.ok(f"年薪-{y}", "年薪", {"年薪": "12万元", "年数": Num(y)}, final(D(120000) * y))
        g.ok(f"万元每年-{y}", "万元每年", {"年数": Num(y)}, final(D(50000) * y))
    for d in (1, 30, 365):
        g.ok(f"日-{d}", "日", {"天数": Num(d)}, final(D(300) * d))
    g.bad("span-not-integer", "减除", {"月数": Num("1.5")}, "月数")
    g.bad("span-text", "减除", {"月数": "十二"}, "月数")
    return [g]


def round_div(a, b):
    from .common import div
    return div(a, b)


def error_groups():
    h = header() + "事实 月数: 月数\n事实 年数: 年数\n事实 天数: 天数\n事实 n: 整数\n事实 甲: 金额\n事实 月工资: 金额/月\n"
    return check_groups(h, [
        ("month-times-year", "措施 M { 金额 = 2000元/月 × 年数 }", "2000元/月", "按月计的金额须乘以月数"),
        ("month-plus-year", "措施 M { 金额 = 1元/月 × (月数 + 年数) }", "(月数 + 年数)", "时间单位不同"),
        ("day-times-month", "措施 M { 金额 = 300元/天 × 月数 }", "300元/天", "按天计的金额须乘以天数"),
        ("money-times-span", "措施 M { 金额 = 2000元 × 月数 }", "2000元", "金额不能乘以时间"),
        ("span-times-span", "措施 M { 金额 = 1元/月 × (月数 × 月数) }", "(月数 × 月数)", "时间 × 时间"),
        ("per-period-amount", "措施 M { 金额 = 2000元/月 × n }", "2000元/月", "须为金额,这里是金额/月"),
        ("per-period-fact-amount", "措施 M { 金额 = 月工资 }", "月工资 }", "这里是金额/月"),
        ("compare-plain", "措施 M { 要求 月数 ≥ 12 否则 \"x\"\n 金额 = 1元 }", "月数 ≥", "不能比较 月数 与 整数"),
        ("compare-units", "措施 M { 要求 月数 ≥ 1年 否则 \"x\"\n 金额 = 1元 }", "月数 ≥", "不能比较 月数 与 年数"),
        ("plus-money", "措施 M { 金额 = 月工资 + 甲 }", "月工资 + 甲", "单位不同"),
        ("divide-by-span", "措施 M { 金额 = 甲 × (n ÷ 月数) }", "(n ÷ 月数)", "除以时间只对金额和时间有意义"),
        ("rate-per-period", "措施 M { 金额 = 甲 × 3%/年 }", "3%/年", "只有金额可以按期间计"),
        ("month-word", "措施 M { 金额 = 1元/月 × 12月 }", "月 }", "12个月"),
        ("default-plain", "事实 k: 月数 = 12\n措施 M { 金额 = 1元/月 × k }", "12\n", "时间要写单位"),
        ("example-plain", "措施 M { 金额 = 1元/月 × 月数 }\n例 M { 月数 = 3\n 得 3元 }", "3\n 得", "月数"),
    ])


def groups():
    return value_groups() + error_groups()
