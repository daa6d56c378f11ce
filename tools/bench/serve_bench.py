#!/usr/bin/env python3
"""HTTP benchmark of `kuan serve` with wrk, everything in one run so
that the ratio compares like with like on whatever machine runs it:

  1. GET /health           — the HTTP layer alone (the baseline);
  2. POST /v1/evaluate     — one 算力券 application per request;
  3. POST /v1/evaluate again while the rule files are edited and reloaded
     (--watch) every 0.5 s: no request may fail.

Each at --connections keep-alive connections (default 64) for --seconds, wrk on
--wrk-threads threads, the server on --threads. Reports requests/s, p50 and p99
latency, errors (socket errors and non-2xx answers) and the ratio
evaluate / health (the target: at least 0.7). Exit 1 when any request failed,
a reload did not happen, or the ratio is under --min-ratio.

Usage: tools/bench/serve_bench.py [--build DIR] [--seconds 5] [--connections 64] [--threads 2]
                                  [--wrk-threads 2] [--min-ratio 0.7]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# wrk's Lua: a POST with the body, and a summary line with the non-2xx count
# and the latency percentiles in microseconds, machine-readable.
LUA = r"""
wrk.method = "POST"
wrk.body = %s
wrk.headers["Content-Type"] = "application/json"
%s
"""
DONE = r"""
done = function(summary, latency, requests)
  io.write(string.format("KUAN requests=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d p50=%d p99=%d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def wrk(url, seconds, connections, threads, script):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        path = f.name
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", path, url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    os.unlink(path)
    m = re.search(r"KUAN requests=(\d+) errors_connect=(\d+) errors_read=(\d+) errors_write=(\d+) errors_status=(\d+) "
                  r"errors_timeout=(\d+) p50=(\d+) p99=(\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m or not rps:
        sys.exit(f"wrk gave no summary:\n{out}")
    requests, *errors, p50, p99 = (int(x) for x in m.groups())
    return {"requests": requests, "errors": sum(errors), "rps": float(rps.group(1)), "p50_us": p50, "p99_us": p99}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--min-ratio", type=float, default=0.7)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (install-deps.sh installs it)")
    tmp = tempfile.mkdtemp(prefix="kuan-serve-bench-")
    policy = os.path.join(tmp, "hangzhou-ai")
    shutil.copytree(os.path.join(ROOT, "policies/hangzhou-ai"), policy)
    server = subprocess.Popen([os.path.join(args.build, "kuan"), "serve", policy, "--addr", "127.0.0.1:0",
                               "--threads", str(args.threads), "--watch"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(re.match(r"kuan serve: http://127\.0\.0\.1:(\d+)/", server.stdout.readline()).group(1))
        base = f"http://127.0.0.1:{port}"
        line = json.dumps({"measure": "算力券", "facts": {"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"}},
                          ensure_ascii=False)
        get = DONE
        post = LUA % ("[[" + line + "]]", DONE)  # a Lua long string: the UTF-8 bytes as they are
        health = wrk(base + "/health", args.seconds, args.connections, args.wrk_threads, get)
        evaluate = wrk(base + "/v1/evaluate", args.seconds, args.connections, args.wrk_threads, post)

        # Reload under load: the rule file flips between two texts every 0.5 s.
        rules = os.path.join(policy, "2025年版", "01-算力券和智能券.kuan")
        original = open(rules, encoding="utf-8").read()
        edited = original.replace("单家企业年度上限 = 800万元", "单家企业年度上限 = 790万元")
        stop = threading.Event()

        def flip():
            n = 0
            while not stop.wait(0.5):
                n += 1
                with open(rules, "w", encoding="utf-8") as f:
                    f.write(edited if n % 2 else original)
        flipper = threading.Thread(target=flip)
        flipper.start()
        reload_run = wrk(base + "/v1/evaluate", args.seconds, args.connections, args.wrk_threads, post)
        stop.set()
        flipper.join()
        metrics = urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
        reloads = int(re.search(r"^kuan_reloads_total (\d+)", metrics, re.M).group(1))
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)

    ratio = evaluate["rps"] / health["rps"]
    print(f"kuan serve, {args.threads} server threads, wrk {args.wrk_threads} threads × {args.connections} keep-alive connections, "
          f"{args.seconds} s each, {os.cpu_count()} cores")
    print(f"{'':24} {'requests/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    for name, r in [("GET /health", health), ("POST /v1/evaluate", evaluate), ("evaluate + reloads", reload_run)]:
        print(f"{name:24} {r['rps']:12.0f} {r['p50_us'] / 1000:8.2f} {r['p99_us'] / 1000:8.2f} {r['requests']:9d} {r['errors']:7d}")
    print(f"evaluate / health: {ratio:.2f} (target ≥ {args.min_ratio}); reloads during the third run: {reloads}")
    failed = health["errors"] or evaluate["errors"] or reload_run["errors"] or ratio < args.min_ratio or reloads < 2
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
