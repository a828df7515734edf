"""Load: the four kinds of people at once for MIXED_SECONDS (default 5 minutes) at Connecticut scale.

Against the seeded ct database (PostgreSQL), served by gunicorn (2 workers, persistent connections)
with a real Celery worker on Redis for the jobs. locust (headless, bench/locust_mixed.py) runs
MIXED_USERS people: provider systems registering and checking eligibility through the API, care
managers on the review queue and requests, regional network managers on PAR scorecards, agency staff
starting oversight exports and following the job page. People sign in through the pages with a
password and their own authenticator's code. Target: zero errors. The registrations sent stay in the
bench database, like those of the registration benchmark.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import (
    ROOT,
    Measurement,
    Result,
    celery_worker,
    django_setup,
    free_port,
    serve_gunicorn,
)

SECONDS = int(os.environ.get("MIXED_SECONDS", "300"))
USERS = int(os.environ.get("MIXED_USERS", "20"))
RPORT = os.environ.get("MIXED_REDIS_PORT", "63833")
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "data" / "mixed"
PASSWORD = "bench-mixed-load-2026"


def _person(username: str, role: str, **fields: object) -> list[object]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from aso.core.accounts.mfa import AUTHENTICATOR_NAME

    user, _ = get_user_model().objects.update_or_create(username=username, defaults=fields)
    user.set_password(PASSWORD)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    return [username, PASSWORD, device.key]


def _setup(path: Path) -> dict[str, object]:
    import bench_registration_api as registration
    from django.utils import timezone

    from aso.core.services import roles_sync
    from authorizations.models import Request
    from oversight.rules import last_full_quarter
    from providers.models import Region

    roles_sync()
    provider = registration._bench_provider()
    token = registration._token(provider)
    registration.PAYLOADS = 20_000
    planned = OUT / "payloads.tsv"
    registration._payloads(provider, planned)
    payloads = [line.split("\t", 1) for line in planned.read_text().splitlines()]
    from django.contrib.auth import get_user_model

    regions = list(Region.objects.order_by("pk"))
    rnms = [_person(f"bench_rnm_{index}", "network_manager") for index in range(len(regions))]
    users = get_user_model().objects
    for index, region in enumerate(regions):  # one manager per region, as in the network
        Region.objects.filter(pk=region.pk).update(
            network_manager=users.get(username=f"bench_rnm_{index}")
        )
    setup = {
        "token": token,
        "payloads": payloads,
        "people": {
            "care_manager": [_person(f"bench_cm_{i}", "care_manager") for i in range(6)],
            "network_manager": [
                [*rnm, region.pk] for rnm, region in zip(rnms, regions, strict=True)
            ],
            "agency_viewer": [
                _person(f"bench_agency_{a}", "agency_viewer", agency=a)
                for a in ("DSS", "DCF", "DMHAS")
            ],
        },
        "requests": list(
            Request.objects.filter(review_path="prior_auth", status="submitted")
            .order_by("due_at")
            .values_list("number", flat=True)[:300]
        ),
        "period": last_full_quarter(timezone.localdate()).label,
    }
    path.write_text(json.dumps(setup))
    return setup


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    broker = f"redis://127.0.0.1:{RPORT}/0"
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["MEDIA_ROOT"] = str(OUT / "media")
    django_setup()
    accounts = OUT / "accounts.json"
    setup = _setup(accounts)
    redis = {**os.environ, "RROOT": str(OUT / "redis"), "RPORT": RPORT}
    subprocess.run(["scripts/redis.sh", "start"], cwd=ROOT, env=redis, check=True)
    env = {**os.environ, "DEBUG": "0", "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING"}
    port = free_port()
    worker = celery_worker(env)
    server = serve_gunicorn(port)
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    try:
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locust_mixed.py"), "--headless",
             "-u", str(USERS), "-r", "2", "-t", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(OUT / "mixed"), "--only-summary"],
            cwd=ROOT, env={**env, "BENCH_ACCOUNTS": str(accounts), "BENCH_RUN": str(int(time.time()))},
            check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=60)
        subprocess.run(["scripts/redis.sh", "stop"], cwd=ROOT, env=redis, check=False)
    rows = list(csv.DictReader((OUT / "mixed_stats.csv").open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    per_name = {
        r["Name"]: {
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "median_ms": float(r["Median Response Time"]),
            "p95_ms": float(r["95%"]),
        }
        for r in rows
        if r["Name"] != "Aggregated"
    }
    failures = list(csv.DictReader((OUT / "mixed_failures.csv").open()))
    errors = int(total["Failure Count"])
    print(json.dumps({"total": total, "failures": failures[:10]}, indent=1)[:3000])
    Result(
        name="mixed_load_postgresql",
        title=f"Load: the four kinds of people for {SECONDS} s at ct scale (postgresql)",
        target="zero errors over 5 minutes (gunicorn 2 workers, a Celery worker, PostgreSQL)",
        database="postgresql",
        figure=Measurement(
            f"all requests, p95 ({USERS} people, {SECONDS} s)",
            float(total["95%"]) / 1000,
            rows=int(total["Request Count"]),
            note=f"{errors} errors; {float(total['Requests/s']):.1f} requests/s; median {total['Median Response Time']} ms",
        ),
        extra={
            "errors": errors,
            "per_request": per_name,
            "failures": failures[:20],
            "people": {kind: len(v) for kind, v in setup["people"].items()},  # type: ignore[attr-defined]
            "load_average_before": load_before,
        },
    ).write()
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
