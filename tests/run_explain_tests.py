#!/usr/bin/env python3
"""Golden explanations: `kuan eval --explain` in text and JSON form for the (一)
measures (a failed condition, a binding annual room, a binding stacking ceiling,
a relaxed cap), and for a case's own "policy"/"version" when it names one (a
count limit's refusal with its numbers, examples/科研项目限项). The JSON form must
also carry the same numbers as the result."""
import json
import os
import subprocess
import sys
import tempfile

from kuan_suite import Suite

def main():
    suite = Suite(__doc__, golden=True)
    a = suite.parse()
    kuan = a.kuan
    here = os.path.join(a.root, "tests/golden/explain")
    with open(os.path.join(here, "cases.json")) as f:
        cases = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        for name, case in cases.items():
            if not suite.selected(name):
                continue
            facts = os.path.join(tmp, name + ".json")
            with open(facts, "w") as f:
                json.dump(case["facts"], f, ensure_ascii=False)
            for form in ("text", "json"):
                # Paths relative to the root so the golden files do not depend on the checkout.
                r = subprocess.run([kuan, "eval", case.get("policy", "policies/hangzhou-ai"), "--version",
                                    case.get("version", "2025年版"), "--measure",
                                    case["measure"], "--facts", facts, "--format", form, "--explain"],
                                   capture_output=True, text=True, cwd=a.root)
                out = r.stdout.replace(facts, "FACTS")
                expected_path = os.path.join(here, f"{name}.{form}.expected")
                ok = r.returncode == 0
                if ok and form == "json":
                    doc = json.loads(out)
                    ex = doc["explanation"]
                    ok = ex["amount"] == doc["amount"] and ex["bound"] == doc["bound"] and ex["eligible"] == doc["eligible"]
                suite.golden(f"{name} ({form})", expected_path, out, also=ok,
                             detail=f"exit {r.returncode}; the explanation must carry the result's numbers\n{r.stderr}")
    sys.exit(suite.finish())

if __name__ == "__main__":
    main()
