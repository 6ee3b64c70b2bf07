#!/usr/bin/env bash
# dockerops against `docker stack deploy` on the test swarm (scripts/swarm.sh),
# the same compose file, in the same run:
#   bench/swarm.sh [SERVICES]    (default 20; one of them with 3 replicas)
# Both take the same image as it is (dockerops/busybox, loaded into every
# node: no registry between them). The cases, each tool in turn:
#   fresh apply       dockerops apply  | stack deploy, then waiting until every task runs
#   no-op             dockerops plan   | stack deploy again (medians of 5)
#   one env change    of the 3-replica service: dockerops apply (its own rolling
#                     defaults) | stack deploy, then waiting until the update completes
#                     (the file's defaults: Swarm's own)
#   removal           dockerops destroy | stack rm, then waiting until no task is left
# Makes its own swarm and takes it down; refuses when one is already up. Not
# part of the test suite; the ratios are quoted in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-20}
SRC=$PWD
BIN=${BIN:-$PWD/build/dockerops}
IMAGE=dockerops/busybox:latest
ROOT=${DOCKEROPS_SWARM_ROOT:-/var/lib/dockerops-swarm}
WORK=$(mktemp -d)
DOPS="bsw$$" STACK="bst$$"
[ -x "$BIN" ] || { echo "no $BIN: run scripts/build.sh first" >&2; exit 1; }
if [ -S "$ROOT/node1/docker.sock" ] && docker -H "unix://$ROOT/node1/docker.sock" info >/dev/null 2>&1; then
  echo "a swarm is already up under $ROOT: 'scripts/swarm.sh down' first (this bench makes its own)" >&2; exit 1
fi
cleanup() {
  rm -rf "$WORK"
  "$SRC/scripts/swarm.sh" down >/dev/null 2>&1 || true
}
trap cleanup EXIT
up=$("$SRC/scripts/swarm.sh" up)
MANAGER=$(sed -n 's/^DOCKER_HOST=//p' <<<"$up")
export DOCKER_HOST=$MANAGER
for i in 2 3; do docker -H unix:///var/run/docker.sock save "$IMAGE" | docker -H "unix://$ROOT/node$i/docker.sock" load >/dev/null; done

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

FIRST=$(seq -w 1 "$S" | head -1)   # the 3-replica service: s01
compose_file() {   # compose_file VALUE: the 3-replica service's V
  { echo "x-dockerops:"
    echo "  target: swarm"
    echo "services:"
    for i in $(seq -w 1 "$S"); do
      printf '  s%s:\n    image: %s\n    command: ["sleep", "100000"]\n' "$i" "$IMAGE"
      if [ "$i" = "$FIRST" ]; then printf '    environment: {V: "%s"}\n    deploy: {replicas: 3}\n' "$1"; fi
    done; } >"$WORK/compose.yaml"
}
# Until every service of the stack runs all its tasks (what a deployment script waits for).
stack_running() {
  until docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Replicas}}' |
        awk -F'[/ ]' -v want="$S" '{n++; if ($1 != $2) bad=1} END {exit !(n == want && !bad)}'; do sleep 0.1; done
}
# Until the 3-replica service's rolling update has completed.
stack_updated() {
  until [ "$(docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "${STACK}_s$FIRST")" = completed ]; do sleep 0.1; done
}
stack_gone() {
  until [ -z "$(docker ps -q --filter "label=com.docker.stack.namespace=$STACK")" ] &&
        [ -z "$(docker service ls -q --filter "label=com.docker.stack.namespace=$STACK")" ] &&
        [ -z "$(for i in 2 3; do docker -H "unix://$ROOT/node$i/docker.sock" ps -q --filter "label=com.docker.stack.namespace=$STACK"; done)" ]; do
    sleep 0.1
  done
}
dops() { "$BIN" "$1" --file "$WORK/compose.yaml" -p "$DOPS" "${@:2}" >/dev/null 2>&1; }

echo "bench swarm: $S services on 3 nodes, $(docker version -f '{{.Server.Version}}'), $(nproc) cores" >&2
compose_file 1
t0=$(now); dops apply --yes; t_dops_up=$(since "$t0")
t0=$(now); docker stack deploy -c "$WORK/compose.yaml" "$STACK" >/dev/null; stack_running; t_stack_up=$(since "$t0")

t_dops_noop=$(python3 bench/median_time.py 5 "$BIN" plan --file "$WORK/compose.yaml" -p "$DOPS" --detailed-exitcode)
"$BIN" plan --file "$WORK/compose.yaml" -p "$DOPS" --detailed-exitcode >/dev/null || { echo "dockerops's plan after apply is not empty" >&2; exit 1; }
t_stack_noop=$(python3 bench/median_time.py 5 docker stack deploy -c "$WORK/compose.yaml" "$STACK")

compose_file 2
t0=$(now); dops apply --yes; t_dops_env=$(since "$t0")
t0=$(now); docker stack deploy -c "$WORK/compose.yaml" "$STACK" >/dev/null; stack_updated; t_stack_env=$(since "$t0")

t0=$(now); dops destroy --yes; t_dops_rm=$(since "$t0")
t0=$(now); docker stack rm "$STACK" >/dev/null; stack_gone; t_stack_rm=$(since "$t0")

printf '%-16s %10s %14s %8s\n' case dockerops "stack deploy" ratio
printf '%-16s %10s %14s %8s\n' "fresh apply" "$t_dops_up" "$t_stack_up" "$(ratio "$t_dops_up" "$t_stack_up")"
printf '%-16s %10s %14s %8s\n' "no-op" "$t_dops_noop" "$t_stack_noop" "$(ratio "$t_dops_noop" "$t_stack_noop")"
printf '%-16s %10s %14s %8s\n' "env change" "$t_dops_env" "$t_stack_env" "$(ratio "$t_dops_env" "$t_stack_env")"
printf '%-16s %10s %14s %8s\n' "removal" "$t_dops_rm" "$t_stack_rm" "$(ratio "$t_dops_rm" "$t_stack_rm")"
