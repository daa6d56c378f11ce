"""累进: progressive (marginal) brackets. Each rate applies to the part of the
subject within its bracket (至 B includes B); 以上 is the part above the last
bound; a subject of zero or less gives 0; a plain-number subject gives a 数值.
速算扣除数 must agree with the rates: checked at load for a constant table and
on each evaluation for a table that reads facts. Errors: bounds not increasing,
a wrong deduction, deductions on some brackets only, 以上 not last or missing, a
rate that is not a 比例, a bound of another unit, a subject per period."""
from .common import D, Group, Num, check_groups, final, header, locate

NAME = "brackets"
DESCRIPTION = __doc__

# China's annual schedule for business income (经营所得).
TABLE = [(D(30000), D("0.05")), (D(90000), D("0.10")), (D(300000), D("0.20")), (D(500000), D("0.30")), (None, D("0.35"))]
QUICK = [D(0), D(1500), D(10500), D(40500), D(65500)]

RULES = header() + """事实 所得: 金额
事实 分数: 数值 = 0
事实 上界: 金额 = 30000元
事实 扣除: 金额 = 1500元
参数 第一档 = 3万元
定义 税 = 累进 所得 {
  至 第一档 => 5%    速算扣除数 0元
  至 9万元  => 10%   速算扣除数 1500元
  至 30万元 => 20%   速算扣除数 10500元
  至 50万元 => 30%   速算扣除数 40500元
  以上      => 35%   速算扣除数 65500元
}
措施 经营所得税 { 金额 = 税 }
措施 无扣除 { 金额 = 累进 所得 { 至 3万元 => 5%, 至 9万元 => 10%, 至 30万元 => 20%, 至 50万元 => 30%, 以上 => 35% } }
措施 两档 { 金额 = 累进 所得 { 至 100元 => 0%, 以上 => 10% } }
措施 一档 { 金额 = 累进 所得 { 以上 => 3% } }
措施 数值 { 金额 = 1元 × 累进 分数 { 至 60 => 0%, 至 80 => 50%, 以上 => 100% } }
措施 事实表 { 金额 = 累进 所得 { 至 上界 => 5% 速算扣除数 0元, 以上 => 10% 速算扣除数 扣除 } }
措施 减半 { 金额 = 累进 所得 { 至 3万元 => 5%, 以上 => 10% } × 50% }
"""


def tax(x, table=TABLE):
    x = D(x)
    total, lower = D(0), D(0)
    for upper, r in table:
        if x <= lower:
            break
        top = x if upper is None or x < upper else upper
        total += (top - lower) * r
        if upper is None:
            break
        lower = upper
    return total


def value_groups():
    g = Group("brackets", RULES)
    edges = ["0", "0.01", "29999.99", "30000", "30000.01", "89999.99", "90000", "90000.01", "140000",
             "299999.99", "300000", "300000.01", "499999.99", "500000", "500000.01", "1000000", "12345678.91"]
    for x in edges:
        f = {"所得": x + "元"}
        t = tax(x)
        g.ok(f"税-{x}", "经营所得税", f, final(t))
        g.ok(f"无扣除-{x}", "无扣除", f, final(t))
        g.ok(f"减半-{x}", "减半", f, final(tax(x, [(D(30000), D("0.05")), (None, D("0.10"))]) * D("0.5")))
        if D(x) > 0:
            i = next(k for k, (u, _) in enumerate(TABLE) if u is None or D(x) <= u)
            quick = D(x) * TABLE[i][1] - QUICK[i]
            assert quick == t, (x, quick, t)  # the published table agrees with the marginal form
    for x in ("100", "100.01", "1000"):
        g.ok(f"两档-{x}", "两档", {"所得": x}, final(tax(x, [(D(100), D(0)), (None, D("0.1"))])))
        g.ok(f"一档-{x}", "一档", {"所得": x}, final(D(x) * D("0.03")))
    for s in ("0", "60", "70", "80", "90.5", "100"):
        g.ok(f"数值-{s}", "数值", {"所得": "0", "分数": Num(s)},
             final(tax(s, [(D(60), D(0)), (D(80), D("0.5")), (None, D(1))])))
    g.ok("事实表-ok", "事实表", {"所得": "50000元"}, final(D(1500) + D(2000)))
    g.ok("事实表-other-ok", "事实表", {"所得": "50000元", "上界": "20000元", "扣除": "1000元"}, final(D(1000) + D(3000)))
    line, col = locate(RULES, "扣除 } }")
    g.eval_error("事实表-wrong-deduction", "事实表", {"所得": "50000元", "扣除": "1000元"}, ("rules.kuan", line, col),
                 "速算扣除数与各档税率不符")
    line, col = locate(RULES, "以上 => 10% 速算扣除数 扣除", offset=0)
    line, col = locate(RULES, "至 上界")
    g.eval_error("事实表-bound-zero", "事实表", {"所得": "50000元", "上界": "0元", "扣除": "0元"}, ("rules.kuan", line, col),
                 "第一档上界须大于零")
    return [g]


# One schedule named once, applied to two bases (the whole income and the part a reduction covers).
NAMED_RULES = header() + """事实 所得: 金额
事实 分数: 数值 = 0
参数 第一档 = 3万元
累进表 税率表 {
  至 第一档 => 5%    速算扣除数 0元
  至 9万元  => 10%   速算扣除数 1500元
  至 30万元 => 20%   速算扣除数 10500元
  至 50万元 => 30%   速算扣除数 40500元
  以上      => 35%   速算扣除数 65500元
}
条款 (一) "分数" {
  累进表 分数表 { 至 60 => 0%, 至 80 => 50%, 以上 => 100% }
}
定义 减半基数 = min(所得, 20万元)
措施 全额 { 金额 = 累进 所得 按 税率表 }
措施 减免 { 金额 = 累进 减半基数 按 税率表 × 50% }
措施 两次 { 金额 = 累进 所得 按 税率表 − 累进 减半基数 按 税率表 × 50% }
措施 数值 { 金额 = 1元 × 累进 分数 按 分数表 }
"""


def named_groups():
    g = Group("named-schedule", NAMED_RULES)
    for x in ("0", "0.01", "30000", "30000.01", "90000", "140000", "200000", "200000.01", "500000.01", "12345678.91"):
        f = {"所得": x + "元"}
        half = tax(min(D(x), D(200000))) * D("0.5")
        g.ok(f"全额-{x}", "全额", f, final(tax(x)))
        g.ok(f"减免-{x}", "减免", f, final(half))
        g.ok(f"两次-{x}", "两次", f, final(tax(x) - half))
    for s in ("0", "60", "70", "90.5"):
        g.ok(f"数值-{s}", "数值", {"所得": "0", "分数": Num(s)}, final(tax(s, [(D(60), D(0)), (D(80), D("0.5")), (None, D(1))])))
    return [g]


def named_error_groups():
    h = header() + "事实 所得: 金额\n事实 n: 数值\n"
    table = "累进表 表 { 至 3万元 => 5%, 以上 => 10% }\n"
    return check_groups(h, [
        ("schedule-unknown", table + "措施 M { 金额 = 累进 所得 按 表格 }", "表格", "没有名为 表格 的累进表"),
        ("schedule-twice", table + "累进表 表 { 以上 => 1% }\n措施 M { 金额 = 累进 所得 按 表 }", "表 { 以上",
         "累进表 表 已在"),
        ("schedule-reads-fact", "累进表 表 { 至 所得 => 5%, 以上 => 10% }\n措施 M { 金额 = 累进 所得 按 表 }", "所得 =>",
         "这里只能使用字面量和参数"),
        ("schedule-base-unit", table + "措施 M { 金额 = 1元 × 累进 n 按 表 }", "n 按", "累进表 表 的上界是金额"),
        ("schedule-bound-unit", "累进表 表 { 至 3万元 => 5%, 至 9 => 10%, 以上 => 20% }\n措施 M { 金额 = 累进 所得 按 表 }",
         "9 =>", "上界须与金额同单位"),
        ("schedule-wrong-deduction", "累进表 表 { 至 3万元 => 5% 速算扣除数 0元, 以上 => 10% 速算扣除数 1000元 }\n"
         "措施 M { 金额 = 累进 所得 按 表 }", "1000元", "这一档应为 1500元"),
        ("schedule-no-name", table + "措施 M { 金额 = 累进 所得 按 }", "}", "需要累进表的名称", {"occurrence": "last"}),
        ("schedule-no-brackets", "累进表 表 { }\n措施 M { 金额 = 累进 所得 按 表 }", "}", "至少需要一档"),
    ])


def error_groups():
    h = header() + "事实 所得: 金额\n事实 n: 整数\n事实 月工资: 金额/月\n"
    return check_groups(h, [
        ("not-increasing", "措施 M { 金额 = 累进 所得 { 至 3万元 => 5%, 至 2万元 => 10%, 以上 => 20% } }", "至 2万元",
         "上界须逐档递增"),
        ("equal-bounds", "措施 M { 金额 = 累进 所得 { 至 3万元 => 5%, 至 30000元 => 10%, 以上 => 20% } }", "至 30000元",
         "上界须逐档递增"),
        ("first-zero", "措施 M { 金额 = 累进 所得 { 至 0元 => 5%, 以上 => 20% } }", "至 0元", "第一档上界须大于零"),
        ("wrong-deduction", "措施 M { 金额 = 累进 所得 { 至 3万元 => 5% 速算扣除数 0元, 至 9万元 => 10% 速算扣除数 1000元,"
         " 以上 => 20% 速算扣除数 10500元 } }", "1000元", "这一档应为 1500元"),
        ("wrong-param-deduction", "参数 p = 1400元\n措施 M { 金额 = 累进 所得 { 至 3万元 => 5% 速算扣除数 0元,"
         " 以上 => 10% 速算扣除数 p } }", "p } }", "这一档应为 1500元"),
        ("some-deductions", "措施 M { 金额 = 累进 所得 { 至 3万元 => 5% 速算扣除数 0元, 以上 => 10% } }", "以上 => 10%",
         "速算扣除数须每档都写"),
        ("top-not-last", "措施 M { 金额 = 累进 所得 { 以上 => 5%, 至 3万元 => 10% } }", "以上 => 5%", "以上 须是 累进 的最后一档"),
        ("no-top", "措施 M { 金额 = 累进 所得 { 至 3万元 => 5%, 至 9万元 => 10% } }", "至 9万元", "最后一档须写 以上"),
        ("rate-not-rate", "措施 M { 金额 = 累进 所得 { 至 3万元 => 5, 以上 => 10% } }", "5, 以上", "税率须为比例"),
        ("bound-unit", "措施 M { 金额 = 累进 所得 { 至 3 => 5%, 以上 => 10% } }", "3 =>", "上界须与金额同单位"),
        ("per-period", "措施 M { 金额 = 累进 月工资 { 至 3万元 => 5%, 以上 => 10% } × 1个月 }", "月工资 {",
         "累进 只能用于金额或不带单位的数量"),
        ("deduction-unit", "措施 M { 金额 = 累进 所得 { 至 3万元 => 5% 速算扣除数 0, 以上 => 10% 速算扣除数 1500元 } }",
         "0, 以上", "速算扣除数须为金额"),
        ("empty", "措施 M { 金额 = 累进 所得 { } }", "} }", "至少需要一档"),
        ("stray", "措施 M { 金额 = 累进 所得 { 至 3万元 => 5% 以上 => 10% 其他 } }", "其他", "最后一档写作 以上"),
        ("plain-result", "措施 M { 金额 = 累进 n { 至 3 => 5%, 以上 => 10% } }", "累进 n", "须为金额,这里是数值"),
    ])


def groups():
    return value_groups() + error_groups() + named_groups() + named_error_groups()
