#!/usr/bin/env bash
# Starts or stops Kamailio with the BWClient profile, in the foreground process model (-DD) so
# its logs are kept, tracked by pid file. Used by the tests and by people trying the profile.
#
#   deploy/kamailio/run.sh start RUN_DIR [WS_PORT [WSS_PORT]]   secret from $BWCLIENT_TOKEN_SECRET
#
# $BWCLIENT_DB names bwclient-server's database file (<data dir>/bwclient.db): Kamailio reads it
# (read only) to refuse revoked tokens and disabled endpoints and to drop the registrations
# bwclient-server revokes. BWCLIENT_DB=none runs without it: tokens are then valid until they
# expire, whatever happens to them or their endpoint at bwclient-server (not for production).
# $BWCLIENT_DB_URL (postgres://user@host:port/db), when set, names bwclient-server's PostgreSQL
# database instead (bwclient-server --database): the same queries through db_postgres, so every
# Kamailio node reading it refuses a token revoked through any API instance. It wins over
# $BWCLIENT_DB.
#
# With WSS_PORT it also listens for wss (TLS). The certificate is $BWCLIENT_TLS_CERT and
# $BWCLIENT_TLS_KEY if set, else a self-signed one for localhost/127.0.0.1 made with openssl in
# RUN_DIR (for tests: browsers need --ignore-certificate-errors or the cert trusted).
#   deploy/kamailio/run.sh stop RUN_DIR
#
# Cluster node (deploy/kamailio/README.md, "Cluster"): the same command with
#   KAM_LISTEN_ADDR=127.0.0.2        this node's address (default 127.0.0.1): ws/wss listeners,
#                                    its DMQ address and the Path it writes into registrations
#   KAM_DMQ_PEERS=127.0.0.3:15066,…  the other nodes (address:ws port; port defaults to WS_PORT):
#                                    DMQ notification peers, and the only addresses whose plain-TCP
#                                    SIP requests are trusted as relayed by a node
# With KAM_DMQ_PEERS set the node runs -A WITH_CLUSTER (DMQ, dmq_usrloc, Path).
# Sizing (any node): KAM_SHM_MB shared memory in MB (default 64; registrations, dialogs and TCP
# connections live there), KAM_TCP_MAX_CONNECTIONS (default Kamailio's 2048).
#
# RUN_DIR receives kamailio.cfg, secret.cfg (mode 600), the pid files and kamailio.log, and
# keeps kamailio-state.db: Kamailio's own SQLite file (registrations and dialogs, so calls
# survive a restart), created on first start from Kamailio's shipped schema
# (/usr/share/kamailio/db_sqlite) and kept across stop/start. Delete it to start afresh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:?start|stop}"; run="${2:?RUN_DIR}"
mkdir -p "$run"; run="$(cd "$run" && pwd)"

case "$cmd" in
start)
  port="${3:-5066}"
  wss_port="${4:-}"
  secret="${BWCLIENT_TOKEN_SECRET:?set BWCLIENT_TOKEN_SECRET to the server token secret}"
  case "$secret" in *'"'*|*'\'*) echo "secret must not contain quotes or backslashes" >&2; exit 2;; esac
  # Already running from this run directory: leave it alone (starting a second one would fail
  # on the pid file after truncating the running one's log).
  if [ -f "$run/kamailio.main.pid" ] && kill -0 "$(cat "$run/kamailio.main.pid")" 2>/dev/null; then
    echo "kamailio already running (pid $(cat "$run/kamailio.main.pid"))"; exit 0
  fi
  cp "$here/kamailio.cfg" "$run/kamailio.cfg"
  umask 077
  printf 'modparam("auth_ephemeral", "secret", "%s")\n' "$secret" > "$run/secret.cfg"
  addr="${KAM_LISTEN_ADDR:-127.0.0.1}"
  case "$addr" in *[!0-9.]*|'') echo "KAM_LISTEN_ADDR must be an IPv4 address" >&2; exit 2;; esac
  defines=(-A "WS_PORT=$port" -A "LISTEN_IP=$addr")
  shm_mb="${KAM_SHM_MB:-64}"
  case "$shm_mb" in *[!0-9]*|'') echo "KAM_SHM_MB must be a number of MB" >&2; exit 2;; esac
  if [ -n "${KAM_TCP_MAX_CONNECTIONS:-}" ]; then
    case "$KAM_TCP_MAX_CONNECTIONS" in *[!0-9]*) echo "KAM_TCP_MAX_CONNECTIONS must be a number" >&2; exit 2;; esac
    defines+=(-A "TCP_MAX_CONNECTIONS=$KAM_TCP_MAX_CONNECTIONS")
  fi
  if [ -n "${KAM_DMQ_PEERS:-}" ]; then
    peers_route='route[CLUSTER_PEER] {'$'\n'
    first=""
    IFS=',' read -r -a peers <<<"$KAM_DMQ_PEERS"
    for p in "${peers[@]}"; do
      p="${p// /}"; [ -n "$p" ] || continue
      case "$p" in *:*) pip="${p%%:*}"; pport="${p##*:}";; *) pip="$p"; pport="$port";; esac
      case "$pip$pport" in *[!0-9.]*) echo "KAM_DMQ_PEERS: bad peer $p (ip[:port])" >&2; exit 2;; esac
      first+="modparam(\"dmq\", \"notification_address\", \"sip:$pip:$pport;transport=tcp\")"$'\n'
      peers_route+=$'\t'"if (\$var(peer_ip) == \"$pip\") return 1;"$'\n'
    done
    [ -n "$first" ] || { echo "KAM_DMQ_PEERS: no peer" >&2; exit 2; }
    peers_route+=$'\t''return -1;'$'\n''}'$'\n'
    printf '%s' "$peers_route" > "$run/cluster-peers.cfg"
    printf 'modparam("dmq", "server_address", "sip:%s:%s;transport=tcp")\nmodparam("dmq", "multi_notify", 0)\n%s' \
      "$addr" "$port" "$first" > "$run/cluster.cfg"
    defines+=(-A WITH_CLUSTER)
  fi
  # Kamailio's own state (usrloc location, dialog, dialog_vars), read-write, WAL; separate from
  # bwclient-server's database, which it only reads.
  state="$run/kamailio-state.db"
  case "$state" in *'"'*|*'\'*|*';'*|*'='*) echo "RUN_DIR must not contain quotes, backslashes, ; or =" >&2; exit 2;; esac
  if [ ! -s "$state" ]; then
    schema=/usr/share/kamailio/db_sqlite
    rm -f "$state.new"
    command -v sqlite3 >/dev/null || { echo "sqlite3 not installed (scripts/setup.sh)" >&2; exit 1; }
    # WAL is a property of the file (kept once set): readers never block Kamailio's writers.
    { echo 'PRAGMA journal_mode=WAL;'; cat "$schema/standard-create.sql" "$schema/usrloc-create.sql" "$schema/dialog-create.sql"; } \
      | sqlite3 "$state.new" || { echo "could not create $state" >&2; exit 1; }
    mv "$state.new" "$state"
  fi
  printf 'modparam("usrloc", "db_url", "sqlite:///%s")\nmodparam("dialog", "db_url", "sqlite:///%s")\nmodparam("sqlops", "sqlcon", "st=>sqlite:///%s")\n' \
    "$state" "$state" "$state" > "$run/state.cfg"
  defines+=(-A WITH_STATE_DB)
  db_url="${BWCLIENT_DB_URL:-}"
  if [ -n "$db_url" ]; then
    # bwclient-server on PostgreSQL (--database): the same queries through db_postgres, read
    # only per session (default_transaction_read_only, route[BW_QUERY_ONLY]).
    case "$db_url" in
      postgres://*) ;;
      *) echo "BWCLIENT_DB_URL must be postgres://user@host:port/db" >&2; exit 2;;
    esac
    case "$db_url" in *'"'*|*'\'*|*"'"*|*' '*) echo "BWCLIENT_DB_URL must not contain quotes, backslashes or spaces" >&2; exit 2;; esac
    printf 'modparam("sqlops", "sqlcon", "bw=>%s")\n' "$db_url" > "$run/db.cfg"
    defines+=(-A WITH_TOKEN_DB -A WITH_BW_POSTGRES)
    db=postgres
  else
    db="${BWCLIENT_DB:?set BWCLIENT_DB to the bwclient-server database file (or none), or BWCLIENT_DB_URL}"
  fi
  if [ "$db" = postgres ]; then
    :
  elif [ "$db" = none ]; then
    echo "warning: BWCLIENT_DB=none: revoked tokens and disabled endpoints stay valid at Kamailio" >&2
  else
    case "$db" in *'"'*|*'\'*) echo "BWCLIENT_DB must not contain quotes or backslashes" >&2; exit 2;; esac
    [ -f "$db" ] || { echo "BWCLIENT_DB=$db: no such file (start bwclient-server first)" >&2; exit 1; }
    db="$(cd "$(dirname "$db")" && pwd)/$(basename "$db")"
    # Read only through SQLite's query_only per connection (kamailio.cfg, route[BW_QUERY_ONLY]).
    printf 'modparam("sqlops", "sqlcon", "bw=>sqlite:///%s")\n' "$db" > "$run/db.cfg"
    defines+=(-A WITH_TOKEN_DB)
  fi
  if [ -n "$wss_port" ]; then
    cert="${BWCLIENT_TLS_CERT:-$run/tls-cert.pem}"; key="${BWCLIENT_TLS_KEY:-$run/tls-key.pem}"
    if [ ! -f "$cert" ]; then
      openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$key" -out "$cert" >"$run/openssl.log" 2>&1 || { cat "$run/openssl.log" >&2; exit 1; }
    fi
    printf '[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = %s\ncertificate = %s\n' \
      "$key" "$cert" > "$run/tls.cfg"
    defines+=(-A WITH_TLS -A "WSS_PORT=$wss_port")
  fi
  kamailio -c -f "$run/kamailio.cfg" "${defines[@]}" >"$run/check.log" 2>&1 || { cat "$run/check.log" >&2; exit 1; }
  # Append: a restart in the same run directory keeps the earlier run's log.
  echo "=== kamailio start $(date -u +%FT%TZ) port $port" >>"$run/kamailio.log"
  nohup kamailio -f "$run/kamailio.cfg" -P "$run/kamailio.pid" -Y "$run" -m "$shm_mb" -M 16 -DD -E \
    "${defines[@]}" >>"$run/kamailio.log" 2>&1 &
  echo $! > "$run/kamailio.main.pid"
  # Ready when the listener accepts connections.
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null \
      && { [ -z "$wss_port" ] || (exec 3<>"/dev/tcp/$addr/$wss_port") 2>/dev/null; }; then
      echo "kamailio listening on ws://$addr:$port${wss_port:+ and wss://$addr:$wss_port}"; exit 0
    fi
    kill -0 "$(cat "$run/kamailio.main.pid")" 2>/dev/null || { tail -20 "$run/kamailio.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "kamailio did not start listening" >&2; tail -20 "$run/kamailio.log" >&2; exit 1
  ;;
stop)
  if [ -f "$run/kamailio.main.pid" ]; then
    pid="$(cat "$run/kamailio.main.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$run/kamailio.pid" "$run/kamailio.main.pid"
  fi
  ;;
*) echo "usage: $0 start|stop RUN_DIR [WS_PORT]" >&2; exit 2;;
esac
