#!/usr/bin/env bash
# Runs a fuzz target for a while, then folds what it found into the corpus kept
# in the repository (minimised with libFuzzer's -merge).
#   fuzz/run.sh config|legacy [SECONDS]     (default 600)
# Crashes are written to build-fuzz/crash-* and stop the run.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:?config, legacy, http or plan}; secs=${2:-600}
[ -x "build-fuzz/fuzz_$t" ] || fuzz/build.sh
work="build-fuzz/corpus-$t"
mkdir -p "$work"
cp -n fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
"build-fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -artifact_prefix=build-fuzz/ -print_final_stats=1 "$work"
"build-fuzz/fuzz_$t" -merge=1 "fuzz/corpus/$t" "$work" >/dev/null 2>&1
echo "corpus fuzz/corpus/$t: $(ls "fuzz/corpus/$t" | wc -l) files"
