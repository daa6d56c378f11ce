"""Diagnostics: every error has a position (file, line, column in characters,
1-based). Syntax errors (missing 则/否则/=/)/}/operand/text, a bad date, a
leading zero, an unknown statement, a keyword glued to a name, full-width
punctuation accepted), name errors (undeclared, duplicate, a parameter computed
from a fact, an example naming an unknown measure or fact), cycles, a measure
without an amount, missing header lines, a bad rounding step, and evaluation
errors at their rule position (division by zero). Columns count characters, so
Chinese text and tabs each count one."""
from .common import D, Group, check_group, check_groups, div, final, header, locate

NAME = "diagnostics"
DESCRIPTION = __doc__

H = header()
FACTS = "事实 合同: 金额\n事实 真: 布尔 = 否\n事实 类型: 枚举 { 甲类, 乙类 } = 甲类\n"


def syntax_groups():
    out = []
    for gid, body, needle, msg, occ in [
        ("missing-operand", "措施 M { 金额 = 合同 × × 30% }", "× 30%", "运算符后需要一个操作数", 1),
        ("missing-operand-end", "措施 M { 金额 = 合同 + }", "}", "运算符后需要一个操作数", -1),
        ("unclosed-paren", "措施 M { 金额 = (合同 + 1元 × 30% }", "}", "缺少右括号", -1),
        ("unclosed-call", "措施 M { 金额 = min(合同, 1元 }", "}", "缺少右括号", -1),
        ("unclosed-string", "措施 M { 要求 真 否则 \"理由\n 金额 = 合同 }", "\"理由", "带引号的文字", 1),
        ("missing-reason", "措施 M { 要求 真 否则\n 金额 = 合同 }", "金额 =", "带引号的文字", 1),
        ("missing-else-in-require", "措施 M { 要求 真 \"理由\"\n 金额 = 合同 }", "\"理由\"", "这里需要 '否则'", 1),
        ("missing-equals", "参数 率 30%\n措施 M { 金额 = 合同 }", "30%", "这里需要 '='", 1),
        ("missing-colon", "事实 数量 整数\n措施 M { 金额 = 合同 }", "整数\n", "名称后需要 ':'", 1),
        ("bad-type", "事实 数量: 数字\n措施 M { 金额 = 合同 }", "数字", "这里需要一个类型", 1),
        ("missing-name", "参数 = 1元\n措施 M { 金额 = 合同 }", "= 1元", "这里需要一个名称", 1),
        ("keyword-as-name", "参数 否则 = 1元\n措施 M { 金额 = 合同 }", "否则 = 1元", "这里需要一个名称", 1),
        ("measure-unclosed", "措施 M { 金额 = 合同\n", "", "", 0),
        ("measure-bad-item", "措施 M { 金额 = 合同\n 说明 \"x\" }", "说明", "措施中只能写", 1),
        ("unknown-statement", "规定 M = 1元\n", "规定", "这里需要一条语句", 1),
        ("if-without-then", "措施 M { 金额 = 若 真 1元 否则 2元 }", "1元 否则", "'则'", 1),
        ("bad-date", "事实 日: 日期 = 2025-02-30\n措施 M { 金额 = 若 日 > 2025-01-01 则 合同 否则 0元 }", "2025-02-30",
         "没有这一天", 1),
        ("bad-date-century", "事实 日: 日期 = 2100-02-29\n措施 M { 金额 = 若 日 > 2025-01-01 则 合同 否则 0元 }",
         "2100-02-29", "没有这一天", 1),
        ("leading-zero", "措施 M { 金额 = 010元 }", "010元", "不能以 0 开头", 1),
        ("clause-without-ref", "条款 \"标题\" { }\n", "\"标题\"", "条款编号", 1),
        ("clause-bad-item", "条款 (一) { 说明 \"x\" }\n", "说明", "条款中只能写", 1),
        ("missing-enum-rbrace", "事实 档: 枚举 { 一档, 二档\n措施 M { 金额 = 合同 }", "措施 M", "这里需要 '}'", 1),
        ("bad-rounding-mode", None, None, "舍入方式须为", 0),
        ("example-without-outcome", "措施 M { 金额 = 合同 }\n例 M \"x\" { 合同 = 1元 }", "}", "预期结果", -1),
        ("arrow-missing", "措施 M { 金额 = 按 类型 { 甲类 1元, 乙类 => 2元 } }", "1元,", "'=>'", 1),
        ("keyword-glued", "措施 M { 金额 = 若真 则 1元 否则 2元 }", "则 1元", "若真 被当作一个名称", 1),
        ("tab-column", "措施 M {\n\t金额 = 合同 ＋ 1元\n}", "＋", "措施中只能写", 1),
    ]:
        if gid == "measure-unclosed":
            text = H + FACTS + body
            g = Group(gid, text)
            lines = text.split("\n")
            g.check_error("check", ("rules.kuan", len(lines), 1), "")  # at the end of the file
            out.append(g)
            continue
        if gid == "bad-rounding-mode":
            text = header(mode="五舍六入") + FACTS + "措施 M { 金额 = 合同 }\n"
            out.append(check_group(gid, text, "五舍六入", msg))
            continue
        text = H + FACTS + body + "\n"
        n = text.count(needle) if occ == -1 else occ
        out.append(check_group(gid, text, needle, msg, occurrence=n))
    g = Group("fullwidth-accepted", H + "事实 合同：金额\n参数 率 = 10％\n措施 M ｛ 金额 = min（合同 × 率， 100元） ｝\n"
              "措施 N { 金额 = 合同 × 率　}  # 全角空格与注释\n")
    g.ok("fullwidth", "M", {"合同": "500"}, "50.00")
    g.ok("fullwidth-min", "M", {"合同": "5000"}, "100.00")
    g.ok("ideographic-space", "N", {"合同": "5"}, "0.50")
    out.append(g)
    return out


def name_groups():
    out = check_groups(H + FACTS, [
        ("undeclared", "措施 M { 金额 = 合同额 × 10% }", "合同额", "未定义的名称 合同额"),
        ("undeclared-in-require", "措施 M { 要求 已备案 否则 \"x\"\n 金额 = 合同 }", "已备案", "未定义的名称 已备案"),
        ("undeclared-in-cap", "措施 M { 金额 = 合同\n 上限 顶 = 上限额 已用 已领 }", "上限额", "未定义的名称 上限额"),
        ("undeclared-keyword-prefix", "措施 M { 要求 非真 否则 \"x\"\n 金额 = 合同 }", "非真", "关键字 非"),
        ("duplicate-fact", "事实 合同: 金额\n措施 M { 金额 = 合同 }", "合同: 金额\n措施", "名称 合同 已在"),
        ("duplicate-param-fact", "参数 真 = 是\n措施 M { 金额 = 合同 }", "真 = 是", "名称 真 已在"),
        ("duplicate-measure", "措施 M { 金额 = 合同 }\n措施 M { 金额 = 1元 }", "M { 金额 = 1元", "措施 M 已在"),
        ("param-from-fact", "参数 顶 = 合同 × 50%\n措施 M { 金额 = min(合同, 顶) }", "合同 × 50%", "参数只能由字面量和其他参数算出"),
        ("param-from-define", "定义 额 = 合同\n参数 顶 = 额\n措施 M { 金额 = min(合同, 顶) }", "额\n措施", "参数只能由字面量和其他参数算出"),
        ("define-cycle", "定义 甲 = 乙 + 1元\n定义 乙 = min(甲, 合同)\n措施 M { 金额 = 乙 }", "甲 = 乙", "循环定义"),
        ("define-self", "定义 甲 = 甲 + 1元\n措施 M { 金额 = 甲 }", "甲 = 甲", "循环定义"),
        ("param-cycle", "参数 甲 = 乙\n参数 乙 = 甲\n措施 M { 金额 = 合同 }", "甲 = 乙", "循环定义"),
        ("fact-default-cycle", "事实 甲: 金额 = 乙\n事实 乙: 金额 = 甲\n措施 M { 金额 = 甲 }", "甲: 金额", "循环定义"),
        ("rate-self", "措施 M { 比例 = 比例 × 50%\n 基数 = 合同 }", "比例 × 50%", "比例 的计算不能引用 比例 自己"),
        ("rate-base-cycle", "措施 M { 比例 = 合同 ÷ 基数\n 基数 = 合同 × 比例 }", "合同 ÷ 基数", "循环定义:比例 → 基数 → 比例"),
        ("no-amount", "措施 M { 比例 = 10% }", "M {", "需要写出 金额"),
        ("no-amount-empty", "措施 M { }", "M {", "需要写出 金额"),
        ("needs-unknown", "措施 M { 需要 主体\n 金额 = 合同 }", "主体", "主体 不是已声明的事实"),
        ("needs-when-unknown", "措施 M { 需要 主体 当 真\n 金额 = 合同 }", "主体", "主体 不是已声明的事实"),
        ("needs-when-not-bool", "措施 M { 需要 类型 当 合同\n 金额 = 合同 }", "合同\n", "须为布尔"),
        ("has-not-fact", "参数 顶 = 1元\n措施 M { 金额 = 若 有 顶 则 合同 否则 0元 }", "顶 则", "有 … 只能用于事实"),
        ("pool-unknown-measure", "措施 M { 金额 = 合同 }\n资金池 池 = 1亿元 覆盖 M, N", "N\n", "未定义的措施 N"),
        ("pool-amount-rate", "措施 M { 金额 = 合同 }\n资金池 池 = 10% 覆盖 M", "10% 覆盖", "资金池 池 的额度 须为金额"),
        ("pool-twice", "措施 M { 金额 = 合同 }\n资金池 池 = 1亿元 覆盖 M\n资金池 池二 = 1亿元 覆盖 M", "覆盖 M",
         "措施 M 已属于资金池 池", {"occurrence": 2, "offset": 3}),
        ("accumulate-not-money", "措施 M { 金额 = 合同 }\n累计 真 = M", "真 = M", "累计 的事实须为金额"),
        ("accumulate-unknown", "措施 M { 金额 = 合同 }\n累计 已领 = M", "已领", "累计 的对象须是已声明的事实"),
        ("quota-not-integer", "措施 M { 金额 = 合同\n 名额 = 2.5 }", "2.5", "名额 须为整数"),
        ("quota-from-fact", "事实 个数: 整数\n措施 M { 金额 = 合同\n 名额 = 个数 }", "个数 }",
         "名额 M名额 是全部申请共用的上限,须由字面量和参数算出(写成参数或常数);个数 是事实"),
        ("pool-from-definition", "定义 额 = 合同 × 10\n措施 M { 金额 = 合同 }\n资金池 池 = 额 覆盖 M", "额 覆盖",
         "资金池 池 是全部申请共用的上限,须由字面量和参数算出(写成参数或常数);额 是定义"),
        ("count-all-bound-from-fact", "事实 个数: 整数\n事实 分: 数值\n措施 M { 金额 = 合同 }\n"
         "限额 额满 { 计 件数 全部 不超过 个数 超出 择优 按 分 覆盖 M }", "个数 超出",
         "限额 额满 是全部申请共用的上限,须由字面量和参数算出(写成参数或常数);个数 是事实"),
        ("example-unknown-measure", "措施 M { 金额 = 合同 }\n例 N \"x\" { 合同 = 1元\n 得 1元 }", "N \"x\"", "例 引用的措施 N 不存在"),
        ("example-unknown-fact", "措施 M { 金额 = 合同 }\n例 M \"x\" { 金额甲 = 1元\n 得 1元 }", "金额甲", "未声明的事实 金额甲"),
        ("example-fact-type", "措施 M { 金额 = 合同 }\n例 M \"x\" { 合同 = 10%\n 得 1元 }", "10%", "事实 合同 须为金额"),
        ("example-unknown-cap", "措施 M { 金额 = 合同 }\n例 M \"x\" { 合同 = 1元\n 得 1元 受限 顶 }", "顶 }", "没有名为 顶 的上限"),
        # One 已用 fact for two count limits: the message is about limits, at the second.
        ("count-fact-two-limits", "事实 件: 整数 = 0\n措施 M { 金额 = 合同 }\n措施 N { 金额 = 合同 }\n"
         "限额 甲限 { 计 件数 每 申请人 不超过 3 已用 件 超出 拒绝 \"x\" 覆盖 M }\n"
         "限额 乙限 { 计 件数 每 申请人 不超过 2 已用 件 超出 拒绝 \"y\" 覆盖 N }", "件 超出 拒绝 \"y\"",
         "事实 件 已是限额 甲限 的 已用:一个 已用 事实只记一个限额的用量"),
    ], tail="\n")
    # Missing header lines are reported at the start of the first file.
    for gid, drop, msg in [("no-version", "版本", "缺少版本声明"), ("no-policy", "政策", "缺少政策名称声明"),
                           ("no-period", "施行", "缺少施行日期声明"), ("no-rounding", "舍入", "缺少舍入规则声明")]:
        text = "\n".join(l for l in H.split("\n") if not l.startswith(drop)) + FACTS + "措施 M { 金额 = 合同 }\n"
        g = Group(gid, text)
        g.check_error("check", ("rules.kuan", 1, 1), msg)
        out.append(g)
    for gid, step, needle in [("rounding-step-rate", "1%", "1%"), ("rounding-step-zero", "0元", "0元"),
                              ("rounding-step-number", "0.01", "0.01")]:
        text = header(step=step) + FACTS + "措施 M { 金额 = 合同 }\n"
        out.append(check_group(gid, text, needle, "舍入单位须为一个正的金额字面量"))
    out.append(check_group("header-twice", H + '舍入 银行家舍入 至 0.01元\n' + FACTS + "措施 M { 金额 = 合同 }\n",
                           "银行家舍入", "舍入 重复声明"))
    out.append(check_group("version-twice-one-file", H + '版本 "v9"\n' + FACTS + "措施 M { 金额 = 合同 }\n",
                           '"v9"', "版本 重复声明"))
    out.append(check_group("period-twice-one-file", H + "施行 2020-01-01 起\n" + FACTS + "措施 M { 金额 = 合同 }\n",
                           "2020-01-01", "施行 重复声明"))
    out.append(check_group("policy-twice-one-file", H + '政策 "另一个"\n' + FACTS + "措施 M { 金额 = 合同 }\n",
                           '"另一个"', "政策 重复声明"))
    out += check_groups(H + FACTS, [
        ("chained-comparison", "措施 M { 要求 1元 < 合同 < 2元 否则 \"x\"\n 金额 = 合同 }", "< 2元", "这里需要 '否则'"),
        ("bool-ordering", "措施 M { 要求 真 > 否 否则 \"x\"\n 金额 = 合同 }", "真 > 否", "布尔 只能用 = 或 ≠ 比较"),
        ("date-arithmetic", "事实 日: 日期\n措施 M { 要求 日 − 2025-01-01 > 0 否则 \"x\"\n 金额 = 合同 }", "日 − 2025", "只有数量可以运算"),
        ("not-money", "措施 M { 要求 非 合同 否则 \"x\"\n 金额 = 合同 }", "合同 否则", "非 的操作数须为布尔"),
        ("and-money", "措施 M { 要求 真 且 合同 否则 \"x\"\n 金额 = 合同 }", "合同 否则", "且 的操作数须为布尔"),
        ("or-rate", "措施 M { 要求 10% or 真 否则 \"x\"\n 金额 = 合同 }", "10% or", "或 的操作数须为布尔"),
    ], tail="\n")
    g = Group("unused-fact", H + FACTS + "事实 无用: 金额\n措施 M { 金额 = 合同 + (若 真 且 类型 = 甲类 则 0元 否则 0元) }\n")
    g.check_ok("warning", warning="事实 无用 未被任何规则使用")
    out.append(g)
    return out


RUNTIME = H + """事实 甲: 金额
事实 数: 数值 = 0
事实 率: 比例 = 0%
措施 除数 { 金额 = 甲 ÷ 数 }
措施 除率 { 金额 = 甲 × (率 ÷ 率) }
措施 除金额 { 金额 = 甲 × (甲 ÷ 甲) }
措施 负数 { 金额 = 甲 − 1000元 }
措施 安全 { 金额 = 若 数 = 0 则 0元 否则 甲 ÷ 数 }
"""


TEXTS = H + """事实 若干: 金额
事实 非常: 布尔 = 否
事实 A_1: 金额 = 0元
条款 (一) "多行原文" {
  原文 「第一行,
第二行,
第三行。」
  措施 按期 { 要求 非常 否则 "须#1 非常"
    要求 A_1 > 0元 否则 "含\\"引号\\"的理由"
    要求 若干 > 1元 否则 「直角引号的理由」
    金额 = 若 非常 则 若干 否则 若干 × 50% }
}
"""


def text_groups():
    g = Group("names-and-texts", TEXTS, note="names may start with a keyword's characters; # inside a string is text")
    g.ok("all-hold", "按期", {"若干": "100", "非常": True, "A_1": "1"}, "100.00")
    g.no("all-fail", "按期", {"若干": "1"}, ["须#1 非常", '含"引号"的理由', "直角引号的理由"])
    out = [g]
    bad = TEXTS.replace("金额 = 若 非常", "金额 = 若 非常常")
    out.append(check_group("after-multiline-text", bad, "非常常", "未定义的名称 非常常",
                           note="lines inside 「…」 count"))
    astral = H + "事实 𠀀甲: 金额\n措施 M { 金额 = 1元 + 𠀀甲 × 𠀀甲 }\n"
    out.append(check_group("astral-plane-columns", astral, "𠀀甲 × 𠀀甲", "金额 × 金额",
                           note="a character outside the BMP is one column"))
    param_div = H + FACTS + "参数 零 = 0\n参数 份额 = 1万元 ÷ 零\n措施 M { 金额 = min(合同, 份额) }\n"
    out.append(check_group("param-divide-by-zero", param_div, "零\n措施", "除数为零",
                           note="参数 are computed when the rules load: an error there is a check error"))
    param_has = H + "事实 合同: 金额 可选\n参数 标志 = 有 合同\n措施 M { 金额 = 若 标志 则 1元 否则 2元 }\n"
    out.append(check_group("param-has-fact", param_has, "合同\n措施", "参数只能由字面量和其他参数算出",
                           note="有 F reads the application, so a 参数 cannot use it"))
    crlf = (H + FACTS + "措施 M { 金额 = 合同 ×\n 合同 }\n").replace("\n", "\r\n")
    out.append(check_group("crlf", crlf, "合同 ×", "金额 × 金额", note="CRLF line ends: \\r is not a column"))
    g = Group("bom", "\ufeff" + H + FACTS + "措施 M { 金额 = 合同 }\n")
    g.ok("bom-accepted", "M", {"合同": "1"}, "1.00")
    out.append(g)
    return out


def runtime_groups():
    g = Group("runtime", RUNTIME)
    line, col = locate(RUNTIME, "数 }")
    g.eval_error("divide-by-zero", "除数", {"甲": "1"}, ("rules.kuan", line, col), "除数为零")
    line, col = locate(RUNTIME, "率) }", 1)
    g.eval_error("divide-rate-by-zero", "除率", {"甲": "1"}, ("rules.kuan", line, col), "除数为零")
    line, col = locate(RUNTIME, "甲) }")
    g.eval_error("divide-money-by-zero", "除金额", {"甲": "0"}, ("rules.kuan", line, col), "除数为零")
    g.ok("divide-ok", "除数", {"甲": "1", "数": "4"}, "0.25")
    g.ok("divide-rate-ok", "除率", {"甲": "1", "率": "3%"}, "1.00")
    g.eval_error("negative-amount", "负数", {"甲": "100"}, None,
                 note="a final amount below zero is an evaluation error, never paid (issue 11, class 6)")
    g.ok("zero-amount", "负数", {"甲": "1000"}, "0.00")
    g.ok("guarded-zero", "安全", {"甲": "1"}, "0.00", note="the 否则 branch is not evaluated")
    g.ok("guarded-nonzero", "安全", {"甲": "10", "数": "3"}, final(div(D(10), D(3))))
    return [g]


def groups():
    return syntax_groups() + name_groups() + text_groups() + runtime_groups()
