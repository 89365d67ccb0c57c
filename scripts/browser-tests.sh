#!/usr/bin/env bash
# The wasm-bindgen browser tests (tests/web_*.rs), run by `wasm-pack test --headless --chrome`
# in headless Chromium against a throwaway bwclient-server, real media included.
#   scripts/browser-tests.sh --build     compiles them (outside the network namespace)
#   scripts/browser-tests.sh RUN_DIR     runs them; inside scripts/netns.sh (scripts/test.sh does),
#                                        RUN_DIR keeps the server's data and log
# The tests read the server's URL and test-only secret at compile time; the namespace is
# private, so a fixed port keeps the compiled tests valid from one run to the next.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
PORT=18190
export BWCLIENT_TEST_WS="ws://127.0.0.1:$PORT/sip" BWCLIENT_TEST_SECRET=test-only-browser-secret-0123456789abcdef
# The test page's origin (wasm-bindgen-test-runner): the only other origin the test server lets
# call POST /demo/drop (the fault tests close a phone's socket through it).
export WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$((PORT + 1))"
export BWCLIENT_DEMO_DROP_ORIGINS="http://$WASM_BINDGEN_TEST_ADDRESS"
if [ "${1:-}" = "--build" ]; then
  exec cargo test --target wasm32-unknown-unknown -p bwclient --tests --no-run
fi
run="${1:?RUN_DIR}"
bash scripts/test-server.sh start "$run" "$PORT" >/dev/null
trap 'bash scripts/test-server.sh stop "$run"' EXIT
wasm-pack --log-level warn test --headless --chrome --mode no-install . --offline
