#!/usr/bin/env python3
"""Whole-process benchmark of `kuan allocate`: N generated applications
(tools/bench/gen_allocate.py) allocated; prints the wall time and the peak
resident memory of the kuan process (getrusage of that child alone, via
os.wait4), and checks the result (its summary: every application decided, pool
total exact). The baseline, measured in the same run: `kuan eval --batch
--jobs 1` of the same lines (each evaluated alone); the ratio of CPU times is
the goal's (allocate ≤ 2× the CPU of evaluating the same lines, ≤ 128 MiB for
1M). Both write their results to standard output, which is /dev/null: the
same sink for both, so the ratio compares the programs' work, not the page
cache's (allocate's decisions are the larger output: 346 MB against 154 MB
for 1M lines).
Pin it to one core for a fair ratio: taskset -c 1 tools/bench/allocate_bench.py

Usage: tools/bench/allocate_bench.py [--build DIR] [--n 1000000] [--runs R] [--csv] [--keep DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd):
    """Runs cmd; returns (exit status, wall s, CPU s, peak RSS MiB, stderr) of that child alone."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Drain stderr in the background of wait4: the summary is small, so read after.
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return p.returncode, elapsed, cpu, usage.ru_maxrss / 1024.0, err  # ru_maxrss: KiB on Linux


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--csv", action="store_true")
    ap.add_argument("--keep", help="generate into (and reuse) this folder instead of a temporary one")
    args = ap.parse_args()
    kuan = os.path.join(args.build, "kuan")
    ext = "csv" if args.csv else "jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or tmp
        os.makedirs(work, exist_ok=True)
        apps = os.path.join(work, f"allocate-{args.n}.{ext}")
        if not os.path.exists(apps):
            with open(apps + ".part", "w") as f:
                gen = [sys.executable, os.path.join(ROOT, "tools/bench/gen_allocate.py"), str(args.n)]
                subprocess.run(gen + (["--csv"] if args.csv else []), stdout=f, check=True)
            os.replace(apps + ".part", apps)
        size = os.path.getsize(apps)
        summary = os.path.join(work, "summary.json")
        cmd = [kuan, "allocate", os.path.join(ROOT, "policies/hangzhou-ai"), "--version", "2025年版",
               "--in", apps, "--out-format", ext, "--summary", summary, "--no-progress"]
        times, cpus, peaks = [], [], []
        for _ in range(args.runs):
            code, elapsed, cpu, peak, err = run(cmd)
            if code != 0:
                sys.exit(f"kuan allocate exited {code}:\n{err}")
            times.append(elapsed)
            cpus.append(cpu)
            peaks.append(peak)
        with open(summary, encoding="utf-8") as f:
            s = json.load(f)
        if s["applications"] != args.n:
            sys.exit(f"expected {args.n} decisions, got {s['applications']}")
        for p in s["pools"]:
            if p["scaled"] and p["allocated"] != p["amount"]:
                sys.exit(f"pool {p['pool']}: allocated {p['allocated']} != {p['amount']}")
        eval_cmd = [kuan, "eval", os.path.join(ROOT, "policies/hangzhou-ai"), "--version", "2025年版",
                    "--batch", apps, "--jobs", "1", "--no-progress"]
        eval_cpus = []
        for _ in range(args.runs):
            code, _, cpu, _, err = run(eval_cmd)
            if code != 0:
                sys.exit(f"kuan eval --batch exited {code}:\n{err}")
            eval_cpus.append(cpu)
        best = min(times)
        print(f"allocate: {args.n:,} applications ({size / 1e6:.1f} MB {ext}) in {best:.2f} s wall (best of {args.runs}; "
              f"all: {', '.join(f'{t:.2f}' for t in times)}) = {args.n / best:,.0f} applications/s; "
              f"CPU (user+sys) {min(cpus):.2f} s; "
              f"peak RSS {max(peaks):.1f} MiB ({max(peaks) * 1048576 / args.n:.0f} bytes/application)")
        print(f"eval --batch --jobs 1 of the same lines: CPU {min(eval_cpus):.2f} s (both to /dev/null); "
              f"allocate / eval CPU = {min(cpus) / min(eval_cpus):.2f}x (goal <= 2x)")
        for p in s["pools"]:
            print(f"  pool {p['pool']}: requested {p['requested']} → allocated {p['allocated']} "
                  f"(scaled: {p['scaled']}, remainder cents: {p.get('remainder_cents', 0)})")


if __name__ == "__main__":
    main()
