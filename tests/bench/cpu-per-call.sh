#!/bin/bash
# CPU per call of a whole `discernus run` process: prompt building, routing, HTTP, reply parsing,
# validation and SQLite, start-up included. The run scores TEXTS short texts (one call each) on one
# OpenAI deployment whose limits never bind, against `discernus simulate` with zero latency in a
# SEPARATE process, so the simulator's CPU is not counted. Reports user+sys CPU of the run process
# divided by the calls it made, and calls per second of wall time.
#   tests/bench/cpu-per-call.sh [-b BUILD_DIR] [-n TEXTS] [-r RUNS] [-p MAX_PARALLEL] [-P PERF_DATA]
# Defaults: build, 5000 texts, 3 runs (a fresh database each), no max_parallel_requests.
# -P records the last run with `perf record -g` into PERF_DATA (its figures then include perf's cost);
# PERF_RECORD_ARGS replaces -g (e.g. "--call-graph dwarf -F 499" for stacks through Qt).
# Needs the discernus target built, curl, jq and /usr/bin/time.
set -euo pipefail
BUILD=build
TEXTS=5000
RUNS=3
PARALLEL=
PERF_DATA=
while getopts "b:n:r:p:P:h" opt; do
    case $opt in
    b) BUILD=$OPTARG ;;
    n) TEXTS=$OPTARG ;;
    r) RUNS=$OPTARG ;;
    p) PARALLEL=$OPTARG ;;
    P) PERF_DATA=$(realpath -m "$OPTARG") ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
    esac
done
BIN=$(realpath "$BUILD/app/cli/discernus")
[ -x "$BIN" ] || { echo "cpu-per-call: $BIN not built" >&2; exit 2; }

WORK=$(mktemp -d)
SIM_PID=
cleanup() {
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

printf 'latency_ms: 0\njitter_ms: 0\n' > "$WORK/limits.yaml"
# shellcheck source=tests/tools/simproject.sh
. "$(dirname "$0")/../tools/simproject.sh"
sim_start "$WORK" "$BIN" cpu-per-call || exit 2

# One JSONL corpus of short, distinct texts.
awk -v n="$TEXTS" 'BEGIN { for (i = 1; i <= n; i++)
    printf "{\"id\": \"t%05d\", \"text\": \"Text %d speaks of care, liberty and the law of the land, and of what we owe each other.\"}\n", i, i }' \
    > "$WORK/corpus.jsonl"
EXTRA=
[ -n "$PARALLEL" ] && EXTRA=", max_parallel_requests: $PARALLEL"
cat > "$WORK/litellm_config.yaml" <<EOF
model_list:
  - model_name: oa
    litellm_params: {model: openai/gpt-4o-mini, api_key: k-oa, api_base: $BASE/v1, rpm: 100000000, tpm: 100000000000$EXTRA}
EOF
cat > "$WORK/mft.yaml" <<'EOF'
framework:
  id: mft
  name: MFT
  version: "1"
  instructions: Score it.
  dimensions:
    - {id: care, name: Care, description: c, min: 0, max: 1}
    - {id: liberty, name: Liberty, description: l, min: 0, max: 1}
EOF
cat > "$WORK/experiment.yaml" <<'EOF'
experiment: {name: cpu-per-call, description: whole-process CPU per call against a zero-latency simulator}
corpus:
  - {id: c, path: corpus.jsonl}
frameworks:
  - {id: mft, path: mft.yaml}
execution:
  max_tokens: 200
  matrix:
    - {run_id: r1, model: oa, framework: mft, corpus_subset: c}
EOF

printf '%-4s %7s %8s %8s %8s %10s %9s\n' run calls "wall(s)" "user(s)" "sys(s)" "cpu ms/call" "calls/s"
results=()
for r in $(seq "$RUNS"); do
    DB="$WORK/results-$r.db"
    WRAP=()
    [ -n "$PERF_DATA" ] && [ "$r" = "$RUNS" ] && WRAP=(perf record ${PERF_RECORD_ARGS:--g} -q -o "$PERF_DATA" --)
    # %U/%S are the run process's own user and system CPU (and its children's: it has none).
    /usr/bin/time -f '%U %S %e' -o "$WORK/time-$r" "${WRAP[@]}" "$BIN" run --config "$WORK/litellm_config.yaml" \
        --experiment "$WORK/experiment.yaml" --db "$DB" --quiet --json > "$WORK/summary-$r.json" 2> "$WORK/run-$r.log" || {
        echo "cpu-per-call: run $r failed" >&2; cat "$WORK/run-$r.log" >&2; exit 1; }
    read -r U S E < <(tail -1 "$WORK/time-$r")
    CALLS=$(jq -r .calls "$WORK/summary-$r.json")
    DONE=$(jq -r .done "$WORK/summary-$r.json")
    [ "$DONE" = "$TEXTS" ] || { echo "cpu-per-call: run $r scored $DONE of $TEXTS texts" >&2; exit 1; }
    # Prefer the run's wall clock from the summary (excludes perf's own start-up when wrapped).
    line=$(awk -v c="$CALLS" -v u="$U" -v s="$S" -v e="$E" -v r="$r" \
        'BEGIN { printf "%-4s %7d %8.2f %8.2f %8.2f %10.3f %9.0f", r, c, e, u, s, (u + s) * 1000 / c, c / e }')
    echo "$line"
    results+=("$(awk -v c="$CALLS" -v u="$U" -v s="$S" -v e="$E" 'BEGIN { printf "%.4f %.1f", (u + s) * 1000 / c, c / e }')")
done
printf '%s\n' "${results[@]}" | sort -n | awk '{ a[NR] = $1; b[NR] = $2 } END {
    m = int((NR + 1) / 2); printf "median cpu ms/call %.3f (calls/s of that run %.0f), over %d runs\n", a[m], b[m], NR }'
echo "simulator: $(curl -s "$BASE/sim/stats" | jq -c '{requests, ok, rate_limited}' 2>/dev/null || echo '?')"
