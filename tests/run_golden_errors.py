#!/usr/bin/env python3
"""Golden tests of Kuan's error messages.

For every tests/golden/errors/NAME.kuan this runs

    KUAN check tests/golden/errors/NAME.kuan

and for every folder tests/golden/errors/NAME/ (a policy of several editions,
for errors across editions) `KUAN check tests/golden/errors/NAME`,

with the source tree as the working directory (so the file name in each
diagnostic is the same relative path on every machine) and compares stderr,
byte for byte, with NAME.expected. The exit status must be 1 when the expected
output holds an error and 0 when it holds only warnings.

    run_golden_errors.py --kuan build/kuan --root .            # check
    run_golden_errors.py --kuan build/kuan --root . --update   # rewrite .expected
    run_golden_errors.py --kuan build/kuan --root . NAME ...   # only these cases

After --update, read every changed .expected by eye: check the line:column and
that the caret sits under the right characters. A golden file is only worth
something if a person has checked it once.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys

GOLDEN_DIR = os.path.join("tests", "golden", "errors")
ERROR_LINE = re.compile(r"^[^\n]*:\d+:\d+: error: ", re.MULTILINE)


def expected_status(expected: str) -> int:
    return 1 if ERROR_LINE.search(expected) else 0


def run_case(kuan: str, root: str, rel_path: str):
    proc = subprocess.run([kuan, "check", rel_path], cwd=root, capture_output=True, timeout=60)
    return proc.returncode, proc.stderr.decode("utf-8", errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kuan", required=True, help="path of the built kuan CLI")
    parser.add_argument("--root", required=True, help="the source directory (holds tests/golden/errors)")
    parser.add_argument("--update", action="store_true", help="regenerate the .expected files")
    parser.add_argument("names", nargs="*", help="run only these cases (NAME, without .kuan)")
    args = parser.parse_args()

    kuan = os.path.abspath(args.kuan)
    root = os.path.abspath(args.root)
    directory = os.path.join(root, GOLDEN_DIR)
    cases = sorted(f[: -len(".kuan")] if f.endswith(".kuan") else f for f in os.listdir(directory)
                   if f.endswith(".kuan") or os.path.isdir(os.path.join(directory, f)))
    if args.names:
        unknown = sorted(set(args.names) - set(cases))
        if unknown:
            print("no such golden case: " + ", ".join(unknown), file=sys.stderr)
            return 2
        cases = [c for c in cases if c in args.names]
    if not cases:
        print("no golden cases in " + directory, file=sys.stderr)
        return 1

    passed = failed = 0
    for name in cases:
        folder = os.path.isdir(os.path.join(directory, name))
        rel_path = os.path.join(GOLDEN_DIR, name if folder else name + ".kuan").replace(os.sep, "/")
        expected_path = os.path.join(directory, name + ".expected")
        try:
            status, stderr = run_case(kuan, root, rel_path)
        except subprocess.TimeoutExpired:
            print(f"FAIL {name}: kuan check did not finish within 60 s")
            failed += 1
            continue

        if args.update:
            with open(expected_path, "w", encoding="utf-8", newline="") as f:
                f.write(stderr)
            print(f"updated {name}.expected (exit status {status})")
            passed += 1
            continue

        if not os.path.exists(expected_path):
            print(f"FAIL {name}: {name}.expected is missing (run with --update, then read it)")
            failed += 1
            continue
        with open(expected_path, encoding="utf-8", newline="") as f:
            expected = f.read()

        problems = []
        if stderr != expected:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                stderr.splitlines(keepends=True),
                fromfile=f"{name}.expected",
                tofile=f"kuan check {rel_path} (stderr)",
            )
            problems.append("stderr differs:\n" + "".join(diff).rstrip("\n"))
        want = expected_status(expected)
        if status != want:
            problems.append(f"exit status {status}, expected {want}")
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            passed += 1

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
