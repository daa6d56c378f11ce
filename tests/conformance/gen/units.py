"""Units: money literals in 元, 万元 and 亿元, rates in %, ％ and 个百分点, the
same units in facts ("120万元", "30%", "1.2个百分点", plain numbers), the unit
algebra (金额 × 比例 → 金额, 金额 ÷ 金额 → 比例, 比例 × 比例 → 比例, …), and every
unit error: in the rules (a check error at the offending expression) and in the
facts (bad facts)."""
from .common import D, Group, Num, check_group, final, header, yuan

NAME = "units"
DESCRIPTION = __doc__

LITERALS = [("元", "12.5元"), ("元-whole", "800元"), ("万元", "50万元"), ("万元-fraction", "0.35万元"),
            ("亿元", "2.5亿元"), ("huge", "123456789012345678901234567890.12元"), ("亿元-fraction", "0.000001亿元"), ("元-cents", "0.01元"), ("万元-tiny", "0.0001万元")]
RATES = [("percent", "30%", D("0.3")), ("fullwidth-percent", "30％", D("0.3")), ("percent-fraction", "12.5%", D("0.125")),
         ("percent-zero", "0%", D(0)), ("percent-full", "100%", D(1)), ("points", "1.5个百分点", D("0.015")),
         ("points-whole", "20个百分点", D("0.2"))]


def literal_groups():
    text = header() + "事实 基: 金额 = 1000元\n"
    for key, lit in LITERALS:
        text += f"措施 额{key.replace('-', '_')} {{ 金额 = {lit} }}\n"
    for key, lit, _ in RATES:
        text += f"措施 率{key.replace('-', '_')} {{ 比例 = {lit}\n 基数 = 基 }}\n"
    text += "措施 混合 { 金额 = 1万元 + 1亿元 − 1元 }\n"
    text += "措施 点加 { 比例 = 30% + 1.5个百分点\n 基数 = 基 }\n"
    text += "措施 点减 { 比例 = 30% − 5个百分点\n 基数 = 基 }\n"
    g = Group("literals", text)
    for key, lit in LITERALS:
        g.ok(key, f"额{key.replace('-', '_')}", {}, final(yuan(lit)))
    for key, lit, v in RATES:
        g.ok(key, f"率{key.replace('-', '_')}", {}, final(D(1000) * v), note=f"1000元 × {lit}")
        g.ok(key + "-base", f"率{key.replace('-', '_')}", {"基": "123.45"}, final(D("123.45") * v))
    g.ok("mixed", "混合", {}, final(D(10000) + D(100000000) - 1))
    g.ok("points-add", "点加", {}, final(D(1000) * D("0.315")))
    g.ok("points-sub", "点减", {}, final(D(1000) * D("0.25")))
    return [g]


FACT_RULES = header() + """事实 额: 金额
事实 率: 比例 = 0%
事实 数: 数值 = 0
事实 整: 整数 = 0
措施 额 { 金额 = 额 }
措施 率 { 金额 = 1000元 × 率 }
措施 数 { 金额 = 1元 × 数 }
措施 整 { 金额 = 1元 × 整 }
"""


def fact_groups():
    g = Group("facts", FACT_RULES, note="Facts written with or without units")
    for key, v, want in [("number", Num("1234.56"), "1234.56"), ("string", "1234.56", "1234.56"),
                         ("yuan", "1234.56元", "1234.56"), ("wan", "120万元", "1200000.00"),
                         ("wan-fraction", "0.12345万元", "1234.50"), ("yi", "1.5亿元", "150000000.00"),
                         ("yi-fraction", "0.0000001亿元", "10.00"), ("zero", Num(0), "0.00"),
                         ("integer-number", Num(42), "42.00"), ("long-fraction", "0.004999", "0.00"),
                         ("half-cent", "0.005", "0.01"), ("huge", "123456789012345678.90", "123456789012345678.90")]:
        g.ok(f"money-{key}", "额", {"额": v}, want)
    for key, v, exact in [("number", Num("0.3"), D(300)), ("string", "0.3", D(300)), ("percent", "30%", D(300)),
                          ("percent-fraction", "12.345%", D("123.45")), ("points", "1.2个百分点", D(12)),
                          ("zero", Num(0), D(0)), ("one", Num(1), D(1000)), ("hundred-percent", "100%", D(1000))]:
        g.ok(f"rate-{key}", "率", {"额": "0", "率": v}, final(exact))
    g.ok("number-fraction", "数", {"额": "0", "数": Num("87.5")}, "87.50")
    g.ok("number-string", "数", {"额": "0", "数": "87.5"}, "87.50")
    g.ok("number-negative", "数", {"额": "0", "数": Num("-0")}, "0.00")
    g.ok("integer", "整", {"额": "0", "整": Num(7)}, "7.00")
    g.ok("money-25-decimals", "额", {"额": "0.1234567890123456789012345"}, "0.12")
    g.ok("integer-huge", "整", {"额": "0", "整": Num("123456789012345678901234567890")},
         "123456789012345678901234567890.00", note="beyond 64 and 128 bits, still exact")
    g.ok("money-huge-wan", "额", {"额": "12345678901234567890123.45万元"}, "123456789012345678901234500.00")
    # JSON allows exponent-form numbers; they are read exactly.
    g.ok("money-exponent", "额", {"额": Num("1.2e5")}, "120000.00")
    g.ok("money-exponent-upper", "额", {"额": Num("6.39324688E+6")}, "6393246.88")
    g.ok("money-exponent-negative", "额", {"额": Num("12345E-2")}, "123.45")
    g.ok("rate-exponent", "率", {"额": "0", "率": Num("3e-1")}, "300.00")
    # Bad facts: the value does not fit the fact's unit.
    g.bad("money-thousands-separator", "额", {"额": "1,000"}, "额")
    g.bad("money-wan-without-yuan", "额", {"额": "5万"}, "额")
    for i, text in enumerate([".5", "5.", "+5", "--5", "0x10", "１２", "12元元", "万元", "元", "1.2.3", "12万万元",
                              "00012", "1_000"]):
        g.bad(f"money-malformed-{i}", "额", {"额": text}, "额", note=f"{text!r} is not a money amount")
    g.bad("money-nan", "额", {"额": "NaN"}, "额")
    g.bad("money-infinity", "额", {"额": "Infinity"}, "额")
    g.bad("money-negative", "额", {"额": Num("-1")}, "额")
    g.bad("money-negative-string", "额", {"额": "-5万元"}, "额")
    g.bad("money-rate-unit", "额", {"额": "30%"}, "额")
    g.bad("money-unknown-unit", "额", {"额": "12美元"}, "额")
    g.bad("money-word", "额", {"额": "一百元"}, "额")
    g.bad("money-bool", "额", {"额": True}, "额")
    g.bad("money-empty", "额", {"额": ""}, "额")
    g.bad("rate-above-one", "率", {"额": "0", "率": Num("1.5")}, "率")
    g.bad("rate-above-percent", "率", {"额": "0", "率": "120%"}, "率")
    g.bad("rate-negative", "率", {"额": "0", "率": "-5%"}, "率")
    g.bad("rate-money-unit", "率", {"额": "0", "率": "30万元"}, "率")
    g.bad("integer-fraction", "整", {"额": "0", "整": Num("1.5")}, "整")
    g.bad("integer-string-word", "整", {"额": "0", "整": "三"}, "整")
    g.bad("number-word", "数", {"额": "0", "数": "八十"}, "数")
    return [g]


def error_groups():
    h = header()
    out = []

    def err(gid, decls, expr_line, needle, message, occurrence=1, note=None):
        text = h + decls + expr_line + "\n"
        out.append(check_group(gid, text, needle, message, occurrence, note=note))

    facts = "事实 甲: 金额\n事实 乙: 金额\n事实 率: 比例\n事实 数: 数值\n事实 真: 布尔\n事实 日: 日期\n"
    err("money-times-money", facts, "措施 M { 金额 = 甲 × 乙 }", "甲 × 乙", "金额 × 金额")
    err("money-times-money-ascii", facts, "措施 M { 金额 = 甲 * 乙 }", "甲 * 乙", "金额 × 金额")
    err("rate-plus-money", facts, "措施 M { 金额 = 率 + 甲 }", "率 + 甲", "比例 + 金额")
    err("money-minus-rate", facts, "措施 M { 金额 = 甲 − 率 }", "甲 − 率", "金额 − 比例")
    err("money-plus-number", facts, "措施 M { 金额 = 甲 + 数 }", "甲 + 数", "金额 + 数值")
    err("money-plus-literal", facts, "措施 M { 金额 = 甲 + 100 }", "甲 + 100", "金额 + 整数")
    err("number-div-money", facts, "措施 M { 金额 = 甲 × (数 ÷ 甲) }", "(数 ÷ 甲)", "数值 ÷ 金额", note="a parenthesised expression spans its parentheses")
    err("money-div-rate", facts, "措施 M { 金额 = 甲 ÷ 率 }", "甲 ÷ 率", "金额 ÷ 比例")
    err("bool-arith", facts, "措施 M { 金额 = 甲 + 真 }", "甲 + 真", "布尔")
    err("date-arith", facts, "措施 M { 金额 = 甲 × 日 }", "甲 × 日", "日期")
    err("compare-money-rate", facts, "措施 M { 要求 甲 > 率 否则 \"x\"\n 金额 = 甲 }", "甲 > 率", "不能比较 金额 与 比例")
    err("compare-money-number", facts, "措施 M { 要求 甲 ≥ 100 否则 \"x\"\n 金额 = 甲 }", "甲 ≥ 100", "不能比较 金额 与 整数")
    err("compare-date-money", facts, "措施 M { 要求 日 < 甲 否则 \"x\"\n 金额 = 甲 }", "日 < 甲", "不能比较 日期 与 金额")
    err("amount-is-rate", facts, "措施 M { 金额 = 率 }", "率 }", "金额 须为金额")
    err("amount-is-number", facts, "措施 M { 金额 = 甲 ÷ 甲 × 数 }", "甲 ÷ 甲 × 数", "金额 须为金额")
    err("rate-item-is-money", facts, "措施 M { 比例 = 甲\n 基数 = 乙 }", "甲\n", "比例 须为比例")
    err("base-item-is-rate", facts, "措施 M { 比例 = 率\n 基数 = 率 }", "率 }", "基数 须为金额")
    err("rate-literal-above-100", facts, "措施 M { 比例 = 120%\n 基数 = 甲 }", "120%", "比例须在 0–100% 之间")
    err("points-literal-above-100", facts, "措施 M { 比例 = 101个百分点\n 基数 = 甲 }", "101个百分点", "比例须在 0–100% 之间")
    err("param-default-type", "参数 额度 = 30%\n" + facts, "措施 M { 金额 = 额度 }", "额度 }", "金额 须为金额")
    err("fact-default-type", "事实 缺省: 金额 = 30%\n" + facts, "措施 M { 金额 = 缺省 + 甲 }", "30%", "事实 缺省 的默认值 须为金额")
    err("rate-fact-default-type", "事实 缺省率: 比例 = 5元\n" + facts, "措施 M { 金额 = 甲 × 缺省率 }", "5元", "须为比例")
    err("cap-is-rate", facts, "措施 M { 金额 = 甲\n 上限 顶 = 30% }", "30% }", "上限 顶 须为金额")
    err("negate-bool", facts, "措施 M { 金额 = 若 -真 则 甲 否则 乙 }", "-真", "只有数量可以取负")
    return out


def groups():
    return literal_groups() + fact_groups() + error_groups()
