"""Fault run: the Celery worker process running a 12-month PAR scoring run is killed (SIGKILL) halfway.

On the seeded ct database (DATABASE_URL, started by bench/run.sh), with a real worker (prefork, one
child; late acknowledgement, a task whose worker is lost goes back to the queue) on Redis. A scoring
job is queued as the runs page does; a few seconds into the run the child is killed. Checked and
recorded:

- right after the kill: no score, statewide figure or case of the job's run is in the database (one
  transaction), and the job is not finished;
- the task comes back by itself; the second attempt picks up the same run and finishes it: one run for
  the job, succeeded, with its scores;
- the figure is the time from the kill to the finished run; the baseline is the same run uninterrupted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from common import (
    ROOT,
    Measurement,
    Result,
    celery_worker,
    django_setup,
    pool_children,
)

RPORT = os.environ.get("FAULT_REDIS_PORT", "63835")
KILL_AFTER = float(os.environ.get("FAULT_KILL_AFTER", "5"))
START, END = "2025-11-01", "2026-10-31"
MEDIA = ROOT / "bench" / "data" / "faults_media"


def _run(*, kill: bool) -> dict[str, object]:
    from django.db import transaction

    from aso.core.jobs import job_create
    from aso.core.models import Job
    from par.jobs import SCORE_RUN
    from par.models import ProviderScore, ScoreRun

    worker = celery_worker({**os.environ, "MEDIA_ROOT": str(MEDIA)})
    try:
        with transaction.atomic():
            job = job_create(kind=SCORE_RUN, acting_user=None, params={"start": START, "end": END})
        began = time.monotonic()
        while not ScoreRun.objects.filter(job=job).exists():
            if time.monotonic() - began > 120:
                raise SystemExit("the worker never started the run")
            time.sleep(0.2)
        running = time.monotonic()
        facts: dict[str, object] = {}
        if kill:
            time.sleep(KILL_AFTER)
            children = pool_children(worker.pid)
            assert children, "the worker has no child process to kill"
            for child in children:
                os.kill(child, signal.SIGKILL)
            running = time.monotonic()
            time.sleep(1)
            facts.update(
                scores_right_after_kill=ProviderScore.objects.filter(run__job=job).count(),
                job_status_right_after_kill=Job.objects.get(pk=job.pk).status,
            )
        while (status := Job.objects.get(pk=job.pk).status) not in ("succeeded", "failed"):
            if time.monotonic() - running > 600:
                raise SystemExit("the run did not finish within 10 minutes")
            time.sleep(0.5)
        finished = time.monotonic()
        job.refresh_from_db()
        runs = list(ScoreRun.objects.filter(job=job).values_list("status", flat=True))
        facts.update(
            job_status=status,
            job_attempts=job.attempts,
            runs_of_the_job=runs,
            scores=ProviderScore.objects.filter(run__job=job).count(),
            seconds=finished - running,
        )
        return facts
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def main() -> int:
    broker = f"redis://127.0.0.1:{RPORT}/0"
    redis = {**os.environ, "RROOT": str(ROOT / "bench" / "data" / "faults_redis"), "RPORT": RPORT}
    os.environ.update(CELERY_BROKER_URL=broker, CELERY_TASK_ALWAYS_EAGER="0", MEDIA_ROOT=str(MEDIA))
    django_setup()
    subprocess.run(["scripts/redis.sh", "start"], cwd=ROOT, env=redis, check=True)
    try:
        killed = _run(kill=True)
        plain = _run(kill=False)
    finally:
        subprocess.run(["scripts/redis.sh", "stop"], cwd=ROOT, env=redis, check=False)
    ok = (
        killed["scores_right_after_kill"] == 0
        and killed["job_status_right_after_kill"] == "running"
        and killed["job_status"] == "succeeded"
        and killed["job_attempts"] == 2
        and killed["runs_of_the_job"] == ["succeeded"]
        and killed["scores"] == plain["scores"]
        and int(killed["scores"]) > 0  # type: ignore[call-overload]
    )
    print({"killed": killed, "plain": plain, "as_expected": ok})
    Result(
        name="fault_par_kill_postgresql",
        title="Fault: worker killed halfway through a 12-month PAR run at ct scale (postgresql)",
        target="nothing half-written; the job retried by itself; the same run finished",
        database="postgresql",
        figure=Measurement(
            "from the kill to the finished run (second attempt, same job and run)",
            float(killed["seconds"]),  # type: ignore[arg-type]
            rows=int(killed["scores"]),  # type: ignore[call-overload]
            note=(
                f"killed {KILL_AFTER} s into the run; right after the kill: "
                f"{killed['scores_right_after_kill']} scores, job "
                f"{killed['job_status_right_after_kill']}; then {killed['job_attempts']} attempts, "
                f"runs of the job: {killed['runs_of_the_job']}"
            ),
        ),
        baselines=[
            Measurement(
                "the same run, not interrupted",
                float(plain["seconds"]),  # type: ignore[arg-type]
                rows=int(plain["scores"]),  # type: ignore[call-overload]
            )
        ],
        extra={"as_expected": ok, "killed": killed, "plain": plain},
    ).write()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
