"""Benchmark: the nine CMS prior-authorization metrics for one calendar year at ct scale.

Times `pa_metrics_for_year` (the page and the exports call it) for the seeded year with the most
determinations, median of a few runs. Baseline in the same run: one grouped COUNT over the same year's
prior-authorization requests, the floor for reading them at all.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import time

from common import Measurement, Result, database_vendor, django_setup

RUNS = 5


def _year() -> int:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from authorizations.models import Request

    busiest = (
        Request.objects.filter(review_path="prior_auth", decided_at__isnull=False)
        .annotate(year=ExtractYear("decided_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return busiest["year"] if busiest else dt.date.today().year


def _baseline(year: int) -> Measurement:
    from django.db.models import Count

    from authorizations.models import Request
    from authorizations.rules.clocks import local_midnight

    start, end = local_midnight(dt.date(year, 1, 1)), local_midnight(dt.date(year + 1, 1, 1))
    times = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        list(
            Request.objects.filter(
                review_path="prior_auth", decided_at__gte=start, decided_at__lt=end
            )
            .values("urgency", "status")
            .annotate(n=Count("pk"))
        )
        times.append(time.perf_counter() - begin)
    return Measurement(
        label="one grouped COUNT of the year's requests", seconds=statistics.median(times)
    )


def main() -> None:
    load_before = os.getloadavg()[0]
    django_setup()
    from authorizations.services.metrics import pa_metrics_for_year

    year = _year()
    times = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        metrics = pa_metrics_for_year(year=year)
        times.append(time.perf_counter() - begin)
    determined = metrics.standard_count + metrics.expedited_count
    Result(
        name=f"pa_metrics_{database_vendor()}",
        title=f"CMS prior-authorization metrics for {year} ({database_vendor()})",
        target="under 5 s",
        database=database_vendor(),
        figure=Measurement(
            label=f"pa_metrics_for_year({year}), median of {RUNS}",
            seconds=statistics.median(times),
            rows=determined,
            note=f"{metrics.standard_count:,} standard and {metrics.expedited_count:,} expedited determinations",
        ),
        baselines=[_baseline(year)],
        extra={
            **{f"figure {f.number}": f"{f.label}: {f.value}" for f in metrics.figures},
            "machine load (1-min load average, before / after)": (
                f"{load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
            ),
        },
    ).write()


if __name__ == "__main__":
    main()
    sqlite = os.environ.get("BENCH_SQLITE_URL")
    if sqlite and not os.environ.get("BENCH_CHILD"):
        env = {**os.environ, "DATABASE_URL": sqlite, "BENCH_CHILD": "1"}
        sys.exit(subprocess.run([sys.executable, __file__], env=env, check=False).returncode)
