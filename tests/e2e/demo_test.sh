#!/usr/bin/env bash
# The seed's quick start and platform features, end to end: the real binary
# (as `dockerops` on PATH), the real dockerd, the real base image, and a real
# terminal (tmux) where the seed used one.
#   demo_test.sh BIN CASE
BIN=$1 CASE=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"

# The demo, under this test's own project name.
# Only what git tracks: a local run of the demo leaves data/ and keys beside it.
git -C "$SRC" ls-files -z examples/demo | while IFS= read -r -d '' f; do
  mkdir -p "$DIR/$(dirname "${f#examples/demo/}")"; cp -p "$SRC/$f" "$DIR/${f#examples/demo/}"
done
# Only the name changes: the example refers to nothing outside its folder, and
# its FROM ${PROJECT}/base follows the rename.
sed -i "s/^name = \"demo\"/name = \"$PROJECT\"/" "$DIR/dockerops.toml"
export PATH="$(dirname "$BIN"):$PATH"

SESS="dockerops-e2e-$$"
screen() { tmux capture-pane -p -J -S -200 -t "$SESS"; }
wait_for() {   # wait_for TEXT [SECONDS]
  local n=$(( ${2:-60} * 10 ))
  for _ in $(seq 1 "$n"); do screen | grep_all -F -- "$1" && return 0; sleep 0.1; done
  echo "--- screen ---"; screen; fail "never saw '$1'"
}
wait_prompt() {   # wait_prompt PROMPT: the last non-empty line of the screen is the prompt
  for _ in $(seq 1 100); do
    [ "$(screen | grep -v '^\s*$' | tail -1 | sed 's/[[:space:]]*$//')" = "$1" ] && return 0
    sleep 0.1
  done
  echo "--- screen ---"; screen; fail "the prompt '$1' did not come back"
}
type_line() { echo "[$(date +%T)] $1" >&2; tmux send-keys -t "$SESS" -l "$1"; tmux send-keys -t "$SESS" Enter; }
# A blank pane and no history: what is waited for next can only come from what follows.
fresh_screen() { tmux send-keys -t "$SESS" -l "clear"; tmux send-keys -t "$SESS" Enter; sleep 0.3; tmux clear-history -t "$SESS"; }
start_terminal() {   # start_terminal [FOLDER]: a shell in FOLDER (default: the project's)
  tmux new-session -d -s "$SESS" -x 160 -y 50 "bash --norc --noprofile"
  trap 'tmux kill-session -t "$SESS" 2>/dev/null; cleanup' EXIT
  type_line "cd ${1:-$DIR} && export PATH=$PATH PS1='host\$ '"
  wait_for 'host$'
}

case "$CASE" in
quickstart)
  # The seed's README, word for word, in a copy outside the repository: no
  # init (the key pair is made by the first run of a project built FROM the
  # base container).
  case "$DIR" in "$SRC"/*) fail "the copy is inside the repository";; esac
  start_terminal
  type_line "dockerops build:all"; wait_for "3 images built" 300
  # The marker is quoted so that the typed line does not match it.
  type_line "dockerops run:all; echo \"run\"-exit=\$?"; wait_for "run-exit=" 300
  screen | grep_all "^run-exit=0" || { screen; fail "run:all failed"; }
  screen | grep_all "^made a key pair for project '$PROJECT'" || { screen; fail "run:all did not say it made the key pair"; }
  for entry in .dockerops/ dockerops.host.toml data/; do
    grep -qxF "$entry" "$DIR/.gitignore" || fail ".gitignore does not cover $entry: $(cat "$DIR/.gitignore")"
  done
  type_line "dockerops ps"; wait_for "demo       one"
  for row in "base       one" "base       two" "demo       one"; do
    screen | grep_all "^$row .*running" || { screen; fail "ps does not list $row running"; }
  done
  type_line "dockerops ssh:demo"; wait_for "dockerops@demo-one" 30
  type_line 'ssh $BASE_CONTAINER_IP'; wait_for "dockerops@base-one" 30
  type_line "echo on-\$(hostname)"; wait_for "on-base-one"
  # As below for the host: keys typed while the inner ssh is still closing go
  # to the closing session and are lost, so demo-one's prompt must be back first.
  type_line "exit"; wait_for "logout" 10; wait_prompt 'dockerops@demo-one:~$'
  type_line 'echo "back"-in-demo-$(hostname)'; wait_for "back-in-demo-demo-one"
  # Typed only once the host's prompt is back: keys sent while ssh is still
  # closing go to the closing session and are lost.
  type_line "exit"; wait_prompt 'host$'
  type_line 'echo "back"-on-host'; wait_for "back-on-host"
  fresh_screen
  type_line "dockerops clean:all"; wait_for "[y/N]"
  type_line "y"; wait_for "Clean: 4 done, 0 failed, 0 not started." 60
  [ "$(count_containers)" = 0 ] || fail "clean:all left $(count_containers) containers"
  ;;
seed2016)
  # The seed's own 2016 project, word for word: apps_containers/ with run.conf
  # naming the containers shipped with the tool (dockerops-dns, dockerops-base)
  # and demo built FROM dockerops/dockerops-base. A 2016 project is named
  # after its folder: this test's project name.
  SEED="$DIR/$PROJECT"
  mkdir -p "$SEED" && cp -r "$SRC/examples/seed-2016/." "$SEED/"
  start_terminal "$SEED"
  type_line "dockerops build:all"; wait_for "3 images built" 300
  screen | grep_all "^built dockerops/dockerops-base:latest" || { screen; fail "dockerops-base was not built from the share"; }
  type_line "dockerops run:all; echo \"run\"-exit=\$?"; wait_for "run-exit=" 300
  screen | grep_all "^run-exit=0" || { screen; fail "run:all failed"; }
  ip_of() { docker inspect -f "{{(index .NetworkSettings.Networks \"$PROJECT\").IPAddress}}" "$PROJECT-$1"; }
  dns=$(ip_of dockerops-dns-master)
  # Every instance that links the DNS or names it registers <container>-<instance>.local.zone.
  for inst in dockerops-base-one dockerops-base-two demo-one; do
    want=$(ip_of "$inst") got=
    for _ in $(seq 1 60); do got=$(python3 "$SRC/tests/e2e/dns_query.py" "$dns" "$inst.local.zone" 2>/dev/null) && break; sleep 0.5; done
    [ "$got" = "$want" ] || fail "$inst.local.zone answers '$got', not $want"
    [ "$(python3 "$SRC/tests/e2e/dns_query.py" "$dns" "$want" PTR)" = "$inst.local.zone" ] || fail "no reverse record for $want"
  done
  # The master publishes 53 on HOST_IP (from_eth0): the host resolves the platform there.
  host_ip=$(ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
  [ "$(python3 "$SRC/tests/e2e/dns_query.py" "$host_ip" demo-one.local.zone)" = "$(ip_of demo-one)" ] \
    || fail "the DNS published on $host_ip:53 does not answer demo-one.local.zone"
  # demo uses it as its resolver, and its entrypoint-local.sh ran.
  (cd "$SEED" && "$BIN" shell demo.one getent hosts dockerops-base-one.local.zone) | grep_all "^$(ip_of dockerops-base-one) " \
    || fail "demo.one does not resolve through the DNS"
  (cd "$SEED" && "$BIN" shell demo.one test -f /tmp/entrypoint-local-ran) || fail "demo's entrypoint-local.sh did not run"
  # Stopping an instance removes its record.
  docker stop -t 5 "$PROJECT-demo-one" >/dev/null
  for _ in $(seq 1 40); do python3 "$SRC/tests/e2e/dns_query.py" "$dns" demo-one.local.zone >/dev/null 2>&1 || break; sleep 0.25; done
  python3 "$SRC/tests/e2e/dns_query.py" "$dns" demo-one.local.zone >/dev/null 2>&1 && fail "a stopped instance is still in the DNS"
  fresh_screen
  type_line "dockerops clean:all"; wait_for "[y/N]"
  type_line "y"; wait_for "Clean: 5 done, 0 failed, 0 not started." 60
  [ "$(count_containers)" = 0 ] || fail "clean:all left $(count_containers) containers"
  [ -z "$(docker network ls -q --filter "label=io.dockerops.project=$PROJECT")" ] || fail "clean:all left the network"
  ;;
persistence)
  dops build all >/dev/null || fail "build"
  dops run all >/dev/null || fail "run all"
  # What the image had in /var/log was copied in the first time.
  [ -f "$DIR/data/base_one/log/dpkg.log" ] || fail "the image's /var/log was not copied into data/base_one/log"
  dops shell base.one sh -c 'echo kept > /var/log/mark' || fail "write"
  dops clean all --yes >/dev/null || fail "clean"
  [ "$(count_containers)" = 0 ] || fail "clean left containers"
  [ -f "$DIR/data/base_one/log/mark" ] || fail "clean removed persistent data"
  dops run all >/dev/null || fail "run again"
  [ "$(dops shell base.one cat /var/log/mark)" = kept ] || fail "the data did not survive clean + run"
  # Never overwritten: the image's copy does not replace what is there.
  echo mine > "$DIR/data/base_one/log/dpkg.log"
  dops clean base.one >/dev/null && dops run base.one >/dev/null || fail "clean + run base.one"
  [ "$(dops shell base.one cat /var/log/dpkg.log)" = mine ] || fail "persistent data was overwritten"
  # run's Fabric-style words: a master-like switch from the command line.
  dops run:demo,instance=two,persistent_data=True >/dev/null || fail "run:demo,instance=two,persistent_data=True"
  [ -d "$DIR/data/demo_two/data" ] || fail "persistent_data=True on the command line did not make data/demo_two/data"
  out=$(dops plan)
  grep -q "demo.two was started by 'dockerops run' and is not in the configuration: kept" <<<"$out" || fail "ad-hoc instance not kept: $out"
  ;;
interactive)
  dops build all >/dev/null || fail "build"
  start_terminal
  type_line "dockerops run demo --interactive; echo \"left\"=\$?"
  wait_for "root@demo-" 120
  type_line 'echo "T=$INSTANCE_TYPE S=$SAFEMODE L=$(ls /tmp/entrypoint-local-ran 2>/dev/null | wc -l)"'
  wait_for "T=interactive S=False L=1"
  type_line "exit 7"; wait_for "left=7"
  [ "$(docker ps -aq --filter "label=io.dockerops.project=$PROJECT" --filter "label=io.dockerops.container=demo" | wc -l)" = 0 ] \
    || fail "the interactive instance was not removed when left"
  type_line "dockerops run demo --safemode; echo \"left\"=\$?"
  wait_for "root@demo-" 120
  type_line 'echo "T=$INSTANCE_TYPE S=$SAFEMODE L=$(ls /tmp/entrypoint-local-ran 2>/dev/null | wc -l)"'
  wait_for "T=safemode S=True L=0"
  type_line "exit"; wait_for "left=0"
  [ "$(docker ps -aq --filter "label=io.dockerops.project=$PROJECT" --filter "label=io.dockerops.container=demo" | wc -l)" = 0 ] \
    || fail "the safemode instance was not removed when left"
  ;;
commands)
  dops init >/dev/null || fail "init"
  dops build base --progress json >"$DIR/build.jsonl" || fail "build --progress json"
  python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert any(l["kind"] == "step" and l["text"].startswith("Step 1/") for l in lines), lines[:3]
assert all(set(l) == {"image", "kind", "text"} for l in lines if l["kind"] in ("step", "output"))
assert lines[-1]["kind"] == "summary" and lines[-1]["ok"], lines[-1]
' "$DIR/build.jsonl" || fail "build --progress json does not give one JSON object a line"
  /usr/bin/python3 "$SRC/tests/schema/check_json_output.py" "$SRC" build-events.schema.json "$DIR/build.jsonl" --lines \
    || fail "build --progress json does not match its schema"
  dops build all >/dev/null || fail "build"
  dops run all >/dev/null || fail "run all"
  ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$PROJECT\").IPAddress}}" "$PROJECT-base-two")
  [ "$(dops ip base.two)" = "$ip" ] || fail "ip base.two is not $ip"
  out=$(dops ssh base hostname </dev/null 2>&1) && fail "ssh to an ambiguous target went ahead" || true
  grep -q "'base' matches several instances: base.one, base.two; name one" <<<"$out" || fail "ambiguity not explained: $out"
  [ "$(dops ssh base.two hostname </dev/null)" = base-two ] || fail "ssh base.two"
  dops shell demo.one sh -c 'echo out; echo err >&2; exit 5' >"$DIR/o" 2>"$DIR/e" && fail "exit code not passed through" || [ $? = 5 ] || fail "exit code is not 5"
  [ "$(cat "$DIR/o")" = out ] && [ "$(cat "$DIR/e")" = err ] || fail "shell output: $(cat "$DIR/o") / $(cat "$DIR/e")"
  dops logs base.one | grep_all "supervisord started" || fail "logs base.one: $(dops logs base.one)"
  # A supervisord program's own log: sshd's, in both base instances.
  out=$(dops logs base --program sshd --tail 20) || fail "logs --program sshd: $out"
  grep -q "^base.one | .*Server listening on" <<<"$out" || fail "logs --program sshd: $out"
  grep -q "^base.two | .*Server listening on" <<<"$out" || fail "logs --program sshd: $out"
  # The health check looks at the socket table, it does not connect: sshd's log
  # has no line of a connection that never spoke SSH.
  grep -q "kex_exchange_identification" <<<"$out" && fail "health checks fill sshd's log: $out"
  # Without --program, the base container's output is followed by its programs' last lines.
  out=$(dops logs base.one --tail 5) || fail "logs base.one --tail 5: $out"
  grep -q "^--- supervisord program sshd (its last 5 lines):$" <<<"$out" || fail "logs without the programs' logs: $out"
  # --follow keeps reading: a line printed later still arrives.
  dops logs base.one -f >"$DIR/follow.log" 2>&1 & follower=$!
  sleep 1
  docker exec "$PROJECT-base-one" sh -c 'echo followed-line > /proc/1/fd/1'
  for _ in $(seq 1 50); do grep -q followed-line "$DIR/follow.log" && break; sleep 0.1; done
  kill $follower 2>/dev/null || true
  grep -q followed-line "$DIR/follow.log" || fail "logs -f did not show a later line"
  out=$(dops status)
  [ "$(grep -c 'sshd *RUNNING' <<<"$out")" = 3 ] || fail "status: $out"
  docker stop -t 1 "$PROJECT-base-two" >/dev/null
  dops ps | grep_all '^base  *two' && fail "ps shows a stopped instance without --all"
  dops ps --all | grep_all '^base  *two .*exited' || fail "ps --all: $(dops ps --all)"
  # The command line beats the file, the file beats the type: base.two as a
  # master keeps the file's persistent_data = false, and --set beats both.
  python3 - "$DIR/dockerops.toml" <<'PY2'
import sys
p = sys.argv[1]
s = open(p).read().replace('name = "two"', 'name = "two"\npersistent_data = false')
open(p, "w").write(s)
PY2
  dops run base.two --type master --set persistent_opt=True >/dev/null || fail "run --type master --set"
  dops ps | grep_all '^base  *two  *master  *running' || fail "the type from the command line was not used: $(dops ps)"
  env=$(dops shell base.two sh -c 'echo $PERSISTENT_DATA $PERSISTENT_OPT')
  [ "$env" = "False True" ] || fail "precedence type < file < command line broken: $env"
  ;;
prompt)
  python3 - "$DIR/dockerops.toml" <<'PY2'
import sys
p = sys.argv[1]
s = open(p).read().replace('links = ["base-one:BASE"]', 'links = ["base-one:BASE"]\nsecret_env = ["DEMO_TOKEN"]')
open(p, "w").write(s)
PY2
  start_terminal
  type_line "dockerops plan >/dev/null; echo \"plan\"-exit=\$?"
  wait_for "demo.one needs DEMO_TOKEN (secret: not shown): " 30
  type_line "s3cret-value"
  wait_for "for next time? [y/N]"
  type_line "y"
  wait_for "plan-exit=0" 30
  screen | grep_all "s3cret-value" && fail "the secret was echoed"
  grep -qx 'DEMO_TOKEN = "s3cret-value"' "$DIR/dockerops.host.toml" || fail "not saved: $(cat "$DIR/dockerops.host.toml")"
  grep -qx 'dockerops.host.toml' "$DIR/.gitignore" || fail "the host file is not kept out of git"
  [ "$(stat -c %a "$DIR/dockerops.host.toml")" = 600 ] || fail "the host file is readable by others"
  dops plan </dev/null >/dev/null || fail "the saved answer is not used"
  ;;
missing_env)
  python3 - "$DIR/dockerops.toml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace('links = ["base-one:BASE"]', 'links = ["base-one:BASE"]\nrequired_env = ["DEMO_TOKEN", "DEMO_REGION"]')
open(p, "w").write(s)
PY
  out=$(dops run:all </dev/null 2>&1) && fail "run:all went ahead without its variables" || true
  grep -q 'demo.one: missing DEMO_TOKEN, DEMO_REGION' <<<"$out" || fail "the missing variables are not listed: $out"
  grep -q 'nothing was changed' <<<"$out" || fail "no word that nothing changed: $out"
  [ "$(count_containers)" = 0 ] || fail "something was created"
  DEMO_TOKEN=t DEMO_REGION=r dops plan >/dev/null || fail "with the variables set, plan works"
  ;;
*) fail "unknown case $CASE" ;;
esac
pass
