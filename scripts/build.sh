#!/usr/bin/env bash
# Configures and builds dockerops into build/ (after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# WERROR=1 (the test command): the warnings CMakeLists.txt names are errors.
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DDOCKEROPS_WERROR="${WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
