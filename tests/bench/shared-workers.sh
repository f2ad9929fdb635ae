#!/bin/bash
# Several `discernus worker` processes on one experiment, sharing the rate windows through Redis
# and the run through PostgreSQL, against `discernus simulate` in a process of its own with binding
# rpm limits on all four providers (docs/ARCHITECTURE.md, "Shared limits in Redis" and "Several
# workers on one run"). The windows are shortened to WINDOW_MS on both sides (the simulator's
# window_ms, the workers' DISCERNUS_WINDOW_MS_FOR_TESTING), so a run of several windows takes a
# minute or two instead of several minutes; nothing else changes.
#
# Reports: wall time (first worker started .. last worker ended) divided by the minimum the limits
# allow (per pool: (ceil(jobs / limit) - 1) windows + one call's latency; the largest over pools),
# HTTP 429s as the simulator counted them and as the store recorded them, whether every job was done
# exactly once, and whether every paid reply (the simulator's 200s) is stored.
#   tests/bench/shared-workers.sh [-b BUILD_DIR] [-w WINDOW_MS] [-r REPETITIONS] [-n WORKERS]
# Defaults: build, 30000 ms windows, 10 repetitions of the sample's 12 texts on 4 models (480 jobs,
# 4 windows on the slowest pools), 3 workers. Exit status 0 when every check holds (ratio <= 1.10,
# no 429, every job once, every paid reply stored), 1 otherwise.
# KEEP=1 keeps the work folder (logs, configs) and says where.
# Needs the discernus target built, redis-server, the PostgreSQL server binaries (tests/tools/pg-cluster.sh),
# psql, curl and jq. Run as root, the PostgreSQL cluster belongs to `nobody` (pg-cluster.sh).
set -euo pipefail
BUILD=build
WINDOW_MS=30000
REPS=10
WORKERS=3
while getopts "b:w:r:n:h" opt; do
    case $opt in
    b) BUILD=$OPTARG ;;
    w) WINDOW_MS=$OPTARG ;;
    r) REPS=$OPTARG ;;
    n) WORKERS=$OPTARG ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
    esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BIN=$(realpath "$BUILD/app/cli/discernus")
[ -x "$BIN" ] || { echo "shared-workers: $BIN not built" >&2; exit 2; }
LATENCY_MS=200

WORK=$(mktemp -d)
chmod 755 "$WORK"
SIM_PID=
REDIS_PID=
PG_STATE="$WORK/pg"
cleanup() {
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
    [ -f "$PG_STATE/cluster" ] && "$SRC/tests/tools/pg-cluster.sh" stop "$PG_STATE" >/dev/null 2>&1
    if [ -n "${KEEP:-}" ]; then echo "shared-workers: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- services: Redis, PostgreSQL, the simulator -------------------------------------------------
REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save '' --appendonly no \
    --daemonize no > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!
"$SRC/tests/tools/pg-cluster.sh" start "$PG_STATE" > "$WORK/pg.log"
DB=$(cat "$PG_STATE/url")

# Limits per window. Jobs per model: 12 texts x REPS. openai has two keys of one group.
RPM_OPENAI=15; RPM_ANTHROPIC=30; RPM_MISTRAL=30; RPM_GEMINI=40
cat > "$WORK/limits.yaml" <<EOF
seed: 5
latency_ms: $LATENCY_MS
jitter_ms: 20
window_ms: $WINDOW_MS
keys:
  sim-openai-1:    {provider: openai, rpm: $RPM_OPENAI, tpm: 100000000}
  sim-openai-2:    {provider: openai, rpm: $RPM_OPENAI, tpm: 100000000}
  sim-anthropic-1: {provider: anthropic, rpm: $RPM_ANTHROPIC, itpm: 100000000, otpm: 100000000}
  sim-mistral-1:   {provider: mistral, rpm: $RPM_MISTRAL, tpm: 100000000}
  sim-gemini-1:    {provider: gemini, rpm: $RPM_GEMINI, tpm: 100000000}
faults: {http500: 0.0, overloaded: 0.0, reset: 0.0, hang: 0.0, malformed: 0.0, invalid_json: 0.0}
EOF
# shellcheck source=tests/tools/simproject.sh
. "$SRC/tests/tools/simproject.sh"
sim_start "$WORK" "$BIN" shared-workers || exit 2
for _ in $(seq 100); do
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.05
done

# --- the project: the sample's corpus and framework, every model limited -------------------------
cp -r "$SRC/resources/sample/corpus" "$SRC/resources/sample/frameworks" "$WORK/"
cat > "$WORK/litellm_config.yaml" <<EOF
model_list:
  - model_name: gpt-4o-mini
    litellm_params: {model: openai/gpt-4o-mini, api_key: sim-openai-1, api_base: $BASE/v1, rpm: $RPM_OPENAI, tpm: 100000000}
  - model_name: gpt-4o-mini
    litellm_params: {model: openai/gpt-4o-mini, api_key: sim-openai-2, api_base: $BASE/v1, rpm: $RPM_OPENAI, tpm: 100000000}
  - model_name: claude-haiku
    litellm_params: {model: anthropic/claude-3-5-haiku-20241022, api_key: sim-anthropic-1, api_base: $BASE, rpm: $RPM_ANTHROPIC, itpm: 100000000, otpm: 100000000}
  - model_name: mistral-small
    litellm_params: {model: mistral/mistral-small-latest, api_key: sim-mistral-1, api_base: $BASE/v1, rpm: $RPM_MISTRAL, tpm: 100000000}
  - model_name: gemini-flash
    litellm_params: {model: gemini/gemini-2.5-flash, api_key: sim-gemini-1, api_base: $BASE, rpm: $RPM_GEMINI, tpm: 100000000}
router_settings:
  routing_strategy: usage-based-routing-v2
  num_retries: 3
  timeout: 60
  redis_host: 127.0.0.1
  redis_port: $REDIS_PORT
cost_controls:
  max_budget: 500.0
EOF
sed -e "s/repetitions: 1/repetitions: $REPS/" "$SRC/resources/sample/experiment.yaml" > "$WORK/experiment.yaml"
TEXTS=$(find "$WORK/corpus" -type f | wc -l)
JOBS_PER_MODEL=$((TEXTS * REPS))
JOBS=$((JOBS_PER_MODEL * 4))
# Each worker claims a fair share, so all of them have work from the start.
CLAIM=$(( (JOBS + WORKERS - 1) / WORKERS ))

# The minimum the limits allow: per pool, its jobs need ceil(jobs / limit) windows; the last
# window's calls go out (ceil - 1) windows after the first and take one latency.
min_ms() { # jobs limit
    echo $(( ( ($1 + $2 - 1) / $2 - 1) * WINDOW_MS + LATENCY_MS ))
}
MIN_MS=0
for pool in "$((JOBS_PER_MODEL / 2)) $RPM_OPENAI" "$((JOBS_PER_MODEL - JOBS_PER_MODEL / 2)) $RPM_OPENAI" \
            "$JOBS_PER_MODEL $RPM_ANTHROPIC" "$JOBS_PER_MODEL $RPM_MISTRAL" "$JOBS_PER_MODEL $RPM_GEMINI"; do
    # shellcheck disable=SC2086
    m=$(min_ms $pool)
    [ "$m" -gt "$MIN_MS" ] && MIN_MS=$m
done

# --- the run ----------------------------------------------------------------------------------
now_ms() { date +%s%3N; }
SIM_BEFORE=$(curl -sf "$BASE/sim/stats")
START=$(now_ms)
PIDS=()
for i in $(seq "$WORKERS"); do
    DISCERNUS_WINDOW_MS_FOR_TESTING=$WINDOW_MS nice -n 5 "$BIN" worker --config "$WORK/litellm_config.yaml" \
        --experiment "$WORK/experiment.yaml" --db "$DB" --window "$CLAIM" --json \
        > "$WORK/worker$i.json" 2> "$WORK/worker$i.log" &
    PIDS+=($!)
done
FAILED=0
for p in "${PIDS[@]}"; do wait "$p" || FAILED=1; done
END=$(now_ms)
SIM_AFTER=$(curl -sf "$BASE/sim/stats")
[ "$FAILED" -eq 0 ] || { echo "shared-workers: a worker failed:" >&2; tail -5 "$WORK"/worker*.log >&2; }

# --- the figures ------------------------------------------------------------------------------
sql() { psql -X -A -t -q -d "$DB" -c "$1"; }
WALL_MS=$((END - START))
PAID=$(( $(jq .ok <<< "$SIM_AFTER") - $(jq .ok <<< "$SIM_BEFORE") ))
SIM429=$(( $(jq .http_429 <<< "$SIM_AFTER") - $(jq .http_429 <<< "$SIM_BEFORE") ))
DONE=$(sql "SELECT COUNT(*) FROM jobs WHERE status='done'")
STORED=$(sql "SELECT COUNT(*) FROM calls WHERE http_status=200")
STORE429=$(sql "SELECT COUNT(*) FROM calls WHERE http_status=429")
ONCE=$(sql "SELECT COUNT(*) FROM (SELECT job_id FROM calls WHERE http_status=200 GROUP BY job_id HAVING COUNT(*) > 1) d")
BY_WORKERS=$(sql "SELECT COALESCE(SUM(jobs_done), 0) FROM workers")
SHARES=$(sql "SELECT string_agg(jobs_done::text, '/' ORDER BY id) FROM workers")
RATIO=$(awk -v w="$WALL_MS" -v m="$MIN_MS" 'BEGIN { printf "%.3f", w / m }')

echo "shared-workers: $WORKERS workers, $JOBS jobs (4 models x $TEXTS texts x $REPS), windows of $WINDOW_MS ms,"
echo "  rpm per window: openai 2 x $RPM_OPENAI, anthropic $RPM_ANTHROPIC, mistral $RPM_MISTRAL, gemini $RPM_GEMINI; Redis and PostgreSQL shared"
echo "  wall time            $(awk -v w="$WALL_MS" 'BEGIN { printf "%.1f", w / 1000 }') s"
echo "  minimum by limits    $(awk -v m="$MIN_MS" 'BEGIN { printf "%.1f", m / 1000 }') s"
echo "  ratio                $RATIO (target <= 1.10)"
echo "  HTTP 429             simulator $SIM429, store $STORE429$(jq -r '[.keys | to_entries[] | select(.value.http_429 > 0) | " \(.key): \(.value.http_429)"] | join(",")' <<< "$SIM_AFTER")"
echo "  jobs done            $DONE of $JOBS (workers' shares $SHARES = $BY_WORKERS; jobs with two paid calls: $ONCE)"
echo "  paid replies         simulator $PAID, stored $STORED"

OK=1
awk -v r="$RATIO" 'BEGIN { exit !(r <= 1.10) }' || OK=0
[ "$SIM429" -eq 0 ] && [ "$STORE429" -eq 0 ] || OK=0
[ "$DONE" -eq "$JOBS" ] && [ "$BY_WORKERS" -eq "$JOBS" ] && [ "$ONCE" -eq 0 ] || OK=0
[ "$PAID" -eq "$STORED" ] && [ "$STORED" -eq "$JOBS" ] || OK=0
[ "$FAILED" -eq 0 ] || OK=0
if [ "$OK" -eq 1 ]; then echo "  result               PASS"; else echo "  result               FAIL"; exit 1; fi
