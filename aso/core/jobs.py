"""Background jobs: a persisted `Job` row, a registry of handlers by kind, and a progress reporter.

The pattern every long piece of work follows:

    job = job_create(kind="eligibility_load", acting_user=user, params={...}, input_file=upload)
    # -> after commit, the Celery task `aso.core.tasks.job_run_task(job.pk)` runs the handler

    @job_handler("eligibility_load")
    def run_eligibility_load(job: Job, reporter: JobReporter) -> dict: ...   # calls one service

Handlers do their writes in their own transaction. Progress is published through the cache (visible while
the handler's transaction is still open) and saved on the row when no transaction is open. A handler that
raises leaves the job `failed` with the message, after its transaction has rolled back.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone

from aso.core.choices import JobStatus
from aso.core.models import Job

logger = logging.getLogger(__name__)

JobHandler = Callable[[Job, "JobReporter"], dict[str, Any] | None]
_HANDLERS: dict[str, JobHandler] = {}

UNKNOWN_KIND = "No handler is registered for job kind {kind!r}."
# A job whose params hold this key set keeps its result file to the person who started it (an
# oversight workbook is disclosed to that person's agency, not to whoever watches jobs); each download
# of it is written to the access log (aso.core.views.job_result_download).
PRIVATE_RESULT = "private_result"


class JobFailure(Exception):
    """A handler's clear, user-facing reason for failing (shown on the job page)."""


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register the function that does the work of jobs of `kind`."""

    def register(func: JobHandler) -> JobHandler:
        _HANDLERS[kind] = func
        return func

    return register


def registered_kinds() -> tuple[str, ...]:
    return tuple(sorted(_HANDLERS))


def _progress_key(job_id: int) -> str:
    return f"job-progress:{job_id}"


class JobReporter:
    """What a handler uses to say how far it got."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._lines: list[str] = []

    def progress(self, percent: float, message: str = "") -> None:
        pct = max(0, min(100, int(percent)))
        cache.set(_progress_key(self.job.pk), {"progress": pct, "message": message[:300]}, 3600)
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(progress=pct, message=message[:300])

    def log(self, line: str) -> None:
        """A line for the job log. Never put PHI here: counts and positions only."""
        self._lines.append(f"{timezone.now():%H:%M:%S} {line}")
        logger.info("job %s: %s", self.job.pk, line)

    @property
    def lines(self) -> list[str]:
        return self._lines


def live_progress(job: Job) -> tuple[int, str]:
    """The freshest progress of a job: the cache while it runs, the row otherwise."""
    if job.status == JobStatus.RUNNING:
        cached = cache.get(_progress_key(job.pk))
        if cached:
            return cached["progress"], cached["message"]
    return job.progress, job.message


def job_create(
    *,
    kind: str,
    acting_user: Any,
    params: dict[str, Any] | None = None,
    input_file: File | None = None,
    input_name: str = "",
) -> Job:
    """Record a job and queue it to run once the surrounding transaction commits."""
    if kind not in _HANDLERS:
        raise ValueError(UNKNOWN_KIND.format(kind=kind))
    job = Job(kind=kind, params=params or {}, created_by=acting_user)
    job.full_clean(exclude=["input_file", "result_file"])
    job.save()
    if input_file is not None:
        job.input_file.save(
            input_name or getattr(input_file, "name", "input"), input_file, save=True
        )
    from aso.core.tasks import job_run_task

    transaction.on_commit(lambda: job_run_task.delay(job.pk))
    return job


def job_run(job_id: int) -> Job:
    """Run a queued job's handler and record the outcome. A finished job is left alone (idempotent)."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return job
    handler = _HANDLERS.get(job.kind)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1, error=""
    )
    job.refresh_from_db()
    reporter = JobReporter(job)
    try:
        if handler is None:
            raise JobFailure(UNKNOWN_KIND.format(kind=job.kind))
        result = handler(job, reporter) or {}
    except Exception as exc:  # noqa: BLE001  the job records every failure; the worker stays up
        message = (
            str(exc) if isinstance(exc, JobFailure | ValueError) else f"{type(exc).__name__}: {exc}"
        )
        if not isinstance(exc, JobFailure | ValueError):
            logger.error("job %s failed:\n%s", job.pk, traceback.format_exc())
        reporter.log(f"failed: {message}")
        _finish(job, reporter, JobStatus.FAILED, error=message)
        return job
    _finish(job, reporter, JobStatus.SUCCEEDED, result=result)
    return job


def _finish(
    job: Job, reporter: JobReporter, status: str, *, error: str = "", result: Any = None
) -> None:
    job.refresh_from_db()
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    job.log = "\n".join(filter(None, [job.log, *reporter.lines]))
    if status == JobStatus.SUCCEEDED:
        job.progress = 100
        job.result = result if isinstance(result, dict) else {}
        job.message = job.message or "Done"
    else:
        job.message = "Failed"
    job.save()
    cache.delete(_progress_key(job.pk))
