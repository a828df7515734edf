#!/usr/bin/env bash
# Benchmarks at Connecticut scale. Seeds ct once into reusable databases (PostgreSQL cluster and SQLite
# file under bench/data/), runs each benchmark with its same-run baseline, writes docs/benchmarks.md.
#   bench/run.sh                 # everything (seeds if the databases are not there yet)
#   bench/run.sh --reseed        # drop and seed again (this is the ct seed benchmark)
#   bench/run.sh bench_x.py ...  # only these benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python
DATA=$PWD/bench/data
mkdir -p "$DATA"; chmod 755 "$DATA"
export PGROOT=$DATA/pg PGPORT=${BENCH_PGPORT:-54391}
export STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_URL=postgresql://app@127.0.0.1:$PGPORT/aso_bench
SQLITE_URL=sqlite:///$DATA/ct.sqlite3
reseed=false; benches=()
for arg in "$@"; do case $arg in --reseed) reseed=true ;; *) benches+=("$arg") ;; esac; done

scripts/pg.sh start
trap 'scripts/pg.sh stop' EXIT
psql() { "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U app -d postgres -qtAc "$1"; }

seed() {  # $1 = database url
  DATABASE_URL=$1 $PY manage.py migrate --noinput -v0
  DATABASE_URL=$1 $PY bench/bench_seed_ct.py
}
if $reseed || [ -z "$(psql "SELECT 1 FROM pg_database WHERE datname='aso_bench'")" ]; then
  psql "DROP DATABASE IF EXISTS aso_bench"; psql "CREATE DATABASE aso_bench"
  seed "$PG_URL"
fi
if $reseed || [ ! -f "$DATA/ct.sqlite3" ]; then
  rm -f "$DATA"/ct.sqlite3*
  seed "$SQLITE_URL"
fi
if [ ${#benches[@]} -eq 0 ]; then
  mapfile -t benches < <(ls bench/bench_*.py | xargs -n1 basename | grep -v '^bench_seed_ct.py$' || true)
fi
for b in "${benches[@]}"; do
  echo "==== $b"
  DATABASE_URL=$PG_URL BENCH_SQLITE_URL=$SQLITE_URL $PY "bench/$b"
done
$PY bench/report.py
