#!/usr/bin/env bash
# Builds the client and starts the platform server with the demo page.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
t0=$(date +%s)
bash scripts/build.sh
echo "[start] building bwclient-server (--profile server; a few minutes the first time)"
cargo build --profile server -p bwclient-server
echo "[start] built in $(( $(date +%s) - t0 )) s; starting the server"
exec target/server/bwclient-server --demo "$@"
