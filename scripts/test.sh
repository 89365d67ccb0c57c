#!/usr/bin/env bash
# Runs every test. Called by `npm test` after `scripts/setup.sh --test`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

t0=$(date +%s)
# One line per step, with the time since the start: long steps show cargo's own progress.
step() { printf '\n== [%ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (workspace, all targets, -D warnings; and the browser crate for wasm32)"
cargo clippy --workspace --all-targets --all-features -- -D warnings
cargo clippy -p bwclient --target wasm32-unknown-unknown --all-targets -- -D warnings

step "PostgreSQL for the native tests (scripts/pg.sh: initdb/pg_ctl in a temp dir, private port)"
pg_dir="$(mktemp -d /tmp/bwclient-test-pg.XXXXXX)"
trap 'bash scripts/pg.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
pg_port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
# The REST, SIP-view and revocation tests run on SQLite and on a fresh database of this server
# each; with REQUIRE set, a test without it fails instead of running the SQLite half only.
BWCLIENT_TEST_POSTGRES="$(bash scripts/pg.sh start "$pg_dir" "$pg_port")"
export BWCLIENT_TEST_POSTGRES BWCLIENT_TEST_REQUIRE_POSTGRES=1
echo "$BWCLIENT_TEST_POSTGRES"

step "native tests (cargo test --workspace)"
cargo test --workspace --all-features --no-run
set +e
mkdir -p target
cargo test --workspace --all-features >target/test-output.log 2>&1
rc=$?
set -e
grep -E '^test result|^     Running|^   Doc-tests' target/test-output.log || true
if [ "$rc" != 0 ]; then
  grep -vE '^test .* \.\.\. ok$' target/test-output.log | tail -200
  echo "native tests failed (exit $rc)"; exit "$rc"
fi
passed=$(grep -oE '^test result: ok\. [0-9]+ passed' target/test-output.log | awk '{s+=$4} END {print s+0}')

step "core crate builds for wasm32-unknown-unknown"
cargo build -p bwclient-sip --target wasm32-unknown-unknown

step "browser tests: wasm-pack test --headless --chrome (tests/web_*.rs, real server and media, loopback-only netns)"
cargo build -p bwclient-server
# Compile first: the namespace has no network.
cargo fetch -q
bash scripts/browser-tests.sh --build
run="$ROOT/target/browser-tests"
rm -rf "$run"; mkdir -p "$run"
set +e
bash scripts/netns.sh bash scripts/browser-tests.sh "$run" >"$run/output.log" 2>&1
rc=$?
set -e
grep -E '^test result|^     Running' "$run/output.log" || true
if [ "$rc" != 0 ]; then
  tail -150 "$run/output.log"
  echo "browser tests failed (exit $rc)"; exit "$rc"
fi
passed=$(( passed + $(grep -oE '^test result: ok\. [0-9]+ passed' "$run/output.log" | awk '{s+=$4} END {print s+0}') ))

step "release build of the package (pkg/, pkg-bundler/)"
bash scripts/build.sh

step "end-to-end: real pages in Chromium through bwclient-server and Kamailio, JsSIP interop (netns)"
set +e
E2E_NO_BUILD=1 bash tests/e2e/run.sh >target/e2e-output.log 2>&1
rc=$?
set -e
grep -E '^ℹ (tests|pass|fail|skipped) |^✖' target/e2e-output.log || true
if [ "$rc" != 0 ]; then
  tail -150 target/e2e-output.log; echo "end-to-end tests failed (exit $rc)"; exit "$rc"
fi
e2e_passed=$(grep -E '^ℹ pass ' target/e2e-output.log | awk '{s+=$3} END {print s+0}')
passed=$(( passed + e2e_passed ))

step "sipcheck on the RFC 4475 torture messages"
cargo run -q -p bwclient-sip --example sipcheck -- crates/sip/tests/fixtures/rfc4475/*/*.sip

printf '\nall steps ok in %ss\n' "$(( $(date +%s) - t0 ))"
printf '%s passed, 0 failed\n' "$passed"
