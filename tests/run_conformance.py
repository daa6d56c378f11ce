#!/usr/bin/env python3
"""Runs the language conformance suite (tests/conformance/*.json, format in
tests/conformance/README.md) against the built `kuan` command.

Each group's rule files are written to a temporary policy folder; its `check`
cases share one `kuan check FOLDER`, and its evaluation cases go through one
`kuan eval FOLDER --version V --batch FILE` per edition (or --as-of date), so
the suite costs a process per group, not per case.

    python3 tests/run_conformance.py --kuan build/kuan --root . [--only AREA] [-v] [NAME...]
(NAME: cases whose "area/group/case" contains it; the options all runners share: tests/kuan_suite.py)
"""
import fnmatch
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

from kuan_suite import Suite

# Cases the current kuan gets wrong and that are reported to the lead; a case
# listed here is still run: its failure is counted apart, and if it passes
# the runner says so (the entry should then be removed).
# "area/group/case" (shell-style wildcards allowed): "why"
KNOWN_FAILURES = {}  # pattern → why; empty: every case must pass


def known_failure(key):
    """The KNOWN_FAILURES entry that covers this case, or None."""
    for pattern in KNOWN_FAILURES:
        if fnmatch.fnmatchcase(key, pattern):
            return pattern
    return None

DIAG = re.compile(r"^(.*?):(\d+):(\d+): (error|warning): (.*)$")
RULE_AT = re.compile(r"(规则位置 (.*):(\d+):(\d+))")


class RawNumber(str):
    """A JSON number from a case file, kept as its text (1.20 stays 1.20, 1.2e5 stays 1.2e5)."""


def facts_json(facts):
    """The facts object as JSON text; numbers keep their exact text."""
    def value(v):
        if isinstance(v, RawNumber):
            return str(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return "null"
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):  # a list fact: an array of objects (or, in error cases, of anything)
            return "[" + ",".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + value(x) for k, x in v.items()) + "}"
        raise TypeError(f"fact value {v!r}")
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + value(v) for k, v in facts.items()) + "}"


def same_file(actual, expected):
    a = actual.replace("\\", "/")
    return a == expected or a.endswith("/" + expected)


def compare_result(exp, out):
    """'' when the result line `out` (parsed JSON) meets `exp`, else why not."""
    if exp.get("error") == "no_edition":
        return f"expected no edition in force, got: {json.dumps(out, ensure_ascii=False)}"
    if "error" in exp:
        if "error" not in out:
            return f"expected {exp['error']}, got a result: {json.dumps(out, ensure_ascii=False)}"
        msg = out["error"]
        at = RULE_AT.search(msg)
        kind = "evaluation_error" if at else "bad_facts"
        if exp["error"] == "invalid_application":  # a 校验 failed: the line's code says so
            kind = out.get("code")
        if kind != exp["error"]:
            return f"expected {exp['error']}, got {kind}: {msg}"
        if exp.get("message") and exp["message"] not in msg:
            return f"message lacks {exp['message']!r}: {msg}"
        if kind in ("evaluation_error", "invalid_application") and "line" in exp:
            where = (at.group(2), int(at.group(3)), int(at.group(4)))
            if not same_file(where[0], exp["file"]) or where[1:] != (int(exp["line"]), int(exp["column"])):
                return f"expected position {exp['file']}:{exp['line']}:{exp['column']}, got {where[0]}:{where[1]}:{where[2]}"
        return ""
    if "error" in out:
        return f"unexpected error: {out['error']}"
    problems = []
    if out.get("eligible") != exp["eligible"]:
        problems.append(f"eligible {out.get('eligible')} (expected {exp['eligible']})")
    if out.get("amount") != exp["amount"]:
        problems.append(f"amount {out.get('amount')} (expected {exp['amount']})")
    if "bound" in exp and out.get("bound") != exp["bound"]:
        problems.append(f"bound {out.get('bound')} (expected {exp['bound']})")
    if "reasons" in exp:
        got = out.get("reasons", [])
        if len(got) != len(exp["reasons"]) or any(e not in g for e, g in zip(exp["reasons"], got)):
            problems.append(f"reasons {got} (expected {exp['reasons']})")
    if "figures" in exp and out.get("figures") != exp["figures"]:  # 结果: null means none
        problems.append(f"figures {out.get('figures')} (expected {exp['figures']})")
    if "version" in exp and out.get("version") != exp["version"]:
        problems.append(f"version {out.get('version')} (expected {exp['version']})")
    return "; ".join(problems)


def compare_check(exp, code, stderr):
    diags = []
    for line in stderr.splitlines():
        m = DIAG.match(line)
        if m:
            diags.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5)))
    errors = [d for d in diags if d[3] == "error"]
    if exp.get("ok"):
        if code != 0 or errors:
            return f"expected a clean check, got exit {code}: {stderr.strip()[:600]}"
        if exp.get("warning") and not any(d[3] == "warning" and exp["warning"] in d[4] for d in diags):
            return f"expected a warning containing {exp['warning']!r}: {stderr.strip()[:600]}"
        return ""
    if code != 1:
        return f"expected exit 1 with check errors, got exit {code}: {stderr.strip()[:600]}"
    want = (int(exp["line"]), int(exp["column"]))
    for f, line, col, _, msg in errors:
        if same_file(f, exp["file"]) and (line, col) == want and exp["message"] in msg:
            return ""
    shown = "\n    ".join(f"{f}:{l}:{c}: {m}" for f, l, c, _, m in errors) or stderr.strip()[:600]
    return f"no error at {exp['file']}:{want[0]}:{want[1]} containing {exp['message']!r}; got:\n    {shown}"


def run_group(kuan, group):
    """Yields (case id, problem or '')."""
    with tempfile.TemporaryDirectory(prefix="kuan-conf-") as tmp:
        for path, text in group["files"].items():
            full = os.path.join(tmp, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as f:
                f.write(text)
        checks = [c for c in group["cases"] if c.get("check")]
        evals = [c for c in group["cases"] if not c.get("check")]
        if checks:
            r = subprocess.run([kuan, "check", tmp], capture_output=True, text=True)
            for c in checks:
                yield c["id"], compare_check(c["expect"], r.returncode, r.stderr)
        # One batch per edition selector, in the cases' order.
        batches = {}
        for c in evals:
            sel = ("--as-of", c["as_of"]) if "as_of" in c else ("--version", c.get("version", group["version"]))
            batches.setdefault(sel, []).append(c)
        for (opt, val), cases in batches.items():
            lines = []
            for i, c in enumerate(cases):
                facts = c["facts_text"] if "facts_text" in c else facts_json(c["facts"])
                lines.append(json.dumps({"id": f"c{i}", "measure": c["measure"]}, ensure_ascii=False)[:-1]
                             + ',"facts":' + facts + "}")
            batch = os.path.join(tmp, "batch.jsonl")
            with open(batch, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            r = subprocess.run([kuan, "eval", tmp, opt, val, "--batch", batch], capture_output=True, text=True)
            outs = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
            if r.returncode == 2 and not outs and any(c["expect"].get("error") == "no_edition" for c in cases):
                for c in cases:
                    ok = c["expect"].get("error") == "no_edition"
                    yield c["id"], "" if ok else f"no edition was chosen: {r.stderr.strip()[:300]}"
                continue
            if r.returncode not in (0, 2) or len(outs) != len(cases):
                why = f"kuan eval exited {r.returncode} with {len(outs)} result lines for {len(cases)} cases: {r.stderr.strip()[:800]}"
                for k, c in enumerate(cases):
                    yield c["id"], why if k == 0 else "(the same kuan eval run as the case above)"
                continue
            for c, out in zip(cases, outs):
                yield c["id"], compare_result(c["expect"], out)


def main():
    suite = Suite(__doc__)
    suite.parser.add_argument("--only", help="run one area (file name without .json)")
    suite.parser.add_argument("-v", "--verbose", action="store_true")
    args = suite.parse()
    files = sorted(glob.glob(os.path.join(args.root, "tests", "conformance", "*.json")))
    seen_known = set()
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f, parse_float=RawNumber, parse_int=RawNumber)
        area = doc["area"]
        if args.only and area != args.only:
            continue
        for group in doc["groups"]:
            for cid, problem in run_group(args.kuan, group):
                key = f"{area}/{group['id']}/{cid}"
                if not suite.selected(key):
                    continue
                pattern = known_failure(key)
                if pattern:
                    seen_known.add(pattern)
                    if problem:
                        suite.xfail(key, f"{problem} (KNOWN_FAILURES in {os.path.basename(__file__)})")
                    else:
                        suite.ok(key)
                        print(f"FIXED {key}: passes now; remove it from KNOWN_FAILURES")
                elif suite.check(key, not problem, problem) and args.verbose:
                    print(f"ok   {key}")
    for key in sorted(set(KNOWN_FAILURES) - seen_known):
        if not args.only and not args.names:
            print(f"note: KNOWN_FAILURES lists {key}, which is not in the suite")
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
