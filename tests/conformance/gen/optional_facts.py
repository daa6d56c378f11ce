"""Facts an application may leave out: defaults (constant or computed from
another fact), `可选` facts tested with `有 F`, JSON null for a fact that may be
omitted; what must be given: a required fact a measure reads (bad facts when
absent, but only for measures that read it), `需要 F` (required though unread),
`需要 F 当 COND` (required only when COND holds; an evaluation error at F's
place in the rule when it is missing); an optional fact read while absent (an
evaluation error where it is read); requirements (要求 … 否则) and their reasons;
unknown facts and malformed JSON (bad facts)."""
from .common import D, Group, Num, final, header, locate

NAME = "optional_facts"
DESCRIPTION = __doc__

RULES = header() + """事实 合同: 金额
事实 年度累计: 金额 = 合同
事实 率: 比例 = 30%
事实 已领: 金额 = 0元
事实 核定: 金额 可选
事实 档位: 枚举 { 一档, 二档 } 可选
事实 主体: 枚举 { 企业, 高校 }
事实 备案: 布尔 = 否
事实 地址: 日期 可选
事实 无关: 金额
措施 缺省 { 比例 = 率
  基数 = 合同 }
措施 计算缺省 { 金额 = 若 年度累计 ≤ 50万元 则 合同 × 50% 否则 合同 × 率 }
措施 有无 { 金额 = 若 有 核定 则 min(核定, 合同) 否则 合同 × 率 }
措施 读可选 { 金额 = 核定 }
措施 需主体 { 需要 主体
  金额 = 合同 × 率 }
措施 需要当 { 需要 档位 当 合同 > 10万元
  金额 = 合同 × 率 }
措施 需要当多 { 需要 档位, 地址 当 备案
  金额 = 合同 × 率 }
措施 审核 { 要求 备案 否则 "须经备案"
  要求 合同 ≥ 1万元 否则 "合同金额不足1万元"
  要求 有 档位 否则 "须写明档位"
  金额 = 合同 × 率 }
措施 要求后读 { 要求 备案 否则 "须经备案"
  要求 核定 > 0元 否则 "核定金额须为正"
  金额 = 核定 }
措施 有缺省 { 金额 = 若 有 率 则 1元 否则 2元 }
措施 日期 { 需要 地址
  金额 = 若 有 地址 且 地址 ≥ 2024-02-29 则 1元 否则 2元 }
措施 需缺省 { 需要 备案
  金额 = 合同 }
事实 间接: 金额 = 核定 × 50%
措施 读间接 { 金额 = 间接 }
措施 静态 { 金额 = 若 备案 则 1元 否则 无关 }
措施 默认已领 { 金额 = 合同
  上限 余额 = 10万元 已用 已领 }
"""


def value_groups():
    g = Group("facts", RULES)
    g.ok("default-rate", "缺省", {"合同": "1000"}, "300.00", note="率 defaults to 30%")
    g.ok("given-rate", "缺省", {"合同": "1000", "率": "10%"}, "100.00")
    g.ok("null-defaulted", "缺省", {"合同": "1000", "率": None}, "300.00", note="null leaves a defaulted fact unset")
    g.ok("extra-known-fact", "缺省", {"合同": "1000", "无关": "5"}, "300.00",
         note="a declared fact the measure does not read may be given")
    g.ok("computed-default-small", "计算缺省", {"合同": "40万元"}, final(D(200000)),
         note="年度累计 defaults to 合同: 40万 ≤ 50万")
    g.ok("computed-default-large", "计算缺省", {"合同": "60万元"}, final(D(600000) * D("0.3")))
    g.ok("computed-default-given", "计算缺省", {"合同": "40万元", "年度累计": "60万元"}, final(D(400000) * D("0.3")))
    g.ok("has-absent", "有无", {"合同": "1000"}, "300.00")
    g.ok("has-given", "有无", {"合同": "1000", "核定": "200"}, "200.00")
    g.ok("has-given-null", "有无", {"合同": "1000", "核定": None}, "300.00", note="null is not given")
    g.ok("has-given-large", "有无", {"合同": "1000", "核定": "2000"}, "1000.00")
    g.ok("read-optional-given", "读可选", {"合同": "1", "核定": "123.456"}, "123.46")
    line, col = locate(RULES, "核定 }\n措施 需主体")
    g.eval_error("read-optional-absent", "读可选", {"合同": "1"}, ("rules.kuan", line, col), "核定")
    g.bad("required-absent", "缺省", {}, "合同")
    g.bad("required-null", "缺省", {"合同": None}, "合同")
    g.ok("required-of-other-measure", "读可选", {"核定": "5"}, "5.00",
         note="合同 is required only by the measures that read it")
    g.ok("needs-given", "需主体", {"合同": "1000", "主体": "高校"}, "300.00")
    g.bad("needs-absent", "需主体", {"合同": "1000"}, "主体")
    g.ok("needs-when-false", "需要当", {"合同": "10万元"}, final(D(100000) * D("0.3")))
    g.ok("needs-when-true-given", "需要当", {"合同": "10.01万元", "档位": "二档"}, final(D(100100) * D("0.3")))
    line, col = locate(RULES, "档位 当 合同")
    g.eval_error("needs-when-true-absent", "需要当", {"合同": "10.01万元"}, ("rules.kuan", line, col), "档位")
    g.ok("needs-when-many-false", "需要当多", {"合同": "100"}, "30.00")
    g.ok("needs-when-many-given", "需要当多", {"合同": "100", "备案": True, "档位": "一档", "地址": "2025-01-01"}, "30.00")
    line, col = locate(RULES, "地址 当 备案")
    g.eval_error("needs-when-many-second", "需要当多", {"合同": "100", "备案": True, "档位": "一档"},
                 ("rules.kuan", line, col), "地址")
    g.ok("require-all-hold", "审核", {"合同": "1万元", "备案": True, "档位": "一档"}, "3000.00")
    g.no("require-one", "审核", {"合同": "1万元", "档位": "一档"}, ["须经备案"])
    g.no("require-two", "审核", {"合同": "9999.99", "档位": "一档"}, ["须经备案", "合同金额不足1万元"])
    g.no("require-three", "审核", {"合同": "9999.99"}, ["须经备案", "合同金额不足1万元", "须写明档位"])
    g.no("require-last", "审核", {"合同": "2万元", "备案": True}, ["须写明档位"])
    g.no("require-then-unreadable", "要求后读", {"合同": "1"}, ["须经备案"],
         note="once a requirement failed, a later one that cannot be evaluated does not change the verdict")
    line, col = locate(RULES, "核定 > 0元")
    g.eval_error("require-unreadable-first", "要求后读", {"合同": "1", "备案": True}, ("rules.kuan", line, col), "核定")
    g.ok("require-then-read", "要求后读", {"合同": "1", "备案": True, "核定": "9"}, "9.00")
    g.no("require-then-zero", "要求后读", {"合同": "1", "备案": True, "核定": "0"}, ["核定金额须为正"])
    g.ok("used-default", "默认已领", {"合同": "20万元"}, "100000.00", "余额")
    g.ok("used-given", "默认已领", {"合同": "20万元", "已领": "95000"}, "5000.00", "余额")
    g.ok("has-defaulted-absent", "有缺省", {}, "2.00", note="有 asks whether the application gave the fact")
    g.ok("has-defaulted-given", "有缺省", {"率": "30%"}, "1.00", note="even when it equals the default")
    g.ok("has-defaulted-null", "有缺省", {"率": None}, "2.00")
    g.ok("date-leap-day", "日期", {"地址": "2024-02-29"}, "1.00")
    g.ok("date-before", "日期", {"地址": "2024-02-28"}, "2.00")
    g.bad("date-not-leap", "日期", {"地址": "2023-02-29"}, "地址")
    g.bad("date-century-not-leap", "日期", {"地址": "1900-02-29"}, "地址")
    g.ok("date-400-leap", "日期", {"地址": "2000-02-29"}, "2.00")
    g.ok("date-far", "日期", {"地址": "9999-12-31"}, "1.00")
    g.bad("date-month-13", "日期", {"地址": "2025-13-01"}, "地址")
    g.bad("needs-optional-absent", "日期", {}, "地址", note="需要 makes even an optional fact required")
    g.ok("needs-defaulted-given", "需缺省", {"合同": "1", "备案": False}, "1.00")
    g.bad("needs-defaulted-absent", "需缺省", {"合同": "1"}, "备案", note="需要 asks the application to state it")
    g.ok("default-from-optional", "读间接", {"核定": "100"}, "50.00")
    g.ok("default-not-needed", "读间接", {"间接": "7"}, "7.00")
    line, col = locate(RULES, "核定 × 50%")
    g.eval_error("default-reads-absent", "读间接", {}, ("rules.kuan", line, col), "核定",
                 note="the default is computed, and it reads the absent optional fact")
    g.bad("required-statically", "静态", {"备案": True}, "无关",
          note="a required fact is required by every measure that reads it, even on a branch not taken")
    g.ok("required-statically-given", "静态", {"备案": False, "无关": "3"}, "3.00")
    # Bad facts: unknown, wrong type, malformed JSON.
    g.bad("unknown-fact", "缺省", {"合同": "1", "不存在": "1"}, "不存在")
    g.bad("bool-as-string", "审核", {"合同": "1", "备案": "是"}, "备案")
    g.bad("bool-as-number", "审核", {"合同": "1", "备案": Num(1)}, "备案")
    g.bad("date-bad", "需要当多", {"合同": "1", "备案": True, "档位": "一档", "地址": "2025-02-30"}, "地址")
    g.bad("date-format", "需要当多", {"合同": "1", "备案": True, "档位": "一档", "地址": "2025/01/01"}, "地址")
    g.bad("enum-number", "需主体", {"合同": "1", "主体": Num(1)}, "主体")
    g.bad("array-value", "缺省", {"合同": "1", "率": None}, facts_text='{"合同": ["1"]}')
    g.bad("object-value", "缺省", {}, facts_text='{"合同": {"元": 1}}')
    g.bad("unclosed", "缺省", {}, facts_text='{"合同": "1"')
    g.bad("duplicate-fact", "缺省", {}, "合同", facts_text='{"合同": "1", "合同": "2"}')
    g.bad("facts-not-object", "缺省", {}, facts_text='"合同"')
    g.bad("trailing-comma", "缺省", {}, facts_text='{"合同": "1",}')
    g.bad("not-object", "缺省", {}, facts_text='["合同", "1"]')
    g.bad("unknown-measure", "不存在的措施", {"合同": "1"}, "不存在的措施")
    return [g]


def groups():
    return value_groups()
