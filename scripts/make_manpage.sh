#!/usr/bin/env bash
# The man pages, made at build time by go-md2man from the docs:
#   dockerops(1): docs/man/dockerops.1.md, then each command's --help text
#     (the same text the command prints), then docs/man/dockerops.1.tail.md;
#   dockerops.toml(5): docs/configuration.md.
# go-md2man's roff is then made mandoc-lint clean (\fC is not an escape
# mandoc knows; no .PP right after a heading).
#   scripts/make_manpage.sh BIN SRC OUTDIR   -> OUTDIR/dockerops.1, OUTDIR/dockerops.toml.5
set -euo pipefail
bin=$1 src=$2 out=$3
command -v go-md2man >/dev/null || { echo "make_manpage.sh: go-md2man is needed (apt-get install go-md2man)" >&2; exit 1; }
mkdir -p "$out"
version=$("$bin" version | head -1 | awk '{print $2}')
# The date of the last change to the sources, not of the build: reproducible.
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || stat -c %Y "$src/docs/configuration.md")}" +%Y-%m-%d)
# Long table cells become text blocks (T{ ... T}, as go-md2man makes only
# some), so that they wrap instead of widening the table past the page.
tidy() {
  sed -e 's/\\fB\\fC/\\fB/g' -e 's/\\fC//g' | awk '
    function cells(str,    n, c, i, out) {
      n = split(str, c, "\t"); out = ""
      for (i = 1; i <= n; i++) {
        if (c[i] == "T{") inblock = 1
        else if (length(c[i]) > 24) c[i] = "T{\n" c[i] "\nT}"
        out = out (i > 1 ? "\t" : "") c[i]
      }
      return out
    }
    /^\.TS$/ { print; table = 1; format = 1; next }
    /^\.TE$/ { print; table = 0; next }
    table && format { print; if ($0 ~ /\.$/) format = 0; next }
    table && inblock { if ($0 ~ /^T}/) { inblock = 0; print "T}" cells(substr($0, 3)) } else print; next }
    table { print cells($0); next }
    /^\.S[HS] / { print; heading = 1; next }
    heading && /^\.PP$/ { next }
    heading && /^$/ { next }
    { heading = 0; print }'
}
commands=$("$bin" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}')
{
  echo "% DOCKEROPS 1 \"$date\" \"dockerops $version\" \"User Commands\""
  echo
  cat "$src/docs/man/dockerops.1.md"
  echo
  echo "# COMMANDS"
  echo
  for c in $commands; do
    echo "### $c"
    echo
    echo '```'
    "$bin" "$c" --help
    echo '```'
    echo
  done
  cat "$src/docs/man/dockerops.1.tail.md"
} | go-md2man | tidy > "$out/dockerops.1"
{
  echo "% DOCKEROPS.TOML 5 \"$date\" \"dockerops $version\" \"File Formats\""
  echo
  echo "# NAME"
  echo
  echo "dockerops.toml - the file that declares a dockerops project"
  echo
  echo "# DESCRIPTION"
  echo
  # The reference, its title dropped (go-md2man: ## is a section, ### a subsection);
  # links read as their text (the files they name are in the docs folder).
  sed -e '1{/^# /d}' \
      -e 's/\[\([^]]*\)\]([^)]*)/\1/g' "$src/docs/configuration.md"
  echo
  echo "# SEE ALSO"
  echo
  echo "**dockerops**(1); compose files: compose.md in the documentation folder of the installation."
} | go-md2man | tidy > "$out/dockerops.toml.5"
