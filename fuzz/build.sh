#!/usr/bin/env bash
# Builds the fuzz targets with clang's libFuzzer, ASan and UBSan, toml++
# compiled header-only so that it is instrumented too.
#   fuzz/build.sh            -> build-fuzz/fuzz_config, build-fuzz/fuzz_legacy
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-fuzz
mkdir -p "$out"
CXX=${CXX:-clang++}
# toml++'s debug assertions are compiled out as in the shipped build (Debian's
# library is built with NDEBUG by g++, where TOML_ASSERT_ASSUME is a no-op);
# one of them fails on '[+a]' (see fuzz/README.md).
flags=(-std=c++20 -g -O1 -I. -DTOML_HEADER_ONLY=1 '-DTOML_ASSERT(expr)=static_assert(true)'
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
srcs=(engine/ports.cpp engine/toml_guard.cpp engine/diagnostics.cpp engine/model.cpp engine/config.cpp engine/legacy.cpp engine/files.cpp)
for t in config legacy; do
  "$CXX" "${flags[@]}" "fuzz/fuzz_$t.cpp" "${srcs[@]}" -lsimdjson -o "$out/fuzz_$t" &
done
wait
echo "built $out/fuzz_config and $out/fuzz_legacy"
