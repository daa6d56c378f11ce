#!/usr/bin/env bash
# The main job: install, build, check the shipped 2025 policy, run its examples,
# evaluate the sample applications in examples/ (one application, a batch),
# allocate a small year of applications together, and evaluate from Python.
set -euo pipefail
cd "$(dirname "$0")"
./install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target kuan _kuan   # the CLI and the Python module
policy=policies/hangzhou-ai
build/kuan check "$policy"
build/kuan test "$policy"
echo "== kuan eval $policy --version 2025年版 --measure 算力券 --facts examples/算力券-中小企业.json"
build/kuan eval "$policy" --version 2025年版 --measure 算力券 --facts examples/算力券-中小企业.json --format text --explain
echo "== kuan eval $policy --version 2025年版 --batch examples/applications.jsonl"
build/kuan eval "$policy" --version 2025年版 --batch examples/applications.jsonl
echo "== kuan allocate $policy --version 2025年版 --in examples/year-2025.jsonl"
build/kuan allocate "$policy" --version 2025年版 --in examples/year-2025.jsonl
echo "== the same application from Python (the kuan module built above)"
PYTHONPATH=build:python /usr/bin/python3 -c '
import json, kuan
ed = kuan.load("policies/hangzhou-ai").edition("2025年版")
facts = json.load(open("examples/算力券-中小企业.json", encoding="utf-8"))
print(ed.evaluate("算力券", facts))'
