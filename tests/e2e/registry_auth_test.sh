#!/usr/bin/env bash
# Pulls with credentials (#21) from the docker CLI's own configuration, against
# Debian's docker-registry with basic auth on 127.0.0.1 (the engine's default
# insecure range): none found is said with where they were looked for; auths
# in config.json, a wrong password, and a credsStore helper on PATH.
#   registry_auth_test.sh BIN SWARM_SH
BIN=$1 SWARM_SH=$2 CASE=registry
. "$(dirname "$0")/lib.sh"

REG_BIN=$("$SWARM_SH" registry-bin) || fail "no docker-registry: $REG_BIN"
PORT=$(free_port)
REF="127.0.0.1:$PORT/$PROJECT/bb:1"
REG_PID=
stop_all() {
  [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null
  cleanup
  docker rmi "$REF" >/dev/null 2>&1 || true
}
trap stop_all EXIT

mkdir -p "$DIR/registry" "$DIR/auth" "$DIR/cfg" "$DIR/bad" "$DIR/none" "$DIR/store" "$DIR/bin"
python3 -W ignore -c 'import crypt, sys; print("alice:" + crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH)))' >"$DIR/auth/htpasswd"
cat >"$DIR/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $DIR/registry
auth:
  htpasswd:
    realm: e2e
    path: $DIR/auth/htpasswd
http:
  addr: 127.0.0.1:$PORT
YML
"$REG_BIN" serve "$DIR/registry.yml" >"$DIR/registry.log" 2>&1 </dev/null &
REG_PID=$!
for ((i = 0; i < 100; i++)); do
  code=$(python3 -c "import urllib.request, urllib.error
try: print(urllib.request.urlopen('http://127.0.0.1:$PORT/v2/').status)
except urllib.error.HTTPError as e: print(e.code)
except Exception: print(0)")
  [ "$code" = 401 ] && break
  sleep 0.1
done
[ "$code" = 401 ] || { cat "$DIR/registry.log"; fail "the registry does not ask for credentials on 127.0.0.1:$PORT ($code)"; }

auths() {   # auths DIR USER:PASSWORD
  printf '{"auths": {"127.0.0.1:%s": {"auth": "%s"}}}\n' "$PORT" "$(printf '%s' "$2" | base64 -w0)" >"$1/config.json"
}
auths "$DIR/cfg" alice:s3cret
auths "$DIR/bad" alice:wrong
docker tag dockerops/busybox:latest "$REF"
docker --config "$DIR/cfg" push "$REF" >"$DIR/push.log" 2>&1 || { cat "$DIR/push.log"; fail "docker push to the registry"; }
docker rmi "$REF" >/dev/null

cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[containers.bb]
image = "$REF"

[[instances]]
container = "bb"
name = "one"
command = ["sleep", "3600"]
TOML
# Not on the engine: planned as a pull, pulled by apply.
again() {
  dops destroy --yes >/dev/null 2>&1 || true
  docker rmi "$REF" >/dev/null 2>&1 || true
}

out=$(DOCKER_CONFIG="$DIR/none" dops apply --yes 2>&1) && fail "a pull without credentials went through: $out"
grep -q "no credentials for 127.0.0.1:$PORT in $DIR/none/config.json" <<<"$out" || fail "no credentials is not said: $out"
echo "without credentials: $(grep -m1 'no credentials' <<<"$out")"

out=$(DOCKER_CONFIG="$DIR/bad" dops apply --yes 2>&1) && fail "a pull with a wrong password went through: $out"
grep -q "the credentials for 127.0.0.1:$PORT from $DIR/bad/config.json auths were refused" <<<"$out" || fail "a refusal is not said: $out"
echo "a wrong password: $(grep -m1 'were refused' <<<"$out")"

out=$(DOCKER_CONFIG="$DIR/cfg" dops apply --yes 2>&1) || fail "apply with auths: $out"
grep -q "^pull $REF: done" <<<"$out" || fail "no pull said: $out"
[ "$(docker inspect -f '{{.State.Status}}' "$PROJECT-bb-one")" = running ] || fail "not running after the pull"

again
cat >"$DIR/bin/docker-credential-e2e" <<'SH'
#!/bin/sh
read server
printf '{"ServerURL":"%s","Username":"alice","Secret":"s3cret"}' "$server"
SH
chmod +x "$DIR/bin/docker-credential-e2e"
printf '{"credsStore": "e2e"}\n' >"$DIR/store/config.json"
out=$(PATH="$DIR/bin:$PATH" DOCKER_CONFIG="$DIR/store" dops apply --yes 2>&1) || fail "apply with a credsStore helper: $out"
[ "$(docker inspect -f '{{.State.Status}}' "$PROJECT-bb-one")" = running ] || fail "not running after the helper's pull"
pass
