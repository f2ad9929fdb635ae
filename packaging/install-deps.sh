#!/usr/bin/env bash
# Installs everything Discernus Workbench needs to build, test and run on Debian 12 (bookworm).
# Usage: packaging/install-deps.sh            (as root, or with sudo available)
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
PKGS=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # Qt 6.4 (Core, Network, Sql+SQLite, Widgets, Charts, Svg, Test, Linguist)
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6charts6-dev qt6-svg-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins libgl-dev libqt6opengl6-dev
  # config and secrets
  libyaml-cpp-dev qtkeychain-qt6-dev
  # Vertex AI service-account JWTs (RS256) and the simulator that checks them
  libssl-dev
  # reproducibility bundles (tar.gz)
  zlib1g-dev
  # the statistics read scores through the sqlite3 handle of Qt's SQLite connection
  libsqlite3-dev
  # rate windows and budget shared through Redis (hiredis), and the real redis-server the tests start
  libhiredis-dev redis-server
  # tests: a real Secret Service (gnome-keyring on a private D-Bus) and a headless X server
  gnome-keyring dbus dbus-bin dbus-x11 libsecret-tools xvfb xauth
  # the PostgreSQL run store: Qt's QPSQL driver, and a real server the tests start (tests/tools/pg-cluster.sh)
  libqt6sql6-psql postgresql
  # the scripted end-to-end checks (tests/tools/batchcheck.sh): the simulator's stats, the results database
  curl jq sqlite3
  # packaging
  dpkg-dev file
)
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PKGS[@]}"
