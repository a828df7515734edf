"""Fault run: PostgreSQL restarted while providers register services through the API.

A fresh database `aso_restart` in the cluster at PGPORT (reference data and the small synthetic data
set), served by gunicorn (2 workers, persistent connections with health checks, as in production).
Four client threads post registrations (each for a different covered member, so each should be
approved) for RUN_SECONDS; after DOWN_AT seconds PostgreSQL is stopped (fast shutdown: every session
cut) and started again DOWN_FOR seconds later. Checked and recorded:

- while the database is down, every request gets an answer (a 5xx), none hangs past the client
  timeout, and the server stays up;
- after the restart the service recovers by itself; the figure is the time from the database being
  back to the first approved registration;
- nothing is lost or invented: the registrations in the database are exactly those answered with a
  number (201 approved, 400 refused by a rule, which is recorded too); a request that failed while the
  database was down left no row.

Run it against a cluster of its own (it stops and starts that cluster):
    PGROOT=/tmp/restart-pg PGPORT=54393 scripts/pg.sh start
    PGROOT=/tmp/restart-pg PGPORT=54393 .venv/bin/python bench/bench_fault_pg_restart.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import ROOT, Measurement, Result, free_port, serve_gunicorn

PGPORT = os.environ.get("PGPORT", "54393")
NAME = "aso_restart"
URL = f"postgresql://app@127.0.0.1:{PGPORT}/{NAME}"
RUN_SECONDS = float(os.environ.get("RESTART_RUN_SECONDS", "24"))
DOWN_AT = float(os.environ.get("RESTART_DOWN_AT", "6"))
DOWN_FOR = float(os.environ.get("RESTART_DOWN_FOR", "4"))
CLIENT_TIMEOUT = 15.0
THREADS = 4
PACE = 0.15
BIN = Path(sys.executable).parent


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://app@127.0.0.1:{PGPORT}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _manage(*args: str) -> None:
    env = {**os.environ, "DATABASE_URL": URL}
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _payloads() -> tuple[str, list[bytes]]:
    """A provider token and one registration body per covered adult member at its outpatient sites."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Exists, OuterRef
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from members.models import EligibilitySpan, Member
    from providers.models import ProviderStaff, ServiceOffering

    offering = (
        ServiceOffering.objects.filter(level_of_care__code="OP").select_related("site").first()
    )
    assert offering is not None, "the small data set has outpatient offerings"
    provider = offering.site.provider
    sites = list(
        ServiceOffering.objects.filter(
            site__provider=provider, level_of_care__code="OP"
        ).values_list("site_id", flat=True)
    )
    user, _ = get_user_model().objects.get_or_create(username="bench_restart")
    user.groups.add(Group.objects.get(name="provider_staff"))
    ProviderStaff.objects.get_or_create(user=user, provider=provider)
    token = Token.objects.get_or_create(user=user)[0].key
    today = timezone.localdate()
    members = Member.objects.filter(birth_date__lte=today.replace(year=today.year - 19)).filter(
        Exists(EligibilitySpan.objects.filter(member=OuterRef("pk"), end__isnull=True))
    )
    bodies = [
        json.dumps(
            {
                "member_id": medicaid_id,
                "birth_date": born.isoformat(),
                "level_of_care": "OP",
                "site": sites[index % len(sites)],
                "start_date": today.isoformat(),
                "diagnoses": ["F32.9"],
            }
        ).encode()
        for index, (medicaid_id, born) in enumerate(
            members.values_list("medicaid_id", "birth_date")
        )
    ]
    return token, bodies


def _clients(port: int, token: str, bodies: list[bytes], stop_at: float) -> list[dict[str, object]]:
    answers: list[dict[str, object]] = []
    lock = threading.Lock()
    queue = iter(range(len(bodies)))

    def work() -> None:
        while time.monotonic() < stop_at:
            with lock:
                index = next(queue, None)
            if index is None:
                return
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/registrations",
                data=bodies[index],
                headers={
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"restart-{index}",
                },
                method="POST",
            )
            sent = time.monotonic()
            status, number = 0, ""
            try:
                with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT) as response:
                    status = response.status
                    number = json.loads(response.read()).get("number", "")
            except urllib.error.HTTPError as error:
                status = error.code
                if status == 400:  # a refused registration is recorded too: its number comes back
                    body = json.loads(error.read() or b"{}")
                    number = (body.get("registration") or {}).get("number", "")
            except OSError:
                status = -1  # no answer (connection refused or timed out)
            with lock:
                answers.append(
                    {
                        "at": sent,
                        "took": time.monotonic() - sent,
                        "status": status,
                        "number": number,
                    }
                )
            time.sleep(PACE)  # a steady load, not a flood: the run outlasts the restart

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def main() -> int:
    _psql(f"DROP DATABASE IF EXISTS {NAME}")
    _psql(f"CREATE DATABASE {NAME}")
    for command in (["migrate", "--noinput", "-v0"], ["load_reference_data"]):
        _manage(*command)
    _manage("seed_demo", "--scale", "small")
    os.environ["DATABASE_URL"] = URL
    from common import django_setup

    django_setup()
    from django.db import connection

    token, bodies = _payloads()
    connection.close()
    port = free_port()
    server = serve_gunicorn(port)
    pg = {**os.environ}
    try:
        start = time.monotonic()
        timeline: dict[str, float] = {}

        def restart() -> None:
            time.sleep(DOWN_AT)
            timeline["stopping"] = time.monotonic()
            subprocess.run(["scripts/pg.sh", "stop"], cwd=ROOT, env=pg, check=True)
            timeline["down"] = time.monotonic()  # stopped: every session cut
            time.sleep(DOWN_FOR)
            timeline["starting"] = time.monotonic()
            subprocess.run(["scripts/pg.sh", "start"], cwd=ROOT, env=pg, check=True)
            timeline["up"] = time.monotonic()

        restarter = threading.Thread(target=restart)
        restarter.start()
        answers = _clients(port, token, bodies, start + RUN_SECONDS)
        restarter.join()
        server_alive = server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=30)
    from authorizations.models import Request

    connection.close()
    stored = set(
        Request.objects.filter(submitted_by__username="bench_restart").values_list(
            "number", flat=True
        )
    )
    approved = {str(a["number"]) for a in answers if a["status"] == 201}
    recorded = {str(a["number"]) for a in answers if a["status"] in (201, 400) and a["number"]}
    during = [a for a in answers if timeline["down"] <= float(a["at"]) < timeline["starting"]]  # type: ignore[arg-type]
    after = [a for a in answers if float(a["at"]) >= timeline["up"]]  # type: ignore[arg-type]
    first_ok = min(
        (float(a["at"]) + float(a["took"]) for a in after if a["status"] == 201), default=0.0
    )  # type: ignore[arg-type]
    by_status: dict[str, int] = {}
    for a in answers:
        by_status[str(a["status"])] = by_status.get(str(a["status"]), 0) + 1
    refused_after = [
        a
        for a in after
        if float(a["at"]) > first_ok and int(a["status"]) not in (201, 400)  # type: ignore[arg-type, call-overload]
    ]
    ok = (
        server_alive
        and bool(during)
        and all(int(a["status"]) >= 500 for a in during)  # type: ignore[call-overload]
        and all(float(a["took"]) < CLIENT_TIMEOUT for a in answers)  # type: ignore[arg-type]
        and first_ok > 0
        and not refused_after
        and stored == recorded
    )
    facts = {
        "answers_by_status": by_status,
        "requests_while_down": len(during),
        "slowest_answer_s": round(max(float(a["took"]) for a in answers), 2),  # type: ignore[arg-type]
        "registrations_approved": len(approved),
        "registrations_refused_400": len(recorded - approved),
        "registrations_in_database": len(stored),
        "answered_but_missing": len(recorded - stored),
        "stored_but_never_answered": len(stored - recorded),
        "server_errors_after_recovery": len(refused_after),
        "server_stayed_up": server_alive,
        "as_expected": ok,
    }
    print(facts)
    Result(
        name="fault_pg_restart_postgresql",
        title="Fault: PostgreSQL restarted under registration load (postgresql)",
        target="requests fail cleanly while it is down, recover by themselves, no registration lost",
        database="postgresql",
        figure=Measurement(
            "from the database back up to the first approved registration",
            first_ok - timeline["up"],
            rows=len(answers),
            note=(
                f"{len(during)} requests while down, all answered 5xx; "
                f"{len(recorded)} answered with a number = {len(stored)} in the database"
            ),
        ),
        baselines=[
            Measurement(
                "database down (fast shutdown to started again)", timeline["up"] - timeline["down"]
            )
        ],
        extra=facts,
    ).write()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
