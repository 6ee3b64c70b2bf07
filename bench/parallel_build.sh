#!/usr/bin/env bash
# Independent images built at once against one at a time, on one engine:
#   bench/parallel_build.sh [IMAGES] [RUNS]     (defaults 4 and 3)
# IMAGES images FROM dockerops/debian:bookworm, none FROM another, each with a
# context of its own (200 files, 4 MB) and the steps a small service's image
# has: COPY, a RUN that reads what was copied, a RUN that writes, ENV, CMD.
# `dockerops build all --no-cache --parallelism IMAGES` against the same with
# --parallelism 1; medians of RUNS. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${1:-4} RUNS=${2:-3}
BIN=${BIN:-$PWD/build/dockerops}
ROOT=$PWD
ID=$$
WORK=$(mktemp -d)
[ -x "$BIN" ] || { echo "no $BIN: run scripts/build.sh first" >&2; exit 1; }
cleanup() {
  (cd "$WORK" 2>/dev/null && "$BIN" destroy --yes --allow-destroy-all --rmi >/dev/null 2>&1) || true
  rm -rf "$WORK"
}
trap cleanup EXIT
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }

{ printf '[project]\nname = "bpar-%s"\n' "$ID"
  for i in $(seq 1 "$IMAGES"); do printf '[containers.img%s]\n[[instances]]\ncontainer = "img%s"\nname = "one"\n' "$i" "$i"; done
} >"$WORK/dockerops.toml"
for i in $(seq 1 "$IMAGES"); do
  ctx="$WORK/containers/img$i"
  mkdir -p "$ctx/src"
  for f in $(seq 1 200); do head -c 20480 /dev/urandom >"$ctx/src/f$f"; done
  printf 'FROM dockerops/debian:bookworm\nCOPY src /app/src\nRUN find /app -type f | xargs cat | sha256sum >/app/sum\nRUN echo %s >/app/name && ls -l /app >/app/list\nENV IMG=%s\nCMD ["sleep", "3600"]\n' "$i" "$i" >"$ctx/Dockerfile"
done
echo "bench: $IMAGES independent images, $(nproc) cores, medians of $RUNS" >&2
(cd "$WORK" && "$BIN" build all >/dev/null)   # the base layers once
one=() par=()
for _ in $(seq 1 "$RUNS"); do
  one+=("$(cd "$WORK" && python3 "$ROOT/bench/median_time.py" 1 "$BIN" build all --no-cache --parallelism 1)")
  par+=("$(cd "$WORK" && python3 "$ROOT/bench/median_time.py" 1 "$BIN" build all --no-cache --parallelism "$IMAGES")")
done
t_one=$(median "${one[@]}") t_par=$(median "${par[@]}")
python3 -c "
one, par = $t_one, $t_par
print(f'{\"$IMAGES images, one at a time\":38} {one:9.3f}s')
print(f'{\"$IMAGES images, at once\":38} {par:9.3f}s   {par / one:6.2f} (at once / one at a time)')"
