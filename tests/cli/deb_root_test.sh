#!/usr/bin/env bash
# The Debian package on a machine that never built the project: a clean
# Debian root made by debootstrap (minbase, from the mirror in this machine's
# apt sources), the .deb installed there by apt with the dependencies it
# declares, then `dockerops version`, `init` and `validate` run inside it
# (chroot; no engine is needed for these three).
#   deb_root_test.sh BUILD_DIR
# Needs root (debootstrap, chroot). The pristine root is kept as a tar file in
# /var/cache/dockerops/ and unpacked afresh for every run.
set -euo pipefail
BUILD=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/lib.sh
. "$here/../../scripts/lib.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap and chroot)"

OUT=$(mktemp -d /var/tmp/dockerops-debroot.XXXXXX)
root=$OUT/root
cleanup() {
  mountpoint -q "$root/proc" && umount -l "$root/proc"
  mountpoint -q "$root/dev" && umount -l "$root/dev"
  rm -rf "$OUT"
}
trap cleanup EXIT

t0=$(now)
(cd "$BUILD" && cpack -G DEB -B "$OUT/deb" >"$OUT/cpack.log" 2>&1) || { cat "$OUT/cpack.log"; fail "cpack"; }
deb=$(ls "$OUT"/deb/dockerops_*_amd64.deb)
echo "package: $(basename "$deb") ($(elapsed "$t0"))"

clean_root "$root"

# The clean root has none of what the tool links beyond the C and C++ runtimes.
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
for p in libboost-filesystem1.74.0 libcurl4 libarchive13 openssh-client; do
  ! in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep_all 'install ok installed' \
    || fail "the clean root already has $p"
done
[ ! -e "$root/usr/bin/dockerops" ] || fail "the clean root already has dockerops"

cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp "$deb" "$root/tmp/"
t0=$(now)
in_root apt-get update -qq >"$OUT/apt.log" 2>&1 || { cat "$OUT/apt.log"; fail "apt-get update in the clean root"; }
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "/tmp/$(basename "$deb")" \
  >>"$OUT/apt.log" 2>&1 || { tail -n 30 "$OUT/apt.log"; fail "apt-get install of the package in the clean root"; }
echo "installed with apt: $(grep -c '^Setting up ' "$OUT/apt.log") packages ($(elapsed "$t0"))"
for p in dockerops libboost-filesystem1.74.0 libcurl4 libarchive13 openssh-client; do
  in_root dpkg-query -W -f='${Status}' "$p" | grep_all 'install ok installed' || fail "$p is not installed"
done

# The three commands, as a user would type them, in a new folder.
v=$(in_root dockerops version 2>&1) || fail "dockerops version: $v"
echo "$v"
grep -q "dockerops $(dpkg-deb -f "$deb" Version)" <<<"$v" || fail "version does not name the package's version: $v"
mkdir "$root/root/platform"
init=$(in_root sh -c 'cd /root/platform && dockerops init' 2>&1) || fail "dockerops init: $init"
echo "$init"
[ -f "$root/root/platform/dockerops.toml" ] || fail "init wrote no dockerops.toml: $(ls -A "$root/root/platform")"
val=$(in_root sh -c 'cd /root/platform && dockerops validate' 2>&1) || fail "dockerops validate: $val"
echo "$val"
# validate reads the file: a broken one is refused, naming the file, line and column.
printf '[containers.web\n' >>"$root/root/platform/dockerops.toml"
if bad=$(in_root sh -c 'cd /root/platform && dockerops validate' 2>&1); then fail "a broken file validated: $bad"; fi
grep -qE 'dockerops\.toml:[0-9]+:[0-9]+' <<<"$bad" || fail "the error names no line and column: $bad"
# The man page and the built-in containers came with it.
[ -f "$root/usr/share/man/man1/dockerops.1.gz" ] || fail "no man page in the clean root"
[ -f "$root/usr/share/dockerops/containers/dockerops-base/Dockerfile" ] || fail "no built-in containers"
echo "1 passed, 0 failed"
