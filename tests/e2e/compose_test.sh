#!/usr/bin/env bash
# Compose at home (issue #21) on the real dockerd.
#   compose_test.sh BIN compare   one compose project (5 services built from
#       local contexts, two networks, a healthy chain, a one-shot job, a named
#       volume, a secret from a file, a .env) brought up by Debian's
#       docker-compose 1.29 and by dockerops from the same file, compared by
#       docker inspect facts; then an edit planned as exactly that change.
#   compose_test.sh BIN corpus CORPUS_DIR   every compose file of the corpus
#       plans (images not on the engine are planned as pulls), naming each of
#       its services, at 90 % or more; each refusal names the key at FILE:LINE.
BIN=$1 CASE=$2
. "$(dirname "$0")/lib.sh"

write_compose_project() {
  command -v docker-compose >/dev/null || fail "docker-compose is not installed (scripts/setup.sh installs it)"
  for c in app db job; do mkdir -p "$DIR/$c"; done
  printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$DIR/app/Dockerfile"
  printf 'FROM dockerops/busybox:latest\nENV ROLE=db\n' >"$DIR/db/Dockerfile"
  printf 'FROM dockerops/busybox:latest\nENV ROLE=job\n' >"$DIR/job/Dockerfile"
  printf 't0k3n\n' >"$DIR/api_token.txt"
  printf 'COMPOSE_PROJECT_NAME=%s\nLEVEL=debug\nWEB_PORT=%s\n' "$PROJECT" "$(free_port)" >"$DIR/.env"
  cat >"$DIR/compose.yaml" <<'YAML'
x-restart: &restart
  restart: unless-stopped
  stop_grace_period: 1s
services:
  db:
    <<: *restart
    build: ./db
    command: ["sh", "-c", "touch /data/ready && exec sleep 3600"]
    volumes:
      - dbdata:/data
    healthcheck:
      test: ["CMD-SHELL", "test -f /data/ready"]
      interval: 1s
      timeout: 2s
      retries: 30
    networks: [back]
    mem_limit: 64m
  migrate:
    build: ./job
    command: ["sh", "-c", "echo migrated"]
    depends_on:
      db: {condition: service_healthy}
    networks: [back]
  api:
    build: ./app
    command: ["sh", "-c", "touch /tmp/up && exec sleep 3600"]
    stop_grace_period: 1s
    environment:
      DB_HOST: db
      API_TOKEN_FILE: /run/secrets/api_token
      LEVEL: ${LEVEL:-info}
    secrets: [api_token]
    depends_on:
      migrate: {condition: service_completed_successfully}
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/up"]
      interval: 1s
      retries: 30
    networks:
      back: {}
      front:
        aliases: [backend]
    cpus: 0.5
    restart: on-failure:3
  web:
    build: ./app
    command: httpd -f -p 80
    ports: ["127.0.0.1:${WEB_PORT}:80"]
    depends_on:
      api: {condition: service_healthy}
    networks: [front]
  worker:
    <<: *restart
    build: ./app
    environment: [QUEUE=jobs]
    networks: [back]
    mem_limit: 32m
networks:
  front: {}
  back: {}
volumes:
  dbdata: {}
secrets:
  api_token:
    file: ./api_token.txt
YAML
}

compare() {
  COMPOSE_P="${PROJECT}-compose"
  write_compose_project
  # The facts of each service's container, with the project's own prefixes taken out.
  facts() {   # facts PROJECT LABEL_PROJECT LABEL_SERVICE > json
    python3 - "$@" <<'PY'
import json, subprocess, sys
project, lp, ls = sys.argv[1:4]
ids = subprocess.run(["docker", "ps", "-aq", "--filter", f"label={lp}={project}"], capture_output=True, text=True, check=True).stdout.split()
out = {}
reserved = {"CONTAINER", "INSTANCE", "INSTANCE_TYPE", "PERSISTENT_DATA", "PERSISTENT_LOG", "PERSISTENT_OPT", "SAFEMODE"}
def net(n):
    for sep in ("_", "-"):
        if n.startswith(project + sep): return n[len(project) + 1:]
    return "default" if n == project else n
for c in json.loads(subprocess.run(["docker", "inspect"] + ids, capture_output=True, text=True, check=True).stdout):
    if c["Name"].endswith("-dockerops-home"): continue   # where the project was applied from: no service
    svc = c["Config"]["Labels"][ls]
    env = dict(e.split("=", 1) for e in c["Config"]["Env"])
    hc = c["HostConfig"]
    out[svc] = {
        "ports": {k: sorted((b["HostIp"], b["HostPort"]) for b in v) for k, v in (hc.get("PortBindings") or {}).items()},
        "env": {k: v for k, v in env.items() if k not in reserved and not k.endswith("_CONTAINER_IP")},
        "mounts": sorted((m["Type"], net(m.get("Name") or m["Source"]) if m["Type"] == "volume" else m["Source"], m["Destination"], m["RW"]) for m in c["Mounts"]),
        "networks": sorted(net(n) for n in c["NetworkSettings"]["Networks"]),
        "aliases": {net(n): sorted(set(e.get("Aliases") or []) & {svc, "backend"}) for n, e in c["NetworkSettings"]["Networks"].items()},
        "health": c["Config"].get("Healthcheck"),
        "restart": [hc["RestartPolicy"]["Name"] or "no", hc["RestartPolicy"]["MaximumRetryCount"]],
        "memory": hc["Memory"], "nano_cpus": hc["NanoCpus"],
        "exit": c["State"]["ExitCode"] if not c["State"]["Running"] else None,
    }
print(json.dumps(out, indent=1, sort_keys=True))
PY
  }
  compose_down() { (cd "$DIR" && docker-compose -p "$COMPOSE_P" down -v --rmi local >/dev/null 2>&1) || true; }
  trap 'compose_down; cleanup' EXIT
  (cd "$DIR" && docker-compose -p "$COMPOSE_P" up -d >"$DIR/compose.log" 2>&1) || { cat "$DIR/compose.log"; fail "docker-compose up"; }
  facts "$COMPOSE_P" com.docker.compose.project com.docker.compose.service >"$DIR/compose.json"
  compose_down
  dops apply --yes >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "dockerops apply of the compose file"; }
  facts "$PROJECT" io.dockerops.project io.dockerops.container >"$DIR/dockerops.json"
  [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$DIR/dockerops.json")" = 5 ] || fail "dockerops made no 5 containers: $(cat "$DIR/dockerops.json")"
  diff -u "$DIR/compose.json" "$DIR/dockerops.json" || fail "docker inspect facts differ (compose -, dockerops +)"
  out=$(dops plan --detailed-exitcode) || fail "a second plan is not 'No changes.': $out"
  # import writes the same project as dockerops.toml: planned under the same name, nothing changes.
  "$BIN" import "$DIR/compose.yaml" -o "$DIR/imported.toml" >"$DIR/import.log" 2>&1 || { cat "$DIR/import.log"; fail "import"; }
  grep -qF '"LEVEL" = "${LEVEL:-info}"' "$DIR/imported.toml" || fail "import did not keep the variable as written: $(cat "$DIR/imported.toml")"
  out=$("$BIN" plan -f "$DIR/imported.toml" -p "$PROJECT" --detailed-exitcode) || fail "the imported file plans changes: $out"
  # An edit plans exactly that service, old -> new.
  sed -i 's/mem_limit: 32m/mem_limit: 48m/' "$DIR/compose.yaml"
  set +e
  out=$(dops plan --detailed-exitcode); rc=$?
  set -e
  [ "$rc" = 2 ] || fail "the edit: plan gave $rc: $out"
  actions=$(grep -E '^(build|pull|network|create|replace|start|remove|wait) ' <<<"$out")
  [ "$actions" = "replace  worker.1: memory 32 MiB → 48 MiB" ] || fail "the edit's plan is not exactly the worker's memory: $out"
  pass
}

corpus() {
  local root=$1 total=0 planned=0 f out rc
  while IFS= read -r f; do
    total=$((total + 1))
    set +e
    out=$("$BIN" plan -f "$f" -p "e2e-corpus-$$" 2>&1); rc=$?
    set -e
    # The engine is shared: a host port the file publishes may be held by
    # another test's container at that moment (pihole's 53 by the seed's
    # DNS). The plan is then made and shown, with the conflict: the file
    # planned. Any other failure is judged as a refusal.
    if [ "$rc" != 0 ] && grep -qE '^Plan: ' <<<"$out" && grep -qE '^conflict  .*which dockerops did not create' <<<"$out"; then
      grep -E '^conflict  ' <<<"$out" | sed 's/^/planned, in the way on the shared engine: /'
      rc=0
    fi
    if [ "$rc" = 0 ]; then
      # Every service not held back by a profile is named in the plan.
      for s in $(python3 - "$f" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
print(" ".join(n for n, s in (doc.get("services") or {}).items() if not (s or {}).get("profiles")))
PY
); do
        grep -qE "^create +$s\.[0-9]+:" <<<"$out" || fail "$f plans but does not name service $s: $out"
      done
      planned=$((planned + 1))
    else
      # A refusal names the compose key at FILE:LINE.
      grep -qE "^${f//./\\.}:[0-9]+:[0-9]+: " <<<"$out" || fail "$f is refused without its FILE:LINE: $out"
      echo "refused: $(grep -E "^${f//./\\.}:[0-9]+" <<<"$out" | grep -v warning | head -1)"
    fi
  done < <(find "$root" -regextype egrep -regex '.*/((docker-)?compose[^/]*)\.ya?ml' | sort)
  echo "corpus: $planned of $total compose files plan"
  [ "$total" -ge 40 ] || fail "the corpus has $total files"
  [ $((planned * 100)) -ge $((total * 90)) ] || fail "only $planned of $total plan (90 % wanted)"
  pass
}

# A project docker-compose brought up under the same name: plan says each of
# its containers is in the way and how to adopt it; apply --adopt replaces
# them with dockerops's own, and the named volume's data is still there.
adopt() {
  COMPOSE_P=$PROJECT
  write_compose_project
  # The named volume is docker-compose's (adoption keeps it): the test made it, the test removes it.
  FOREIGN_VOLUMES+=("${PROJECT}_dbdata")
  trap '(cd "$DIR" && docker-compose -p "$COMPOSE_P" down --rmi local >/dev/null 2>&1) || true; cleanup' EXIT
  (cd "$DIR" && docker-compose up -d >"$DIR/compose.log" 2>&1) || { cat "$DIR/compose.log"; fail "docker-compose up"; }
  docker exec "${PROJECT}_db_1" sh -c 'echo kept >/data/mark' || fail "writing into compose's volume"
  set +e
  out=$(dops plan); rc=$?
  set -e
  [ "$rc" = 1 ] || fail "a plan over docker-compose's containers gave $rc: $out"
  for svc in db migrate api web worker; do
    grep -q "container ${PROJECT}_${svc}_1 was made by docker-compose for this project (service $svc): 'apply --adopt'" <<<"$out" ||
      fail "the plan does not name compose's $svc: $out"
  done
  out=$(dops plan --adopt) || fail "plan --adopt: $out"
  [ "$(grep -c '^adopt ' <<<"$out")" = 5 ] || fail "plan --adopt does not adopt 5 containers: $out"
  grep -q '^Plan: 5 to adopt, ' <<<"$out" || fail "the summary does not count adoptions: $out"
  dops apply --yes --adopt >"$DIR/apply.log" 2>&1 || { cat "$DIR/apply.log"; fail "apply --adopt"; }
  [ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ] || fail "compose's containers are still there"
  [ "$(docker exec "$PROJECT-db-1" cat /data/mark)" = kept ] || fail "the named volume's data was not kept"
  out=$(dops plan --detailed-exitcode) || fail "after adoption: $out"
  pass
}

case "$CASE" in
compare) compare ;;
adopt) adopt ;;
corpus) corpus "$3" ;;
*) fail "unknown case $CASE" ;;
esac
