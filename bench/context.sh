#!/usr/bin/env bash
# A large build context against its floors, on one engine, in one run:
#   bench/context.sh [FILES] [BIG_MB]     (defaults 20000 and 300)
# A build folder of FILES small files (a node_modules-like tree) and one file
# of BIG_MB MB. Floors: a stat of every file (`find -printf` of what an index
# compares) and a read and hash of every byte (`tar | sha256sum`). Measures
# the no-op plan (index there, and with the index deleted as after a clone),
# its peak memory, the plan after one file is edited (which must name it), and
# `dockerops build` against `docker build` of the same folder. Times are
# medians of 5 (the builds: of 3). Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-20000} BIG_MB=${2:-300}
ROOT=$PWD
BIN=${BIN:-$PWD/build/dockerops}
IMAGE=dockerops/busybox:latest
ID=$$
WORK=$(mktemp -d)
PROJECT="bctx-$ID"
[ -x "$BIN" ] || { echo "no $BIN: run scripts/build.sh first" >&2; exit 1; }
cleanup() {
  (cd "$WORK/p" 2>/dev/null && "$BIN" destroy --yes --allow-destroy-all --rmi >/dev/null 2>&1) || true
  docker rmi -f "bctx-docker-$ID" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }
mtime() { python3 "$ROOT/bench/median_time.py" "$@"; }
peak_mb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1 / 1024}'; }

CTX="$WORK/p/containers/app"
mkdir -p "$CTX"
printf 'FROM %s\nCOPY . /ctx\nCMD ["sleep", "3600"]\n' "$IMAGE" >"$CTX/Dockerfile"
python3 - "$CTX" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "node_modules", f"pkg{i // 50:04d}", "lib")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i % 50:02d}.js"), "w") as f:
        f.write(f"module.exports = {i};\n" * 20)
PY
mkdir -p "$CTX/data"
head -c "$((BIG_MB * 1024 * 1024))" /dev/urandom >"$CTX/data/big.bin"
printf '[project]\nname = "%s"\n[containers.app]\n[[instances]]\ncontainer = "app"\nname = "one"\n' "$PROJECT" >"$WORK/p/dockerops.toml"
sync
echo "bench: a context of $FILES files and one of $BIG_MB MB, $(nproc) cores" >&2

t_stat=$(mtime 5 find "$CTX" -printf '%s %T@ %C@ %i %m %p\n')
t_read=$(mtime 1 sh -c "tar -cf - -C '$CTX' . | sha256sum")

# Built once (the image is the one later plans compare with), by each tool.
t_dops_build=$(cd "$WORK/p" && mtime 1 "$BIN" build all)
runs=(); for _ in 1 2; do runs+=("$(cd "$WORK/p" && mtime 1 "$BIN" build all --no-cache)"); done
t_dops_build=$(median "$t_dops_build" "${runs[@]}")
mb_build=$(cd "$WORK/p" && peak_mb "$BIN" build all --no-cache)
runs=(); for _ in 1 2 3; do runs+=("$(mtime 1 docker build -q --no-cache -t "bctx-docker-$ID" "$CTX")"); done
t_docker_build=$(median "${runs[@]}")

# No-op plans: the index kept, then deleted before each run (as after a clone).
(cd "$WORK/p" && "$BIN" plan >/dev/null)
t_plan=$(cd "$WORK/p" && mtime 5 "$BIN" plan)
mb_plan=$(cd "$WORK/p" && peak_mb "$BIN" plan)
runs=(); for _ in 1 2 3; do rm -rf "$WORK/p/.dockerops/index"; runs+=("$(cd "$WORK/p" && mtime 1 "$BIN" plan)"); done
t_plan_cold=$(median "${runs[@]}")

# One file edited: the plan names it. One touched and unchanged: no change.
EDITED="$CTX/node_modules/pkg0007/lib/f03.js"
cp -p "$EDITED" "$WORK/f03.js"
echo "edited" >>"$EDITED"
cause=$(cd "$WORK/p" && "$BIN" plan 2>&1 | grep -m1 'build ' || true)
rm -rf "$WORK/p/.dockerops/index"   # as on a fresh clone: the image's label alone
cause_cold=$(cd "$WORK/p" && "$BIN" plan 2>&1 | grep -m1 'build ' || true)
# The edit undone, then the large file touched (its bytes unchanged): no change.
cp -p "$WORK/f03.js" "$EDITED"
touch "$CTX/data/big.bin"
noop_touched=$(cd "$WORK/p" && "$BIN" plan 2>&1 | grep -m1 'build ' || echo "no build")

python3 - "$FILES" "$BIG_MB" "$ROOT/bench/last-context.json" <<PY
import json, sys
files, big, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rows = [
  ("no-op plan vs stat floor", $t_plan, $t_stat, "dockerops / floor", $t_plan / $t_stat),
  ("no-op plan, no index vs read floor", $t_plan_cold, $t_read, "dockerops / floor", $t_plan_cold / $t_read),
  ("build vs docker build", $t_dops_build, $t_docker_build, "dockerops / docker", $t_dops_build / $t_docker_build),
]
print(f"{f'{files} files + {big} MB':38} {'dockerops':>10} {'peer':>10}   ratio")
for name, a, b, how, r in rows:
    print(f"{name:38} {a:9.3f}s {b:9.3f}s   {r:6.2f} ({how})")
print(f"{'no-op plan, peak memory':38} {$mb_plan:8.1f}MB")
print(f"{'build, peak memory':38} {$mb_build:8.1f}MB")
print(f"{'after one edit, the plan says':38} " + """$cause""".strip())
print(f"{'the same, with no index':38} " + """$cause_cold""".strip())
print(f"{'one file touched, unchanged':38} " + """$noop_touched""".strip())
json.dump({"files": files, "big_mb": big,
           "rows": [{"case": n, "dockerops_s": a, "peer_s": b, "ratio": round(r, 3), "ratio_is": h} for n, a, b, h, r in rows],
           "plan_peak_mb": $mb_plan, "build_peak_mb": $mb_build, "edit_cause": """$cause""".strip(),
           "edit_cause_no_index": """$cause_cold""".strip(), "touched_unchanged": """$noop_touched""".strip()}, open(out, "w"), indent=2)
print(f"written to {out}")
PY
