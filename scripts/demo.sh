#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine, installs dockerops into
# /usr/local (PREFIX to change it: the binary, its built-in containers, man
# pages, completions and docs), and brings up the seed's demo platform
# (examples/demo) with the installed command: plan, then apply.
#
# Each step is one line, with its time when done; what the steps print goes to
# a log that is named (with its last lines) only when a step fails. Only the
# tool is compiled here (the tests are built by scripts/test.sh), and the
# local images are made while it compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
logs=$(mktemp -d /tmp/dockerops-demo.XXXXXX)
# shellcheck source=lib.sh
. scripts/lib.sh
t_start=$(now)

failed() {   # failed WHAT LOG
  echo "failed"
  echo "dockerops demo: $1 failed; the last lines of $2:" >&2
  tail -n 25 "$2" | sed 's/^/  /' >&2
  exit 1
}
step() {   # step WHAT LOGNAME CMD...: one line, its output to the log
  local what=$1 log=$logs/$2.log t0
  shift 2
  t0=$(now)
  printf '%s ... ' "$what"
  "$@" >"$log" 2>&1 || failed "$what" "$log"
  echo "done ($(elapsed "$t0"))"
}

# Its own build folder (build-demo/; the tests build in build/): a release
# build (-O2, as Debian builds its packages) of the tool alone, its sources
# compiled six to a unit (CMake's unity build) with Ninja where it is
# installed: 89 s on 2 cores against 272 s for the tests' kind of build of
# the same targets (docs/performance.md).
build_tool() {
  local gen=()
  [ ! -f "$root/build-demo/CMakeCache.txt" ] && command -v ninja >/dev/null && gen=(-G Ninja)
  cmake "${gen[@]}" -S "$root" -B "$root/build-demo" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
        -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=6 -DBUILD_TESTING=OFF
  # The tool with its man pages and completions (dockerops_docs needs the binary).
  cmake --build "$root/build-demo" -j"$(nproc)" --target dockerops dockerops_docs
}

step "Debian's packages for the engine" engine-packages scripts/setup.sh --packages-only --engine-packages

step "starting the engine if none answers" engine scripts/setup.sh --no-packages --no-images

# The local images (busybox, and the base image from a debootstrap root) are
# made in the background, at a lower priority, while the build's packages are
# installed and the tool compiles (the compile is what the demo waits for).
t_images=$(now)
nice -n 10 scripts/setup.sh --no-packages >"$logs/images.log" 2>&1 &
images=$!
step "Debian's packages to build the tool" tool-packages scripts/setup.sh --packages-only --tool-packages
step "compiling dockerops (the local images alongside)" compile build_tool
printf 'waiting for the local images ... '
wait "$images" || failed "making the local images" "$logs/images.log"
made=$(sed -n 's/^\[dockerops setup\] step \([^:]*\): .*[^0-9.]\([0-9][0-9.]* s\).*/\1 \2/p' "$logs/images.log" |
       { grep -v '^engine ' || true; } | paste -sd, | sed 's/,/, /g')
echo "done ($(elapsed "$t_images")${made:+ since they began: $made})"

prefix=${PREFIX:-/usr/local}
[ "$(id -u)" = 0 ] || SUDO=sudo
step "installing into $prefix" install ${SUDO:-} cmake --install build-demo --prefix "$prefix"
hash -r
export PATH="$prefix/bin:$PATH"
echo "installed: $(command -v dockerops) ($(dockerops version | tail -1))"
echo

cd examples/demo
dockerops validate
dockerops plan
dockerops apply --yes
dockerops plan --detailed-exitcode
echo
echo "Ready in $(elapsed "$t_start"). Running now (dockerops ps, in $(pwd)):"
dockerops ps
cat <<'EOF'

Reach it:         dockerops ssh:demo           (the seed's word; 'dockerops ssh demo.one' too)
Try next:
  dockerops logs -f demo                       its output as it comes (Ctrl-C ends)
  dockerops plan                               after editing dockerops.toml: what would change, and why
  dockerops destroy                            remove it (data kept unless --purge-data)
EOF
rm -rf "$logs"
