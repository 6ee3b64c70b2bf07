#!/bin/bash
set -e

# Sample container entrypoint file: runs at every start, before supervisord.
date > /tmp/entrypoint-local-ran
