#!/bin/bash
# SIGKILL a `discernus run` at random moments and count, on the simulator's side, what the resume
# buys again. A reply is committed on receipt, so the calls bought again after a kill must be no
# more than the calls in flight at the kill (docs/FORMATS.md, "Durability").
#   tests/tools/killtest.sh [BUILD_DIR] [KILLS] [TEXTS]
# Defaults: build, 10 kills, 300 texts. Needs the discernus target built, curl, jq and sqlite3.
#
# For each kill: a fresh database; `discernus run` against `discernus simulate` (a separate process,
# 150 ms ± 100 ms per reply, 8 calls in parallel); after a random 0.3–3 s the simulator's counters
# are sampled, 15 ms later the run is killed with SIGKILL. "in flight" = the calls the simulator
# had not answered at the sample plus those it received after it; "again" = requests after the
# resume minus the texts (each text needs exactly one call: no faults, no 429s). Then
# PRAGMA integrity_check, and `discernus run --resume` to the end.
set -euo pipefail
BUILD=${1:-build}
KILLS=${2:-10}
TEXTS=${3:-300}
BIN=$(realpath "$BUILD/app/cli/discernus")
[ -x "$BIN" ] || { echo "killtest: $BIN not built" >&2; exit 2; }

WORK=$(mktemp -d)
SIM_PID=
cleanup() {
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=tests/tools/simproject.sh
. "$(dirname "$0")/simproject.sh"
sim_project "$WORK" "$BIN" "$TEXTS" 150 100 killtest || exit 2

stats() { curl -s "$BASE/sim/stats"; }
field() { jq -r ".$1"; }

printf '%-5s %-7s %-10s %-10s %-10s %-7s %-6s %s\n' kill "at(s)" bought stored "in flight" again ok integrity
fails=0
for k in $(seq "$KILLS"); do
    DB="$WORK/results-$k.db"
    S0=$(stats); R0=$(field requests <<< "$S0")
    "$BIN" run --config "$WORK/litellm_config.yaml" --experiment "$WORK/experiment.yaml" --db "$DB" --quiet &
    RUN=$!
    AT=$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 0.3 + rand() * 2.7 }')
    sleep "$AT"
    SB=$(stats)
    sleep 0.015
    kill -KILL "$RUN" 2>/dev/null || true
    wait "$RUN" 2>/dev/null || true
    SK=$(stats)
    RB=$(field requests <<< "$SB"); FB=$(field in_flight <<< "$SB"); RK=$(field requests <<< "$SK")
    INFLIGHT=$(( RK - (RB - FB) ))
    BOUGHT=$(( RK - R0 ))
    STORED=$(sqlite3 "$DB" "SELECT count(*) FROM jobs WHERE status='done'")
    INTEGRITY=$(sqlite3 "$DB" "PRAGMA integrity_check" | head -1)
    sleep 0.3   # the simulator answers the dead client's last calls; they are not counted twice
    "$BIN" run --config "$WORK/litellm_config.yaml" --experiment "$WORK/experiment.yaml" --db "$DB" --resume --quiet
    RE=$(stats | field requests)
    AGAIN=$(( RE - R0 - TEXTS ))
    OK=yes
    if [ "$AGAIN" -gt "$INFLIGHT" ] || [ "$INTEGRITY" != ok ]; then OK=NO; fails=$((fails + 1)); fi
    printf '%-5s %-7s %-10s %-10s %-10s %-7s %-6s %s\n' "$k" "$AT" "$BOUGHT" "$STORED" "$INFLIGHT" "$AGAIN" "$OK" "$INTEGRITY"
done
[ "$fails" -eq 0 ] && echo "every kill: bought again <= in flight at the kill; integrity ok" || echo "$fails kill(s) broke the invariant"
exit "$fails"
