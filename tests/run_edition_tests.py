#!/usr/bin/env python3
"""Editions end to end, through the already-built `kuan` binary: --as-of on the
boundary days, a brand-new edition written at test time into a temporary copy
of the policy (no recompilation), period overlaps and gaps, revision errors,
and `kuan diff` against golden files."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from kuan_suite import Suite

SUITE = Suite(__doc__, golden=True)

def check(name, cond, detail=""):
    if SUITE.selected(name):
        SUITE.check(name, cond, detail)

def run(kuan, *args, cwd=None, env=None):
    r = subprocess.run([kuan, *args], capture_output=True, text=True, cwd=cwd,
                       env=None if env is None else {**os.environ, **env})
    return r.returncode, r.stdout, r.stderr

HEADER_2025 = "政策 \"测试政策\"\n版本 \"2025年版\"\n施行 2025-06-13 起\n舍入 四舍五入 至 0.01元\n"

def as_of_boundaries(kuan, root, facts):
    policy = os.path.join(root, "policies/hangzhou-ai")
    # The shipped 2026年版 says 状态 示例: never chosen by date (spec, amended), only by name.
    for day, want in [("2025-06-13", "2025年版"), ("2025-12-31", "2025年版"), ("2026-01-01", "2025年版"),
                      ("2026-06-01", "2025年版"), ("2099-12-31", "2025年版")]:
        code, out, err = run(kuan, "eval", policy, "--as-of", day, "--measure", "算力券", "--facts", facts)
        check(f"as-of {day}", code == 0 and json.loads(out)["version"] == want, f"{code} {out} {err}")
    code, out, err = run(kuan, "eval", policy, "--as-of", "2025-06-12", "--measure", "算力券", "--facts", facts)
    check("as-of before every period", code == 2 and out == "" and "2025-06-12 没有施行中的版本" in err, f"{code} {out} {err}")
    code, out, err = run(kuan, "eval", policy, "--as-of", "2025-13-01", "--measure", "算力券", "--facts", facts)
    check("as-of invalid date", code == 2 and out == "" and "--as-of" in err, err)
    code, out, err = run(kuan, "eval", policy, "--version", "2026年版", "--measure", "算力券", "--facts", facts)
    check("an illustrative edition by name", code == 0 and json.loads(out)["version"] == "2026年版", out + err)
    # No date: today in China Standard Time; whatever today is, the illustrative edition is not it.
    sme = os.path.join(os.path.dirname(facts), "sme.json")
    with open(sme, "w") as f:
        f.write('{"合同金额": "80万元", "采购类型": "算力服务", "算力设施档位": "二档", "中小企业": true}')
    for tz in ("UTC", "Asia/Shanghai", "America/Los_Angeles"):
        code, out, err = run(kuan, "eval", policy, "--measure", "算力券", "--facts", sme, env={"TZ": tz})
        check(f"no date ({tz}): the official 2025年版", code == 0 and json.loads(out)["version"] == "2025年版"
              and json.loads(out)["amount"] == "160000.00", out + err)  # 80万 > 50万: 二档 20%
    code, out, err = run(kuan, "measures", policy)
    check("measures shows the status", code == 0 and "2026年版(状态 示例" in out and "2025年版(状态" not in out, out[:300])
    code, out, err = run(kuan, "check", policy)
    check("check shows the status", code == 0 and "2026年版 通过检查" in out and "状态 示例" in out, out)

def new_edition_without_recompiling(kuan, root, facts):
    with tempfile.TemporaryDirectory() as tmp:
        policy = os.path.join(tmp, "hangzhou-ai")
        shutil.copytree(os.path.join(root, "policies/hangzhou-ai"), policy)
        os.makedirs(os.path.join(policy, "2027年版"))
        with open(os.path.join(policy, "2027年版", "修订.kuan"), "w") as f:
            f.write("版本 \"2027年版\"\n基于 \"2026年版\"\n施行 2027-01-01 起\n"
                    "修订 参数 算力服务二档比例 = 25%\n"
                    "例 算力券 \"二档提高到25%\" { 合同金额 = 200万元, 采购类型 = 算力服务, 算力设施档位 = 二档\n 得 50万元 }\n")
        code, out, err = run(kuan, "check", policy)
        check("new edition checks", code == 0 and "2027年版 通过检查" in out, out + err)
        code, out, err = run(kuan, "eval", policy, "--version", "2027年版", "--measure", "算力券", "--facts", facts)
        # facts: 120万 算力服务 二档 → 25% = 30万 (2026: 20% = 24万)
        check("new edition evaluates", code == 0 and json.loads(out)["amount"] == "300000.00", out + err)
        # The official 2025年版 ends the day before the official 2027年版; the illustrative 2026年版 is no link.
        code, out, err = run(kuan, "eval", policy, "--as-of", "2026-12-31", "--measure", "算力券", "--facts", facts)
        check("previous official edition ends the day before", code == 0 and json.loads(out)["version"] == "2025年版"
              and json.loads(out)["amount"] == "240000.00", out + err)
        code, out, err = run(kuan, "eval", policy, "--as-of", "2027-01-01", "--measure", "算力券", "--facts", facts)
        check("the new official edition by date", code == 0 and json.loads(out)["version"] == "2027年版", out + err)
        code, out, err = run(kuan, "test", policy)
        check("new edition's example runs", code == 0 and out.strip().endswith("0 failed"), out[-300:])

def write_policy(tmp, editions):
    for name, text in editions.items():
        os.makedirs(os.path.join(tmp, name), exist_ok=True)
        with open(os.path.join(tmp, name, "rules.kuan"), "w") as f:
            f.write(text)

BODY = "参数 率 = 10%\n事实 金额甲: 金额\n措施 甲 { 比例 = 率\n 基数 = 金额甲 }\n"

def periods(kuan):
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 至 2025-12-31\n舍入 四舍五入 至 0.01元\n" + BODY,
            "v2": "政策 \"p\"\n版本 \"v2\"\n施行 2025-12-01 起\n舍入 四舍五入 至 0.01元\n" + BODY,
        })
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("overlap is an error", code == 1 and "./v2/rules.kuan:3:4: error: 施行期与 v1(至 2025-12-31)重叠" in err, err)
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 至 2025-06-30\n舍入 四舍五入 至 0.01元\n" + BODY,
            "v2": "政策 \"p\"\n版本 \"v2\"\n施行 2025-08-01 起\n舍入 四舍五入 至 0.01元\n" + BODY,
        })
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("gap is a warning", code == 0 and "./v2/rules.kuan:3:4: warning: 与上一版本 v1 之间有空档:2025-07-01 至 2025-07-31" in err, err)
        with open(os.path.join(tmp, "f.json"), "w") as f:
            f.write('{"金额甲": 100}')
        code, out, err = run(kuan, "eval", ".", "--as-of", "2025-07-15", "--measure", "甲", "--facts", "f.json", cwd=tmp)
        check("a day in the gap is an error", code == 2 and out == "" and "没有施行中的版本" in err, err)
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n" + BODY,
            "v2": "版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n修订 参数 没有的参数 = 5%\n删除 措施 乙\n",
            "v3": "版本 \"v3\"\n基于 \"v9\"\n施行 2027-01-01 起\n",
        })
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("revising a missing parameter", "./v2/rules.kuan:4:7: error: 基础版本中没有参数 没有的参数,无法修订" in err, err)
        check("removing a missing measure", "./v2/rules.kuan:5:7: error: 基础版本中没有措施 乙,无法删除" in err, err)
        check("unknown base edition", "./v3/rules.kuan:2:4: error: 基于的版本 v9 不存在" in err, err)
        check("revision errors exit 1", code == 1, str(code))
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n" + BODY,
            "v2": "版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n修订 参数 率 = 金额甲\n",
        })
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("an override is checked like any rule", code == 1 and "./v2/rules.kuan:4:11: error: 参数只能由字面量和其他参数算出" in err, err)

def edition_status(kuan):
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n" + BODY,
            "draft": "政策 \"p\"\n版本 \"draft\"\n状态 草案\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n" + BODY,
        })
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("a draft on the same day is no overlap", code == 0 and "草案" in out, out + err)
        with open(os.path.join(tmp, "f.json"), "w") as f:
            f.write('{"金额甲": 100}')
        code, out, err = run(kuan, "eval", ".", "--as-of", "2025-07-15", "--measure", "甲", "--facts", "f.json", cwd=tmp)
        check("a draft is not chosen by date", code == 0 and json.loads(out)["version"] == "v1", out + err)
        code, out, err = run(kuan, "eval", ".", "--version", "draft", "--measure", "甲", "--facts", "f.json", cwd=tmp)
        check("a draft by name", code == 0 and json.loads(out)["version"] == "draft", out + err)
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {"v1": "政策 \"p\"\n版本 \"v1\"\n状态 未定\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n" + BODY})
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("an unknown status is a positioned error", code == 1 and "./v1/rules.kuan:3:4: error: 状态 须为 正式、示例 或 草案" in err, err)

def redeclared_without_revise(kuan):
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n" + BODY,
            "v2": "版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n参数 率 = 20%\n措施 甲 { 比例 = 率\n 基数 = 金额甲 }\n",
        })
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("a base parameter restated without 修订: the hint says 修订 参数",
              code == 1 and "./v2/rules.kuan:4:4: error: 名称 率 已在 ./v1/rules.kuan:5:4 定义(它是基础版本的声明;要在新版本中改动,请写 修订 参数 率 …)" in err, err)
        check("a base measure restated without 修订: the hint says 修订 措施", "请写 修订 措施 甲" in err, err)

def clause_written_again(kuan):
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n条款 (一) \"甲\" {\n" + BODY + "}\n",
            "v2": "版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n条款 (一) \"甲\" {\n}\n",
        })
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("a clause written again in a derived edition: an error at it, hinting 修订",
              code == 1 and "./v2/rules.kuan:4:4: error: 条款 (一) 已在 ./v1/rules.kuan:5:4 写过" in err and "修订" in err, err)

def revision_breaks_base(kuan):
    # The base alone checks clean; the derived edition's 修订 breaks a base rule:
    # the error is at the 修订 line, with a note at the base rule (text and JSON).
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                  "事实 档: 枚举 { 甲档, 乙档 }\n措施 丙 { 金额 = 按 档 { 甲档 => 1元, 乙档 => 2元 } }\n",
            "v2": "版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n修订 事实 档: 枚举 { 甲档, 乙档, 丁档 }\n",
        })
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("a revision that breaks a base rule: error at the 修订 line",
              code == 1 and "./v2/rules.kuan:4:7: error: 修订 事实 档 使基础版本 v1 的规则出错:按 档 未处理取值:丁档" in err, err)
        check("... with a note at the base rule", "./v1/rules.kuan:6:13: note: 基础版本中出错的规则在此" in err, err)
        code, out, err = run(kuan, "check", ".", "--format", "json", cwd=tmp)
        d = json.loads(out)["diagnostics"] if code == 1 else []
        check("... and in JSON the note is under the error",
              len(d) == 1 and d[0]["file"].endswith("v2/rules.kuan") and d[0]["line"] == 4
              and d[0]["notes"][0]["file"].endswith("v1/rules.kuan") and d[0]["notes"][0]["line"] == 6, out + err)

def diff_golden(kuan, root, update):
    cases = {
        "editions": ["diff", "policies/hangzhou-ai", "2025年版", "2026年版"],
        "editions-facts": ["diff", "policies/hangzhou-ai", "2025年版", "2026年版", "--facts",
                           "tests/golden/diff/sme-1m.json", "--measure", "算力券"],
        "editions-batch": ["diff", "policies/hangzhou-ai", "2025年版", "2026年版", "--batch", "examples/applications.jsonl"],
    }
    for name, args in cases.items():
        code, out, err = run(kuan, *args, cwd=root)
        path = os.path.join(root, "tests/golden/diff", name + ".expected")
        if SUITE.selected(f"diff golden {name}"):
            SUITE.golden(f"diff golden {name}", path, out, also=code == 0, detail=f"exit {code}\n{err}")

# Two editions of a measure with 结果: v2 lowers the rate, so 应纳税额 and the amount change, 应纳税所得额 does not.
FIGURES_V1 = ("政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n参数 税率 = 10%\n"
              "事实 收入: 金额\n措施 汇算 {\n  要求 收入 ≥ 1万元 否则 \"收入不足\"\n"
              "  结果 应纳税所得额 = 收入 − 6万元\n  结果 应纳税额 = 应纳税所得额 × 税率\n  金额 = 应纳税额\n}\n")
FIGURES_V2 = ("版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n修订 参数 税率 = 8%\n"
              "修订 措施 汇算 {\n  结果 减免税额 = 应纳税额 × 50%\n}\n")

def diff_figures(kuan):
    """kuan diff --facts/--batch: each 结果 that differs is shown under its application (text), and in JSON each side has
    "figures" and the application "figure_deltas" (null for a figure one side lacks); equal figures are not listed."""
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {"v1": FIGURES_V1, "v2": FIGURES_V2})
        with open(os.path.join(tmp, "f.json"), "w", encoding="utf-8") as f:
            f.write('{"收入": "16万元"}')
        with open(os.path.join(tmp, "in.jsonl"), "w", encoding="utf-8") as f:
            f.write('{"id": "a", "measure": "汇算", "facts": {"收入": "16万元"}}\n'
                    '{"id": "b", "measure": "汇算", "facts": {"收入": "5000"}}\n')
        code, out, err = run(kuan, "diff", ".", "v1", "v2", "--facts", "f.json", "--measure", "汇算", cwd=tmp)
        want = ("汇算:v1 10000.00 → v2 8000.00,差额 -2000.00\n"
                "  结果 应纳税额:v1 10000.00 → v2 8000.00,差额 -2000.00\n"
                "  结果 减免税额:v1 (无) → v2 4000.00\n")
        check("diff --facts: the 结果 that differ, under the application", code == 0 and out.endswith(want), out + err)
        check("... and the measure's new 结果 is a change of the edition",
              "~ 修改 措施 汇算:(无) → 结果 减免税额 = 应纳税额 × 50%\n    v1 ./v1/rules.kuan:7\n    v2 ./v2/rules.kuan:5\n" in out, out)
        code, out, err = run(kuan, "diff", ".", "v1", "v2", "--batch", "in.jsonl", "--format", "json", cwd=tmp)
        apps = json.loads(out)["applications"] if code == 0 else []
        check("diff --format json: both sides' figures and the deltas of those that differ",
              len(apps) == 2 and apps[0]["before"]["figures"] == {"应纳税所得额": "100000.00", "应纳税额": "10000.00"}
              and apps[0]["after"]["figures"] == {"应纳税所得额": "100000.00", "应纳税额": "8000.00", "减免税额": "4000.00"}
              and apps[0]["figure_deltas"] == {"应纳税额": "-2000.00", "减免税额": None}, out + err)
        check("... a not eligible application has neither", "figures" not in apps[1]["before"] and "figure_deltas" not in apps[1]
              if len(apps) == 2 else False, out)
        code, out, err = run(kuan, "diff", ".", "v1", "v2", "--batch", "in.jsonl", cwd=tmp)
        check("diff --batch text: a not eligible application has no 结果 lines",
              code == 0 and out.count("  结果 ") == 2 and "b 汇算:v1 0.00(不适用:收入不足) → v2 0.00(不适用:收入不足),差额 0.00\n" in out, out + err)

def schedule_inherited(kuan):
    """A derived edition (基于) applies its base's 累进表, declared in a base file that holds nothing else; 修订 累进表 restates it, 删除 累进表 names the rules still applying it."""
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, {
            "v1": "政策 \"p\"\n版本 \"v1\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n事实 所得: 金额\n"
                  "措施 税 { 金额 = 累进 所得 按 税率表 }\n",
            "v2": "版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n措施 减半 { 金额 = 累进 所得 按 税率表 × 50% }\n",
        })
        with open(os.path.join(tmp, "v1", "table.kuan"), "w", encoding="utf-8") as f:
            f.write("累进表 税率表 { 至 3万元 => 5%, 以上 => 10% }\n")
        with open(os.path.join(tmp, "f.json"), "w", encoding="utf-8") as f:
            f.write('{"所得": "5万元"}')
        code, out, err = run(kuan, "eval", ".", "--version", "v2", "--measure", "减半", "--facts", "f.json", cwd=tmp)
        check("a derived edition applies its base's 累进表", code == 0 and '"amount":"1750.00"' in out, out + err)
        code, out, err = run(kuan, "eval", ".", "--version", "v2", "--measure", "税", "--facts", "f.json", cwd=tmp)
        check("... and so does the base's measure under it", code == 0 and '"amount":"3500.00"' in out, out + err)
        with open(os.path.join(tmp, "v2", "rules.kuan"), "a", encoding="utf-8") as f:
            f.write("累进表 新表 { 至 3万元 => 3%, 以上 => 10% }\n修订 措施 税 { 金额 = 累进 所得 按 新表 }\n")
        code, out, err = run(kuan, "diff", ".", "v1", "v2", cwd=tmp)
        check("kuan diff lists a new 累进表 and the measure that applies it",
              code == 0 and "+ 新增 累进表 新表:累进表 新表 { 至 3万元 => 3%, 以上 => 10% }\n    ./v2/rules.kuan:5\n" in out
              and "~ 修改 措施 税:金额 = 累进 所得 按 税率表 → 金额 = 累进 所得 按 新表\n" in out, out + err)
        with open(os.path.join(tmp, "v2", "rules.kuan"), "a", encoding="utf-8") as f:
            f.write("修订 累进表 税率表 { 至 3万元 => 1%, 以上 => 2% }\n")
        code, out, err = run(kuan, "eval", ".", "--version", "v2", "--measure", "减半", "--facts", "f.json", cwd=tmp)
        check("修订 累进表: the edition's measures apply the new brackets",
              code == 0 and '"amount":"350.00"' in out, out + err)  # (30000 × 1% + 20000 × 2%) × 50%
        code, out, err = run(kuan, "diff", ".", "v1", "v2", cwd=tmp)
        check("kuan diff shows the revised 累进表 old → new, at the 修订",
              code == 0 and "~ 修改 累进表 税率表:累进表 税率表 { 至 3万元 => 5%, 以上 => 10% } → 累进表 税率表 { 至 3万元 => 1%, 以上 => 2% }\n"
              "    v1 ./v1/table.kuan:1\n    v2 ./v2/rules.kuan:7\n" in out, out + err)
        with open(os.path.join(tmp, "v2", "rules.kuan"), "w", encoding="utf-8") as f:
            f.write("版本 \"v2\"\n基于 \"v1\"\n施行 2026-01-01 起\n措施 减半 { 金额 = 累进 所得 按 税率表 × 50% }\n删除 累进表 税率表\n")
        code, out, err = run(kuan, "check", ".", cwd=tmp)
        check("删除 累进表 still applied: the measure is named, the base's at the 删除",
              code == 1 and "./v2/rules.kuan:5:8: error: 删除 累进表 税率表 使基础版本 v1 的规则出错:措施 税 仍用着累进表 税率表" in err
              and "./v1/rules.kuan:6:" in err
              and "./v2/rules.kuan:4:22: error: 措施 减半 仍用着累进表 税率表,它已在 ./v2/rules.kuan:5:8 删除" in err, err)

def main():
    a = SUITE.parse()
    kuan = a.kuan
    with tempfile.TemporaryDirectory() as tmp:
        facts = os.path.join(tmp, "f.json")
        with open(facts, "w") as f:
            f.write('{"合同金额": 1200000, "采购类型": "算力服务", "算力设施档位": "二档"}')
        as_of_boundaries(kuan, a.root, facts)
        new_edition_without_recompiling(kuan, a.root, facts)
    periods(kuan)
    edition_status(kuan)
    clause_written_again(kuan)
    redeclared_without_revise(kuan)
    revision_breaks_base(kuan)
    diff_figures(kuan)
    schedule_inherited(kuan)
    diff_golden(kuan, a.root, a.update)
    sys.exit(SUITE.finish())

if __name__ == "__main__":
    main()
