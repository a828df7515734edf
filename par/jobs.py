"""PAR's background jobs: a claims load and a scoring run. Each handler calls one service."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from aso.core.jobs import JobFailure, JobReporter, job_handler, job_run
from aso.core.models import Job
from par.claims_file import LayoutError
from par.rules import BAD_PERIOD, ReportingPeriod, period_from_dates, period_from_label

CLAIMS_LOAD = "par_claims_load"
SCORE_RUN = "par_run"
NO_FILE = "The job has no claims file to read."


def job_run_now(*, kind: str, acting_user: Any, params: dict[str, Any]) -> Job:
    """Record a job and run it in this process (management commands): same handler, same record."""
    job = Job(kind=kind, params=params, created_by=acting_user)
    job.full_clean(exclude=["input_file", "result_file"])
    job.save()
    return job_run(job.pk)


@job_handler(CLAIMS_LOAD)
def claims_load_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """Load the claims file named in the job (a path for commands, the uploaded input file)."""
    from par.services import claims_load_run

    if job.params.get("path"):
        path = Path(job.params["path"])
    elif job.input_file:
        path = Path(job.input_file.path)
    else:
        raise JobFailure(NO_FILE)
    name = job.params.get("file_name") or path.name
    try:
        result = claims_load_run(
            acting_user=job.created_by,
            path=path,
            file_name=name,
            job=job,
            progress=reporter.progress,
        )
    except (LayoutError, FileNotFoundError) as exc:
        raise JobFailure(str(exc) if isinstance(exc, LayoutError) else NO_FILE) from exc
    reporter.log(result.message)
    job.counts = {
        "rows read": result.rows_read,
        "lines loaded": result.rows_loaded,
        "rows rejected": result.rows_rejected,
        **{f"rejected: {reason}": n for reason, n in result.rejected_by_reason.items()},
    }
    job.message = result.message[:300]
    job.save(update_fields=["counts", "message"])
    return asdict(result)


@job_handler(SCORE_RUN)
def score_run_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """Score the period named in the job: params ``label`` (2026Q3) or ``start`` and ``end``."""
    from par.services import score_run_execute, score_run_for_job

    period = period_from_params(job.params)
    run = score_run_for_job(acting_user=job.created_by, period=period, job=job)
    reporter.log(f"run {run.pk} for {period.label}")
    run = score_run_execute(run=run, progress=reporter.progress)
    job.counts = {key: value for key, value in run.counts.items()}
    job.message = f"PAR run {run.pk} for {run.label}: {run.counts.get('scores', 0):,} scores"
    job.save(update_fields=["counts", "message"])
    reporter.log(f"timings (s): {run.timings}")
    return {"run": run.pk, "input_hash": run.input_hash, "timings": run.timings}


def period_from_params(params: dict[str, Any]) -> ReportingPeriod:
    """The job's period: a label, or start and end dates (YYYY-MM-DD)."""
    if params.get("label"):
        return period_from_label(str(params["label"]))
    try:
        start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(BAD_PERIOD) from exc
    return period_from_dates(start, end)
