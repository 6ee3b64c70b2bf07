# Shared by the end-to-end tests: a throw-away project on the real engine,
# driven through the real binary. Each test has its own project name and
# removes what carries that name's label — nothing else.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"   # grep_all
BIN=${BIN:?}
PROJECT="e2e-${CASE:-x}-$$"
DIR=$(mktemp -d)
FOREIGN=()   # containers a test made itself with docker run (not dockerops's)
FOREIGN_VOLUMES=()   # volumes a test made itself with docker volume create
FOREIGN_NETWORKS=()  # networks a test made itself with docker network create
cleanup() {
  for f in "${FOREIGN[@]}"; do docker rm -f "$f" >/dev/null 2>&1 || true; done
  "$BIN" destroy -f "$DIR" --yes --rmi --purge-data >/dev/null 2>&1 || true
  "$BIN" unlock -f "$DIR" >/dev/null 2>&1 || true
  docker ps -aq --filter "label=io.dockerops.project=$PROJECT" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter "label=io.dockerops.project=$PROJECT" | xargs -r docker network rm >/dev/null 2>&1 || true
  docker rm -f "$PROJECT-dockerops-lock" >/dev/null 2>&1 || true
  docker volume ls -q --filter "label=io.dockerops.project=$PROJECT" | xargs -r docker volume rm >/dev/null 2>&1 || true
  docker images -q --filter "label=io.dockerops.image.project=$PROJECT" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  for v in "${FOREIGN_VOLUMES[@]}"; do docker volume rm -f "$v" >/dev/null 2>&1 || true; done
  for n in "${FOREIGN_NETWORKS[@]}"; do docker network rm "$n" >/dev/null 2>&1 || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
pass() { echo "1 passed, 0 failed"; }

# The standard project: db.master, app.one (linked to db.master), app.two.
write_project() {   # write_project [MODE] [EXTRA for app.two]
  local mode=${1:-a} extra=${2:-}
  mkdir -p "$DIR/containers/app" "$DIR/containers/db"
  printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$DIR/containers/app/Dockerfile"
  printf 'FROM dockerops/busybox:latest\nCMD ["sleep", "3600"]\n' >"$DIR/containers/db/Dockerfile"
  cat >"$DIR/dockerops.toml" <<TOML
[project]
name = "$PROJECT"
[containers.app]
[containers.db]

[[instances]]
container = "db"
name = "master"

[[instances]]
container = "app"
name = "one"
links = ["db-master:DB"]
env = { MODE = "$mode" }

[[instances]]
container = "app"
name = "two"
$extra
TOML
}

# -f right after the command word: after a TARGET, shell and ssh take the rest verbatim.
dops() { local cmd=$1; shift; "$BIN" "$cmd" --file "$DIR" "$@"; }
cid() { docker inspect -f '{{.Id}}' "$PROJECT-$1" 2>/dev/null || true; }
# The project's containers, its home record (where it was last applied from) aside.
count_containers() { docker ps -a --filter "label=io.dockerops.project=$PROJECT" --format '{{.Names}}' | awk '!/-dockerops-home$/' | wc -l; }
# A TCP/UDP port nothing on this host listens on now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
