#!/usr/bin/env bash
# The main job: install, build, check the shipped 2025 policy, run its examples,
# evaluate the sample applications in examples/ (one application, a batch) and
# allocate a small year of applications together.
set -euo pipefail
cd "$(dirname "$0")"
./install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target kuan
policy=policies/hangzhou-ai
build/kuan check "$policy"
build/kuan test "$policy"
echo "== kuan eval $policy --version 2025年版 --measure 算力券 --facts examples/算力券-中小企业.json"
build/kuan eval "$policy" --version 2025年版 --measure 算力券 --facts examples/算力券-中小企业.json --format text --explain
echo "== kuan eval $policy --version 2025年版 --batch examples/applications.jsonl"
build/kuan eval "$policy" --version 2025年版 --batch examples/applications.jsonl
echo "== kuan allocate $policy --version 2025年版 --in examples/year-2025.jsonl"
build/kuan allocate "$policy" --version 2025年版 --in examples/year-2025.jsonl
