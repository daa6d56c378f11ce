#!/usr/bin/env python3
"""`kuan test --properties` end to end: the shipped policy has every property;
a policy whose amount falls as its base rises (no threshold) fails, the same
way for the same seed, with a counter-example shrunk to small values printed
as a 例 that, pasted back, runs; a threshold that lowers the amount is a note,
not a failure; bad --seed/--count are usage errors. 性质 written by the
author (tests/properties/authored.kuan): the wrong one fails at its own line
with the claim, the values and a shrunk 例; the right ones pass; one whose
condition never holds is a note, not counted."""
import os
import re
import subprocess
import sys
import tempfile

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=2000)
check = SUITE.step  # the checks are steps of scenarios run whole


def run(kuan, *args):
    r = subprocess.run([kuan, *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


HEADER = """政策 "性质测试"
版本 "2025年版"
施行 2025-01-01 起
舍入 四舍五入 至 0.01元
"""

# 金额 falls as 投入额 rises: 1000万元 − 投入额 × 10%. The requirement on 类型
# and the unrelated facts give the shrinker something to drop.
BROKEN = HEADER + """
事实 投入额: 金额
事实 类型: 枚举 { 甲, 乙 }
事实 备注金额: 金额 = 0元
事实 人数: 整数 = 3
措施 递减 "随投入减少" {
  要求 类型 = 甲 否则 "仅限甲类"
  基数 = 投入额
  金额 = 1000万元 − 基数 × 10%
  上限 递减上限 = 2000万元
}
措施 正常 "按比例" {
  比例 = 20%
  基数 = 投入额
  上限 正常上限 = 50万元
}
"""

# A threshold: above 100万元 the rate drops from 50% to 10%, so 100万元 → 100.01万元
# lowers the amount. Explained by the 若, so a note and not a failure.
THRESHOLD = HEADER + """
事实 投入额: 金额
措施 分档 "分档" {
  比例 = 若 投入额 ≤ 100万元 则 50% 否则 10%
  基数 = 投入额
}
"""


def money(text):
    return float(text.replace("元", ""))


def authored(kuan, root):
    rel = os.path.join("tests", "properties", "authored.kuan")
    path = os.path.join(root, rel)
    code, out, err = run(kuan, "test", path, "--properties", "--seed", "7", "--count", "100")
    check("authored: exits 1", code == 1, out + err)
    fails = [l for l in out.splitlines() if ": 失败: " in l]
    check("authored: one failure, the wrong 性质, at its line",
          len(fails) == 1 and fails[0].startswith(path + ":23:4: 失败: 2025年版 措施 补贴 性质「不超过合同金额的一半」"), out)
    check("authored: the claim quoted whole, with its values",
          fails and "「金额 ≤ 合同金额 × 50%」不成立(金额 = 0.01元,合同金额 = 0.01元)" in fails[0], out)
    block = re.search(r"^例 补贴 \"性质「不超过合同金额的一半」的反例\" \{\n(.*?)\n\}$", out, re.S | re.M)
    check("authored: counter-example printed as a 例", block, out)
    body = block.group(1) if block else ""
    # Shrunk to the least amount: 0.01元 × 50% = 0.005元, paid 0.01元; the facts
    # with defaults that the condition reads are dropped again.
    check("authored: shrunk to 0.01元", "合同金额 = 0.01元" in body and "得 0.01元" in body, body)
    check("authored: shrunk, defaults dropped", "人数" not in body and "备注金额" not in body, body)
    check("authored: shrunk, what the condition needs kept", "中小企业 = 是" in body and "类型 = 甲" in body, body)
    check("authored: the never-applicable 性质 is a note", re.search(
        re.escape(path) + r":37:4: 注: .*性质「从未适用」:没有一份生成的申请满足它的条件", out), out)
    # 5 built-in (measure, property) pairs + 3 authored that hold; the note is not counted.
    lines = out.strip().splitlines()
    check("authored: closing line", lines and lines[-1] == "8 passed, 1 failed", out)
    code2, out2, _ = run(kuan, "test", path, "--properties", "--seed", "7", "--count", "100")
    check("authored: same seed, same output", (code2, out2) == (code, out), out2)
    # Without --properties the 性质 are checked for syntax and types only: no 例, nothing fails.
    code3, out3, err3 = run(kuan, "test", path)
    check("authored: kuan test without --properties", code3 == 0 and out3.strip().endswith("0 passed, 0 failed"), out3 + err3)
    with tempfile.TemporaryDirectory() as tmp:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        pasted = os.path.join(tmp, "pasted.kuan")
        with open(pasted, "w", encoding="utf-8") as f:
            f.write(text + "\n例 补贴 \"反例\" {\n" + body + "\n}\n")
        code4, out4, err4 = run(kuan, "test", pasted)
        check("authored: the pasted 例 runs and passes", code4 == 0 and out4.strip().endswith("1 passed, 0 failed"), out4 + err4)
        # A 性质 with a type error stops `kuan test` like any rule error.
        bad = os.path.join(tmp, "bad.kuan")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text.replace("有 金额 ≤ 800万元", "有 金额 + 800万元"))
        code5, out5, err5 = run(kuan, "test", bad)
        check("authored: a type error in a 性质 fails kuan test", code5 == 1 and "性质的结论(有 …) 须为布尔" in err5, out5 + err5)


def main():
    a = SUITE.parse()
    kuan = a.kuan

    code, out, err = run(kuan, "test", os.path.join(a.root, "policies", "hangzhou-ai"), "--properties")
    last = out.strip().splitlines()[-1] if out.strip() else ""
    m = re.fullmatch(r"(\d+) passed, 0 failed", last)
    check("shipped passes", code == 0 and m and int(m.group(1)) > 100, out + err)
    check("shipped has no failure lines", "失败" not in out, out)

    with tempfile.TemporaryDirectory() as tmp:
        broken = os.path.join(tmp, "broken.kuan")
        with open(broken, "w", encoding="utf-8") as f:
            f.write(BROKEN)
        code, out, err = run(kuan, "test", broken, "--properties", "--seed", "7", "--count", "100")
        check("broken exits 1", code == 1, out + err)
        lines = out.splitlines()
        fails = [l for l in lines if ": 失败: " in l]
        # 1000万元 − 投入额 × 10% falls as 投入额 rises, and below zero past 1亿元.
        check("two failure lines, both 递减",
              len(fails) == 2 and all("措施 递减" in l for l in fails)
              and any("基数增加金额不减" in l for l in fails) and any("金额非负" in l for l in fails), out)
        check("failure names the measure's line", fails and all(l.startswith(broken + ":10:") for l in fails), out)
        check("closing line counts properties", lines and re.fullmatch(r"\d+ passed, 2 failed", lines[-1]), out)
        blocks = {b.group(1): b.group(0) for b in re.finditer(r"^例 递减 \"性质「(.*?)」的反例\" \{.*?^\}$", out, re.S | re.M)}
        check("counter-example blocks printed", set(blocks) == {"基数增加金额不减", "金额非负"}, out)
        text = blocks.get("基数增加金额不减", "")
        check("shrunk: the optional facts dropped", "备注金额" not in text and "人数" not in text, text)
        amounts = re.findall(r"投入额 = ([0-9.]+)元", text)
        check("shrunk: 投入额 small", amounts and money(amounts[0]) <= 100, text)
        check("shrunk: 类型 kept (甲, else ineligible)", "类型 = 甲" in text, text)
        neg = re.findall(r"投入额 = ([0-9.]+)元", blocks.get("金额非负", ""))
        # Just past 1亿元, and a round number: at most two significant digits.
        check("shrunk: a round negative case", neg and 1e8 < money(neg[0]) and
              len(neg[0].replace("元", "").rstrip("0").rstrip(".")) <= 2, blocks.get("金额非负"))
        # Pasted back into the policy, the 例 runs and passes (it states the actual result).
        pasted = os.path.join(tmp, "pasted.kuan")
        with open(pasted, "w", encoding="utf-8") as f:
            f.write(BROKEN + "\n" + text + "\n")
        code2, out2, err2 = run(kuan, "test", pasted)
        check("pasted 例 runs", code2 == 0 and out2.strip().endswith("1 passed, 0 failed"), out2 + err2)
        # Reproducible for a seed.
        code3, out3, _ = run(kuan, "test", broken, "--properties", "--seed", "7", "--count", "100")
        check("same seed, same output", (code3, out3) == (code, out), out3)
        code4, out4, _ = run(kuan, "test", broken, "--properties", "--seed", "8", "--count", "100")
        check("another seed also finds it", code4 == 1 and "基数增加金额不减" in out4, out4)

        thr = os.path.join(tmp, "threshold.kuan")
        with open(thr, "w", encoding="utf-8") as f:
            f.write(THRESHOLD)
        code, out, err = run(kuan, "test", thr, "--properties", "--count", "300")
        check("threshold: passes", code == 0 and out.strip().endswith(" passed, 0 failed"), out + err)
        check("threshold: reported as a note", re.search(r"threshold\.kuan:\d+:\d+: 注: .*投入额 ≤ 100万元", out), out)

        for bad in (["--seed", "x"], ["--count", "-1"], ["--count", "99999999"]):
            code, out, err = run(kuan, "test", thr, "--properties", *bad)
            check(f"usage error {bad}", code == 2 and "kuan test:" in err, out + err)
        code, out, err = run(kuan, "test", thr, "--seed", "3")
        check("--seed without --properties", code == 2, out + err)

    authored(kuan, a.root)

    return SUITE.finish()


if __name__ == "__main__":
    sys.exit(main())
