#!/bin/sh
# A throwaway PostgreSQL cluster on loopback: scripts/pg.sh start|stop|status
# PGROOT (data dir parent) and PGPORT choose where; initdb runs as the postgres user when started as root.
set -eu
cd /  # the postgres user may not be able to enter the caller's directory
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PGROOT=${PGROOT:-${TMPDIR:-/tmp}/aso-pg}
PGPORT=${PGPORT:-54329}
if [ "$(id -u)" = 0 ]; then AS="runuser -u postgres --"; else AS=""; fi
case "${1:-}" in
start)
  if [ ! -f "$PGROOT/data/PG_VERSION" ]; then
    mkdir -p "$PGROOT"
    if [ -n "$AS" ]; then chown postgres:postgres "$PGROOT"; fi
    $AS "$PGBIN/initdb" -D "$PGROOT/data" -U app --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGROOT/initdb.log"
  fi
  $AS "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 30 \
      -o "-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off ${PGEXTRA:-}" start >/dev/null
  "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U app -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='app'" | grep -q 1 \
    || "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U app -d postgres -qc 'CREATE DATABASE app' ;;
stop)   [ -f "$PGROOT/data/postmaster.pid" ] && $AS "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null || true ;;
status) $AS "$PGBIN/pg_ctl" -D "$PGROOT/data" status ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
