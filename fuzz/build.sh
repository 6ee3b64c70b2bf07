#!/usr/bin/env bash
# Builds the fuzz targets with clang's libFuzzer, ASan and UBSan, toml++
# compiled header-only so that it is instrumented too.
#   fuzz/build.sh [TARGET...]   -> build-fuzz/fuzz_TARGET (config, legacy, compose, http, plan; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-fuzz
mkdir -p "$out"
CXX=${CXX:-clang++}
# libFuzzer comes with clang's runtime (Debian: clang, libclang-rt-14-dev).
if ! command -v "$CXX" >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
# fuzz/toml_config.hpp: toml++ compiled in (instrumented), its debug
# assertions off as in the shipped build.
flags=(-std=c++20 -g -O1 -I. -include fuzz/toml_config.hpp
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
srcs=(engine/model/ports.cpp engine/config/toml_guard.cpp engine/model/diagnostics.cpp engine/model/model.cpp engine/model/builtins.cpp engine/config/config.cpp engine/config/config_checks.cpp engine/config/legacy.cpp engine/config/runtime_keys.cpp engine/config/load.cpp engine/config/interpolate.cpp engine/config/yaml_tree.cpp engine/config/compose.cpp engine/config/compose_service.cpp engine/config/config_networks.cpp engine/model/runtime.cpp engine/model/keys.cpp util/json_writer.cpp util/files.cpp util/toml_text.cpp util/cidr.cpp)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config legacy compose http plan)
for t in "${targets[@]}"; do
  case "$t" in
  config|legacy|compose) "$CXX" "${flags[@]}" "fuzz/fuzz_$t.cpp" "${srcs[@]}" -lsimdjson -lyaml-cpp -o "$out/fuzz_$t" ;;
  # The HTTP answer reader: our client over an in-memory connection.
  http) "$CXX" "${flags[@]}" fuzz/fuzz_http.cpp providers/docker/http.cpp providers/docker/connection.cpp \
          providers/docker/curl_lib.cpp providers/docker/dynlib.cpp engine/model/diagnostics.cpp -ldl -o "$out/fuzz_http" ;;
  # The saved-plan reader and its checks, with the planner and the model they use.
  plan) "$CXX" "${flags[@]}" fuzz/fuzz_plan.cpp planner/*.cpp engine/model/*.cpp engine/desired/*.cpp engine/config/*.cpp \
          util/cidr.cpp util/hash.cpp util/json_writer.cpp util/files.cpp util/toml_text.cpp \
          -lsimdjson -lcrypto -lyaml-cpp -o "$out/fuzz_plan" ;;
  *) echo "unknown fuzz target $t (config, legacy, compose, http, plan)" >&2; exit 2 ;;
  esac &
done
wait
echo "built ${targets[*]} in $out/"
