"""列表 facts and their aggregates: 合计 / 计数 / 最大 / 最小 over the items of a
list fact, filtered by 当; fields of every scalar type (money, rates, integers,
numbers, booleans, dates, enumerations, spans 月数 and money per period 金额/月); an aggregate in a 定义, a 要求 and a
cap; an optional list left out (empty); the empty list; 最大/最小 with nothing
to take (an evaluation error at the aggregate). Input: a JSON array of objects,
one per item, each field given once. Errors: bad items (not an object, a field
missing, unknown or of the wrong type), a list where a single value is wanted,
aggregates over something that is not a list, values of the wrong type, a
field named like a declared name, a list fact read bare, a default on a list."""
import random

from .common import D, Group, Num, check_groups, final, header, locate

NAME = "lists"
DESCRIPTION = __doc__

RULES = header() + """事实 子女: 列表 { 月数: 整数, 比例: 比例, 额度: 金额, 类别: 枚举 { 亲生, 收养 }, 在读: 布尔, 出生: 日期, 系数: 数值 }
事实 往年: 列表 { 金额数: 金额 } 可选
参数 每月 = 300元
定义 合格人数 = 计数 子女 { 当 月数 > 0 }
措施 合计月 { 金额 = 每月 × 合计 子女 { 月数 } }
措施 合计按比例 { 金额 = 合计 子女 { 额度 × 比例 当 类别 = 亲生 } }
措施 计数 { 要求 合格人数 > 0 否则 "没有合格子女"
  金额 = 每月 × 合格人数 }
措施 在读 { 金额 = 每月 × 计数 子女 { 当 在读 且 出生 ≥ 2020-01-01 } }
措施 最大额 { 金额 = 最大 子女 { 额度 当 月数 ≥ 6 } }
措施 最小额 { 金额 = 最小 子女 { 额度 } }
措施 系数和 { 金额 = 每月 × 合计 子女 { 系数 } }
措施 封顶 { 金额 = 合计 子女 { 额度 }
  上限 年度 = 10000元 已用 合计 往年 { 金额数 } }
措施 最晚出生 { 要求 最大 子女 { 出生 } ≥ 2024-01-01 否则 "最小的子女须在2024年后出生"
  金额 = 每月 }
"""

KINDS = ["亲生", "收养"]


def item(rng):
    return {
        "月数": rng.randint(0, 12),
        "比例": rng.choice(["100%", "50%", "0.3", "33.33%", 0]),
        "额度": rng.choice(["1000", "2500.50", "1万元", "0", "123.45"]),
        "类别": rng.choice(KINDS),
        "在读": rng.random() < 0.5,
        "出生": rng.choice(["2019-12-31", "2020-01-01", "2023-06-15", "2024-01-01", "2024-12-31"]),
        "系数": rng.choice([1, "0.5", Num("2.25"), 0]),
    }


def num(v):
    return D(v.text) if isinstance(v, Num) else D(str(v))


def rate(v):
    v = str(v)
    return D(v[:-1]) / 100 if v.endswith("%") else D(v)


def money(v):
    v = str(v)
    return D(v[:-2]) * 10000 if v.endswith("万元") else D(v)


def value_groups():
    g = Group("lists", RULES)
    rng = random.Random(2027)
    for n in range(24):
        items = [item(rng) for _ in range(rng.randint(0, 5))]
        f = {"子女": items}
        if n % 3 == 0:
            f["往年"] = [{"金额数": rng.choice(["1000", "5000", "9999.99"])} for _ in range(rng.randint(0, 3))]
        months = sum(D(i["月数"]) for i in items)
        g.ok(f"合计-{n}", "合计月", f, final(D(300) * months))
        g.ok(f"合计-过滤-{n}", "合计按比例", f,
             final(sum((money(i["额度"]) * rate(i["比例"]) for i in items if i["类别"] == "亲生"), D(0))))
        qualified = sum(1 for i in items if i["月数"] > 0)
        if qualified:
            g.ok(f"计数-{n}", "计数", f, final(D(300) * qualified))
        else:
            g.no(f"计数-{n}", "计数", f, ["没有合格子女"])
        g.ok(f"计数-布尔日期-{n}", "在读", f,
             final(D(300) * sum(1 for i in items if i["在读"] and i["出生"] >= "2020-01-01")))
        g.ok(f"系数-{n}", "系数和", f, final(D(300) * sum((num(i["系数"]) for i in items), D(0))))
        taken = [money(i["额度"]) for i in items if i["月数"] >= 6]
        if taken:
            g.ok(f"最大-{n}", "最大额", f, final(max(taken)))
        else:
            line, col = locate(RULES, "最大 子女 { 额度")
            g.eval_error(f"最大-无项-{n}", "最大额", f, ("rules.kuan", line, col), "最大 没有可取的项")
        if items:
            g.ok(f"最小-{n}", "最小额", f, final(min(money(i["额度"]) for i in items)))
            ok = max(i["出生"] for i in items) >= "2024-01-01"
            if ok:
                g.ok(f"最大日期-{n}", "最晚出生", f, "300.00")
            else:
                g.no(f"最大日期-{n}", "最晚出生", f, ["最小的子女须在2024年后出生"])
        total = sum((money(i["额度"]) for i in items), D(0))
        used = sum((money(x["金额数"]) for x in f.get("往年", [])), D(0))
        room = max(D(0), D(10000) - used)
        g.ok(f"封顶-{n}", "封顶", f, final(min(total, room)), "年度" if room < total else None,
             note="an optional list left out is empty: 已用 0")
    line, col = locate(RULES, "最小 子女 { 额度")
    g.eval_error("最小-空列表", "最小额", {"子女": []}, ("rules.kuan", line, col), "子女 是空列表")
    one = item(random.Random(1))
    g.bad("not-an-array", "合计月", {"子女": one}, "应为 JSON 数组")
    g.bad("item-not-object", "合计月", {"子女": [one, 3]}, "第 2 项应为对象")
    g.bad("field-missing", "合计月", {"子女": [{k: v for k, v in one.items() if k != "比例"}]}, "第 1 项缺少字段 比例")
    g.bad("field-unknown", "合计月", {"子女": [dict(one, 年龄=3)]}, "未知的字段 年龄")
    g.bad("field-wrong-type", "合计月", {"子女": [dict(one, 月数="三")]}, "月数")
    g.bad("field-negative-money", "合计月", {"子女": [dict(one, 额度="-1")]}, "不能为负")
    g.bad("field-enum", "合计月", {"子女": [dict(one, 类别="继子")]}, "类别")
    g.bad("list-missing", "合计月", {}, "子女")
    g.bad("field-duplicate", "合计月", None, "重复的字段",
          facts_text='{"子女": [{"月数": 1, "月数": 2}]}')
    return [g, period_group()]


# Fields with a unit of time: a span (月数) and money per period (金额/月) multiply to money.
PERIOD_RULES = header() + """事实 工作: 列表 { 时长: 月数, 月薪: 金额/月 }
措施 工资 { 金额 = 合计 工作 { 月薪 × 时长 当 时长 ≥ 1个月 } }
措施 最长 { 金额 = 100元/月 × 最大 工作 { 时长 } }
"""


def period_group():
    g = Group("lists-periods", PERIOD_RULES)
    rng = random.Random(2028)
    for n in range(12):
        items = [{"时长": rng.randint(0, 12), "月薪": rng.choice(["8000", "2500.50", "1万元", 0])} for _ in range(rng.randint(1, 4))]
        f = {"工作": items}
        g.ok(f"工资-{n}", "工资", f, final(sum((money(i["月薪"]) * i["时长"] for i in items if i["时长"] >= 1), D(0))))
        g.ok(f"最长-{n}", "最长", f, final(D(100) * max(i["时长"] for i in items)))
    return g


def error_groups():
    h = header() + "事实 子女: 列表 { 月数: 整数, 额度: 金额 }\n事实 合同: 金额\n"
    return check_groups(h, [
        ("not-a-list", "措施 M { 金额 = 合计 合同 { 月数 } }", "合同 {", "只能用于列表事实"),
        ("bare-list", "措施 M { 金额 = 子女 }", "子女 }", "子女 是列表"),
        ("sum-of-bool", "事实 B: 列表 { 是否: 布尔 }\n措施 M { 金额 = 合同 × 合计 B { 是否 } }", "是否 }", "合计 的值须为数量"),
        ("count-with-value", "措施 M { 金额 = 合同 × 计数 子女 { 月数 } }", "月数 }", "计数 只数项数"),
        ("sum-without-value", "措施 M { 金额 = 合计 子女 { 当 月数 > 0 } }", "合计 子女", "需要写出每一项的值"),
        ("filter-not-bool", "措施 M { 金额 = 合计 子女 { 额度 当 月数 } }", "月数 }", "须为布尔"),
        ("field-outside", "措施 M { 金额 = 额度 }", "额度 }", "未定义的名称 额度"),
        ("field-shadows", "事实 月数: 整数\n措施 M { 金额 = 合同 × 月数 }", "月数: 整数,", "同名"),
        ("field-duplicate", "事实 L: 列表 { a: 金额, a: 金额 }\n措施 M { 金额 = 合计 L { a } }", "a: 金额 }", "字段 a 重复"),
        ("list-default", "事实 L: 列表 { a: 金额 } = 0元\n措施 M { 金额 = 合计 L { a } }", "0元", "列表事实不能写默认值"),
        ("nested-list", "事实 L: 列表 { a: 列表 { b: 金额 } }\n", "列表 { b", "列表不能嵌套"),
        ("unit-mismatch", "措施 M { 金额 = 合计 子女 { 月数 } }", "合计 子女", "金额"),
        ("period-unit-mismatch", "事实 W: 列表 { 时长: 月数 }\n措施 M { 金额 = 合计 W { 时长 } }", "合计 W", "这里是月数"),
        ("in-param", "参数 P = 合计 子女 { 额度 }\n措施 M { 金额 = P }", "子女 {", "是事实"),
        ("unclosed", "措施 M { 金额 = 合计 子女 { 额度 当 月数 > 0 月数 } }", "月数 } }", "合计/计数/最大/最小"),
        ("example-item-field", "措施 M { 金额 = 合计 子女 { 额度 } }\n例 M { 子女 = [ { 月数: 1, 金: 1元 } ]\n 合同 = 0元\n 得 1元 }",
         "金: 1元", "没有字段 金"),
        ("example-item-missing", "措施 M { 金额 = 合计 子女 { 额度 } }\n例 M { 子女 = [ { 月数: 1 } ]\n 合同 = 0元\n 得 1元 }",
         "月数: 1 }", "缺少字段 额度"),
        ("example-not-list", "措施 M { 金额 = 合计 子女 { 额度 } }\n例 M { 子女 = 1元\n 合同 = 0元\n 得 1元 }",
         "1元\n 合同", "是列表"),
    ], tail="\n")


def groups():
    return value_groups() + error_groups()
