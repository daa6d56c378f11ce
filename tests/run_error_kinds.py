#!/usr/bin/env python3
"""The same bad inputs through every host, which must agree on each error's kind:
the stable `code` of docs/cli-json.md (bad_line, no_edition, unknown_measure,
unknown_fact, bad_fact, missing_fact, evaluation_error), "ok" when there is none.

Cases: tests/error_kinds/cases.json over the policy tests/error_kinds/policy.
Hosts: the CLI's batch rows (`kuan eval --batch`), `kuan serve` (POST
/v1/evaluate: 200, or 400 with the batch error object), the C++ and the C API
(tests/error_kinds/hosts.cpp, --hosts), Python (the `kuan` module, when
--python-path names the folder of its extension). A new host is one function
added to HOSTS: it takes the cases and returns one kind per case, or a
[kind, fact] pair when the host says which fact an error concerns (None for a
case it cannot express, such as JSON text to a host that takes a dict).
"""
import http.client
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kuan_suite import Suite  # noqa: E402

suite = Suite(__doc__)
suite.parser.add_argument("--hosts", required=True, help="the error_kinds_hosts program (C++ and C API)")
suite.parser.add_argument("--python-path", help="PYTHONPATH for the kuan module; without it Python is not run")
args = suite.parse()
here = os.path.join(args.root, "tests", "error_kinds")
policy = os.path.join(here, "policy")
with open(os.path.join(here, "cases.json"), encoding="utf-8") as f:
    cases = json.load(f)["cases"]


def facts_text(c):
    return c["facts_text"] if "facts_text" in c else json.dumps(c["facts"], ensure_ascii=False)


def batch_line(i, c):
    """The case as one line of `kuan eval --batch` (and a `kuan serve` body)."""
    head = {"id": str(i), "measure": c["measure"]}
    for key in ("as_of", "version"):
        if key in c:
            head[key] = c[key]
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "facts": ' + facts_text(c) + "}"


def cli(cases):
    lines = [batch_line(i, c) for i, c in enumerate(cases)]
    r = subprocess.run([args.kuan, "eval", policy, "--batch", "-", "--no-progress", "--jobs", "1"],
                       input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    if len(rows) != len(cases):
        raise RuntimeError(f"kuan eval --batch gave {len(rows)} rows for {len(cases)} lines: {r.stderr}")
    return [row.get("code", "ok") for row in rows]


def serve(cases):
    proc = subprocess.Popen([args.kuan, "serve", policy, "--addr", "127.0.0.1:0", "--threads", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        m = re.match(r"kuan serve: http://127\.0\.0\.1:(\d+)/", first)
        if not m:
            raise RuntimeError(f"kuan serve: no address line: {first!r}")
        kinds = []
        for i, c in enumerate(cases):
            conn = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=10)
            conn.request("POST", "/v1/evaluate", body=batch_line(i, c).encode("utf-8"),
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            body = json.loads(r.read().decode("utf-8"))
            conn.close()
            if r.status == 200:
                kinds.append("ok")
            elif r.status == 400:
                kinds.append(body.get("code", f"(400 without a code: {body})"))
            else:
                kinds.append(f"(HTTP {r.status}: {body})")
        return kinds
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpp_and_c(cases):
    out = {"C++": [], "C": []}
    for c in cases:
        argv = [args.hosts, policy, c["measure"], facts_text(c)]
        for key in ("as_of", "version"):
            if key in c:
                argv.append(f"{key}={c[key]}")
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        got = dict(part.split("=", 1) for part in r.stdout.split())
        failed = f"(exit {r.returncode}: {r.stderr.strip()})"
        for host, key in (("C++", "cpp"), ("C", "c")):
            out[host].append((got.get(key, failed), got.get(key + "_fact", "-")))
    return out


PYTHON_HOST = r"""
import json, sys, kuan
policy_path, cases = sys.argv[1], json.load(sys.stdin)
policy = kuan.load(policy_path)
kinds = []
for c in cases:
    if "facts" not in c:  # JSON text: Python takes a dict
        kinds.append(None)
        continue
    try:
        ed = (policy.edition_on(c["as_of"]) if "as_of" in c else
              policy.edition(c["version"]) if "version" in c else policy.latest())
        ed.evaluate(c["measure"], c["facts"])
        kinds.append(["ok", "-"])
    except kuan.KuanError as e:
        kinds.append([e.code, e.fact or "-"])
print(json.dumps(kinds))
"""


def python(cases):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([args.python_path, os.path.join(args.root, "python")]))
    r = subprocess.run([sys.executable, "-c", PYTHON_HOST, policy], input=json.dumps(cases), capture_output=True,
                       text=True, env=env, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return json.loads(r.stdout)


HOSTS = {"CLI": cli, "kuan serve": serve, "C++/C": cpp_and_c}
if args.python_path:
    HOSTS["Python"] = python

reported = {}  # host → kinds, one per case
for name, host in HOSTS.items():
    try:
        got = host(cases)
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
        suite.fail(f"host {name}", str(e))
        continue
    for host_name, kinds in (got.items() if isinstance(got, dict) else [(name, got)]):
        reported[host_name] = kinds

for i, c in enumerate(cases):
    if not suite.selected(c["name"]):
        continue
    for host_name, kinds in reported.items():
        got = kinds[i]
        if got is None:
            continue
        kind, fact = (got[0], got[1]) if isinstance(got, (list, tuple)) else (got, None)
        expected = c["kind"] if fact is None or "fact" not in c else f"{c['kind']} (fact {c['fact']})"
        actual = kind if fact is None or "fact" not in c else f"{kind} (fact {fact})"
        suite.check(f"{c['name']} [{host_name}]", actual == expected, f"expected {expected}, got {actual}")
sys.exit(suite.finish())
