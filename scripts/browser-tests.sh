#!/usr/bin/env bash
# The wasm-bindgen browser tests (tests/web_core.rs: the wasm `Core` in headless Chromium).
# Run inside scripts/netns.sh by scripts/test.sh; the JS API over it is tested end to end by
# tests/e2e/specs/ours-api-server.test.mjs against a real server.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
cargo test --offline --target wasm32-unknown-unknown -p bwclient
