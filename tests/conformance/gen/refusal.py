"""要求 C 否则 按 X { 值 => "理由", … }: a refusal text chosen by the arm X falls in — arms
as in an expression's 按, by enumeration value (with | and 其他) or by range ((含)/(不含),
以上/以下/至) — the failing application's reason is that arm's text. X is computed only when
C fails. The table is checked like any 按: every enumeration value handled, ranges without
gaps or overlaps. Errors: a value that is not a quoted text, a missing value, a gap."""
from .common import D, Group, check_group, final, header

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
    return [g]


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
    return out


def groups():
    return value_groups() + error_groups()
