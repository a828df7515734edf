"""Benchmark: oversight exports at ct scale (issue 9), on PostgreSQL.

1. The member-level detail workbook (DSS, every authorization overlapping a period wide enough) with
   1,000,000 rows, from the database to the finished file (`oversight_export_run`: the Part 2 counts,
   the chunked `values_list().iterator()` read, rustpy-xlsxwriter), with peak RSS. ct holds fewer
   authorizations, so non-substance-use authorizations of the period (and their requests) are copied
   in SQL inside a transaction that is rolled back (copies of active ones are marked ended, so the
   one-active-per-start rule holds); nothing stays in the database.
2. Same-run baselines, no database (the floor): the same rows, read once into a list, written by
   each writer: rustpy-xlsxwriter (the oversight listing writer), xlsxwriter constant-memory (the
   writer it replaced), the CSV zip; and pandas `to_excel` (default engine, what a quick script would
   do) on a 100,000-row slice, extrapolated to the full count. Ratios are against the figure.
3. Every aggregate workbook for DSS for the last full quarter at ct scale (target under 30 s each),
   in its own rolled-back transaction (the access-log rows are not kept).

    bench/run.sh bench_oversight.py   # writes bench/results/oversight_{detail,aggregates}_postgresql.json
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import Measurement, Result, database_vendor, django_setup

TARGET_ROWS = int(os.environ.get("OVERSIGHT_BENCH_DETAIL_ROWS", "1000000"))
PANDAS_SLICE = 100_000
DETAIL_START = dt.date(2025, 10, 1)


def rss_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _user() -> Any:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench_oversight")
    return user


def _columns(model: Any, replace: dict[str, str], alias: str) -> tuple[str, str]:
    from django.db import connection

    q = connection.ops.quote_name
    names = [f.column for f in model._meta.concrete_fields]
    exprs = [replace.get(n, f"{alias}.{q(n)}") for n in names]
    return ", ".join(q(n) for n in names), ", ".join(exprs)


def top_up(period: Any, needed: int) -> int:
    """Copy non-substance-use authorizations overlapping `period` (and their requests) until
    `needed` more rows exist. New ids are the old ones shifted past the largest id."""
    from django.db import connection

    from authorizations.models import Authorization, Request

    auth_t = Authorization._meta.db_table
    req_t = Request._meta.db_table
    loc_t = Authorization._meta.get_field("level_of_care").related_model._meta.db_table
    added = 0
    with connection.cursor() as cur:
        cur.execute(f"SELECT max(id) FROM {auth_t}")
        original_max = cur.fetchone()[0]
        while added < needed:
            cur.execute(f"SELECT max(id) FROM {req_t}")
            req_off = cur.fetchone()[0]
            cur.execute(f"SELECT max(id) FROM {auth_t}")
            auth_off = cur.fetchone()[0]
            cur.execute("DROP TABLE IF EXISTS bench_src")
            cur.execute(
                f"""CREATE TEMP TABLE bench_src AS SELECT a.id AS auth_id, a.request_id AS req_id
                FROM {auth_t} a JOIN {loc_t} l ON l.id = a.level_of_care_id
                WHERE a.start <= %s AND a."end" >= %s AND NOT l.substance_use AND a.id <= %s
                ORDER BY a.id LIMIT %s""",
                [period.end, period.start, original_max, needed - added],
            )
            cur.execute("SELECT count(*) FROM bench_src")
            batch = cur.fetchone()[0]
            if not batch:
                raise RuntimeError("no authorization to copy in the period")
            cols, exprs = _columns(
                Request,
                {
                    "id": f"r.id + {req_off}",
                    "number": f"'T' || (r.id + {req_off})",
                    "idempotency_key": "NULL",
                },
                "r",
            )
            cur.execute(
                f"INSERT INTO {req_t} ({cols}) SELECT {exprs} FROM {req_t} r "
                "JOIN bench_src s ON s.req_id = r.id"
            )
            cols, exprs = _columns(
                Authorization,
                {
                    "id": f"a.id + {auth_off}",
                    "number": f"'T' || (a.id + {auth_off})",
                    "request_id": f"a.request_id + {req_off}",
                    "status": "CASE WHEN a.status = 'active' THEN 'ended' ELSE a.status END",
                },
                "a",
            )
            cur.execute(
                f"INSERT INTO {auth_t} ({cols}) SELECT {exprs} FROM {auth_t} a "
                "JOIN bench_src s ON s.auth_id = a.id"
            )
            added += batch
        cur.execute(f"ANALYZE {req_t}")
        cur.execute(f"ANALYZE {auth_t}")
    return added


def _timed_write(label: str, write: Callable[[Path], None], path: Path, rows: int) -> Measurement:
    rss_reset()
    begin = time.perf_counter()
    write(path)
    seconds = time.perf_counter() - begin
    note = f"{path.stat().st_size / 1e6:,.0f} MB file"
    path.unlink()
    print(f"{label:60} {seconds:8.2f} s  {note}", flush=True)
    return Measurement(label=label, seconds=seconds, peak_rss_mb=vm_hwm_mb(), rows=rows, note=note)


def detail(user: Any, scratch: Path) -> Result:
    from django.db import transaction
    from django.utils import timezone

    from oversight.exports import write_csv_zip, write_listing_xlsx, write_xlsx
    from oversight.rules import agency_scope
    from oversight.selectors import DISCLOSABLE, ExportContext
    from oversight.services import oversight_export_run
    from oversight.sheets import DETAIL_HEADERS, Listing, authorization_detail, detail_queryset
    from par.rules import period_from_dates

    period = period_from_dates(DETAIL_START, timezone.localdate() - dt.timedelta(days=1))
    at = timezone.now()
    ctx = ExportContext(
        agency="DSS", scope=agency_scope("DSS"), period=period, at=at, suppress=False
    )
    formats = authorization_detail(ctx).formats
    definitions = [["Item", "Meaning", "Sheet"], ["Workbook", "bench", ""]]
    with transaction.atomic():
        seeded = detail_queryset(ctx).filter(DISCLOSABLE).count()
        begin = time.perf_counter()
        added = top_up(period, TARGET_ROWS - seeded) if seeded < TARGET_ROWS else 0
        top_up_s = time.perf_counter() - begin
        print(f"{seeded:,} rows in ct for {period.label}; {added:,} copied in {top_up_s:.0f} s")

        rss_reset()
        before = vm_hwm_mb()
        begin = time.perf_counter()
        result = oversight_export_run(
            acting_user=user,
            agency="DSS",
            workbook="authorization_detail",
            period=period,
            directory=scratch,
            at=at,
        )
        seconds = time.perf_counter() - begin
        written = result.rows["Authorizations"]
        size = result.path.stat().st_size / 1e6
        result.path.unlink()
        figure = Measurement(
            label="detail workbook, database to finished file (rustpy-xlsxwriter)",
            seconds=seconds,
            peak_rss_mb=vm_hwm_mb(),
            rows=written,
            note=f"{size:,.0f} MB file; process RSS before {before:,.0f} MB",
        )
        print(f"figure {seconds:.1f} s, {written:,} rows, peak {figure.peak_rss_mb:.0f} MB")

        begin = time.perf_counter()
        rows = list(authorization_detail(ctx).rows)  # the same rows, pre-built (no database below)
        read = Measurement(
            label="reading the rows only (values_list iterator into a list)",
            seconds=time.perf_counter() - begin,
            rows=len(rows),
        )
        print(f"read {read.seconds:.1f} s")
        transaction.set_rollback(True)

    n = len(rows)

    def listing(data: list[tuple[Any, ...]]) -> Listing:
        return Listing(DETAIL_HEADERS, iter(data), formats=dict(formats))

    floors = [
        _timed_write(
            "floor: rustpy-xlsxwriter (oversight listing writer), pre-built rows",
            lambda p: write_listing_xlsx(
                p, definitions=definitions, sheets=[("Authorizations", listing(rows))]
            ),
            scratch / "rustpy.xlsx",
            n,
        ),
        _timed_write(
            "floor: xlsxwriter constant-memory (previous writer), pre-built rows",
            lambda p: write_xlsx(
                p,
                definitions=definitions,
                sheets=[("Authorizations", listing(rows))],
                suppressed=False,
                fast_listings=False,
            ),
            scratch / "xlsxwriter.xlsx",
            n,
        ),
        _timed_write(
            "floor: CSV zip (oversight CSV writer), pre-built rows",
            lambda p: write_csv_zip(
                p,
                definitions=definitions,
                sheets=[("Authorizations", listing(rows))],
                suppressed=False,
            ),
            scratch / "csv.zip",
            n,
        ),
    ]
    import pandas as pd

    piece = rows[:PANDAS_SLICE]

    def pandas_write(p: Path) -> None:
        pd.DataFrame(piece, columns=list(DETAIL_HEADERS)).to_excel(p, index=False)

    sliced = _timed_write(
        f"pandas to_excel (default engine), {len(piece):,}-row slice",
        pandas_write,
        scratch / "pandas.xlsx",
        len(piece),
    )
    scale = n / len(piece)
    pandas_full = Measurement(
        label=f"pandas to_excel, extrapolated to {n:,} rows (x{scale:.0f} the slice)",
        seconds=sliced.seconds * scale,
        rows=n,
        note=f"measured {sliced.seconds:.2f} s on {len(piece):,} rows",
    )
    baselines = [*floors, pandas_full, sliced, read]
    ratios = {f"ratio figure / {m.label}": f"{figure.seconds / m.seconds:.2f}" for m in baselines}
    ratios["ratio xlsxwriter floor / rustpy floor"] = f"{floors[1].seconds / floors[0].seconds:.1f}"
    ratios["ratio pandas (extrapolated) / rustpy floor"] = (
        f"{pandas_full.seconds / floors[0].seconds:.1f}"
    )
    return Result(
        name=f"oversight_detail_{database_vendor()}",
        title=f"Oversight member-level detail workbook, {written:,} rows, database to file",
        target="1,000,000 rows under 30 s, peak memory under 600 MB (issue 9)",
        database=database_vendor(),
        figure=figure,
        baselines=baselines,
        extra={
            "period": f"{period.label} (DSS, every member)",
            "rows in ct for the period (disclosable)": f"{seeded:,}",
            "rows copied for the run (rolled back)": f"{added:,} in {top_up_s:.0f} s",
            **ratios,
            "machine load (1-min load average)": f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        },
    )


def aggregates(user: Any, scratch: Path) -> Result:
    from django.db import transaction
    from django.utils import timezone

    from oversight.catalog import CATALOG
    from oversight.rules import last_full_quarter
    from oversight.services import oversight_export_run

    period = last_full_quarter(timezone.localdate())
    runs: list[Measurement] = []
    for spec in CATALOG.values():
        if spec.member_level or "DSS" not in spec.agencies:
            continue
        with transaction.atomic():
            rss_reset()
            begin = time.perf_counter()
            result = oversight_export_run(
                acting_user=user, agency="DSS", workbook=spec.code, period=period, directory=scratch
            )
            seconds = time.perf_counter() - begin
            transaction.set_rollback(True)
        counts = ", ".join(f"{k} {v:,}" for k, v in result.rows.items())
        result.path.unlink()
        print(f"{spec.code:12} {seconds:7.2f} s  {counts}", flush=True)
        runs.append(
            Measurement(
                label=f"{spec.code} workbook (DSS, {period.label}, suppression as the workbook says)",
                seconds=seconds,
                peak_rss_mb=vm_hwm_mb(),
                note=f"table rows: {counts}",
            )
        )
    slowest = max(runs, key=lambda m: m.seconds)
    return Result(
        name=f"oversight_aggregates_{database_vendor()}",
        title=f"Oversight aggregate workbooks at ct scale, DSS, {period.label} (slowest)",
        target="every aggregate workbook under 30 s (issue 9)",
        database=database_vendor(),
        figure=slowest,
        baselines=[m for m in runs if m is not slowest],
        extra={
            "all under 30 s": str(all(m.seconds < 30 for m in runs)),
            "machine load (1-min load average)": f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        },
    )


def main() -> None:
    django_setup()
    user = _user()
    with tempfile.TemporaryDirectory(prefix="bench-oversight-") as scratch:
        aggregates(user, Path(scratch)).write()
        detail(user, Path(scratch)).write()


if __name__ == "__main__":
    main()
