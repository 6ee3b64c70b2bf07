#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine and brings up the seed's demo
# platform (examples/demo).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
bin=$PWD/build/dockerops
cd examples/demo
"$bin" validate
