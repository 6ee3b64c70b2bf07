#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine and brings up the seed's demo
# platform (examples/demo): plan, then apply.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
bin=$PWD/build/dockerops
cd examples/demo
"$bin" validate
"$bin" plan
"$bin" apply --yes
"$bin" plan --detailed-exitcode
