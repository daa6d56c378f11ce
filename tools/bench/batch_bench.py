#!/usr/bin/env python3
"""Whole-process batch benchmark: N generated applications through `kuan eval --batch`.

Usage: tools/bench/batch_bench.py [--build DIR] [--n N] [--runs R]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    kuan = os.path.join(args.build, "kuan")
    with tempfile.TemporaryDirectory() as work:
        apps = os.path.join(work, "apps.jsonl")
        with open(apps, "w") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "tools/bench/gen_batch.py"), str(args.n)], stdout=f, check=True)
        size = os.path.getsize(apps)
        best = None
        for _ in range(args.runs):
            with open(os.path.join(work, "out.jsonl"), "w") as out:
                start = time.perf_counter()
                r = subprocess.run([kuan, "eval", os.path.join(ROOT, "policies/hangzhou-ai"), "--version", "2025年版",
                                    "--batch", apps], stdout=out)
                elapsed = time.perf_counter() - start
            if r.returncode != 0:
                sys.exit(f"kuan exited {r.returncode}")
            best = elapsed if best is None else min(best, elapsed)
        with open(os.path.join(work, "out.jsonl")) as f:
            lines = sum(1 for _ in f)
        if lines != args.n:
            sys.exit(f"expected {args.n} results, got {lines}")
        print(f"batch: {args.n} applications ({size / 1e6:.1f} MB) in {best:.3f} s (best of {args.runs}) "
              f"= {args.n / best:,.0f} applications/s")

if __name__ == "__main__":
    main()
