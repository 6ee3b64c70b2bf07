#!/usr/bin/env bash
# Each layer's library compiles against an include root holding its own
# folders and those below it (CMakeLists.txt, dockerops_layer): a header of
# its own layer or a lower one is found, one of a layer above is not.
#   layers_test.sh CXX LAYERS_DIR
set -euo pipefail
CXX=$1 LAYERS=$2
passed=0 failed=0
try() {   # try LIBRARY HEADER builds|fails
  local out
  if out=$(printf '#include "%s"\n' "$2" | "$CXX" -std=c++20 -fsyntax-only -I "$LAYERS/$1" -x c++ - 2>&1); then got=builds; else got=fails; fi
  if [ "$got" = "$3" ]; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAIL: $1 including $2 $got (expected: $3)"; echo "$out" | head -5; fi
}
try dockerops_model engine/model/spec.hpp builds
try dockerops_model util/cidr.hpp builds
try dockerops_model engine/config/config.hpp fails
try dockerops_model planner/plan.hpp fails
try dockerops_desired engine/desired/graph.hpp builds
try dockerops_desired planner/plan.hpp fails
try dockerops_planner planner/plan.hpp builds
try dockerops_planner engine/apply/executor.hpp fails
try dockerops_apply engine/apply/provider.hpp builds
try dockerops_apply providers/docker/docker.hpp fails
try dockerops_docker providers/swarm/swarm.hpp fails
try dockerops_ops cli/ops/ops.hpp builds
try dockerops_ops providers/docker/docker.hpp fails
try dockerops_ops cli/options.hpp fails
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
