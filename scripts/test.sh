#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what is needed,
# starts a Docker engine if none answers, makes the local images, builds, and
# runs every test through CTest (ending in CTest's summary). Each set-up
# step prints its time (CI starts on a fresh machine: its log holds the
# fresh-machine figures of docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
t_all=$(now)
scripts/setup.sh
t0=$(now)
WERROR=ON UNITY="${UNITY:-ON}" scripts/build.sh
say "step build (the tool and every test target): $(elapsed "$t0")"
say "set-up done in $(elapsed "$t_all"); the tests now"
cd build
ctest --output-on-failure -j"${TEST_JOBS:-2}" "$@"
