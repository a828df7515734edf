"""Fault run: the Celery worker process running an eligibility load is killed (SIGKILL) halfway.

A real worker (prefork, one child, the production settings: late acknowledgement, a task whose worker is
lost is rejected back to the queue) serves a fresh PostgreSQL database `aso_faults` in the bench cluster,
with Redis as the broker on a loopback port. The full state file of the ct population (1,000,000
members, about 1.3 million spans) is submitted through the same service as the upload page; once the
load has run for a while the child process is killed. Then, checked and recorded:

- right after the kill: no member and no span of the load is in the database (one transaction), and
  the job is not marked finished;
- the task comes back by itself (the worker starts a new child and the broker redelivers it): the same
  job runs a second attempt and the load succeeds with every member of the file;
- the figure is the time from the kill to the finished load; the baseline is an uninterrupted load of
  the same file into another fresh database, in the same run.

Not in the unit suite: it needs the bench cluster (bench/run.sh starts it) and redis-server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from common import ROOT, Measurement, Result, celery_worker, pool_children

PGPORT = os.environ.get("PGPORT", "54391")
FILE = ROOT / "bench" / "data" / "population.csv"
MEDIA = ROOT / "bench" / "data" / "faults_media"
KILL_AFTER = float(os.environ.get("FAULT_KILL_AFTER", "8"))
RPORT = os.environ.get("FAULT_REDIS_PORT", "63831")


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://app@127.0.0.1:{PGPORT}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _fresh_database(name: str) -> str:
    _psql(f"DROP DATABASE IF EXISTS {name}")
    _psql(f"CREATE DATABASE {name}")
    url = f"postgresql://app@127.0.0.1:{PGPORT}/{name}"
    env = {**os.environ, "DATABASE_URL": url}
    for command in (["migrate", "--noinput", "-v0"], ["load_reference_data"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return url


def _run(url: str, broker: str, *, kill: bool) -> dict[str, object]:
    """Submit the file against `url` through a real worker; kill its child halfway when asked."""
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.db import connections, transaction

    from aso.core.models import Job
    from members.models import EligibilityLoad, EligibilitySpan, Member

    connections["default"].close()
    connections["default"].settings_dict.update(_db_settings(url))
    worker = celery_worker(
        {
            **os.environ,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(MEDIA),
        }
    )
    try:
        user, _ = get_user_model().objects.get_or_create(username="bench_faults")
        with FILE.open("rb") as handle, transaction.atomic():
            from members.services import eligibility_load_submit

            load = eligibility_load_submit(
                acting_user=user,
                file=File(handle),
                file_name=FILE.name,
                mode="full",
                file_format="csv",
            )
        started = time.monotonic()
        facts: dict[str, object] = {}
        while EligibilityLoad.objects.get(pk=load.pk).status != "running":
            if time.monotonic() - started > 120:
                raise SystemExit("the worker never started the load")
            time.sleep(0.2)
        running = time.monotonic()
        if kill:
            time.sleep(KILL_AFTER)
            children = pool_children(worker.pid)
            assert children, "the worker has no child process to kill"
            for child in children:
                os.kill(child, signal.SIGKILL)
            killed = time.monotonic()
            time.sleep(1)
            job = Job.objects.get(pk=load.job_id)
            facts.update(
                killed_after_s=round(killed - running, 1),
                members_right_after_kill=Member.objects.count(),
                spans_right_after_kill=EligibilitySpan.objects.count(),
                job_status_right_after_kill=job.status,
            )
            running = killed
        while (status := EligibilityLoad.objects.get(pk=load.pk).status) not in (
            "succeeded",
            "failed",
            "duplicate",
        ):
            if time.monotonic() - running > 600:
                raise SystemExit("the load did not finish within 10 minutes")
            time.sleep(0.5)
        finished = time.monotonic()
        job = Job.objects.get(pk=load.job_id)
        facts.update(
            load_status=status,
            job_status=job.status,
            job_attempts=job.attempts,
            members=Member.objects.count(),
            spans=EligibilitySpan.objects.count(),
            seconds=finished - running,
        )
        return facts
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def _db_settings(url: str) -> dict[str, object]:
    import dj_database_url

    parsed = dj_database_url.parse(url)
    return {key: parsed[key] for key in ("NAME", "USER", "HOST", "PORT", "PASSWORD")}


def main() -> int:
    if not FILE.exists():
        print(
            f"{FILE} is missing: run bench_eligibility_load.py first (it writes the population file)"
        )
        return 1
    broker = f"redis://127.0.0.1:{RPORT}/0"
    redis = {**os.environ, "RROOT": str(ROOT / "bench" / "data" / "faults_redis"), "RPORT": RPORT}
    subprocess.run(["scripts/redis.sh", "start"], cwd=ROOT, env=redis, check=True)
    try:
        killed_url = _fresh_database("aso_faults")
        plain_url = _fresh_database("aso_faults_plain")
        os.environ["DATABASE_URL"] = killed_url
        os.environ["CELERY_BROKER_URL"] = broker
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
        os.environ["MEDIA_ROOT"] = str(MEDIA)
        from common import django_setup

        django_setup()
        killed = _run(killed_url, broker, kill=True)
        plain = _run(plain_url, broker, kill=False)
    finally:
        subprocess.run(["scripts/redis.sh", "stop"], cwd=ROOT, env=redis, check=False)
    rows = sum(1 for _ in FILE.open()) - 1
    ok = (
        killed["members_right_after_kill"] == 0
        and killed["spans_right_after_kill"] == 0
        and killed["job_status_right_after_kill"] == "running"
        and killed["load_status"] == "succeeded"
        and killed["job_attempts"] == 2
        and killed["members"] == plain["members"]
        and killed["spans"] == plain["spans"]
    )
    print({"killed": killed, "plain": plain, "as_expected": ok})
    Result(
        name="fault_worker_kill_postgresql",
        title="Fault: worker killed halfway through a 1M-member eligibility load (postgresql)",
        target="nothing half-written; the job retried by itself; the rerun loads every member",
        database="postgresql",
        figure=Measurement(
            "from the kill to the finished load (second attempt, same job)",
            float(killed["seconds"]),  # type: ignore[arg-type]
            rows=int(killed["spans"]),  # type: ignore[call-overload]
            note=(
                f"killed {killed['killed_after_s']} s into the load; right after the kill: "
                f"{killed['members_right_after_kill']} members and {killed['spans_right_after_kill']} "
                f"spans in the database, job {killed['job_status_right_after_kill']}; then "
                f"load {killed['load_status']} after {killed['job_attempts']} attempts"
            ),
        ),
        baselines=[
            Measurement(
                "the same load, not interrupted, into another fresh database",
                float(plain["seconds"]),  # type: ignore[arg-type]
                rows=int(plain["spans"]),  # type: ignore[call-overload]
            )
        ],
        extra={"as_expected": ok, "file_rows": rows, "killed": killed, "plain": plain},
    ).write()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
