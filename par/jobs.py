"""PAR's background jobs: a claims load and a scoring run. Each handler calls one service."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from aso.core.jobs import JobFailure, JobReporter, job_handler, job_run
from aso.core.models import Job
from par.claims_file import LayoutError

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
