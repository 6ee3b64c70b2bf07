#!/usr/bin/env bash
# A real Docker Swarm on this one machine, for the cluster tests.
#
#   scripts/swarm.sh up      three dockerd, each in its own network namespace,
#                            joined into one swarm, plus Debian's docker-registry;
#                            prints the manager's DOCKER_HOST=unix://... last
#   scripts/swarm.sh down    removes all of it
#   scripts/swarm.sh status  the nodes as the manager sees them
#   scripts/swarm.sh kill N  kills node N's dockerd (SIGKILL), as a dying host
#   scripts/swarm.sh start N starts node N's dockerd again (after kill), in its namespace
#   scripts/swarm.sh nodes   the host file's [nodes] table: each node's name and
#                            engine (dockerops exec/shell reach tasks through it)
#   scripts/swarm.sh registry-bin  the path of Debian's docker-registry, unpacked
#
# The host's own dockerd, its containers, /run/docker and the host's iptables
# are never touched: every rule, socket and data root is the nodes' own.
# Facts this is built on: ../shared/notes (no IPVS here: services use dnsrr
# endpoints and host-mode ports; cgroups re-mounted inside each namespace).
#
# Environment: DOCKEROPS_SWARM_ROOT (default /var/lib/dockerops-swarm; the
# sockets live in <root>/nodeN/docker.sock), DOCKEROPS_SWARM_NODES (3).
set -euo pipefail

ROOT=${DOCKEROPS_SWARM_ROOT:-/var/lib/dockerops-swarm}
N=${DOCKEROPS_SWARM_NODES:-3}
NET=10.77.0                    # node i is $NET.1i, the registry listens on node 1
HUB=dopsw-hub
REGISTRY_PORT=5000
SRC=$(cd "$(dirname "$0")/.." && pwd)

say() { echo "[dockerops swarm] $*" >&2; }
# The host's engine is the one the images come from: never one of the nodes.
case "${DOCKER_HOST:-}" in *"$ROOT"/*) unset DOCKER_HOST ;; esac
die() { say "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, dockerd)"

node_dir() { echo "$ROOT/node$1"; }
node_sock() { echo "$(node_dir "$1")/docker.sock"; }
node_docker() { local i=$1; shift; docker -H "unix://$(node_sock "$i")" "$@"; }
node_ip() { echo "$NET.1$1"; }

pid_alive() { [ -n "${1:-}" ] && [ -d "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# ---------------------------------------------------------------- registry
# Debian's docker-registry, unpacked (not installed: its package starts a
# system service). Kept under the root so that a second `up` reuses it.
registry_bin() {
  local dir="$ROOT/registry-pkg" bin
  bin="$dir/usr/bin/docker-registry"
  mkdir -p "$dir"
  exec 8>"$ROOT/registry-pkg.lock"   # the swarm test and the registry-auth test may ask at once
  flock 8
  if [ ! -x "$bin" ]; then
    say "fetching Debian's docker-registry package"
    mkdir -p "$dir" && (cd "$dir" && apt-get download docker-registry >/dev/null 2>&1) \
      || { apt-get update -qq && (cd "$dir" && apt-get download docker-registry >/dev/null); } \
      || die "apt-get download docker-registry failed"
    dpkg-deb -x "$dir"/docker-registry_*.deb "$dir"
  fi
  exec 8>&-
  echo "$bin"
}

start_registry() {
  local bin conf="$ROOT/registry.yml"
  bin=$(registry_bin)
  mkdir -p "$ROOT/registry"
  cat >"$conf" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $ROOT/registry
  delete:
    enabled: true
http:
  addr: $(node_ip 1):$REGISTRY_PORT
EOF
  ip netns exec sw1 setsid "$bin" serve "$conf" >"$ROOT/registry.log" 2>&1 </dev/null &
  echo $! >"$ROOT/registry.pid"
}

# ---------------------------------------------------------------- nodes
start_node() {
  local i=$1 dir
  dir=$(node_dir "$i")
  mkdir -p "$dir/data" "$dir/exec"
  cat >"$dir/daemon.json" <<EOF
{ "deprecated-key-path": "$dir/key.json" }
EOF
  # A private mount and UTS namespace inside the network namespace: a fresh
  # /sys hides the host's cgroup mounts, so they are mounted again here.
  ip netns exec "sw$i" unshare --mount --uts --propagation private sh -c '
    set -e
    hostname "swarm-node'"$i"'"
    mount -t tmpfs cgroup /sys/fs/cgroup
    for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
      mkdir -p /sys/fs/cgroup/$c; mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c
    done
    mkdir -p /sys/fs/cgroup/systemd; mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
    exec setsid dockerd --config-file "'"$dir"'/daemon.json" \
      -H "unix://'"$dir"'/docker.sock" --data-root "'"$dir"'/data" --exec-root "'"$dir"'/exec" \
      --pidfile "'"$dir"'/docker.pid" --cgroup-parent /swarm-node'"$i"' \
      --userland-proxy=false --shutdown-timeout 1 \
      --insecure-registry '"$(node_ip 1):$REGISTRY_PORT"' </dev/null >"'"$dir"'/dockerd.log" 2>&1
  ' &
}

up() {
  [ -S "$(node_sock 1)" ] && node_docker 1 info >/dev/null 2>&1 && die "a swarm is already up under $ROOT ('$0 down' first)"
  command -v dockerd >/dev/null || die "dockerd not found (scripts/setup.sh installs docker.io)"
  # Whatever an earlier run left (a swarm's state in a data root would make
  # its node refuse to join a new one) goes first.
  if ls -d "$ROOT"/node* >/dev/null 2>&1 || ip netns list 2>/dev/null | grep -E "^(sw[0-9]|$HUB)\b" >/dev/null; then
    say "removing what an earlier swarm left"
    down
  fi
  mkdir -p "$ROOT"
  : >"$ROOT/created"
  if [ ! -d /run/netns ]; then echo netns >>"$ROOT/created"; fi
  ip netns add "$HUB"
  ip -n "$HUB" link add br0 type bridge
  ip -n "$HUB" link set br0 up
  ip -n "$HUB" link set lo up
  for i in $(seq 1 "$N"); do
    ip netns add "sw$i"
    ip link add "dopsw$i" netns "$HUB" type veth peer name eth0 netns "sw$i"
    ip -n "$HUB" link set "dopsw$i" master br0 up
    ip -n "sw$i" addr add "$(node_ip "$i")/24" dev eth0
    ip -n "sw$i" link set eth0 up
    ip -n "sw$i" link set lo up
    start_node "$i"
  done
  for i in $(seq 1 "$N"); do
    for _ in $(seq 1 60); do node_docker "$i" info >/dev/null 2>&1 && break; sleep 0.5; done
    node_docker "$i" info >/dev/null 2>&1 || { tail -n 20 "$(node_dir "$i")/dockerd.log" >&2; die "node $i's dockerd did not answer"; }
  done
  say "$N dockerd ready"
  start_registry
  node_docker 1 swarm init --advertise-addr "$(node_ip 1)" --dispatcher-heartbeat 2s >/dev/null
  local token
  token=$(node_docker 1 swarm join-token -q worker)
  for i in $(seq 2 "$N"); do node_docker "$i" swarm join --token "$token" "$(node_ip 1):2377" >/dev/null; done
  for _ in $(seq 1 60); do
    [ "$(node_docker 1 node ls --format '{{.Status}}' | grep -c Ready)" = "$N" ] && break; sleep 0.5
  done
  [ "$(node_docker 1 node ls --format '{{.Status}}' | grep -c Ready)" = "$N" ] || die "not every node joined"
  local reached=0
  for _ in $(seq 1 40); do
    if ip netns exec sw1 bash -c "exec 3<>/dev/tcp/$(node_ip 1)/$REGISTRY_PORT" 2>/dev/null; then reached=1; break; fi
    sleep 0.25
  done
  [ "$reached" = 1 ] || { cat "$ROOT/registry.log" >&2; die "the registry does not answer on $(node_ip 1):$REGISTRY_PORT"; }
  # The images the tests build FROM, copied from the host's engine (there is
  # no Docker Hub here); only those that exist there.
  for img in dockerops/busybox:latest; do
    if docker image inspect "$img" >/dev/null 2>&1; then docker save "$img" | node_docker 1 load >/dev/null; fi
  done
  say "swarm of $N nodes up; registry $(node_ip 1):$REGISTRY_PORT"
  echo "DOCKEROPS_REGISTRY=$(node_ip 1):$REGISTRY_PORT"
  echo "DOCKER_HOST=unix://$(node_sock 1)"
}

kill_node() {
  local i=$1 pid
  pid=$(cat "$(node_dir "$i")/docker.pid" 2>/dev/null || true)
  pid_alive "$pid" || die "node $i's dockerd is not running"
  kill -KILL "$pid"
  # Its containers go too, as with a host that dies.
  for c in /sys/fs/cgroup/pids/swarm-node"$i"/*/; do
    if [ -f "$c/cgroup.procs" ]; then xargs -r kill -KILL <"$c/cgroup.procs" 2>/dev/null || true; fi
  done
  say "node $i's dockerd killed (pid $pid)"
}

print_nodes() {
  echo "[nodes]"
  for i in $(seq 1 9); do
    [ -S "$(node_sock "$i")" ] && echo "swarm-node$i = \"unix://$(node_sock "$i")\""
  done
  return 0
}

restart_node() {
  local i=$1 pid
  pid=$(cat "$(node_dir "$i")/docker.pid" 2>/dev/null || true)
  pid_alive "$pid" && die "node $i's dockerd is running"
  rm -f "$(node_dir "$i")/docker.pid"
  start_node "$i"
  for _ in $(seq 1 60); do node_docker "$i" info >/dev/null 2>&1 && break; sleep 0.5; done
  node_docker "$i" info >/dev/null 2>&1 || die "node $i's dockerd did not answer"
  say "node $i's dockerd started again"
}

down() {
  local i pid
  for i in $(seq 1 9); do
    [ -d "$(node_dir "$i")" ] || continue
    pid=$(cat "$(node_dir "$i")/docker.pid" 2>/dev/null || true)
    if pid_alive "$pid"; then kill -TERM "$pid"; fi
  done
  if [ -f "$ROOT/registry.pid" ] && pid_alive "$(cat "$ROOT/registry.pid")"; then kill -TERM "$(cat "$ROOT/registry.pid")"; fi
  for _ in $(seq 1 40); do
    local left=0
    for i in $(seq 1 9); do
      pid=$(cat "$(node_dir "$i")/docker.pid" 2>/dev/null || true)
      if pid_alive "$pid"; then left=1; fi
    done
    if [ "$left" = 0 ]; then break; fi
    sleep 0.25
  done
  # What is left in the nodes' cgroups (shims, task processes, a hung dockerd).
  for cg in /sys/fs/cgroup/*/swarm-node*; do
    [ -d "$cg" ] || continue
    find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  done
  for i in $(seq 1 9); do
    pid=$(cat "$(node_dir "$i")/docker.pid" 2>/dev/null || true)
    if pid_alive "$pid"; then kill -KILL "$pid"; fi
  done
  sleep 0.5
  # containerd's shim sockets of the nodes' containers: /run/containerd/s/<sha256 of
  # <containerd address>/moby/<id>>, only those of the nodes' own tasks.
  for i in $(seq 1 9); do
    local d addr
    d=$(node_dir "$i")
    [ -d "$d/exec" ] || continue
    addr="$d/exec/containerd/containerd.sock"
    for task in "$d"/exec/containerd/daemon/io.containerd.runtime.v2.task/moby/*/; do
      [ -d "$task" ] || continue
      rm -f "/run/containerd/s/$(printf '%s' "$addr/moby/$(basename "$task")" | sha256sum | cut -d' ' -f1)"
    done
  done
  for cg in /sys/fs/cgroup/*/swarm-node*; do
    [ -d "$cg" ] || continue
    find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    case "$ns" in sw[0-9]|"$HUB") ip netns del "$ns" ;; esac
  done
  local created_netns=0
  if grep -qx netns "$ROOT/created" 2>/dev/null; then created_netns=1; fi
  # Mounts the nodes left under their roots (overlay, shm, netns bind mounts).
  { grep -o " $ROOT/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  # The unpacked registry package is kept: the next `up` needs no download.
  find "$ROOT" -mindepth 1 -maxdepth 1 ! -name registry-pkg -exec rm -rf {} +
  if [ "$created_netns" = 1 ] && [ -z "$(ip netns list 2>/dev/null)" ] && mountpoint -q /run/netns; then
    umount /run/netns 2>/dev/null || true
  fi
  say "swarm down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) node_docker 1 node ls ;;
  kill) kill_node "${2:?kill N}" ;;
  start) restart_node "${2:?start N}" ;;
  nodes) print_nodes ;;
  registry-bin) registry_bin ;;   # Debian's docker-registry, unpacked: its path (tests/e2e/registry_auth_test.sh)
  *) echo "usage: $0 up|down|status|kill N|start N|nodes|registry-bin" >&2; exit 2 ;;
esac
