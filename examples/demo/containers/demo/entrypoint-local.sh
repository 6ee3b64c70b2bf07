#!/bin/bash
# The demo image's own start-up, run by the base container's entrypoint at
# every start — except in safemode.
date -u +%FT%TZ > /tmp/entrypoint-local-ran
