#!/bin/sh
# The base container's health check (HEALTHCHECK in the Dockerfile): healthy
# when sshd answers and no supervisord program has failed. A program in FATAL
# (supervisord gave up on it) or BACKOFF (it keeps exiting) makes the instance
# unhealthy, and the output -- which `dockerops apply` shows when it waits for
# the instance -- names the program and the last lines of its output.
status=$(supervisorctl status 2>&1)
failed=$(printf '%s\n' "$status" | awk '$2 == "FATAL" || $2 == "BACKOFF" { print $1 }')
if [ -n "$failed" ]; then
  for p in $failed; do
    printf 'program %s is %s\n' "$p" "$(printf '%s\n' "$status" | awk -v p="$p" '$1 == p { $1 = ""; sub(/^ /, ""); print }')"
    printf -- '--- last lines of %s:\n' "$p"
    supervisorctl tail "$p" 2>&1 | grep -v '^$' | tail -n 8
    # Its stderr, when it has a log of its own (not redirect_stderr).
    err=$(supervisorctl tail "$p" stderr 2>/dev/null)
    case "$err" in
      *"ERROR (no log file)"*|"") ;;
      *) printf '%s\n' "$err" | grep -v '^$' | tail -n 8 ;;
    esac
  done
  exit 1
fi
# A program still STARTING is not ready yet. Supervisord also shows STARTING
# between the tries of a program that keeps exiting (BACKOFF, STARTING,
# BACKOFF, ... FATAL): a check that fell in such a moment passed, and apply
# took a failing program for a ready one (e2e platform: program_fails).
starting=$(printf '%s\n' "$status" | awk '$2 == "STARTING" { print $1 }')
if [ -n "$starting" ]; then
  echo "program $(printf '%s' "$starting" | paste -sd, -) is still starting"
  exit 1
fi
# sshd listens on port 22 (0x0016, state 0A = LISTEN in /proc/net/tcp*). Read
# from the kernel's socket table rather than by connecting: every connection
# that sends no SSH banner costs two lines in sshd's log ("kex_exchange_
# identification: Connection closed"), and at one check every 2 s those lines
# buried the log that `dockerops logs --program sshd` shows.
if ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null \
    | awk 'NR > 0 && $2 ~ /:0016$/ && $4 == "0A" { found = 1 } END { exit !found }'; then
  echo "sshd does not listen on port 22"
  exit 1
fi
exit 0
