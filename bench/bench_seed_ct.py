"""Benchmark: `seed_demo --scale ct` (1,000,000 members, 2,500 sites) into an empty, migrated database.

Baseline in the same run: a plain PostgreSQL COPY of the same number of member rows into an unindexed
table (the floor for writing that many rows), or on SQLite an executemany of the same rows.
"""

from __future__ import annotations

import datetime as dt
import io
import sys

from common import Measurement, Result, database_vendor, django_setup, peak_rss_mb, timed


def baseline_raw_write(rows: int) -> Measurement:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_floor (id bigint, medicaid_id varchar(9), last_name varchar(60),"
            " first_name varchar(60), birth_date date)"
        )
        with timed() as t:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy("COPY bench_floor FROM STDIN") as copy:
                    for i in range(rows):
                        copy.write_row((i, f"{i:09d}", "Rivera", "Ana", dt.date(1990, 1, 1)))
            else:
                batch = [(i, f"{i:09d}", "Rivera", "Ana", "1990-01-01") for i in range(rows)]
                cursor.executemany("INSERT INTO bench_floor VALUES (%s, %s, %s, %s, %s)", batch)
        cursor.execute("DROP TABLE bench_floor")
    kind = "COPY" if connection.vendor == "postgresql" else "executemany"
    return Measurement(
        label=f"raw {kind} of {rows:,} member-shaped rows, unindexed table",
        seconds=t["seconds"],
        rows=rows,
    )


def main() -> None:
    django_setup()
    from django.core.management import call_command

    out = io.StringIO()
    with timed() as t:
        call_command(
            "seed_demo",
            "--scale",
            "ct",
            "--seed",
            "2026",
            "--today",
            "2026-11-01",
            "--no-users",
            stdout=out,
        )
    print(out.getvalue())
    from members.models import EligibilitySpan, Member
    from providers.models import Provider, Site

    counts = {
        "members": Member.objects.count(),
        "spans": EligibilitySpan.objects.count(),
        "providers": Provider.objects.count(),
        "sites": Site.objects.count(),
    }
    figure = Measurement(
        label="seed_demo --scale ct",
        seconds=t["seconds"],
        peak_rss_mb=peak_rss_mb(),
        rows=counts["members"] + counts["spans"],
        note=", ".join(f"{k} {v:,}" for k, v in counts.items()),
    )
    baseline = baseline_raw_write(counts["members"])
    Result(
        name=f"seed_ct_{database_vendor()}",
        title=f"Connecticut-scale seed ({database_vendor()})",
        target="under 600 s",
        database=database_vendor(),
        figure=figure,
        baselines=[baseline],
        extra={"log": out.getvalue().splitlines()[-12:]},
    ).write()


if __name__ == "__main__":
    sys.exit(main())
