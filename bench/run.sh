#!/usr/bin/env bash
# npm run bench: BWClient against its peers, side by side on this machine, in one run.
# Writes bench/RESULTS.md and bench/latency.svg (bench/README.md says what each figure means).
#
#   bash bench/run.sh                       everything (npm run bench runs setup first)
#   BENCH_CALLS=10 bash bench/run.sh        fewer rounds (see the BENCH_* variables below)
#   BENCH_ONLY="size parse" bash bench/run.sh   some steps: size native parse latency memory load
#
# Outside: builds what the bench runs (pkg/ if missing or stale, bwclient-server --release, the peers'
# npm packages in bench/node_modules, bench/wasm-parse, bench/loadgen, bench/native), measures
# sizes, runs criterion, stages the pages. Then it re-runs itself in a private network namespace
# that has only loopback (unshare -n, like tests/e2e/run.sh): bwclient-server (release, demo
# mode) on 127.0.0.1:18080 and Kamailio (deploy/kamailio) on 15066 for the browser steps, then
# fresh servers for the load step. Back outside, bench/report.mjs writes the results.
# Benchmarks report; they never fail a build: a step that fails is logged and marked in
# RESULTS.md, and this script exits 0 (except for a missing tool).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../scripts/env.sh
source scripts/env.sh

OUT="$ROOT/bench/out"
BT="$ROOT/bench/target"           # target dir of the bench's own crates (not the main workspace's)
# Bench-only secrets: the namespace is private and these protect nothing real.
export BWCLIENT_TOKEN_SECRET="bench-only-token-secret-0123456789abcdef"
export BWCLIENT_API_TOKEN="bench-api-token"
export BWCLIENT_API_SECRET="bench-api-secret-0123456789"
ONLY=" ${BENCH_ONLY:-size native parse latency memory load} "
want() { [[ "$ONLY" == *" $1 "* ]]; }
say() { printf '[bench] %s\n' "$*"; }
# Runs one step with a time bound; a failure is recorded, not fatal.
step() { # NAME SECONDS CMD...
  local name="$1" secs="$2" t0 rc
  shift 2
  t0=$(date +%s)
  say "== $name"
  timeout -k 10 "$secs" "$@"
  rc=$?
  printf '%s %s %s\n' "$name" "$rc" "$(( $(date +%s) - t0 ))" >>"$OUT/results/steps.txt"
  [ "$rc" = 0 ] || say "step $name FAILED (exit $rc): reported in RESULTS.md"
  return 0
}

if [ "${BENCH_IN_NETNS:-}" != 1 ]; then
  # ------------------------------------------------------------------ outside the namespace
  for tool in node cargo wasm-pack wasm-opt esbuild chromium kamailio unshare ip; do
    command -v "$tool" >/dev/null 2>&1 || { say "missing $tool: run scripts/setup.sh --test"; exit 1; }
  done
  T0=$(date +%s)
  rm -rf "$OUT/results" "$OUT/logs" "$OUT/www"
  mkdir -p "$OUT/results" "$OUT/logs" "$OUT/www/bench"
  { echo "start $(date -u +%FT%TZ)"; echo "loadavg-start $(cut -d' ' -f1-3 /proc/loadavg)"; } >"$OUT/results/run.txt"

  # Our client: built when pkg/ is missing or older than its sources (the size and browser
  # figures must be those of the code in this tree).
  if ! grep -q BWClient pkg/bwclient.js 2>/dev/null || [ ! -f pkg/bwclient_bg.wasm ] \
     || [ -n "$(find src crates/sip/src scripts/build.sh scripts/short-names.mjs Cargo.toml Cargo.lock crates/sip/Cargo.toml \
                -newer pkg/bwclient_bg.wasm -print -quit 2>/dev/null)" ]; then
    step build-pkg 600 bash scripts/build.sh
  fi
  step build-server 600 cargo build -q --profile server -p bwclient-server
  # The peers: pinned in bench/package.json, installed beside it (not in the root).
  if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package.json -nt bench/node_modules/.package-lock.json ] \
     || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
    step npm-peers 300 npm --prefix bench ci --no-audit --no-fund --loglevel=error
  fi
  if want parse; then
    step build-wasm-parse 300 env CARGO_TARGET_DIR="$BT" wasm-pack build --mode no-install --release --target web \
      --out-dir pkg --out-name parse bench/wasm-parse
    step wasm-opt 120 wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals bench/wasm-parse/pkg/parse_bg.wasm -o bench/wasm-parse/pkg/parse_bg.wasm
  fi
  want load && step build-loadgen 400 env CARGO_TARGET_DIR="$BT" cargo build -q --release --manifest-path bench/loadgen/Cargo.toml
  if want native; then
    step build-native 400 env CARGO_TARGET_DIR="$BT" cargo bench -q --no-run --manifest-path bench/native/Cargo.toml
    rm -rf "$BT/criterion"
    step criterion 180 env CARGO_TARGET_DIR="$BT" cargo bench -q --manifest-path bench/native/Cargo.toml --bench parse -- \
      --warm-up-time 0.5 --measurement-time "${BENCH_CRITERION_SECONDS:-1.5}" --noplot
    step native-results 30 env CARGO_TARGET_DIR="$BT" node bench/native.mjs
  fi
  want size && step size 120 node bench/size.mjs

  # The pages, served by bwclient-server under /bench/ (its --www folder).
  cp bench/pages/*.html bench/pages/ours.js bench/pages/common.js bench/pages/floor.js "$OUT/www/bench/"
  esbuild bench/pages/jssip.js --bundle --format=iife --platform=browser --target=chrome120 --log-level=warning \
    --outfile="$OUT/www/bench/jssip.bundle.js"
  esbuild bench/pages/parse.js --bundle --format=esm --platform=browser --target=chrome120 --log-level=warning \
    --external:/bench/* --outfile="$OUT/www/bench/parse.bundle.js"
  [ -d bench/wasm-parse/pkg ] && cp -R bench/wasm-parse/pkg "$OUT/www/bench/wasm-parse"

  say "entering a private network namespace (loopback only)"
  if [ "$(id -u)" = 0 ]; then
    unshare -n env BENCH_IN_NETNS=1 bash "$0"
  else
    unshare -r -n env BENCH_IN_NETNS=1 bash "$0"
  fi
  echo "loadavg-end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/results/run.txt"
  echo "seconds $(( $(date +%s) - T0 ))" >>"$OUT/results/run.txt"
  node bench/report.mjs || say "report FAILED"
  say "done in $(( $(date +%s) - T0 )) s: bench/RESULTS.md, bench/latency.svg (raw figures in bench/out/results/)"
  exit 0
fi

# -------------------------------------------------------------------- inside the namespace
ip link set lo up
# 10,000 held connections need as many descriptors in each server (and the load generator).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
server_pid=""
cleanup() {
  set +e
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null
  fi
  deploy/kamailio/run.sh stop "$OUT/kamailio" >/dev/null 2>&1
  # Anything else left in this private namespace was started by this run: stop it by pid.
  local netns pid left=()
  netns="$(readlink /proc/$$/ns/net)"
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [ "$pid" = "$$" ] && continue
    [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$netns" ] && left+=("$pid")
  done
  for pid in "${left[@]}"; do kill "$pid" 2>/dev/null; done
  [ "${#left[@]}" -gt 0 ] && sleep 1
  for pid in "${left[@]}"; do kill -9 "$pid" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { # PORT PID WHAT LOG
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { say "$3 exited"; tail -20 "$4" >&2; return 1; }
    sleep 0.1
  done
  say "$3 did not listen on $1"; return 1
}

if want parse || want latency || want memory; then
  rm -rf "$OUT/server-data"
  NO_COLOR=1 RUST_LOG=warn target/server/bwclient-server --listen 127.0.0.1:18080 --data "$OUT/server-data" \
    --www "$OUT/www" --pkg "$ROOT/pkg" --demo >"$OUT/logs/bwclient-server.log" 2>&1 &
  server_pid=$!
  if wait_port 18080 "$server_pid" bwclient-server "$OUT/logs/bwclient-server.log" \
     && BWCLIENT_DB="$OUT/server-data/bwclient.db" deploy/kamailio/run.sh start "$OUT/kamailio" 15066 >/dev/null; then
    export E2E_SERVER_URL="http://127.0.0.1:18080" E2E_KAMAILIO_WS="ws://127.0.0.1:15066" \
      E2E_KAMAILIO_RUN="$OUT/kamailio" E2E_ARTIFACTS="$OUT"
    want parse && step parse 180 node bench/parse-browser.mjs
    want latency && step latency 480 node bench/latency.mjs
    want memory && step memory 180 node bench/memory.mjs
  else
    say "servers did not start: browser steps skipped"
    echo "servers 1 0" >>"$OUT/results/steps.txt"
  fi
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
  deploy/kamailio/run.sh stop "$OUT/kamailio" >/dev/null 2>&1
fi
want load && step load 720 node bench/load.mjs
exit 0
