#!/usr/bin/env python3
"""Differential test of (一) 算力券: kuan against Python's decimal module.

Generates (fixed seed) random 算力券 applications covering every combination
of the facts of the policy's「(一) 算力券」, with contract
amounts from 0 to 20亿元 (0–2 decimals) and the boundary values the rules
turn on (exactly 50万元, rooms near 800万元, stacking rooms near zero, exact
rounding ties), and now and then amounts beyond 64 bits in 分 (the
compiled evaluator hands those to the exact Decimal path). Each expected result is computed here, independently of the
rule files, by the spec's seven steps with exact decimals and one final
ROUND_HALF_UP to 0.01. Money facts are written in every form the spec allows
(JSON number, plain string, "万元"/"亿元"/"元" strings) so the parsing is
exercised too. A few deliberately bad lines check that errors stay confined
to their line.

The applications go to `kuan eval POLICY --version 2025年版 --batch FILE`;
results are compared line by line (eligible, amount as text, bound).

Usage: diff_suanliquan.py --kuan PATH --root REPO [--count N] [--seed S] [--keep FILE]
Prints mismatches, then "N passed, M failed"; exit 1 on any mismatch.
"""
import json
import random
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_DOWN, ROUND_HALF_UP, getcontext
from pathlib import Path

from kuan_suite import Suite

getcontext().prec = 60  # far more than 20亿 × rates ever needs: every step is exact

SEED = 20250613
COUNT = 3000
WAN = Decimal(10000)
YI = Decimal(100000000)
MAX_CONTRACT = 20 * YI
CAP = 800 * WAN                # 单家企业每年申领杭州算力券金额不超过800万元
SME_LIMIT = 50 * WAN           # 年申报智算合同累计金额50万元(含)以下
CENT = Decimal("0.01")
STACK = "智能券叠加上限"
YEAR = "算力券年度余额"


# ------------------------------------------------------------------ the spec


def expected(f):
    """(eligible, amount text, bound) by the spec's steps 1–7; `f` maps fact
    names to Decimals/bools/strings, absent facts are missing keys."""
    contract = f["合同金额"]
    # 1. the same contract already took the no-review match
    if f.get("已申请免审配套", False):
        return False, "0.00", None
    # 2. 模型服务 needs a filed model
    if f["采购类型"] == "模型服务" and not f.get("模型已备案", False):
        return False, "0.00", None
    # 3. rate by type and tier
    if f["采购类型"] == "模型服务":
        rate = Decimal("0.30")
    else:
        rate = Decimal("0.30") if f["算力设施档位"] == "一档" else Decimal("0.20")
    # 4. SME with a small cumulative contract volume (default: this contract)
    if f.get("中小企业", False) and f.get("年度智算合同累计金额", contract) <= SME_LIMIT:
        rate = Decimal("0.50")
    amount = contract * rate
    bound = None
    # 5. stacking with a 智能券 on the same contract; a cap binds only when its
    #    room is strictly smaller (language.md, "lowers the amount ... if the
    #    room is smaller"; the last cap that lowered it is reported)
    voucher = f.get("同一合同智能券金额", Decimal(0))
    if voucher > 0:
        ratio = Decimal("0.60") if f["智能券档位"] == "一档" else Decimal("0.30")
        room = max(Decimal(0), contract * ratio - voucher)
        if room < amount:
            amount, bound = room, STACK
    # 6. annual cap, raised (never lowered) by an approved figure for a
    #    生成式多模态基础大模型企业
    cap = CAP
    if f.get("生成式多模态基础大模型企业", False) and "核定年度上限" in f:
        cap = max(CAP, f["核定年度上限"])
    room = max(Decimal(0), cap - f.get("本年度已申领算力券", Decimal(0)))
    if room < amount:
        amount, bound = room, YEAR
    # 7. the least of the three, rounded once
    return True, str(amount.quantize(CENT, rounding=ROUND_HALF_UP)), bound


# ------------------------------------------------------------------ generation


def random_money(rng, upper=MAX_CONTRACT):
    """0..upper with 0–2 decimals, spread over every order of magnitude."""
    decimals = rng.choice((0, 0, 1, 2, 2))
    if upper <= 0:
        return Decimal(0)
    magnitude = rng.uniform(-2, float(upper.log10()))
    value = Decimal(10) ** Decimal(str(round(magnitude, 6)))
    value = min(value, upper).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)
    return max(value, Decimal(0))


def huge_money(rng):
    """Beyond a 64-bit mantissa in 分 (the compiled evaluator's fast path):
    the exact Decimal path must take over and agree."""
    return Decimal(rng.randint(1, 9)) * Decimal(10) ** rng.randint(17, 32) + CENT * rng.randint(0, 99)


def contract_amount(rng):
    r = rng.random()
    if r < 0.03:
        return huge_money(rng)
    if r < 0.10:
        return rng.choice([Decimal(0), CENT, SME_LIMIT, SME_LIMIT + CENT, SME_LIMIT - CENT,
                           CAP, Decimal("8000000.01"), MAX_CONTRACT, Decimal("4000") * WAN,
                           Decimal("1.15"), Decimal("10.05"), Decimal("0.05"), Decimal("123456.78")])
    if r < 0.35:  # SME territory
        return random_money(rng, SME_LIMIT)
    if r < 0.45:  # whole 万元
        return Decimal(rng.randrange(0, 200001)) * WAN
    return random_money(rng)


def money_text(rng, value):
    """A JSON value (as text) stating `value` in one of the accepted forms."""
    plain = format(value, "f")
    form = rng.randrange(7)
    if form <= 1:
        return plain                                 # JSON number, exact text
    if form == 6:                                    # JSON number in exponent form: 6.39324688E+6
        text = format(value, "E")
        return text if rng.random() < 0.5 else text.lower()
    # now and then the unit as \uXXXX escapes: the unescaped text is what counts
    quote = lambda s: json.dumps(s, ensure_ascii=rng.random() < 0.2)
    if form == 2:
        return quote(plain)                          # "1234.56"
    if form == 3:
        return quote(format((value / WAN).normalize(), "f") + "万元")
    if form == 4 and value >= YI:
        return quote(format((value / YI).normalize(), "f") + "亿元")
    return quote(plain + "元")


def application(rng):
    """(facts for the model, facts as JSON member texts) for one application."""
    f, text = {}, {}

    def put_money(name, value):
        f[name] = value
        text[name] = money_text(rng, value)

    def put(name, value):
        f[name] = value
        text[name] = json.dumps(value, ensure_ascii=False)

    contract = contract_amount(rng)
    put_money("合同金额", contract)
    put("采购类型", rng.choice(("模型服务", "算力服务")))
    if rng.random() < 0.7:
        put("模型已备案", rng.random() < 0.75)
    # required for 算力服务; now and then stated (and ignored) for 模型服务
    if f["采购类型"] == "算力服务" or rng.random() < 0.2:
        put("算力设施档位", rng.choice(("一档", "二档")))
    if rng.random() < 0.7:
        put("中小企业", rng.random() < 0.6)
    r = rng.random()
    if r < 0.15:
        put_money("年度智算合同累计金额", rng.choice((SME_LIMIT, SME_LIMIT + CENT, SME_LIMIT - CENT)))
    elif r < 0.45:
        put_money("年度智算合同累计金额", random_money(rng, 2 * SME_LIMIT) if rng.random() < 0.6 else
                  contract + random_money(rng, 1000 * WAN))
    # year room: untouched, partly used, nearly used up, exhausted, overdrawn
    r = rng.random()
    if r < 0.25:
        put_money("本年度已申领算力券", random_money(rng, CAP))
    elif r < 0.40:
        put_money("本年度已申领算力券", CAP - random_money(rng, 10 * WAN))
    elif r < 0.47:
        put_money("本年度已申领算力券", rng.choice((Decimal(0), CAP, CAP - CENT, CAP + CENT, 1200 * WAN)))
    if rng.random() < 0.5:
        put("生成式多模态基础大模型企业", rng.random() < 0.6)
    r = rng.random()
    if r < 0.30:
        put_money("核定年度上限", random_money(rng, 5 * YI))
    elif r < 0.40:
        put_money("核定年度上限", rng.choice((CAP, CAP + CENT, CAP - CENT, Decimal(0))))
    elif r < 0.45:
        text["核定年度上限"] = "null"  # an optional fact written as null is absent
    elif r < 0.50:
        put_money("核定年度上限", huge_money(rng))  # a raised cap that lets a huge amount through
    # stacking: none, zero, random, or exactly at / around the stacking room
    r = rng.random()
    if r < 0.10:
        put_money("同一合同智能券金额", Decimal(0))
    elif r < 0.45:
        tier = rng.choice(("一档", "二档"))
        ratio = Decimal("0.60") if tier == "一档" else Decimal("0.30")
        room_edge = (contract * ratio).quantize(CENT, rounding=ROUND_DOWN)
        voucher = rng.choice((random_money(rng, contract) if contract > 0 else Decimal(0),
                              room_edge, room_edge + CENT, contract * Decimal("0.3")))
        put_money("同一合同智能券金额", voucher.quantize(CENT, rounding=ROUND_DOWN))
        put("智能券档位", tier)
    if "智能券档位" not in f and rng.random() < 0.1:
        put("智能券档位", rng.choice(("一档", "二档")))  # given although unused
    if rng.random() < 0.06:
        put("已申请免审配套", True)
    elif rng.random() < 0.1:
        put("已申请免审配套", False)
    return f, text


# Lines kuan must reject on their own, each with the reason it is bad.
BAD_LINES = [
    ('{"id": "%s", "measure": "算力券", "facts": {"合同金额": 1e400000, "采购类型": "算力服务", "算力设施档位": "一档"}}',
     "money with an absurd exponent"),
    ('{"id": "%s", "measure": "算力券", "facts": {"合同金额": -0.01, "采购类型": "算力服务", "算力设施档位": "一档"}}',
     "negative money"),
    ('{"id": "%s", "measure": "算力券", "facts": {"合同金额": 100, "采购类型": "算力服务"}}',
     "算力服务 without 算力设施档位"),
    ('{"id": "%s", "measure": "算力券", "facts": {"合同金额": 100, "采购类型": "算力服务", "算力设施档位": "一档", '
     '"同一合同智能券金额": 1}}', "智能券金额 > 0 without 智能券档位"),
    ('{"id": "%s", "measure": "算力劵", "facts": {"合同金额": 100}}', "unknown measure"),
    ('{"id": "%s", "measure": "算力券", "facts": {"合同金额": 100, "采购类型": "算力服务", "算力设施档位": "三档"}}',
     "unknown enumeration value"),
    ('{"id": "%s", "measure": "算力券", "facts": {"合同金额": 100, "采购类型": "算力服务", "算力设施档位": "一档", '
     '"中小企业": "true"}}', "boolean as a string"),
]


def generate(count, seed):
    """[(id, line text, expected)] where expected is a tuple or "error"."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        ident = f"d{i:05d}"
        if rng.random() < 0.01:
            template, why = rng.choice(BAD_LINES)
            out.append((ident, template % ident, "error", why))
            continue
        f, text = application(rng)
        members = list(text.items())
        rng.shuffle(members)  # fact order must not matter
        facts = ", ".join(json.dumps(k, ensure_ascii=False) + ": " + v for k, v in members)
        line = '{"id": "%s", "measure": "算力券", "facts": {%s}}' % (ident, facts)
        out.append((ident, line, expected(f), None))
    return out


# ------------------------------------------------------------------ comparison


def run_batch(kuan, policy, lines, keep=None):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as t:
        t.write("\n".join(lines) + "\n")
        path = t.name
    try:
        p = subprocess.run([kuan, "eval", str(policy), "--version", "2025年版", "--batch", path],
                           capture_output=True, timeout=600)
    finally:
        if keep:
            Path(keep).write_text(Path(path).read_text(encoding="utf-8"), encoding="utf-8")
        Path(path).unlink()
    return p


def compare(cases, proc, want_exit):
    """Returns (passed, failures)."""
    failures = []
    if proc.returncode != want_exit:
        failures.append(f"exit status {proc.returncode}, expected {want_exit}; stderr: "
                        + proc.stderr.decode("utf-8", "replace")[:500])
    out = [l for l in proc.stdout.decode("utf-8", "replace").split("\n") if l]
    if len(out) != len(cases):
        failures.append(f"{len(out)} result lines for {len(cases)} applications")
    passed = 0
    for (ident, line, want, why), got_text in zip(cases, out):
        try:
            got = json.loads(got_text, parse_float=str)
        except json.JSONDecodeError as e:
            failures.append(f"{ident}: output is not JSON ({e}): {got_text[:200]}")
            continue
        problem = None
        if got.get("id") != ident:
            problem = f"id {got.get('id')!r}"
        elif want == "error":
            if "error" not in got:
                problem = f"expected an error ({why}), got {got_text}"
        elif "error" in got:
            problem = f"unexpected error: {got['error']}"
        else:
            eligible, amount, bound = want
            actual = (got.get("eligible"), got.get("amount"), got.get("bound"))
            if actual != want:
                problem = f"got eligible={actual[0]} amount={actual[1]} bound={actual[2]}, " \
                          f"expected eligible={eligible} amount={amount} bound={bound}"
            elif bool(got.get("reasons")) == eligible:
                problem = f"reasons {got.get('reasons')!r} do not match eligible={eligible}"
        if problem:
            failures.append(f"{ident}: {problem}\n    {line}")
        else:
            passed += 1
    return passed, failures


def main():
    suite = Suite(__doc__)
    ap = suite.parser
    ap.add_argument("--policy", default=None, help="default: ROOT/policies/hangzhou-ai")
    ap.add_argument("--count", type=int, default=COUNT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--keep", default=None, help="also write the generated batch here")
    args = suite.parse()
    policy = Path(args.policy) if args.policy else Path(args.root) / "policies" / "hangzhou-ai"

    cases = generate(args.count, args.seed)
    bad = sum(1 for c in cases if c[2] == "error")
    proc = run_batch(args.kuan, policy, [c[1] for c in cases], args.keep)
    passed, failures = compare(cases, proc, 2 if bad else 0)

    # The good lines alone: the same results, and a clean exit.
    good = [c for c in cases if c[2] != "error"]
    proc2 = run_batch(args.kuan, policy, [c[1] for c in good])
    _, failures2 = compare(good, proc2, 0)
    failures += [f"(good lines only) {f}" for f in failures2]

    for f in failures[:50]:
        print("FAIL " + f)
    if len(failures) > 50:
        print(f"... and {len(failures) - 50} more")
    failed = len(cases) - passed
    if failures and failed == 0:
        failed = len(failures)  # batch-level problems (exit status, line count)
    suite.passed, suite.failed = passed, failed
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
