"""Job handlers that span every app."""

from __future__ import annotations

from typing import Any

from aso.core.jobs import JobReporter, job_handler
from aso.core.models import Job


@job_handler("reference_data_check")
def reference_data_check(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """Compare the reviewed files in fixtures/ with the database, changing nothing: which rows differ."""
    from aso.referencedata import load_all

    reporter.progress(10, "Reading reference files")
    reports = load_all(dry_run=True)
    drift = {
        r.file: {"would_create": r.created, "would_update": r.updated}
        for r in reports
        if r.created or r.updated
    }
    for report in reports:
        reporter.log(
            f"{report.file}: {report.unchanged} in sync, {report.created} missing, {report.updated} differ"
        )
    reporter.progress(
        100, "Reference data in sync" if not drift else "Reference data differs from files"
    )
    return {"in_sync": not drift, "drift": drift, "files": len(reports)}
