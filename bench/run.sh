#!/usr/bin/env bash
# dockerops against its peers on the same engine, in the same run:
#   bench/run.sh [N]        (default N=50; needs the build and scripts/setup.sh's images)
# Peers: docker-compose (Debian's package, installed here when missing) and the
# Engine API floor (bench/api_floor.py: the same create/start/stop/remove calls
# from 8 concurrent clients, nothing else). Prints a table of times and ratios
# and writes it as JSON to bench/last-run.json. Not part of the test suite:
# times depend on the machine; only the ratios are quoted (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
ROOT=$PWD
BIN=${BIN:-$PWD/build/dockerops}
IMAGE=dockerops/busybox:latest
ID=$$
WORK=$(mktemp -d)
DOPS="bench-$ID" COMPOSE="bcompose-$ID" FLOOR="bfloor-$ID"
[ -x "$BIN" ] || { echo "no $BIN: run scripts/build.sh first" >&2; exit 1; }
if ! command -v docker-compose >/dev/null; then
  [ "$(id -u)" = 0 ] || SUDO=sudo
  ${SUDO:-} apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
cleanup() {
  (cd "$WORK/dops" 2>/dev/null && "$BIN" destroy --yes --allow-destroy-all --rmi >/dev/null 2>&1) || true
  (cd "$WORK/compose" 2>/dev/null && docker-compose -p "$COMPOSE" down >/dev/null 2>&1) || true
  python3 bench/api_floor.py down "$FLOOR" >/dev/null 2>&1 || true
  for p in big1k big10k; do docker network rm "$p-$ID" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }
timed() { local t0; t0=$(now); "$@" >/dev/null 2>&1; since "$t0"; }

# The same platform three ways: N sleeping busybox instances on one network.
mkdir -p "$WORK/dops/containers/app" "$WORK/compose"
printf 'FROM %s\nCMD ["sleep", "3600"]\n' "$IMAGE" >"$WORK/dops/containers/app/Dockerfile"
dops_file() {   # dops_file VALUE_OF_V_FOR_n0
  { printf '[project]\nname = "%s"\n[containers.app]\n' "$DOPS"
    for i in $(seq 0 $((N - 1))); do
      printf '[[instances]]\ncontainer = "app"\nname = "n%s"\n' "$i"
      if [ "$i" = 0 ]; then printf 'env = { V = "%s" }\n' "$1"; fi
    done; } >"$WORK/dops/dockerops.toml"
}
dops_file 1
{ echo "services:"
  for i in $(seq 0 $((N - 1))); do printf '  n%s:\n    image: %s\n    command: ["sleep", "3600"]\n    init: true\n' "$i" "$IMAGE"; done
} >"$WORK/compose/docker-compose.yml"

echo "bench: N=$N on $(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'), $(nproc) cores" >&2
(cd "$WORK/dops" && "$BIN" build all >/dev/null)   # the image exists for all three

# Fresh apply of N.
t_dops_up=$(cd "$WORK/dops" && timed "$BIN" apply --yes)
t_floor_up=$(python3 bench/api_floor.py up "$FLOOR" "$N" "$IMAGE")
t_compose_up=$(cd "$WORK/compose" && timed docker-compose -p "$COMPOSE" up -d)

# No-op: dockerops plan against compose's no-op up -d (11 and 3 runs, medians).
# Timed by bench/median_time.py, whose clock is read in-process around each run.
t_dops_noop=$(cd "$WORK/dops" && python3 "$ROOT/bench/median_time.py" 11 "$BIN" plan)
t_compose_noop=$(cd "$WORK/compose" && python3 "$ROOT/bench/median_time.py" 3 docker-compose -p "$COMPOSE" up -d)

# One env change in N, against one raw create+start (3 runs each, medians).
runs=(); for v in 2 3 4; do dops_file "$v"; runs+=("$(cd "$WORK/dops" && timed "$BIN" apply --yes)"); done; t_dops_change=$(median "${runs[@]}")
runs=(); for _ in 1 2 3; do runs+=("$(python3 bench/api_floor.py one "$FLOOR" "$IMAGE")"); done; t_floor_one=$(median "${runs[@]}")

# Destroy of N.
t_dops_down=$(cd "$WORK/dops" && timed "$BIN" destroy --yes --allow-destroy-all)
t_floor_down=$(python3 bench/api_floor.py down "$FLOOR")
t_compose_down=$(cd "$WORK/compose" && timed docker-compose -p "$COMPOSE" down)

# A stop of a process with no SIGTERM handler: under init (dockerops's default,
# `init = true`) against the same container as PID 1 (waits out the 10 s grace).
t_stop_init=$(python3 bench/api_floor.py stop "$FLOOR" "$IMAGE" 1)
t_stop_pid1=$(python3 bench/api_floor.py stop "$FLOOR" "$IMAGE" 0)

# Plans of 1,000 and 10,000 instances from an empty engine: time and peak memory.
big() {   # big NAME COUNT -> "seconds kilobytes"
  local dir="$WORK/$1"
  python3 bench/many_instances.py "$dir" "$1-$ID" "$2" "$IMAGE"
  (cd "$dir" && /usr/bin/time -f '%e %M' "$BIN" plan 2>&1 >/dev/null | tail -1)
}
read -r t_plan_1k kb_plan_1k < <(big big1k 1000)
read -r t_plan_10k kb_plan_10k < <(big big10k 10000)

python3 - "$N" bench/last-run.json <<PY
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
rows = [
  ("no-op plan vs compose no-op up -d", $t_dops_noop, $t_compose_noop, "compose / dockerops", $t_compose_noop / $t_dops_noop),
  ("fresh apply of N vs API floor", $t_dops_up, $t_floor_up, "dockerops / floor", $t_dops_up / $t_floor_up),
  ("fresh apply of N vs compose up -d", $t_dops_up, $t_compose_up, "dockerops / compose", $t_dops_up / $t_compose_up),
  ("one env change vs one create+start", $t_dops_change, $t_floor_one, "dockerops / floor", $t_dops_change / $t_floor_one),
  ("destroy of N vs API floor", $t_dops_down, $t_floor_down, "dockerops / floor", $t_dops_down / $t_floor_down),
  ("destroy of N vs compose down", $t_dops_down, $t_compose_down, "dockerops / compose", $t_dops_down / $t_compose_down),
  ("stop of sleep: init (default) vs PID 1", $t_stop_init, $t_stop_pid1, "PID 1 / init", $t_stop_pid1 / $t_stop_init),
]
print(f"{'N = ' + str(n):38} {'dockerops':>10} {'peer':>10}   ratio")
for name, a, b, how, r in rows:
    print(f"{name:38} {a:9.3f}s {b:9.3f}s   {r:6.2f} ({how})")
print(f"{'plan of 1,000 instances':38} {$t_plan_1k:9.3f}s {$kb_plan_1k / 1024:8.1f}MB peak")
print(f"{'plan of 10,000 instances':38} {$t_plan_10k:9.3f}s {$kb_plan_10k / 1024:8.1f}MB peak")
json.dump({"n": n,
           "rows": [{"case": name, "dockerops_s": a, "peer_s": b, "ratio": round(r, 3), "ratio_is": how} for name, a, b, how, r in rows],
           "plan_1000": {"seconds": $t_plan_1k, "peak_mb": round($kb_plan_1k / 1024, 1)},
           "plan_10000": {"seconds": $t_plan_10k, "peak_mb": round($kb_plan_10k / 1024, 1)}},
          open(out, "w"), indent=2)
print(f"written to {out}")
PY
