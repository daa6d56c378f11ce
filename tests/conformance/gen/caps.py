"""Caps and rooms: `上限 NAME = LIMIT` inside a measure or declared once at the
top and referenced by name; `已用 USED` makes a room max(0, LIMIT − USED);
`当 COND` applies a cap only when COND holds; `叠加` is a cap shared with
another programme. Caps apply in order, each lowering the amount to its room
when the room is smaller; `bound` names the last cap that did (an amount equal
to a cap is not bound by it). An exhausted room gives an eligible amount of 0.
Errors: unknown cap, a cap that is not money, a repeated cap, a cap with a
non-boolean condition."""
from .common import D, Group, check_groups, final, header

NAME = "caps"
DESCRIPTION = __doc__

RULES = header() + """参数 年度上限 = 100万元
事实 合同: 金额
事实 率: 比例 = 50%
事实 已领: 金额 = 0元
事实 另领: 金额 = 0元
事实 大企业: 布尔 = 否
上限 年度余额 = 年度上限 已用 已领
上限 大企业上限 = 20万元 当 大企业
措施 单 { 比例 = 率
  基数 = 合同
  上限 单项上限 = 30万元 }
措施 余 { 比例 = 率
  基数 = 合同
  上限 年度余额 }
措施 两 { 比例 = 率
  基数 = 合同
  上限 单项上限 = 30万元
  上限 年度余额 }
措施 两反 { 比例 = 率
  基数 = 合同
  上限 年度余额
  上限 单项上限 = 30万元 }
措施 有条件 { 比例 = 率
  基数 = 合同
  上限 大企业上限
  上限 年度余额 }
措施 叠 { 比例 = 率
  基数 = 合同
  叠加 叠加上限 = 合同 × 60% 已用 另领 当 另领 > 0元
  上限 年度余额 }
措施 内当 { 比例 = 率
  基数 = 合同
  上限 小额上限 = 1万元 当 合同 < 10万元 }
措施 式 { 比例 = 率
  基数 = 合同
  上限 比例上限 = 合同 × 10% + 1元 已用 已领 ÷ 2 }
"""


def room(limit, used):
    return max(D(0), limit - used)


def apply_caps(amount, caps):
    """caps: [(name, room or None when not applicable)] in order → (amount, bound)."""
    bound = None
    for name, r in caps:
        if r is not None and r < amount:
            amount, bound = r, name
    return amount, bound


def value_groups():
    g = Group("caps", RULES)
    W = D(10000)

    def case(cid, measure, facts, caps, note=None):
        contract = D(facts["合同"][:-2]) * W if facts["合同"].endswith("万元") else D(facts["合同"])
        r = facts.get("率", "50%")
        rv = D(r[:-1]) / 100
        amount, bound = apply_caps(contract * rv, caps(facts))
        g.ok(cid, measure, facts, final(amount), bound, note=note)

    def used(f, key):
        v = f.get(key, "0")
        return D(v[:-2]) * W if v.endswith("万元") else D(v)

    single = lambda f: [("单项上限", D(300000))]
    year = lambda f: [("年度余额", room(D(1000000), used(f, "已领")))]
    for c in ["10万元", "59万元", "60万元", "60.0002万元", "61万元", "1000万元"]:
        case(f"single-{c}", "单", {"合同": c}, single, note="equal to the cap is not bound")
    for c, u in [("100万元", "0"), ("100万元", "60万元"), ("100万元", "50万元"), ("100万元", "99.99万元"),
                 ("100万元", "100万元"), ("100万元", "150万元"), ("0.01", "100万元")]:
        case(f"room-{c}-{u}", "余", {"合同": c, "已领": u}, year,
             note="room = max(0, 100万 − used); an exhausted room gives 0, bound")
    both = lambda f: single(f) + year(f)
    both_rev = lambda f: year(f) + single(f)
    for c, u in [("40万元", "0"), ("80万元", "0"), ("80万元", "80万元"), ("80万元", "75万元"), ("80万元", "70万元"),
                 ("80万元", "110万元")]:
        case(f"two-{c}-{u}", "两", {"合同": c, "已领": u}, both, note="the last cap that lowered the amount is bound")
        case(f"two-reversed-{c}-{u}", "两反", {"合同": c, "已领": u}, both_rev)
    cond = lambda f: [("大企业上限", D(200000) if f.get("大企业") else None)] + year(f)
    for c, big, u in [("30万元", False, "0"), ("50万元", False, "0"), ("50万元", True, "0"), ("50万元", True, "85万元"),
                      ("50万元", True, "79万元"), ("30万元", True, "0")]:
        case(f"when-{c}-{int(big)}-{u}", "有条件", {"合同": c, "大企业": big, "已领": u}, cond)
    stack = lambda f: [("叠加上限", room(D(f["合同"][:-2]) * W * D("0.6"), used(f, "另领")) if used(f, "另领") > 0 else None)] + year(f)
    for c, other, u in [("100万元", "0", "0"), ("100万元", "10万元", "0"), ("100万元", "20万元", "0"),
                        ("100万元", "30万元", "0"), ("100万元", "60万元", "0"), ("100万元", "10万元", "60万元"),
                        ("100万元", "10万元", "45万元")]:
        case(f"stack-{c}-{other}-{u}", "叠", {"合同": c, "另领": other, "已领": u}, stack,
             note="叠加 room = 合同 × 60% − 另领, only when 另领 > 0")
    small = lambda f: [("小额上限", D(10000) if D(f["合同"][:-2]) * W < 100000 else None)]
    for c in ["1万元", "2万元", "9.99万元", "10万元", "30万元"]:
        case(f"inner-when-{c}", "内当", {"合同": c}, small)
    expr = lambda f: [("比例上限", room(D(f["合同"][:-2]) * W * D("0.1") + 1, used(f, "已领") / 2))]
    for c, u in [("10万元", "0"), ("10万元", "1万元"), ("1万元", "0"), ("10万元", "3万元")]:
        case(f"expr-{c}-{u}", "式", {"合同": c, "已领": u}, expr, note="limit and used are expressions")
    g.ok("rate-zero-under-cap", "单", {"合同": "100万元", "率": "0%"}, "0.00", None,
         note="0 is below every cap: not bound")
    return [g]


BASE_RULES = header() + """事实 甲: 金额
措施 P { 要求 基数 ≥ 1万元 否则 "基数不足1万元"
  比例 = 若 基数 > 100万元 则 10% 否则 20%
  基数 = 甲
  上限 基数上限 = 基数 × 15% }
"""


def base_group():
    g = Group("rate-and-base-by-name", BASE_RULES, note="比例 and 基数 may be read anywhere in their measure")
    for a in ["200万元", "100万元", "50万元", "1万元"]:
        v = D(a[:-2]) * 10000
        amount = v * (D("0.1") if v > 1000000 else D("0.2"))
        cap = v * D("0.15")
        g.ok(f"base-{a}", "P", {"甲": a}, final(min(amount, cap)), "基数上限" if cap < amount else None)
    g.no("base-small", "P", {"甲": "9999.99"}, ["基数不足1万元"])
    return [g]


ORDER_RULES = header() + """参数 甲参 = 乙参 × 2
参数 乙参 = 1元
事实 甲: 金额
措施 M { 比例 = 10%
  基数 = 甲
  金额 = 基数 × 比例 + 甲参 }
"""


def amount_group():
    g = Group("amount-with-rate-and-base", ORDER_RULES,
              note="金额 = … wins over 基数 × 比例 and may read both; a 参数 may use one declared after it")
    for a in ["1234", "0", "99.95"]:
        g.ok(f"amount-{a}", "M", {"甲": a}, final(D(a) * D("0.1") + 2))
    return [g]


def error_groups():
    h = header() + "事实 合同: 金额\n事实 已领: 金额 = 0元\n事实 率: 比例 = 10%\n"
    return check_groups(h, [
        ("unknown-cap", "措施 M { 金额 = 合同\n 上限 没有这个 }", "没有这个", "未定义的上限 没有这个"),
        ("cap-rate", "措施 M { 金额 = 合同\n 上限 顶 = 率 }", "率 }", "上限 顶 须为金额"),
        ("used-rate", "措施 M { 金额 = 合同\n 上限 顶 = 10元 已用 率 }", "率 }", "已用额 须为金额"),
        ("when-money", "措施 M { 金额 = 合同\n 上限 顶 = 10元 当 合同 }", "合同 }", "适用条件 须为布尔"),
        ("repeated-cap", "措施 M { 金额 = 合同\n 上限 顶 = 10元\n 上限 顶 = 20元 }", "顶 = 20元", "重复"),
        ("top-cap-duplicate", "上限 顶 = 10元\n上限 顶 = 20元\n措施 M { 金额 = 合同\n 上限 顶 }", "顶 = 20元", "已在"),
        ("stack-without-body", "措施 M { 金额 = 合同\n 叠加 顶 }", " }", "上限需要写出数额", {"occurrence": "last", "offset": 1}),
        ("cap-undefined-name", "措施 M { 金额 = 合同\n 上限 顶 = 上限额 }", "上限额", "未定义的名称 上限额"),
    ], tail="\n")


def groups():
    return value_groups() + base_group() + amount_group() + error_groups()
