"""可为负: a measure whose result may be below zero (tax due vs. refund). Without it a
negative amount is an evaluation error at the amount; with it the amount is printed
with its sign, rounded as the edition says (symmetrically: 四舍五入 takes ties away from
zero on both sides; a negative amount that rounds to zero prints 0.00), and caps still bound it from above only (a room is never below
zero). A signed measure covered by a 资金池, a 名额 or a money 累计 is a check error at
可为负; 修订 措施 X 可为负 makes a base edition's measure signed."""
from .common import D, Group, check_groups, final, header, locate

NAME = "signed"
DESCRIPTION = __doc__


def signed_final(x):
    """final(x), with a negative amount that rounds to zero printed as 0.00 (there is no −0)."""
    r = final(x)
    return final(D(0)) if D(r) == 0 else r

RULES = header() + """事实 应纳税额: 金额
事实 已预缴: 金额
措施 应补退 "应补(退)税额" 可为负 { 金额 = 应纳税额 − 已预缴 }
措施 补贴 { 金额 = 应纳税额 − 已预缴 }
措施 有上限 可为负 { 金额 = 应纳税额 − 已预缴  上限 顶 = 1000元 }
措施 比例式 可为负 { 比例 = 3%  基数 = 应纳税额 − 已预缴 }
"""


def value_groups():
    g = Group("signed", RULES)
    for due, paid in [("1000", "300"), ("300", "1000"), ("500", "500"), ("0", "0.01"), ("12345.67", "99999.99"), ("5000", "1000")]:
        f = {"应纳税额": due + "元", "已预缴": paid + "元"}
        diff = D(due) - D(paid)
        g.ok(f"应补退-{due}-{paid}", "应补退", f, signed_final(diff))
        g.ok(f"比例式-{due}-{paid}", "比例式", f, signed_final(diff * D("0.03")))
        capped = diff if diff <= 1000 else D(1000)
        g.ok(f"有上限-{due}-{paid}", "有上限", f, signed_final(capped), bound="顶" if diff > 1000 else None)
    # Ties round away from zero on both sides (四舍五入): 3% of −0.5元 = −0.015元 → −0.02元.
    g.ok("tie-negative", "比例式", {"应纳税额": "0元", "已预缴": "0.5元"}, "-0.02")
    g.ok("tie-positive", "比例式", {"应纳税额": "0.5元", "已预缴": "0元"}, "0.02")
    at = ("rules.kuan",) + locate(RULES, "应纳税额 − 已预缴 }", occurrence=2)
    g.eval_error("unsigned-negative", "补贴", {"应纳税额": "300元", "已预缴": "1000元"}, at, "金额为负")
    g.ok("unsigned-positive", "补贴", {"应纳税额": "1000元", "已预缴": "300元"}, final(D(700)))
    return [g]


def error_groups():
    h = header() + "事实 a: 金额\n事实 已申领: 金额 = 0元\n"
    return check_groups(h, [
        ("pool", "资金池 池 = 100万元 覆盖 M\n措施 M 可为负 { 金额 = a − 1元 }", "可为负", "不能由 资金池 池 分配或合计"),
        ("quota", "措施 M \"m\" 可为负 { 金额 = a − 1元  名额 = 3 }", "可为负", "不能由 名额"),
        ("tally", "累计 已申领 = M\n措施 M 可为负 { 金额 = a − 1元 }", "可为负", "不能由 累计 已申领"),
        ("after-brace", "措施 M { 可为负 金额 = a }", "可为负", "措施中只能写"),
    ])


def groups():
    return value_groups() + error_groups()
