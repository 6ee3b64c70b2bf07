#!/usr/bin/env bash
# End-to-end tests of plan / apply / destroy against the real dockerd.
#   engine_core_test.sh BIN CASE
BIN=$1 CASE=$2
. "$(dirname "$0")/lib.sh"

case "$CASE" in
converge)
  write_project
  out=$(dops plan --detailed-exitcode) && fail "a fresh project should plan changes (exit 2)" || [ $? = 2 ] || fail "plan exit"
  grep -q '^Plan: 2 to build, 4 to create, 0 to replace, 0 to start, 0 to remove.$' <<<"$out" || fail "fresh plan: $out"
  out=$(dops apply 2>&1 </dev/null) && fail "apply without a terminal and without --yes went ahead" || true
  grep -q 'not a terminal, so nothing was changed: pass --yes' <<<"$out" || fail "refusal not explained: $out"
  [ "$(count_containers)" = 0 ] || fail "apply without --yes changed something"
  dops graph >"$DIR/graph.dot" || fail "graph"
  grep -q '"instance:app.one" -> "instance:db.master";' "$DIR/graph.dot" || fail "graph lacks the link edge: $(cat "$DIR/graph.dot")"
  grep -q '"instance:app.one" -> "image:app";' "$DIR/graph.dot" || fail "graph lacks the image edge"
  dops graph --plan | grep_all '"image:app" \[label="app", shape=box, fillcolor="lightblue"\]' || fail "graph --plan does not colour the planned build"
  dops plan --json >"$DIR/plan.json" || [ $? = 0 ] || fail "plan --json"
  /usr/bin/python3 "$(dirname "$0")/../schema/check_plan.py" "$(dirname "$0")/../.." "$DIR/plan.json" || fail "plan --json does not match schemas/plan.schema.json"
  dops apply --yes >"$DIR/apply.log" || { cat "$DIR/apply.log"; fail "apply"; }
  grep -q '^Apply: 6 done, 0 failed, 0 not started.$' "$DIR/apply.log" || fail "apply summary: $(cat "$DIR/apply.log")"
  [ "$(docker inspect -f '{{.State.Status}}' "$PROJECT-app-one")" = running ] || fail "app.one not running"
  ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$PROJECT\").IPAddress}}" "$PROJECT-db-master")
  docker exec "$PROJECT-app-one" sh -c 'echo $DB_CONTAINER_IP' | grep_all -x "$ip" || fail "DB_CONTAINER_IP is not $ip"
  # The engine's DNS can be slow to answer on a loaded machine: a few tries.
  resolved=
  for _ in 1 2 3 4 5; do
    if docker exec "$PROJECT-app-one" ping -c1 -W2 DB 2>&1 | grep_all "$ip"; then resolved=1; break; fi
    sleep 1
  done
  [ -n "$resolved" ] || fail "the link alias DB does not resolve to $ip: $(docker exec "$PROJECT-app-one" ping -c1 -W2 DB 2>&1)"
  out=$(dops plan --detailed-exitcode) || fail "second plan exited $? (want 0): $out"
  [ "$out" = "No changes." ] || fail "second plan: $out"
  out=$(dops apply --yes) || fail "second apply"
  [ "$out" = "No changes." ] || fail "second apply changed something: $out"
  ;;
one_env_change)
  write_project a
  dops apply --yes >/dev/null || fail "apply"
  db=$(cid db-master) one=$(cid app-one) two=$(cid app-two)
  write_project b
  out=$(dops plan)
  [ "$out" = "$(printf 'replace  app.one: env MODE "a" → "b"\n\nPlan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.')" ] || fail "plan: $out"
  dops apply --yes >/dev/null || fail "apply of the change"
  [ "$(cid db-master)" = "$db" ] || fail "db.master was touched"
  [ "$(cid app-two)" = "$two" ] || fail "app.two was touched"
  [ "$(cid app-one)" != "$one" ] || fail "app.one was not replaced"
  docker exec "$PROJECT-app-one" sh -c 'echo $MODE' | grep_all -x b || fail "app.one does not run the new MODE"
  [ "$(count_containers)" = 3 ] || fail "left-over containers: $(count_containers)"
  [ "$(dops plan)" = "No changes." ] || fail "not converged"
  ;;
drift)
  write_project
  dops apply --yes >/dev/null || fail "apply"
  docker stop -t 1 "$PROJECT-app-two" >/dev/null
  out=$(dops plan --detailed-exitcode) && fail "stopped container not detected" || [ $? = 2 ] || fail "exit code"
  grep -q '^start    app.two: exited (' <<<"$out" || fail "drift not named: $out"
  docker rm -f "$PROJECT-app-two" >/dev/null
  out=$(dops plan --detailed-exitcode) && fail "removed container not detected" || [ $? = 2 ] || fail "exit code"
  grep -q '^create   app.two: not found$' <<<"$out" || fail "drift not named: $out"
  dops apply --yes >/dev/null || fail "re-apply"
  dops plan --detailed-exitcode >/dev/null || fail "not converged"
  ;;
stale_plan)
  write_project a
  dops apply --yes >/dev/null || fail "apply"
  write_project b
  dops plan -o "$DIR/plan.json" >/dev/null 2>&1 || fail "plan -o"
  /usr/bin/python3 "$(dirname "$0")/../schema/check_plan.py" "$(dirname "$0")/../.." "$DIR/plan.json" || fail "plan -o does not match the schema"
  docker stop -t 1 "$PROJECT-app-two" >/dev/null
  out=$(dops apply "$DIR/plan.json" --yes 2>&1) && fail "a stale plan was applied: $out" || true
  grep -q 'the saved plan is stale' <<<"$out" || fail "not refused as stale: $out"
  grep -q "container $PROJECT-app-two changed" <<<"$out" || fail "the change is not named: $out"
  [ "$(docker exec "$PROJECT-app-one" sh -c 'echo $MODE' 2>/dev/null)" = a ] || fail "something was changed"
  dops plan -o "$DIR/plan.json" >/dev/null 2>&1 || fail "plan -o"
  dops apply "$DIR/plan.json" --yes >/dev/null || fail "a fresh saved plan was refused"
  [ "$(docker exec "$PROJECT-app-one" sh -c 'echo $MODE')" = b ] || fail "the saved plan was not applied"
  [ "$(dops plan)" = "No changes." ] || fail "not converged"
  ;;
concurrent)
  write_project
  dops apply --yes >"$DIR/a.log" 2>&1 & a=$!
  dops apply --yes >"$DIR/b.log" 2>&1 & b=$!
  wait $a || fail "first apply: $(cat "$DIR/a.log")"
  wait $b || fail "second apply: $(cat "$DIR/b.log")"
  [ "$(count_containers)" = 3 ] || fail "$(count_containers) containers: duplicates"
  [ "$(docker network ls -q --filter "label=io.dockerops.project=$PROJECT" | wc -l)" = 1 ] || fail "network duplicated"
  cat "$DIR/a.log" "$DIR/b.log" | grep_all '^No changes.$' || fail "the second apply did not wait and find nothing to do"
  ;;
exits_on_start)
  write_project a 'command = ["sh", "-c", "echo cannot start; exit 3"]'
  out=$(dops apply --yes 2>&1) && fail "apply succeeded with a dying container" || true
  grep -q "create app.two: failed: container $PROJECT-app-two: exited (3) on start; its last output:" <<<"$out" || fail "failure not named: $out"
  grep -q '^cannot start$' <<<"$out" || fail "the container's output is not shown: $out"
  grep -q '^Apply: 5 done, 1 failed, 0 not started.$' <<<"$out" || fail "summary: $out"
  [ "$(docker inspect -f '{{.State.Status}}' "$PROJECT-app-one")" = running ] || fail "the rest was not applied"
  write_project a
  dops apply --yes >/dev/null || fail "the fixed file does not converge"
  [ "$(dops plan)" = "No changes." ] || fail "not converged"
  ;;
destroy)
  write_project
  dops apply --yes >/dev/null || fail "apply"
  echo keep >"$DIR/data/db_master/data/file"
  dops destroy --yes >/dev/null || fail "destroy"
  [ "$(count_containers)" = 0 ] || fail "containers left"
  [ "$(docker network ls -q --filter "label=io.dockerops.project=$PROJECT" | wc -l)" = 0 ] || fail "network left"
  [ -f "$DIR/data/db_master/data/file" ] || fail "persistent data was deleted without --purge-data"
  dops apply --yes >/dev/null || fail "apply again"
  dops destroy --yes --purge-data >/dev/null || fail "destroy --purge-data"
  [ ! -e "$DIR/data/db_master" ] || fail "data kept with --purge-data"
  out=$(dops destroy 2>&1 </dev/null) || fail "destroy of nothing"
  [ "$out" = "No changes." ] || fail "destroy of nothing: $out"
  ;;
trace_calls)
  many() {   # many N: a project of N instances of one image
    mkdir -p "$DIR/containers/app"
    printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$DIR/containers/app/Dockerfile"
    { printf '[project]\nname = "%s"\n[containers.app]\n' "$PROJECT"
      for i in $(seq 1 "$1"); do printf '[[instances]]\ncontainer = "app"\nname = "i%s"\n' "$i"; done
    } >"$DIR/dockerops.toml"
  }
  calls() { dops plan --trace-api 2>&1 >/dev/null | grep -c '^api: [A-Z]'; }
  many 5
  dops apply --yes >/dev/null || fail "apply 5"
  [ "$(dops plan)" = "No changes." ] || fail "5: not converged"
  five=$(calls)
  many 50
  dops apply --yes --parallelism 8 >/dev/null || fail "apply 50"
  [ "$(dops plan)" = "No changes." ] || fail "50: not converged"
  fifty=$(calls)
  [ "$(count_containers)" = 50 ] || fail "$(count_containers) containers"
  [ "$five" = "$fifty" ] || fail "a no-op plan made $five calls for 5 instances, $fifty for 50"
  # The ping, the project's containers, the networks, its one image by name.
  [ "$five" = 4 ] || fail "expected 4 calls (ping, 2 lists, 1 image inspect), saw $five"
  dops plan --trace-api 2>&1 >/dev/null | grep_all '^api: 4 calls$' || fail "no call count at the end"
  ;;
*) fail "unknown case $CASE" ;;
esac
pass
