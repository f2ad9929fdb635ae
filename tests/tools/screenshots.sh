#!/bin/sh
# PNG screenshots of each main view with the sample loaded, mid-run and after (live and batch
# mode), the compare views, corpus browser, prompt preview, Statistics and the shared-run window,
# under a virtual X server.
#   tests/tools/screenshots.sh [BUILD_DIR] [OUT_DIR] [LANG]
# Defaults: build, BUILD_DIR/screenshots, en; window size WB_SCREENSHOTS_SIZE=WxH (default 1024x700).
# Needs the wb_screenshots target built. The shared-run window needs a PostgreSQL run store: a
# throw-away cluster is started with tests/tools/pg-cluster.sh (Debian package postgresql) unless
# WB_SCREENSHOTS_PG_URL names one; without either that one picture is left out.
set -eu
BUILD=${1:-build}
OUT=${2:-$BUILD/screenshots}
LANG_UI=${3:-en}
mkdir -p "$OUT"
HERE=$(cd "$(dirname "$0")" && pwd)
PG_STATE=""
if [ -z "${WB_SCREENSHOTS_PG_URL:-}" ]; then
  PG_STATE=$(mktemp -d /tmp/wb-screenshots-pg.XXXXXX)
  if "$HERE/pg-cluster.sh" start "$PG_STATE" >/dev/null 2>&1; then
    WB_SCREENSHOTS_PG_URL=$(cat "$PG_STATE/url")
    export WB_SCREENSHOTS_PG_URL
  else
    echo "screenshots.sh: no PostgreSQL cluster (tests/tools/pg-cluster.sh failed): no shared-run picture" >&2
    rm -rf "$PG_STATE"
    PG_STATE=""
  fi
fi
trap '[ -z "$PG_STATE" ] || "$HERE/pg-cluster.sh" stop "$PG_STATE" >/dev/null 2>&1 || true' EXIT
# Every tour is a first run: nothing learned from the providers in an earlier tour is remembered.
DISCERNUS_LEARNED_LIMITS= xvfb-run -a -s "-screen 0 1600x1000x24" "$BUILD/tests/ui/wb_screenshots" "$OUT" "$LANG_UI"
