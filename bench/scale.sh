#!/usr/bin/env bash
# dockerops at scale (#24), against the Engine API floor in the same run:
#   bench/scale.sh [N] [OTHERS] [BIG]   (defaults 300, 1000, 100000)
# 1. A project of N busybox instances on the real engine, RUNS rounds
#    (default 3; medians): `dockerops apply` of it, then (first round) its
#    no-op `plan` (median of 5) with OTHERS other containers on the engine
#    (made with `docker create`, never started), then `dockerops destroy`;
#    then the floor (bench/api_floor.py: the same create/start and
#    stop/remove calls from 8 clients) making and removing N containers. One
#    round's single figures move with the engine by more than 10%. Odd
#    rounds run dockerops first, even rounds the floor first.
# 2. A file of BIG instances (as bench/run.sh writes its 10,000): `validate`,
#    `plan` and `plan --json` from an empty engine, time and peak memory
#    (medians of BIG_RUNS, default 3).
# Prints a table and writes it as JSON to bench/last-scale.json. Not part of
# the test suite: only the ratios are quoted (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300} OTHERS=${2:-1000} BIG=${3:-100000} BIG_RUNS=${BIG_RUNS:-3} RUNS=${RUNS:-3}
BIN=${BIN:-$PWD/build/dockerops}
IMAGE=dockerops/busybox:latest
ID=$$
WORK=$(mktemp -d)
DOPS="bscale-$ID" FLOOR="bsfloor-$ID" OTHER_LABEL="bench.other=$ID"
[ -x "$BIN" ] || { echo "no $BIN: run scripts/build.sh first" >&2; exit 1; }
cleanup() {
  (cd "$WORK/dops" 2>/dev/null && "$BIN" destroy --yes --allow-destroy-all --rmi >/dev/null 2>&1) || true
  python3 bench/api_floor.py down "$FLOOR" >/dev/null 2>&1 || true
  docker ps -aq --filter "label=$OTHER_LABEL" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network rm "bsbig-$ID" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }

# ---------------------------------------------------------------- N on the engine
mkdir -p "$WORK/dops/containers/app"
printf 'FROM %s\nCMD ["sleep", "3600"]\n' "$IMAGE" >"$WORK/dops/containers/app/Dockerfile"
{ printf '[project]\nname = "%s"\n[containers.app]\n' "$DOPS"
  for i in $(seq 0 $((N - 1))); do printf '[[instances]]\ncontainer = "app"\nname = "n%s"\n' "$i"; done; } >"$WORK/dops/dockerops.toml"
(cd "$WORK/dops" && "$BIN" build all >/dev/null 2>&1) || { echo "build failed" >&2; exit 1; }
apply_t=() destroy_t=() up_t=() down_t=() noop=() t_noop=0
dops_round() {   # dops_round ROUND: dockerops's apply, (first round) the no-op plan, its destroy
  local round=$1 t0
  echo "round $round of $RUNS: apply of $N instances..." >&2
  t0=$(now); (cd "$WORK/dops" && "$BIN" apply --yes >"$WORK/apply.log" 2>&1) || { tail -5 "$WORK/apply.log" >&2; exit 1; }
  apply_t+=("$(since "$t0")")
  if [ "$round" = 1 ]; then
    echo "$OTHERS other containers..." >&2
    seq 1 "$OTHERS" | xargs -P 8 -I{} docker create --name "bsother-$ID-{}" --label "$OTHER_LABEL" "$IMAGE" sleep 1 >/dev/null
    for _ in 1 2 3 4 5; do
      t0=$(now)
      (cd "$WORK/dops" && "$BIN" plan --detailed-exitcode >"$WORK/noop.log" 2>&1) || { cat "$WORK/noop.log" >&2; echo "the no-op plan is not empty" >&2; exit 1; }
      noop+=("$(since "$t0")")
    done
    t_noop=$(median "${noop[@]}")
    docker ps -aq --filter "label=$OTHER_LABEL" | xargs -r docker rm >/dev/null
  fi
  echo "round $round of $RUNS: destroy of $N instances..." >&2
  t0=$(now); (cd "$WORK/dops" && "$BIN" destroy --yes --allow-destroy-all >"$WORK/destroy.log" 2>&1) || { tail -5 "$WORK/destroy.log" >&2; exit 1; }
  destroy_t+=("$(since "$t0")")
}
floor_round() {   # floor_round ROUND: the floor's up and down
  echo "round $1 of $RUNS: the floor..." >&2
  up_t+=("$(python3 bench/api_floor.py up "$FLOOR" "$N" "$IMAGE")")
  down_t+=("$(python3 bench/api_floor.py down "$FLOOR")")
}
# Odd rounds run dockerops first, even rounds the floor first: neither always
# meets the engine just after the other's work.
for round in $(seq 1 "$RUNS"); do
  if [ $((round % 2)) = 1 ]; then dops_round "$round"; floor_round "$round"
  else floor_round "$round"; dops_round "$round"; fi
done
t_apply=$(median "${apply_t[@]}") f_up=$(median "${up_t[@]}")
t_destroy=$(median "${destroy_t[@]}") f_down=$(median "${down_t[@]}")

# ---------------------------------------------------------------- BIG in a file
python3 bench/many_instances.py "$WORK/big" "bsbig-$ID" "$BIG" "$IMAGE"
big() {   # big ARGS...: "median-seconds median-kilobytes" of BIG_RUNS runs
  local ts=() ks=() t k
  for _ in $(seq 1 "$BIG_RUNS"); do
    read -r t k < <(cd "$WORK/big" && /usr/bin/time -f '%e %M' "$BIN" "$@" 2>&1 >/dev/null | tail -1)
    ts+=("$t") ks+=("$k")
  done
  echo "$(median "${ts[@]}") $(median "${ks[@]}")"
}
echo "$BIG instances in a file..." >&2
read -r t_validate kb_validate < <(big validate)
read -r t_plan kb_plan < <(big plan)
read -r t_json kb_json < <(big plan --json)

python3 - bench/last-scale.json <<PY
import json, sys
rows = {
    "apply of $N": ($t_apply, $f_up, "${apply_t[*]}", "${up_t[*]}"),
    "destroy of $N": ($t_destroy, $f_down, "${destroy_t[*]}", "${down_t[*]}"),
}
print(f"{'(medians of $RUNS rounds)':40} {'dockerops':>10} {'API floor':>10} {'ratio':>7}")
for name, (d, f, ds, fs) in rows.items():
    print(f"{name:40} {d:9.3f}s {f:9.3f}s {d / f:6.2f}x   (rounds: {ds} against {fs})")
print(f"{'no-op plan of $N beside $OTHERS others':40} {$t_noop:9.3f}s   (median of 5: ${noop[*]})")
for name, t, kb in (("validate of $BIG", $t_validate, $kb_validate), ("plan of $BIG", $t_plan, $kb_plan),
                    ("plan --json of $BIG", $t_json, $kb_json)):
    print(f"{name:40} {t:9.3f}s {kb / 1024:8.1f}MB peak (median of $BIG_RUNS)")
json.dump({"n": $N, "others": $OTHERS, "big": $BIG, "runs": $RUNS,
           "apply_rounds": "${apply_t[*]}".split(), "floor_up_rounds": "${up_t[*]}".split(),
           "destroy_rounds": "${destroy_t[*]}".split(), "floor_down_rounds": "${down_t[*]}".split(), "apply": $t_apply, "floor_up": $f_up, "destroy": $t_destroy,
           "floor_down": $f_down, "noop_plan": $t_noop, "validate_big": $t_validate, "validate_big_kb": $kb_validate,
           "plan_big": $t_plan, "plan_big_kb": $kb_plan, "plan_json_big": $t_json, "plan_json_big_kb": $kb_json},
          open(sys.argv[1], "w"), indent=1)
PY
