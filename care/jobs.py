"""Job handlers of care management (registered when the app is ready)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aso.core.jobs import JobReporter, job_handler
from aso.core.models import Job
from care.services.icm_assignment import icm_assign_automatic
from care.services.icm_identification import JOB_KIND, icm_candidates_identify


@job_handler(JOB_KIND)
def icm_identification_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """Nightly ICM identification (and, when asked, automatic assignment) for ``as_of``."""
    raw = job.params.get("as_of")
    as_of = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    result = icm_candidates_identify(
        as_of=as_of, acting_user=job.created_by, job=job, progress=reporter.progress
    )
    reporter.log(
        f"{result.identified} members meet a trigger on {as_of}: {result.created} new, "
        f"{result.updated} updated, {result.confirmed} unchanged, {result.lapsed} lapsed, "
        f"{result.held_back} decided before and without new evidence"
    )
    outcome = result.as_dict()
    counts = {k: outcome[k] for k in ("identified", "created", "updated", "lapsed")}
    if job.params.get("auto_assign"):
        reporter.progress(90, "Assigning automatically")
        auto = icm_assign_automatic(acting_user=job.created_by, on=as_of)
        reporter.log(f"automatic assignment: {auto.assigned} assigned, {auto.left_open} left open")
        outcome["auto_assign"] = {"assigned": auto.assigned, "left_open": auto.left_open}
        counts["assigned"] = auto.assigned
    Job.objects.filter(pk=job.pk).update(counts=counts)
    return outcome
