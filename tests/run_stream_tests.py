#!/usr/bin/env python3
"""`kuan eval --batch` as a stream (issue 14 §3): results come before the input
ends, the order is the input's whatever --jobs is, and --jobs is checked.

Usage: run_stream_tests.py --kuan PATH --root REPO
Prints one line per failure and finally "N passed, M failed"; exit 1 on failure.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading

FAILED, PASSED = [], [0]


def check(name, cond, detail=""):
    if cond:
        PASSED[0] += 1
    else:
        FAILED.append(name)
        print(f"FAIL {name}: {detail}")


def line(i, amount):
    return json.dumps({"id": f"s{i}", "measure": "智能券",
                       "facts": {"合同金额": amount, "申请主体": "企业", "智能券档位": "一档" if i % 2 else "二档"}},
                      ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kuan", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    policy = os.path.join(a.root, "policies/hangzhou-ai")
    cmd = [a.kuan, "eval", policy, "--version", "2025年版", "--batch", "-"]

    # 1. A result for the first line arrives while the input is still open.
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(line(1, 100).encode())
    p.stdin.flush()
    got = []
    reader = threading.Thread(target=lambda: got.append(p.stdout.readline()))
    reader.start()
    reader.join(timeout=30)
    check("first result before the input ends", got and json.loads(got[0])["id"] == "s1", f"got {got}")
    p.stdin.write(line(2, 200).encode())
    p.stdin.close()
    rest = p.stdout.read().decode()
    p.wait(timeout=30)
    check("the rest after the input ends", p.returncode == 0 and json.loads(rest)["id"] == "s2", rest)

    # 2. Input order kept, identical output for 1 thread and many.
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for i in range(20000):
                f.write(line(i, 1000 + i * 7) if i % 997 else '{"id": "bad%d", "measure": 1}\n' % i)
        runs = {}
        for jobs in ("1", "2", "7"):
            r = subprocess.run([a.kuan, "eval", policy, "--version", "2025年版", "--batch", path, "--jobs", jobs],
                               capture_output=True, timeout=300)
            runs[jobs] = r
        check("bad lines give exit 2", all(r.returncode == 2 for r in runs.values()), [r.returncode for r in runs.values()])
        check("same bytes for --jobs 1, 2, 7", runs["1"].stdout == runs["2"].stdout == runs["7"].stdout)
        ids = [json.loads(x)["id"] for x in runs["1"].stdout.decode().splitlines()]
        want = [f"s{i}" if i % 997 else f"bad{i}" for i in range(20000)]
        check("input order", ids == want, f"{len(ids)} lines")
        with open(path, "rb") as f:
            piped = subprocess.run(cmd, stdin=f, capture_output=True, timeout=300)
        check("a pipe gives the same as a file", piped.stdout == runs["1"].stdout)

    # 3. --jobs is checked.
    for bad in ("0", "x", "-1", "1000"):
        r = subprocess.run(cmd[:-1] + ["-", "--jobs", bad], input=b"", capture_output=True, timeout=30)
        check(f"--jobs {bad} refused", r.returncode == 2 and b"--jobs" in r.stderr and r.stdout == b"", r.stderr[:200])

    print(f"{PASSED[0]} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED or PASSED[0] == 0 else 0)


if __name__ == "__main__":
    main()
