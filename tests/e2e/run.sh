#!/usr/bin/env bash
# End-to-end tests: real Chromium pages, real servers, real media, on loopback only.
#
#   tests/e2e/run.sh                 every spec in tests/e2e/specs/
#   tests/e2e/run.sh SPEC...         only these spec files (paths or names in tests/e2e/specs/)
#   E2E_NO_BUILD=1 tests/e2e/run.sh  reuse target/debug/bwclient-server (iterating on specs)
#
# 1. Outside: builds bwclient-server, bundles the JsSIP page with esbuild, stages the pages,
#    packs pkg-bundler/ and builds the consumer apps from it (tests/consumers/build.sh), then
#    re-runs itself in a private network namespace (unshare -n) that has only loopback: nothing
#    can be installed or downloaded from there on.
# 2. Inside: starts bwclient-server (127.0.0.1:18080, demo mode) and Kamailio (ws on
#    127.0.0.1:15066) with one test-only token secret, runs the specs with node's test runner,
#    and stops both by pid on exit. Logs, screenshots and figures go to test-artifacts/e2e/.
# Exits non-zero if any spec fails. Our client's specs (ours-*) skip, loudly, until pkg/ holds
# a build of the client with the BWClient API (scripts/build.sh makes it; this script does not).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/env.sh
source scripts/env.sh

ART="$ROOT/test-artifacts/e2e"
STAGE="$ROOT/target/e2e/www"
SERVER_PORT=18080
KAMAILIO_PORT=15066
KAMAILIO_WSS_PORT=15067
# Test-only secrets: the namespace is private and these never protect anything real.
export BWCLIENT_TOKEN_SECRET="e2e-test-only-token-secret-0123456789abcdef"
export BWCLIENT_API_TOKEN="e2e-api-token"
export BWCLIENT_API_SECRET="e2e-api-secret-0123456789"

say() { printf '[e2e] %s\n' "$*"; }

if [ "${E2E_IN_NETNS:-}" != 1 ]; then
  # ---------------------------------------------------------------- outside the namespace
  for tool in node chromium kamailio sqlite3 unshare ip; do
    command -v "$tool" >/dev/null 2>&1 || { say "missing $tool: run scripts/setup.sh --test"; exit 1; }
  done
  [ -x node_modules/.bin/esbuild ] && [ -d node_modules/jssip ] && [ -d node_modules/playwright-core ] \
    || { say "missing npm dev dependencies (jssip, esbuild, playwright-core): run npm install"; exit 1; }

  if [ "${E2E_NO_BUILD:-}" = 1 ] && [ -x target/debug/bwclient-server ]; then
    say "E2E_NO_BUILD=1: using the existing target/debug/bwclient-server"
  else
    say "building bwclient-server"
    cargo build -q -p bwclient-server
  fi

  rm -rf "$ART" "$STAGE"
  mkdir -p "$ART/logs" "$ART/screenshots" "$STAGE/e2e"
  # The server's --www folder: the demo page (www/) at /, the test pages at /e2e/.
  cp -R www/. "$STAGE/"
  cp tests/e2e/pages/*.html "$STAGE/e2e/"
  find tests/e2e/pages -maxdepth 1 -name '*.js' ! -name 'jssip-page.js' -exec cp {} "$STAGE/e2e/" \;
  say "bundling JsSIP $(node -p "require('jssip/package.json').version") with esbuild"
  esbuild tests/e2e/pages/jssip-page.js --bundle --format=iife --platform=browser \
    --target=chrome120 --log-level=warning --outfile="$STAGE/e2e/jssip.bundle.js"

  # The package as its users consume it: npm pack → a Vite + TypeScript app and a webpack 5 app
  # (tests/consumers/), type-checked and built here (npm needs the registry the first time),
  # served at /consumers/{vite,webpack}/. A failure fails specs/ours-consumers with this log.
  consumers=1
  if [ "$#" -gt 0 ]; then consumers=0; for s in "$@"; do case "$s" in *consumers*) consumers=1 ;; esac; done; fi
  if [ "$consumers" = 1 ] && [ -f pkg-bundler/package.json ]; then
    say "building the consumer apps from npm pack of pkg-bundler/ (tests/consumers/build.sh)"
    set +e
    bash tests/consumers/build.sh "$STAGE/consumers" 2>&1 | tee "$ART/logs/consumers-build.log"
    [ "${PIPESTATUS[0]}" = 0 ] || say "!!! the consumer apps did not build: specs/ours-consumers will fail (logs/consumers-build.log)"
    set -e
  fi

  if ! node tests/e2e/lib/ours.mjs; then
    printf '\n[e2e] !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '[e2e] !!! OUR CLIENT IS NOT BUILT: every ours-* spec will be SKIPPED.            !!!\n'
    printf '[e2e] !!! Build it with scripts/build.sh (npm run build) to run them.            !!!\n'
    printf '[e2e] !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n'
  fi

  say "entering a private network namespace (loopback only)"
  if [ "$(id -u)" = 0 ]; then
    exec unshare -n env E2E_IN_NETNS=1 bash "$0" "$@"
  else
    exec unshare -r -n env E2E_IN_NETNS=1 bash "$0" "$@"
  fi
fi

# ------------------------------------------------------------------ inside the namespace
ip link set lo up
server_pid=""
cleanup() {
  local rc=$?
  set +e
  # A spec may have restarted the server (ours-restart-server): its pid is in the pid file.
  [ -f "$ART/server.pid" ] && server_pid="$(cat "$ART/server.pid")"
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null
  fi
  deploy/kamailio/run.sh stop "$ART/kamailio" >/dev/null 2>&1
  # Safety net: anything else still in this private namespace was started by this run (a
  # browser of a crashed spec, a Kamailio whose pid file was lost). Stop it by pid.
  local netns pid left=()
  netns="$(readlink /proc/$$/ns/net)"
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [ "$pid" = "$$" ] && continue
    [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$netns" ] && left+=("$pid")
  done
  if [ "${#left[@]}" -gt 0 ]; then
    for pid in "${left[@]}"; do
      say "stopping leftover process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-100)"
      kill "$pid" 2>/dev/null
    done
    sleep 1
    for pid in "${left[@]}"; do kill -9 "$pid" 2>/dev/null; done
  fi
  say "logs, screenshots and figures in ${ART#"$ROOT"/}/"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { # PORT PID WHAT
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { say "$3 exited"; tail -30 "$4" >&2; return 1; }
    sleep 0.1
  done
  say "$3 did not listen on $1 in 15 s"; tail -30 "$4" >&2; return 1
}

say "starting bwclient-server on 127.0.0.1:$SERVER_PORT"
# The launcher a spec uses to start the server again after killing it (same port, data
# folder and secrets; tests/e2e/lib/server.mjs): it records the pid and appends to the log.
cat >"$ART/server-start.sh" <<LAUNCH
#!/usr/bin/env bash
cd "$ROOT"
NO_COLOR=1 RUST_LOG="${E2E_RUST_LOG:-info,bwclient_server=debug}" exec target/debug/bwclient-server \\
  --listen "127.0.0.1:$SERVER_PORT" --data "$ART/server-data" \\
  --www "$STAGE" --pkg "$ROOT/pkg" --demo >>"$ART/logs/bwclient-server.log" 2>&1
LAUNCH
bash "$ART/server-start.sh" &
server_pid=$!
echo "$server_pid" >"$ART/server.pid"
wait_port "$SERVER_PORT" "$server_pid" bwclient-server "$ART/logs/bwclient-server.log"

# Kamailio reads the server's database (token rows, revocations): deploy/kamailio/run.sh.
export BWCLIENT_DB="$ART/server-data/bwclient.db"
say "starting Kamailio on 127.0.0.1:$KAMAILIO_PORT (ws) and :$KAMAILIO_WSS_PORT (wss)"
deploy/kamailio/run.sh start "$ART/kamailio" "$KAMAILIO_PORT" "$KAMAILIO_WSS_PORT"

export E2E_SERVER_URL="http://127.0.0.1:$SERVER_PORT"
export E2E_KAMAILIO_WS="ws://127.0.0.1:$KAMAILIO_PORT"
export E2E_KAMAILIO_WSS="wss://127.0.0.1:$KAMAILIO_WSS_PORT"
export E2E_KAMAILIO_RUN="$ART/kamailio"
export E2E_ARTIFACTS="$ART"
export E2E_SERVER_START="$ART/server-start.sh"
export E2E_SERVER_PID_FILE="$ART/server.pid"

specs=()
if [ "$#" -gt 0 ]; then
  for s in "$@"; do
    if [ -f "$s" ]; then specs+=("$s"); else specs+=("tests/e2e/specs/${s%.test.mjs}.test.mjs"); fi
  done
else
  for s in tests/e2e/specs/*.test.mjs; do specs+=("$s"); done
fi

say "running ${#specs[@]} spec files"
set +e
# One spec file at a time (they share the two servers, and one restarts Kamailio); a hard
# bound on the whole run on top of each test's own timeout.
timeout -k 10 "${E2E_TOTAL_TIMEOUT:-540}" node --test --test-concurrency=1 --test-reporter=spec \
  --test-timeout=180000 "${specs[@]}" 2>&1 | tee "$ART/node-test.log"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 124 ] && say "the whole e2e run hit its time limit"
[ -f "$ART/figures.jsonl" ] && { say "figures (test-artifacts/e2e/figures.jsonl):"; cat "$ART/figures.jsonl"; }
exit "$rc"
