"""Benchmark: eligibility loads at Connecticut scale, with their same-run baselines.

The seeded ct population (1,000,000 members, ~1.3 spans each) is written as a CSV in our layout, then:

- full load into an empty, migrated PostgreSQL database (target < 30 s; peak loader RSS < 1.5 GB),
  beside (a) a plain COPY of the same CSV rows into an unindexed table, the floor, and (b) the naive ORM
  loop over a 20,000-row slice, extrapolated;
- the same file again (other bytes, same content): target < 30 s and zero rows written;
- a daily delta of 50,000 changes against the loaded million: target < 10 s, beside a COPY of its rows;
- the full load into an empty SQLite database (target < 60 s), beside executemany of the raw rows.

Each load runs `manage.py load_eligibility` in its own process (bench/load_driver.py), which also
reports the CPU seconds of the loader and of its database backend: on a busy machine wall time
stretches, CPU time much less.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from common import ROOT, Measurement, Result, django_setup, timed
from elig_helpers import driver, fresh_postgres, fresh_sqlite, load_average

DATA = ROOT / "bench" / "data"
PY = sys.executable
AS_OF = dt.date(2026, 11, 1)  # bench/bench_seed_ct.py seeds with --today 2026-11-01
NAIVE_ROWS = 20_000
DELTA_CHANGES = 50_000


def copy_floor(url: str, path: Path) -> Measurement:
    """(a) PostgreSQL COPY of the file's rows into an unindexed table: the floor we race."""
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE floor (medicaid_id text, last_name text, first_name text,"
            " middle_name text, birth_date date, sex text, language text, town text, dcf text,"
            " program text, start_date date, end_date date)"
        )
        with (
            timed() as t,
            path.open("rb") as f,
            cursor.copy("COPY floor FROM STDIN (FORMAT csv, HEADER)") as copy,
        ):
            while block := f.read(1 << 20):
                copy.write(block)
        rows = cursor.execute("SELECT count(*) FROM floor").fetchone()[0]
    return Measurement(
        label=f"(a) PostgreSQL COPY of the {rows:,} CSV rows into an unindexed table (the floor)",
        seconds=t["seconds"],
        rows=rows,
    )


def sqlite_floor(url: str, path: Path) -> Measurement:
    """The SQLite floor: executemany of the raw rows into an unindexed table, one transaction."""
    import sqlite3

    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    db.execute("CREATE TEMPORARY TABLE floor (a, b, c, d, e, f, g, h, i, j, k, l)")
    with timed() as t, path.open(newline="") as f:
        reader = csv.reader(f)
        next(reader)
        db.executemany("INSERT INTO floor VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", reader)
        db.commit()
    rows = db.execute("SELECT count(*) FROM floor").fetchone()[0]
    db.close()
    return Measurement(
        label=f"raw executemany of the {rows:,} CSV rows into an unindexed SQLite table",
        seconds=t["seconds"],
        rows=rows,
    )


def naive_baseline(url: str, path: Path, total_rows: int) -> Measurement:
    """(b) the naive ORM loop over a 20,000-row slice, extrapolated to the whole file."""
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [PY, "bench/naive_orm_load.py", str(path), str(NAIVE_ROWS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    per_row = measured["seconds"] / measured["rows"]
    return Measurement(
        label=f"(b) naive ORM loop (save() per member and span, history), {measured['rows']:,} rows"
        f" in {measured['seconds']:.1f} s, extrapolated to {total_rows:,} rows",
        seconds=per_row * total_rows,
        rows=total_rows,
    )


def figure(label: str, run: dict) -> Measurement:
    load = run["load"]
    counts = ", ".join(f"{k} {v:,}" for k, v in load["counts"].items())
    return Measurement(
        label=label,
        seconds=run["seconds"],
        peak_rss_mb=run["peak_rss_mb"],
        rows=load["counts"]["rows read"],
        note=f"{counts}; CPU: loader {run['loader_cpu_seconds']:.1f} s, database backend "
        + (
            f"{run['database_cpu_seconds']:.1f} s"
            if run["database_cpu_seconds"] is not None
            else "n/a"
        ),
    )


def extra(run: dict, before: str) -> dict[str, object]:
    steps = sorted(run["load"]["steps"].items(), key=lambda kv: -kv[1])[:12]
    return {
        "load average before (1, 5, 15 min)": before,
        "loader CPU seconds": round(run["loader_cpu_seconds"], 2),
        "database backend CPU seconds": run["database_cpu_seconds"],
        "slowest steps (s)": [f"{k}: {v}" for k, v in steps],
    }


def history_rows(url: str) -> tuple[int, ...]:
    import psycopg

    with psycopg.connect(url) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (
                "members_member",
                "members_eligibilityspan",
                "members_historicalmember",
                "members_historicaleligibilityspan",
            )
        )


def write_files() -> tuple[Path, Path, Path, int]:
    from population import write_delta_csv, write_population_csv

    full = DATA / "population.csv"
    rows = write_population_csv(full)
    rerun = DATA / "population_rerun.csv"  # same content, other bytes: the header in capitals
    with full.open("rb") as source, rerun.open("wb") as target:
        target.write(source.readline().upper())
        while block := source.read(1 << 20):
            target.write(block)
    delta = DATA / "delta_50k.csv"
    write_delta_csv(full, delta, changes=DELTA_CHANGES, as_of=AS_OF + dt.timedelta(days=1))
    return full, rerun, delta, rows


def main() -> None:
    django_setup()  # the seeded ct database (DATABASE_URL)
    seeded = os.environ["DATABASE_URL"]
    full, rerun, delta, rows = write_files()
    target = fresh_postgres(seeded, "aso_bench_load")
    floor = copy_floor(target, full)
    before = load_average()
    first = driver(target, str(full), "--full", "--as-of", AS_OF.isoformat())
    naive = naive_baseline(fresh_postgres(seeded, "aso_bench_naive"), full, rows)
    Result(
        name="eligibility_load_full_postgresql",
        title="Eligibility: full CSV load, 1M members (postgresql)",
        target="under 30 s; loader peak RSS under 1.5 GB",
        database="postgresql",
        figure=figure("load_eligibility --full of the ct population into an empty database", first),
        baselines=[floor, naive],
        extra={**extra(first, before), "ratio to (a)": round(first["seconds"] / floor.seconds, 1)},
    ).write()

    written_before = history_rows(target)
    before = load_average()
    again = driver(target, str(rerun), "--full", "--as-of", AS_OF.isoformat())
    written_after = history_rows(target)
    Result(
        name="eligibility_load_rerun_postgresql",
        title="Eligibility: the same full file again (postgresql)",
        target="under 30 s and zero rows written",
        database="postgresql",
        figure=figure("load_eligibility --full, every span unchanged", again),
        baselines=[copy_floor(target, rerun)],
        extra={
            **extra(again, before),
            "rows written (members, spans, member history, span history: before -> after)": f"{written_before} -> {written_after}",
            "zero rows written": written_before == written_after
            and sum(again["load"]["counts"].values()) == again["load"]["counts"]["rows read"],
        },
    ).write()

    before = load_average()
    daily = driver(
        target, str(delta), "--delta", "--as-of", (AS_OF + dt.timedelta(days=1)).isoformat()
    )
    Result(
        name="eligibility_load_delta_postgresql",
        title="Eligibility: daily delta of 50,000 changes (postgresql)",
        target="under 10 s",
        database="postgresql",
        figure=figure("load_eligibility --delta against the loaded million", daily),
        baselines=[copy_floor(target, delta)],
        extra=extra(daily, before),
    ).write()

    sqlite_url = fresh_sqlite(DATA / "load.sqlite3")
    floor = sqlite_floor(sqlite_url, full)
    before = load_average()
    lite = driver(sqlite_url, str(full), "--full", "--as-of", AS_OF.isoformat())
    Result(
        name="eligibility_load_full_sqlite",
        title="Eligibility: full CSV load, 1M members (sqlite)",
        target="under 60 s",
        database="sqlite",
        figure=figure("load_eligibility --full of the ct population into an empty database", lite),
        baselines=[floor],
        extra=extra(lite, before),
    ).write()


if __name__ == "__main__":
    main()
