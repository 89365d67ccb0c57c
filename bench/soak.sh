#!/usr/bin/env bash
# npm run soak: 200 phones (bench/loadgen) registering and calling one another through a
# release bwclient-server for SOAK_MINUTES (default 10), one connection in 20 sending garbage
# or stalling. Asserts zero lost calls among the well-behaved, flat server memory (RSS growth
# < 5 % from minute 2 to the end) and no panic; prints progress each minute; writes
# bench/out/soak/soak.json and the "Soak" section of bench/RESULTS.md (other sections kept).
# Exits 0 when every criterion holds, 1 when one fails, 2 when the run could not be made.
# Not part of npm test.
#
#   bash bench/soak.sh                      10 minutes (npm run soak runs setup first)
#   SOAK_MINUTES=1 bash bench/soak.sh       shorter (memory is then judged from a fifth of the run)
#   SOAK_PHONES=100 SOAK_BAD_EVERY=10 …     other mixes
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../scripts/env.sh
source scripts/env.sh
OUT="$ROOT/bench/out"
say() { printf '[soak] %s\n' "$*"; }
# Bench-only secrets: the namespace is private and these protect nothing real.
export BWCLIENT_TOKEN_SECRET="bench-only-token-secret-0123456789abcdef"
export BWCLIENT_API_TOKEN="bench-api-token"
export BWCLIENT_API_SECRET="bench-api-secret-0123456789"
MINUTES="${SOAK_MINUTES:-10}"

if [ "${SOAK_IN_NETNS:-}" != 1 ]; then
  # ------------------------------------------------------------------ outside the namespace
  for tool in node cargo unshare ip timeout; do
    command -v "$tool" >/dev/null 2>&1 || { say "missing $tool: run scripts/setup.sh --test"; exit 2; }
  done
  mkdir -p "$OUT/soak"
  say "building bwclient-server (--profile server) and bench/loadgen (release)"
  cargo build -q --profile server -p bwclient-server || { say "server build failed"; exit 2; }
  CARGO_TARGET_DIR="$ROOT/bench/target" cargo build -q --release --manifest-path bench/loadgen/Cargo.toml \
    || { say "loadgen build failed"; exit 2; }
  { echo "start $(date -u +%FT%TZ)"; echo "loadavg-start $(cut -d' ' -f1-3 /proc/loadavg)"; } >"$OUT/soak/run.txt"
  say "entering a private network namespace (loopback only)"
  if [ "$(id -u)" = 0 ]; then
    unshare -n env SOAK_IN_NETNS=1 bash "$0"
  else
    unshare -r -n env SOAK_IN_NETNS=1 bash "$0"
  fi
  rc=$?
  { echo "end $(date -u +%FT%TZ)"; echo "loadavg-end $(cut -d' ' -f1-3 /proc/loadavg)"; } >>"$OUT/soak/run.txt"
  node bench/soak-report.mjs || say "RESULTS.md section FAILED"
  case "$rc" in
    0) say "PASS (bench/out/soak/soak.json, bench/RESULTS.md)" ;;
    1) say "FAIL: a criterion failed (bench/out/soak/soak.json)" ;;
    *) say "the soak could not run (exit $rc)" ;;
  esac
  exit "$rc"
fi

# -------------------------------------------------------------------- inside the namespace
ip link set lo up
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cleanup() {
  # Anything left in this private namespace was started by this run: stop it by pid.
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
# Bounded: the calling period, the ramp, the drain and the setup, with margin.
timeout -k 10 "$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 + 420 }')" node bench/soak.mjs
rc=$?
[ "$rc" = 124 ] && rc=2
exit "$rc"
