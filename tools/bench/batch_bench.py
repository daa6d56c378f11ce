#!/usr/bin/env python3
"""Whole-process batch benchmark, everything in one run so that the
ratios compare like with like on whatever machine runs it:

  * N 算力券 lines (gen_batch.py --only 算力券) through `kuan eval --batch` on one
    thread and on all cores, through the hand-written floor (floor_suanliquan:
    simdjson + 算力券 coded in int64 分), through a straightforward Python decimal
    program (on the first --python-n lines: it is slow), and through another kuan
    binary (--prev, e.g. the previous build) when given;
  * N lines of every measure of 2025年版 in turn (gen_batch.py --mixed) through kuan;
  * with --big M, M 算力券 lines (the N-line file repeated) for peak memory.

Every output is checked byte for byte against kuan's one-thread output (the floor
and Python on 算力券 lines are written to give the same bytes). Times are wall
clock, best of --runs; peak RSS is the child's own (getrusage via os.wait4).

Usage: tools/bench/batch_bench.py [--build DIR] [--n 1000000] [--runs 3] [--jobs J] [--python-n 200000]
                                  [--prev PATH/kuan [--prev-policy DIR]] [--big 10000000] [--keep DIR]
"""
import argparse
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POLICY = os.path.join(ROOT, "policies/hangzhou-ai")


TIME = "/usr/bin/time"  # GNU time: a small parent, so the peak RSS it reports is the program's own


def run(cmd, stdin_path, stdout_path):
    """(wall s, CPU s, peak RSS MiB) of cmd alone; exits on a failure. A child of
    this Python would count Python's own memory in its peak (Linux carries the
    high-water mark across fork and exec), hence GNU time in between when there."""
    rss_file = stdout_path + ".rss"
    wrapped = [TIME, "-f", "%M", "-o", rss_file] + cmd if os.path.exists(TIME) else cmd
    with open(stdin_path, "rb") as fin, open(stdout_path, "wb") as fout:
        start = time.perf_counter()
        p = subprocess.Popen(wrapped, stdin=fin, stdout=fout, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - start
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(cmd)} exited {code}:\n{err[-2000:]}")
    peak = usage.ru_maxrss / 1024.0  # KiB on Linux
    if wrapped is not cmd:
        with open(rss_file) as f:
            peak = int(f.read().split()[-1]) / 1024.0
    return elapsed, usage.ru_utime + usage.ru_stime, peak


def digest(path, lines=None):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        if lines is None:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        else:
            for i, line in enumerate(f):
                if i >= lines:
                    break
                h.update(line)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="threads of the many-thread run (default: all cores)")
    ap.add_argument("--python-n", type=int, default=200000)
    ap.add_argument("--prev", help="another kuan binary to time on the same input (e.g. the previous build)")
    ap.add_argument("--prev-policy", default=POLICY, help="the policy folder --prev reads (its own checkout's, if the syntax moved)")
    ap.add_argument("--big", type=int, default=0, help="also measure peak RSS on this many 算力券 lines")
    ap.add_argument("--keep", help="generate into (and reuse) this folder instead of a temporary one")
    a = ap.parse_args()
    kuan = os.path.join(a.build, "kuan")
    floor = os.path.join(a.build, "tools/bench/floor_suanliquan")
    gen = [sys.executable, os.path.join(ROOT, "tools/bench/gen_batch.py")]
    with tempfile.TemporaryDirectory() as tmp:
        work = a.keep or tmp
        os.makedirs(work, exist_ok=True)

        def generate(name, args, lines=None):
            path = os.path.join(work, name)
            if not os.path.exists(path):
                with open(path + ".part", "w") as f:
                    subprocess.run(gen + args, stdout=f, check=True)
                os.replace(path + ".part", path)
            return path

        measures = os.path.join(work, "measures.json")
        with open(measures, "w") as f:
            subprocess.run([kuan, "measures", POLICY, "--version", "2025年版", "--format", "json"], stdout=f, check=True)
        slq = generate(f"suanliquan-{a.n}.jsonl", [str(a.n), "--only", "算力券"])
        mixed = generate(f"mixed-{a.n}.jsonl", [str(a.n), "--mixed", measures])
        py_in = os.path.join(work, f"suanliquan-{a.python_n}.jsonl")
        if not os.path.exists(py_in):
            with open(slq, "rb") as fin, open(py_in, "wb") as fout:
                for i, line in enumerate(fin):
                    if i >= a.python_n:
                        break
                    fout.write(line)
        py_n = min(a.n, a.python_n)
        out = os.path.join(work, "out.jsonl")
        kuan_eval = [kuan, "eval", POLICY, "--version", "2025年版", "--no-progress", "--batch", "-"]

        rows = []  # (what, lines, best wall, CPU, peak RSS, digest)

        def bench(what, cmd, path, lines, check_lines=None):
            best = None
            for _ in range(a.runs):
                r = run(cmd, path, out)
                best = r if best is None or r[0] < best[0] else best
            rows.append((what, lines, *best, digest(out, check_lines)))
            return rows[-1]

        one = bench("kuan eval --batch, 1 thread", kuan_eval + ["--jobs", "1"], slq, a.n)
        many = bench(f"kuan eval --batch, {a.jobs} threads", kuan_eval + ["--jobs", str(a.jobs)], slq, a.n)
        fl = bench("hand-written floor (simdjson + int64 分)", [floor, "-"], slq, a.n)
        py = bench("Python decimal", [sys.executable, os.path.join(ROOT, "tools/bench/python_suanliquan.py"), "/dev/stdin"],
                   py_in, py_n)
        prev = bench("previous build, 1 thread", [a.prev, "eval", a.prev_policy, "--version", "2025年版", "--batch", "-", "--jobs", "1"],
                     slq, a.n) if a.prev else None
        mix1 = bench("kuan, mixed batch (every measure), 1 thread", kuan_eval + ["--jobs", "1"], mixed, a.n)
        mixn = bench(f"kuan, mixed batch, {a.jobs} threads", kuan_eval + ["--jobs", str(a.jobs)], mixed, a.n)
        if a.prev:
            bench("previous build, mixed batch, 1 thread",
                  [a.prev, "eval", a.prev_policy, "--version", "2025年版", "--batch", "-", "--jobs", "1"], mixed, a.n)
        big = None
        if a.big:
            big_path = os.path.join(work, f"suanliquan-{a.big}.jsonl")
            if not os.path.exists(big_path):
                with open(slq, "rb") as f:
                    data = f.read()
                with open(big_path + ".part", "wb") as f:
                    for _ in range(a.big // a.n):
                        f.write(data)
                os.replace(big_path + ".part", big_path)
            big = bench(f"kuan, {a.big // a.n * a.n:,} 算力券 lines, {a.jobs} threads", kuan_eval + ["--jobs", str(a.jobs)],
                        big_path, a.big // a.n * a.n)

        # The same bytes from every program on the same input.
        problems = []
        if many[5] != one[5]:
            problems.append(f"{a.jobs} threads differ from 1 thread")
        if fl[5] != one[5]:
            problems.append("the floor's output differs from kuan's")
        if py[5] != digest(out_of(kuan_eval, py_in, work), None):
            problems.append("Python's output differs from kuan's")
        if prev and prev[5] != one[5]:
            problems.append("the previous build's output differs")
        if mixn[5] != mix1[5]:
            problems.append("mixed batch: threads differ")

        rate = lambda r: r[1] / r[2]
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
        print(f"{'':46} {'lines':>10} {'wall s':>8} {'CPU s':>8} {'lines/s':>12} {'per CPU s':>12} {'peak RSS':>10}")
        for r in rows:
            print(f"{r[0]:46} {r[1]:>10,} {r[2]:>8.3f} {r[3]:>8.3f} {rate(r):>12,.0f} {r[1] / r[3]:>12,.0f} {r[4]:>8.1f} MiB")
        cpu_rate = lambda r: r[1] / r[3]
        print("ratios (same run; by wall clock, and by CPU time, which a busy machine disturbs less):")
        print(f"  kuan 1 thread / floor:            {rate(one) / rate(fl):.2f}× wall, {cpu_rate(one) / cpu_rate(fl):.2f}× CPU  (target ≥ 0.67)")
        print(f"  kuan 1 thread / Python decimal:   {rate(one) / rate(py):.1f}× wall, {cpu_rate(one) / cpu_rate(py):.1f}× CPU")
        print(f"  kuan {a.jobs} threads / 1 thread:       {rate(many) / rate(one):.2f}× wall  (target ≥ 1.8 for 2)")
        print(f"  mixed batch / 算力券, 1 thread:   {rate(mix1) / rate(one):.2f}× wall, {cpu_rate(mix1) / cpu_rate(one):.2f}× CPU  (target ≥ 0.5)")
        if prev:
            print(f"  kuan 1 thread / previous build:   {rate(one) / rate(prev):.2f}× wall, {cpu_rate(one) / cpu_rate(prev):.2f}× CPU")
        if os.getloadavg()[0] > (os.cpu_count() or 1):
            print(f"note: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores — other work shared the machine")
        print("outputs: " + ("identical where they should be" if not problems else "; ".join(problems)))
        if problems:
            sys.exit(1)


def out_of(kuan_eval, path, work):
    """kuan's one-thread output for `path` (the Python run's input), for comparison."""
    out = os.path.join(work, "check.jsonl")
    run(kuan_eval + ["--jobs", "1"], path, out)
    return out


if __name__ == "__main__":
    main()
