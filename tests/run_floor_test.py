#!/usr/bin/env python3
"""The batch benchmark's reference programs (tools/bench) give kuan's bytes: the
hand-written floor (floor_suanliquan, simdjson + 算力券 in int64 分) and the
Python decimal program, on generated 算力券 lines plus the cases the benchmark
rarely draws (both reasons, a cap used up, the raised cap, stacking).
A benchmark that compared programs giving different answers would mean nothing.

Usage: run_floor_test.py --kuan PATH --floor PATH --root REPO [NAME...]   (tests/kuan_suite.py)
"""
import json
import os
import subprocess
import sys
import tempfile

from kuan_suite import Suite

SUITE = Suite(__doc__)
check = SUITE.step  # the checks are steps of scenarios run whole


def main():
    SUITE.parser.add_argument("--floor", required=True)
    a = SUITE.parse()
    base = {"合同金额": "1200000", "采购类型": "算力服务", "算力设施档位": "二档"}
    special = [
        {"合同金额": 100, "采购类型": "模型服务", "已申请免审配套": True},                     # both reasons
        {"合同金额": 100, "采购类型": "模型服务", "已申请免审配套": False, "模型已备案": False},
        {**base, "本年度已申领算力券": "8000000"},                                             # year room used up: a note
        {**base, "本年度已申领算力券": 9000000.5},
        {**base, "同一合同智能券金额": 720000, "智能券档位": "二档"},                          # stacking room zero
        {**base, "同一合同智能券金额": 100000, "智能券档位": "一档"},
        {**base, "中小企业": True, "年度智算合同累计金额": "500000.00", "合同金额": "400000"},   # SME at the threshold
        {**base, "中小企业": True, "年度智算合同累计金额": "500000.01", "合同金额": "400000"},
        {**base, "合同金额": "100000000", "生成式多模态基础大模型企业": True, "核定年度上限": "20000000"},
        {**base, "合同金额": "100000000", "生成式多模态基础大模型企业": False, "核定年度上限": "20000000"},
        {**base, "合同金额": "0.05"}, {**base, "合同金额": "10.05"}, {**base, "合同金额": 0},   # rounding ties
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            subprocess.run([sys.executable, os.path.join(a.root, "tools/bench/gen_batch.py"), "20000", "--only", "算力券"],
                           stdout=f, check=True)
            for i, facts in enumerate(special):
                f.write(json.dumps({"id": f"S{i}", "measure": "算力券", "facts": facts}, ensure_ascii=False) + "\n")
        kuan = subprocess.run([a.kuan, "eval", os.path.join(a.root, "policies/hangzhou-ai"), "--version", "2025年版",
                               "--batch", path], capture_output=True, timeout=300)
        check("kuan evaluates every line", kuan.returncode == 0 and kuan.stdout.count(b"\n") == 20000 + len(special),
              kuan.stderr[-500:])
        text = kuan.stdout.decode()
        check("the special cases reach notes, both caps and both reasons",
              all(s in text for s in ('"notes"', '"bound":"智能券叠加上限"', '"bound":"算力券年度余额"', '免审配套,不能', '经备案')))
        floor = subprocess.run([a.floor, path], capture_output=True, timeout=300)
        check("floor: exit 0", floor.returncode == 0, floor.stderr[-500:])
        check("floor: kuan's bytes", floor.stdout == kuan.stdout,
              next((f"{x}\n   vs {y}" for x, y in zip(floor.stdout.decode().splitlines(), text.splitlines()) if x != y), ""))
        py = subprocess.run([sys.executable, os.path.join(a.root, "tools/bench/python_suanliquan.py"), path],
                            capture_output=True, timeout=300)
        check("Python decimal: kuan's bytes", py.returncode == 0 and py.stdout == kuan.stdout,
              next((f"{x}\n   vs {y}" for x, y in zip(py.stdout.decode().splitlines(), text.splitlines()) if x != y), py.stderr[-500:]))
        with open(path, "a", encoding="utf-8") as f:
            f.write('{"id": "x", "measure": "智能券", "facts": {}}\n')
        floor = subprocess.run([a.floor, path], capture_output=True, timeout=300)
        check("floor: a line it does not handle stops it", floor.returncode == 2 and b"line 20014" in floor.stderr, floor.stderr)
    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
