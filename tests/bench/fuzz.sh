#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz) for SECONDS each and prints, per target, the run time,
# the executions and what it found. Builds with clang + ASan/UBSan into its own build directory
# (BUILD_DIR, default build-fuzz), so the normal build is untouched. Needs clang and
# libFuzzer: packaging/install-fuzz-deps.sh.
#   tests/bench/fuzz.sh 60              every target, 60 s each
#   tests/bench/fuzz.sh 30 sse wire     only these targets
# A crash or broken property leaves its input in $BUILD_DIR/fuzz-findings/<target>/; add it to
# tests/fuzz/corpus/<target>/ once fixed, so the corpus test keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-60}
shift || true
BUILD=${BUILD_DIR:-build-fuzz}
CXX=${FUZZ_CXX:-$(command -v clang++-14 || command -v clang++)}
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(modellist experiment framework reply_openai reply_anthropic reply_gemini sse wire)
fi

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX" \
  -DWB_FUZZ=ON -DWB_BUILD_UI=OFF -DWB_BUILD_TESTS=OFF -DWB_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
nice cmake --build "$BUILD" --parallel "${JOBS:-2}" --target $(printf 'fuzz_%s ' "${TARGETS[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_LOGGING_RULES='*.debug=false'
printf '%-16s %8s %12s %8s %7s %18s  %s\n' target seconds executions exec/s corpus oom/timeout/crash findings
status=0
for t in "${TARGETS[@]}"; do
  work="$BUILD/fuzz-work/$t"          # grows as the fuzzer finds new paths; the seeds stay untouched
  findings="$BUILD/fuzz-findings/$t"
  mkdir -p "$work" "$findings"
  log="$BUILD/fuzz-$t.log"
  case $t in modellist|experiment|framework) dict=yaml ;; *) dict=reply ;; esac
  # -fork=1 keeps fuzzing after a finding, so one bug does not hide the next; -timeout flags hangs.
  set +e
  nice -n 10 "$BUILD/tests/fuzz/fuzz_$t" "$work" "tests/fuzz/corpus/$t" -max_total_time="$SECONDS_EACH" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -dict="tests/fuzz/dict/$dict.dict" -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1
  set -e
  # In fork mode the stats lines are "#N: cov: ... exec/s: E ... time: Ts"; the last one counts.
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
  execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")
  secs=$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")
  rate=$(sed -nE 's/.* exec\/s:? ([0-9]+).*/\1/p' <<<"$last")
  oom_timeout_crash=$(sed -nE 's/.* oom\/timeout\/crash: ([0-9\/]+).*/\1/p' <<<"$last")
  corpus=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  found=$(find "$findings" -type f | wc -l)
  printf '%-16s %8s %12s %8s %7s %18s  %s\n' "$t" "${secs:-?}" "${execs:-?}" "${rate:-?}" "${corpus:-?}" \
    "${oom_timeout_crash:-?}" \
    "$([ "$found" -eq 0 ] && echo none || echo "$found in $findings")"
  [ "$found" -eq 0 ] || status=1
done
exit $status
