#!/bin/sh
# PNG screenshots of each main view with the sample loaded, and mid-run, under a virtual X server.
#   tests/tools/screenshots.sh [BUILD_DIR] [OUT_DIR] [LANG]
# Defaults: build, BUILD_DIR/screenshots, en; window size WB_SCREENSHOTS_SIZE=WxH (default 1024x700).
# Needs the wb_screenshots target built.
set -eu
BUILD=${1:-build}
OUT=${2:-$BUILD/screenshots}
LANG_UI=${3:-en}
mkdir -p "$OUT"
exec xvfb-run -a -s "-screen 0 1600x1000x24" "$BUILD/tests/ui/wb_screenshots" "$OUT" "$LANG_UI"
