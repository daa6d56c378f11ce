"""施行 D1 至 D2 / 施行 D1 起 inside a 措施 or a 条款: an application whose date (as_of)
is outside the days is not eligible, amount 0, with the one reason "措施 M 的施行期为 … ,
申请日期不在其中" (or "条款 (二) 的施行期为 …"); both days are included; nothing else of
the measure is computed, so its required facts may be absent. A clause's days are every
measure's of it; a measure's own days must lie within its clause's. 施行中(M) is whether
measure M is in force on the application's date. Errors: a day that does not exist, an
end before the start, 施行 written twice in one measure or clause, a measure's days
outside its clause's, 施行中 of a name that is not a measure, of anything but one name,
and in a 参数."""
from .common import D, Group, check_groups, final, header

NAME = "in_force"
DESCRIPTION = __doc__

RULES = header(start="2020-01-01") + """事实 投入: 金额
事实 已缴: 金额 = 0元
措施 奖励 "限期奖励" {
  施行 2025-01-01 至 2027-12-31
  要求 投入 > 0元 否则 "没有投入"
  金额 = 投入 × 10%
}
措施 常设 { 金额 = 投入 × 1% }
措施 合计 "常设减去限期部分" 可为负 {
  金额 = 投入 × 20% − (若 施行中(奖励) 则 投入 × 10% 否则 0元) − 已缴
}
条款 (二) "新政" {
  施行 2026-01-01 起
  措施 新补助 { 金额 = 投入 × 5% }
  措施 新奖励 {
    施行 2026-07-01 至 2026-12-31
    金额 = 投入 × 2%
  }
}
"""

OWN = "措施 奖励 的施行期为 2025-01-01 至 2027-12-31"
CLAUSE = "条款 (二) 的施行期为 2026-01-01 起"
INNER = "措施 新奖励 的施行期为 2026-07-01 至 2026-12-31"


def value_groups():
    g = Group("in-force", RULES)
    money = {"投入": "100万元"}
    # Both ends are days in force; the day before and the day after are not.
    g.no("measure-day-before", "奖励", money, [OWN], as_of="2024-12-31")
    g.ok("measure-first-day", "奖励", money, final(D(100000)), as_of="2025-01-01")
    g.ok("measure-last-day", "奖励", money, final(D(100000)), as_of="2027-12-31")
    g.no("measure-day-after", "奖励", money, [OWN], as_of="2028-01-01")
    g.no("measure-long-after", "奖励", money, [OWN], as_of="2099-12-31")
    # Out of force: nothing else is computed — a failing 要求 is not reported, and a
    # required fact may be absent.
    g.no("only-reason", "奖励", {"投入": "0元"}, [OWN], as_of="2028-01-01")
    g.no("facts-absent", "奖励", {}, [OWN], as_of="2028-01-01")
    g.no("in-force-requirement", "奖励", {"投入": "0元"}, ["没有投入"], as_of="2026-01-01")
    # A measure without 施行 follows the edition's.
    g.ok("no-dates", "常设", money, final(D(10000)), as_of="2030-06-30")
    # 施行中(M): the rule reads whether M is in force that day.
    g.ok("in-force-test-inside", "合计", money, final(D(100000)), as_of="2027-12-31",
         note="100万元 × 20% − 100万元 × 10%")
    g.ok("in-force-test-outside", "合计", money, final(D(200000)), as_of="2028-01-01",
         note="100万元 × 20%")
    g.ok("in-force-test-before", "合计", dict(money, 已缴="30万元"), final(D(-100000)), as_of="2024-06-30",
         note="100万元 × 20% − 30万元")
    # A clause's days are its measures'; a measure's own narrower days win within them.
    g.no("clause-before", "新补助", money, [CLAUSE], as_of="2025-12-31")
    g.ok("clause-first-day", "新补助", money, final(D(50000)), as_of="2026-01-01")
    g.ok("clause-open-ended", "新补助", money, final(D(50000)), as_of="2040-01-01")
    g.no("inner-before", "新奖励", money, [INNER], as_of="2026-06-30")
    g.ok("inner-inside", "新奖励", money, final(D(20000)), as_of="2026-07-01")
    g.no("inner-after", "新奖励", money, [INNER], as_of="2027-01-01")
    return [g]


def error_groups():
    h = header(start="2020-01-01") + "事实 a: 金额\n"
    out = check_groups(h, [
        ("reversed", "措施 M {\n  施行 2027-12-31 至 2025-01-01\n  金额 = a\n}", "2025-01-01", "施行的结束日期早于开始日期"),
        ("no-such-day", "措施 M {\n  施行 2027-02-30 起\n  金额 = a\n}", "2027-02-30", "没有这一天"),
        ("twice-measure", "措施 M {\n  施行 2025-01-01 起\n  施行 2026-01-01 起\n  金额 = a\n}", "施行 2026", "措施中 施行 写了两次"),
        ("twice-clause", "条款 (一) {\n  施行 2025-01-01 起\n  施行 2026-01-01 起\n  措施 M { 金额 = a }\n}", "施行 2026",
         "条款中 施行 写了两次"),
        ("outside-clause", "条款 (一) {\n  施行 2025-01-01 至 2025-12-31\n  措施 M {\n    施行 2025-06-01 起\n    金额 = a\n  }\n}",
         "施行 2025-06-01", "超出条款 (一) 的施行期 2025-01-01 至 2025-12-31"),
        ("starts-before-clause", "条款 (一) {\n  施行 2025-01-01 起\n  措施 M {\n    施行 2024-06-01 至 2025-06-01\n    金额 = a\n  }\n}",
         "施行 2024-06-01", "超出条款 (一) 的施行期 2025-01-01 起"),
        ("test-not-measure", "措施 M { 金额 = 若 施行中(a) 则 a 否则 0元 }", "施行中(a)", "a 不是措施"),
        ("test-two-names", "措施 M { 金额 = 若 施行中(M, M) 则 a 否则 0元 }", ", M)", "缺少右括号"),
        ("test-not-name", "措施 M { 金额 = 若 施行中(1元) 则 a 否则 0元 }", "1元)", "须为一个措施名"),
        ("test-in-param", "参数 p = 若 施行中(M) 则 1元 否则 2元\n措施 M { 金额 = a + p }", "施行中(M)", "只能使用字面量和参数"),
        ("test-is-bool", "措施 M { 金额 = a + 施行中(M) }", "a + 施行中(M)", "布尔"),
    ])
    # 施行中 is a name where no '(' follows it.
    g = Group("in-force-name", h + "定义 施行中 = a × 2\n措施 M { 金额 = 施行中 }")
    g.ok("name", "M", {"a": "3元"}, final(D(6)))
    out.append(g)
    return out


def groups():
    return value_groups() + error_groups()
