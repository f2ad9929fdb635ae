#!/bin/bash
# A disk that fills up in the middle of a run, as a person would try it from the command line, with
# the provider simulator counting every request it is sent (docs/FORMATS.md, "Storage failure and
# the recovery file").
#   tests/tools/diskfull.sh [BUILD_DIR] [TEXTS]
# Defaults: build, 400 texts; DISCERNUS_BIN=path overrides the binary. Needs root (tmpfs mounts, in a private mount namespace of its own so
# nothing leaks to the machine), the discernus target built, curl, jq and sqlite3 (exit 77 = cannot
# run here).
#
# 1. Pre-flight: a 600 KiB tmpfs holding the database; `discernus run` must exit 2 naming the path
#    and the free space, and the simulator must receive no request.
# 2. Disk full mid-run: a tmpfs just big enough for the pre-flight; once the run has bought a
#    quarter of its calls another file fills the disk down to LEAVE_K (100) KiB free. The run must stop with
#    exit 4, and every reply the simulator sent must be stored or in the recovery file.
# 3. Resume: the database is moved to a roomy folder (its recovery file stays where it went) and
#    `discernus run --resume` finishes. On the simulator's side: requests == texts (nothing bought
#    twice; each text needs one call: no faults, no 429s).
set -euo pipefail
if [ -z "${DISKFULL_NS:-}" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "diskfull: needs root (tmpfs mounts)" >&2; exit 77; }
    for tool in unshare curl jq sqlite3; do
        command -v "$tool" > /dev/null || { echo "diskfull: needs $tool" >&2; exit 77; }
    done
    unshare -m --propagation private true 2> /dev/null || { echo "diskfull: no private mount namespace here" >&2; exit 77; }
    exec env DISKFULL_NS=1 unshare -m --propagation private "$0" "$@"
fi
BUILD=${1:-build}
TEXTS=${2:-400}
LEAVE_K=${LEAVE_K:-100}   # KiB left free when the disk is filled mid-run
BIN=$(realpath "${DISCERNUS_BIN:-$BUILD/app/cli/discernus}")
[ -x "$BIN" ] || { echo "diskfull: $BIN not built" >&2; exit 2; }

WORK=$(mktemp -d)
export HOME="$WORK/home" TMPDIR="$WORK/tmp"   # the fallback recovery folders, kept inside WORK
mkdir -p "$HOME" "$TMPDIR"
SIM_PID=
cleanup() {
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    umount "$WORK/small" 2>/dev/null || true
    umount "$WORK/full" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=tests/tools/simproject.sh
source "$(dirname "$0")/simproject.sh"
sim_project "$WORK" "$BIN" "$TEXTS" 40 30 diskfull || exit 2

requests() { curl -s "$BASE/sim/stats" | jq -r .requests; }
run() { "$BIN" run --config "$WORK/litellm_config.yaml" --experiment "$WORK/experiment.yaml" --quiet "$@"; }
fails=0
check() { if eval "$2"; then echo "  ok: $1"; else echo "  FAILED: $1"; fails=$((fails + 1)); fi; }

echo "== 1. pre-flight on a 600 KiB tmpfs"
mkdir -p "$WORK/small"
mount -t tmpfs -o size=600k tmpfs "$WORK/small"
R0=$(requests)
set +e; run --db "$WORK/small/results.db" 2> "$WORK/pre.err"; CODE=$?; set -e
R1=$(requests)
echo "  exit $CODE; simulator requests: $((R1 - R0))"
sed 's/^/  | /' "$WORK/pre.err"
check "exit 2" '[ "$CODE" -eq 2 ]'
check "message names the path and the free space" 'grep -q "$WORK/small/results.db" "$WORK/pre.err" && grep -q "free on $WORK/small" "$WORK/pre.err"'
check "no request bought" '[ "$R1" -eq "$R0" ]'

echo "== 2. disk full mid-run"
mkdir -p "$WORK/full"
# The pre-flight needs 8 MB + ~3.2 KB per job; leave 1 MB above that.
SIZE_K=$(( 8 * 1024 + TEXTS * 33 / 10 + 1024 ))
mount -t tmpfs -o size=${SIZE_K}k tmpfs "$WORK/full"
DB="$WORK/full/results.db"
R0=$(requests)
set +e
run --db "$DB" 2> "$WORK/run.err" &
RUN=$!
while [ $(( $(requests) - R0 )) -lt $(( TEXTS / 4 )) ] && kill -0 "$RUN" 2>/dev/null; do sleep 0.02; done
FREE_K=$(df -k --output=avail "$WORK/full" | tail -1)
FILL_K=$(( FREE_K - LEAVE_K ))
[ "$FILL_K" -gt 0 ] && head -c "$((FILL_K * 1024))" /dev/zero > "$WORK/full/filler" 2>/dev/null
echo "  filled the disk after $(( $(requests) - R0 )) requests: $(df -k --output=avail "$WORK/full" | tail -1) KiB free"
wait "$RUN"; CODE=$?
set -e
R1=$(requests)
BOUGHT=$((R1 - R0))
sed 's/^/  | /' "$WORK/run.err" | tail -5
RECOVERY=$(grep -o '[^ ]*recovery[^ ]*\.jsonl' "$WORK/run.err" | head -1 || true)
rm -f "$WORK/full/filler"   # so sqlite3 can read the database (it needs room for its -shm)
STORED=$(sqlite3 "$DB" "SELECT count(*) FROM calls" 2>/dev/null || echo 0)
STORED_DONE=$(sqlite3 "$DB" "SELECT count(*) FROM jobs WHERE status='done'" 2>/dev/null || echo 0)
INFILE=0
[ -n "$RECOVERY" ] && [ -f "$RECOVERY" ] && INFILE=$(grep -c '"t":"call"' "$RECOVERY" || true)
echo "  exit $CODE; paid replies (simulator): $BOUGHT; stored calls: $STORED (jobs done $STORED_DONE); in the recovery file: $INFILE (${RECOVERY:-none})"
check "exit 4" '[ "$CODE" -eq 4 ]'
check "stopped buying (bought < texts)" '[ "$BOUGHT" -lt "$TEXTS" ]'
check "every paid reply stored or in the recovery file" '[ $((STORED + INFILE)) -eq "$BOUGHT" ]'

echo "== 3. resume in a roomy folder"
mkdir -p "$WORK/roomy"
for f in "$DB" "$DB-wal" "$DB-shm"; do [ -f "$f" ] && mv "$f" "$WORK/roomy/"; done
# Only the database moves: a recovery file next to it goes along (it is named after it); one in a
# fallback folder (the disk was full) stays there and --resume must still find it.
[ -f "$DB.recovery.jsonl" ] && mv "$DB.recovery.jsonl" "$WORK/roomy/"
set +e; run --db "$WORK/roomy/results.db" --resume 2> "$WORK/resume.err"; CODE=$?; set -e
R2=$(requests)
TOTAL=$((R2 - R0))
DONE=$(sqlite3 "$WORK/roomy/results.db" "SELECT count(*) FROM jobs WHERE status='done'")
CALLS=$(sqlite3 "$WORK/roomy/results.db" "SELECT count(*) FROM calls")
INTEGRITY=$(sqlite3 "$WORK/roomy/results.db" "PRAGMA integrity_check" | head -1)
grep -o 'recovered [0-9]* rows' "$WORK/resume.err" | sed 's/^/  /' || true
echo "  exit $CODE; resume bought $((R2 - R1)); total requests $TOTAL for $TEXTS jobs; done $DONE; calls stored $CALLS; integrity $INTEGRITY"
check "resume exit 0" '[ "$CODE" -eq 0 ]'
check "every job done" '[ "$DONE" -eq "$TEXTS" ]'
check "nothing bought twice (requests == jobs)" '[ "$TOTAL" -eq "$TEXTS" ]'
check "every paid call in the database" '[ "$CALLS" -eq "$TOTAL" ]'
check "integrity ok" '[ "$INTEGRITY" = ok ]'
[ "$fails" -eq 0 ] && echo "diskfull: all checks passed" || echo "diskfull: $fails check(s) failed"
exit "$fails"
