#!/usr/bin/env bash
# Runs a command in a private network namespace that has only loopback, so the browsers' ICE
# candidates and every test packet stay on 127.0.0.1. Everything must be installed and built
# before: there is no network in there. Needs root (or CAP_SYS_ADMIN) for `unshare -n`.
set -euo pipefail
exec unshare -n -- bash -c 'ip link set lo up && exec "$@"' netns "$@"
