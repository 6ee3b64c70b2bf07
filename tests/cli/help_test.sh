#!/usr/bin/env bash
# The command line's manners: help CMD, the nearest command or option for a
# misspelt one, stray words refused, --no-color on a terminal.
#   help_test.sh BIN SRC
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"   # grep_all
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
# Each command's help is headed by its own name and lists what it takes, and
# nothing it refuses (#22).
"$BIN" logs --help | grep_all -- '-f \[ --file \]' && fail "logs --help lists -f as --file (-f follows there)"
"$BIN" logs --help | grep_all -- '^  --file arg' || fail "logs --help does not list --file"
[ "$("$BIN" exec --help | head -1 | cut -d' ' -f1-2)" = "dockerops exec" ] || fail "exec --help is headed: $("$BIN" exec --help | head -1)"
"$BIN" destroy --help | grep_all -- '--rmi' || fail "destroy --help omits --rmi"
for c in destroy clean; do
  "$BIN" $c --help | grep_all -E -- '--adopt|--allow-destroy-all' && fail "$c --help lists apply's options"
done
for c in ps status unlock config validate; do
  "$BIN" $c --help | grep_all -- '--target' && fail "$c --help lists --target, which it refuses"
done
"$BIN" init --help | head -1 | grep_all "start a project" || fail "init --help: $("$BIN" init --help | head -1)"
"$BIN" version --help | grep_all "^dockerops [0-9]" && fail "version --help prints the version"
"$BIN" version --help | grep_all -- "--help" || fail "version --help: $("$BIN" version --help)"
for c in pause unpause kill port images top events cp pull; do
  [ "$("$BIN" $c --help | head -1 | cut -d' ' -f1-2)" = "dockerops $c" ] || fail "$c --help: $("$BIN" $c --help | head -1)"
done
"$BIN" run --help | grep_all -- "--rm " || fail "run --help does not list --rm"
out=$("$BIN" run web ls 2>&1) && fail "run with a command and no --rm went ahead"
grep -qF "(a one-off running a command: run --rm CONTAINER CMD...)" <<<"$out" || fail "run web ls: $out"
out=$("$BIN" run --service-ports web 2>&1) && fail "--service-ports without --rm went ahead"
grep -qF -- "--service-ports goes with --rm" <<<"$out" || fail "run --service-ports: $out"
# A compose user's words get ours, not the nearest spelling.
for pair in "up:'apply'" "down:'destroy'" "rm:'destroy TARGET'" "ls:'ps'" "push:no push"; do
  out=$("$BIN" "${pair%%:*}" 2>&1) && fail "${pair%%:*} went ahead"
  grep -qF "${pair#*:}" <<<"$out" || fail "${pair%%:*}: $(head -1 <<<"$out")"
done
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
