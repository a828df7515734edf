"""Job handlers of care management (registered when the app is ready)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aso.core.jobs import JobFailure, JobReporter, job_handler
from aso.core.models import Job
from care.services.icm_assignment import icm_assign_automatic
from care.services.icm_identification import JOB_KIND, icm_candidates_identify
from care.services.vcm_resources import JOB_KIND as VCM_RESOURCES_KIND
from care.services.vcm_resources import community_resources_import, sheet_rows


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


@job_handler(VCM_RESOURCES_KIND)
def vcm_resources_import_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """Import the community resource directory from the uploaded spreadsheet (all or nothing)."""
    try:
        rows = sheet_rows(job.input_file.path)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise JobFailure("The file is not a readable .xlsx workbook.") from exc
    reporter.progress(30, f"{len(rows)} rows read")
    result = community_resources_import(acting_user=job.created_by, rows=rows)
    if result.errors:
        for line in result.errors[:200]:
            reporter.log(line)
        raise JobFailure(
            f"{len(result.errors)} problems; nothing was imported. " + "; ".join(result.errors[:5])
        )
    reporter.log(f"{result.created} resources created, {result.updated} updated")
    return {"created": result.created, "updated": result.updated}
