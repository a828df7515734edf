"""Benchmark: the region scorecard page at Connecticut scale: its query count and server time.

Signs in a regional network manager of the region with the most providers, and requests the page
for the 12-month run (bench_par_run.py makes it; made here if missing) through Django's test client:
the server side of a request, without a network. Median and 95th percentile over repeated requests.
Baseline in the same run: building the same table (par.scorecards.region_table) without rendering.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from typing import Any

from common import Measurement, Result, database_vendor, django_setup, signed_in_client

START, END = "2025-11-01", "2026-10-31"  # the seeded year for --today 2026-11-01
REPEATS = 30


def main() -> None:
    os.environ.setdefault("DEBUG", "0")
    django_setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse

    from aso.core.services import roles_sync
    from par.models import ScoreRun
    from par.rules import period_from_dates
    from par.scorecards import region_table
    from par.services import score_run_execute, score_run_start
    from providers.models import Region

    roles_sync()
    period = period_from_dates(dt.date.fromisoformat(START), dt.date.fromisoformat(END))
    run = ScoreRun.objects.filter(label=period.label, status="succeeded").order_by("-pk").first()
    if run is None:
        run = score_run_execute(run=score_run_start(acting_user=None, period=period))
    region = (
        Region.objects.annotate(n=Count("sites__provider", distinct=True)).order_by("-n").first()
    )
    user, _ = get_user_model().objects.get_or_create(username="bench_rnm")
    user.groups.set([Group.objects.get(name="network_manager")])
    Region.objects.filter(pk=region.pk).update(network_manager=user)
    client: Any = signed_in_client(user)
    url = reverse("par:region", args=[region.pk]) + f"?run={run.pk}&sort=FUH_7&dir=desc"
    assert client.get(url).status_code == 200  # warm up
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    build = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        table = region_table(region=region, run=run, sort="FUH_7", descending=True)
        build.append(time.perf_counter() - started)
    p95 = sorted(times)[int(0.95 * (REPEATS - 1))]
    Result(
        name=f"region_page_{database_vendor()}",
        title=f"Region scorecard page ({database_vendor()})",
        target="a fixed number of queries, server time under 300 ms",
        database=database_vendor(),
        figure=Measurement(
            label=f"GET region page, {len(table.rows)} providers x {len(table.measures)} measures (median of {REPEATS})",
            seconds=statistics.median(times),
            rows=len(table.rows),
            note=f"{len(queries)} queries; 95th percentile {p95 * 1000:.0f} ms",
        ),
        baselines=[
            Measurement(
                label="building the same table without rendering (median)",
                seconds=statistics.median(build),
            )
        ],
        extra={"queries": len(queries), "region": region.code, "run": run.pk},
    ).write()


if __name__ == "__main__":
    sys.exit(main())
