"""What every data-driven test runner shares (golden errors, e2e, explanations,
editions, diff, allocate, REPL transcripts): one command line, one way to
count, one way to compare with a golden file, one last line.

    suite = Suite(__doc__, golden=True)       # golden=True: the suite has .expected files
    suite.parser.add_argument("--seed", …)    # a runner's own options, before suite.parse()
    args = suite.parse()                      # --kuan, --root, --update, [NAME...]
    for case in cases:
        if not suite.selected(case.name): continue
        suite.check(case.name, ok, detail)    # or suite.golden(name, path, actual) when it compares with a file
    sys.exit(suite.finish())                  # "N passed, M failed"; 1 on a failure or when nothing ran

A runner whose checks are the steps of one scenario (a session with a server,
files prepared once) runs the scenario whole and reports each step with
suite.step(name, ok, detail): with NAME filters, only the steps they select count.

Every runner takes the same arguments:
    --kuan PATH   the built kuan command         --root DIR   the source tree
    --update      rewrite the golden files from this run (suites that have them); read the diff by eye
    NAME ...      only the cases whose name contains one of these
A run that checks nothing fails: a suite that silently finds no cases (a moved
folder, a filter that matches nothing) must not pass.
"""
import argparse
import difflib
import os
import sys


class Suite:
    def __init__(self, description=None, golden=False, max_detail=None):
        self.golden_files = golden
        self.max_detail = max_detail  # a failure's detail is cut to this many characters
        self.parser = argparse.ArgumentParser(description=description,
                                              formatter_class=argparse.RawDescriptionHelpFormatter)
        self.parser.add_argument("--kuan", required=True, help="path of the built kuan command")
        self.parser.add_argument("--root", required=True, help="the source tree")
        self.parser.add_argument("--update", action="store_true",
                                 help="rewrite the golden files from this run" if golden else argparse.SUPPRESS)
        self.parser.add_argument("names", nargs="*", help="only the cases whose name contains one of these")
        self.passed = 0
        self.failed = 0
        self.expected_failures = 0
        self.args = None

    def parse(self, argv=None):
        self.args = self.parser.parse_args(argv)
        if self.args.update and not self.golden_files:
            self.parser.error("--update: this suite has no golden files")
        self.args.kuan = os.path.abspath(self.args.kuan)
        self.args.root = os.path.abspath(self.args.root)
        return self.args

    @property
    def update(self):
        return bool(self.args and self.args.update)

    def selected(self, name):
        names = self.args.names if self.args else []
        return not names or any(n in name for n in names)

    def ok(self, name=None):
        self.passed += 1

    def fail(self, name, detail=""):
        self.failed += 1
        detail = "" if detail is None else str(detail)[:self.max_detail]  # 0 or [] says something too
        print(f"FAIL {name}" + (":\n  " + detail.replace("\n", "\n  ") if detail else ""))

    def xfail(self, name, reason):
        self.expected_failures += 1
        print(f"XFAIL {name}: {reason}")

    def check(self, name, condition, detail=""):
        if condition:
            self.ok(name)
        else:
            self.fail(name, detail)
        return bool(condition)

    def step(self, name, condition, detail=""):
        """A check that is one step of a scenario: counted only when a NAME selects it."""
        if not self.selected(name):
            return bool(condition)
        return self.check(name, condition, detail)

    def skip(self, reason):
        """The exit status of a suite that cannot run here (CTest's SKIP_RETURN_CODE 77)."""
        print(f"skipped: {reason}")
        return 77

    def golden(self, name, path, actual, also=True, detail=""):
        """Compares `actual` with the golden file at `path` (or, with --update,
        writes it). `also` is a further condition the case must meet."""
        if self.update:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(actual)
            print(f"updated {os.path.relpath(path, self.args.root)}")
        if not os.path.exists(path):
            return self.check(name, False, f"{path} is missing (run with --update, then read it)")
        with open(path, encoding="utf-8", newline="") as f:
            want = f.read()
        if actual == want:
            return self.check(name, also, detail)
        diff = "".join(difflib.unified_diff(want.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=os.path.basename(path), tofile="this run"))
        return self.check(name, False, (detail + "\n" if detail else "") + diff.rstrip("\n"))

    def finish(self):
        """Prints the last line and returns the exit status."""
        ran = self.passed + self.failed
        extra = f", {self.expected_failures} expected failures" if self.expected_failures else ""
        print(f"{self.passed} passed, {self.failed} failed{extra}")
        if ran == 0:
            print("no case ran: a suite that checks nothing fails", file=sys.stderr)
            return 1
        return 1 if self.failed else 0
