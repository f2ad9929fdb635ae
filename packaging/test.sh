#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds everything, and runs every test.
# The keychain tests start their own Secret Service (gnome-keyring) on a private D-Bus.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD" --parallel "$(nproc)"
cd "$BUILD"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --parallel "$(nproc)" --timeout 600
