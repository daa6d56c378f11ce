#!/usr/bin/env bash
# Builds the libFuzzer targets (build-fuzz, clang, ASan+UBSan) and runs each one
# in turn for SECONDS with its seed corpus; fails on any finding (crash,
# sanitizer report, leak, timeout, out-of-memory) and prints the reproducer.
#
#   tests/fuzz/run_fuzz.sh 25                    # the smoke run of run-tests.sh
#   tests/fuzz/run_fuzz.sh 600                   # the long run (tests/fuzz/README.md)
#   tests/fuzz/run_fuzz.sh 120 fuzz_rules        # one target
#
# First the committed reproducers (tests/fuzz/regressions/TARGET/) are replayed,
# except those listed as known in tests/fuzz/known_issues.txt. Corpora grow in
# build-fuzz/corpus/TARGET across runs; findings go to build-fuzz/findings/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: run_fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_rules fuzz_facts fuzz_batch_line fuzz_allocate_csv fuzz_decimal fuzz_lsp)
build=${KUAN_FUZZ_BUILD:-build-fuzz}
# Absolute: a target may change its working folder (fuzz_lsp works in a scratch
# folder), and libFuzzer reads the corpus and writes findings by these paths.
case $build in /*) ;; *) build=$PWD/$build ;; esac
jobs=${KUAN_JOBS:-2}

CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKUAN_FUZZ=ON \
  -DKUAN_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
python3 tests/fuzz/make_corpus.py --root . --out "$build/corpus"

# Checks for bugs that are known and being fixed: "fuzz NAME" lines.
known_checks=$(awk '$1 == "fuzz" { printf "%s%s", sep, $2; sep = "," }' tests/fuzz/known_issues.txt)
known_regressions=$(awk '$1 == "regression" { print $2 }' tests/fuzz/known_issues.txt)
export KUAN_FUZZ_KNOWN=$known_checks
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
summary=()
for target in "${targets[@]}"; do
  exe="$build/tests/fuzz/$target"
  findings="$build/findings/$target"
  log="$build/logs/$target.log"
  mkdir -p "$findings" "$build/logs" "$build/corpus/$target"
  regressions=()
  for f in tests/fuzz/regressions/"$target"/*; do
    [ -f "$f" ] || continue
    grep -qxF "$target/$(basename "$f")" <<<"$known_regressions" && continue
    regressions+=("$f")
  done
  if [ ${#regressions[@]} -gt 0 ] && ! "$exe" -runs=1 "${regressions[@]}" >"$log.regressions" 2>&1; then
    echo "== $target: a committed reproducer fails again:"
    grep -E "==ERROR|SUMMARY|kuan fuzz: check|Running: " "$log.regressions" | tail -5
    status=1
    summary+=("$target: regression (see $log.regressions)")
    continue
  fi
  dict=()
  [ -f "$build/corpus/$target.dict" ] && dict=(-dict="$build/corpus/$target.dict")
  before=$(find "$findings" -type f | wc -l)
  echo "== $target: fuzzing for $seconds s"
  set +e
  "$exe" "$build/corpus/$target" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
    -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  after=$(find "$findings" -type f | wc -l)
  if [ $rc -ne 0 ] || [ "$after" -gt "$before" ]; then
    status=1
    echo "== $target: FINDING (exit $rc). Stack summary:"
    grep -E "==ERROR|SUMMARY:|kuan fuzz: check|deadly signal|uncaught|Test unit written" "$log" | head -8 ||
      tail -5 "$log"
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "   reproducer: ${reproducer:-$findings} (replay: $exe ${reproducer:-FILE})"
    summary+=("$target: FINDING after ${execs:-?} execs: ${reproducer:-see $log}")
  else
    summary+=("$target: ok, ${execs:-?} execs in $seconds s, corpus $(ls "$build/corpus/$target" | wc -l) inputs")
  fi
done
echo "== fuzz summary"
printf '   %s\n' "${summary[@]}"
exit $status
