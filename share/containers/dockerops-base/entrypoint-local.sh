#!/bin/bash
# Images built on the base container replace or extend this file: it runs at
# every start before the command, except in safemode.
true
