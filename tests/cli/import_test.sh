#!/usr/bin/env bash
# `dockerops import` on the 2016 example writes a dockerops.toml that validates
# and describes the same instances; a second import refuses to overwrite.
set -euo pipefail
bin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$src/examples/legacy" "$tmp/legacy"
before=$("$bin" validate -f "$tmp/legacy")
"$bin" import "$tmp/legacy" >"$tmp/out"
grep -q "wrote $tmp/legacy/dockerops.toml" "$tmp/out"
grep -q "wrote $tmp/legacy/dockerops.host.toml" "$tmp/out"
after=$("$bin" validate -f "$tmp/legacy/dockerops.toml")
[ "$before" = "$after" ] || { echo "legacy: $before / imported: $after"; exit 1; }
[ "$after" = "ok: project 'legacy', 3 containers, 3 instances, 2 links" ] || { echo "unexpected: $after"; exit 1; }
grep -q '^required_env = \["DB_PASSWORD"\]$' "$tmp/legacy/dockerops.toml"
if "$bin" import "$tmp/legacy" 2>"$tmp/err"; then echo "second import overwrote the file"; exit 1; fi
grep -q "already exists; nothing was written" "$tmp/err"
echo "1 passed, 0 failed"
