#!/usr/bin/env bash
# Optional: what tests/bench/fuzz.sh needs on top of packaging/install-deps.sh to build the
# libFuzzer targets (clang 14 with ASan/UBSan and Debian's libFuzzer). Not part of the default
# build or CI: there the seed corpora run as ordinary tests with the normal compiler.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends clang-14 libfuzzer-14-dev llvm-14
