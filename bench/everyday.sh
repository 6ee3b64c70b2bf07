#!/usr/bin/env bash
# The everyday commands of a 5-part platform, dockerops against docker-compose
# on the same engine, in the same run (#22): the same compose file applied by
# each under its own project name, then each reading or lifecycle command
# timed R times (default 5), medians printed with their ratio.
#   bench/everyday.sh [R]      (needs the build and scripts/setup.sh's images)
set -euo pipefail
cd "$(dirname "$0")/.."
R=${1:-5}
BIN=${BIN:-$PWD/build/dockerops}
[ -x "$BIN" ] || { echo "no $BIN: run scripts/build.sh first" >&2; exit 1; }
command -v docker-compose >/dev/null || { echo "docker-compose is needed (scripts/setup.sh installs it)" >&2; exit 1; }
ID=$$ WORK=$(mktemp -d)
DOPS="everyday-d-$ID" COMPOSE="everyday-c-$ID"
cleanup() {
  (cd "$WORK/dops" && "$BIN" destroy -p "$DOPS" --yes >/dev/null 2>&1) || true
  (cd "$WORK/compose" && docker-compose -p "$COMPOSE" down -t 1 >/dev/null 2>&1) || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/dops" "$WORK/compose"
# Five services; each prints a line a second so that logs has something to read.
{
  echo "services:"
  for s in web api worker cache db; do
    cat <<YAML
  $s:
    image: dockerops/busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do echo $s line \$\$i; i=\$\$((i+1)); sleep 1 & wait; done"]
    stop_grace_period: 2s
YAML
  done
} >"$WORK/compose/compose.yaml"
cp "$WORK/compose/compose.yaml" "$WORK/dops/compose.yaml"
(cd "$WORK/dops" && "$BIN" apply -p "$DOPS" --yes -q >/dev/null)
(cd "$WORK/compose" && docker-compose -p "$COMPOSE" up -d >/dev/null 2>&1)
sleep 3   # some output to read

now() { date +%s.%N; }
median_of() {   # median_of DIR CMD...: R runs in DIR, the median in seconds
  local dir=$1; shift
  local times=()
  for _ in $(seq 1 "$R"); do
    local t0; t0=$(now)
    (cd "$dir" && "$@" >/dev/null 2>&1) || { echo "failed: $*" >&2; exit 1; }
    times+=("$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$(now)")")
  done
  python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "${times[@]}"
}
row() {   # row NAME "DOPS CMD" "COMPOSE CMD"
  local d c
  d=$(eval "median_of '$WORK/dops' $2")
  c=$(eval "median_of '$WORK/compose' $3")
  printf '| %-18s | %7s s | %7s s | %5s |\n' "$1" "$d" "$c" "$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$d" "$c")"
}
echo "R=$R medians, same engine, same run; ratio = dockerops / docker-compose (below 1: dockerops is faster)"
echo "| command            | dockerops | docker-compose | ratio |"
echo "|---|---|---|---|"
row "ps" "\"$BIN\" ps -p $DOPS" "docker-compose -p $COMPOSE ps"
row "logs --tail 5" "\"$BIN\" logs -p $DOPS web.1 --tail 5" "docker-compose -p $COMPOSE logs --tail 5 web"
row "config" "\"$BIN\" config -p $DOPS" "docker-compose -p $COMPOSE config"
row "exec" "\"$BIN\" exec -p $DOPS web.1 true" "docker-compose -p $COMPOSE exec -T web true"
row "stop + start" "sh -c '\"$BIN\" stop -p $DOPS web.1 && \"$BIN\" start -p $DOPS web.1'" "sh -c 'docker-compose -p $COMPOSE stop web && docker-compose -p $COMPOSE start web'"
row "restart" "\"$BIN\" restart -p $DOPS web.1" "docker-compose -p $COMPOSE restart web"
row "top" "\"$BIN\" top -p $DOPS web.1" "docker-compose -p $COMPOSE top web"
row "run --rm (one-off)" "\"$BIN\" run -p $DOPS --rm web true" "docker-compose -p $COMPOSE run --rm -T web true"
