#!/usr/bin/env bash
# Configures and builds dockerops into build/ (after scripts/setup.sh).
#   WERROR=ON  the warnings CMakeLists.txt names are errors (the test command)
#   UNITY=ON   a unity build, six sources to a unit (the test command: a fresh
#              clone's build step took 458.5 s on two cores, against 579.6 s
#              file by file); off by default, where one edit recompiles one
#              file. File-local names that meet in one unit are a compile
#              error here (larger units met more: docs/performance.md)
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
# Ninja when it is there, unless build/ was configured with another generator.
if command -v ninja >/dev/null && { [ ! -f build/CMakeCache.txt ] || grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build/CMakeCache.txt; }; then
  generator=(-G Ninja)
fi
cmake "${generator[@]}" -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DDOCKEROPS_WERROR="${WERROR:-OFF}" \
  -DCMAKE_UNITY_BUILD="${UNITY:-OFF}" -DCMAKE_UNITY_BUILD_BATCH_SIZE=6 >/dev/null
cmake --build build -j"$(nproc)"
