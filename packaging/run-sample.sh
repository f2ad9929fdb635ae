#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Discernus Workbench and launches it on the bundled
# sample (which runs against the built-in provider simulator: no API keys, no network).
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWB_BUILD_TESTS=OFF -DWB_BUILD_BENCH=OFF
cmake --build "$BUILD" --parallel "$(nproc)" --target discernus-workbench discernus
SAMPLE="$PWD/resources/sample"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: running the sample headless with the CLI instead." >&2
  DB=$(mktemp -d)/sample.db
  "$BUILD"/app/cli/discernus run --config "$SAMPLE/litellm_config.yaml" --experiment "$SAMPLE/experiment.yaml" --db "$DB"
  "$BUILD"/app/cli/discernus export --db "$DB" -o "${DB%.db}.csv"
  exit 0
fi
exec "$BUILD"/app/gui/discernus-workbench --sample
