#!/usr/bin/env bash
# Sets up everything dockerops needs on a Debian machine, idempotently:
#   1. the Debian packages to build and test it,
#   2. a Docker engine that answers (starting Debian's dockerd when none does),
#   3. the local images the tests and the demo use (no registry is reachable):
#        dockerops/busybox:latest   from Debian's busybox-static
#        dockerops/debian:<suite>   root file system made by debootstrap from the
#                                   mirror in this machine's apt sources
# Safe to re-run: whatever is already there is kept.
#
# Options: --packages-only (stop after the packages), --no-packages (start
# after them), --engine-packages (only what the engine and the images need),
# --tool-packages (those and what the tool's build needs: not the tests'
# tools), --no-images (stop after the engine),
# --no-base (skip the debootstrap image). Each step prints its time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

want_packages=1 want_tool=1 want_tests=1 want_engine=1 want_images=1 want_base=1
for a in "$@"; do
  case "$a" in
    --packages-only) want_engine=0 ;;
    --no-packages) want_packages=0 ;;
    --tool-packages) want_tests=0 ;;
    --engine-packages) want_tool=0 ;;
    --no-images) want_images=0 ;;
    --no-base) want_base=0 ;;
    *) die "unknown option $a (known: --packages-only, --no-packages, --engine-packages, --tool-packages, --no-images, --no-base)" ;;
  esac
done

[ "$(id -u)" = 0 ] || SUDO=sudo
SUDO=${SUDO:-}

# ---------------------------------------------------------------- packages
# What the engine and the local images need, what the tool's build needs (all
# that scripts/demo.sh installs), then what only the tests use.
engine_packages=(docker.io debootstrap busybox-static curl ca-certificates)
tool_packages=(
  build-essential cmake pkg-config ninja-build openssh-client
  libboost1.74-dev libboost-graph1.74-dev libboost-program-options1.74-dev libboost-filesystem1.74-dev
  libtomlplusplus-dev libcurl4-openssl-dev libsimdjson-dev libarchive-dev libssl-dev libyaml-cpp-dev go-md2man
)
# (libfmt-dev: the upgrade test builds the last release, tests/e2e/last_release, which links fmt.)
test_packages=(
  git catch2 python3 python3-jsonschema python3-yaml socat openssl tmux iproute2 procps universal-ctags
  dpkg-dev file lintian docker-compose bash-completion zsh mandoc libfmt-dev
)
packages=("${engine_packages[@]}")
[ "$want_tool" = 1 ] && packages+=("${tool_packages[@]}")
[ "$want_tool" = 1 ] && [ "$want_tests" = 1 ] && packages+=("${test_packages[@]}")
t0=$(now)
missing=()
[ "$want_packages" = 1 ] || packages=()
if [ ${#packages[@]} -gt 0 ]; then
  # One dpkg-query for all of them (one per package took 1.2 s).
  declare -A installed=()
  while read -r p; do installed[$p]=1; done < <(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
                                               awk '/ install ok installed$/ { print $1 }' || true)
  for p in "${packages[@]}"; do
    [ -n "${installed[$p]:-}" ] || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "step packages: ${#missing[@]} installed in $(elapsed "$t0")"
elif [ "$want_packages" = 1 ]; then
  say "step packages: all there ($(elapsed "$t0"))"
fi
[ "$want_engine" = 1 ] || exit 0

# ---------------------------------------------------------------- engine
dockerd_log=/var/log/dockerops-dockerd.log
pidfile=/var/run/docker.pid

# The pid in dockerd's pid file names a live dockerd (not a zombie: a dockerd
# killed with its session may linger unreaped when PID 1 does not reap).
dockerd_alive() {
  local pid state
  pid=$(cat "$pidfile" 2>/dev/null || true)
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  grep -q '^dockerd$' "/proc/$pid/comm" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
  [ "$state" != Z ] && [ "$state" != X ]
}

start_dockerd() {
  # dockerd refuses to start while a pid file exists: remove a stale one.
  if [ -f "$pidfile" ]; then
    say "removing stale $pidfile (pid $(cat "$pidfile" 2>/dev/null || echo ?) is not a running dockerd)"
    $SUDO rm -f "$pidfile"
  fi
  # The same holds for the containerd that dockerd manages.
  local cpid=/var/run/docker/containerd/containerd.pid
  if [ -f "$cpid" ] && ! [ -d "/proc/$(cat "$cpid" 2>/dev/null || echo x)" ]; then
    $SUDO rm -f "$cpid"
  fi
  say "no engine answers at $(engine_host): starting dockerd (log: $dockerd_log)"
  $SUDO sh -c "setsid nohup dockerd >>'$dockerd_log' 2>&1 </dev/null &"
}

t0=$(now)
if engine_answers; then
  say "step engine: answers at $(engine_host) ($(elapsed "$t0"))"
else
  case "$(engine_host)" in
    unix:///var/run/docker.sock|unix:///run/docker.sock) ;;
    *) die "no engine answers at DOCKER_HOST=$(engine_host); start it, or unset DOCKER_HOST to let this script start a local dockerd" ;;
  esac
  starts=0
  for _ in $(seq 1 90); do
    engine_answers && break
    if ! dockerd_alive; then
      [ "$starts" -lt 3 ] || break
      start_dockerd
      starts=$((starts + 1))
    fi
    sleep 1
  done
  engine_answers || { tail -n 20 "$dockerd_log" >&2 || true; die "dockerd did not answer within 90 s; see $dockerd_log"; }
  say "step engine: dockerd started and answers in $(elapsed "$t0") (log: $dockerd_log)"
  # Containers of an earlier session are still there, stopped: dockerops plans
  # their restart. Nothing here removes anything.
fi

[ "$want_images" = 1 ] || exit 0

# ---------------------------------------------------------------- images
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
t0=$(now)

if ! image_exists dockerops/busybox:latest; then
  say "making dockerops/busybox:latest from busybox-static"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/root/bin" "$tmp/root/etc" "$tmp/root/tmp" "$tmp/root/root" "$tmp/root/data"
  cp /bin/busybox "$tmp/root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$tmp/root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/root/etc/passwd"
  echo 'root:x:0:' >"$tmp/root/etc/group"
  chmod 1777 "$tmp/root/tmp"
  tar -C "$tmp/root" -c . | docker import \
    --change 'CMD ["sh"]' --change 'ENV PATH=/bin' \
    --change 'LABEL io.dockerops.bootstrap=busybox' \
    - dockerops/busybox:latest >/dev/null
  rm -rf "$tmp"; trap - EXIT
  say "step busybox image: made in $(elapsed "$t0")"
fi

[ "$want_base" = 1 ] || exit 0
t0=$(now)

suite=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-bookworm}")
if ! image_exists "dockerops/debian:$suite"; then
  say "making dockerops/debian:$suite: a clean root by debootstrap, its packages by apt (a minute or two)"
  tmp=$(mktemp -d /var/tmp/dockerops-rootfs.XXXXXX)
  trap '$SUDO umount -l "$tmp/root/proc" 2>/dev/null || true; $SUDO rm -rf "$tmp"' EXIT
  # The clean root (debootstrap minbase from this machine's mirror, kept in
  # /var/cache/dockerops/: lib.sh's clean_root), then the base container's own
  # packages installed into it by apt, so that building that container needs
  # no network from inside a container (apt fetches them together, where
  # debootstrap --include fetched and unpacked them one by one). No service
  # starts in the root meanwhile (policy-rc.d).
  $SUDO bash -c '. "$1"; clean_root "$2"' _ "$here/lib.sh" "$tmp/root"
  $SUDO cp /etc/resolv.conf "$tmp/root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$tmp/root/usr/sbin/policy-rc.d" >/dev/null
  $SUDO chmod 0755 "$tmp/root/usr/sbin/policy-rc.d"
  $SUDO mount -t proc proc "$tmp/root/proc"
  { $SUDO chroot "$tmp/root" apt-get update -qq &&
    $SUDO chroot "$tmp/root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      supervisor openssh-server openssh-client sudo procps iproute2 ca-certificates less dnsmasq-base socat; } \
    >"$tmp/apt.log" 2>&1 || { tail -n 20 "$tmp/apt.log" >&2; die "apt-get in the base image's root failed"; }
  $SUDO umount "$tmp/root/proc"
  $SUDO rm -rf "$tmp/root/usr/sbin/policy-rc.d" "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/cache/apt/"*.bin "$tmp/root/var/lib/apt/lists/"* \
               "$tmp/root/etc/ssh/ssh_host_"*
  $SUDO tar -C "$tmp/root" -c . | docker import \
    --change 'CMD ["bash"]' --change "LABEL io.dockerops.bootstrap=debian-$suite" \
    - "dockerops/debian:$suite" >/dev/null
  $SUDO rm -rf "$tmp"; trap - EXIT
  say "step base image: made in $(elapsed "$t0")"
fi
# The base container's default parent, whatever the host's suite.
docker tag "dockerops/debian:$suite" dockerops/debian:latest
say "images ready: dockerops/busybox:latest dockerops/debian:$suite (also :latest)"
