#!/usr/bin/env python3
"""Writes tests/conformance/*.json from the area generators in gen/.

Deterministic: no randomness without a fixed seed, no clock, no reading of any
implementation's output. Expected values come from gen/common.py's model of the
language (Python's decimal). Run it after editing a generator and commit the
JSON it writes:

    python3 tests/conformance/generate.py
"""
import os
import re
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from gen import (units, operators, builtins, rounding, caps, match, conditional, lists,  # noqa: E402
                 optional_facts, editions, diagnostics, periods, brackets, ranges, validation, signed, in_force, refusal,
                 named)
from gen.common import Num  # noqa: E402

AREAS = [units, operators, builtins, rounding, caps, match, conditional, optional_facts, editions, diagnostics, periods,
         brackets, ranges, validation, signed, in_force, refusal, named, lists]


def dump(v, indent=0):
    """JSON text, keeping Num facts as raw JSON numbers; one case per line."""
    pad = "  " * indent
    if isinstance(v, Num):
        return v.text
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, Decimal)):
        return str(v)
    if isinstance(v, str):
        import json
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        if not v:
            return "[]"
        if all(not isinstance(x, (dict, list)) for x in v):
            return "[" + ", ".join(dump(x) for x in v) + "]"
        return "[\n" + ",\n".join(pad + "  " + dump(x, indent + 1) for x in v) + "\n" + pad + "]"
    if isinstance(v, dict):
        # A case (it has an "expect") is written on one line, so a diff shows one case per line.
        if "expect" in v or not any(isinstance(x, (dict, list)) for x in v.values()):
            return "{" + ", ".join(dump(k) + ": " + dump(x) for k, x in v.items()) + "}"
        return "{\n" + ",\n".join(pad + "  " + dump(k) + ": " + dump(x, indent + 1) for k, x in v.items()) + "\n" + pad + "}"
    raise TypeError(type(v))


def update_readme(counts):
    """Keeps the case counts in README.md's table in step with the files."""
    path = os.path.join(HERE, "README.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for name, n in counts.items():
        text = re.sub(rf"^(\| `{name}\.json` \|.*\| )\d+( \|)$", rf"\g<1>{n}\2", text, flags=re.M)
    text = re.sub(r"^Total \d+\.", f"Total {sum(counts.values())}.", text, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    counts = {}
    total = 0
    for area in AREAS:
        groups = area.groups()
        ids = set()
        for g in groups:
            if g.id in ids:
                raise SystemExit(f"{area.NAME}: duplicate group id {g.id}")
            ids.add(g.id)
            cids = [c["id"] for c in g.cases]
            if len(cids) != len(set(cids)):
                raise SystemExit(f"{area.NAME}/{g.id}: duplicate case id")
        doc = {"area": area.NAME, "description": area.DESCRIPTION, "groups": [g.to_json() for g in groups]}
        n = sum(len(g.cases) for g in groups)
        total += n
        with open(os.path.join(HERE, area.NAME + ".json"), "w", encoding="utf-8") as f:
            f.write(dump(doc) + "\n")
        counts[area.NAME] = n
        print(f"{area.NAME}.json: {n} cases")
    update_readme(counts)
    print(f"total: {total} cases")


if __name__ == "__main__":
    main()
