"""The eligibility-load job: what the upload page and `manage.py load_eligibility` queue."""

from __future__ import annotations

from typing import Any

from aso.core.jobs import JobReporter, job_handler
from aso.core.models import Job
from members.services import JOB_KIND, eligibility_load_run


@job_handler(JOB_KIND)
def run_eligibility_load(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """Run one eligibility load; progress goes through the cache while its transaction is open."""
    reporter.progress(0, "Starting")
    load = eligibility_load_run(
        load_id=job.params["load"], path=job.input_file.path, progress=reporter.progress
    )
    counts = load.counts()
    Job.objects.filter(pk=job.pk).update(counts=counts)
    reporter.log(
        f"load #{load.pk}: {load.get_status_display()}; "
        + ", ".join(f"{key} {value}" for key, value in counts.items())
    )
    reporter.progress(100, load.get_status_display())
    return {"load": load.pk, "status": load.status}
