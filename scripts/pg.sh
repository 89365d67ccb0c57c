#!/usr/bin/env bash
# A private PostgreSQL for tests and trials (Debian's `postgresql` package: initdb and pg_ctl
# from /usr/lib/postgresql/<version>/bin), in a directory of its own:
#
#   scripts/pg.sh start DIR PORT   initdb (first time) and start; prints the URL
#                                  postgres://bwclient@127.0.0.1:PORT/bwclient
#   scripts/pg.sh stop DIR         fast shutdown
#
# It listens on 127.0.0.1:PORT and on a unix socket in DIR, trusts local connections (test
# data only: no password) and trades durability for speed (fsync off). initdb and postgres
# refuse to run as root: as root, both run as the `postgres` system user the package creates
# (runuser -u postgres), which then owns DIR.
set -euo pipefail
cmd="${1:?start|stop}"; dir="${2:?DIR}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL not installed (scripts/setup.sh --test)" >&2; exit 1; }
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
as=()
if [ "$(id -u)" = 0 ]; then
  as=(runuser -u postgres --)
  chown postgres: "$dir"
fi
case "$cmd" in
start)
  port="${3:?PORT}"
  if [ ! -s "$dir/data/PG_VERSION" ]; then
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U bwclient --auth=trust --no-locale -E UTF8 -N \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { tail -20 "$dir/postgres.log" >&2; exit 1; }
  if ! "${as[@]}" "$bin/psql" -h "$dir" -p "$port" -U bwclient -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'bwclient'" | grep -q 1; then
    "${as[@]}" "$bin/createdb" -h "$dir" -p "$port" -U bwclient bwclient
  fi
  echo "postgres://bwclient@127.0.0.1:$port/bwclient"
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  ;;
*) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2;;
esac
