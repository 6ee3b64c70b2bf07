#!/usr/bin/env bash
# dockerops.1, made from the same text as --help: the command list of
# `dockerops --help` and each command's `dockerops COMMAND --help`.
#   scripts/make_manpage.sh BIN > dockerops.1
set -euo pipefail
bin=$1
version=$("$bin" version | head -1 | awk '{print $2}')
esc() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/"; }
commands=$("$bin" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}')
cat <<ROFF
.TH DOCKEROPS 1 "" "dockerops $version" "User Commands"
.SH NAME
dockerops \- plan and apply whole Docker platforms declared in one TOML file
.SH SYNOPSIS
.B dockerops
.I COMMAND
[\fIOPTIONS\fR]
.SH DESCRIPTION
.nf
ROFF
"$bin" --help | esc
echo ".fi"
echo ".SH COMMANDS"
for c in $commands; do
  [ "$c" = version ] && continue
  echo ".SS $c"
  echo ".nf"
  "$bin" "$c" --help | esc
  echo ".fi"
done
cat <<'ROFF'
.SH ENVIRONMENT
.TP
.B DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH
the engine to talk to, as for the docker client (default: the local socket)
.TP
.B DOCKEROPS_SHARE_DIR
where the built-in containers (dockerops-base, dockerops-dns) are; default:
the share folder of the installation (see \fBdockerops version\fR)
.TP
.B NO_COLOR
no colour in plans
.SH FILES
.TP
.I dockerops.toml
the project; \fIdockerops.host.toml\fR beside it holds per-host values
.TP
.I apps_containers/
a 2016 DockerOps project (run.conf, build.conf, host.conf)
.SH SEE ALSO
The reference of the file format and the commands is in the documentation
folder of the installation (docs/configuration.md, docs/commands.md).
ROFF
