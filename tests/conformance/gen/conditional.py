"""若 C 则 A 否则 B: choosing money, rates and plain numbers, chains of 否则 若,
若 nested in either branch, 若 inside arithmetic (in parentheses) and in 定义,
parameters and caps; only the chosen branch is evaluated. Errors: a condition
that is not boolean, branches of different units, a missing 则 or 否则."""
from .common import D, Group, check_groups, final, header, locate

NAME = "conditional"
DESCRIPTION = __doc__

RULES = header() + """参数 门槛 = 50万元
参数 高比例 = 若 门槛 > 10万元 则 50% 否则 10%
事实 合同: 金额
事实 小企业: 布尔 = 否
事实 评分: 数值 = 0
事实 可: 金额 可选
定义 档 = 若 评分 ≥ 90 则 3 否则 若 评分 ≥ 60 则 2 否则 1
措施 二选 { 比例 = 若 小企业 则 高比例 否则 20%
  基数 = 合同 }
措施 链 { 金额 = 若 合同 ≤ 10万元 则 1万元 否则 若 合同 ≤ 门槛 则 2万元 否则 若 合同 ≤ 100万元 则 3万元 否则 5万元 }
措施 嵌套 { 比例 = 若 小企业 则 (若 合同 ≤ 门槛 则 50% 否则 30%) 否则 (若 合同 ≤ 门槛 则 20% 否则 10%)
  基数 = 合同 }
措施 算式 { 金额 = 合同 × 10% + (若 小企业 则 1000元 否则 0元) }
措施 数档 { 金额 = 1000元 × 档 }
措施 混数 { 金额 = 100元 × (若 小企业 则 2 否则 1.5) }
措施 惰性 { 金额 = 若 小企业 则 合同 否则 可 }
措施 封顶 { 金额 = 合同
  上限 小企业上限 = 若 小企业 则 30万元 否则 10万元 }
措施 条件 { 要求 若 小企业 则 合同 ≤ 门槛 否则 合同 ≤ 10万元 否则 "合同超过适用门槛"
  金额 = 1000元 }
"""


def value_groups():
    g = Group("if", RULES)
    W = D(10000)
    for c in ["10万元", "50万元", "80万元"]:
        cv = D(c[:-2]) * W
        for small in (False, True):
            f = {"合同": c, "小企业": small}
            g.ok(f"二选-{c}-{int(small)}", "二选", f, final(cv * (D("0.5") if small else D("0.2"))))
            r = (D("0.5") if cv <= 500000 else D("0.3")) if small else (D("0.2") if cv <= 500000 else D("0.1"))
            g.ok(f"嵌套-{c}-{int(small)}", "嵌套", f, final(cv * r))
            g.ok(f"算式-{c}-{int(small)}", "算式", f, final(cv * D("0.1") + (1000 if small else 0)))
            g.ok(f"混数-{c}-{int(small)}", "混数", f, final(D(100) * (2 if small else D("1.5"))))
            cap = D(300000) if small else D(100000)
            g.ok(f"封顶-{c}-{int(small)}", "封顶", f, final(min(cv, cap)), "小企业上限" if cv > cap else None)
            ok = cv <= (500000 if small else 100000)
            if ok:
                g.ok(f"条件-{c}-{int(small)}", "条件", f, "1000.00")
            else:
                g.no(f"条件-{c}-{int(small)}", "条件", f, ["合同超过适用门槛"])
    for c, want in [("0", 10000), ("10万元", 10000), ("10.0001万元", 20000), ("50万元", 20000), ("50.01万元", 30000),
                    ("100万元", 30000), ("1亿元", 50000)]:
        g.ok(f"链-{c}", "链", {"合同": c}, final(D(want)))
    for score, tier in [("95", 3), ("90", 3), ("89.99", 2), ("60", 2), ("59.5", 1), ("0", 1)]:
        g.ok(f"数档-{score}", "数档", {"合同": "0", "评分": score}, final(D(1000) * tier))
    g.ok("惰性-given-branch", "惰性", {"合同": "77", "小企业": True}, "77.00", note="the 否则 branch is not evaluated")
    g.ok("惰性-other-branch", "惰性", {"合同": "77", "可": "88"}, "88.00")
    line, col = locate(RULES, "可 }")
    g.eval_error("惰性-missing", "惰性", {"合同": "77"}, ("rules.kuan", line, col), "可")
    return [g]


def error_groups():
    h = header() + "事实 合同: 金额\n事实 真: 布尔 = 否\n事实 率: 比例 = 0%\n"
    return check_groups(h, [
        ("cond-money", "措施 M { 金额 = 若 合同 则 1元 否则 2元 }", "合同 则", "若 的条件须为布尔"),
        ("cond-rate", "措施 M { 金额 = 若 率 则 1元 否则 2元 }", "率 则", "若 的条件须为布尔"),
        ("branch-units", "措施 M { 金额 = 若 真 则 1元 否则 10% }", "若 真", "则 与 否则 的结果类型须一致"),
        ("branch-bool", "措施 M { 金额 = 若 真 则 1元 否则 否 }", "若 真", "结果类型须一致"),
        ("missing-then", "措施 M { 金额 = 若 真 1元 否则 2元 }", "1元 否则", "若 … 的条件后需要 '则'"),
        ("missing-else", "措施 M { 金额 = 若 真 则 1元 }", "}\n", "这里需要 '否则'", {"occurrence": "last"}),
        ("missing-branch", "措施 M { 金额 = 若 真 则 否则 2元 }", "否则 2元", "这里需要一个表达式"),
        ("if-no-space", "措施 M { 金额 = 若真 则 1元 否则 2元 }", "则 1元", "若真 被当作一个名称"),
        ("require-not-bool", "措施 M { 要求 合同 否则 \"x\"\n 金额 = 合同 }", "合同 否则", "要求的条件 须为布尔"),
    ], tail="\n")


def groups():
    return value_groups() + error_groups()
