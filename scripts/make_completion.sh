#!/usr/bin/env bash
# Shell completion for bash and zsh, made from the same text as --help: the
# commands of `dockerops --help` and the long options of each command's --help.
#   scripts/make_completion.sh BIN OUTDIR   -> OUTDIR/dockerops (bash), OUTDIR/_dockerops (zsh)
set -euo pipefail
bin=$1 out=$2
mkdir -p "$out"
commands=$("$bin" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}')
# "CMD OPTIONS...": each command's long options, a line each (version has none).
each_command() {
  for c in $commands; do
    [ "$c" = version ] && continue
    echo "$c $("$bin" "$c" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')"
  done
}
{
  echo "# bash completion for dockerops (made by scripts/make_completion.sh from --help)"
  echo "_dockerops() {"
  echo '  local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-}'
  echo "  if [ \"\$COMP_CWORD\" -eq 1 ]; then"
  echo "    COMPREPLY=(\$(compgen -W \"$(echo $commands) build:all run:all clean:all --help --version\" -- \"\$cur\")); return"
  echo "  fi"
  echo '  case "$cmd" in'
  each_command | while read -r c opts; do
    echo "    $c) [[ \"\$cur\" == -* ]] && { COMPREPLY=(\$(compgen -W \"$opts\" -- \"\$cur\")); return; } ;;"
  done
  echo '  esac'
  echo '  COMPREPLY=($(compgen -f -- "$cur"))'
  echo "}"
  echo "complete -F _dockerops dockerops"
} > "$out/dockerops"
{
  echo "#compdef dockerops"
  echo "# zsh completion for dockerops (made by scripts/make_completion.sh from --help)"
  echo "_dockerops() {"
  echo "  local -a commands"
  echo "  commands=("
  "$bin" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{c=$1; $1=""; sub(/^ +/, ""); gsub(/\x27/, "\x27\\\x27\x27"); printf "    \x27%s:%s\x27\n", c, $0} on && /^$/{exit}'
  echo "  )"
  echo "  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi"
  echo '  case ${words[2]} in'
  each_command | while read -r c opts; do
    echo "    $c) _arguments '*:file:_files' $(for o in $opts; do printf "'%s' " "$o"; done) ;;"
  done
  echo '  esac'
  echo "}"
  echo '_dockerops "$@"'
} > "$out/_dockerops"
