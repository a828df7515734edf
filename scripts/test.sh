#!/usr/bin/env bash
# The whole test run: lint, layering, types, the suite on SQLite (with the browser journeys, chromium),
# the suite on a throwaway PostgreSQL, and the Celery tests through a real worker with Redis. Services are started on free loopback ports and
# stopped afterwards, even on failure. Where PostgreSQL or Redis is missing, that part is skipped loudly,
# except with CI=true, where a missing service fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin
CI=${CI:-false}
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/aso-test.XXXXXX")
chmod 755 "$WORKDIR"
export PGROOT="$WORKDIR/pg" RROOT="$WORKDIR/redis"
export PGPORT=$($PY/python scripts/free_port.py) RPORT=$($PY/python scripts/free_port.py)
export STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage
export MEDIA_ROOT="$WORKDIR/media"
XDIST=${XDIST:--n 2}
status=0

cleanup() {
  scripts/pg.sh stop >/dev/null 2>&1 || true
  scripts/redis.sh stop >/dev/null 2>&1 || true
  rm -rf "$WORKDIR"
}
trap cleanup EXIT INT TERM

banner() { printf '\n==== %s ====\n' "$*"; }
missing() {
  if [ "$CI" = "true" ]; then echo "FAIL: $1 is missing and CI=true requires it." >&2; status=1
  else printf '\n!!!!! SKIPPED: %s is not installed on this machine: that part of the suite did NOT run. !!!!!\n\n' "$1"; fi
}
step() { "$@" || status=1; }

banner "ruff (lint and format)"
step $PY/ruff check .
step $PY/ruff format --check .
banner "import-linter (layering contract)"
step $PY/lint-imports
banner "mypy (rules, services, selectors, permissions)"
step $PY/mypy $(ls {*,aso/core}/{rules,services,selectors,permissions}.py {*,aso/core}/{rules,services}/*.py */selectors_*.py */rules_*.py \
  aso/core/{jobs,audit,reference,rows,history}.py aso/core/accounts/{mfa,sessions,forms,validators,backends}.py \
  interop/*/services.py interop/*/selectors.py 2>/dev/null)

banner "pytest on SQLite (with the browser journeys)"
step $PY/pytest $XDIST -m "not worker" -q "$@"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
  banner "pytest on PostgreSQL ($(basename "$(dirname "$PGBIN")")) at 127.0.0.1:$PGPORT"
  if scripts/pg.sh start; then
    export DATABASE_URL="postgresql://app@127.0.0.1:$PGPORT/app"
    # The browser journeys ran on SQLite: they test pages and scripts, not the database, and a second
    # run (a chromium per worker, a flushed database per journey) would cost the CI budget for nothing.
    step $PY/pytest $XDIST -m "not worker and not browser" -q "$@"
    if command -v redis-server >/dev/null 2>&1; then
      banner "Celery tests through a real worker, Redis at 127.0.0.1:$RPORT"
      if scripts/redis.sh start; then
        CELERY_BROKER_URL="redis://127.0.0.1:$RPORT/0" CELERY_RESULT_BACKEND="redis://127.0.0.1:$RPORT/1" \
          step $PY/pytest -m worker -q "$@"
      else echo "FAIL: Redis did not start" >&2; status=1; fi
    else missing "redis-server"; fi
    unset DATABASE_URL
  else echo "FAIL: PostgreSQL did not start (see $PGROOT/server.log)" >&2; cat "$PGROOT/server.log" 2>/dev/null | tail -20; status=1; fi
else
  missing "PostgreSQL (initdb)"
  command -v redis-server >/dev/null 2>&1 || missing "redis-server"
fi

banner "result"
if [ $status -eq 0 ]; then echo "make test: all parts passed"; else echo "make test: FAILED"; fi
exit $status
