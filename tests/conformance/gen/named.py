"""结果: a measure's named results. Each 结果 is money, computed when the application is
eligible, in the order written, and rounded as the edition rounds the amount; 金额 and
later 结果 read the rounded figure by name. A figure may be below zero (only the amount
is held to 可为负); an ineligible result has none. `figures` is the result's object of
them, in order. 修订 措施 replaces a base figure of the same name or adds one. Errors: a
name of a 参数/事实/定义 or 金额/比例/基数/适用, a repeat, a figure that is not money, one
read before it is computed or by 要求/比例/基数/a cap, a 例 expecting a figure the
measure lacks or figures of an ineligible outcome."""
from .common import D, Group, check_groups, final, header, div

NAME = "named"
DESCRIPTION = __doc__

RULES = header() + """事实 收入: 金额
事实 已缴: 金额 = 0元
事实 人数: 整数 = 3
定义 所得 = max(0元, 收入 − 6万元)
措施 汇算 "年度汇算" 可为负 {
  要求 收入 > 0元 否则 "没有收入"
  结果 应纳税所得额 = 所得
  结果 人均 = 应纳税所得额 ÷ 人数
  结果 应纳税额 = 累进 应纳税所得额 { 至 3万元 => 5%, 以上 => 10% }
  结果 应补退税额 = 应纳税额 − 已缴
  金额 = 应补退税额
}
措施 补贴 {
  结果 差额 = 已缴 − 收入
  金额 = 收入 × 10%
}
"""


def tax(x):
    x = max(D(0), x)
    return min(x, D(30000)) * D("0.05") + max(D(0), x - 30000) * D("0.10")


def value_groups():
    g = Group("figures", RULES)
    for income, paid, people in [("160000", "5000", None), ("160000.004", "0", None), ("70000", "800", 7),
                                 ("60000.01", "0", None), ("90000", "4500", 3), ("1000000.10", "12345.67", 9)]:
        f = {"收入": income + "元", "已缴": paid + "元"}
        if people:
            f["人数"] = people
        n = people or 3
        taxable = D(final(max(D(0), D(income) - 60000)))
        each = D(final(div(taxable, n)))
        due = D(final(tax(taxable)))
        back = D(final(due - D(paid)))
        figures = {"应纳税所得额": final(taxable), "人均": final(each), "应纳税额": final(due), "应补退税额": final(back)}
        g.ok(f"汇算-{income}-{paid}", "汇算", f, final(back), figures=figures)
    g.no("not-eligible", "汇算", {"收入": "0元"}, ["没有收入"], figures=None)
    # A figure below zero in a measure whose amount is not: only the amount is held to 可为负.
    g.ok("negative-figure", "补贴", {"收入": "1000元", "已缴": "0.005元"}, "100.00", figures={"差额": final(D("0.005") - 1000)})
    return [g]


def edition_groups():
    v1 = header() + """事实 收入: 金额
措施 M {
  结果 甲 = 收入 × 10%
  结果 乙 = 甲 + 1元
  金额 = 乙
}
"""
    v2 = header(version="v2", start="2026-01-01", base="v1").replace('政策 "一致性测试"\n', "") + """修订 措施 M {
  结果 甲 = 收入 × 20%
  结果 丙 = 乙 × 2
  金额 = 丙
}
"""
    g = Group("revised", {"v1/r.kuan": v1, "v2/r.kuan": v2}, version="v2")
    g.ok("v1", "M", {"收入": "1000元"}, "101.00", version="v1", figures={"甲": "100.00", "乙": "101.00"})
    g.ok("v2", "M", {"收入": "1000元"}, "402.00", figures={"甲": "200.00", "乙": "201.00", "丙": "402.00"})
    return [g]


def error_groups():
    h = header() + "参数 率 = 10%\n事实 收入: 金额\n定义 所得 = 收入\n"
    return check_groups(h, [
        ("clash-define", "措施 M { 结果 所得 = 收入  金额 = 所得 }", "所得 = 收入  金额", "与已声明的定义同名"),
        ("clash-fact", "措施 M { 结果 收入 = 1元  金额 = 1元 }", "收入 = 1元", "与已声明的事实同名"),
        ("clash-param", "措施 M { 结果 率 = 1元  金额 = 1元 }", "率 = 1元", "与已声明的参数同名"),
        ("named-amount", "措施 M { 结果 金额 = 收入  金额 = 收入 }", "金额 = 收入  金额", "结果 不能叫 金额"),
        ("repeat", "措施 M { 结果 甲 = 收入  结果 甲 = 收入  金额 = 甲 }", "甲", "在此措施中重复", {"occurrence": 2}),
        ("not-money", "措施 M { 结果 甲 = 率  金额 = 收入 }", "率  金额", "须为金额,这里是比例"),
        ("read-before", "措施 M { 结果 甲 = 乙  结果 乙 = 收入  金额 = 甲 }", "乙", "在这里不能引用"),
        ("read-itself", "措施 M { 结果 甲 = 甲 + 1元  金额 = 收入 }", "甲", "在这里不能引用", {"occurrence": 2}),
        ("in-requirement", "措施 M { 要求 甲 > 0元 否则 \"x\"  结果 甲 = 收入  金额 = 甲 }", "甲", "在这里不能引用"),
        ("in-rate", "措施 M { 结果 甲 = 收入  比例 = 甲 ÷ 收入  基数 = 收入 }", "甲 ÷", "在这里不能引用"),
        ("in-cap", "措施 M { 结果 甲 = 收入  金额 = 甲  上限 顶 = 甲 }", "甲", "在这里不能引用", {"occurrence": "last"}),
        ("example-unknown", "措施 M { 结果 甲 = 收入  金额 = 甲 }\n例 M { 收入 = 1元  得 1元 结果 乙 = 1元 }", "乙 = 1元",
         "没有名为 乙 的结果"),
        ("example-ineligible", "措施 M { 要求 收入 > 1元 否则 \"x\"  结果 甲 = 收入  金额 = 甲 }\n例 M { 收入 = 1元  不适用 结果 甲 = 1元 }",
         "甲 = 1元", "只有 得 金额 的例能预期 结果"),
        ("no-name", "措施 M { 结果 = 1元  金额 = 1元 }", "= 1元  金额", "结果 后须写这个结果的名称,如 结果 应纳税额 = …"),
        ("example-no-figure", "措施 M { 结果 甲 = 收入  金额 = 甲 }\n例 M { 收入 = 1元  得 1元 结果 }", "}", "结果 后需要 名称 = 金额",
         {"occurrence": "last"}),
    ])


def groups():
    return value_groups() + edition_groups() + error_groups()
