#!/usr/bin/env bash
# End-to-end tests of what real platforms declare (issue #10) on the real dockerd.
#   platform_test.sh BIN CASE
BIN=$1 CASE=$2
. "$(dirname "$0")/lib.sh"

# No registry here: the "pulled" image is a local one under a name of its own,
# removed (untagged) at the end; the busybox it names is left alone.
LOCAL_IMAGE="localhost/redis-like-$$:1"
untag() { docker rmi "$LOCAL_IMAGE" >/dev/null 2>&1 || true; cleanup; }
trap untag EXIT

insp() { docker inspect -f "$1" "$PROJECT-$2"; }

case "$CASE" in
image_runtime)
  docker tag dockerops/busybox:latest "$LOCAL_IMAGE"
  mkdir -p "$DIR/containers/app"
  printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$DIR/containers/app/Dockerfile"
  printf '# the cache settings\nCACHE_MODE=lru\nexport CACHE_SIZE="64"\n' >"$DIR/cache.env"
  cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[volumes.scratch]
driver = "local"
options = { type = "tmpfs", device = "tmpfs", o = "size=16m" }
[containers.cache]
image = "$LOCAL_IMAGE"
pull = "never"
command = ["sleep", "3600"]
restart = "always"
memory = "64m"
cpus = 0.5
pids_limit = 64
ulimits = { nofile = { soft = 512, hard = 1024 } }
env_file = "cache.env"
healthcheck = { test = ["CMD", "test", "-d", "/data"], interval = "1s", retries = 3 }
[containers.app]

[[instances]]
container = "cache"
name = "one"
volumes = ["cachedata:/data", "scratch:/scratch"]

[[instances]]
container = "app"
name = "one"
links = ["cache-one:CACHE"]
user = "65534:65534"
read_only = true
tmpfs = ["/run"]
cap_drop = ["ALL"]
extra_hosts = ["db.local:10.9.8.7"]
TOML
  out=$(dops plan) || fail "plan: $out"
  grep -q "^pull " <<<"$out" && fail "pull = never planned a pull: $out"
  grep -q "^create   cache.one: not found$" <<<"$out" || fail "plan: $out"
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply"; }
  # The instance is ready only once healthy, and its dependent started after it.
  [ "$(insp '{{.State.Health.Status}}' cache-one)" = healthy ] || fail "cache.one is not healthy: $(insp '{{json .State.Health}}' cache-one)"
  [ "$(insp '{{.Config.Image}}' cache-one)" = "$(docker inspect -f '{{.Id}}' "$LOCAL_IMAGE")" ] || fail "cache.one does not run $LOCAL_IMAGE"
  # Limits and settings as docker inspect shows them.
  [ "$(insp '{{.HostConfig.Memory}}' cache-one)" = 67108864 ] || fail "memory: $(insp '{{.HostConfig.Memory}}' cache-one)"
  [ "$(insp '{{.HostConfig.NanoCpus}}' cache-one)" = 500000000 ] || fail "cpus"
  [ "$(insp '{{.HostConfig.PidsLimit}}' cache-one)" = 64 ] || fail "pids_limit"
  [ "$(insp '{{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}}{{end}}' cache-one)" = "nofile=512:1024" ] || fail "ulimits"
  [ "$(insp '{{.HostConfig.RestartPolicy.Name}}' cache-one)" = always ] || fail "restart policy"
  docker exec "$PROJECT-cache-one" sh -c 'echo "$CACHE_MODE/$CACHE_SIZE"' | grep_all -x "lru/64" || fail "env_file variables"
  [ "$(docker exec "$PROJECT-app-one" id -u)" = 65534 ] || fail "user 65534"
  docker exec "$PROJECT-app-one" touch /x 2>/dev/null && fail "read_only: / was writable"
  docker exec "$PROJECT-app-one" touch /run/x || fail "tmpfs /run"
  docker exec "$PROJECT-app-one" grep -q "10.9.8.7.*db.local" /etc/hosts || fail "extra_hosts"
  [ "$(insp '{{.HostConfig.CapDrop}}' app-one)" = "[ALL]" ] || fail "cap_drop"
  # A declared volume gets its driver and options; a plain one the engine's local driver.
  [ "$(docker volume inspect -f '{{.Driver}} {{.Options.type}} {{.Options.o}}' "${PROJECT}_scratch")" = "local tmpfs size=16m" ] \
    || fail "volume scratch: $(docker volume inspect "${PROJECT}_scratch")"
  docker exec "$PROJECT-cache-one" sh -c 'grep -q " /scratch tmpfs " /proc/mounts' || fail "/scratch is not the tmpfs volume"
  out=$(dops plan) && [ "$out" = "No changes." ] || fail "second plan: $out"
  # The restart policy restarts a killed process, and the plan is still empty.
  docker exec "$PROJECT-cache-one" sh -c 'kill -9 $(pidof sleep)' || fail "kill"
  for _ in $(seq 1 20); do [ "$(insp '{{.RestartCount}}' cache-one)" -ge 1 ] && break; sleep 0.5; done
  [ "$(insp '{{.RestartCount}}' cache-one)" -ge 1 ] || fail "the killed process was not restarted"
  # Restarted, it is not ready until its health check passes again (readiness
  # is state: the plan says "wait" meanwhile); healthy again, the plan is empty.
  for _ in $(seq 1 60); do [ "$(insp '{{.State.Status}} {{.State.Health.Status}}' cache-one)" = "running healthy" ] && break; sleep 0.5; done
  out=$(dops plan) && [ "$out" = "No changes." ] || fail "plan after the restart: $out"
  # A change of a limit is one replace naming it with its values.
  sed -i 's/^memory = "64m"$/memory = "96m"/' "$DIR/dockerops.toml"
  out=$(dops plan)
  grep -qx 'replace  cache.one: memory 64 MiB → 96 MiB' <<<"$out" || fail "plan of the memory change: $out"
  # The named volume survives destroy without --purge-data.
  docker exec "$PROJECT-cache-one" sh -c 'echo kept >/data/f' || fail "write to the volume"
  dops destroy --yes --allow-destroy-all >/dev/null || fail "destroy"
  [ "$(count_containers)" = 0 ] || fail "destroy left containers"
  docker volume inspect "${PROJECT}_cachedata" >/dev/null 2>&1 || fail "destroy removed the named volume"
  docker image inspect "$LOCAL_IMAGE" >/dev/null 2>&1 || fail "destroy removed the image it did not build"
  dops apply --yes >/dev/null 2>&1 || fail "apply after destroy"
  [ "$(docker exec "$PROJECT-cache-one" cat /data/f)" = kept ] || fail "the volume's data is gone"
  dops destroy --yes --allow-destroy-all --rmi >/dev/null || fail "destroy --rmi"
  docker image inspect "$LOCAL_IMAGE" >/dev/null 2>&1 || fail "destroy --rmi removed an image it did not build"
  pass ;;

pull_fails)
  # A registry that does not answer: the pull fails, says so, and nothing is created.
  mkdir -p "$DIR"
  cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[containers.cache]
image = "localhost:9/none-$$:1"
command = ["sleep", "3600"]
[[instances]]
container = "cache"
name = "one"
TOML
  out=$(dops plan) || fail "plan: $out"
  grep -qx "pull     image localhost:9/none-$$:1: not on the engine" <<<"$out" || fail "plan: $out"
  dops plan --json >"$DIR/plan.json" || fail "plan --json"
  /usr/bin/python3 "$(dirname "$0")/../schema/check_plan.py" "$(dirname "$0")/../.." "$DIR/plan.json" || fail "a plan with a pull does not match schemas/plan.schema.json"
  out=$(dops apply --yes 2>&1) && fail "apply of an image that cannot be pulled succeeded: $out"
  grep -q "image localhost:9/none-$$:1: pull failed" <<<"$out" || grep_all "image localhost:9/none-$$:1: .*connection refused" <<<"$out" || fail "the failure is not named: $out"
  [ "$(count_containers)" = 0 ] || fail "an instance was created without its image"
  sed -i 's/^image = .*/&\npull = "never"/' "$DIR/dockerops.toml"
  out=$(dops plan 2>&1) && fail "plan with pull = never and no image succeeded: $out"
  grep -q "container cache: image localhost:9/none-$$:1 is not on the engine, and pull = \"never\"" <<<"$out" || fail "message: $out"
  pass ;;

program_fails)
  # An app program under supervisord on the base container that keeps failing:
  # the apply fails, naming the program and showing its last lines.
  mkdir -p "$DIR/containers/web"
  cat >"$DIR/containers/web/Dockerfile" <<'DOCKERFILE'
FROM dockerops/dockerops-base
COPY app.conf /etc/supervisor/conf.d/app.conf
DOCKERFILE
  cat >"$DIR/containers/web/app.conf" <<CONF
[program:webapp]
command=/bin/sh -c "echo 'starting webapp'; echo 'webapp: cannot bind 0.0.0.0:80 ($$)' >&2; exit 3"
startsecs=1
startretries=2
stdout_logfile=/var/log/supervisor/webapp.log
redirect_stderr=true
CONF
  cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[containers.web]
[[instances]]
container = "web"
name = "one"
TOML
  out=$(dops apply --yes 2>&1) && fail "apply of a failing program succeeded: $out"
  grep -q "create web.one: failed: container $PROJECT-web-one: unhealthy; last health check:" <<<"$out" || fail "not unhealthy: $out"
  grep -q "^program webapp is FATAL" <<<"$out" || fail "the program is not named: $out"
  grep -q "webapp: cannot bind 0.0.0.0:80 ($$)" <<<"$out" || fail "the program's output is not shown: $out"
  grep -q "^Apply: .* 1 failed" <<<"$out" || fail "summary: $out"
  pass ;;

verbs)
  # stop, start, restart, exec and config, as a compose user reaches for them.
  write_project a 'secret_env = ["TOKEN"]'
  export TOKEN="tok-$$"
  dops apply --yes >/dev/null 2>&1 || fail "apply"
  one=$(cid app-one)
  out=$(dops stop app.one) || fail "stop: $out"
  grep -q "^stopped app.one (" <<<"$out" || fail "stop said: $out"
  [ "$(insp '{{.State.Status}}' app-one)" = exited ] || fail "app.one is not stopped"
  [ "$(cid app-one)" = "$one" ] || fail "stop removed the container"
  out=$(dops plan --detailed-exitcode) && fail "a stopped instance is not drift" || [ $? = 2 ] || fail "plan exit"
  grep -q "^start    app.one: exited" <<<"$out" || fail "plan after stop: $out"
  out=$(dops start app.one) || fail "start: $out"
  grep -q "^started app.one (" <<<"$out" || fail "start said: $out"
  [ "$(insp '{{.State.Status}}' app-one)" = running ] || fail "app.one is not running again"
  out=$(dops start app.one) || fail "start of a running instance: $out"
  grep -qx "app.one is running already" <<<"$out" || fail "start of a running one said: $out"
  before=$(insp '{{.State.StartedAt}}' db-master)
  out=$(dops restart db) || fail "restart: $out"
  grep -q "^started db.master (" <<<"$out" || fail "restart said: $out"
  [ "$(insp '{{.State.StartedAt}}' db-master)" != "$before" ] || fail "db.master was not restarted"
  out=$(dops plan) && [ "$out" = "No changes." ] || fail "plan after start and restart: $out"
  out=$(dops stop one 2>&1) && fail "stop of a name that is no instance succeeded"
  grep -q "no instance of the project matches 'one' (did you mean 'app.one'?)" <<<"$out" || fail "stop one said: $out"
  [ "$(dops exec app.two sh -c 'echo "$INSTANCE"')" = two ] || fail "exec"
  # logs: every instance by default, each line prefixed by its instance; --tail; --since.
  for i in one two; do
    dops exec "app.$i" sh -c "echo first-$i >/proc/1/fd/1; echo second-$i >/proc/1/fd/1" || fail "write to app.$i's output"
  done
  out=$(dops logs) || fail "logs: $out"
  grep -qx "app.one   | first-one" <<<"$out" || fail "logs of every instance, prefixed: $out"
  grep -qx "app.two   | second-two" <<<"$out" || fail "logs of every instance, prefixed: $out"
  [ "$(dops logs app.one --tail 1)" = second-one ] || fail "logs --tail 1: $(dops logs app.one --tail 1)"
  [ "$(dops logs app --tail 1 | sort)" = "$(printf 'app.one | second-one\napp.two | second-two')" ] || fail "logs of a container's instances: $(dops logs app --tail 1)"
  [ -z "$(dops logs app.one --since "$(($(date +%s) + 5))")" ] || fail "logs --since the future printed something"
  out=$(dops logs app.one --since soon 2>&1) && fail "a bad --since was accepted"
  grep -q "since 'soon' is not a duration" <<<"$out" || fail "bad --since said: $out"
  dops config >"$DIR/config.json" || fail "config"
  grep -q "tok-$$" "$DIR/config.json" && fail "config printed a secret"
  /usr/bin/python3 - "$DIR/config.json" <<'PY' || fail "config JSON"
import json, sys
c = json.load(open(sys.argv[1]))
ids = [i["id"] for i in c["instances"]]
assert ids == ["app.one", "app.two", "db.master"], ids
two = c["instances"][1]
assert two["secret_env"]["TOKEN"] == {"from": "environment", "value": "(sensitive)"}, two["secret_env"]
assert two["switches"]["persistent_log"] is True and two["type"] == "standard", two
assert c["instances"][0]["links"] == [{"alias": "DB", "external": False, "target": "db.master"}]
PY
  pass ;;

json_outputs)
  # Every --json output parses and matches its schema (schemas/), on real output.
  SRC="$(dirname "$0")/../.."
  check() { /usr/bin/python3 "$SRC/tests/schema/check_json_output.py" "$SRC" "$@" || fail "$2 does not match $1"; }
  write_project
  dops validate --json >"$DIR/validate.json" || fail "validate --json"
  check validate.schema.json "$DIR/validate.json"
  printf '[containers.app]\nbuild_arg = 1\n' >"$DIR/bad.toml"
  "$BIN" validate --json -f "$DIR/bad.toml" >"$DIR/invalid.json" && fail "validate --json of a bad file exited 0"
  check validate.schema.json "$DIR/invalid.json"
  grep -q '"line":2,"column":1,"message":"unknown key' "$DIR/invalid.json" || fail "the diagnostic's position: $(cat "$DIR/invalid.json")"
  out=$(dops apply --json 2>&1 </dev/null) && fail "apply --json without --yes went ahead"
  grep -q -- "--json needs --yes" <<<"$out" || fail "apply --json without --yes said: $out"
  dops apply --json --yes >"$DIR/apply.jsonl" || fail "apply --json: $(cat "$DIR/apply.jsonl")"
  check apply-events.schema.json "$DIR/apply.jsonl" --lines
  head -1 "$DIR/apply.jsonl" | grep_all '^{"event":"plan"' || fail "the first event is not the plan"
  tail -1 "$DIR/apply.jsonl" | grep_all '^{"event":"summary".*"done":6,"failed":0,"not_started":0,"ok":true}$' || fail "summary: $(tail -1 "$DIR/apply.jsonl")"
  grep -q '^{"event":"progress","id":[0-9]*,"object":"'"$PROJECT"'/app:latest","step":true' "$DIR/apply.jsonl" || fail "no build progress event"
  [ "$(grep -c '^{"event":"end"' "$DIR/apply.jsonl")" = 6 ] || fail "end events"
  dops apply --json --yes >"$DIR/noop.jsonl" || fail "second apply --json"
  check apply-events.schema.json "$DIR/noop.jsonl" --lines
  [ "$(wc -l <"$DIR/noop.jsonl")" = 2 ] || fail "a no-op apply --json: $(cat "$DIR/noop.jsonl")"
  dops ps --json >"$DIR/ps.json" || fail "ps --json"
  check ps.schema.json "$DIR/ps.json"
  /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert [x["container"]+"."+x["instance"] for x in r]==["app.one","app.two","db.master"], r' "$DIR/ps.json" || fail "ps --json rows"
  dops build --progress json all >"$DIR/build.jsonl" || fail "build --progress json"
  check build-events.schema.json "$DIR/build.jsonl" --lines
  tail -1 "$DIR/build.jsonl" | grep_all -x '{"kind":"summary","built":2,"failed":0,"not_built":0,"ok":true}' || fail "build summary: $(tail -1 "$DIR/build.jsonl")"
  dops destroy --json --yes --allow-destroy-all >"$DIR/destroy.jsonl" || fail "destroy --json"
  check apply-events.schema.json "$DIR/destroy.jsonl" --lines
  tail -1 "$DIR/destroy.jsonl" | grep_all '"ok":true}$' || fail "destroy summary"
  pass ;;

depends_on)
  # A job (depends_on "completed") after a healthy database, and an app after the job.
  mkdir -p "$DIR/containers/box"
  printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$DIR/containers/box/Dockerfile"
  write_jobs() {   # write_jobs EXIT_CODE
    cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[containers.box]

[[instances]]
container = "box"
name = "db"
healthcheck = { test = ["CMD", "test", "-d", "/"], interval = "1s" }

[[instances]]
container = "box"
name = "migrate"
command = ["sh", "-c", "sleep 1; echo migrated-$$; exit $1"]
depends_on = { "box.db" = "healthy" }

[[instances]]
container = "box"
name = "app"
depends_on = { "box.migrate" = "completed" }
TOML
  }
  write_jobs 0
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply"; }
  [ "$(insp '{{.State.Status}} {{.State.ExitCode}}' box-migrate)" = "exited 0" ] || fail "the job did not run to its end"
  [ "$(insp '{{.State.Status}}' box-app)" = running ] || fail "the app is not running"
  # The app started after the job had ended.
  ended=$(insp '{{.State.FinishedAt}}' box-migrate) started=$(insp '{{.State.StartedAt}}' box-app)
  [[ "$started" > "$ended" ]] || fail "the app started ($started) before the job ended ($ended)"
  out=$(dops plan) && [ "$out" = "No changes." ] || fail "an ended job is drift: $out"
  # A failing job fails the apply with its output, and what depends on it waits.
  write_jobs 3
  out=$(dops apply --yes 2>&1) && fail "a failing job went through: $out"
  grep -q "the job exited (3); its last output:" <<<"$out" || fail "the job's failure: $out"
  grep -q "migrated-$$" <<<"$out" || fail "the job's output is not shown: $out"
  pass ;;

everyday)
  # The verbs compose users type every day (#22), on an image built FROM the
  # base image but running its own command (supervisorctl is there, no
  # supervisord runs): logs has no junk line, Ctrl-C on logs -f is quiet,
  # pause / kill are drift that apply repairs, port, images.
  PORT=$(free_port)
  cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[containers.web]
image = "dockerops/debian:bookworm"
command = ["sh", "-c", "echo hello; echo world; exec sleep 3600"]
[[instances]]
container = "web"
name = "one"
ports = ["127.0.0.1:$PORT:80"]
TOML
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply"; }
  # The project remembers where it was applied from: a copy elsewhere is told.
  [ "$(docker inspect -f '{{index .Config.Labels "io.dockerops.home"}}' "$PROJECT-dockerops-home")" = "$(hostname):$(readlink -f "$DIR")" ] \
    || fail "no home record"
  mkdir -p "$DIR/copy" && cp "$DIR/dockerops.toml" "$DIR/copy/"
  out=$("$BIN" plan -f "$DIR/copy" 2>&1) || fail "plan of the copy: $out"
  grep -qF "warning: project '$PROJECT' was last applied from $(hostname):$(readlink -f "$DIR"), not from here ($(hostname):$(readlink -f "$DIR/copy"))" <<<"$out" \
    || fail "the copy is not told: $out"
  [ "$(dops plan)" = "No changes." ] || fail "plan from home: $(dops plan)"
  [ "$(count_containers)" = 1 ] || fail "the home record counts as an instance"
  out=$(dops logs web.one --tail 5 2>&1) || fail "logs: $out"
  [ "$out" = "$(printf 'hello\nworld')" ] || fail "logs is not exactly the output: $out"
  out=$(dops status 2>&1) || fail "status: $out"
  grep -q "(no supervisord here)" <<<"$out" || fail "status: $out"
  # logs -f, interrupted once it streams: exit 130 and not a word on stderr.
  "$BIN" logs --file "$DIR" -f web.one >"$DIR/follow.out" 2>"$DIR/follow.err" &
  pid=$!
  for _ in $(seq 1 100); do grep -q world "$DIR/follow.out" && break; sleep 0.1; done
  grep -q world "$DIR/follow.out" || fail "logs -f printed nothing"
  kill -INT "$pid"
  set +e; wait "$pid"; rc=$?; set -e
  [ "$rc" = 130 ] || fail "logs -f interrupted exits $rc, not 130"
  [ ! -s "$DIR/follow.err" ] || fail "logs -f interrupted said: $(cat "$DIR/follow.err")"
  [ "$(dops port web.one 80)" = "127.0.0.1:$PORT" ] || fail "port: $(dops port web.one 80 2>&1)"
  out=$(dops port web.one 81 2>&1) && fail "port of an unpublished port succeeded"
  grep -q "port 81/tcp is not published" <<<"$out" || fail "port 81: $out"
  dops images --json | /usr/bin/python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert [r["container"] for r in rows] == ["web"] and rows[0]["image"] == "dockerops/debian:bookworm", rows
assert len(rows[0]["id"]) == 12 and rows[0]["size"].endswith("MiB"), rows' || fail "images --json"
  # pause: drift, named; unpause; kill: drift, apply starts it again.
  [ "$(dops pause web.one)" = "paused web.one" ] || fail "pause"
  [ "$(insp '{{.State.Status}}' web-one)" = paused ] || fail "not paused on the engine"
  out=$(dops plan --detailed-exitcode) && fail "a paused instance is not drift" || [ $? = 2 ] || fail "plan exit"
  grep -q "^unpause  web.one: paused" <<<"$out" || fail "plan of a paused instance: $out"
  [ "$(dops unpause web.one)" = "unpaused web.one" ] || fail "unpause"
  [ "$(dops plan)" = "No changes." ] || fail "plan after unpause: $(dops plan)"
  # top, cp both ways (a file, a folder under a new name, and back).
  dops top web.one | grep_all "sleep 3600" || fail "top: $(dops top web.one 2>&1)"
  dops cp web.one:/etc/hostname "$DIR/hostname.txt" 2>/dev/null || fail "cp from the instance"
  [ "$(cat "$DIR/hostname.txt")" = "$(dops exec web.one cat /etc/hostname)" ] || fail "cp copied: $(cat "$DIR/hostname.txt")"
  mkdir -p "$DIR/fold/sub" && echo "in-$$" >"$DIR/fold/sub/f" && echo "one-$$" >"$DIR/one.txt"
  dops cp "$DIR/one.txt" web.one:/tmp 2>/dev/null || fail "cp of a file into a folder of the instance"
  dops cp "$DIR/fold" web.one:/tmp/renamed 2>/dev/null || fail "cp of a folder to a new name"
  [ "$(dops exec web.one cat /tmp/one.txt /tmp/renamed/sub/f)" = "$(printf 'one-%s\nin-%s' $$ $$)" ] || fail "cp into the instance"
  dops cp web.one:/tmp/renamed "$DIR/back" 2>/dev/null || fail "cp of a folder from the instance"
  [ "$(cat "$DIR/back/sub/f")" = "in-$$" ] || fail "cp of a folder back: $(ls -R "$DIR/back")"
  out=$(dops cp web.one:/no/such "$DIR/x" 2>&1) && fail "cp of a missing path succeeded"
  grep -q "/no/such: no such file or folder in the container" <<<"$out" || fail "cp of a missing path: $out"
  t0=$(date +%s)
  [ "$(dops kill web.one)" = "sent SIGKILL to web.one" ] || fail "kill"
  for _ in $(seq 1 50); do [ "$(insp '{{.State.Status}}' web-one)" = exited ] && break; sleep 0.1; done
  # events: the kill and its end, from a window that has closed (no waiting on a stream).
  out=$(dops events --since "$t0" --until "$(( $(date +%s) + 1 ))") || fail "events: $out"
  grep -q " container kill web.one ($PROJECT-web-one)$" <<<"$out" || fail "events has no kill: $out"
  grep -q " container die web.one ($PROJECT-web-one) exit 137$" <<<"$out" || fail "events has no die: $out"
  dops events --since "$t0" --until "$(( $(date +%s) + 1 ))" --json | /usr/bin/python3 -c '
import json, sys
events = [json.loads(l) for l in sys.stdin]
assert any(e["action"] == "die" and e["instance"] == "web.one" and e["attributes"]["exitCode"] == "137" for e in events), events' \
    || fail "events --json"
  out=$(dops plan --detailed-exitcode) && fail "a killed instance is not drift" || [ $? = 2 ] || fail "plan exit"
  grep -q "^start    web.one: exited (137)" <<<"$out" || fail "plan of a killed instance: $out"
  dops apply --yes >/dev/null 2>&1 || fail "apply after kill"
  [ "$(dops plan)" = "No changes." ] || fail "plan after the apply: $(dops plan)"
  # run --rm: a one-off copy of web.one running a command. Without a terminal:
  # its output and errors apart (not a word of ours), our input its input,
  # its exit code ours, nothing left behind (web.one's port 80 is published:
  # the copy publishes none, or its create would fail on the taken port).
  set +e
  out=$(dops run --rm web sh -c 'echo "one-off of $CONTAINER, ${INSTANCE%-*}"; echo oops >&2; exit 3' \
        </dev/null 2>"$DIR/oneoff.err"); rc=$?
  set -e
  [ "$rc" = 3 ] || fail "run --rm exits $rc, not 3: $out $(cat "$DIR/oneoff.err")"
  [ "$out" = "one-off of web, run" ] || fail "run --rm output: $out"
  [ "$(cat "$DIR/oneoff.err")" = oops ] || fail "run --rm standard error: $(cat "$DIR/oneoff.err")"
  [ "$(printf 'abc\ndef\n' | dops run --rm web.one cat)" = "$(printf 'abc\ndef')" ] || fail "run --rm does not take our input"
  [ "$(count_containers)" = 1 ] || fail "run --rm left a container: $(docker ps -a --filter "label=io.dockerops.project=$PROJECT" --format '{{.Names}}')"
  # On a terminal: a TTY, the terminal's size, the exit code passed through.
  session="dops-oneoff-$$"
  tmux new-session -d -s "$session" -x 120 -y 40 "$BIN run --file $DIR --rm web sh -c 'tty; stty size; exit 4'; echo rc=\$?; sleep 60"
  for _ in $(seq 1 150); do tmux capture-pane -p -t "$session" | grep_all '^rc=' && break; sleep 0.1; done
  screen=$(tmux capture-pane -p -t "$session"); tmux kill-session -t "$session"
  grep -q '^rc=4' <<<"$screen" || fail "run --rm on a terminal: $screen"
  grep -q '^/dev/pts/' <<<"$screen" || fail "run --rm on a terminal has no TTY: $screen"
  [ "$(count_containers)" = 1 ] || fail "run --rm on a terminal left a container"
  # A compose user's words are understood.
  out=$("$BIN" up 2>&1) && fail "up is a command"
  grep -q "unknown command 'up' (did you mean 'apply'?" <<<"$out" || fail "up: $out"
  out=$("$BIN" down 2>&1) && fail "down is a command"
  grep -q "did you mean 'destroy'?" <<<"$out" || fail "down: $out"
  # destroy --purge-data deletes every data folder made for the project (one
  # whose instance a clean removed earlier too) and its secrets folder, and
  # nothing else.
  cat >>"$DIR/dockerops.toml" <<TOML
[[instances]]
container = "web"
name = "two"
secret_files = ["TOKEN"]
TOML
  TOKEN="tok-$$" dops apply --yes >"$DIR/apply2.log" 2>&1 || { cat "$DIR/apply2.log"; fail "apply of web.two"; }
  secrets=/run/dockerops/secrets/$PROJECT
  [ "$(id -u)" != 0 ] || [ -d "$secrets/web_two" ] || fail "no secrets folder for web.two"
  dops clean web.two --yes >/dev/null 2>&1 || fail "clean web.two"
  [ -d "$DIR/data/web_two" ] || fail "clean deleted web.two's data"
  mkdir -p "$DIR/data/mine" && echo keep >"$DIR/data/mine/file"
  out=$(dops destroy --yes --purge-data 2>&1) || fail "destroy: $out"
  grep -q "^purge-data data of web_two (.*/data/web_two): --purge-data (its instance was removed earlier)" <<<"$out" || fail "the left data is not in the plan: $out"
  grep -q "^Destroy: 4 done, 0 failed, 0 not started.$" <<<"$out" || fail "destroy summary: $out"
  [ ! -e "$DIR/data/web_one" ] && [ ! -e "$DIR/data/web_two" ] || fail "data left: $(ls -a "$DIR/data")"
  [ "$(cat "$DIR/data/mine/file")" = keep ] || fail "destroy --purge-data deleted a folder it did not make"
  [ "$(id -u)" != 0 ] || [ ! -e "$secrets" ] || fail "the secrets folder is left: $(ls -laR "$secrets")"
  [ -z "$(docker ps -aq --filter "label=io.dockerops.project=$PROJECT")" ] || fail "destroy left the home record"
  pass ;;

superseded)
  # A rebuild removes the project's older untagged builds of its image on the
  # real engine, keeping the one it replaces, and one that a container made
  # outside dockerops runs from (the engine refuses, the apply still succeeds).
  mkdir -p "$DIR/containers/web"
  cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[containers.web]
command = ["sleep", "3600"]
[[instances]]
container = "web"
name = "one"
TOML
  builds() { docker images -a -q --no-trunc --filter "label=io.dockerops.image.project=$PROJECT" | sort -u; }
  build_v() {
    printf 'FROM dockerops/busybox:latest\nLABEL version=%s\n' "$1" >"$DIR/containers/web/Dockerfile"
    dops apply --yes >"$DIR/apply-$1.log" 2>&1 || { cat "$DIR/apply-$1.log"; fail "apply of version $1"; }
    docker inspect -f '{{.Id}}' "$PROJECT/web:latest"
  }
  v1=$(build_v 1); v2=$(build_v 2)
  grep -q "remove-image" "$DIR/apply-2.log" && fail "the first rebuild removed an image: $(cat "$DIR/apply-2.log")"
  v3=$(build_v 3)
  grep -q "^remove-image image ${v1:7:12}: superseded by this rebuild of $PROJECT/web:latest" "$DIR/apply-3.log" \
    || fail "the third build does not remove the first: $(cat "$DIR/apply-3.log")"
  [ "$(builds)" = "$(printf '%s\n%s' "$v2" "$v3" | sort)" ] || fail "after three builds the engine holds: $(builds)"
  [ "$(dops plan)" = "No changes." ] || fail "plan after the rebuilds: $(dops plan)"
  # Someone else's container from the kept build (v2): a later rebuild keeps it.
  theirs=$(docker create --label "io.dockerops.test=$PROJECT" "$v2" true)
  FOREIGN+=("$theirs")   # removed by cleanup whatever happens
  v4=$(build_v 4)
  grep -q "^remove-image ${v2:7:12}: done (.*), kept: .*image is being used by stopped container" "$DIR/apply-4.log" \
    || fail "the image in use is not said to be kept: $(cat "$DIR/apply-4.log")"
  docker rm "$theirs" >/dev/null
  [ "$(builds)" = "$(printf '%s\n%s\n%s' "$v2" "$v3" "$v4" | sort)" ] || fail "after the fourth build the engine holds: $(builds)"
  dops destroy --yes --rmi >/dev/null 2>&1 || fail "destroy --rmi"
  [ -z "$(builds)" ] || fail "destroy --rmi left: $(builds)"
  pass ;;

*) fail "unknown case $CASE" ;;
esac
