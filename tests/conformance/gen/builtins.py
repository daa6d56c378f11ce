"""Built-in functions (stdlib): min / 最小, max / 最大 with two or more
arguments of one unit, abs / 绝对值, and the rounding functions' argument
rules; their type errors (check errors at the call) and the run-time error of a
rounding step that is not positive (an evaluation error at the call)."""
from .common import D, Group, Num, check_groups, final, header, locate

NAME = "builtins"
DESCRIPTION = __doc__

RULES = header() + """事实 甲: 金额
事实 乙: 金额
事实 丙: 金额 = 0元
事实 率甲: 比例 = 0%
事实 率乙: 比例 = 0%
事实 数: 数值 = 0
事实 整: 整数 = 0
事实 步: 金额 = 0.01元
措施 小 { 金额 = min(甲, 乙) }
措施 小中 { 金额 = 最小(甲, 乙) }
措施 小三 { 金额 = min(甲, 乙, 丙) }
措施 大 { 金额 = max(甲, 乙) }
措施 大中 { 金额 = 最大(甲, 乙) }
措施 大四 { 金额 = max(甲, 乙, 丙, 1元) }
措施 嵌套 { 金额 = max(min(甲, 乙), 丙) }
措施 率小 { 金额 = 甲 × min(率甲, 率乙) }
措施 率大 { 金额 = 甲 × max(率甲, 率乙, 10%) }
措施 数混 { 金额 = 甲 × max(整, 数) }
措施 绝对 { 金额 = abs(甲 − 乙) }
措施 绝对中 { 金额 = 绝对值(甲 − 乙) }
措施 绝对数 { 金额 = 甲 × abs(数) }
措施 负小 { 金额 = min(-甲, -乙) + 甲 + 乙 }
措施 差额 { 金额 = max(0元, 甲 − 乙) }
措施 步长 { 金额 = 四舍五入(甲, 步) }
措施 比例步长 { 金额 = 甲 × 向下舍入(率甲, 率乙) }
措施 十个 { 金额 = min(甲, 乙, 丙, 9元, 8元, 7元, 6元, 5元, 4元, 3元) + max(0元, 1元, 2元, 3元, 4元, 5元, 6元, 7元, 8元, 甲) }
措施 负步长 { 金额 = 四舍五入(甲, -1元) }
"""


def value_groups():
    g = Group("values", RULES)
    pairs = [("100", "200"), ("200", "100"), ("150.5", "150.50"), ("0", "7.77"), ("1万元", "9999.99")]
    money = {"100": D(100), "200": D(200), "150.5": D("150.5"), "150.50": D("150.50"), "0": D(0),
             "7.77": D("7.77"), "1万元": D(10000), "9999.99": D("9999.99")}
    for i, (a, b) in enumerate(pairs):
        x, y = money[a], money[b]
        f = {"甲": a, "乙": b}
        g.ok(f"min-{i}", "小", f, final(min(x, y)))
        g.ok(f"最小-{i}", "小中", f, final(min(x, y)))
        g.ok(f"max-{i}", "大", f, final(max(x, y)))
        g.ok(f"最大-{i}", "大中", f, final(max(x, y)))
        g.ok(f"abs-{i}", "绝对", f, final(abs(x - y)))
        g.ok(f"绝对值-{i}", "绝对中", f, final(abs(x - y)))
        g.ok(f"neg-min-{i}", "负小", f, final(min(-x, -y) + x + y))
        g.ok(f"diff-{i}", "差额", f, final(max(D(0), x - y)))
    for i, (a, b, c) in enumerate([("5", "3", "4"), ("3", "5", "1"), ("0.5", "0.5", "0.49")]):
        x, y, z = D(a), D(b), D(c)
        f = {"甲": a, "乙": b, "丙": c}
        g.ok(f"min3-{i}", "小三", f, final(min(x, y, z)))
        g.ok(f"max4-{i}", "大四", f, final(max(x, y, z, D(1))))
        g.ok(f"nested-{i}", "嵌套", f, final(max(min(x, y), z)))
    for i, (ra, rb) in enumerate([("30%", "20%"), ("5%", "1.5个百分点"), ("0.5", "50%")]):
        f = {"甲": "1000", "乙": "0", "率甲": ra, "率乙": rb}
        va = D(ra[:-1]) / 100 if ra.endswith("%") else D(ra)
        vb = D(rb[:-4]) / 100 if rb.endswith("个百分点") else D(rb[:-1]) / 100 if rb.endswith("%") else D(rb)
        g.ok(f"rate-min-{i}", "率小", f, final(1000 * min(va, vb)))
        g.ok(f"rate-max-{i}", "率大", f, final(1000 * max(va, vb, D("0.1"))))
    for i, (k, n) in enumerate([(Num(3), Num("2.5")), (Num(2), Num("2.5")), (Num(0), Num("-1"))]):
        f = {"甲": "10", "乙": "0", "整": k, "数": n}
        g.ok(f"plain-max-{i}", "数混", f, final(10 * max(D(k.text), D(n.text))), note="整数 and 数值 mix in min/max")
    for i, n in enumerate(["-2.5", "2.5", "0"]):
        g.ok(f"abs-number-{i}", "绝对数", {"甲": "10", "乙": "0", "数": n}, final(10 * abs(D(n))))
    g.ok("step-fact", "步长", {"甲": "12.345", "乙": "0", "步": "0.1"}, "12.30")
    g.ok("step-fact-wan", "步长", {"甲": "12345", "乙": "0", "步": "1万元"}, "10000.00")
    g.ok("rate-step", "比例步长", {"甲": "1000", "乙": "0", "率甲": "12.7%", "率乙": "5%"}, "100.00",
         note="向下舍入(12.7%, 5%) = 10%")
    line, col = locate(RULES, "四舍五入(甲, 步)")
    g.eval_error("step-zero", "步长", {"甲": "12.345", "乙": "0", "步": "0"}, ("rules.kuan", line, col), "步长")
    line, col = locate(RULES, "向下舍入(率甲, 率乙)")
    g.eval_error("rate-step-zero", "比例步长", {"甲": "1", "乙": "0", "率甲": "10%", "率乙": "0%"},
                 ("rules.kuan", line, col), "步长")
    g.ok("ten-args", "十个", {"甲": "10", "乙": "2.5", "丙": "20"}, "12.50", note="min = 2.5, max = 10")
    g.ok("ten-args-last", "十个", {"甲": "1", "乙": "2.5", "丙": "0.5"}, "8.50", note="min = 0.5, max = 8")
    line, col = locate(RULES, "四舍五入(甲, -1元)")
    g.eval_error("step-negative", "负步长", {"甲": "1", "乙": "0"}, ("rules.kuan", line, col), "步长")
    return [g]


def error_groups():
    h = header() + "事实 甲: 金额\n事实 率: 比例\n事实 真: 布尔\n事实 日: 日期\n"
    return check_groups(h, [(gid, f"措施 M {{ 金额 = {expr} }}", needle, msg) for gid, expr, needle, msg in [
        ("min-one-arg", "min(甲)", "min(甲)", "至少需要两个参数"),
        ("max-one-arg", "最大(甲)", "最大(甲)", "至少需要两个参数"),
        ("min-mixed-units", "min(甲, 率)", "min(甲, 率)", "单位须一致"),
        ("max-mixed-units", "max(甲, 100)", "max(甲, 100)", "单位须一致"),
        ("min-bool", "若 min(真, 真) 则 甲 否则 甲", "min(真, 真)", "数量"),
        ("abs-two-args", "abs(甲, 甲)", "abs(甲, 甲)", "abs 需要一个参数"),
        ("abs-bool", "若 abs(真) 则 甲 否则 甲", "abs(真)", "abs 的参数须为数量"),
        ("round-one-arg", "round(甲)", "round(甲)", "两个参数"),
        ("round-step-unit", "四舍五入(甲, 1%)", "四舍五入(甲, 1%)", "步长的单位须与数值一致"),
        ("round-date", "若 向上舍入(日, 日) > 日 则 甲 否则 甲", "向上舍入(日, 日)", "只能对数量舍入"),
        ("unknown-function", "floor(甲)", "floor(甲)", "未知的函数 floor"),
        ("unknown-function-zh", "取整(甲, 1元)", "取整(甲, 1元)", "未知的函数 取整"),
        ("min-result-unit", "min(率, 率)", "min(率, 率)", "须为金额"),
        ("abs-arg-error", "abs(甲 × 甲)", "甲 × 甲", "金额 × 金额"),
    ]], tail="\n")


def groups():
    return value_groups() + error_groups()
