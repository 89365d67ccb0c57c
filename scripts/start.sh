#!/usr/bin/env bash
# Builds the client and starts the platform server with the demo page.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/build.sh
cargo build -q --profile server -p bwclient-server
exec target/server/bwclient-server --demo "$@"
