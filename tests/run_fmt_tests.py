#!/usr/bin/env python3
"""`kuan fmt` end to end, through the built binary, on temporary copies of the
shipped policy: a copy with its layout stripped is reported by --check (exit 1,
a unified diff on stdout) and formats back to the shipped files byte for byte;
a copy formatted narrow (--width 40, so most 若/按 wrap) gives the same result on
every 例, the same `eval --batch` output on examples/applications.jsonl and the
same `allocate` decisions on examples/year-2025.jsonl as the original; `-` formats stdin; a file with a syntax error is left alone (exit 2)."""
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=2000)
check = SUITE.step  # the checks are steps of scenarios run whole


def run(kuan, *args, stdin=None):
    r = subprocess.run([kuan, *args], capture_output=True, text=True, input=stdin)
    return r.returncode, r.stdout, r.stderr


def strip_layout(text):
    """Every run of blanks outside strings and comments made one space, and every
    line's indentation removed (except inside a multi-line 「…」)."""
    out = []
    closing = None  # the closing quote while inside a string
    comment = False
    line_start = True
    pending = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\n":
            comment = False
            if closing is None:
                line_start, pending = True, False
            out.append(c)
        elif closing is not None or comment:
            if closing == '"' and c == "\\" and i + 1 < len(text):
                out.append(text[i:i + 2])
                i += 2
                continue
            if c == closing:
                closing = None
            out.append(c)
        elif c in " \t":
            pending = not line_start
        else:
            if pending:
                out.append(" ")
            pending = line_start = False
            if c == "#":
                comment = True
            closing = {'"': '"', "「": "」", "“": "”"}.get(c)
            out.append(c)
        i += 1
    return "".join(out)


def rule_files(root):
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".kuan"):
                yield os.path.join(d, f)


def same_tree(a, b):
    diffs = []
    for f in rule_files(a):
        g = os.path.join(b, os.path.relpath(f, a))
        if not os.path.exists(g) or not filecmp.cmp(f, g, shallow=False):
            diffs.append(os.path.relpath(f, a))
    return diffs


def results(kuan, policy, root):
    """What the policy computes: every 例, and the batch of applications under both editions."""
    out = {}
    code, stdout, stderr = run(kuan, "test", "--verbose", policy)
    # Places in the rule files are stripped: a narrow layout moves them.
    out["test"] = (code, re.sub(r"^\S+\.kuan:\d+:\d+: ", "", stdout.replace(policy, "POLICY"), flags=re.M), stderr)
    batch = os.path.join(root, "examples", "applications.jsonl")
    for edition in (["--as-of", "2025-07-01"], ["--version", "2026年版"]):
        out[" ".join(edition)] = run(kuan, "eval", policy, *edition, "--batch", batch)
    # The year's applications allocated together (pools, quotas, yearly totals).
    with tempfile.TemporaryDirectory(prefix="kuan_fmt_alloc_") as tmp:
        decisions = os.path.join(tmp, "decisions.jsonl")
        code, stdout, stderr = run(kuan, "allocate", policy, "--version", "2025年版", "--in",
                                   os.path.join(root, "examples", "year-2025.jsonl"), "--out", decisions)
        with open(decisions, encoding="utf-8") as fh:
            out["allocate"] = (code, fh.read(), stderr.replace(policy, "POLICY"))
    return out


def main():
    args = SUITE.parse()
    kuan, root = args.kuan, args.root
    shipped = os.path.join(root, "policies", "hangzhou-ai")

    with tempfile.TemporaryDirectory(prefix="kuan_fmt_") as tmp:
        # 1. Stripped of its layout, the policy is reported, then formatted back exactly.
        stripped = os.path.join(tmp, "stripped")
        shutil.copytree(shipped, stripped)
        changed = 0
        for f in rule_files(stripped):
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            new = strip_layout(text)
            changed += new != text
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(new)
        check("stripping changed files", changed >= 10, changed)
        code, out, err = run(kuan, "fmt", "--check", stripped)
        check("--check on an unformatted policy exits 1", code == 1, (code, err))
        check("--check prints a unified diff", out.startswith("--- ") and "\n+++ " in out and "\n@@ -" in out, out[:500])
        check("--check leaves the files alone", len(same_tree(shipped, stripped)) == changed)
        code, out, err = run(kuan, "fmt", stripped)
        check("fmt rewrites in place", code == 0 and out == "", (code, out, err))
        check("stripped policy formats back to the shipped files", same_tree(shipped, stripped) == [],
              same_tree(shipped, stripped))
        code, out, err = run(kuan, "fmt", "--check", stripped)
        check("--check after fmt exits 0", code == 0 and out == "", (code, out, err))

        # 2. Wrapped narrow, the policy computes exactly what the shipped one does.
        narrow = os.path.join(tmp, "narrow")
        shutil.copytree(shipped, narrow)
        code, out, err = run(kuan, "fmt", "--width", "40", narrow)
        check("fmt --width 40", code == 0, (code, err))
        rewrapped = same_tree(shipped, narrow)
        check("narrow layout wraps lines", len(rewrapped) >= 5, rewrapped)
        code, out, err = run(kuan, "fmt", "--check", "--width", "40", narrow)
        check("narrow layout is idempotent", code == 0 and out == "", out[:1000])
        want, got = results(kuan, shipped, root), results(kuan, narrow, root)
        check("shipped 例 all pass", re.search(r"^[1-9]\d* passed, 0 failed$", want["test"][1], re.M), want["test"])
        check("each 例 is listed", len(re.findall(r"^ok: ", want["test"][1], re.M)) >= 100, want["test"][1][:300])
        check("allocation decided", want["allocate"][0] == 0 and want["allocate"][1].count("\n") >= 5, want["allocate"])
        for key in want:
            check(f"same results: {key}", want[key] == got[key], (want[key][1][:500], got[key][1][:500]))

        # 3. Standard input to standard output.
        one = next(iter(rule_files(shipped)))
        with open(one, encoding="utf-8") as fh:
            text = fh.read()
        code, out, err = run(kuan, "fmt", "-", stdin=strip_layout(text))
        check("fmt - formats stdin to stdout", code == 0 and out == text, (code, err))
        code, out, err = run(kuan, "fmt", "--check", "-", stdin=strip_layout(text))
        check("fmt --check - reports stdin", code == 1 and out.startswith("--- <stdin>"), (code, out[:200]))

        # 4. A syntax error: a diagnostic, exit 2, the file untouched.
        bad = os.path.join(tmp, "bad.kuan")
        with open(bad, "w", encoding="utf-8") as fh:
            fh.write("参数 a =   \n")
        code, out, err = run(kuan, "fmt", bad)
        check("syntax error exits 2", code == 2 and f"{bad}:2:1: error:" in err, (code, err))
        with open(bad, encoding="utf-8") as fh:
            check("syntax error leaves the file alone", fh.read() == "参数 a =   \n")
        code, out, err = run(kuan, "fmt", os.path.join(tmp, "missing.kuan"))
        check("missing file exits 2", code == 2 and "missing.kuan" in err, (code, err))
        code, out, err = run(kuan, "fmt", "--width", "abc", stripped)
        check("bad --width exits 2", code == 2 and "--width" in err, (code, err))

        # 5. A folder with entries that cannot be looked at: a symlink loop, a dangling
        # link are no rule files; a *.kuan loop is said; the rule files are formatted.
        odd = os.path.join(tmp, "odd")
        os.makedirs(os.path.join(odd, "v"))
        with open(os.path.join(odd, "v", "a.kuan"), "w", encoding="utf-8") as fh:
            fh.write("参数 a=1元\n")
        os.symlink("loop", os.path.join(odd, "v", "loop"))
        os.symlink("nowhere", os.path.join(odd, "v", "dangling"))
        os.symlink("nowhere", os.path.join(odd, "v", ".#a.kuan"))
        code, out, err = run(kuan, "fmt", odd)
        with open(os.path.join(odd, "v", "a.kuan"), encoding="utf-8") as fh:
            check("a symlink loop in a folder: no internal error, the rule file formatted",
                  code == 0 and err == "" and fh.read() == "参数 a = 1元\n", (code, err))
        os.symlink("self.kuan", os.path.join(odd, "v", "self.kuan"))
        code, out, err = run(kuan, "fmt", "--check", odd)
        check("a *.kuan symlink loop is said (exit 2), not an internal error (70)",
              code == 2 and "self.kuan" in err and "内部错误" not in err, (code, err))

    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
