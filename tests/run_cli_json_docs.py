#!/usr/bin/env python3
"""docs/cli-json.md documents every field the `kuan` command writes as JSON (issue 26).

Runs each command that writes JSON on inputs that make its fields appear (eval with
and without --measure, --explain, --batch with bad lines and --pass-through; allocate's
decisions and --summary; check, test, measures, diff), collects every member name at
every depth, and checks that the section of docs/cli-json.md for that command names
it. A field added to a renderer without a line in the docs fails here.

Usage: run_cli_json_docs.py --kuan PATH --root REPO [NAME...]   (tests/kuan_suite.py)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=800)


def run(args, stdin=b"", cwd=None):
    r = subprocess.run([SUITE.args.kuan] + args, input=stdin, capture_output=True, timeout=300, cwd=cwd)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8", "replace")


def members(value, path, found):
    """Every member name under value, with one path where it was seen."""
    if isinstance(value, dict):
        for k, v in value.items():
            found.setdefault(k, path)
            members(v, path + "." + k, found)
    elif isinstance(value, list):
        for v in value:
            members(v, path + "[]", found)
    return found


def sections(doc):
    """'## heading' → its text up to the next '## ' heading."""
    parts = re.split(r"^## ", doc, flags=re.M)
    return {p.splitlines()[0]: p for p in parts[1:]}


def section(secs, starts):
    hits = [text for head, text in secs.items() if head.startswith(starts)]
    return hits[0] if len(hits) == 1 else None


def named(text):
    """The names a section gives as field names: in `code`, in {a, b} lists, as "name": in examples."""
    spans = re.findall(r"`([^`]+)`", text) + re.findall(r"\{([^{}\n]*)\}", text) + re.findall(r'"([A-Za-z_]+)":', text)
    return {w for span in spans for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)}


def check_documented(what, text, found, at_least):
    SUITE.check(f"{what}: the docs have its section", text is not None)
    SUITE.check(f"{what}: the run wrote the fields it is meant to exercise", at_least <= set(found),
                sorted(at_least - set(found)))
    if text is None:
        return
    documented = named(text)
    missing = {k: p for k, p in found.items() if k not in documented}
    SUITE.check(f"{what}: every field is documented ({len(found)} seen)", not missing,
                "not in docs/cli-json.md: " + ", ".join(f"{k} (at {p})" for k, p in sorted(missing.items())))


def main():
    a = SUITE.parse()
    policy = os.path.join(a.root, "policies/hangzhou-ai")
    secs = sections(open(os.path.join(a.root, "docs/cli-json.md"), encoding="utf-8").read())
    v25 = ["--version", "2025年版"]
    with tempfile.TemporaryDirectory() as tmp:
        year = os.path.join(tmp, "year.jsonl")
        with open(year, "w", encoding="utf-8") as f:
            subprocess.run([sys.executable, os.path.join(a.root, "tools/bench/gen_allocate.py"), "400", "--seed", "7"],
                           stdout=f, check=True)
        apps = [json.loads(l) for l in open(year, encoding="utf-8")]

        # kuan eval, one measure: single, --explain, and a batch with bad lines, as_of and pass-through.
        found = {}
        app = os.path.join(tmp, "app.json")
        with open(app, "w", encoding="utf-8") as f:
            f.write('{"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"}')
        code, out, err = run(["eval", policy] + v25 + ["--measure", "算力券", "--facts", app, "--explain", "--format", "json"])
        SUITE.check("eval --explain --format json", code == 0, err)
        members(json.loads(out), "", found)
        batch = "".join(json.dumps({"id": x["id"], "measure": x["measure"], "facts": x["facts"], "row": i},
                                   ensure_ascii=False) + "\n" for i, x in enumerate(apps))
        batch += '{"id":"bad-1","measure":"算力卷","facts":{}}\nnot json\n'
        batch += '{"id":"used-up","measure":"算力券","facts":{"合同金额":"1万元","采购类型":"算力服务","算力设施档位":"一档","本年度已申领算力券":"800万元"}}\n'
        batch += '{"id":"asof","as_of":"2025-07-01","measure":"算力券","facts":{"合同金额":"1万元","采购类型":"算力服务","算力设施档位":"一档"}}\n'
        code, out, err = run(["eval", policy] + v25 + ["--batch", "-", "--explain", "--pass-through", "--no-progress"],
                             batch.encode())
        SUITE.check("eval --batch --explain --pass-through", out.count("\n") == len(apps) + 4, err[-300:])
        for line in out.splitlines():
            members({k: v for k, v in json.loads(line).items() if k != "row"}, "", found)
        check_documented("kuan eval --measure", section(secs, "`kuan eval` (single"), found,
                         {"id", "eligible", "amount", "reasons", "bound", "notes", "explanation", "line", "code", "error",
                          "conditions", "rate", "base", "computed", "caps", "rounding", "choices", "when", "room"})

        # kuan eval without --measure: the whole application.
        found = {}
        needs = os.path.join(tmp, "needs.json")
        with open(needs, "w", encoding="utf-8") as f:
            f.write('{"合同金额": "120万元"}')
        for facts in (os.path.join(a.root, "examples/算力券-中小企业.json"), app, needs):
            code, out, err = run(["eval", policy] + v25 + ["--facts", facts, "--format", "json"])
            SUITE.check(f"eval (whole application) {os.path.basename(facts)}", code == 0, err)
            members(json.loads(out), "", found)
        check_documented("kuan eval without --measure", section(secs, "`kuan eval` without"), found,
                         {"results", "status", "needs"})

        # kuan allocate: the decisions and --summary.
        found = {}
        summary = os.path.join(tmp, "summary.json")
        code, out, err = run(["allocate", policy] + v25 + ["--in", year, "--summary", summary, "--no-progress"])
        SUITE.check("allocate", code == 0, err[-300:])
        for line in out.splitlines():
            members(json.loads(line), "", found)
        members(json.load(open(summary, encoding="utf-8")), "summary", found)
        check_documented("kuan allocate", section(secs, "`kuan allocate`"), found,
                         {"allocated", "cap_room_used", "pro_rata", "extra_cent", "quota_rank", "pools", "quotas",
                          "cutoff_score", "remainder_cents", "not_selected"})

        # kuan check, test, measures, diff.
        broken = os.path.join(tmp, "broken.kuan")
        with open(broken, "w", encoding="utf-8") as f:
            f.write("事实 {\n  甲: 金额\n}\n措施 乙 {\n  金额 = 丙\n}\n")
        found = {}
        for target in (policy, broken):
            code, out, err = run(["check", target, "--format", "json"])
            members(json.loads(out), "", found)
        check_documented("kuan check", section(secs, "`kuan check"), found, {"diagnostics", "editions", "severity"})
        found = {}
        code, out, err = run(["test", policy, "--format", "json"])
        members(json.loads(out), "", found)
        check_documented("kuan test", section(secs, "`kuan test"), found, {"examples", "detail"})
        found = {}
        code, out, err = run(["measures", policy, "--format", "json"])
        members(json.loads(out), "", found)
        check_documented("kuan measures", section(secs, "`kuan measures"), found, {"clauses", "facts", "requirement"})
        found = {}
        code, out, err = run(["diff", policy, "2025年版", "2026年版", "--batch", os.path.join(a.root, "examples/applications.jsonl"),
                              "--format", "json"])
        SUITE.check("diff --format json", code == 0, err)
        members(json.loads(out), "", found)
        check_documented("kuan diff", section(secs, "`kuan diff"), found, {"changes", "applications", "delta"})
    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
