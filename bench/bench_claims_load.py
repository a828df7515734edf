"""Benchmark: `manage.py load_claims` of a 3,000,000-line claims file on PostgreSQL, through a job.

The file is generated from the bench database's members, providers and sites (new claim ids, so no line
is already loaded), with 0.5% bad rows (unknown member, bad date, unknown code) that are rejected.
Baseline in the same run: a raw `COPY` of the same file into an unindexed text table (the floor for
reading that many rows into the database). The loaded lines are deleted afterwards, so the other
benchmarks see the seeded data only.
"""

from __future__ import annotations

import os
import sys
import time
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
from common import ROOT, Measurement, Result, database_vendor, django_setup, peak_rss_mb, timed

LINES = int(os.environ.get("BENCH_CLAIM_LINES", "3000000"))
FILE = ROOT / "bench" / "data" / f"claims_{LINES}.csv"


def make_file(path: Path, n: int) -> None:
    """A claims extract of ``n`` lines: outpatient therapy, ED visits and inpatient stays."""
    from members.models import Member
    from par.claims_file import COLUMNS
    from par.frames import read_values
    from providers.models import Site

    rng = np.random.default_rng(8)
    members = read_values(Member.objects.order_by("pk").values_list("medicaid_id"), {"id": "text"})
    sites = read_values(
        Site.objects.order_by("pk").values_list("provider__npi", "site_number"),
        {"npi": "text", "site": "text"},
    )
    member = members["id"].to_numpy()[rng.integers(0, len(members), n)]
    site = rng.integers(0, len(sites), n)
    day = np.datetime64("2026-01-01") + rng.integers(0, 270, n).astype("timedelta64[D]")
    kind = rng.random(n)
    procedure = np.where(kind < 0.85, rng.choice(["90834", "90837", "90791"], n), "")
    revenue = np.where(kind < 0.85, "", np.where(kind < 0.95, "0450", "0114"))
    stay = np.where(revenue == "0114", rng.integers(2, 15, n), 0).astype("timedelta64[D]")
    frame = pd.DataFrame(
        {
            "claim_id": [f"B{i:011d}" for i in range(n)],
            "line": 1,
            "member_id": member,
            "billing_npi": sites["npi"].to_numpy()[site],
            "site_number": sites["site"].to_numpy()[site],
            "service_from": day.astype(str),
            "service_to": (day + stay).astype(str),
            "procedure_code": procedure,
            "revenue_code": revenue,
            "primary_dx": "F32.9",
            "place_of_service": "11",
            "paid_date": (day + stay + np.timedelta64(20, "D")).astype(str),
        }
    )
    bad = rng.choice(n, n // 200, replace=False)
    frame.loc[bad[0::3], "member_id"] = "ZZZZZZZZZ"
    frame.loc[bad[1::3], "service_from"] = "2026-02-30"
    frame.loc[bad[2::3], ["procedure_code", "revenue_code"]] = ["99999", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    frame[list(COLUMNS)].to_csv(path, index=False)


def raw_copy(path: Path) -> float:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        columns = ", ".join(f"c{i} text" for i in range(12))
        cursor.execute(f"CREATE TEMPORARY TABLE bench_claims_floor ({columns})")
        with (
            timed() as t,
            path.open("rb") as stream,
            cursor.cursor.copy("COPY bench_claims_floor FROM STDIN (FORMAT csv, HEADER)") as copy,
        ):
            while block := stream.read(1 << 20):
                copy.write(block)
        cursor.execute("DROP TABLE bench_claims_floor")
    return t["seconds"]


def remove_load(load_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("par_claimline", "par_claimrejection"):
            cursor.execute(f"DELETE FROM {table} WHERE load_id = %s", [load_id])
        cursor.execute("DELETE FROM par_claimsload WHERE id = %s", [load_id])


def main() -> None:
    os.environ.setdefault("DEBUG", "0")
    django_setup()
    from django.core.management import call_command

    from aso.core.models import Job

    if not FILE.exists():
        with timed() as made:
            make_file(FILE, LINES)
        print(f"generated {FILE.name} in {made['seconds']:.1f} s")
    load_before = " ".join(f"{v:.1f}" for v in os.getloadavg())
    cpu = time.process_time()
    out = StringIO()
    with timed() as t:
        call_command("load_claims", str(FILE), stdout=out)
    cpu = time.process_time() - cpu
    job = Job.objects.filter(kind="par_claims_load").order_by("-pk").first()
    result = job.result
    figure = Measurement(
        label=f"load_claims of {LINES:,} lines through a job (one transaction, COPY)",
        seconds=t["seconds"],
        peak_rss_mb=peak_rss_mb(),
        rows=result["rows_read"],
        note=f"process CPU {cpu:.1f} s; {result['rows_loaded']:,} loaded, {result['rows_rejected']:,} rejected",
    )
    remove_load(result["load_id"])
    floor = raw_copy(FILE)
    Result(
        name=f"claims_load_{database_vendor()}",
        title=f"Claims load, {LINES:,} lines ({database_vendor()})",
        target="under 120 s on PostgreSQL",
        database=database_vendor(),
        figure=figure,
        baselines=[
            Measurement(
                label="raw COPY of the same file into an unindexed text table",
                seconds=floor,
                rows=LINES,
            )
        ],
        extra={
            "rejected by reason": result["rejected_by_reason"],
            "file size MB": round(FILE.stat().st_size / 1e6, 1),
            "load average (1, 5, 15 min) before the load": load_before,
        },
    ).write()


if __name__ == "__main__":
    sys.exit(main())
