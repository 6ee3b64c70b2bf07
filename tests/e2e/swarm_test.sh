#!/usr/bin/env bash
# The same project on a real 3-node Docker Swarm (issue #13): scripts/swarm.sh
# starts three dockerd in network namespaces and Debian's docker-registry; the
# binary applies, updates, heals and destroys services there. The host's own
# engine only answers a plan of the same file (--target docker).
#   swarm_test.sh BIN
BIN=$1 CASE=swarm
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"
export TOKEN="tok-$$-secret"

[ "$(id -u)" = 0 ] || fail "needs root (network namespaces)"
SW=${DOCKEROPS_SWARM_ROOT:-/var/lib/dockerops-swarm}
if [ -S "$SW/node1/docker.sock" ] && docker -H "unix://$SW/node1/docker.sock" info >/dev/null 2>&1; then
  fail "a swarm is already up under $SW: 'scripts/swarm.sh down' first (this test makes its own)"
fi
host_dockerd=$(cat /var/run/docker.pid)
swarm_down() { "$SRC/scripts/swarm.sh" down >/dev/null 2>&1 || true; }
trap 'DOCKER_HOST= cleanup; swarm_down' EXIT
up=$("$SRC/scripts/swarm.sh" up) || fail "scripts/swarm.sh up"
MANAGER=$(sed -n 's/^DOCKER_HOST=//p' <<<"$up")
REGISTRY=$(sed -n 's/^DOCKEROPS_REGISTRY=//p' <<<"$up")
[ -n "$MANAGER" ] && [ -n "$REGISTRY" ] || fail "swarm.sh up did not print DOCKER_HOST and the registry: $up"
node() { docker -H "unix://$SW/node$1/docker.sock" "${@:2}"; }
sw() { DOCKER_HOST=$MANAGER "$@"; }

# Three containers, five services: web.one with 3 replicas (an HTTP answer on
# 8080), api.one linked to it and holding a secret file, worker.two pinned to
# the manager's node with its log folder kept there.
mkdir -p "$DIR/containers/web" "$DIR/containers/api" "$DIR/containers/worker"
cat >"$DIR/containers/web/Dockerfile" <<'EOF'
FROM dockerops/busybox:latest
CMD ["sh", "-c", "while true; do printf 'HTTP/1.0 200 OK\r\n\r\nhello-from-web\n' | nc -l -p 8080; done"]
EOF
printf 'FROM dockerops/busybox:latest\nLABEL role=api\nCMD ["sleep", "100000"]\n' >"$DIR/containers/api/Dockerfile"
printf 'FROM dockerops/busybox:latest\nLABEL role=worker\nCMD ["sleep", "100000"]\n' >"$DIR/containers/worker/Dockerfile"
write_swarm_project() {   # MODE [API_TWO]: API_TWO "no" leaves api.two out
  local api_two='[[instances]]
container = "api"
name = "two"
persistent_log = false'
  [ "${2:-yes}" = no ] && api_two=""
  cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
target = "swarm"
registry = "$REGISTRY"
[containers.web]
stop_grace_period = "1s"
[containers.api]
stop_grace_period = "1s"
[containers.worker]
stop_grace_period = "1s"
tmpfs = ["/scratch:size=16m"]

[[instances]]
container = "web"
name = "one"
replicas = 3
persistent_log = false

[[instances]]
container = "api"
name = "one"
links = ["web-one:WEB"]
env = { MODE = "$1" }
secret_files = ["TOKEN"]
persistent_log = false
update = { parallelism = 2, delay = "1s", failure_action = "pause" }

$api_two

[[instances]]
container = "worker"
name = "one"
links = ["api-one:API"]
persistent_log = false

[[instances]]
container = "worker"
name = "two"
node = "swarm-node1"
TOML
}
write_swarm_project a

# The same file plans for one engine (the host's): a container for each replica, and node is said to be swarm's.
out=$(DOCKER_HOST= "$BIN" plan --file "$DIR" --target docker 2>&1) || fail "plan --target docker: $out"
for r in web.one web.one-2 web.one-3; do
  grep -q "^create   $r: not found" <<<"$out" || fail "plan --target docker: no $r: $out"
done
grep -q 'worker.two: node is for target "swarm"' <<<"$out" || fail "no node warning on target docker: $out"

# On the swarm: the plan says why it uses dnsrr (no IPVS here), then apply.
out=$(sw "$BIN" plan --file "$DIR" 2>&1) || fail "plan on the swarm: $out"
grep -q "no IPVS on this kernel" <<<"$out" || fail "the plan does not say that there is no IPVS: $out"
grep -q "^create   worker.two: not found" <<<"$out" || fail "plan: $out"
sw "$BIN" apply --file "$DIR" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply on the swarm"; }
services=$(sw docker service ls -q --filter "label=io.dockerops.project=$PROJECT" | wc -l)
[ "$services" = 5 ] || fail "$services services, not 5"
running() {   # running SERVICE: "node task-id" of its running tasks
  sw docker service ps "$PROJECT-$1" --filter desired-state=running --format '{{.Node}} {{.ID}} {{.CurrentState}}' | awk '$3 == "Running" {print $1, $2}'
}
[ "$(running web-one | wc -l)" = 3 ] || fail "web.one does not run 3 tasks: $(running web-one)"
nodes_used=$(for s in web-one api-one api-two worker-one worker-two; do running $s; done | awk '{print $1}' | sort -u | wc -l)
[ "$nodes_used" -ge 2 ] || fail "every task is on one node"
[ "$(running worker-two | awk '{print $1}')" = swarm-node1 ] || fail "worker.two is not on swarm-node1: $(running worker-two)"
[ -d "$DIR/data/worker_two/log" ] || fail "worker.two's persistent log folder was not made"
[ "$(sw docker secret ls -q --filter "label=io.dockerops.project=$PROJECT" | wc -l)" = 1 ] || fail "no Swarm secret for api.one's TOKEN"

# A task container of SERVICE on node N: its id there.
task_container() { node "$1" ps -q --filter "label=com.docker.swarm.service.name=$PROJECT-$2" | head -1; }
n_of() { sed 's/swarm-node//' <<<"$1"; }
api_node=$(n_of "$(running api-one | awk '{print $1}')")
api=$(task_container "$api_node" api-one)
[ "$(node "$api_node" exec "$api" cat /run/secrets/TOKEN)" = "$TOKEN" ] || fail "api.one's /run/secrets/TOKEN is not the secret"
[ "$(node "$api_node" exec "$api" sh -c 'echo $WEB_CONTAINER_IP')" = "$PROJECT-web-one" ] || fail "WEB_CONTAINER_IP is not web.one's service name"
# Across nodes by name: a client task on one node reaches a web task on another.
pair=""
for s in api-one api-two worker-one worker-two; do
  c=$(n_of "$(running $s | awk '{print $1}' | head -1)")
  for w in $(running web-one | awk '{print $1}'); do
    [ "$(n_of "$w")" != "$c" ] && { pair="$s $c $(n_of "$w")"; break 2; }
  done
done
[ -n "$pair" ] || fail "no client task on another node than a web task"
read -r client cn wn <<<"$pair"
cid=$(task_container "$cn" "$client")
web=$(task_container "$wn" web-one)
web_ip=$(node "$wn" inspect -f "{{(index .NetworkSettings.Networks \"$PROJECT\").IPAddress}}" "$web")
node "$cn" exec "$cid" nslookup "$PROJECT-web-one" | grep_all "Address.*$web_ip" \
  || fail "$client on swarm-node$cn does not resolve $PROJECT-web-one to the task on swarm-node$wn ($web_ip)"
node "$cn" exec "$cid" sh -c "echo | nc -w 5 $web_ip 8080" | grep_all hello-from-web \
  || fail "$client on swarm-node$cn does not reach web.one on swarm-node$wn"
node "$cn" exec "$cid" sh -c "echo | nc -w 5 $PROJECT-web-one 8080" | grep_all hello-from-web \
  || fail "$client does not reach web.one by its service name"

# A second plan: nothing to do. --target with an instance is still the instance.
sw "$BIN" plan --file "$DIR" --detailed-exitcode >"$DIR/plan.log" 2>&1 || { cat "$DIR/plan.log"; fail "the plan after apply is not empty"; }
sw "$BIN" plan --file "$DIR" --target web.one --detailed-exitcode >"$DIR/plan.log" 2>&1 || { cat "$DIR/plan.log"; fail "plan --target web.one"; }

# exec and logs --follow reach tasks through their nodes' engines, which the
# host file's [nodes] names (scripts/swarm.sh nodes prints it).
out=$(sw "$BIN" exec --file "$DIR" api.one hostname 2>&1) && fail "exec without [nodes] in the host file worked: $out"
grep -q "service $PROJECT-api-one: exec reaches a task through the engine of the node it runs on: its task 1 runs on node swarm-node[0-9], which \[nodes\] of dockerops.host.toml does not name" <<<"$out" \
  || fail "exec without [nodes]: $out"
"$SRC/scripts/swarm.sh" nodes >"$DIR/dockerops.host.toml"
[ "$(sw "$BIN" exec --file "$DIR" api.one cat /run/secrets/TOKEN)" = "$TOKEN" ] || fail "exec api.one through its node's engine"
# web.one's nc prints what a client sends: the first mark may come from the
# log's start, the second is sent only after the first was shown, so it can
# only come from the followed stream.
DOCKER_HOST=$MANAGER "$BIN" logs --file "$DIR" -f web.one >"$DIR/follow.log" 2>&1 &
follow=$!
shown() {   # shown MARK: the followed log has MARK, prefixed by a web task and its node
  for _ in $(seq 1 300); do
    grep -qE "^$PROJECT-web-one\.[1-3]@swarm-node[1-3] \| $1\$" "$DIR/follow.log" && return 0
    kill -0 "$follow" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}
follow_evidence() {   # MARK: where the mark is besides the followed stream (seen once in four runs: the stream lacked it)
  echo "--- web.one's tasks, and MARK in each task container's own log on its node's engine:"
  sw docker service ps --no-trunc --format '{{.Name}} {{.Node}} {{.CurrentState}}' "$PROJECT-web-one" || true
  local n
  for n in 1 2 3; do
    node "$n" ps -q --filter "label=com.docker.swarm.service.name=$PROJECT-web-one" | while read -r c; do
      echo "node$n $c: $(node "$n" logs "$c" 2>&1 | grep -c "$1") line(s) with $1"
    done
  done
  echo "--- docker service logs (not followed) with $1: $(sw docker service logs "$PROJECT-web-one" 2>&1 | grep -c "$1")"
}
for mark in "first-$$" "second-$$"; do
  sw "$BIN" exec --file "$DIR" api.one sh -c "echo $mark | nc -w 5 $PROJECT-web-one 8080" | grep_all hello-from-web \
    || fail "api.one (through exec) does not reach web.one"
  shown "$mark" || { cat "$DIR/follow.log"; follow_evidence "$mark"; fail "logs -f web.one did not show $mark"; }
done
kill "$follow" && wait "$follow" 2>/dev/null || true

# An env change: one rolling update of api.one; the other services' tasks stay.
snapshot() { for s in web-one api-two worker-one worker-two; do running $s | awk '{print $2}' | sort; done; }
before=$(snapshot)
write_swarm_project b
out=$(sw "$BIN" plan --file "$DIR" 2>&1)
[ "$(grep -c '^update ' <<<"$out")" = 1 ] && grep -q '^update   api.one: env MODE "a" → "b"; rolls 2 at a time, 1s apart, on failure pause$' <<<"$out" \
  && [ "$(grep -cE '^(create|replace|remove|start) ' <<<"$out")" = 0 ] || fail "the env change is not one update of api.one: $out"
sw "$BIN" apply --file "$DIR" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of the env change"; }
[ "$(snapshot)" = "$before" ] || fail "the other services' tasks changed with api.one's env"
sw docker service inspect -f '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' "$PROJECT-api-one" | grep_all '"MODE=b"' || fail "api.one's spec has no MODE=b"
[ "$(sw docker service inspect -f '{{.UpdateStatus.State}}' "$PROJECT-api-one")" = completed ] || fail "api.one's rolling update did not complete"
# It rolled as its update key says.
rolled=$(sw docker service inspect -f '{{.Spec.UpdateConfig.Parallelism}} {{.Spec.UpdateConfig.Delay}} {{.Spec.UpdateConfig.FailureAction}}' "$PROJECT-api-one")
[ "$rolled" = "2 1s pause" ] || fail "api.one's UpdateConfig is '$rolled', not '2 1s pause'"

# A new secret value: a new Swarm secret, the old one gone once no task uses it.
export TOKEN="tok-$$-rotated"
sw "$BIN" apply --file "$DIR" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of a new secret value"; }
grep -q "^update   api.one: secret_file TOKEN changed (sensitive); rolls 2 at a time, 1s apart, on failure pause$" "$DIR/apply.log" || fail "the new secret value is not one update: $(cat "$DIR/apply.log")"
[ "$(sw docker secret ls -q --filter "label=io.dockerops.project=$PROJECT" | wc -l)" = 1 ] || fail "the old secret was left: $(sw docker secret ls)"
api_node=$(n_of "$(running api-one | awk '{print $1}')")
[ "$(node "$api_node" exec "$(task_container "$api_node" api-one)" cat /run/secrets/TOKEN)" = "$TOKEN" ] || fail "api.one does not see the new secret"

# A node dies (its dockerd and its tasks, SIGKILL): the plan reports drift,
# apply converges on the remaining nodes. The node with most of the project's
# tasks other than the manager's is killed.
victim=$(for s in web-one api-one api-two worker-one; do running $s; done | awk '$1 != "swarm-node1" {print $1}' | sort | uniq -c | sort -rn | awk 'NR==1 {print $2}')
[ -n "$victim" ] || fail "no task outside the manager's node"
"$SRC/scripts/swarm.sh" kill "$(n_of "$victim")" >/dev/null 2>&1 || fail "kill $victim"
drift=""
for _ in $(seq 1 300); do
  set +e; out=$(sw "$BIN" plan --file "$DIR" --detailed-exitcode 2>&1); rc=$?; set -e
  [ "$rc" = 2 ] && { drift=$out; break; }
  [ "$rc" = 0 ] || fail "plan after the node died (exit $rc): $out"
  sleep 0.1
done
[ -n "$drift" ] || fail "no drift reported within 30 s of $victim's death"
grep -qE '^update   [a-z]+\.[a-z]+: [0-9]+ of [0-9]+ tasks running' <<<"$drift" || fail "the drift names no service short of tasks: $drift"
sw "$BIN" apply --file "$DIR" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply after the node died"; }
sw "$BIN" plan --file "$DIR" --detailed-exitcode >"$DIR/plan.log" 2>&1 || { cat "$DIR/plan.log"; fail "not converged after apply"; }
for s in web-one api-one api-two worker-one worker-two; do
  want=$([ $s = web-one ] && echo 3 || echo 1)
  [ "$(running $s | awk -v v="$victim" '$1 != v' | wc -l)" -ge "$want" ] || fail "$s is not back on the remaining nodes: $(running $s)"
done

# A service no longer declared is removed, and nothing else.
write_swarm_project b no
out=$(sw "$BIN" plan --file "$DIR" 2>&1)
[ "$(grep -cE '^(create|update|remove) ' <<<"$out")" = 1 ] && grep -q '^remove   api.two: not in configuration$' <<<"$out" \
  || fail "api.two left out is not one removal: $out"
sw "$BIN" apply --file "$DIR" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply without api.two"; }
[ "$(sw docker service ls -q --filter "label=io.dockerops.project=$PROJECT" | wc -l)" = 4 ] || fail "api.two's service was not removed"

# destroy: no service, network or secret of the project is left.
sw "$BIN" destroy --file "$DIR" --yes >"$DIR/destroy.log" 2>&1 || { cat "$DIR/destroy.log"; fail "destroy"; }
[ -z "$(sw docker service ls -q --filter "label=io.dockerops.project=$PROJECT")" ] || fail "destroy left services"
[ -z "$(sw docker secret ls -q --filter "label=io.dockerops.project=$PROJECT")" ] || fail "destroy left secrets"
for _ in $(seq 1 40); do
  [ -z "$(sw docker network ls -q --filter "label=io.dockerops.project=$PROJECT")" ] && break; sleep 0.25
done
[ -z "$(sw docker network ls -q --filter "label=io.dockerops.project=$PROJECT")" ] || fail "destroy left the overlay network"

# The smallest project a user writes, with nothing swarm-specific but target
# and registry: two instances of one container. Their type's default log
# folder is a host folder nobody wrote: left out, with one note. It applies,
# a second plan is empty, destroy leaves nothing.
mkdir -p "$DIR/small/containers/app"
printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "100000"]\n' >"$DIR/small/containers/app/Dockerfile"
cat >"$DIR/small/dockerops.toml" <<TOML
[project]
name = "$PROJECT-small"
target = "swarm"
registry = "$REGISTRY"
[containers.app]

[[instances]]
container = "app"
name = "one"

[[instances]]
container = "app"
name = "two"
TOML
out=$(sw "$BIN" apply --file "$DIR/small" --yes 2>&1) || fail "apply of the smallest project: $out"
grep -q "(persistent_log) is left out for app.one, app.two" <<<"$out" || fail "no note of the log folder left out: $out"
# Both instances are made at once from one image: it is pushed once (two
# pushes of one repository at once were answered 500 by the registry).
pushes=$(grep -c "PUT /v2/$PROJECT-small/app/manifests/" "$SW/registry.log" || true)
[ "$pushes" = 1 ] || fail "the smallest project's image was pushed $pushes times: $(grep "$PROJECT-small/app/manifests" "$SW/registry.log")"
for s in small-app-one small-app-two; do
  [ "$(running $s | wc -l)" = 1 ] || fail "$s does not run one task after apply: $(running $s)"
done
[ ! -e "$DIR/small/data" ] || fail "a host folder was made for the smallest project: $(find "$DIR/small/data")"
sw "$BIN" plan --file "$DIR/small" --detailed-exitcode >"$DIR/plan.log" 2>&1 || { cat "$DIR/plan.log"; fail "the smallest project's second plan is not empty"; }
sw "$BIN" destroy --file "$DIR/small" --yes >"$DIR/destroy.log" 2>&1 || { cat "$DIR/destroy.log"; fail "destroy of the smallest project"; }
[ -z "$(sw docker service ls -q --filter "label=io.dockerops.project=$PROJECT-small")" ] || fail "destroy left the smallest project's services"

# A compose file on the swarm: x-dockerops names the target, DOCKEROPS_REGISTRY
# the registry; deploy's replicas, limits, update_config, rollback_config and
# placement are the service's; a file secret and a file config are a Swarm
# secret and config (as stack deploy makes them), a new content a new config.
mkdir -p "$DIR/compose/app"
printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "100000"]\n' >"$DIR/compose/app/Dockerfile"
printf 'pw-%s\n' "$$" >"$DIR/compose/db_password.txt"
printf 'level = 1\n' >"$DIR/compose/app.conf"
cat >"$DIR/compose/compose.yaml" <<YAML
name: $PROJECT-compose
x-dockerops:
  target: swarm
services:
  app:
    build: ./app
    deploy:
      replicas: 2
      resources:
        limits:
          memory: 64m
      update_config:
        parallelism: 2
        order: stop-first
      rollback_config:
        parallelism: 0
        failure_action: continue
      placement:
        constraints: [node.hostname == swarm-node1]
    secrets: [db_password]
    configs: [{source: app_conf, target: /etc/app.conf}]
secrets:
  db_password:
    file: ./db_password.txt
configs:
  app_conf:
    file: ./app.conf
YAML
out=$(DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" apply --file "$DIR/compose/compose.yaml" --yes 2>&1) || fail "apply of the compose file: $out"
[ "$(running compose-app-1 | wc -l)" = 2 ] || fail "the compose service does not run 2 tasks: $(running compose-app-1)"
[ "$(running compose-app-1 | awk '{print $1}' | sort -u)" = swarm-node1 ] || fail "the compose service's tasks are not all on swarm-node1: $(running compose-app-1)"
facts=$(sw docker service inspect -f '{{.Spec.TaskTemplate.Resources.Limits.MemoryBytes}} {{.Spec.UpdateConfig.Parallelism}} {{.Spec.UpdateConfig.Order}} {{.Spec.RollbackConfig.Parallelism}} {{.Spec.RollbackConfig.Order}} {{.Spec.RollbackConfig.FailureAction}}' "$PROJECT-compose-app-1")
[ "$facts" = "67108864 2 stop-first 0 stop-first continue" ] || fail "the compose service's limits, update_config and rollback_config: '$facts'"
[ -z "$(sw docker service inspect -f '{{range .Spec.TaskTemplate.ContainerSpec.Mounts}}{{.Source}} {{end}}' "$PROJECT-compose-app-1")" ] ||
  fail "the compose service bind-mounts its secret or config: $(sw docker service inspect -f '{{json .Spec.TaskTemplate.ContainerSpec.Mounts}}' "$PROJECT-compose-app-1")"
task_files() {   # what each running task of the compose service reads (its tasks are on swarm-node1)
  for c in $(node 1 ps -q --filter "label=com.docker.swarm.service.name=$PROJECT-compose-app-1"); do
    node 1 exec "$c" cat /run/secrets/db_password /etc/app.conf | tr '\n' ' '; echo
  done
}
[ "$(task_files | sort -u)" = "pw-$$ level = 1 " ] || fail "the tasks do not read the secret and the config: $(task_files)"
DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" plan --file "$DIR/compose/compose.yaml" --detailed-exitcode >"$DIR/plan.log" 2>&1 ||
  { cat "$DIR/plan.log"; fail "the compose file's second plan is not empty"; }
printf 'level = 2\n' >"$DIR/compose/app.conf"
out=$(DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" apply --file "$DIR/compose/compose.yaml" --yes 2>&1) || fail "apply of a new config: $out"
grep -q 'mount /etc/app.conf "config /' <<<"$out" || fail "the new config's content is not the cause: $out"
[ "$(task_files | sort -u)" = "pw-$$ level = 2 " ] || fail "the tasks do not read the new config: $(task_files)"
[ "$(sw docker config ls -q --filter "label=io.dockerops.project=$PROJECT-compose" | wc -l)" = 1 ] ||
  fail "the old config was kept: $(sw docker config ls --filter "label=io.dockerops.project=$PROJECT-compose")"
DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" destroy --file "$DIR/compose/compose.yaml" --yes >"$DIR/destroy.log" 2>&1 ||
  { cat "$DIR/destroy.log"; fail "destroy of the compose project"; }
[ -z "$(sw docker service ls -q --filter "label=io.dockerops.project=$PROJECT-compose")" ] || fail "destroy left the compose project's services"
[ -z "$(sw docker secret ls -q --filter "label=io.dockerops.project=$PROJECT-compose")$(sw docker config ls -q --filter "label=io.dockerops.project=$PROJECT-compose")" ] ||
  fail "destroy left the compose project's secrets or configs"

# deploy.mode global: one task on every node that is up ($victim is down);
# to mode replicated is a replace (Swarm cannot change a service's mode), then
# a second plan is empty.
mkdir -p "$DIR/global"
write_global() {   # DEPLOY (a YAML flow mapping)
  cat >"$DIR/global/compose.yaml" <<YAML
name: $PROJECT-global
x-dockerops:
  target: swarm
services:
  agent:
    image: dockerops/busybox:latest
    command: ["sleep", "100000"]
    stop_grace_period: 1s
    deploy: $1
YAML
}
write_global "{mode: global}"
ready_nodes=$(sw docker node ls --format '{{.Status}}' | grep -c Ready)
DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" apply --file "$DIR/global/compose.yaml" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of mode global"; }
[ "$(sw docker service inspect -f '{{if .Spec.Mode.Global}}global{{end}}' "$PROJECT-global-agent-1")" = global ] || fail "the service is not in mode global"
[ "$(running global-agent-1 | awk '{print $1}' | sort -u | wc -l)" = "$ready_nodes" ] \
  || fail "mode global does not run a task on each of the $ready_nodes nodes that are up: $(running global-agent-1)"
DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" plan --file "$DIR/global/compose.yaml" --detailed-exitcode >"$DIR/plan.log" 2>&1 ||
  { cat "$DIR/plan.log"; fail "mode global's second plan is not empty"; }
write_global "{replicas: 1}"
out=$(DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" plan --file "$DIR/global/compose.yaml" 2>&1)
grep -q "^replace  agent.1: .*mode removed (was \"global\"); a service's mode cannot change in place: it is removed, then made again$" <<<"$out" \
  || fail "mode global to replicated is not one replace: $out"
DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" apply --file "$DIR/global/compose.yaml" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of mode replicated"; }
[ "$(sw docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$PROJECT-global-agent-1")" = 1 ] || fail "the service is not replicated once"
[ "$(running global-agent-1 | wc -l)" = 1 ] || fail "mode replicated does not run 1 task: $(running global-agent-1)"
DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" plan --file "$DIR/global/compose.yaml" --detailed-exitcode >"$DIR/plan.log" 2>&1 ||
  { cat "$DIR/plan.log"; fail "mode replicated's second plan is not empty"; }
DOCKEROPS_REGISTRY=$REGISTRY sw "$BIN" destroy --file "$DIR/global/compose.yaml" --yes >"$DIR/destroy.log" 2>&1 || { cat "$DIR/destroy.log"; fail "destroy of the global project"; }

# A node's dockerd killed in the middle of a rolling update: the update of a
# service pinned to that node fails, naming the service and the node that is
# down; once the node is back, the next apply converges. The update's 10 s
# delay between its two tasks keeps it "updating" for at least that long, so
# the kill lands inside it however slow the machine.
# The node is one of the workers still up ($victim died above).
pin=$([ "$victim" = swarm-node2 ] && echo swarm-node3 || echo swarm-node2)
mkdir -p "$DIR/pin/containers/pin"
printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "100000"]\n' >"$DIR/pin/containers/pin/Dockerfile"
write_pin() {   # VALUE [READY_TIMEOUT]
  cat >"$DIR/pin/dockerops.toml" <<TOML
[project]
name = "$PROJECT-pin"
target = "swarm"
registry = "$REGISTRY"
[containers.pin]
stop_grace_period = "1s"
[[instances]]
container = "pin"
name = "one"
replicas = 2
node = "$pin"
env = { V = "$1" }
update = { parallelism = 1, delay = "10s" }
${2:+ready_timeout = \"$2\"}
TOML
}
write_pin 1
sw "$BIN" apply --file "$DIR/pin" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply of the pinned service"; }
write_pin 2 8s
DOCKER_HOST=$MANAGER "$BIN" apply --file "$DIR/pin" --yes >"$DIR/apply.log" 2>&1 &
applying=$!
state=""
for _ in $(seq 1 300); do
  state=$(sw docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$PROJECT-pin-pin-one")
  [ "$state" = updating ] && break
  kill -0 "$applying" 2>/dev/null || break
  sleep 0.1
done
[ "$state" = updating ] || { cat "$DIR/apply.log"; fail "the pinned service's update did not start (state '$state')"; }
"$SRC/scripts/swarm.sh" kill "$(n_of "$pin")" >/dev/null 2>&1 || fail "kill $pin"
rc=0; wait "$applying" || rc=$?
[ "$rc" = 1 ] || { cat "$DIR/apply.log"; fail "apply while $pin died exited $rc, not 1"; }
grep -qE "^update pin.one: failed: service $PROJECT-pin-pin-one: not ready in time: .*$pin" "$DIR/apply.log" \
  || { cat "$DIR/apply.log"; fail "the failed update does not name the service and the node that is down"; }
"$SRC/scripts/swarm.sh" start "$(n_of "$pin")" >/dev/null 2>&1 || fail "start $pin again"
for _ in $(seq 1 120); do
  sw docker node ls --format '{{.Hostname}} {{.Status}}' | grep_all -x "$pin Ready" && break; sleep 0.25
done
write_pin 2
sw "$BIN" apply --file "$DIR/pin" --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply once $pin is back"; }
sw "$BIN" plan --file "$DIR/pin" --detailed-exitcode >"$DIR/plan.log" 2>&1 || { cat "$DIR/plan.log"; fail "not converged once $pin is back"; }
[ "$(running pin-pin-one | awk '{print $1}' | sort | uniq -c | awk '{print $1, $2}')" = "2 $pin" ] \
  || fail "the pinned service does not run 2 tasks on $pin: $(running pin-pin-one)"
sw "$BIN" destroy --file "$DIR/pin" --yes >"$DIR/destroy.log" 2>&1 || { cat "$DIR/destroy.log"; fail "destroy of the pinned project"; }

# Down: the host's dockerd is the one that was there, and answers.
"$SRC/scripts/swarm.sh" down >/dev/null 2>&1 || fail "scripts/swarm.sh down"
[ "$(cat /var/run/docker.pid)" = "$host_dockerd" ] && DOCKER_HOST= docker info >/dev/null 2>&1 || fail "the host's dockerd changed"
[ -z "$(ip netns list | grep -E '^(sw[0-9]|dopsw-hub)\b' || true)" ] || fail "swarm.sh down left network namespaces"
pass
