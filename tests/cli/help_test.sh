#!/usr/bin/env bash
# The command line's manners: help CMD, the nearest command or option for a
# misspelt one, stray words refused, --no-color on a terminal.
#   help_test.sh BIN SRC
set -euo pipefail
BIN=$1 SRC=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
out=$("$BIN" pln 2>&1) && fail "an unknown command went ahead"
grep -q "^dockerops: unknown command 'pln' (did you mean 'plan'?)$" <<<"$out" || fail "unknown command: $out"
[ "$("$BIN" help plan)" = "$("$BIN" plan --help)" ] || fail "'help plan' is not 'plan --help'"
out=$("$BIN" plan --jsn 2>&1) && fail "an unknown option went ahead"
grep -qx "dockerops plan: unrecognised option '--jsn' (did you mean '--json'?)" <<<"$out" || fail "unknown option: $out"
# A command that takes no TARGET refuses a stray word.
out=$("$BIN" ps stray 2>&1) && fail "ps with a stray word went ahead"
grep -qx "dockerops ps: takes no TARGET, and 'stray' was given" <<<"$out" || fail "stray word: $out"
out=$("$BIN" unlock stray 2>&1) && fail "unlock with a stray word went ahead"
grep -qx "dockerops unlock: takes no TARGET, and 'stray' was given" <<<"$out" || fail "stray word: $out"
# On a terminal the plan's verbs are coloured, unless --no-color (or NO_COLOR).
# A project never applied (its own name), so that its plan has verbs to colour.
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cp -r "$SRC/examples/demo/." "$DIR/" && rm -rf "$DIR/data" "$DIR/.dockerops"
sed -i "s/^name = \"demo\"/name = \"help-$$\"/" "$DIR/dockerops.toml"
esc=$(printf '\033[')
coloured=$(script -qec "'$BIN' plan -f '$DIR'" /dev/null)
grep -qF "$esc" <<<"$coloured" || fail "no colour on a terminal: $coloured"
plain=$(script -qec "'$BIN' --no-color plan -f '$DIR'" /dev/null)
grep -qF "$esc" <<<"$plain" && fail "--no-color still colours"
grep -q "^create   demo.one: not found" <<<"$plain" || fail "--no-color plan: $plain"
echo "1 passed, 0 failed"
