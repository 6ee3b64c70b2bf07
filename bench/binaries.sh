#!/usr/bin/env bash
# Two or more dockerops binaries side by side on one running project: the
# median time of `--version` and of a no-op `plan` of N instances for each,
# measured in alternating rounds so that the machine's drift falls on all of
# them alike. Used for the cost of the hardened build (docs/performance.md):
#   bench/binaries.sh N ROUNDS BIN_A BIN_B [BIN...]
# The project (N busybox instances, project bench-bin-$$) is made with BIN_A
# and destroyed at the end.
set -euo pipefail
n=${1:?N}; rounds=${2:?ROUNDS}; shift 2
bins=("$@")
[ ${#bins[@]} -ge 2 ] || { echo "usage: bench/binaries.sh N ROUNDS BIN_A BIN_B [BIN...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
project="bench-bin-$$"
cleanup() { "${bins[0]}" destroy -f "$dir" --yes --rmi >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
mkdir -p "$dir/containers/app"
printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$dir/containers/app/Dockerfile"
{ printf '[project]\nname = "%s"\n[containers.app]\n' "$project"
  for i in $(seq 1 "$n"); do printf '[[instances]]\ncontainer = "app"\nname = "n%d"\n' "$i"; done; } >"$dir/dockerops.toml"
"${bins[0]}" apply -f "$dir" --yes >/dev/null
for b in "${bins[@]}"; do
  out=$("$b" plan -f "$dir")
  [ "$out" = "No changes." ] || { echo "$b: not a no-op plan: $out" >&2; exit 1; }
done
declare -A plan_times version_times
for ((r = 0; r < rounds; r++)); do
  for b in "${bins[@]}"; do
    plan_times[$b]+="$(python3 "$here/median_time.py" 11 "$b" plan -f "$dir") "
    version_times[$b]+="$(python3 "$here/median_time.py" 11 "$b" --version) "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-40s %14s %14s\n' binary "plan (s)" "--version (s)"
for b in "${bins[@]}"; do
  printf '%-40s %14s %14s\n' "$b" "$(median <<<"${plan_times[$b]}")" "$(median <<<"${version_times[$b]}")"
done
