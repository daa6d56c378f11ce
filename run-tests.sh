#!/usr/bin/env bash
# The test command: install what is needed, build, run every test (CTest), then
# the embedding API's tests again under AddressSanitizer+UBSan and its threading
# test under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")"
./install-deps.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

for sanitizer in address thread; do
  cmake -S . -B "build-$sanitizer" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKUAN_SANITIZE="$sanitizer" -DKUAN_BENCHMARKS=OFF >/dev/null
  cmake --build "build-$sanitizer" -j "$jobs" --target kuan_api_tests
done
echo "== API tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1 build-address/tests/kuan_api_tests "[api],[capi]"
echo "== the 8-thread evaluation test under ThreadSanitizer"
TSAN_OPTIONS=halt_on_error=1 build-thread/tests/kuan_api_tests "[threads]"
