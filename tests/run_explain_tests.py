#!/usr/bin/env python3
"""Golden explanations: `kuan eval --explain` in text and JSON form for the (一)
measures (a failed condition, a binding annual room, a binding stacking ceiling,
a relaxed cap). The JSON form must also carry the same numbers as the result."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kuan", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    kuan = os.path.abspath(a.kuan)
    here = os.path.join(a.root, "tests/golden/explain")
    with open(os.path.join(here, "cases.json")) as f:
        cases = json.load(f)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, case in cases.items():
            facts = os.path.join(tmp, name + ".json")
            with open(facts, "w") as f:
                json.dump(case["facts"], f, ensure_ascii=False)
            for form in ("text", "json"):
                # Paths relative to the root so the golden files do not depend on the checkout.
                r = subprocess.run([kuan, "eval", "policies/hangzhou-ai", "--version", "2025年版", "--measure",
                                    case["measure"], "--facts", facts, "--format", form, "--explain"],
                                   capture_output=True, text=True, cwd=a.root)
                out = r.stdout.replace(facts, "FACTS")
                expected_path = os.path.join(here, f"{name}.{form}.expected")
                if a.update:
                    with open(expected_path, "w") as f:
                        f.write(out)
                with open(expected_path) as f:
                    want = f.read()
                ok = r.returncode == 0 and out == want
                if ok and form == "json":
                    doc = json.loads(out)
                    ex = doc["explanation"]
                    ok = ex["amount"] == doc["amount"] and ex["bound"] == doc["bound"] and ex["eligible"] == doc["eligible"]
                if ok:
                    passed += 1
                else:
                    failed += 1
                    print(f"FAIL {name} ({form}): exit {r.returncode}\n--- got\n{out}{r.stderr}\n--- want\n{want}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
