#!/usr/bin/env bash
# Kamailio cluster figures (issue 13, item 5), by hand: bash bench/cluster.sh
#
# 1. REGISTERs per CPU-second with DMQ off (one node) and on (node A with a peer B: every
#    binding change replicated by dmq_usrloc), bench/loadgen `rate` against 127.0.0.2 (digest,
#    the auth_ephemeral credentials), BENCH_CLUSTER_REPS rounds alternating. CPU = utime+stime
#    of each node's process tree over the whole loadgen run (A's also over loadgen's window).
# 2. Registrations held: BENCH_CLUSTER_HOLD WebSocket connections REGISTERed once and kept, on a
#    lone node and on node A of a pair; PSS growth per registration of the node holding them
#    and of the peer that only holds their replicas; how many fit in the shared memory.
# 3. Time for a phone to be reachable again after its node dies, and the audio gap of a call
#    across it: the e2e spec ours-cluster-kamailio (our client, real Chromium) run
#    BENCH_CLUSTER_FAILOVER_REPS times (needs pkg/ built and target/debug/bwclient-server).
# Writes bench/out/cluster/cluster.json and the "Kamailio cluster" section of bench/RESULTS.md
# (bench/cluster-report.mjs; ~5 min).
# Nodes run in a private network namespace on 127.0.0.2 / 127.0.0.3, BWCLIENT_DB=none (the token
# database query is not part of these figures), -m 1024 MB shared memory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${BENCH_OUT:-$ROOT/bench/out}/cluster"
REPS="${BENCH_CLUSTER_REPS:-3}"
HOLD="${BENCH_CLUSTER_HOLD:-5000}"
FAILOVER_REPS="${BENCH_CLUSTER_FAILOVER_REPS:-3}"
PORT=15266
LOADGEN="$ROOT/bench/target/release/bwclient-bench-loadgen"
say() { printf '[cluster] %s\n' "$*" >&2; }

if [ "${BENCH_CLUSTER_NETNS:-}" != 1 ]; then
  # ------------------------------------------------------------ outside: build, then the netns
  if [ ! -x "$LOADGEN" ]; then
    say "building bench/loadgen"
    CARGO_TARGET_DIR="$ROOT/bench/target" cargo build -q --release --manifest-path bench/loadgen/Cargo.toml
  fi
  rm -rf "$OUT"; mkdir -p "$OUT"
  if [ "$(id -u)" = 0 ]; then unshare -n env BENCH_CLUSTER_NETNS=1 bash "$0"; else unshare -r -n env BENCH_CLUSTER_NETNS=1 bash "$0"; fi
  # Failover: the e2e spec, which makes its own namespace.
  : >"$OUT/failover.jsonl"
  for i in $(seq 1 "$FAILOVER_REPS"); do
    say "failover run $i/$FAILOVER_REPS (tests/e2e ours-cluster-kamailio)"
    if E2E_NO_BUILD=1 bash tests/e2e/run.sh ours-cluster-kamailio >"$OUT/failover-$i.log" 2>&1; then
      grep '"suite":"ours-cluster-kamailio","name":"failover"' test-artifacts/e2e/figures.jsonl >>"$OUT/failover.jsonl" || true
    else
      say "failover run $i failed (see $OUT/failover-$i.log)"
    fi
  done
  node bench/cluster-report.mjs "$OUT"
  exit 0
fi

# -------------------------------------------------------------- inside the namespace
ip link set lo up
SECRET="bench-only-cluster-secret-0123456789abcdef"
export BWCLIENT_TOKEN_SECRET="$SECRET" BWCLIENT_DB=none KAM_SHM_MB=1024 KAM_TCP_MAX_CONNECTIONS=$((HOLD + 2000))
cleanup() { for d in a b; do deploy/kamailio/run.sh stop "$OUT/$d" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT

# start NAME ADDR [PEER_ADDR]: a fresh node; prints its main pid.
start() {
  local dir="$OUT/$1"
  rm -rf "$dir"
  KAM_LISTEN_ADDR="$2" KAM_DMQ_PEERS="${3:+$3:$PORT}" deploy/kamailio/run.sh start "$dir" "$PORT" >/dev/null 2>"$dir.err" \
    || { cat "$dir.err" >&2; exit 1; }
  cat "$dir/kamailio.main.pid"
}
stop() { deploy/kamailio/run.sh stop "$OUT/$1" >/dev/null 2>&1 || true; }

tree() { # PID: it and its descendants
  local out=("$1") i=0
  while [ "$i" -lt "${#out[@]}" ]; do
    for c in $(cat /proc/"${out[$i]}"/task/*/children 2>/dev/null); do out+=("$c"); done
    i=$((i + 1))
  done
  echo "${out[@]}"
}
cpu() { # PID: utime+stime of its tree, in clock ticks
  local t=0 f
  for p in $(tree "$1"); do
    f=($(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null)) || continue
    [ "${#f[@]}" -gt 12 ] && t=$((t + f[11] + f[12]))
  done
  echo "$t"
}
pss() { # PID: PSS of its tree, KiB
  local t=0
  for p in $(tree "$1"); do
    t=$((t + $(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)))
  done
  echo "$t"
}
rate() { # PID: loadgen rate against node A (127.0.0.2)
  "$LOADGEN" rate --url "ws://127.0.0.2:$PORT/" --host bench.bwclient.test --secret "$SECRET" --auth digest \
    --users 500 --conns 1000 --warmup 2 --duration 4 --pid "$1"
}

# 1. REGISTER rate, DMQ off / on, alternating.
: >"$OUT/rate.jsonl"
for r in $(seq 1 "$REPS"); do
  for mode in off on; do
    if [ "$mode" = off ]; then
      a=$(start a 127.0.0.2); b=""
    else
      b=$(start b 127.0.0.3 127.0.0.2); a=$(start a 127.0.0.2 127.0.0.3)
      sleep 2 # DMQ: the nodes find each other
    fi
    say "rate round $r, DMQ $mode"
    a0=$(cpu "$a"); b0=0; [ -n "$b" ] && b0=$(cpu "$b")
    res=$(rate "$a")
    a1=$(cpu "$a"); b1=0; [ -n "$b" ] && b1=$(cpu "$b")
    echo "{\"round\":$r,\"dmq\":\"$mode\",\"nodeACpuTicks\":$((a1 - a0)),\"nodeBCpuTicks\":$((b1 - b0)),\"loadgen\":$res}" >>"$OUT/rate.jsonl"
    stop a; [ -n "$b" ] && stop b
  done
done

# 2. Registrations held: on a lone node, then on A of a pair (B holds the replicas).
: >"$OUT/hold.jsonl"
for mode in off on; do
  if [ "$mode" = off ]; then
    a=$(start a 127.0.0.2); b=""
  else
    b=$(start b 127.0.0.3 127.0.0.2); a=$(start a 127.0.0.2 127.0.0.3)
    sleep 2
  fi
  say "hold $HOLD registrations, DMQ $mode"
  b0=0; [ -n "$b" ] && b0=$(pss "$b")
  # settle 8 s: the peer's write-back (usrloc db_mode 2, every 5 s) shows its replica count.
  "$LOADGEN" hold --url "ws://127.0.0.2:$PORT/" --host bench.bwclient.test --secret "$SECRET" --auth digest \
    --users "$HOLD" --conns "$HOLD" --pid "$a" --settle 8 >"$OUT/hold-$mode.json" &
  lg=$!
  replicas=0; peak_b=$b0
  while kill -0 "$lg" 2>/dev/null; do
    if [ -n "$b" ]; then
      n=$(sqlite3 "$OUT/b/kamailio-state.db" 'SELECT COUNT(*) FROM location' 2>/dev/null || echo 0)
      [ "$n" -gt "$replicas" ] && replicas=$n
      p=$(pss "$b"); [ "$p" -gt "$peak_b" ] && peak_b=$p
    fi
    sleep 1
  done
  wait "$lg"
  echo "{\"dmq\":\"$mode\",\"peerPssKiB\":[$b0,$peak_b],\"peerReplicas\":$replicas,\"loadgen\":$(cat "$OUT/hold-$mode.json")}" >>"$OUT/hold.jsonl"
  stop a; [ -n "$b" ] && stop b
done
