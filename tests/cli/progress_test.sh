#!/usr/bin/env bash
# Live progress on a real terminal (tmux): while an apply builds an image with
# a slow step, a line shows the running build with a spinner, its elapsed time
# and the current step before the build ends; when it ends, the line has
# become the result line and no running line is left on the screen.
#   progress_test.sh BIN
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"   # grep_all
BIN=$1
PROJECT="progress-$$"
DIR=$(mktemp -d)
SESSION="dops-progress-$$"
fail() { echo "FAIL: $*" >&2; tmux capture-pane -p -t "$SESSION" 2>/dev/null | sed 's/^/  screen: /' >&2 || true; echo "0 passed, 1 failed"; exit 1; }
cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  "$BIN" destroy -f "$DIR" --yes --allow-destroy-all --rmi >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
mkdir -p "$DIR/containers/slow"
# The build argument makes the slow step new each run (no cache hit).
cat >"$DIR/containers/slow/Dockerfile" <<DOCKERFILE
FROM dockerops/busybox:latest
RUN echo first
RUN sleep 6 && echo $$-$RANDOM
CMD ["sleep", "3600"]
DOCKERFILE
printf '[project]\nname = "%s"\n[containers.slow]\n[[instances]]\ncontainer = "slow"\nname = "one"\n' "$PROJECT" >"$DIR/dockerops.toml"
screen() { tmux capture-pane -p -t "$SESSION"; }
tmux new-session -d -s "$SESSION" -x 150 -y 40 "'$BIN' apply -f '$DIR' --yes; echo EXIT=\$?; sleep 600"
seen=
for _ in $(seq 1 100); do
  if screen | grep_all -E "^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] build $PROJECT/slow:latest  [0-9]+\.[0-9]s  Step [0-9]+/[0-9]+ : RUN sleep 6"; then seen=1; break; fi
  screen | grep_all "^EXIT=" && break
  sleep 0.1
done
[ -n "$seen" ] || fail "no running line for the build's slow step"
screen | grep_all "^build $PROJECT/slow:latest: done" && fail "the build was already done when its running line was seen"
for _ in $(seq 1 600); do screen | grep_all "^EXIT=" && break; sleep 0.1; done
screen | grep_all -x "EXIT=0" || fail "apply did not end well"
screen | grep_all "^build $PROJECT/slow:latest: done ([0-9.]* s)$" || fail "no result line for the build"
screen | grep_all "^Apply: 3 done, 0 failed, 0 not started.$" || fail "no summary"
screen | grep_all -E "^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] " && fail "a running line was left on the screen"
echo "1 passed, 0 failed"
