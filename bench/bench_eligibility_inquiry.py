"""Benchmark: POST /api/v1/eligibility/inquiries at the million-member scale, one client.

Against the seeded ct database: 2,000 inquiries (75% a member with the right date of birth, 12.5% a
wrong date of birth, 12.5% an unknown id) through the whole Django stack in-process (token auth,
permissions, the selector, the access log row, JSON), timed one by one; target p95 under 20 ms.
Baseline in the same run: the same lookups as two raw SQL queries on the same connection (the floor the
database sets). Runs on PostgreSQL, then again on the SQLite ct database when BENCH_SQLITE_URL is set.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time

from common import ROOT, Measurement, Result, database_vendor, django_setup

REQUESTS = 2_000
URL = "/api/v1/eligibility/inquiries"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def sample(count: int) -> list[tuple[str, dt.date]]:
    from django.db import connection

    rng = random.Random(834)
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM members_member")
        low, high = cursor.fetchone()
        ids = rng.sample(range(low, high + 1), count)
        cursor.execute(
            f"SELECT medicaid_id, birth_date FROM members_member WHERE id IN ({','.join(map(str, ids))})"
        )
        return [
            (m, b if isinstance(b, dt.date) else dt.date.fromisoformat(b))
            for m, b in cursor.fetchall()
        ]


def asks(members: list[tuple[str, dt.date]]) -> list[dict[str, str]]:
    rng = random.Random(271)
    out = []
    for n, (medicaid_id, birth) in enumerate(members):
        on = dt.date(2026, 11, 1) - dt.timedelta(days=rng.randint(0, 1000))
        if n % 8 == 6:
            birth += dt.timedelta(days=1)  # wrong date of birth
        elif n % 8 == 7:
            medicaid_id = f"Z{n:08d}"  # unknown id
        out.append(
            {
                "medicaid_id": medicaid_id,
                "birth_date": birth.isoformat(),
                "date_of_service": on.isoformat(),
            }
        )
    return out


def client():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user, _ = get_user_model().objects.get_or_create(username="bench_provider")
    user.groups.add(Group.objects.get(name="provider_staff"))
    token, _ = Token.objects.get_or_create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def raw_floor(bodies: list[dict[str, str]]) -> list[float]:
    """The database's share: member by id, then its spans, as raw SQL on the same connection."""
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for body in bodies:
            started = time.perf_counter()
            cursor.execute(
                "SELECT id, birth_date FROM members_member WHERE medicaid_id = %s",
                [body["medicaid_id"]],
            )
            row = cursor.fetchone()
            if row:
                cursor.execute(
                    'SELECT s.id, p.code, s.start, s."end" FROM members_eligibilityspan s JOIN'
                    " members_program p ON p.id = s.program_id WHERE s.member_id = %s AND s.start <= %s",
                    [row[0], body["date_of_service"]],
                )
                cursor.fetchall()
            timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = client()
    bodies = asks(sample(REQUESTS))
    for body in bodies[:50]:  # warm up: code paths, caches, connection
        api.post(URL, body, format="json")
    timings, answers = [], {}
    for body in bodies:
        started = time.perf_counter()
        response = api.post(URL, body, format="json")
        timings.append(time.perf_counter() - started)
        reason = response.json()["reason"]
        answers[reason] = answers.get(reason, 0) + 1
    with CaptureQueriesContext(connection) as queries:
        api.post(URL, bodies[0], format="json")
    floor = raw_floor(bodies)
    vendor = database_vendor()
    Result(
        name=f"eligibility_inquiry_{vendor}",
        title=f"Eligibility inquiry API p95, 1M members ({vendor})",
        target="p95 under 20 ms",
        database=vendor,
        figure=Measurement(
            label=f"POST {URL}, {REQUESTS:,} inquiries, p95 (in-process Django client, token auth)",
            seconds=percentile(timings, 0.95),
            rows=REQUESTS,
            note=f"p50 {statistics.median(timings) * 1000:.1f} ms, p99 "
            f"{percentile(timings, 0.99) * 1000:.1f} ms, mean {statistics.mean(timings) * 1000:.1f} ms;"
            f" {len(queries)} queries a request; answers {answers}",
        ),
        baselines=[
            Measurement(
                label="the same lookups as two raw SQL queries (the database's floor), p95",
                seconds=percentile(floor, 0.95),
                rows=REQUESTS,
                note=f"p50 {statistics.median(floor) * 1000:.2f} ms",
            )
        ],
        extra={
            "p95 ms": round(percentile(timings, 0.95) * 1000, 2),
            "queries per request": len(queries),
        },
    ).write()
    sqlite = os.environ.get("BENCH_SQLITE_URL")
    if vendor == "postgresql" and sqlite:
        env = {**os.environ, "DATABASE_URL": sqlite}
        subprocess.run([sys.executable, __file__], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
