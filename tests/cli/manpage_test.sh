#!/usr/bin/env bash
# The man pages made at build time: mandoc -T lint finds nothing at warning
# level or above, and each has the sections a reader looks for.
#   manpage_test.sh BUILD
set -euo pipefail
BUILD=$1
fail() { echo "FAIL: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
command -v mandoc >/dev/null || fail "mandoc is not installed (scripts/setup.sh installs it)"
for page in dockerops.1 dockerops.toml.5; do
  [ -s "$BUILD/$page" ] || fail "$page was not made"
  out=$(mandoc -T lint -W warning "$BUILD/$page" 2>&1) || true
  [ -z "$out" ] || fail "mandoc -T lint $page: $out"
done
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
  grep -qx "\.SH $section" "$BUILD/dockerops.1" || fail "dockerops(1) has no $section section"
done
for c in apply plan pause kill images port top events cp pull; do
  grep -qx "\.SS $c" "$BUILD/dockerops.1" || fail "dockerops(1) does not describe $c"
done
text=$(mandoc -T utf8 "$BUILD/dockerops.toml.5" | col -b)
for word in depends_on healthcheck env_file secret_env "dockerops.host.toml"; do
  grep -q "$word" <<<"$text" || fail "dockerops.toml(5) says nothing of $word"
done
echo "1 passed, 0 failed"
