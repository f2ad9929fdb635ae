#!/bin/bash
# The sample in batch mode end to end against `discernus simulate` in its own process
# (docs/FORMATS.md, "Batch execution"), then a batch run killed with SIGKILL and resumed.
#   tests/tools/batchcheck.sh BUILD_DIR [DB]
# DB: empty = SQLite files in a temporary folder; `postgres` = fresh databases in the CTest
# cluster (WB_TEST_POSTGRES_DIR, tests/tools/pg-cluster.sh); a postgresql://… URL = fresh
# databases on that server. Needs curl, jq, and sqlite3 or psql.
#
# 1. The sample live and in batch mode (four providers): every job done; for one call per
#    provider the booked cost is checked by hand (tokens × list price / 2); the batch run's cost
#    against the same tokens at the list price, and against the live run.
# 2. A run killed right after its batches were created, then `run --resume`: the simulator
#    counts every custom_id it accepts, so nothing may be submitted twice and every job ends done.
# 3. PostgreSQL only: a second worker joins while the first one's batches are open: each reply is
#    booked once.
# Prints the figures; exits 1 when a check fails.
set -euo pipefail
BUILD=${1:?usage: batchcheck.sh BUILD_DIR [DB]}
DBARG=${2:-}
BIN=$(realpath "$BUILD/app/cli/discernus")
[ -x "$BIN" ] || { echo "batchcheck: $BIN not built" >&2; exit 2; }
SAMPLE=$(realpath "$(dirname "$0")/../../resources/sample")
JOBS=48   # 12 speeches x 4 runs

WORK=$(mktemp -d)
SIM_PID=
RUN_PID=
cleanup() {
    [ -n "$RUN_PID" ] && kill -KILL "$RUN_PID" 2>/dev/null
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
fails=0
check() {   # check CONDITION-TEXT RESULT(0/1)
    if [ "$2" -eq 0 ]; then echo "  ok   $1"; else echo "  FAIL $1"; fails=$((fails + 1)); fi
}

# ---- databases -------------------------------------------------------------------------------
PG_BASE=
case "$DBARG" in
    postgres) PG_BASE=$(cat "${WB_TEST_POSTGRES_DIR:?run through ctest (fixture postgres)}/url") ;;
    postgresql://*) PG_BASE=$DBARG ;;
    "") ;;
    *) echo "batchcheck: DB must be empty, 'postgres' or a postgresql:// URL" >&2; exit 2 ;;
esac
db_url() {   # db_url NAME: a fresh database
    if [ -n "$PG_BASE" ]; then
        psql "$PG_BASE" -qAt -c "DROP DATABASE IF EXISTS batchcheck_$1 WITH (FORCE)" -c "CREATE DATABASE batchcheck_$1" >/dev/null
        echo "${PG_BASE%/*}/batchcheck_$1"
    else
        echo "$WORK/$1.db"
    fi
}
sql() {   # sql DB QUERY
    if [ -n "$PG_BASE" ]; then psql "$1" -qAt -F '|' -c "$2"; else sqlite3 "$1" "$2"; fi
}

# ---- simulator and project ---------------------------------------------------------------------
# shellcheck source=tests/tools/simproject.sh
. "$(dirname "$0")/simproject.sh"
start_sim() {   # start_sim PROCESSING_MS: the sample's keys and limits, no faults
    grep -v '^faults:' "$SAMPLE/sim_limits.yaml" > "$WORK/limits.yaml"
    echo "batch: {validating_ms: 100, processing_ms: $1, finalizing_ms: 100}" >> "$WORK/limits.yaml"
    sim_start "$WORK" "$BIN" batchcheck || exit 2
}
stop_sim() { kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=; }
stats() { curl -s "$BASE/sim/stats"; }

project() {   # project DIR MODE: the sample pointed at $BASE, without its own simulator
    rm -rf "$1"
    cp -r "$SAMPLE" "$1"
    sed -i -e "s#http://127.0.0.1:8765#$BASE#" -e '/^# Discernus extension/,$d' "$1/litellm_config.yaml"
    sed -i "s/^  repetitions: 1$/  repetitions: 1\n  mode: $2\n  batch_poll: 1s\n  batch_poll_max: 2s/" "$1/experiment.yaml"
}
wait_submitted() {   # wait_submitted LOG: until a run's four batches are at the providers (15 s at most)
    for _ in $(seq 300); do
        n=$(grep -c 'requests submitted to' "$1" 2>/dev/null || true)
        [ "${n:-0}" -ge 4 ] && return
        sleep 0.05
    done
}
run() {   # run DIR DB [ARGS...]: prints the run's JSON summary
    local dir=$1 db=$2
    shift 2
    "$BIN" run --config "$dir/litellm_config.yaml" --experiment "$dir/experiment.yaml" --db "$db" --json "$@" 2>> "$dir/run.log" | tail -1
}

# ---- 1. live and batch end to end --------------------------------------------------------------
echo "== 1. the sample live and in batch mode (${PG_BASE:+PostgreSQL}${PG_BASE:-SQLite})"
start_sim 1000
project "$WORK/live" live
LIVE_DB=$(db_url live)
LIVE=$(run "$WORK/live" "$LIVE_DB")
project "$WORK/batch" batch
BATCH_DB=$(db_url batch)
T0=$(date +%s.%N)
BATCH=$(run "$WORK/batch" "$BATCH_DB")
T1=$(date +%s.%N)
S=$(stats)
echo "  live:  $(jq -c '{done, failed, calls, prompt_tokens, completion_tokens, cost_usd}' <<< "$LIVE")"
echo "  batch: $(jq -c '{done, failed, calls, prompt_tokens, completion_tokens, cost_usd}' <<< "$BATCH") in $(awk "BEGIN{printf \"%.1f\", $T1 - $T0}") s"
echo "  simulator: $(jq -c '.batch | {batches_created, requests_submitted, distinct_custom_ids, resubmitted, succeeded}' <<< "$S")"
check "batch run: $JOBS done, 0 failed" "$([ "$(jq '.done' <<< "$BATCH")" -eq $JOBS ] && [ "$(jq '.failed' <<< "$BATCH")" -eq 0 ]; echo $?)"
check "live run: $JOBS done" "$([ "$(jq '.done' <<< "$LIVE")" -eq $JOBS ]; echo $?)"
check "every call of the batch run has a batch id" \
    "$([ "$(sql "$BATCH_DB" "SELECT count(*) FROM calls WHERE batch_id IS NOT NULL")" -eq "$(jq '.calls' <<< "$BATCH")" ]; echo $?)"
check "four providers' batches, each request once" \
    "$([ "$(sql "$BATCH_DB" "SELECT count(DISTINCT provider) FROM batches")" -eq 4 ] \
       && [ "$(jq '.batch.resubmitted' <<< "$S")" -eq 0 ]; echo $?)"

# By hand, one call per provider: list prices from `discernus models --json`, batch = half.
"$BIN" models --config "$WORK/batch/litellm_config.yaml" --json \
    | jq -r '.groups[].deployments[] | "\(.id)|\(.price.input_per_million)|\(.price.output_per_million)"' > "$WORK/prices"
echo "  one call per provider (tokens x list price / 2 = booked):"
listAtLive=0
while IFS='|' read -r provider dep pt ct booked; do
    IFS='|' read -r _ inM outM < <(grep "^$dep|" "$WORK/prices")
    hand=$(awk -v p="$pt" -v c="$ct" -v i="$inM" -v o="$outM" 'BEGIN { printf "%.1f", (p * i + c * o) / 2 }')
    live=$(awk -v h="$hand" 'BEGIN { printf "%.1f", 2 * h }')
    printf '    %-9s %-15s %5s in x $%s/M + %4s out x $%s/M = %s micro-$ live; /2 = %s; booked %s\n' \
        "$provider" "$dep" "$pt" "$inM" "$ct" "$outM" "$live" "$hand" "$booked"
    check "$provider: booked = half the list price (±1 micro-$)" "$(awk -v h="$hand" -v b="$booked" 'BEGIN { exit !(h - b <= 1 && b - h <= 1) }'; echo $?)"
done < <(sql "$BATCH_DB" "SELECT c.provider, c.deployment_id, c.prompt_tokens, c.completion_tokens, c.cost_micros FROM calls c
                          WHERE c.id IN (SELECT min(id) FROM calls WHERE batch_id IS NOT NULL GROUP BY provider) ORDER BY c.provider")
# Every batch call's tokens at the list price against what was booked.
while IFS='|' read -r dep pt ct; do
    IFS='|' read -r _ inM outM < <(grep "^$dep|" "$WORK/prices")
    listAtLive=$(awk -v s="$listAtLive" -v p="$pt" -v c="$ct" -v i="$inM" -v o="$outM" 'BEGIN { printf "%.0f", s + p * i + c * o }')
done < <(sql "$BATCH_DB" "SELECT deployment_id, sum(prompt_tokens), sum(completion_tokens) FROM calls GROUP BY deployment_id")
bookedTotal=$(sql "$BATCH_DB" "SELECT sum(cost_micros) FROM calls")
liveTotal=$(sql "$LIVE_DB" "SELECT sum(cost_micros) FROM calls")
echo "  batch run booked $bookedTotal micro-$; its tokens at the list price $listAtLive; the live run booked $liveTotal"
check "batch run's booked cost = half its tokens' list price (±1 micro-$ per call)" \
    "$(awk -v b="$bookedTotal" -v l="$listAtLive" -v n="$JOBS" 'BEGIN { d = 2 * b - l; exit !(d <= 2 * n && -d <= 2 * n) }'; echo $?)"
stop_sim

# ---- 2. killed after submission, resumed -------------------------------------------------------
echo "== 2. killed (SIGKILL) after its batches were submitted, then --resume"
start_sim 6000
project "$WORK/kill" batch
KILL_DB=$(db_url kill)
"$BIN" run --config "$WORK/kill/litellm_config.yaml" --experiment "$WORK/kill/experiment.yaml" --db "$KILL_DB" \
    2> "$WORK/kill/first.log" > /dev/null &
RUN_PID=$!
wait_submitted "$WORK/kill/first.log"
kill -KILL "$RUN_PID"
wait "$RUN_PID" 2>/dev/null || true
RUN_PID=
SK=$(stats)
open=$(sql "$KILL_DB" "SELECT count(*) FROM batches WHERE provider_batch_id IS NOT NULL AND collected = 0")
doneAtKill=$(sql "$KILL_DB" "SELECT count(*) FROM jobs WHERE status = 'done'")
echo "  at the kill: $open batches open at the providers, $doneAtKill jobs done;" \
     "simulator $(jq -c '.batch | {batches_created, requests_submitted, succeeded}' <<< "$SK")"
RESUMED=$(run "$WORK/kill" "$KILL_DB" --resume)
SR=$(stats)
echo "  resumed: $(jq -c '{done, failed, calls, cost_usd}' <<< "$RESUMED")"
echo "  simulator after: $(jq -c '.batch | {batches_created, requests_submitted, distinct_custom_ids, resubmitted, max_submissions, succeeded}' <<< "$SR")"
check "the kill left its batches open ($open) and nothing stored" "$([ "$open" -ge 4 ] && [ "$doneAtKill" -eq 0 ]; echo $?)"
check "resume: no request submitted twice" \
    "$([ "$(jq '.batch.resubmitted' <<< "$SR")" -eq 0 ] && [ "$(jq '.batch.max_submissions' <<< "$SR")" -eq 1 ] \
       && [ "$(jq '.batch.requests_submitted' <<< "$SR")" -eq $JOBS ] \
       && [ "$(jq '.batch.batches_created' <<< "$SR")" -eq "$(jq '.batch.batches_created' <<< "$SK")" ]; echo $?)"
check "resume: no result lost ($JOBS jobs done, $JOBS batch calls)" \
    "$([ "$(sql "$KILL_DB" "SELECT count(*) FROM jobs WHERE status = 'done'")" -eq $JOBS ] \
       && [ "$(sql "$KILL_DB" "SELECT count(*) FROM calls WHERE batch_id IS NOT NULL")" -eq $JOBS ]; echo $?)"
stop_sim

# ---- 3. PostgreSQL: a second worker joins while the batches are open ---------------------------
if [ -n "$PG_BASE" ]; then
    echo "== 3. a second worker joins the run while its batches are open"
    start_sim 4000
    project "$WORK/two" batch
    TWO_DB=$(db_url two)
    "$BIN" run --config "$WORK/two/litellm_config.yaml" --experiment "$WORK/two/experiment.yaml" --db "$TWO_DB" --json \
        2> "$WORK/two/a.log" > "$WORK/two/a.json" &
    RUN_PID=$!
    wait_submitted "$WORK/two/a.log"
    B=$("$BIN" worker --config "$WORK/two/litellm_config.yaml" --experiment "$WORK/two/experiment.yaml" --db "$TWO_DB" --json \
        2> "$WORK/two/b.log" | tail -1)
    wait "$RUN_PID" || true
    RUN_PID=
    A=$(tail -1 "$WORK/two/a.json")
    S2=$(stats)
    echo "  first: $(jq -c '{done, calls, cost_usd}' <<< "$A"); second: $(jq -c '{done, calls, cost_usd}' <<< "$B")"
    echo "  simulator: $(jq -c '.batch | {batches_created, requests_submitted, resubmitted, succeeded}' <<< "$S2")"
    check "each reply booked once ($JOBS calls, $JOBS jobs done)" \
        "$([ "$(sql "$TWO_DB" "SELECT count(*) FROM calls")" -eq $JOBS ] \
           && [ "$(sql "$TWO_DB" "SELECT count(*) FROM jobs WHERE status = 'done'")" -eq $JOBS ] \
           && [ "$(jq '.batch.requests_submitted' <<< "$S2")" -eq $JOBS ] && [ "$(jq '.batch.resubmitted' <<< "$S2")" -eq 0 ]; echo $?)"
    stop_sim
fi

[ "$fails" -eq 0 ] && echo "batchcheck: all checks passed" || echo "batchcheck: $fails check(s) FAILED"
[ "$fails" -eq 0 ]
