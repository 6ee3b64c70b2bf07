#!/usr/bin/env bash
# End-to-end tests of what makes dockerops safe next to anything else, on the
# real dockerd: ownership that an image cannot pass on, conflicts named at
# plan time, explicit ports, secrets kept out of every output, clean-up that
# removes only what is the project's, kill-safety and the lock, validation.
#   trust_test.sh BIN CASE
BIN=$1 CASE=$2
. "$(dirname "$0")/lib.sh"

lock_held() { docker container inspect "$PROJECT-dockerops-lock" >/dev/null 2>&1; }
# One busybox container "app" with one instance app.one, and KEYS for it.
write_app_one() {
  mkdir -p "$DIR/containers/app"
  printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$DIR/containers/app/Dockerfile"
  printf '[project]\nname = "%s"\n[containers.app]\n[[instances]]\ncontainer = "app"\nname = "one"\n%s\n' "$PROJECT" "$1" \
    >"$DIR/dockerops.toml"
}

case "$CASE" in
ownership)
  write_project
  dops apply --yes >/dev/null || fail "apply"
  # A container of the user's own from an image dockerops built: it inherits
  # the image's labels, and must still not be taken for one of ours.
  FOREIGN+=("$PROJECT-debug-shell" "$PROJECT-other-tool")
  docker run -d --name "$PROJECT-debug-shell" "$PROJECT/app" sleep 1000 >/dev/null
  # Another tool's container, built FROM a dockerops image (as compose would).
  mkdir -p "$DIR/other"
  printf 'FROM %s/app\nLABEL io.dockerops.project=%s\n' "$PROJECT" "$PROJECT" >"$DIR/other/Dockerfile"
  docker build -q -t "$PROJECT-other:latest" "$DIR/other" >/dev/null
  docker run -d --name "$PROJECT-other-tool" "$PROJECT-other:latest" sleep 1000 >/dev/null
  out=$(dops plan --detailed-exitcode) || fail "plan sees a change (exit $?): $out"
  [ "$out" = "No changes." ] || fail "plan: $out"
  dops ps --all | grep_all "debug-shell\|other-tool" && fail "ps lists a container that is not the project's"
  out=$(dops apply --yes) || fail "apply: $out"
  [ "$out" = "No changes." ] || fail "apply: $out"
  out=$(dops clean all --yes) || fail "clean: $out"
  grep -q "debug-shell\|other-tool" <<<"$out" && fail "clean names a foreign container: $out"
  dops apply --yes >/dev/null || fail "apply after clean"
  out=$(dops destroy --yes) || fail "destroy: $out"
  grep -q "debug-shell\|other-tool" <<<"$out" && fail "destroy names a foreign container: $out"
  for f in "${FOREIGN[@]}"; do
    [ "$(docker inspect -f '{{.State.Status}}' "$f")" = running ] || fail "$f did not survive"
  done
  [ "$(docker ps -aq --filter "label=io.dockerops.owner" --filter "label=io.dockerops.project=$PROJECT" | wc -l)" = 0 ] ||
    fail "destroy left containers of the project"
  docker rmi "$PROJECT-other:latest" >/dev/null 2>&1 || true
  ;;
name_conflict)
  write_project
  FOREIGN+=("$PROJECT-app-two")
  docker run -d --name "$PROJECT-app-two" dockerops/busybox:latest sleep 1000 >/dev/null
  fid=$(docker inspect -f '{{.Id}}' "$PROJECT-app-two" | cut -c1-12)
  out=$(dops plan 2>&1) && fail "plan with a conflict exited 0: $out" || true
  grep -qx "conflict  app.two: the name $PROJECT-app-two is taken by a container dockerops did not create (id $fid)" <<<"$out" ||
    fail "conflict not named: $out"
  out=$(dops apply --yes 2>&1) && fail "apply went ahead with a conflict: $out" || true
  grep -q "apply refuses this plan" <<<"$out" || fail "refusal not said: $out"
  grep -q "Conflict\|409" <<<"$out" && fail "the engine's raw 409 reached the user: $out"
  [ "$(count_containers)" = 0 ] || fail "apply changed something: $(count_containers) labelled containers"
  [ "$(docker inspect -f '{{.State.Status}}' "$PROJECT-app-two")" = running ] || fail "the foreign container was touched"
  ;;
ports)
  p1=$(free_port) p2=$(free_port) p3=$(free_port) pe=$(free_port)
  # A range of three free ports.
  while :; do r=$(( (RANDOM % 20000) + 30000 )); python3 -c "
import socket,sys
for p in range($r,$r+3):
  s=socket.socket(); s.bind(('0.0.0.0',p)); s.close()
  u=socket.socket(type=socket.SOCK_DGRAM); u.bind(('0.0.0.0',p)); u.close()" 2>/dev/null && break; done
  mkdir -p "$DIR/containers/svc" "$DIR/containers/pub"
  printf 'FROM dockerops/busybox:latest\nEXPOSE 22\nEXPOSE 80\nCMD ["sleep", "3600"]\n' >"$DIR/containers/svc/Dockerfile"
  printf 'FROM dockerops/busybox:latest\nEXPOSE %s\nCMD ["sleep", "3600"]\n' "$pe" >"$DIR/containers/pub/Dockerfile"
  cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[containers.svc]
ports = ["127.0.0.1:$p3:80"]
[containers.pub]

[[instances]]
container = "svc"
name = "one"
ports = ["127.0.0.1:$p1:80", "$p2:53/udp", "$r-$((r+2)):9000-9002"]

[[instances]]
container = "svc"
name = "two"

[[instances]]
container = "pub"
name = "one"
publish_ports = true
TOML
  HOST_IP=127.0.0.1 dops apply --yes >"$DIR/apply.log" 2>&1 || fail "apply: $(cat "$DIR/apply.log")"
  got=$(docker port "$PROJECT-svc-one" | sort)
  want=$(printf '%s\n' "53/udp -> 0.0.0.0:$p2" "80/tcp -> 127.0.0.1:$p1" "9000/tcp -> 0.0.0.0:$r" \
           "9001/tcp -> 0.0.0.0:$((r+1))" "9002/tcp -> 0.0.0.0:$((r+2))" | sort)
  # The engine may list the IPv6 twin of an all-addresses binding too.
  got=$(grep -v '\[::\]' <<<"$got")
  [ "$got" = "$want" ] || fail "svc.one publishes $got, not $want"
  # Nothing else: the image's EXPOSE 22 stays closed.
  grep -q '^22/' <<<"$(docker port "$PROJECT-svc-one")" && fail "22 was published"
  # The base container's sshd port is not published, not even on a
  # published instance: what the plan would create says so.
  mkdir -p "$DIR/base"
  cat >"$DIR/base/dockerops.toml" <<TOML
[project]
name = "$PROJECT-base"
[containers.base]
path = "$(cd "$(dirname "$0")/../.." && pwd)/share/containers/dockerops-base"
[[instances]]
container = "base"
name = "published"
TOML
  "$BIN" plan -f "$DIR/base" --json >"$DIR/base.json" || fail "plan of the base container"
  python3 - "$DIR/base.json" <<'PY' || fail "the base container publishes a port: $(cat "$DIR/base.json")"
import json, sys
plan = json.load(open(sys.argv[1]))
specs = [a["container"] for a in plan["actions"] if a.get("container")]
assert specs, "no instance planned"
assert not [p for s in specs for p in s["ports"] if p["publish"]], "published"
PY
  # svc.two takes the container's default ports.
  [ "$(docker port "$PROJECT-svc-two" | grep -v '\[::\]')" = "80/tcp -> 127.0.0.1:$p3" ] ||
    fail "svc.two publishes $(docker port "$PROJECT-svc-two"), not its container's default"
  # EXPOSE-based publishing binds HOST_IP.
  [ "$(docker port "$PROJECT-pub-one" | grep -v '\[::\]')" = "$pe/tcp -> 127.0.0.1:$pe" ] ||
    fail "pub.one publishes $(docker port "$PROJECT-pub-one") (want $pe on HOST_IP 127.0.0.1)"
  # A host port held by a container dockerops did not create: named at plan time.
  hold=$(free_port)
  FOREIGN+=("$PROJECT-holder")
  docker run -d --name "$PROJECT-holder" -p "$hold:80" dockerops/busybox:latest sleep 1000 >/dev/null
  sed -i "s/\"$p2:53\/udp\"/\"$p2:53\/udp\", \"$hold:81\"/" "$DIR/dockerops.toml"
  out=$(HOST_IP=127.0.0.1 dops plan 2>&1) && fail "plan with a taken port exited 0: $out" || true
  grep -q "^conflict  svc.one: host port $hold/tcp is published by container $PROJECT-holder (id " <<<"$out" ||
    fail "port holder not named: $out"
  ;;
secrets)
  secret="pl4nted-$RANDOM-s3cr3t"
  write_app_one 'secret_env = ["DB_PASSWORD"]
secret_files = ["API_TOKEN"]'
  export DB_PASSWORD="$secret" API_TOKEN="$secret-file"
  {
    dops plan
    dops plan --json
    dops plan -o "$DIR/saved.json"
    cat "$DIR/saved.json"
    dops apply --yes --trace-api "$DIR/saved.json"
    docker inspect "$PROJECT-app-one" --format '{{json .Config.Labels}}'
    dops ps --all
    dops graph
    echo 'env = { EXTRA = "x" }' >>"$DIR/dockerops.toml"
    dops apply --yes --json
  } >"$DIR/out.log" 2>&1 || fail "a step failed: $(tail -5 "$DIR/out.log")"
  docker exec "$PROJECT-app-one" sh -c 'echo "$DB_PASSWORD"' | grep_all -x "$secret" || fail "the instance did not get the secret"
  docker exec "$PROJECT-app-one" cat /run/secrets/API_TOKEN | grep_all -x "$secret-file" || fail "the secret file is not mounted"
  docker exec "$PROJECT-app-one" sh -c 'echo x > /run/secrets/API_TOKEN' 2>/dev/null && fail "the secret file is writable"
  # A NUL in a secret (the host file can say \u0000): runc would refuse it with
  # a message quoting the whole value; it is refused at its position before
  # anything reaches the engine, and the message does not carry the value.
  printf '[env]\nDB_PASSWORD = "%s\\u0000tail"\n' "$secret" >"$DIR/dockerops.host.toml"
  out=$(env -u DB_PASSWORD "$BIN" apply -f "$DIR" --yes 2>&1) && fail "a NUL in a variable started: $out" || true
  grep -q "dockerops.host.toml:2:15: the value of 'DB_PASSWORD' in \[env\] of the host file holds a control character (0x00)" <<<"$out" ||
    fail "the NUL is not refused at its position: $out"
  printf '%s\n' "$out" >>"$DIR/out.log"
  rm "$DIR/dockerops.host.toml"
  # An error that carries the value: a secret ending in _IP that names no interface.
  sed -i 's/secret_env = \["DB_PASSWORD"\]/secret_env = ["DB_PASSWORD", "PEER_IP"]/' "$DIR/dockerops.toml"
  PEER_IP="from_$secret" dops plan >>"$DIR/out.log" 2>&1 && fail "a missing interface was accepted"
  grep -q "PEER_IP" "$DIR/out.log" || fail "the interface error does not name the variable: $(tail -3 "$DIR/out.log")"
  # The planted value appears nowhere, nor its bare sha256.
  sum=$(printf '%s' "$secret" | sha256sum | cut -c1-64)
  grep -n -e "$secret" -e "$sum" "$DIR/out.log" && fail "the secret leaked (lines above)"
  grep -q "(sensitive)" "$DIR/out.log" || fail "the masked error does not say (sensitive)"
  [ "$(stat -c %a "$DIR/.dockerops/secret-key")" = 600 ] || fail "secret key mode"
  # The secret files go with their instance.
  files=/run/dockerops/secrets/$PROJECT/app_one
  [ -f "$files/API_TOKEN" ] || fail "no secret file at $files"
  [ "$(stat -c %a "$files/API_TOKEN")" = 400 ] || fail "secret file mode $(stat -c %a "$files/API_TOKEN")"
  "$BIN" destroy -f "$DIR" --yes >/dev/null 2>&1 || fail "destroy"
  [ -e "$files" ] && fail "destroy left the secret files in $files"
  ;;
volumes_rmi)
  # An external volume and network: missing, apply stops and says so; made
  # outside the project, they are used as they are, and even destroy
  # --purge-data leaves them.
  write_app_one 'volumes = ["cache:/cache", "media:/media"]
networks = ["default", "front"]'
  printf '[volumes.media]\nexternal = true\nname = "%s-media"\n[networks.front]\nexternal = true\nname = "%s-front"\n' \
    "$PROJECT" "$PROJECT" >>"$DIR/dockerops.toml"
  out=$(dops plan 2>&1) && fail "plan with the external network missing succeeded: $out"
  grep -q "the external network '$PROJECT-front' does not exist" <<<"$out" || fail "the missing external network is not named: $out"
  FOREIGN_NETWORKS+=("$PROJECT-front")
  docker network create "$PROJECT-front" >/dev/null
  out=$(dops apply --yes 2>&1) && fail "apply with the external volume missing succeeded: $out"
  grep -q "the external volume '$PROJECT-media' does not exist" <<<"$out" || fail "the missing external volume is not named: $out"
  docker volume inspect "$PROJECT-media" >/dev/null 2>&1 && fail "apply made the external volume"
  FOREIGN_VOLUMES+=("$PROJECT-media" "$PROJECT-foreign")
  docker volume create "$PROJECT-media" >/dev/null
  docker run --rm -v "$PROJECT-media:/m" dockerops/busybox:latest sh -c 'echo shared > /m/f'
  docker volume create "$PROJECT-foreign" >/dev/null
  dops apply --yes >/dev/null || fail "apply"
  docker exec "$PROJECT-app-one" cat /media/f | grep_all -x shared || fail "the external volume is not mounted"
  [ -n "$(docker inspect -f '{{with index .NetworkSettings.Networks "'"$PROJECT-front"'"}}{{.IPAddress}}{{end}}' "$PROJECT-app-one")" ] ||
    fail "the instance is not on the external network"
  [ "$(docker volume inspect -f '{{index .Labels "io.dockerops.project"}}' "${PROJECT}_cache")" = "$PROJECT" ] ||
    fail "the named volume is not ${PROJECT}_cache, labelled"
  docker exec "$PROJECT-app-one" sh -c 'echo kept > /cache/f'
  # Rebuilt with a change: the old image is left dangling.
  printf 'FROM dockerops/busybox:latest\nRUN echo 2 >/v\nCMD ["sleep", "3600"]\n' >"$DIR/containers/app/Dockerfile"
  dops apply --yes >/dev/null || fail "apply after a change"
  dops destroy --yes >/dev/null || fail "destroy"
  docker volume inspect "${PROJECT}_cache" >/dev/null 2>&1 || fail "destroy without --purge-data removed the volume"
  docker image inspect "$PROJECT/app:latest" >/dev/null 2>&1 || fail "destroy without --rmi removed the image"
  dops apply --yes >/dev/null || fail "apply again"
  docker exec "$PROJECT-app-one" cat /cache/f | grep_all -x kept || fail "the volume's data did not survive destroy"
  out=$(dops destroy --yes --purge-data --rmi) || fail "destroy --purge-data --rmi: $out"
  grep -q "^remove-volume volume ${PROJECT}_cache: --purge-data$" <<<"$out" || fail "volume removal not planned: $out"
  grep -q "^remove-image image $PROJECT/app:latest: --rmi$" <<<"$out" || fail "image removal not planned: $out"
  grep -q "dangling" <<<"$out" || fail "the dangling image of the earlier build is not removed: $out"
  docker volume inspect "${PROJECT}_cache" >/dev/null 2>&1 && fail "--purge-data kept the volume"
  docker image inspect "$PROJECT/app:latest" >/dev/null 2>&1 && fail "--rmi kept the image"
  [ -z "$(docker images -q --filter "label=io.dockerops.image.project=$PROJECT")" ] || fail "--rmi left images"
  docker volume inspect "$PROJECT-foreign" >/dev/null 2>&1 || fail "a foreign volume was removed"
  docker volume inspect "$PROJECT-media" >/dev/null 2>&1 || fail "--purge-data removed the external volume"
  docker network inspect "$PROJECT-front" >/dev/null 2>&1 || fail "destroy removed the external network"
  docker image inspect dockerops/busybox:latest >/dev/null 2>&1 || fail "the parent image was removed"
  docker volume rm "$PROJECT-foreign" "$PROJECT-media" >/dev/null
  docker network rm "$PROJECT-front" >/dev/null
  FOREIGN_VOLUMES=() FOREIGN_NETWORKS=()
  ;;
kill_loop)
  # 12 instances (one with persistent data); 20 rounds, each SIGKILLing a
  # command at a random point: an apply that replaces a third of them, every
  # 5th round after a change of the image (a rebuild), every 4th with a new
  # instance whose persistent folder is seeded from the image, every 6th a
  # destroy instead. One re-apply must converge each time, with no unlock and
  # every persistent file's checksum unchanged.
  seed=${KILL_SEED:-$RANDOM}
  RANDOM=$seed
  echo "kill_loop: random seed $seed (KILL_SEED=$seed reproduces the kill points)"
  mkdir -p "$DIR/containers/app"
  write_image() {
    printf 'FROM dockerops/busybox:latest\nRUN mkdir -p /data/seeded && for i in $(seq 1 100); do echo "file $i" > /data/seeded/f$i; done\nLABEL rev="%s"\nCMD ["sleep", "3600"]\n' \
      "$1" >"$DIR/containers/app/Dockerfile"
  }
  write_image 0
  declare -A val
  n=12
  for i in $(seq 1 40); do val[$i]=0; done
  write_many() {
    { printf '[project]\nname = "%s"\n[containers.app]\n' "$PROJECT"
      for i in $(seq 1 "$n"); do
        printf '[[instances]]\ncontainer = "app"\nname = "n%02d"\nenv = { ROUND = "%s" }\n' "$i" "${val[$i]}"
        if [ "$i" = 1 ] || [ "$i" -gt 12 ]; then printf 'persistent_data = true\n'; fi
      done; } >"$DIR/dockerops.toml"
  }
  sums() { find "$DIR/data" -type f -print0 | sort -z | xargs -0 -r sha256sum; }
  write_many
  dops apply --yes >/dev/null || fail "first apply"
  docker exec "$PROJECT-app-n01" sh -c 'echo precious > /data/keep'
  for round in $(seq 1 20); do
    before=$(sums)
    killed=apply
    for i in $(seq 1 "$n"); do if [ $(( (i + round) % 3 )) = 0 ] || [ "$i" = 1 ]; then val[$i]=$round; fi; done
    [ $((round % 5)) = 0 ] && write_image "$round"
    [ $((round % 4)) = 0 ] && n=$((n + 1))
    write_many
    if [ $((round % 6)) = 0 ]; then killed=destroy; "$BIN" destroy -f "$DIR" --yes >"$DIR/killed.log" 2>&1 &
    else "$BIN" apply -f "$DIR" --yes >"$DIR/killed.log" 2>&1 &
    fi
    pid=$!
    delay="$(( RANDOM % 3 )).$(( RANDOM % 10 ))"
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    out=$(timeout 180 "$BIN" apply -f "$DIR" --yes --lock-timeout 5 2>&1) ||
      fail "round $round ($killed killed after $delay s): the re-apply failed: $out"
    grep -qE '[1-9][0-9]* failed|[1-9][0-9]* not started' <<<"$out" && fail "round $round: re-apply: $out"
    plan=$(dops plan --detailed-exitcode 2>&1) || fail "round $round ($killed killed after $delay s): not converged in one re-apply: $plan"
    [ "$(count_containers)" = "$n" ] || fail "round $round: $(count_containers) containers, want $n (duplicates or losses)"
    # Every instance runs its latest spec (one inspect for all of them).
    got=$(docker inspect $(docker ps -q --filter "label=io.dockerops.project=$PROJECT") \
            --format '{{.Name}} {{.State.Status}} {{range .Config.Env}}{{.}} {{end}}')
    for i in $(seq 1 "$n"); do
      grep -q "^/$PROJECT-app-n$(printf %02d "$i") running .*ROUND=${val[$i]} " <<<"$got" ||
        fail "round $round: app.n$i does not run ROUND=${val[$i]}: $(grep "app-n$(printf %02d "$i") " <<<"$got")"
    done
    # No persistent file changed or went missing; a folder seeded this round holds all 100 files.
    after=$(sums)
    missing=$(comm -23 <(sort <<<"$before") <(sort <<<"$after"))
    [ -z "$missing" ] || fail "round $round ($killed killed after $delay s): persistent files changed or lost: $missing"
    for i in $(seq 13 "$n"); do
      got_files=$(find "$DIR/data/app_n$i/data/seeded" -type f | wc -l)
      [ "$got_files" = 100 ] || fail "round $round ($killed killed after $delay s): app.n$i was seeded with $got_files of 100 files"
    done
    [ -z "$(find "$DIR/data" -name '*.dockerops-seeding')" ] || fail "round $round: an unfinished seed was left after the re-apply"
  done
  docker exec "$PROJECT-app-n01" cat /data/keep | grep_all -x precious || fail "persistent data lost"
  lock_held && fail "the lock is still held"
  ;;
seed_kill)
  # Filling a persistent folder from the image is atomic: killed after n
  # files (a fault-injection point), or by SIGKILL at random points, the next
  # apply fills it completely, and plan and apply never call a half-filled
  # folder done.
  seed=${KILL_SEED:-$RANDOM}
  RANDOM=$seed
  echo "seed_kill: random seed $seed (KILL_SEED=$seed reproduces the kill points)"
  write_app_one 'persistent_data = true'
  printf 'FROM dockerops/busybox:latest\nRUN mkdir -p /data && for i in $(seq 1 2000); do echo "file $i" > /data/f$i; done\nCMD ["sleep", "3600"]\n' \
    >"$DIR/containers/app/Dockerfile"
  dops build all >/dev/null 2>&1 || fail "build"
  want=$(docker run --rm "$PROJECT/app" sh -c 'cd /data && cat f* | sha256sum')
  check_full() {
    local got
    [ -d "$DIR/data/app_one/data" ] || fail "$1: no data folder"
    got=$(cd "$DIR/data/app_one/data" && cat f* | sha256sum)
    [ "$got" = "$want" ] && [ "$(ls "$DIR/data/app_one/data" | wc -l)" = 2000 ] || fail "$1: the folder holds $(ls "$DIR/data/app_one/data" | wc -l) of 2000 files"
    [ -z "$(find "$DIR/data" -name '*.dockerops-seeding')" ] || fail "$1: an unfinished seed was left"
  }
  for n in 1 10 500 1999; do
    set +e
    DOCKEROPS_TEST_KILL_AFTER_SEEDED_FILES=$n "$BIN" apply -f "$DIR" --yes >"$DIR/killed.log" 2>&1; rc=$?
    set -e
    [ "$rc" = 137 ] || fail "n=$n: the fault-injection kill did not happen (exit $rc): $(cat "$DIR/killed.log")"
    [ -e "$DIR/data/app_one/data" ] && fail "n=$n: a half-filled data folder is in place"
    out=$(dops plan --detailed-exitcode 2>&1) && fail "n=$n: the plan calls an unfinished seed done: $out"
    dops apply --yes --lock-timeout 5 >"$DIR/apply.log" 2>&1 || fail "n=$n: re-apply: $(cat "$DIR/apply.log")"
    check_full "n=$n"
    dops destroy app.one --yes --purge-data >/dev/null 2>&1 || fail "n=$n: destroy"
  done
  for round in $(seq 1 10); do
    "$BIN" apply -f "$DIR" --yes >"$DIR/killed.log" 2>&1 &
    pid=$!
    delay="0.$(( RANDOM % 10 ))$(( RANDOM % 10 ))"
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    dops apply --yes --lock-timeout 5 >"$DIR/apply.log" 2>&1 || fail "kill after $delay s: re-apply: $(cat "$DIR/apply.log")"
    check_full "kill after $delay s"
    out=$(dops plan --detailed-exitcode 2>&1) || fail "kill after $delay s: not converged: $out"
    dops destroy app.one --yes --purge-data >/dev/null 2>&1 || fail "destroy"
  done
  # The helper container is the project's: destroy --rmi leaves nothing.
  dops apply --yes >/dev/null 2>&1 || fail "apply"
  dops destroy --yes --rmi --purge-data >/dev/null 2>&1 || fail "destroy --rmi"
  [ -z "$(docker ps -aq --filter "name=^$PROJECT-dockerops-seed-")" ] || fail "a seed helper container was left"
  ;;
purge_data)
  # --purge-data deletes only instance folders dockerops made (a record beside
  # each); a folder that was there before is kept, and the plan says so.
  write_app_one 'persistent_data = true'
  printf '[[instances]]\ncontainer = "app"\nname = "two"\n' >>"$DIR/dockerops.toml"
  mkdir -p "$DIR/data/app_two/mine"
  echo "the user's" >"$DIR/data/app_two/mine/file"
  dops apply --yes >/dev/null 2>&1 || fail "apply"
  [ -f "$DIR/data/.app_one.dockerops-made" ] || fail "no record for the folder dockerops made"
  [ -z "$(ls -A "$DIR/data/app_one/data")" ] || fail "something was written inside the data folder: $(ls -A "$DIR/data/app_one/data")"
  out=$(dops destroy --yes --purge-data 2>&1) || fail "destroy: $out"
  grep -q "warning: data of app.two ($DIR/data/app_two) was not made by dockerops: kept" <<<"$out" || fail "not said: $out"
  [ -f "$DIR/data/app_two/mine/file" ] || fail "--purge-data deleted a folder dockerops never made"
  [ -e "$DIR/data/app_one" ] && fail "--purge-data kept the folder dockerops made"
  [ -e "$DIR/data/.app_one.dockerops-made" ] && fail "the record outlived its folder"
  ;;
lock_signals)
  write_project a 'sleep = 4'
  # SIGPIPE: output cut short; the run finishes and lets go of the lock.
  dops apply --yes | head -1 >/dev/null
  sleep 0.5
  lock_held && fail "the lock outlived apply | head"
  write_project b 'sleep = 120'
  # SIGTERM in the middle of an apply: the lock is released, and said so. The
  # apply sleeps 120 s after app.two starts, so it is still running when the
  # signal comes (no race with its end): sent once app.two is created.
  "$BIN" apply -f "$DIR" --yes >"$DIR/term.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do docker inspect "$PROJECT-app-two" >/dev/null 2>&1 && break; sleep 0.1; done
  lock_held || fail "the apply holds no lock (the test needs one)"
  kill -TERM "$pid"
  wait "$pid" && fail "apply exited 0 after SIGTERM" || true
  grep -q "interrupted (SIGTERM); the project lock was released" "$DIR/term.log" || fail "not said: $(cat "$DIR/term.log")"
  lock_held && fail "SIGTERM left the lock"
  write_project b 'sleep = 1'
  dops apply --yes --lock-timeout 2 >/dev/null || fail "apply after SIGTERM"
  # SIGINT at the prompt, on a terminal: the lock is not held while it waits.
  write_project c
  session="dops-$PROJECT"
  tmux new-session -d -s "$session" -x 150 -y 40 "$BIN apply -f $DIR; sleep 30"
  for _ in $(seq 100); do tmux capture-pane -p -t "$session" | grep_all 'Apply these changes?' && break; sleep 0.1; done
  tmux capture-pane -p -t "$session" | grep_all 'Apply these changes?' || { tmux kill-session -t "$session"; fail "no prompt"; }
  lock_held && { tmux kill-session -t "$session"; fail "the lock is held while the prompt waits"; }
  tmux send-keys -t "$session" C-c
  sleep 1
  screen=$(tmux capture-pane -p -t "$session")
  tmux kill-session -t "$session"
  grep -q "interrupted (SIGINT)" <<<"$screen" || fail "SIGINT not reported: $screen"
  lock_held && fail "the lock is held after SIGINT"
  # A lock left by a killed run is taken over, with a line saying so.
  write_project d 'sleep = 5
env = { SLOW = "d" }'
  "$BIN" apply -f "$DIR" --yes >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do lock_held && break; sleep 0.1; done
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  lock_held || fail "the killed run left no lock (the test needs one)"
  out=$(dops plan 2>&1; dops apply --yes --lock-timeout 3 2>&1) || fail "apply after a kill: $out"
  grep -q "took over the project lock left by .* (that process is gone)" <<<"$out" || fail "takeover not said: $out"
  ;;
validation)
  write_project
  dops apply --yes >/dev/null || fail "apply"
  # An empty file in the project's folder is an error, not an empty project.
  mv "$DIR/dockerops.toml" "$DIR/full.toml"
  printf '[project]\nname = "%s"\n' "$PROJECT" >"$DIR/dockerops.toml"
  out=$(dops plan 2>&1) && fail "an empty project planned: $out" || true
  grep -q "dockerops.toml:1:1: the file declares no containers and no instances" <<<"$out" || fail "empty: $out"
  : >"$DIR/dockerops.toml"
  out=$(dops apply --yes 2>&1) && fail "an empty file applied: $out" || true
  [ "$(count_containers)" = 3 ] || fail "an empty file removed containers"
  # Meant empty: allowed, and removing everything needs --allow-destroy-all.
  printf '[project]\nname = "%s"\nallow_empty = true\n' "$PROJECT" >"$DIR/dockerops.toml"
  out=$(dops apply --yes 2>&1) && fail "removing everything went ahead without --allow-destroy-all: $out" || true
  grep -q "removes every instance of project '$PROJECT'.*--allow-destroy-all" <<<"$out" || fail "not explained: $out"
  [ "$(count_containers)" = 3 ] || fail "containers were removed"
  dops apply --yes --allow-destroy-all >/dev/null || fail "apply --allow-destroy-all"
  [ "$(count_containers)" = 0 ] || fail "not removed"
  mv "$DIR/full.toml" "$DIR/dockerops.toml"
  # Names the engine would refuse, refused with their position.
  long=$(printf 'x%.0s' $(seq 60))
  sed -i "s/name = \"two\"/name = \"$long\"/" "$DIR/dockerops.toml"
  out=$(dops validate 2>&1) && fail "a 64-character host name validated" || true
  grep -q "dockerops.toml:[0-9]*:8: the host name of app.$long, 'app-$long', is 64 characters; a host name label is at most 63" <<<"$out" ||
    fail "long host name: $out"
  printf '[project]\nname = "%s"\n[containers.app]\n' "$(printf 'p%.0s' $(seq 243))" >"$DIR/long.toml"
  out=$("$BIN" validate -f "$DIR/long.toml" 2>&1) && fail "a 243-character project validated" || true
  grep -q "long.toml:3:13: image name 'p*/app' is 247 characters; the engine takes at most 245 (255 with the docker.io/ it puts before it)" <<<"$out" ||
    fail "long image: $out"
  printf '[project]\nname = "%s"\n[containers.app]\n' "$(printf 'p%.0s' $(seq 241))" >"$DIR/long.toml"
  "$BIN" validate -f "$DIR/long.toml" >/dev/null 2>&1 || fail "a 241-character project (the engine's limit) was refused"
  # A huge file is refused before parsing.
  python3 -c "print('[project]'); print('name = \"x\"'); [print(f'k{i} = {i}') for i in range(1500000)]" >"$DIR/huge.toml"
  out=$("$BIN" validate -f "$DIR/huge.toml" 2>&1) && fail "a huge file validated" || true
  grep -q "huge.toml: cannot read the configuration file: it is larger than the 16 MiB such a file may be" <<<"$out" || fail "huge: $out"
  ;;
*) fail "unknown case $CASE" ;;
esac
pass
