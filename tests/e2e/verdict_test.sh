#!/usr/bin/env bash
# Truthful verdicts (issue #19) on the real dockerd: what plan and apply say is
# what is so. Readiness is state (unhealthy, paused, exited, a crash loop), a
# dependency that is not ready holds back its dependents on every apply, a
# swap name held by another owner is a conflict, and bad input files and plan
# files are refused at once.
#   verdict_test.sh BIN CASE
BIN=$1 CASE=$2
. "$(dirname "$0")/lib.sh"

insp() { docker inspect -f "$1" "$PROJECT-$2"; }
# dockerops.toml: the project and its one container "box", then what stdin says.
toml() { { printf '[project]\nname = "%s"\n[containers.box]\n' "$PROJECT"; cat; } >"$DIR/dockerops.toml"; }
box() {
  mkdir -p "$DIR/containers/box"
  printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$DIR/containers/box/Dockerfile"
}
# Waits (bounded) until `docker inspect -f FORMAT` of an instance prints WANT.
await() {   # await INSTANCE FORMAT WANT SECONDS
  local i
  for ((i = 0; i < $4 * 10; i++)); do
    [ "$(insp "$2" "$1" 2>/dev/null)" = "$3" ] && return 0
    sleep 0.1
  done
  fail "$1 did not reach '$3' in $4 s (it is '$(insp "$2" "$1" 2>/dev/null)')"
}

case "$CASE" in
unhealthy)
  # Healthy while /tmp/ok exists; made unhealthy by hand after apply.
  box
  toml <<TOML

[[instances]]
container = "box"
name = "db"
command = ["sh", "-c", "touch /tmp/ok; exec sleep 3600"]
healthcheck = { test = ["CMD-SHELL", "test -f /tmp/ok || { echo no ok file; exit 1; }"], interval = "1s", retries = 1 }
ready_timeout = "4s"
TOML
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "first apply"; }
  out=$(dops plan --detailed-exitcode) || fail "a healthy platform is drift: $out"
  [ "$out" = "No changes." ] || fail "healthy: $out"
  id=$(cid box-db)
  docker exec "$PROJECT-box-db" rm /tmp/ok
  await box-db '{{.State.Health.Status}}' unhealthy 15
  set +e
  out=$(dops plan --detailed-exitcode); rc=$?
  set -e
  [ "$rc" = 2 ] || fail "an unhealthy instance: plan --detailed-exitcode gave $rc: $out"
  grep -q '^wait     box.db: unhealthy; last health check: no ok file' <<<"$out" || fail "the plan does not say why: $out"
  # apply waits (ready_timeout 4s), then fails naming it with its health output; never a replacement.
  out=$(dops apply --yes 2>&1) && fail "apply of an unhealthy instance went through: $out"
  grep -q "not ready after 4 s (running, health unhealthy); last health check:" <<<"$out" || fail "apply's failure: $out"
  grep -q "no ok file" <<<"$out" || fail "apply does not show the health output: $out"
  [ "$(cid box-db)" = "$id" ] || fail "the unhealthy instance was replaced"
  # It recovers: apply waits for it and succeeds; then no changes, exit 0.
  docker exec "$PROJECT-box-db" touch /tmp/ok
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply after recovery"; }
  out=$(dops plan --detailed-exitcode) || fail "after recovery: $out"
  [ "$out" = "No changes." ] || fail "after recovery: $out"
  pass ;;

dependency_not_ready)
  # A "healthy" dependency that never becomes healthy: no apply, first or
  # second, creates what depends on it, and each says so with exit 1.
  box
  toml <<TOML

[[instances]]
container = "box"
name = "db"
healthcheck = { test = ["CMD", "test", "-f", "/tmp/never"], interval = "1s", retries = 30 }
ready_timeout = "3s"

[[instances]]
container = "box"
name = "app"
depends_on = { "box.db" = "healthy" }
TOML
  for round in 1 2; do
    out=$(dops apply --yes 2>&1) && fail "apply $round went through with the dependency not ready: $out"
    grep -q "not started: create box.app (needs" <<<"$out" || fail "apply $round: the dependent's fate is not said: $out"
    [ -z "$(cid box-app)" ] || fail "apply $round created box.app before box.db was healthy"
  done
  grep -q "wait     box.db: health starting" <<<"$out" || fail "the second apply's plan does not wait for box.db: $out"
  set +e
  out=$(dops plan --detailed-exitcode); rc=$?
  set -e
  [ "$rc" = 2 ] || fail "plan --detailed-exitcode gave $rc with box.db not ready: $out"
  pass ;;

stopped_paused)
  box
  toml <<TOML
[[instances]]
container = "box"
name = "one"
TOML
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply"; }
  docker pause "$PROJECT-box-one" >/dev/null
  set +e
  out=$(dops plan --detailed-exitcode); rc=$?
  set -e
  [ "$rc" = 2 ] && grep -q '^unpause  box.one: paused' <<<"$out" || fail "paused: rc $rc: $out"
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of a paused instance"; }
  [ "$(insp '{{.State.Status}}' box-one)" = running ] || fail "not running after apply"
  docker stop -t 1 "$PROJECT-box-one" >/dev/null
  set +e
  out=$(dops plan --detailed-exitcode); rc=$?
  set -e
  [ "$rc" = 2 ] && grep -q '^start    box.one: exited (' <<<"$out" || fail "stopped: rc $rc: $out"
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of a stopped instance"; }
  out=$(dops plan --detailed-exitcode) && [ "$out" = "No changes." ] || fail "after apply: $out"
  pass ;;

crash_loop)
  # Exits 3 at once under a restart policy: reported within 10 s with its exit code and output.
  box
  toml <<TOML
[[instances]]
container = "box"
name = "loop"
restart = "unless-stopped"
command = ["sh", "-c", "echo crashing-$$; exit 3"]
TOML
  dops build all >/dev/null 2>&1 || fail "build"
  t0=$(date +%s)
  out=$(dops apply --yes 2>&1) && fail "a crash loop went through: $out"
  secs=$(($(date +%s) - t0))
  grep -q "crash loop: exited (3)" <<<"$out" || fail "the crash loop is not named: $out"
  grep -q "crashing-$$" <<<"$out" || fail "its output is not shown: $out"
  # The bound is the promise (docs/trust.md): the engine restarts it within a
  # second, and the first restart fails the wait; 10 s leaves a wide margin.
  [ "$secs" -le 10 ] || fail "reported after $secs s"
  set +e
  out=$(dops plan --detailed-exitcode); rc=$?
  set -e
  [ "$rc" = 2 ] || fail "a crash-looping instance: plan gave $rc: $out"
  # One that crashes after 3 s: ready to the first apply, then caught running
  # between restarts by most plans, each of which must still wait for it.
  toml <<TOML
[[instances]]
container = "box"
name = "slow"
restart = "unless-stopped"
command = ["sh", "-c", "echo slow-$$; sleep 3; exit 3"]
TOML
  dops apply --yes --allow-destroy-all >/dev/null 2>&1 || fail "apply of the slow one"
  for ((i = 0; i < 100; i++)); do
    [ "$(insp '{{.RestartCount}}' box-slow)" -ge 1 ] && break
    sleep 0.1
  done
  [ "$(insp '{{.RestartCount}}' box-slow)" -ge 1 ] || fail "the slow one was not restarted in 10 s"
  for ((i = 0; i < 6; i++)); do
    set +e
    out=$(dops plan --detailed-exitcode); rc=$?
    set -e
    [ "$rc" = 2 ] && grep -Eq '^wait     box.slow: (restarting: exited \(3\)|restarted [0-9]+ times? by its restart policy, up [0-9] s of 10)' <<<"$out" ||
      fail "a plan between restarts: rc $rc: $out"
    sleep 0.5
  done
  # apply waits for it to run 10 s; its next crash fails that wait.
  out=$(dops apply --yes 2>&1) && fail "the slow crash loop went through: $out"
  grep -q "crash loop: .*restarted" <<<"$out" && grep -q "box-slow" <<<"$out" || fail "the slow crash loop is not named: $out"
  pass ;;

swap_conflict)
  box
  write() {
    toml <<TOML
[[instances]]
container = "box"
name = "app"
env = { MODE = "$1" }
TOML
  }
  write a
  dops apply --yes >/dev/null 2>&1 || fail "apply"
  id=$(cid box-app) started=$(insp '{{.State.StartedAt}}' box-app)
  for suffix in old new; do
    squatter="$PROJECT-box-app-dockerops-$suffix"
    FOREIGN+=("$squatter")
    docker run -d --name "$squatter" dockerops/busybox:latest sleep 3600 >/dev/null
    write "b-$suffix"
    set +e
    out=$(dops plan --detailed-exitcode 2>&1); rc=$?
    set -e
    [ "$rc" = 1 ] || fail "plan gave $rc with $squatter taken: $out"
    grep -q "conflict  box.app: the name $squatter, which replacing box.app needs, is taken by a container dockerops did not create" <<<"$out" ||
      fail "no conflict for $squatter: $out"
    out=$(dops apply --yes 2>&1) && fail "apply went through with $squatter taken: $out"
    grep -q "HTTP 409" <<<"$out" && fail "the engine's raw 409 reached the user: $out"
    [ "$(cid box-app)" = "$id" ] && [ "$(insp '{{.State.StartedAt}} {{.State.Status}}' box-app)" = "$started running" ] ||
      fail "the live instance was touched"
    [ "$(docker inspect -f '{{.State.Status}}' "$squatter")" = running ] || fail "the squatter was touched"
    docker rm -f "$squatter" >/dev/null
  done
  pass ;;

bad_files)
  # A configuration that is a device or a FIFO is refused at once, naming what it is.
  box
  ln -s /dev/zero "$DIR/dockerops.toml"
  out=$(timeout 10 "$BIN" validate -f "$DIR" 2>&1) && fail "/dev/zero validated"
  [ $? != 124 ] || fail "validate of /dev/zero did not end"
  grep -q "cannot read the configuration file: it is a device, not a regular file" <<<"$out" || fail "/dev/zero: $out"
  rm "$DIR/dockerops.toml"
  mkfifo "$DIR/dockerops.toml"
  set +e
  out=$(timeout 10 "$BIN" validate -f "$DIR" 2>&1); rc=$?
  set -e
  [ "$rc" != 124 ] || fail "validate of a FIFO did not end"
  [ "$rc" = 1 ] && grep -q "it is a FIFO, not a regular file" <<<"$out" || fail "FIFO: rc $rc: $out"
  rm "$DIR/dockerops.toml"
  printf '[project]\nname = "%s"\n[containers.box]\nenv_file = "big.env"\n' "$PROJECT" >"$DIR/dockerops.toml"
  head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' 'a' | fold -w 100 | sed 's/^/K=/' >"$DIR/big.env"
  out=$("$BIN" validate -f "$DIR" 2>&1) && fail "a 5 MiB env_file validated"
  grep -q "env_file 'big.env' of \[containers.box\] cannot be read: it is larger than the 16 MiB such a file may be" <<<"$out" || fail "env_file: $out"
  pass ;;

saved_plan)
  # A plan file edited into a cycle, or to delete a path outside the project's, is refused before anything is done.
  box
  printf '[project]\nname = "%s"\n[containers.box]\n[[instances]]\ncontainer = "box"\nname = "a"\n[[instances]]\ncontainer = "box"\nname = "b"\nlinks = ["box-a:A"]\n' \
    "$PROJECT" >"$DIR/dockerops.toml"
  dops plan -o "$DIR/plan.json" >/dev/null 2>&1 || fail "plan -o"
  python3 - "$DIR/plan.json" "$DIR/cycle.json" "$DIR/path.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
ids = [a["id"] for a in plan["actions"]]
cyc = json.loads(json.dumps(plan))
cyc["actions"][0]["depends_on"] = [ids[-1]]
json.dump(cyc, open(sys.argv[2], "w"))
bad = json.loads(json.dumps(plan))
bad["actions"].append({"id": max(ids) + 1, "action": "remove", "key": "container:x", "object": "x", "cause": "edited",
                       "depends_on": [], "target_id": "0123456789ab", "path": "/etc"})
json.dump(bad, open(sys.argv[3], "w"))
PY
  set +e
  out=$(timeout 20 "$BIN" apply "$DIR/cycle.json" -f "$DIR" --yes 2>&1); rc=$?
  set -e
  [ "$rc" != 124 ] || fail "apply of a plan with a cycle hung"
  [ "$rc" = 1 ] && grep -q "depend on each other in a cycle" <<<"$out" && grep -q "nothing was done" <<<"$out" || fail "cycle: rc $rc: $out"
  out=$("$BIN" apply "$DIR/path.json" -f "$DIR" --yes 2>&1) && fail "a plan deleting /etc went through: $out"
  grep -q "would delete /etc, which is not under the project's secrets folder" <<<"$out" || fail "path: $out"
  [ "$(count_containers)" = 0 ] || fail "a refused plan created something"
  [ -d /etc ] || fail "/etc"
  pass ;;

replicas)
  # replicas = 2 on target docker: two containers, both answering the
  # instance's name on the network; lowered to 1, the second is removed.
  box
  write() {
    toml <<TOML
[[instances]]
container = "box"
name = "web"
replicas = $1

[[instances]]
container = "box"
name = "client"
depends_on = { "box.web" = "started" }
TOML
  }
  write 2
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply"; }
  [ "$(insp '{{.State.Status}}' box-web)" = running ] && [ "$(insp '{{.State.Status}}' box-web-2)" = running ] ||
    fail "not two running replicas"
  ips="$(insp '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' box-web) $(insp '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' box-web-2)"
  answer=$(docker exec "$PROJECT-box-client" nslookup box-web 2>&1) || fail "nslookup box-web: $answer"
  for ip in $ips; do grep -q "$ip" <<<"$answer" || fail "box-web does not answer with $ip ($ips): $answer"; done
  out=$(dops plan --detailed-exitcode) && [ "$out" = "No changes." ] || fail "after apply: $out"
  write 1
  out=$(dops plan 2>&1) || fail "plan: $out"
  grep -q "^remove   box.web-2" <<<"$out" && ! grep -q "box.web:" <<<"$out" || fail "lowered to 1: $out"
  dops apply --yes >/dev/null 2>&1 || fail "apply of replicas = 1"
  ! docker inspect "$PROJECT-box-web-2" >/dev/null 2>&1 || fail "box.web-2 is still there"
  pass ;;

lifecycle)
  # start, stop (in reverse) and restart follow depends_on, not the alphabet;
  # a job's start succeeds when it exits 0.
  box
  toml <<TOML

[[instances]]
container = "box"
name = "db"
healthcheck = { test = ["CMD", "test", "-d", "/"], interval = "1s" }

[[instances]]
container = "box"
name = "migrate"
command = ["sh", "-c", "echo migrated"]
depends_on = { "box.db" = "healthy" }

[[instances]]
container = "box"
name = "app"
depends_on = { "box.migrate" = "completed" }
TOML
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply"; }
  out=$(dops stop 2>&1) || fail "stop: $out"
  [ "$(grep -o '^stopped box\.[a-z]*' <<<"$out" | tr '\n' ' ')" = "stopped box.app stopped box.db " ] || fail "stop order: $out"
  out=$(dops start 2>&1) || fail "start (a job that exits 0 is a success): $out"
  [ "$(grep -o '^started box\.[a-z]*' <<<"$out" | tr '\n' ' ')" = "started box.db started box.migrate started box.app " ] ||
    fail "start order: $out"
  out=$(dops restart 2>&1) || fail "restart: $out"
  [ "$(grep -o '^started box\.[a-z]*' <<<"$out" | tr '\n' ' ')" = "started box.db started box.migrate started box.app " ] ||
    fail "restart order: $out"
  out=$(dops plan --detailed-exitcode) && [ "$out" = "No changes." ] || fail "after restart: $out"
  pass ;;

network_mode)
  # side shares web's network (network_mode = "instance:box.web"): it sees
  # web's address as its own; when web is made again (an edit, or removed by
  # hand) side is replaced with it, and then the plan says "No changes.".
  box
  write() {
    toml <<TOML
[[instances]]
container = "box"
name = "web"
env = { V = "$1" }

[[instances]]
container = "box"
name = "side"
network_mode = "instance:box.web"
TOML
  }
  # side's network is web's container's: same address, and NetworkMode names web's id.
  shares_web() {
    [ "$(insp '{{.HostConfig.NetworkMode}}' box-side)" = "container:$(cid box-web)" ] ||
      fail "box.side's NetworkMode is $(insp '{{.HostConfig.NetworkMode}}' box-side), not web's container $(cid box-web)"
    local ip
    ip=$(insp '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' box-web)
    [ -n "$ip" ] || fail "box.web has no address"
    docker exec "$PROJECT-box-side" ip -4 addr | grep_all "inet $ip/" || fail "box.side does not have web's address $ip"
  }
  write 1
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply"; }
  shares_web
  out=$(dops plan --detailed-exitcode) && [ "$out" = "No changes." ] || fail "after apply: $out"
  write 2
  out=$(dops plan 2>&1) || fail "plan: $out"
  grep -q "^replace  box.side: network_mode: box.web is replaced, and its network with it" <<<"$out" || fail "edit of web: $out"
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of the edit"; }
  shares_web
  out=$(dops plan --detailed-exitcode) && [ "$out" = "No changes." ] || fail "after the edit's apply: $out"
  # web removed by hand: made again, and side with it.
  docker rm -f "$PROJECT-box-web" >/dev/null
  out=$(dops plan 2>&1) || fail "plan: $out"
  grep -q "^replace  box.side: network_mode: box.web is created, and its network with it" <<<"$out" || fail "web removed: $out"
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply after web was removed"; }
  shares_web
  out=$(dops plan --detailed-exitcode) && [ "$out" = "No changes." ] || fail "after web was made again: $out"
  pass ;;

volumes_from)
  # side mounts web's volumes read-only (volumes_from = ["instance:box.web:ro"])
  # on the platform it names; when web is made again side is replaced with it,
  # and still sees web's named volume. A platform the image is not for is the
  # engine's refusal, named.
  box
  write() {
    toml <<TOML
[[instances]]
container = "box"
name = "web"
env = { V = "$1" }
volumes = ["cache:/cache"]

[[instances]]
container = "box"
name = "side"
volumes_from = ["instance:box.web:ro"]
platform = "$2"
TOML
  }
  sees_cache() {
    docker exec "$PROJECT-box-side" cat /cache/f | grep_all -x "$1" || fail "box.side does not see web's /cache/f = $1"
    docker exec "$PROJECT-box-side" touch /cache/g 2>/dev/null && fail "box.side could write web's volume (not :ro)"
    [ "$(insp '{{json .HostConfig.VolumesFrom}}' box-side)" = "[\"$PROJECT-box-web:ro\"]" ] ||
      fail "VolumesFrom: $(insp '{{json .HostConfig.VolumesFrom}}' box-side)"
  }
  write 1 linux/amd64
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply"; }
  docker exec "$PROJECT-box-web" sh -c 'echo one >/cache/f' || fail "write to web's volume"
  sees_cache one
  out=$(dops plan --detailed-exitcode) && [ "$out" = "No changes." ] || fail "after apply: $out"
  write 2 linux/amd64
  out=$(dops plan 2>&1) || fail "plan: $out"
  grep -q "^replace  box.side: volumes_from: box.web is replaced, and its volumes with it" <<<"$out" || fail "edit of web: $out"
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of the edit"; }
  sees_cache one
  out=$(dops plan --detailed-exitcode) && [ "$out" = "No changes." ] || fail "after the edit's apply: $out"
  write 2 linux/s390x
  out=$(dops plan 2>&1) || fail "plan: $out"
  grep -q "^replace  box.side: platform \"linux/amd64\" → \"linux/s390x\"" <<<"$out" || fail "platform edit: $out"
  out=$(dops apply --yes 2>&1) && fail "a platform the image is not for was applied: $out"
  grep -q "does not match the specified platform" <<<"$out" && grep -q "box-side" <<<"$out" || fail "the refusal is not named: $out"
  pass ;;

*) fail "unknown case $CASE" ;;
esac
