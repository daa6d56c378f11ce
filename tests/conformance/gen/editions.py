"""Editions: several files forming one edition (one namespace; declarations
inside a 条款 are edition-wide), editions written as changes to an earlier one
(基于; 修订 参数/事实/上限/措施/累进表, 替换 措施, 删除 措施/累进表, new declarations, a
restated 舍入) in a chain of three, selection by version and by date (--as-of, an
open-ended period ending the day before the next edition), and the errors of
editions: revising or removing what the base lacks, an unknown base, removing a
parameter or a 累进表 still in use (reported at the 删除 / 修订 line that broke a
base rule), overlapping periods, duplicate versions and names."""
from .common import D, Group, final, header, locate

NAME = "editions"
DESCRIPTION = __doc__

V1_HEAD = header(policy="版本测试", version="v1", start="2025-01-01")
V1_RULES = """参数 比例一 = 30%
参数 年度上限 = 100万元
事实 合同: 金额
事实 已领: 金额 = 0元
事实 类型: 枚举 { 甲类, 乙类 } = 甲类
上限 年度余额 = 年度上限 已用 已领
条款 (一) "第一条" {
  原文 「示例条文。」
  参数 比例二 = 20%
  措施 甲 { 比例 = 按 类型 { 甲类 => 比例一, 乙类 => 比例二 }
    基数 = 合同
    上限 年度余额 }
  措施 乙 { 要求 合同 ≥ 1万元 否则 "合同不足1万元"
    金额 = 合同 × 10%
    上限 单项 = 5万元 }
}
措施 丙 { 金额 = 合同 × 5% }
措施 丁 { 金额 = 1000元 }
"""
V2 = """版本 "v2"
基于 "v1"
施行 2026-01-01 起
舍入 向下舍入 至 1元
修订 参数 比例一 = 40%
事实 月数: 整数 = 0
修订 事实 已领: 金额 = 1万元
修订 措施 乙 {
  要求 月数 ≤ 12 否则 "须在12个月内申领"
  金额 = 合同 × 15%
  上限 单项 = 8万元
}
替换 措施 丙 { 比例 = 50%
  基数 = 合同
  上限 新上限 = 100元 }
删除 措施 丁
措施 戊 { 金额 = 合同 × 比例一 }
修订 上限 年度余额 = 年度上限 × 50% 已用 已领
"""
V3 = """版本 "v3"
基于 "v2"
施行 2027-01-01 至 2027-12-31
修订 参数 年度上限 = 200万元
删除 措施 戊
修订 措施 甲 { 上限 甲上限 = 1万元 }
"""

FILES = {"v1/00-总则.kuan": V1_HEAD, "v1/01-规则.kuan": V1_RULES, "v2/修订.kuan": V2, "v3/修订.kuan": V3}


def chain_group():
    g = Group("chain", FILES)
    g.check_ok("check-clean")
    W = D(10000)
    # v1: 四舍五入 至 0.01元; 比例一 30%, 比例二 20%, room 100万 − 已领.
    g.ok("v1-甲-甲类", "甲", {"合同": "100万元"}, "300000.00")
    g.ok("v1-甲-乙类", "甲", {"合同": "100万元", "类型": "乙类"}, "200000.00", note="clause-local 参数 is edition-wide")
    g.ok("v1-甲-room", "甲", {"合同": "500万元"}, "1000000.00", "年度余额")
    g.ok("v1-甲-used", "甲", {"合同": "100万元", "已领": "80万元"}, "200000.00", "年度余额")
    g.ok("v1-乙", "乙", {"合同": "100万元"}, "50000.00", "单项")
    g.ok("v1-乙-small", "乙", {"合同": "12345.675"}, final(D("12345.675") * D("0.1")))
    g.no("v1-乙-below", "乙", {"合同": "0.5万元"}, ["合同不足1万元"])
    g.ok("v1-丙", "丙", {"合同": "1万元"}, "500.00")
    g.ok("v1-丁", "丁", {}, "1000.00")
    g.bad("v1-戊-unknown", "戊", {"合同": "1"}, "戊")
    # v2: 向下舍入 至 1元 (amounts have no decimals); 比例一 40%; 已领 defaults to 1万; room 年度上限 × 50% − 已领.
    v = "v2"
    g.ok("v2-甲", "甲", {"合同": "100万元"}, "400000", version=v)
    g.ok("v2-甲-room", "甲", {"合同": "200万元"}, "490000", "年度余额", version=v,
         note="room = 100万 × 50% − 1万 (the revised default)")
    g.ok("v2-甲-given-used", "甲", {"合同": "200万元", "已领": "0"}, "500000", "年度余额", version=v)
    g.ok("v2-甲-down", "甲", {"合同": "123456.78"}, final(D("123456.78") * D("0.4"), "1元", "向下舍入"), version=v)
    g.ok("v2-甲-乙类", "甲", {"合同": "100万元", "类型": "乙类"}, "200000", version=v)
    g.ok("v2-乙", "乙", {"合同": "100万元"}, "80000", "单项", version=v, note="revised cap 8万 replaces 5万")
    g.ok("v2-乙-rate", "乙", {"合同": "10万元"}, "15000", version=v, note="revised 金额 = 合同 × 15%")
    g.ok("v2-乙-down", "乙", {"合同": "33333.33"}, final(D("33333.33") * D("0.15"), "1元", "向下舍入"), version=v)
    g.no("v2-乙-late", "乙", {"合同": "100万元", "月数": 13}, ["须在12个月内申领"], amount="0", version=v)
    g.no("v2-乙-both", "乙", {"合同": "0.5万元", "月数": 13}, ["合同不足1万元", "须在12个月内申领"], amount="0",
         version=v, note="the base's requirements first, then the added one")
    g.ok("v2-丙", "丙", {"合同": "1000"}, "100", "新上限", version=v)
    g.ok("v2-丙-under", "丙", {"合同": "100"}, "50", version=v)
    g.ok("v2-丙-down", "丙", {"合同": "199.99"}, "99", version=v)
    g.bad("v2-丁-removed", "丁", {}, "丁", version=v)
    g.ok("v2-戊", "戊", {"合同": "1000.9"}, "400", version=v)
    # v3: inherits v2's rounding and changes; 年度上限 200万; 戊 removed; 甲 gains a cap.
    v = "v3"
    g.ok("v3-甲", "甲", {"合同": "100万元"}, "10000", "甲上限", version=v)
    g.ok("v3-甲-under", "甲", {"合同": "2万元"}, "8000", version=v)
    g.ok("v3-甲-room", "甲", {"合同": "100万元", "已领": "99.5万元"}, "5000", "年度余额", version=v,
         note="room 200万 × 50% − 99.5万 = 5000 < 甲上限")
    g.ok("v3-乙", "乙", {"合同": "100万元"}, "80000", "单项", version=v)
    g.bad("v3-戊-removed", "戊", {"合同": "1"}, "戊", version=v)
    g.bad("v3-丁-removed", "丁", {}, "丁", version=v)
    # By date.
    g.ok("as-of-first-day", "丁", {}, "1000.00", as_of="2025-01-01", in_version="v1")
    g.ok("as-of-v1-last-day", "丁", {}, "1000.00", as_of="2025-12-31", in_version="v1",
         note="an open-ended period ends the day before the next edition")
    g.ok("as-of-v2-first-day", "丙", {"合同": "100"}, "50", as_of="2026-01-01", in_version="v2")
    g.ok("as-of-v2-last-day", "丙", {"合同": "100"}, "50", as_of="2026-12-31", in_version="v2")
    g.ok("as-of-v3", "甲", {"合同": "2万元"}, "8000", as_of="2027-12-31", in_version="v3")
    return [g]


AMEND_V1 = header(version="v1", start="2025-01-01") + """事实 合同: 金额
事实 档: 枚举 { 一档, 二档 } 可选
措施 甲 { 金额 = 合同 × 10% }
措施 乙 { 金额 = 合同 + (若 有 档 则 0元 否则 0元) }
"""
AMEND_V2 = """版本 "v2"
基于 "v1"
施行 2026-01-01 起
修订 措施 甲 { 比例 = 20%
  基数 = 合同 }
修订 措施 乙 { 需要 档 当 合同 > 100元 }
"""


def amend_group():
    g = Group("amend-items", {"v1/r.kuan": AMEND_V1, "v2/r.kuan": AMEND_V2},
              note="修订 措施 adds the items it writes: 比例 with 基数 in place of 金额; a conditional 需要")
    g.ok("v1", "甲", {"合同": "200"}, "20.00")
    g.ok("v2-rate-and-base", "甲", {"合同": "50"}, "10.00", version="v2", note="50 × 20%")
    g.ok("v2-needs-when-false", "乙", {"合同": "50"}, "50.00", version="v2")
    g.ok("v2-needs-given", "乙", {"合同": "200", "档": "一档"}, "200.00", version="v2")
    line, col = locate(AMEND_V2, "档 当")
    g.eval_error("v2-needs-when-absent", "乙", {"合同": "200"}, ("v2/r.kuan", line, col), "档", version="v2")
    g.ok("v1-needs-not-yet", "乙", {"合同": "200"}, "200.00")
    return [g]


SCHEDULE_V1 = header(version="v1", start="2025-01-01") + """事实 所得: 金额
累进表 税率表 { 至 3万元 => 5%, 至 10万元 => 10%, 以上 => 20% }
措施 税 { 金额 = 累进 所得 按 税率表 }
"""
SCHEDULE_V2 = """版本 "v2"
基于 "v1"
施行 2026-01-01 起
修订 累进表 税率表 { 至 5万元 => 3% 速算扣除数 0元, 以上 => 10% 速算扣除数 3500元 }
"""
SCHEDULE_V3 = """版本 "v3"
基于 "v2"
施行 2027-01-01 起
删除 累进表 税率表
替换 措施 税 { 金额 = 所得 × 1% }
"""


def schedule_group():
    g = Group("schedule-revised", {"v1/r.kuan": SCHEDULE_V1, "v2/r.kuan": SCHEDULE_V2, "v3/r.kuan": SCHEDULE_V3},
              note="修订 累进表 restates a named schedule whole for the measures that apply it; 删除 累进表 once no rule applies it")
    g.ok("v1", "税", {"所得": "80000"}, "6500.00", version="v1", note="30000 × 5% + 50000 × 10%")
    g.ok("v2-first-bracket", "税", {"所得": "50000"}, "1500.00", version="v2", note="50000 × 3%")
    g.ok("v2-top-bracket", "税", {"所得": "80000"}, "4500.00", version="v2",
         note="50000 × 3% + 30000 × 10% (the 速算扣除数 3500元 = 50000 × (10% − 3%) agrees)")
    g.ok("v3-removed", "税", {"所得": "80000"}, "800.00", version="v3", note="80000 × 1%")
    g.check_ok("check")
    return [g]


def edition_error_groups():
    base_head = header(version="v1", start="2025-01-01")
    base = "参数 率 = 10%\n事实 合同: 金额\n措施 甲 { 金额 = 合同 × 率 }\n"
    out = []

    def err(gid, files, file, needle, message, occurrence=1):
        g = Group(gid, files)
        line, col = locate(files[file], needle, occurrence)
        g.check_error("check", (file, line, col), message)
        out.append(g)

    def derived(body, start="2026-01-01"):
        return f'版本 "v2"\n基于 "v1"\n施行 {start} 起\n' + body

    err("revise-missing-param", {"v1/r.kuan": base_head + base, "v2/r.kuan": derived("修订 参数 不存在 = 1元\n")},
        "v2/r.kuan", "不存在 = 1元", "基础版本中没有参数 不存在")
    err("revise-missing-measure",
        {"v1/r.kuan": base_head + base, "v2/r.kuan": derived("修订 措施 不存在 { 要求 是 否则 \"x\" }\n")},
        "v2/r.kuan", "不存在 {", "基础版本中没有措施 不存在")
    err("remove-missing", {"v1/r.kuan": base_head + base, "v2/r.kuan": derived("删除 措施 不存在\n")},
        "v2/r.kuan", "不存在", "基础版本中没有措施 不存在")
    err("unknown-base", {"v1/r.kuan": base_head + base, "v2/r.kuan": derived("").replace('"v1"', '"v0"')},
        "v2/r.kuan", '"v0"', "基于的版本 v0 不存在")
    err("removed-param-in-use", {"v1/r.kuan": base_head + base, "v2/r.kuan": derived("删除 参数 率\n")},
        "v2/r.kuan", "率\n", "删除 参数 率 使基础版本 v1 的规则出错:未定义的名称 率")
    schedule_base = base + "累进表 表 { 至 1万元 => 5%, 以上 => 10% }\n措施 乙 { 金额 = 累进 合同 按 表 }\n"
    err("revise-missing-schedule", {"v1/r.kuan": base_head + schedule_base, "v2/r.kuan": derived("修订 累进表 表一 { 以上 => 1% }\n")},
        "v2/r.kuan", "表一 {", "基础版本中没有累进表 表一,无法修订(是不是 表?)")
    err("remove-missing-schedule", {"v1/r.kuan": base_head + schedule_base, "v2/r.kuan": derived("删除 累进表 表一\n")},
        "v2/r.kuan", "表一", "基础版本中没有累进表 表一,无法删除(是不是 表?)")
    err("removed-schedule-in-use", {"v1/r.kuan": base_head + schedule_base, "v2/r.kuan": derived("删除 累进表 表\n")},
        "v2/r.kuan", "表\n", "删除 累进表 表 使基础版本 v1 的规则出错:措施 乙 仍用着累进表 表")
    err("removed-schedule-used-anew",
        {"v1/r.kuan": base_head + schedule_base, "v2/r.kuan": derived("删除 累进表 表\n替换 措施 乙 { 金额 = 累进 合同 按 表 }\n")},
        "v2/r.kuan", "表 }", "措施 乙 仍用着累进表 表,它已在")
    err("revise-schedule-breaks-type",
        {"v1/r.kuan": base_head + schedule_base, "v2/r.kuan": derived("修订 累进表 表 { 以上 => 10元 }\n")},
        "v2/r.kuan", "10元", "累进 的税率须为比例")
    err("new-name-clashes", {"v1/r.kuan": base_head + base, "v2/r.kuan": derived("参数 率 = 20%\n")},
        "v2/r.kuan", "率 = 20%", "名称 率 已在")
    err("revise-changes-type", {"v1/r.kuan": base_head + base, "v2/r.kuan": derived("修订 参数 率 = 20元\n")},
        "v2/r.kuan", "率 = 20元", "修订 参数 率 使基础版本 v1 的规则出错:不能计算 金额 × 金额")
    err("revise-enum-adds-value",
        {"v1/r.kuan": base_head + "事实 类: 枚举 { 甲类, 乙类 }\n事实 合同: 金额\n措施 甲 { 比例 = 按 类 { 甲类 => 10%, 乙类 => 20% }\n 基数 = 合同 }\n",
         "v2/r.kuan": derived("修订 事实 类: 枚举 { 甲类, 乙类, 丙类 }\n")},
        "v2/r.kuan", "类: 枚举", "修订 事实 类 使基础版本 v1 的规则出错:按 类 未处理取值:丙类")
    g = Group("derived-without-period", {"v1/r.kuan": base_head + base,
                                         "v2/r.kuan": '版本 "v2"\n基于 "v1"\n修订 参数 率 = 20%\n'})
    g.check_error("check", ("v2/r.kuan", 1, 1), "缺少施行日期声明")
    out.append(g)
    v1_closed = header(version="v1", start="2025-01-01", end="2025-12-31") + base
    err("overlap", {"v1/r.kuan": v1_closed, "v2/r.kuan": header(version="v2", start="2025-06-01") + base},
        "v2/r.kuan", "2025-06-01", "重叠")
    err("duplicate-version", {"a/r.kuan": base_head + base, "b/r.kuan": base_head.replace("2025-01-01", "2026-01-01") + base},
        "b/r.kuan", '"v1"', "版本 v1 重复")
    err("duplicate-name-two-files", {"v1/a.kuan": base_head + base, "v1/b.kuan": "参数 率 = 20%\n"},
        "v1/b.kuan", "率 = 20%", "名称 率 已在")
    err("measure-twice-two-files", {"v1/a.kuan": base_head + base, "v1/b.kuan": "措施 甲 { 金额 = 1元 }\n"},
        "v1/b.kuan", "甲 {", "措施 甲 已在")
    err("header-twice", {"v1/a.kuan": base_head + base, "v1/b.kuan": '版本 "v1"\n'},
        "v1/b.kuan", '"v1"', "版本 重复声明")
    err("period-reversed", {"v1/r.kuan": header(start="2025-06-01", end="2025-01-01") + base},
        "v1/r.kuan", "2025-01-01", "结束日期早于开始日期")
    g = Group("gap-warning", {"v1/r.kuan": v1_closed, "v2/r.kuan": header(version="v2", start="2026-02-01") + base})
    g.check_ok("check", warning="空档")
    g.ok("v2", "甲", {"合同": "100"}, "10.00", version="v2")
    g.ok("v1-last-day", "甲", {"合同": "100"}, "10.00", as_of="2025-12-31", in_version="v1")
    g.no_edition("in-the-gap", "甲", {"合同": "100"}, as_of="2026-01-15")
    g.no_edition("before-all", "甲", {"合同": "100"}, as_of="2024-12-31")
    g.no_edition("unknown-version", "甲", {"合同": "100"}, version="v9")
    g.ok("v2-first-day", "甲", {"合同": "100"}, "10.00", as_of="2026-02-01", in_version="v2")
    out.append(g)
    g = Group("files-one-namespace", {"v1/a.kuan": base_head, "v1/b.kuan": "参数 率 = 12.5%\n",
                                       "v1/c.kuan": "事实 合同: 金额\n", "v1/d.kuan": "措施 甲 { 金额 = 合同 × 率 }\n"})
    g.ok("across-files", "甲", {"合同": "100.04"}, final(D("100.04") * D("0.125")))
    g.check_ok("check")
    out.append(g)
    return out


def groups():
    return chain_group() + amend_group() + schedule_group() + edition_error_groups()
