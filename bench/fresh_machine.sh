#!/usr/bin/env bash
# First contact, measured on a fresh machine (#23): a clean Debian root
# (debootstrap minbase: no compiler, no engine, none of the project's
# packages) in network, mount, UTS and PID namespaces of its own, where a
# clone of this repository (its last commit) runs `scripts/demo.sh` as a user would. Prints
# demo.sh's own lines (one per step with its time) and the total to the
# demo's "No changes.", then runs it a second time (its step lines and total),
# then removes the demo and everything else it made.
#   bench/fresh_machine.sh        (needs root, and scripts/setup.sh's packages on the host)
#
# What differs from a real fresh machine: the root shares the host's kernel
# and disk cache; Debian's mirror is reached through the host (a NAT rule for
# the namespace's one address, removed at the end); and docker.io's package
# does not start its service when installed (no systemd in a chroot), so
# setup.sh starts dockerd itself, as it does on a machine without systemd.
# The host's dockerd, its containers and networks are not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
. scripts/lib.sh
[ "$(id -u)" = 0 ] || die "needs root (namespaces, chroot)"
NS=dopsfresh HOSTIF=dopsfresh0 NET=10.78.0
WORK=$(mktemp -d /var/tmp/dockerops-fresh.XXXXXX)
root=$WORK/root
rules=()
cleanup() {
  local r
  for r in "${rules[@]}"; do eval "iptables ${r/-I /-D }" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  ip link del "$HOSTIF" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
! ip netns list | grep_all -w "$NS" || die "namespace $NS exists: another run, or a left-over (ip netns del $NS)"

clean_root "$root"
git clone -q "$SRC" "$root/root/dockerops"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No service starts at package installation in a chroot (invoke-rc.d's rule).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"

# The namespace's network: one veth pair, the host NATs its one address.
ip netns add "$NS"
ip link add "$HOSTIF" type veth peer name eth0 netns "$NS"
ip addr add "$NET.1/30" dev "$HOSTIF" && ip link set "$HOSTIF" up
ip netns exec "$NS" sh -c "ip addr add $NET.2/30 dev eth0 && ip link set eth0 up && ip link set lo up && ip route add default via $NET.1"
chain=FORWARD; iptables -n -L DOCKER-USER >/dev/null 2>&1 && chain=DOCKER-USER
rules=("-t nat -I POSTROUTING -s $NET.2/32 -j MASQUERADE"
       "-I $chain -i $HOSTIF -j ACCEPT"
       "-I $chain -o $HOSTIF -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
for r in "${rules[@]}"; do eval "iptables $r"; done
[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || die "ip forwarding is off on the host"

# Inside: its own /proc, /sys (cgroups mounted again), /dev and /run, then
# the clean root made the namespace's root by pivot_root (not chroot: an
# engine in a chroot execs `docker exec` and health checks in the outer root),
# then demo.sh as a user would run it, timed; then the demo destroyed and
# dockerd stopped. When the PID namespace's first process ends, whatever is
# left in it is killed.
cat >"$root/root/fresh-machine.sh" <<'INNER'
#!/bin/bash
umount -l /.oldroot && rmdir /.oldroot
cd /root/dockerops
rc=0
time scripts/demo.sh || rc=$?
if [ "$rc" = 0 ]; then
  echo "--- the same command again (a second run):"
  time scripts/demo.sh >/tmp/second.log 2>&1 || rc=$?
  grep -E '^Ready in|done \(' /tmp/second.log
fi
if [ "$rc" != 0 ] && [ -S /run/docker.sock ]; then
  echo "--- after the failure, the engine holds:"; docker ps -a; docker images
fi
(cd examples/demo && dockerops destroy --yes --rmi >/dev/null 2>&1) || true
pid=$(cat /run/docker.pid 2>/dev/null || true)
if [ -n "$pid" ]; then kill "$pid"; for _ in $(seq 1 30); do [ -d "/proc/$pid" ] || break; sleep 0.5; done; fi
exit $rc
INNER
t0=$(now)
ip netns exec "$NS" unshare --mount --uts --pid --fork --propagation private bash -c '
  set -e
  root='"$root"'
  hostname fresh-machine
  mount --bind "$root" "$root"
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount -t tmpfs cgroup "$root/sys/fs/cgroup"
  for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
    mkdir -p "$root/sys/fs/cgroup/$c"; mount -t cgroup -o $c cgroup "$root/sys/fs/cgroup/$c"
  done
  mkdir -p "$root/sys/fs/cgroup/systemd"; mount -t cgroup -o none,name=systemd cgroup "$root/sys/fs/cgroup/systemd"
  mount --bind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/run"
  cd "$root" && mkdir .oldroot && pivot_root . .oldroot
  exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
    bash /root/fresh-machine.sh
'
echo "fresh machine: scripts/demo.sh to the demo's \"No changes.\" and back out in $(elapsed "$t0") (the line \"Ready in\" above is demo.sh's own)"
