#!/usr/bin/env bash
# Upgrade: a project applied by the last release's binary plans "No changes."
# with this one. The release is the commit in tests/e2e/last_release, built
# here from the repository's own history (once per build tree: kept under
# <build>/last-release/). Its project sets every runtime key the release knew,
# a built image, links, published and exposed ports, persistent data, an
# env_file, a secret and a named volume: each is a field of the spec hash.
#   upgrade_test.sh BIN SOURCE_DIR BUILD_DIR
set -euo pipefail
BIN=$1 SRC=$2 BUILD=$3
CASE=upgrade
source "$(dirname "$0")/lib.sh"

COMMIT=$(cat "$SRC/tests/e2e/last_release")
OLD_DIR="$BUILD/last-release/$COMMIT"
OLD="$OLD_DIR/build/dockerops"
if [ ! -x "$OLD" ]; then
  git -C "$SRC" cat-file -e "$COMMIT^{commit}" 2>/dev/null ||
    fail "the last release $COMMIT is not in this clone's history (a shallow clone?): fetch it, or the upgrade cannot be tested"
  rm -rf "$OLD_DIR" && mkdir -p "$OLD_DIR/src"
  git -C "$SRC" archive "$COMMIT" | tar -x -C "$OLD_DIR/src"
  # -O0 without debug information, a unity build (eight sources to a unit),
  # Ninja, and only its binary: what it plans does not depend on the
  # optimiser, and it compiled in 46 s here (about 205 s at -O0 file by file).
  cmake -G Ninja -S "$OLD_DIR/src" -B "$OLD_DIR/build" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O0 -g0" \
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 -DBUILD_TESTING=OFF >"$OLD_DIR/build.log" 2>&1 ||
    { tail -20 "$OLD_DIR/build.log"; fail "configuring the last release failed"; }
  cmake --build "$OLD_DIR/build" --target dockerops -j"$(nproc)" >>"$OLD_DIR/build.log" 2>&1 ||
    { tail -20 "$OLD_DIR/build.log"; fail "building the last release failed"; }
fi
echo "last release: $("$OLD" version | head -1) ($COMMIT)"

PORT=$(free_port)
mkdir -p "$DIR/containers/app" "$DIR/containers/db"
printf 'FROM dockerops/busybox:latest\nEXPOSE 8080\nCMD ["sleep", "3600"]\n' >"$DIR/containers/app/Dockerfile"
printf 'FROM dockerops/busybox:latest\nRUN mkdir -p /data && echo seed >/data/seed\nCMD ["sleep", "3600"]\n' >"$DIR/containers/db/Dockerfile"
printf 'LOG_LEVEL=warn\nGREETING="hello world"\n' >"$DIR/app.env"
cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"

[containers.app]
restart = "on-failure:3"
memory = "64m"
cpus = 0.5
pids_limit = 100
ulimits = { nofile = { soft = 1024, hard = 4096 }, nproc = 512 }
extra_hosts = ["db.local:10.0.0.5"]
dns = ["10.0.0.2"]
labels = { "com.example.team" = "web" }
user = "65534:65534"
working_dir = "/tmp"
entrypoint = ["sleep"]
command = ["3600"]
stop_signal = "SIGQUIT"
stop_grace_period = "1m30s"
cap_add = ["NET_ADMIN"]
cap_drop = ["MKNOD"]
tmpfs = ["/run", "/var/cache:size=8m"]
read_only = true
healthcheck = { test = ["CMD", "true"], interval = "1s", timeout = "3s", retries = 3, start_period = "1s" }
env_file = "app.env"
ready_timeout = "30s"

[containers.db]
healthcheck = { disable = true }

[volumes.cache]

[[instances]]
container = "db"
name = "master"
env = { SECRET = "kept" }
secret_env = ["DB_PASSWORD"]
volumes = ["cache:/cache"]

[[instances]]
container = "app"
name = "one"
links = ["db-master:DB"]
ports = ["127.0.0.1:$PORT:8080", "9000"]
depends_on = { "db.master" = "started" }

[[instances]]
container = "app"
name = "two"
restart = "no"
init = false
healthcheck = { disable = true }
TOML
export DB_PASSWORD=s3cret

"$OLD" apply -f "$DIR" --yes >"$DIR/old-apply.log" 2>&1 || { cat "$DIR/old-apply.log"; fail "the last release could not apply the project"; }
[ "$(count_containers)" = 3 ] || fail "the last release made $(count_containers) containers, not 3"

set +e
"$BIN" plan -f "$DIR" --detailed-exitcode >"$DIR/plan.log" 2>&1
rc=$?
set -e
cat "$DIR/plan.log"
[ "$rc" = 0 ] || fail "after the upgrade, plan exits $rc (0: no changes)"
grep -q 'No changes\.' "$DIR/plan.log" || fail "after the upgrade, the plan is not 'No changes.'"

# The new binary then owns it as before: a change plans as one replace, naming the key.
sed -i 's/^memory = "64m"/memory = "96m"/' "$DIR/dockerops.toml"
dops plan >"$DIR/plan2.log" 2>&1 || true
grep -q 'memory 64 MiB → 96 MiB' "$DIR/plan2.log" || { cat "$DIR/plan2.log"; fail "a changed memory is not named with its sizes"; }
# Done: killed before the clean-up's destroy, which would wait out app.two's
# grace period (SIGQUIT to a `sleep` with no init: 1m30s, most of this test's time).
docker ps -q --filter "label=io.dockerops.project=$PROJECT" | xargs -r docker kill >/dev/null
pass
