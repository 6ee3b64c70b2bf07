#!/usr/bin/env bash
# Shell completion on a real terminal (tmux), by pressing TAB: bash with
# Debian's bash-completion, which loads ours on first use from a completions
# folder (as /usr/local/share/bash-completion/completions is after an
# install), then zsh with compinit. Commands, option values, and the project's containers, instances
# and groups from the file in the current folder.
#   completion_test.sh BIN COMPLETION_DIR
set -euo pipefail
BIN=$1 COMPLETIONS=$2
DIR=$(mktemp -d)
SESSION="dops-completion-$$"
fail() { echo "FAIL: $*" >&2; tmux capture-pane -p -t "$SESSION" 2>/dev/null | sed 's/^/  screen: /' >&2 || true; echo "0 passed, 1 failed"; exit 1; }
cleanup() { tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
[ -f /usr/share/bash-completion/bash_completion ] || fail "bash-completion is not installed (scripts/setup.sh installs it)"
mkdir -p "$DIR/project" "$DIR/user/completions" "$DIR/bin"
cp "$COMPLETIONS/dockerops" "$DIR/user/completions/dockerops"
ln -s "$(readlink -f "$BIN")" "$DIR/bin/dockerops"
cat >"$DIR/project/dockerops.toml" <<'TOML'
[project]
name = "completion"
[containers.web]
image = "dockerops/busybox:latest"
[containers.db]
image = "dockerops/busybox:latest"
[[instances]]
container = "web"
name = "one"
group = "front"
[[instances]]
container = "db"
name = "master"
TOML
screen() { tmux capture-pane -p -J -t "$SESSION"; }
wait_for() {   # wait_for LINE: the screen's last line is LINE (trailing blanks aside)
  local want=${1%% }
  for _ in $(seq 1 50); do [ "$(screen | grep -v '^\s*$' | tail -1 | sed 's/[[:space:]]*$//')" = "$want" ] && return 0; sleep 0.1; done
  fail "the line never became '$want'"
}
# A fresh interactive shell as Debian's .bashrc sets it up: bash-completion
# sourced; our file found by its lazy loader, never sourced by hand.
tmux new-session -d -s "$SESSION" -x 150 -y 40 "bash --norc --noprofile"
tmux send-keys -t "$SESSION" -l "export PATH=$DIR/bin:\$PATH BASH_COMPLETION_USER_DIR=$DIR/user PS1='host\$ '; . /usr/share/bash-completion/bash_completion; cd $DIR/project; clear"
tmux send-keys -t "$SESSION" Enter
wait_for 'host$'
# type TEXT then TAB, and the line is EXPECTED; then the line is cleared (C-u).
tab() {
  tmux send-keys -t "$SESSION" -l "$1"
  tmux send-keys -t "$SESSION" Tab
  wait_for "host\$ $2"
  tmux send-keys -t "$SESSION" C-u
  wait_for 'host$'
}
tab "dockerops unp" "dockerops unpause "
tab "dockerops logs web.o" "dockerops logs web.one "
tab "dockerops stop db.m" "dockerops stop db.master "
tab "dockerops build --progress j" "dockerops build --progress json "
tab "dockerops stop --group fr" "dockerops stop --group front "
tab "dockerops apply --target sw" "dockerops apply --target swarm "
tab "dockerops kill -s SIGK" "dockerops kill -s SIGKILL "
tab "dockerops plan --deta" "dockerops plan --detailed-exitcode "
tab "dockerops top db.m" "dockerops top db.master "
tab "dockerops run --rm --serv" "dockerops run --rm --service-ports "
tab "dockerops eve" "dockerops events "
tmux kill-session -t "$SESSION"

# zsh, as a user's .zshrc sets it up: compinit over an fpath that holds ours
# (as /usr/local/share/zsh/site-functions does after an install).
command -v zsh >/dev/null || fail "zsh is not installed (scripts/setup.sh installs it)"
mkdir -p "$DIR/zfunc" && cp "$COMPLETIONS/_dockerops" "$DIR/zfunc/_dockerops"
tmux new-session -d -s "$SESSION" -x 150 -y 40 "env -i HOME=$DIR TERM=xterm PATH=$DIR/bin:/usr/bin:/bin zsh -f"
tmux send-keys -t "$SESSION" -l "fpath=($DIR/zfunc \$fpath); autoload -Uz compinit; compinit -u -d $DIR/zcompdump; PS1='host\$ '; cd $DIR/project; clear"
tmux send-keys -t "$SESSION" Enter
wait_for 'host$'
tab "dockerops unp" "dockerops unpause "
tab "dockerops top db.m" "dockerops top db.master "
tab "dockerops build --progress j" "dockerops build --progress json "
tab "dockerops stop --group fr" "dockerops stop --group front "
echo "1 passed, 0 failed"
