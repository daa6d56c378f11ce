#!/usr/bin/env python3
"""Golden tests of Kuan's error messages.

For every tests/golden/errors/NAME.kuan this runs

    KUAN check tests/golden/errors/NAME.kuan

with the source tree as the working directory (so the file name in each
diagnostic is the same relative path on every machine) and compares stderr,
byte for byte, with NAME.expected. The exit status must be 1 when the expected
output holds an error and 0 when it holds only warnings.

    run_golden_errors.py --kuan build/kuan --root .            # check
    run_golden_errors.py --kuan build/kuan --root . --update   # rewrite .expected
    run_golden_errors.py --kuan build/kuan --root . NAME ...   # only these cases (tests/kuan_suite.py)

After --update, read every changed .expected by eye: check the line:column and
that the caret sits under the right characters. A golden file is only worth
something if a person has checked it once.
"""

import os
import re
import subprocess
import sys

from kuan_suite import Suite

GOLDEN_DIR = os.path.join("tests", "golden", "errors")
ERROR_LINE = re.compile(r"^[^\n]*:\d+:\d+: error: ", re.MULTILINE)


def expected_status(expected: str) -> int:
    return 1 if ERROR_LINE.search(expected) else 0


def run_case(kuan: str, root: str, rel_path: str):
    proc = subprocess.run([kuan, "check", rel_path], cwd=root, capture_output=True, timeout=60)
    return proc.returncode, proc.stderr.decode("utf-8", errors="replace")


def main() -> int:
    suite = Suite(__doc__, golden=True)
    args = suite.parse()
    directory = os.path.join(args.root, GOLDEN_DIR)
    cases = sorted(f[: -len(".kuan")] for f in os.listdir(directory) if f.endswith(".kuan"))
    for name in cases:
        if not suite.selected(name):
            continue
        rel_path = os.path.join(GOLDEN_DIR, name + ".kuan").replace(os.sep, "/")
        expected_path = os.path.join(directory, name + ".expected")
        try:
            status, stderr = run_case(args.kuan, args.root, rel_path)
        except subprocess.TimeoutExpired:
            suite.fail(name, "kuan check did not finish within 60 s")
            continue
        # The exit status follows what the golden file holds (1 with an error, else 0).
        golden_text = stderr
        if not suite.update and os.path.exists(expected_path):
            with open(expected_path, encoding="utf-8", newline="") as f:
                golden_text = f.read()
        want = expected_status(golden_text)
        suite.golden(name, expected_path, stderr, also=status == want, detail=f"exit status {status}, expected {want}")
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
