#!/usr/bin/env python3
"""Whole-application evaluation (`kuan eval` without --measure, a batch line
without "measure") against the single-measure command, case by case.

For every application (the facts of examples/*.jsonl and a few written here):
  - each eligible / not eligible entry of the whole result is exactly what
    `kuan eval --measure M --format json` prints for it, with "status" added;
  - each needs_facts entry is a measure for which `--measure M` fails with exit 2
    and a message naming every fact in "needs";
  - every measure that reads one of the facts given has exactly one entry, the
    others none; entries are ordered eligible, not eligible, needs_facts, error;
  - the batch line without "measure" gives the same object (with its "id");
  - --format text lists the same measures under the same headings.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from kuan_suite import Suite

ORDER = {"eligible": 0, "not_eligible": 1, "needs_facts": 2, "error": 3}
HEADINGS = {"eligible": "【可申请】", "not_eligible": "【不可申请】", "needs_facts": "【缺少事实】", "error": "【无法计算】"}


def run(kuan, args, stdin=None):
    p = subprocess.run([kuan] + args, input=stdin, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    suite = Suite(__doc__)
    args = suite.parse()
    root = Path(args.root)
    policy = str(root / "policies/hangzhou-ai")
    version = "2025年版"
    facts_sets = []
    for path in sorted((root / "examples").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                facts_sets.append(json.loads(line, parse_float=str)["facts"])
    facts_sets += [
        {"合同金额": "100万元", "采购类型": "模型服务", "模型已备案": False, "智能券档位": "一档", "申请主体": "高校"},
        {"合同金额": "120万元"},
        {"中小企业": True},
    ]
    code, out, err = run(args.kuan, ["measures", policy, "--version", version, "--format", "json"])
    catalogue = json.loads(out)["editions"][0]
    measure_facts = {}
    for clause in catalogue["clauses"]:
        for m in clause["measures"]:
            measure_facts[m["name"]] = {f["name"] for f in m["facts"]}
    for m in catalogue.get("other_measures", []):
        measure_facts[m["name"]] = {f["name"] for f in m["facts"]}

    with tempfile.TemporaryDirectory() as tmp:
        for n, facts in enumerate(facts_sets):
            name = f"application {n}"
            if not suite.selected(name):
                continue
            facts_path = Path(tmp) / f"app{n}.json"
            facts_path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
            code, out, err = run(args.kuan, ["eval", policy, "--version", version, "--facts", str(facts_path)])
            if not suite.check(f"{name}: exit 0", code == 0, err):
                continue
            whole = json.loads(out, parse_float=str)
            results = whole["results"]
            suite.check(f"{name}: version", whole["version"] == version, whole)
            concerned = [m for m, fs in measure_facts.items() if fs & set(facts)]
            listed = [r["measure"] for r in results]
            suite.check(f"{name}: one entry per measure the facts concern", sorted(listed) == sorted(concerned),
                        f"listed {listed}, concerned {concerned}")
            ranks = [ORDER[r["status"]] for r in results]
            suite.check(f"{name}: ordered by status", ranks == sorted(ranks), ranks)
            for r in results:
                m = r["measure"]
                code, single, err = run(args.kuan, ["eval", policy, "--version", version, "--measure", m,
                                                    "--facts", str(facts_path)])
                if r["status"] in ("eligible", "not_eligible"):
                    expected = json.loads(single, parse_float=str) if code == 0 else None
                    got = dict(r)
                    status = got.pop("status")
                    suite.check(f"{name}: {m} as --measure prints it", code == 0 and got == expected and
                                status == ("eligible" if expected["eligible"] else "not_eligible"),
                                f"whole: {r}\nsingle (exit {code}): {single}{err}")
                elif r["status"] == "needs_facts":
                    suite.check(f"{name}: {m} needs {r['needs']}",
                                code == 2 and r["needs"] and all(f in err for f in r["needs"]),
                                f"single exit {code}: {err}")
                else:
                    suite.check(f"{name}: {m} error as --measure", code == 2 and r["error"].split("(")[0] in err, err)
            line = json.dumps({"id": f"x{n}", "facts": facts}, ensure_ascii=False)
            code, out, err = run(args.kuan, ["eval", policy, "--version", version, "--batch", "-", "--no-progress"],
                                 stdin=line + "\n")
            batch = json.loads(out, parse_float=str) if code == 0 and out.count("\n") == 1 else None
            suite.check(f"{name}: batch line without measure", batch == {"id": f"x{n}", **whole}, f"{code} {out}{err}")
            code, text, err = run(args.kuan, ["eval", policy, "--version", version, "--facts", str(facts_path),
                                              "--format", "text"])
            positions = [text.find(HEADINGS[r["status"]]) for r in results]
            ok = code == 0 and all(p >= 0 for p in positions) and all(
                text.find("\n" + r["measure"] + " ", positions[i]) > positions[i] for i, r in enumerate(results))
            suite.check(f"{name}: text lists each under its heading", ok, text)
    sys.exit(suite.finish())


if __name__ == "__main__":
    main()
