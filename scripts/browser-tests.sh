#!/usr/bin/env bash
# The wasm-bindgen browser tests against a throwaway bwclient-server. Run inside
# scripts/netns.sh by scripts/test.sh; RUN_DIR keeps the server's data and log.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
run="${1:?RUN_DIR}"
port=$(bash scripts/test-server.sh start "$run")
trap 'bash scripts/test-server.sh stop "$run"' EXIT
export BWCLIENT_TEST_WS="ws://127.0.0.1:$port/sip" BWCLIENT_TEST_SECRET=test-only-browser-secret
cargo test --offline --target wasm32-unknown-unknown -p bwclient
