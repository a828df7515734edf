"""Benchmark: the review queue page with the ct backlog (10,000 open prior-authorization requests).

Server time of GET /review/queue/ through Django's test client in-process (no network), as a clinical
supervisor (the costliest queue: it also lists the reviewers to assign to), first page and a deep page,
median of repeated runs, with the query count of every run (it must not vary). Baseline in the same
run: the raw SQL that reads the same 50 rows, the floor for any queue page.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

from common import Measurement, Result, database_vendor, django_setup, signed_in_client

RUNS = 25


def _user():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username="bench_supervisor")
    user.groups.add(Group.objects.get(name="clinical_supervisor"))
    return user


def _time_page(client, url: str) -> tuple[float, set[int]]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, counts = [], set()
    client.get(url)  # warm caches (templates, permissions, database)
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        counts.add(len(queries.captured_queries))
    return statistics.median(times), counts


def _baseline() -> Measurement:
    from django.db import connection

    sql = (
        "SELECT id, number, due_at FROM authorizations_request WHERE review_path = 'prior_auth' "
        "AND status IN ('submitted', 'pended', 'in_review') ORDER BY due_at, id LIMIT 50"
    )
    times = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append(time.perf_counter() - start)
    return Measurement(
        label="raw SQL: the first 50 open requests by due time", seconds=statistics.median(times)
    )


def main() -> None:
    load_before = os.getloadavg()[0]
    django_setup()

    from authorizations.models import Request

    open_count = Request.objects.filter(
        review_path="prior_auth", status__in=("submitted", "pended", "in_review")
    ).count()
    client: Any = signed_in_client(_user())
    first, first_counts = _time_page(client, "/review/queue/")
    deep, deep_counts = _time_page(client, "/review/queue/?page=100")
    filtered, _ = _time_page(client, "/review/queue/?urgency=expedited&assignee=none")
    Result(
        name=f"review_queue_{database_vendor()}",
        title=f"Review queue page, {open_count:,} open requests ({database_vendor()})",
        target="under 200 ms server time, fixed query count",
        database=database_vendor(),
        figure=Measurement(
            label=f"GET /review/queue/ (first page), median of {RUNS}",
            seconds=first,
            rows=open_count,
            note=f"queries per page: {sorted(first_counts)}",
        ),
        baselines=[_baseline()],
        extra={
            "deep page (page 100)": f"{deep * 1000:.1f} ms, queries {sorted(deep_counts)}",
            "filtered (expedited, unassigned)": f"{filtered * 1000:.1f} ms",
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
