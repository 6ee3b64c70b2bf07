#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what is needed,
# starts a Docker engine if none answers, makes the local images, builds, and
# runs every test through CTest (ending in CTest's summary).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
WERROR=ON scripts/build.sh
cd build
ctest --output-on-failure -j"${TEST_JOBS:-2}" "$@"
