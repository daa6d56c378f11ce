"""要求 C 否则 按 X { 值 => "理由", … }: a refusal text chosen by the arm X falls in — arms
as in an expression's 按, by enumeration value (with | and 其他) or by range ((含)/(不含),
以上/以下/至) — the failing application's reason is that arm's text. X is computed only when
C fails. The table is checked like any 按: every enumeration value handled, ranges without
gaps or overlaps. The same table follows 校验 C 否则 (the invalid_application error's
message is the arm's text, its position the condition) and a count limit's 超出 拒绝 (the
refusal of an applicant past the bound is the arm's text). Errors: a value that is not a
quoted text, a missing value, a gap — after 要求, 校验 and 超出 拒绝 alike, a limit's reported
once however many measures it covers."""
from .common import D, Group, check_group, check_groups, final, header, locate

NAME = "refusal"
DESCRIPTION = __doc__

RULES = header() + """事实 方向: 枚举 { 重点, 一般, 其他方向 }
事实 投入: 金额
事实 得分: 整数 = 0
措施 资助 {
  要求 投入 ≥ 100万元 否则 按 方向 { 重点 => "重点方向须投入100万元以上", 一般 | 其他方向 => "须投入100万元以上" }
  要求 得分 ≥ 60 否则 按 得分 { 29(含) 以下 => "得分过低", 30(含) 至 59(含) => "得分不足60", 60(含) 以上 => "—" }
  金额 = 投入 × 10%
}
措施 按金额 {
  要求 投入 ≥ 50万元 否则 按 投入 {
    10万元(不含) 以下 => "投入不足10万元"
    10万元(含) 以上 => "投入不足50万元"
  }
  金额 = 投入 × 1%
}
"""


def value_groups():
    g = Group("refusal", RULES)
    ok = {"方向": "重点", "投入": "200万元", "得分": 80}
    g.ok("eligible", "资助", ok, final(D(200000)))
    g.no("enum-first-arm", "资助", dict(ok, 投入="50万元"), ["重点方向须投入100万元以上"])
    g.no("enum-bar-arm", "资助", dict(ok, 方向="一般", 投入="50万元"), ["须投入100万元以上"])
    g.no("enum-bar-second", "资助", dict(ok, 方向="其他方向", 投入="50万元"), ["须投入100万元以上"])
    g.no("range-low", "资助", dict(ok, 得分=10), ["得分过低"])
    g.no("range-negative", "资助", dict(ok, 得分=-3), ["得分过低"])
    g.no("range-edge-29", "资助", dict(ok, 得分=29), ["得分过低"])
    g.no("range-edge-30", "资助", dict(ok, 得分=30), ["得分不足60"])
    g.no("range-edge-59", "资助", dict(ok, 得分=59), ["得分不足60"])
    g.ok("range-edge-60", "资助", dict(ok, 得分=60), final(D(200000)))
    # Both fail: both reasons, each its arm's, in rule order.
    g.no("both", "资助", dict(ok, 方向="一般", 投入="1元", 得分=45), ["须投入100万元以上", "得分不足60"])
    g.no("default-score", "资助", {"方向": "重点", "投入": "200万元"}, ["得分过低"])
    g.no("money-below", "按金额", {"投入": "99999.99"}, ["投入不足10万元"])
    g.no("money-edge", "按金额", {"投入": "10万元"}, ["投入不足50万元"])
    g.ok("money-ok", "按金额", {"投入": "50万元"}, final(D(5000)))
    return [g, validation_group(), limit_group()]


VALIDATION_RULES = header() + """事实 类型: 枚举 { 企业, 高校, 个人 }
事实 职工总数: 整数 = 0
事实 研发人员数: 整数 = 0
事实 投入: 金额
校验 研发人员数 ≤ 职工总数 否则 按 类型 { 企业 => "研发人员数超过职工总数", 其他 => "研发人员数超过在编人数" }
条款 (一) "研发" {
  校验 投入 ≤ 1亿元 否则 按 投入 {
    1亿元(含) 以下 => "—"
    1亿元(不含) 至 10亿元(含) => "投入超过1亿元"
    10亿元(不含) 以上 => "投入超过10亿元,请核对单位"
  }
  措施 研发补助 { 金额 = 投入 × 10% }
}
措施 其他补助 { 金额 = 投入 × 1% }
"""


def validation_group():
    g = Group("validation", VALIDATION_RULES)
    staff_at = ("rules.kuan",) + locate(VALIDATION_RULES, "研发人员数 ≤ 职工总数")
    money_at = ("rules.kuan",) + locate(VALIDATION_RULES, "投入 ≤ 1亿元")
    ok = {"类型": "企业", "职工总数": 10, "研发人员数": 2, "投入": "100万元"}
    g.ok("valid", "研发补助", ok, final(D(100000)))
    g.invalid("enum-first-arm", "研发补助", dict(ok, 研发人员数=11), staff_at, "研发人员数超过职工总数")
    g.invalid("enum-otherwise", "其他补助", dict(ok, 类型="高校", 研发人员数=11), staff_at, "研发人员数超过在编人数")
    g.invalid("enum-otherwise-2", "研发补助", dict(ok, 类型="个人", 研发人员数=1, 职工总数=0), staff_at, "研发人员数超过在编人数")
    g.ok("range-edge-valid", "研发补助", dict(ok, 投入="1亿元"), final(D(10000000)))
    g.invalid("range-just-above", "研发补助", dict(ok, 投入="100000000.01"), money_at, "投入超过1亿元")
    g.invalid("range-edge-10", "研发补助", dict(ok, 投入="10亿元"), money_at, "投入超过1亿元")
    g.invalid("range-above-10", "研发补助", dict(ok, 投入="1000000000.01"), money_at, "投入超过10亿元,请核对单位")
    # The clause's 校验 is (一)'s: the other measure does not check the amount.
    g.ok("other-clause", "其他补助", dict(ok, 投入="20亿元"), final(D(20000000)))
    # In file order: the edition's 校验 first, with its own arm.
    g.invalid("first-fails", "研发补助", dict(ok, 类型="高校", 研发人员数=11, 投入="20亿元"), staff_at, "研发人员数超过在编人数")
    return g


LIMIT_RULES = header() + """事实 方向: 枚举 { 人工智能, 集成电路, 其他领域 }
事实 本年度同方向已立项数: 整数 = 0
事实 投入: 金额
限额 单位方向限项 {
  计 件数 每 申请人 按 方向
  不超过 按 方向 { 人工智能 | 集成电路 => 4, 其他 => 2 }
  已用 本年度同方向已立项数
  覆盖 立项资助, 配套资助
  超出 拒绝 按 方向 { 人工智能 | 集成电路 => "重点方向每年最多立项4个", 其他 => "每个方向每年最多立项2个" }
}
措施 立项资助 { 要求 投入 ≥ 10万元 否则 "投入不足10万元"  金额 = 投入 × 10% }
措施 配套资助 { 金额 = 投入 × 5% }
"""


def limit_group():
    g = Group("limit", LIMIT_RULES)
    ok = {"方向": "人工智能", "本年度同方向已立项数": 0, "投入": "100万元"}
    g.ok("room", "立项资助", ok, final(D(100000)))
    g.ok("key-below-4", "立项资助", dict(ok, 本年度同方向已立项数=3), final(D(100000)))
    g.no("key-at-4", "立项资助", dict(ok, 本年度同方向已立项数=4), ["重点方向每年最多立项4个"])
    g.no("key-bar-arm", "配套资助", dict(ok, 方向="集成电路", 本年度同方向已立项数=9), ["重点方向每年最多立项4个"])
    g.ok("other-below-2", "立项资助", dict(ok, 方向="其他领域", 本年度同方向已立项数=1), final(D(100000)))
    g.no("other-at-2", "立项资助", dict(ok, 方向="其他领域", 本年度同方向已立项数=2), ["每个方向每年最多立项2个"])
    g.no("other-covered-measure", "配套资助", dict(ok, 方向="其他领域", 本年度同方向已立项数=2), ["每个方向每年最多立项2个"])
    # The measure's own 要求 first, then the limit's refusal, each with its text.
    g.no("both", "立项资助", dict(ok, 方向="其他领域", 本年度同方向已立项数=3, 投入="1元"), ["投入不足10万元", "每个方向每年最多立项2个"])
    g.ok("default-used", "配套资助", {"方向": "其他领域", "投入": "100元"}, final(D(5)))
    return g


def error_groups():
    h = header() + "事实 档: 枚举 { 甲, 乙 }\n事实 a: 金额\n"
    out = []
    for gid, body, needle, msg in [
        ("not-text", '措施 M { 要求 a > 0元 否则 按 档 { 甲 => 1元, 乙 => "x" }  金额 = a }', "1元, 乙", "带引号的文字"),
        ("unhandled", '措施 M { 要求 a > 0元 否则 按 档 { 甲 => "x" }  金额 = a }', "按 档", "未处理取值:乙"),
        ("gap", '措施 M { 要求 a > 0元 否则 按 a { 1元(含) 以下 => "x", 2元(含) 以上 => "y" }  金额 = a }', "2元(含)", "空档"),
        ("no-arm", '措施 M { 要求 a > 0元 否则 按 档 { }  金额 = a }', "}  金额", "需要分支"),
        ("no-text-at-all", '措施 M { 要求 a > 0元 否则 金额 = a }', "金额 = a", "理由随情形而不同时写 按"),
    ]:
        out.append(check_group(gid, h + body, needle, msg))
    # 校验 … 否则 按 and 超出 拒绝 按: the same table, the same checks.
    out += check_groups(h + "事实 n: 整数 = 0\n", [
        ("validation-not-text", '校验 a > 0元 否则 按 档 { 甲 => 1元, 乙 => "x" }\n措施 M { 金额 = a }', "1元, 乙",
         "带引号的文字"),
        ("validation-unhandled", '校验 a > 0元 否则 按 档 { 甲 => "x" }\n措施 M { 金额 = a }', "按 档", "未处理取值:乙"),
        ("validation-gap", '校验 a > 0元 否则 按 a { 1元(含) 以下 => "x", 2元(含) 以上 => "y" }\n措施 M { 金额 = a }',
         "2元(含)", "空档"),
        ("validation-unknown-name", '校验 a > 0元 否则 按 档位 { 甲 => "x", 乙 => "y" }\n措施 M { 金额 = a }', "档位",
         "未定义的名称 档位"),
        ("limit-no-text", '限额 L { 计 件数 每 申请人 不超过 2 已用 n 覆盖 M 超出 拒绝 }\n措施 M { 金额 = a }', "}\n措施",
         "理由随情形而不同时写 按"),
        ("limit-unhandled", '限额 L { 计 件数 每 申请人 不超过 2 已用 n 覆盖 M 超出 拒绝 按 档 { 甲 => "x" } }\n措施 M { 金额 = a }',
         "按 档", "未处理取值:乙"),
        ("limit-overlap", '限额 L { 计 件数 每 申请人 不超过 2 已用 n 覆盖 M, N 超出 拒绝 按 a { 1元(含) 以下 => "x", '
         '1元(含) 以上 => "y" } }\n措施 M { 金额 = a }\n措施 N { 金额 = a }', "1元(含) 以上", "重叠"),
    ])
    return out


def groups():
    return value_groups() + error_groups()
