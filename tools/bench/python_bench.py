"""Python and Dask against the `kuan` command, in one run, as ratios against their targets:

  1. Edition.evaluate_jsonl vs `kuan eval --batch --jobs 1` on the same lines: rate ratio (≥ 0.8);
  2. Edition.evaluate_many vs a Python loop over evaluate: speed-up (≥ 2), and the calling thread's CPU
     time in each (what the GIL serialises: the bound on the speed-up when cores are free);
  3. kuan.dask.evaluate (files, out_dir) on a LocalCluster of 2 worker processes vs `kuan eval --batch`
     (all cores) over the same files: rate ratio, cluster start excluded (≥ 0.5);
  4. kuan.dask.allocate (files, out_dir) on the same cluster vs `kuan allocate` (one thread): time
     ratio (≤ 3).
"Cluster start" is the LocalCluster up and each worker having imported kuan (client.run), as a
long-lived cluster is; the policy still travels to the workers inside the timed calls.
Outputs are compared byte for byte as well. On a shared machine the absolute times move; the
ratios of one run are what to quote, and for 1 and 2 the CPU-time ratios too (wall time on a
loaded machine measures the neighbours).

    PYTHONPATH=build:python /usr/bin/python3 tools/bench/python_bench.py --kuan build/kuan
    … --eval-lines 1000000 --batch-lines 200000 --alloc-lines 200000   (the issue's sizes: the defaults)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "bench"))
from year_files import generate, split  # noqa: E402  (shared with tests/python/test_dask.py)

POLICY = ROOT / "policies" / "hangzhou-ai"
EDITION = "2025年版"


def timed(f):
    start = time.perf_counter()
    result = f()
    return time.perf_counter() - start, result


def cli(kuan: str, *args: str, out: Path | None = None) -> tuple[float, bytes]:
    def run():
        r = subprocess.run([kuan, *args], capture_output=True)
        assert r.returncode in (0, 2), r.stderr.decode()
        return out.read_bytes() if out else r.stdout
    return timed(run)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu(f):
    """CPU seconds of this process's threads (or of the children it waits for) for f, and its result:
    on a shared machine, wall time measures the neighbours as much as the code."""
    start, children = time.process_time(), children_cpu()
    result = f()
    return time.process_time() - start + children_cpu() - children, result


def main() -> None:
    parser = argparse.ArgumentParser(description="Python and Dask vs the kuan command, as ratios")
    parser.add_argument("--kuan", default=str(ROOT / "build" / "kuan"))
    parser.add_argument("--batch-lines", type=int, default=200_000)
    parser.add_argument("--many-items", type=int, default=100_000)
    parser.add_argument("--eval-lines", type=int, default=1_000_000)
    parser.add_argument("--alloc-lines", type=int, default=200_000)
    args = parser.parse_args()

    import kuan
    import kuan.dask
    import distributed

    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    policy = kuan.load(str(POLICY))
    ed = policy.edition(EDITION)
    with tempfile.TemporaryDirectory(prefix="kuan-py-bench-") as tmp:
        tmp = Path(tmp)
        # 1. evaluate_jsonl vs the command, one thread each
        batch = generate("gen_batch.py", args.batch_lines, tmp / "batch.jsonl")
        data = batch.read_bytes()
        t_cli, want = cli(args.kuan, "eval", str(POLICY), "--version", EDITION, "--batch", str(batch), "--jobs", "1",
                          "--no-progress")
        t_py, got = timed(lambda: ed.evaluate_jsonl(data, threads=1))
        assert got == want, "evaluate_jsonl differs from kuan eval --batch"
        c_cli, _ = cpu(lambda: cli(args.kuan, "eval", str(POLICY), "--version", EDITION, "--batch", str(batch),
                                   "--jobs", "1", "--no-progress"))
        c_py, _ = cpu(lambda: ed.evaluate_jsonl(data, threads=1))
        print(f"evaluate_jsonl  {args.batch_lines} lines: python {t_py:.3f} s, cli (--jobs 1) {t_cli:.3f} s, "
              f"rate ratio python/cli = {t_cli / t_py:.2f} (wall), {c_cli / c_py:.2f} (cpu: {c_py:.3f} s vs {c_cli:.3f} s)")

        # 2. evaluate_many vs a loop over evaluate
        items = [json.loads(line) for line in data.splitlines()[:args.many_items]]
        t_loop, _ = timed(lambda: [ed.evaluate(i["measure"], i["facts"]) for i in items])
        t_many, _ = timed(lambda: ed.evaluate_many(items))
        # The GIL-holding share: what one Python thread spends, which bounds the speed-up with free cores.
        start = time.thread_time()
        ed.evaluate_many(items)
        gil_many = time.thread_time() - start
        start = time.thread_time()
        [ed.evaluate(i["measure"], i["facts"]) for i in items]
        gil_loop = time.thread_time() - start
        print(f"evaluate_many   {len(items)} dicts: loop {t_loop:.3f} s, evaluate_many {t_many:.3f} s, "
              f"speed-up = {t_loop / t_many:.2f} (wall); calling thread's cpu: loop {gil_loop:.3f} s, "
              f"evaluate_many {gil_many:.3f} s = {gil_loop / gil_many:.2f}")
        del items

        year_eval = generate("gen_batch.py", args.eval_lines, tmp / "eval.jsonl")
        eval_files = split(year_eval, 4, tmp)
        year_alloc = generate("gen_allocate.py", args.alloc_lines, tmp / "year.jsonl", "--seed", "7")
        alloc_files = split(year_alloc, 4, tmp)
        t_cli_eval, want_eval = cli(args.kuan, "eval", str(POLICY), "--version", EDITION, "--batch", str(year_eval),
                                    "--no-progress")
        t_cli_alloc, want_alloc = cli(args.kuan, "allocate", str(POLICY), "--version", EDITION, "--in",
                                      str(year_alloc), "--out", str(tmp / "cli.decisions"), out=tmp / "cli.decisions")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            client.run(lambda: __import__("kuan.dask"))  # part of the cluster's start (see above)
            # 3. Dask evaluate, workers writing the outputs
            t_dask_eval, done = timed(lambda: kuan.dask.evaluate([str(f) for f in eval_files], policy, EDITION,
                                                                 out_dir=str(tmp / "eval-out")))
            got = b"".join(Path(d["output"]).read_bytes() for d in done)
            assert got == want_eval, "kuan.dask.evaluate differs from kuan eval --batch"
            print(f"dask evaluate   {args.eval_lines} lines in 4 files, 2 workers: dask {t_dask_eval:.3f} s, "
                  f"cli {t_cli_eval:.3f} s, rate ratio dask/cli = {t_cli_eval / t_dask_eval:.2f}")
            # 4. Dask allocate, workers writing the decisions
            t_dask_alloc, done = timed(lambda: kuan.dask.allocate([str(f) for f in alloc_files], policy, EDITION,
                                                                  out_dir=str(tmp / "alloc-out")))
            got = b"".join(Path(d["output"]).read_bytes() for d in done)
            assert got == want_alloc, "kuan.dask.allocate differs from kuan allocate"
            print(f"dask allocate   {args.alloc_lines} lines in 4 files, 2 workers: dask {t_dask_alloc:.3f} s, "
                  f"cli {t_cli_alloc:.3f} s, time ratio dask/cli = {t_dask_alloc / t_cli_alloc:.2f}")


if __name__ == "__main__":
    main()
