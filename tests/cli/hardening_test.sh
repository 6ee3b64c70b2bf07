#!/usr/bin/env bash
# The installed binary is built with Debian's hardening set (CMakeLists.txt):
# a position-independent executable, full RELRO (relocations read-only and
# bound at start), stack canaries and FORTIFY's checked calls in its own code.
# Read from the ELF file itself with readelf, as hardening-check does.
set -euo pipefail
BIN=${1:?usage: hardening_test.sh BINARY}
fail() { echo "FAIL: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
header=$(readelf -h -W "$BIN")
dynamic=$(readelf -d -W "$BIN")
segments=$(readelf -l -W "$BIN")
symbols=$(readelf --dyn-syms -W "$BIN")
grep -qE 'Type:[[:space:]]+DYN' <<<"$header" || fail "not a position-independent executable: $(grep Type: <<<"$header")"
grep -qE '\(FLAGS_1\).*PIE' <<<"$dynamic" || fail "no PIE flag in the dynamic section"
grep -q 'GNU_RELRO' <<<"$segments" || fail "no GNU_RELRO segment (relocations stay writable)"
grep -qE '\((FLAGS|FLAGS_1)\).*(BIND_NOW|NOW)' <<<"$dynamic" || fail "not bound at start (no BIND_NOW): partial RELRO"
grep -q '__stack_chk_fail' <<<"$symbols" || fail "no stack protector: __stack_chk_fail is not called"
# FORTIFY: glibc's checked variants (__memcpy_chk, __snprintf_chk, ...) in place of the plain calls.
chk=$(grep -oE '__[a-z_]+_chk' <<<"$symbols" | grep -v "^__stack_chk" | sort -u | tr '\n' ' ')
[ -n "$chk" ] || fail "no FORTIFY_SOURCE: none of glibc's __*_chk functions is called"
echo "hardened: PIE, full RELRO, stack protector, FORTIFY ($chk)"
echo "1 passed, 0 failed"
