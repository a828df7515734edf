"""Benchmark: the registration API under load at Connecticut scale on PostgreSQL.

gunicorn (2 sync workers, persistent database connections, DEBUG off) serves the project; locust runs
headless as its own process (it patches with gevent, so never inside Django) for 60 s with closed-loop
provider systems posting registrations (token auth, an Idempotency-Key each): about 90% approved at once,
4% psychological testing sent to review, 6% refused by the rules. Same-run baseline: a trivial
authenticated endpoint (GET /bench/ping, bench/server_urls.py) on the same server with the same users.

Target (issue 5): at least 150 registrations per second sustained, p95 under 150 ms, zero errors.
Environment: DATABASE_URL (a ct-seeded database; bench/run.sh provides it), BENCH_USERS (default 8),
BENCH_SECONDS (default 60).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    GUNICORN_THREADS,
    ROOT,
    Measurement,
    Result,
    database_vendor,
    django_setup,
    free_port,
    serve_gunicorn,
)

USERS = int(os.environ.get("BENCH_USERS", "8"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "bench" / "locust_registration.py"
PAYLOADS = 60_000  # more than 60 s can use at the target rate


def _bench_provider():  # type: ignore[no-untyped-def]
    """A clinic with several sites offering outpatient therapy, evaluation and IOP."""
    from django.db.models import Count, Q

    from providers.models import Provider

    levels = ["OP", "OP_EVAL", "IOP"]
    return (
        Provider.objects.annotate(
            offering=Count(
                "sites__offerings",
                filter=Q(sites__offerings__level_of_care__code__in=levels),
            )
        )
        .filter(kind="clinic")
        .order_by("-offering", "pk")
        .first()
    )


def _token(provider) -> str:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from providers.models import ProviderStaff

    user, _ = get_user_model().objects.get_or_create(username="bench_provider_system")
    user.groups.add(Group.objects.get(name="provider_staff"))
    ProviderStaff.objects.get_or_create(user=user, provider=provider)
    return Token.objects.get_or_create(user=user)[0].key


def _payloads(provider, path: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Registrations for members covered today who hold nothing at this provider yet."""
    from django.db.models import Exists, OuterRef, Q
    from django.utils import timezone

    from authorizations.models import Request
    from members.models import EligibilitySpan, Member
    from providers.models import ServiceOffering

    today = timezone.localdate()
    offered: dict[str, list[int]] = {}
    in_force = ServiceOffering.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=today),
        site__provider=provider,
        effective_from__lte=today,
    )  # only offerings in force today (the provider-import benchmark may have changed some)
    for code, site in in_force.values_list("level_of_care__code", "site_id"):
        offered.setdefault(code, []).append(site)
    adults = today.replace(year=today.year - 19)
    members = (
        Member.objects.filter(birth_date__lte=adults)
        .filter(Exists(EligibilitySpan.objects.filter(member=OuterRef("pk"), end__isnull=True)))
        .exclude(Exists(Request.objects.filter(member=OuterRef("pk"), site__provider=provider)))
        .values_list("medicaid_id", "birth_date")
        .order_by("pk")[: PAYLOADS + 5000]
    )
    members = list(members)
    uncovered = list(
        Member.objects.exclude(
            Exists(EligibilitySpan.objects.filter(member=OuterRef("pk"), end__isnull=True))
        ).values_list("medicaid_id", "birth_date")[:5000]
    )
    mix, counts = ["OP"] * 60 + ["OP_EVAL"] * 22 + ["IOP"] * 8 + ["PSYCH_TEST"] * 4, {}
    with path.open("w", encoding="utf-8") as out:
        for index in range(PAYLOADS):
            level = mix[index % len(mix)] if index % 100 < 94 else "REFUSED"
            if level not in offered and level != "REFUSED":
                level = "OP"
            medicaid_id, born = members[index] if level != "REFUSED" else uncovered[index % 5000]
            code = "OP" if level == "REFUSED" else level
            body = {
                "member_id": medicaid_id,
                "birth_date": born.isoformat(),
                "level_of_care": code,
                "site": offered[code][index % len(offered[code])],
                "start_date": today.isoformat(),
                "diagnoses": ["F32.9"] if index % 3 else ["F41.1", "F43.10"],
            }
            expect = {"REFUSED": 400, "PSYCH_TEST": 202}.get(level, 201)
            counts[str(expect)] = counts.get(str(expect), 0) + 1
            out.write(f"{expect}\t{json.dumps(body)}\n")
    return counts


def _locust(task: str, port: int, token: str, payloads: Path, out: Path) -> dict[str, Any]:
    prefix = out / task
    env = {
        **os.environ,
        "BENCH_TASK": task,
        "BENCH_TOKEN": token,
        "BENCH_PAYLOADS": str(payloads),
        "BENCH_RUN": out.name,
    }
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        env.pop(key, None)
    subprocess.run(
        [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(USERS),
         "-r", str(USERS), "-t", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING",
         "--exit-code-on-error", "0"],
        cwd=ROOT / "bench", env=env, check=True,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    failures: dict[str, int] = {}
    with open(f"{prefix}_failures.csv", newline="") as handle:
        for failure in csv.DictReader(handle):
            message = failure["Error"][:120]
            failures[message] = failures.get(message, 0) + int(failure["Occurrences"])
    return {
        "failure_messages": failures,
        "requests": float(row["Request Count"]),
        "failures": float(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "median_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "mean_ms": float(row["Average Response Time"]),
    }


def _cpu_budget(token: str, payloads: Path, count: int = 100) -> dict[str, float]:
    """CPU one registration costs, measured in this process (the app) and in its PostgreSQL backend
    (from /proc), over registrations from the unused end of the payload file. CPU time, unlike wall
    time, barely depends on what else the machine runs: it says what 2 dedicated cores could do."""
    from django.db import connection
    from django.test import Client

    lines = payloads.read_text().splitlines()[-count:]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    def backend_seconds() -> float:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def post(index: int) -> int:
        body = lines[index].split("\t", 1)[1]
        key = f"cpu-{os.getpid()}-{index}"
        response = client.post(
            "/api/v1/registrations", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        return response.status_code

    for index in range(5):  # warm caches
        post(index)
    app, db = time.process_time(), backend_seconds()
    statuses = [post(index) for index in range(5, count)]
    measured = count - 5
    return {
        "app_ms": (time.process_time() - app) / measured * 1000,
        "db_ms": (backend_seconds() - db) / measured * 1000,
        "errors": float(sum(s not in (201, 202, 400) for s in statuses)),
    }


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    os.environ.setdefault("DEBUG", "0")  # the in-process CPU measurement runs as the server does
    django_setup()
    from django.db.models import Count

    from authorizations.models import Authorization, Request

    provider = _bench_provider()
    token = _token(provider)
    work = Path(tempfile.mkdtemp(prefix="bench-registration-"))
    payloads = work / "payloads.tsv"
    planned = _payloads(provider, payloads)
    before = (Request.objects.count(), Authorization.objects.count())
    port = free_port()
    load_before = _load()
    server = serve_gunicorn(port)
    try:
        baseline = _locust("ping", port, token, payloads, work)
        figure = _locust("register", port, token, payloads, work)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    added = (Request.objects.count() - before[0], Authorization.objects.count() - before[1])
    cpu = _cpu_budget(token, payloads)
    ceiling = 2000 / (cpu["app_ms"] + cpu["db_ms"])
    duplicates = (
        Authorization.objects.filter(status="active")
        .values("member", "site", "level_of_care", "start")
        .order_by()
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    met = figure["rps"] >= 150 and figure["p95_ms"] < 150 and figure["failures"] == 0
    Result(
        name=f"registration_api_{database_vendor()}",
        title=f"Registration API under load ({database_vendor()})",
        target="at least 150 registrations/s sustained, p95 under 150 ms, zero errors",
        database=database_vendor(),
        figure=Measurement(
            label=f"POST /api/v1/registrations, p95 ({USERS} closed-loop users, {SECONDS} s)",
            seconds=figure["p95_ms"] / 1000,
            rows=int(figure["requests"]),
            note=(
                f"{figure['rps']:.0f} registrations/s, median {figure['median_ms']:.0f} ms, "
                f"p99 {figure['p99_ms']:.0f} ms, {int(figure['failures'])} errors"
            ),
        ),
        baselines=[
            Measurement(
                label="GET /bench/ping (token auth, trivial), p95, same server and users",
                seconds=baseline["p95_ms"] / 1000,
                rows=int(baseline["requests"]),
                note=(
                    f"{baseline['rps']:.0f} requests/s, median {baseline['median_ms']:.0f} ms, "
                    f"{int(baseline['failures'])} errors"
                ),
            )
        ],
        extra={
            "target met": met,
            "CPU per registration (app + PostgreSQL, in-process, 95 requests)": (
                f"{cpu['app_ms']:.1f} ms + {cpu['db_ms']:.1f} ms"
            ),
            "ceiling on 2 dedicated cores from that CPU (registrations/s, before locust's share)": (
                round(ceiling)
            ),
            "errors by message": json.dumps(figure["failure_messages"]) or "none",
            "throughput ratio (registrations/s over ping/s)": round(
                figure["rps"] / baseline["rps"], 3
            ),
            "server": (
                "gunicorn 2 sync workers"
                if GUNICORN_THREADS == 1
                else f"gunicorn 2 workers x {GUNICORN_THREADS} threads (gthread)"
            )
            + ", DEBUG off, persistent DB connections",
            "payload mix planned (expected status: count)": json.dumps(planned),
            "rows added (requests, authorizations)": f"{added[0]:,}, {added[1]:,}",
            "duplicate active authorizations after the run": duplicates,
            "database size at start (requests, authorizations)": f"{before[0]:,}, {before[1]:,}",
            "load average before / after (shared machine)": f"{load_before} / {_load()}",
            "measured on": dt.datetime.now(dt.UTC).date().isoformat(),
        },
    ).write()
    print(json.dumps({"ping": baseline, "register": figure}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
