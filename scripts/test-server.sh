#!/usr/bin/env bash
# Starts or stops a throwaway bwclient-server (demo mode, loopback, temp data, test-only secret)
# for the browser tests.
#   scripts/test-server.sh start RUN_DIR [PORT]   prints the port (a free one unless PORT is
#                                                given); the server's log is RUN_DIR/server.log
#   scripts/test-server.sh stop RUN_DIR
set -euo pipefail
source "$(dirname "$0")/env.sh"
cmd="${1:?start|stop}"; run="${2:?RUN_DIR}"
mkdir -p "$run"
case "$cmd" in
start)
  port="${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
  BWCLIENT_TOKEN_SECRET="${BWCLIENT_TOKEN_SECRET:-test-only-browser-secret-0123456789abcdef}" \
    nohup "$ROOT/target/debug/bwclient-server" --listen "127.0.0.1:$port" --data "$run/data" \
      --www "$ROOT/www" --pkg "$ROOT/pkg" --demo >"$run/server.log" 2>&1 &
  echo $! > "$run/server.pid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; exit 0; fi
    kill -0 "$(cat "$run/server.pid")" 2>/dev/null || { cat "$run/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "bwclient-server did not start" >&2; cat "$run/server.log" >&2; exit 1
  ;;
stop)
  [ -f "$run/server.pid" ] && kill "$(cat "$run/server.pid")" 2>/dev/null || true
  rm -f "$run/server.pid"
  ;;
esac
