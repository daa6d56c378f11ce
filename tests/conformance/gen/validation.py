"""校验 COND 否则 "…": an application on which COND is false is invalid — an error of
code invalid_application whose message is the 否则 text, positioned at the condition —
not an ineligible result. A top-level 校验 applies to every measure, one in a 条款 to
that clause's measures only. They are checked first (before 要求 and required facts), in
file order, the first failing one reported. One whose condition needs a fact the
application does not give (without a default) does not apply. Errors: a condition that
is not 布尔, one that reads 比例/基数, a missing 否则 or text. 例 may expect an error:
`得 错误 CODE` (invalid_application, missing_fact, evaluation_error) or `得 错误 "…"`;
an unknown code is a check error."""
from .common import D, Group, check_groups, final, header, locate

NAME = "validation"
DESCRIPTION = __doc__

RULES = header() + """事实 申请日期: 日期
事实 成立日期: 日期
事实 职工总数: 整数 = 0
事实 研发人员数: 整数 = 0
事实 投入: 金额
事实 补充: 金额 可选
定义 研发占比 = 若 职工总数 = 0 则 0 否则 研发人员数 ÷ 职工总数
校验 申请日期 ≥ 成立日期 否则 "申请日期早于企业成立日期"
校验 有 补充 且 补充 ≤ 投入 或 非 有 补充 否则 "补充金额超过投入"
条款 (一) "研发" {
  校验 研发人员数 ≤ 职工总数 否则 "研发人员数超过职工总数"
  措施 研发补助 {
    要求 研发占比 ≥ 0.1 否则 "研发人员占比不足10%"
    比例 = 10%
    基数 = 投入
  }
}
条款 (二) "其他" {
  措施 其他补助 { 要求 投入 > 0元 否则 "没有投入"  金额 = 投入 × 5% }
  措施 无日期 { 金额 = 投入 × 1% }
}
"""


def value_groups():
    g = Group("validation", RULES)
    ok = {"申请日期": "2025-03-01", "成立日期": "2020-01-01", "职工总数": 10, "研发人员数": 2, "投入": "100万元"}
    date_at = ("rules.kuan",) + locate(RULES, "申请日期 ≥ 成立日期")
    staff_at = ("rules.kuan",) + locate(RULES, "研发人员数 ≤ 职工总数")
    extra_at = ("rules.kuan",) + locate(RULES, "有 补充 且")
    g.ok("valid", "研发补助", ok, final(D(100000)))
    g.ok("same-day", "研发补助", dict(ok, 申请日期="2020-01-01"), final(D(100000)))
    g.invalid("date", "研发补助", dict(ok, 申请日期="2019-12-31"), date_at, "申请日期早于企业成立日期")
    g.invalid("date-other-clause", "其他补助", dict(ok, 申请日期="2019-12-31"), date_at, "申请日期早于企业成立日期")
    g.invalid("staff", "研发补助", dict(ok, 研发人员数=11), staff_at, "研发人员数超过职工总数")
    # A clause's 校验 is that clause's: (二) does not check the staff numbers.
    g.ok("staff-other-clause", "其他补助", dict(ok, 研发人员数=11), final(D(50000)))
    # Invalid, not ineligible: the 校验 comes before the 要求 that would also fail.
    g.invalid("before-requirement", "研发补助", dict(ok, 研发人员数=11, 职工总数=0), staff_at, "研发人员数超过职工总数")
    # In file order: the edition's first.
    g.invalid("first-fails", "研发补助", dict(ok, 申请日期="2019-01-01", 研发人员数=11), date_at, "申请日期早于企业成立日期")
    g.invalid("optional-given", "研发补助", dict(ok, 补充="200万元"), extra_at, "补充金额超过投入")
    g.ok("optional-ok", "研发补助", dict(ok, 补充="50万元"), final(D(100000)))
    # A 校验 whose facts are not given does not apply.
    g.ok("facts-absent", "无日期", {"投入": "100元"}, final(D(1)))
    g.no("ineligible-still", "其他补助", dict(ok, 投入="0元"), ["没有投入"])
    return [g]


def error_groups():
    h = header() + "事实 a: 金额\n事实 n: 整数\n"
    return check_groups(h, [
        ("not-bool", '校验 a 否则 "x"\n措施 M { 金额 = a }', "a 否则", "校验 的条件须为布尔,这里是金额"),
        ("reads-rate", '校验 比例 > 0% 否则 "x"\n措施 M { 比例 = 10% 基数 = a }', "比例 > 0%", "比例"),
        ("no-else", '校验 a > 0元 "x"\n措施 M { 金额 = a }', '"x"', "这里需要 '否则'"),
        ("no-text", '校验 a > 0元 否则\n措施 M { 金额 = a }', "措施 M", "这里需要一段带引号的文字"),
        ("unknown-code", '措施 M { 金额 = a }\n例 M { a = 1元 得 错误 bad_code }', "bad_code", "未知的错误代码 bad_code"),
        ("no-code", '措施 M { 金额 = a }\n例 M { a = 1元 得 错误 }', "}", "得 错误 后需要错误代码", {"occurrence": 2}),
    ])


def groups():
    return value_groups() + error_groups()
