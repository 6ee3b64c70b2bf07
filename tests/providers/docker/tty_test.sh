#!/usr/bin/env bash
# A real terminal (tmux) attached to a container's TTY: raw mode, the window
# size on start, a new size after the window changes (SIGWINCH), the exit code
# passed back, and the terminal's own mode restored afterwards.
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"   # grep_all
probe=$1
project="ttytest-$$"
sess="dockerops-tty-$$"
out=$(mktemp -d)
cleanup() { tmux kill-session -t "$sess" 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT
screen() { tmux capture-pane -p -t "$sess"; }
wait_for() {   # wait_for TEXT: until the pane shows TEXT (10 s at most)
  for _ in $(seq 1 100); do screen | grep_all -F -- "$1" && return 0; sleep 0.1; done
  echo "never saw '$1' on the screen:"; screen; return 1
}
tmux new-session -d -s "$sess" -x 100 -y 30 "bash --norc --noprofile"
tmux send-keys -t "$sess" "stty -a | grep -o -- '-icanon' || echo canon-on; $probe $project $out/code; stty -a | grep -q ' icanon' && echo restored-canon" Enter
wait_for "canon-on"
tmux send-keys -t "$sess" "stty size" Enter
wait_for "30 100"
# While attached, the pane's own terminal is in raw mode (no line editing, no echo).
pane_tty=$(tmux display -p -t "$sess" '#{pane_tty}')
stty -a -F "$pane_tty" | grep_all -- '-icanon' || { echo "not in raw mode while attached"; stty -a -F "$pane_tty"; exit 1; }
stty -a -F "$pane_tty" | grep_all -- '-echo ' || { echo "local echo still on while attached"; exit 1; }
tmux resize-window -t "$sess" -x 120 -y 40
sleep 0.5
tmux send-keys -t "$sess" "clear; stty size" Enter
wait_for "40 120"
tmux send-keys -t "$sess" "exit 3" Enter
wait_for "restored-canon"
[ "$(cat "$out/code")" = 3 ] || { echo "exit code: $(cat "$out/code")"; exit 1; }
echo "1 passed, 0 failed"
