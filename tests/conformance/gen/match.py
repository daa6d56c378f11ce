"""按 (choice by an enumeration): one arm per value, several values per arm
(a | b, also the full-width ｜), 其他 for the rest, nested 按, 按 in 比例, in a
cap and in a 定义, arms of money, rates and plain numbers, the arrow → as well
as =>; enumeration comparisons (= ≠). Errors: an unhandled value, a value
handled twice, a value not in the enumeration, 按 over something that is not an
enumeration, arms of different units, a bare enumeration value outside a
comparison, and an enumeration fact given a value it does not have (bad facts)."""
from .common import D, Group, check_group, check_groups, final, header, locate

NAME = "match"
DESCRIPTION = __doc__

RULES = header() + """事实 合同: 金额
事实 类型: 枚举 { 甲类, 乙类, 丙类, 丁类 }
事实 档位: 枚举 { 一档, 二档 } 可选
事实 地区: 枚举 { 城区, 郊区 } = 城区
定义 地区系数 = 按 地区 { 城区 => 1, 郊区 => 1.2 }
措施 全 { 比例 = 按 类型 { 甲类 => 10%, 乙类 => 20%, 丙类 => 30%, 丁类 => 40% }
  基数 = 合同 }
措施 多值 { 比例 = 按 类型 { 甲类 | 乙类 => 10%, 丙类 ｜ 丁类 => 20% }
  基数 = 合同 }
措施 其余 { 比例 = 按 类型 { 甲类 => 50%, 其他 => 5% }
  基数 = 合同 }
措施 嵌套 { 比例 = 按 类型 { 甲类 => 按 档位 { 一档 => 30%, 二档 => 20% }, 其他 => 10% }
  基数 = 合同 }
措施 按金额 { 金额 = 按 类型 { 甲类 => 1万元, 乙类 => 2万元, 丙类 | 丁类 => 合同 × 10% } }
措施 箭头 { 金额 = 按 类型 { 甲类 → 1元, 其他 → 2元 } }
措施 逗号 { 金额 = 按 类型 { 甲类 => 1元
  乙类 => 2元
  其他 => 3元, } }
措施 系数 { 金额 = 合同 × 地区系数 }
措施 分类封顶 { 金额 = 合同
  上限 分类上限 = 按 类型 { 甲类 => 100元, 其他 => 1000元 } }
措施 比较 { 金额 = 若 类型 = 乙类 则 1元 否则 若 类型 ≠ 丙类 则 2元 否则 3元 }
措施 条件 { 要求 类型 = 甲类 或 类型 = 乙类 否则 "仅甲类、乙类"
  金额 = 合同 }
"""

RATE = {"甲类": D("0.1"), "乙类": D("0.2"), "丙类": D("0.3"), "丁类": D("0.4")}
KINDS = ["甲类", "乙类", "丙类", "丁类"]


def value_groups():
    g = Group("match", RULES)
    c = D(12345)
    for k in KINDS:
        f = {"合同": "12345", "类型": k}
        g.ok(f"全-{k}", "全", f, final(c * RATE[k]))
        g.ok(f"或-{k}", "多值", f, final(c * (D("0.1") if k in ("甲类", "乙类") else D("0.2"))))
        g.ok(f"其他-{k}", "其余", f, final(c * (D("0.5") if k == "甲类" else D("0.05"))))
        if k != "甲类":
            g.ok(f"嵌套-{k}", "嵌套", f, final(c * D("0.1")), note="档位 is optional and not read here")
        g.ok(f"金额-{k}", "按金额", f, final({"甲类": D(10000), "乙类": D(20000)}.get(k, c * D("0.1"))))
        g.ok(f"箭头-{k}", "箭头", f, final(D(1) if k == "甲类" else D(2)))
        g.ok(f"逗号-{k}", "逗号", f, final({"甲类": D(1), "乙类": D(2)}.get(k, D(3))))
        bound = "分类上限" if (k == "甲类" and c > 100) or (k != "甲类" and c > 1000) else None
        g.ok(f"上限-{k}", "分类封顶", f, final(min(c, D(100) if k == "甲类" else D(1000))), bound)
        g.ok(f"比较-{k}", "比较", f, final(D(1) if k == "乙类" else D(2) if k != "丙类" else D(3)))
        if k in ("甲类", "乙类"):
            g.ok(f"条件-{k}", "条件", f, "12345.00")
        else:
            g.no(f"条件-{k}", "条件", f, ["仅甲类、乙类"])
    for tier, r in (("一档", D("0.3")), ("二档", D("0.2"))):
        g.ok(f"嵌套-甲类-{tier}", "嵌套", {"合同": "12345", "类型": "甲类", "档位": tier}, final(c * r))
    line, col = locate(RULES, "档位 { 一档 => 30%")
    g.eval_error("嵌套-甲类-missing", "嵌套", {"合同": "12345", "类型": "甲类"}, ("rules.kuan", line, col), "档位")
    g.ok("define-城区", "系数", {"合同": "100", "类型": "甲类"}, "100.00", note="default 城区")
    g.ok("define-郊区", "系数", {"合同": "100", "类型": "甲类", "地区": "郊区"}, "120.00")
    g.bad("unknown-value", "全", {"合同": "1", "类型": "戊类"}, "类型")
    g.bad("value-not-string", "全", {"合同": "1", "类型": 1}, "类型")
    g.bad("value-wrong-enum", "全", {"合同": "1", "类型": "一档"}, "类型")
    return [g]


def error_groups():
    h = header() + "事实 合同: 金额\n事实 类型: 枚举 { 甲类, 乙类, 丙类 }\n事实 真: 布尔 = 否\n"
    return check_groups(h, [
        ("unhandled", "措施 M { 比例 = 按 类型 { 甲类 => 10%, 乙类 => 20% }\n 基数 = 合同 }", "按 类型", "未处理取值:丙类"),
        ("unhandled-two", "措施 M { 比例 = 按 类型 { 乙类 => 20% }\n 基数 = 合同 }", "按 类型", "甲类、丙类"),
        ("handled-twice", "措施 M { 比例 = 按 类型 { 甲类 => 10%, 甲类 | 乙类 => 20%, 丙类 => 1% }\n 基数 = 合同 }",
         "甲类 | 乙类", "已在前面的分支处理过"),
        ("not-a-value", "措施 M { 比例 = 按 类型 { 甲类 => 10%, 戊类 => 20%, 其他 => 1% }\n 基数 = 合同 }", "戊类",
         "戊类 不是 类型 的取值"),
        ("not-enum", "措施 M { 比例 = 按 合同 { 甲类 => 10%, 其他 => 1% }\n 基数 = 合同 }", "合同 {", "只能用于枚举"),
        ("not-enum-bool", "措施 M { 比例 = 按 真 { 其他 => 1% }\n 基数 = 合同 }", "真 {", "只能用于枚举"),
        ("arm-units", "措施 M { 比例 = 按 类型 { 甲类 => 10%, 其他 => 1元 }\n 基数 = 合同 }", "1元 }", "各分支的结果类型须一致"),
        ("bare-value", "措施 M { 要求 甲类 否则 \"x\"\n 金额 = 合同 }", "甲类 否则", "甲类 是 类型 的取值"),
        ("compare-other-enum", "事实 档: 枚举 { 一档, 二档 }\n措施 M { 要求 类型 = 一档 否则 \"x\"\n 金额 = 合同 }",
         "一档 否则", "一档 不是 类型 的取值"),
        ("enum-order", "措施 M { 要求 类型 < 乙类 否则 \"x\"\n 金额 = 合同 }", "类型 <", "只能用 = 或 ≠ 比较"),
        ("duplicate-enum-value", "事实 档: 枚举 { 一档, 一档 }\n措施 M { 金额 = 按 档 { 一档 => 合同 } }", "一档 }",
         "枚举取值 一档 重复"),
        ("empty-match", "措施 M { 金额 = 按 类型 { } }", "} }", "至少需要一个分支"),
        ("arm-without-arrow", "措施 M { 金额 = 按 类型 { 甲类 1元, 其他 => 2元 } }", "1元,", "'=>'"),
    ], tail="\n")


def otherwise_first_group():
    text = header() + "事实 类: 枚举 { 子, 丑, 寅 }\n措施 M { 金额 = 按 类 { 其他 => 1元, 子 => 2元 } }\n"
    return [check_group("otherwise-first", text, "子 => 2元", "其他 须是最后一个分支",
                        note="arms are tried in order: an arm after 其他 could never be chosen, so 其他 must be last")]


def groups():
    return value_groups() + error_groups() + otherwise_first_group()
