#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine, installs dockerops into
# /usr/local (PREFIX to change it: the binary, its built-in containers, man
# page, completions and docs), and brings up the seed's demo platform
# (examples/demo) with the installed command: plan, then apply.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
prefix=${PREFIX:-/usr/local}
[ "$(id -u)" = 0 ] || SUDO=sudo
${SUDO:-} cmake --install build --prefix "$prefix" >/dev/null
hash -r
export PATH="$prefix/bin:$PATH"
echo "installed: $(command -v dockerops) ($(dockerops version | tail -1))"
cd examples/demo
dockerops validate
dockerops plan
dockerops apply --yes
dockerops plan --detailed-exitcode
