#!/usr/bin/env bash
# The test command (CI runs it through .ci/run): install what is needed, build,
# run every test (CTest); then the whole suite again in a Debug build under
# AddressSanitizer+UBSan, the 8-thread evaluation test under ThreadSanitizer,
# and each fuzz target for 25 s (tests/fuzz/run_fuzz.sh; six targets, as long as five took at 30 s). Each stage prints
# its wall-clock time. Measured from a clean clone on the 2-core machine, idle:
# release build + 216 tests 228 s, ASan+UBSan build + 213 tests 437 s, TSan
# 111 s, fuzz build + smoke 257 s: 1033 s (17 min) in all.
set -euo pipefail
cd "$(dirname "$0")"
./install-deps.sh
jobs=2
stage_start=$SECONDS
stage_done() {
  echo "== stage \"$1\" took $((SECONDS - stage_start)) s"
  stage_start=$SECONDS
}

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKUAN_WERROR=ON  # the stricter warnings are errors (cmake/warnings.cmake)
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
stage_done "build and test (RelWithDebInfo)"

echo "== every test again under AddressSanitizer + UndefinedBehaviorSanitizer (Debug)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKUAN_SANITIZE=address -DKUAN_BENCHMARKS=OFF >/dev/null
cmake --build build-asan -j "$jobs"
# Left out here only: three million-term operator chains (tests/test_grammar.cpp) take a
# minute in the release build above but over 40 minutes under Debug ASan.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -E "^long flat operator chains"
stage_done "build and test under ASan+UBSan (Debug)"

echo "== the 8-thread evaluation test under ThreadSanitizer"
cmake -S . -B build-thread -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKUAN_SANITIZE=thread -DKUAN_BENCHMARKS=OFF >/dev/null
cmake --build build-thread -j "$jobs" --target kuan_api_tests
TSAN_OPTIONS=halt_on_error=1 build-thread/tests/kuan_api_tests "[threads]"
stage_done "ThreadSanitizer"

echo "== smoke fuzzing: each target 25 s"
tests/fuzz/run_fuzz.sh 25
stage_done "smoke fuzz"
