#!/usr/bin/env bash
# Shell completion for bash and zsh, made from the same text as --help: the
# commands of `dockerops --help` and the long options of each command's --help.
# Option values and the project's own names (containers, instances, groups)
# complete too: the names come from `dockerops __complete KIND [-f FILE]`,
# which reads the project's file (the current folder's, or the line's -f)
# and never the engine.
#   scripts/make_completion.sh BIN OUTDIR   -> OUTDIR/dockerops (bash), OUTDIR/_dockerops (zsh)
set -euo pipefail
bin=$1 out=$2
mkdir -p "$out"
commands=$("$bin" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}')
# "CMD OPTIONS...": each command's long options, a line each (version has none).
each_command() {
  for c in $commands; do
    echo "$c $("$bin" "$c" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')"
  done
}
# Commands whose words are the project's containers and instances.
takes_targets="plan apply destroy run clean ip ssh shell exec logs stop start restart pause unpause kill port build graph top cp pull"
signals="SIGKILL SIGTERM SIGHUP SIGINT SIGQUIT SIGUSR1 SIGUSR2"
types="standard published master interactive safemode"
{
  echo "# bash completion for dockerops (made by scripts/make_completion.sh from --help)"
  echo "_dockerops_names() {   # _dockerops_names KIND: the project's names, with the line's -f if it has one"
  echo '  local i file=()'
  echo '  for ((i = 1; i < COMP_CWORD; i++)); do'
  echo '    case ${COMP_WORDS[i]} in -f|--file) file=(--file "${COMP_WORDS[i+1]}") ;; esac'
  echo '  done'
  echo '  dockerops __complete "$1" "${file[@]}" 2>/dev/null'
  echo "}"
  echo "_dockerops() {"
  echo '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]:-}'
  echo "  if [ \"\$COMP_CWORD\" -eq 1 ]; then"
  echo "    COMPREPLY=(\$(compgen -W \"$(echo $commands) build:all run:all clean:all --help --version\" -- \"\$cur\")); return"
  echo "  fi"
  echo '  case "$prev" in'
  echo '    --progress) [ "$cmd" = build ] && COMPREPLY=($(compgen -W "auto plain json" -- "$cur")) || COMPREPLY=($(compgen -W "auto plain" -- "$cur")); return ;;'
  echo '    --target) COMPREPLY=($(compgen -W "docker swarm $(_dockerops_names targets)" -- "$cur")); return ;;'
  echo '    --group) COMPREPLY=($(compgen -W "$(_dockerops_names groups)" -- "$cur")); return ;;'
  echo '    --format) COMPREPLY=($(compgen -W "dot svg" -- "$cur")); return ;;'
  echo "    --type) COMPREPLY=(\$(compgen -W \"$types\" -- \"\$cur\")); return ;;"
  echo "    --signal) COMPREPLY=(\$(compgen -W \"$signals\" -- \"\$cur\")); return ;;"
  echo '    -s) [ "$cmd" = kill ] && { COMPREPLY=($(compgen -W "'"$signals"'" -- "$cur")); return; } ;;'
  echo '    -f|--file|--host-file|--env-file|-o|--out|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;'
  echo '  esac'
  echo '  case "$cmd" in'
  each_command | while read -r c opts; do
    echo "    $c) [[ \"\$cur\" == -* ]] && { COMPREPLY=(\$(compgen -W \"$opts\" -- \"\$cur\")); return; } ;;"
  done
  echo '  esac'
  echo '  case "$cmd" in'
  echo "    ${takes_targets// /|}) COMPREPLY=(\$(compgen -W \"\$(_dockerops_names targets)\$([ \"\$cmd\" = build ] && echo ' all')\" -- \"\$cur\")); return ;;"
  echo '  esac'
  echo '  COMPREPLY=($(compgen -f -- "$cur"))'
  echo "}"
  echo "complete -F _dockerops dockerops"
} > "$out/dockerops"
# zsh: an option's value after it, the project's names where a TARGET goes.
zsh_spec() {   # zsh_spec OPTION: its _arguments spec
  case $1 in
    --progress) echo "'--progress:progress:(auto plain json)'" ;;
    --target) echo "'--target:target:_dockerops_names_targets'" ;;
    --group) echo "'--group:group:_dockerops_names_groups'" ;;
    --format) echo "'--format:format:(dot svg)'" ;;
    --type) echo "'--type:type:($types)'" ;;
    --signal) echo "'--signal:signal:($signals)'" ;;
    --file|--host-file|--env-file|--out|--output) echo "'$1:file:_files'" ;;
    *) echo "'$1'" ;;
  esac
}
{
  echo "#compdef dockerops"
  echo "# zsh completion for dockerops (made by scripts/make_completion.sh from --help)"
  echo '_dockerops_names_targets() { compadd -- ${(f)"$(dockerops __complete targets 2>/dev/null)"} docker swarm }'
  echo '_dockerops_names_groups() { compadd -- ${(f)"$(dockerops __complete groups 2>/dev/null)"} }'
  echo "_dockerops() {"
  echo "  local -a commands"
  echo "  commands=("
  "$bin" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{c=$1; $1=""; sub(/^ +/, ""); gsub(/\x27/, "\x27\\\x27\x27"); printf "    \x27%s:%s\x27\n", c, $0} on && /^$/{exit}'
  echo "  )"
  echo "  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi"
  echo '  case ${words[2]} in'
  each_command | while read -r c opts; do
    rest="'*:file:_files'"
    case " $takes_targets " in *" $c "*) rest="'*:target:_dockerops_names_targets'" ;; esac
    echo "    $c) _arguments $rest $(for o in $opts; do printf "%s " "$(zsh_spec "$o")"; done) ;;"
  done
  echo '  esac'
  echo "}"
  echo '_dockerops "$@"'
} > "$out/_dockerops"
