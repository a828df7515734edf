#!/bin/sh
# A throwaway Redis on loopback: scripts/redis.sh start|stop. RROOT and RPORT choose where.
set -eu
RROOT=${RROOT:-${TMPDIR:-/tmp}/aso-redis}
RPORT=${RPORT:-63799}
case "${1:-}" in
start)
  mkdir -p "$RROOT"
  redis-server --port "$RPORT" --bind 127.0.0.1 --protected-mode yes --daemonize yes \
    --pidfile "$RROOT/redis.pid" --logfile "$RROOT/redis.log" --dir "$RROOT" --save '' --appendonly no
  i=0; until redis-cli -p "$RPORT" ping >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 200 ] && exit 1; sleep 0.05; done ;;
stop) redis-cli -p "$RPORT" shutdown nosave >/dev/null 2>&1 || { [ -f "$RROOT/redis.pid" ] && kill "$(cat "$RROOT/redis.pid")" 2>/dev/null; } || true ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
