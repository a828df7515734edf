"""The oversight export job: the web page queues it, the progress page follows it, the file is kept
as the job's result until purged. A failed job keeps no file."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from aso.core.jobs import JobReporter, job_handler
from aso.core.models import Job
from oversight.rules import export_period

OVERSIGHT_EXPORT = "oversight_export"


@job_handler(OVERSIGHT_EXPORT)
def oversight_export_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """Build the workbook named in the job's params into a scratch directory, then keep it."""
    from oversight.services import export_agency, oversight_export_run

    p = job.params
    agency = export_agency(user=job.created_by, asked=p.get("agency"))
    period = export_period(
        label=p.get("label", ""),
        start=date.fromisoformat(p["start"]) if p.get("start") else None,
        end=date.fromisoformat(p["end"]) if p.get("end") else None,
        today=timezone.localdate(),
    )
    with tempfile.TemporaryDirectory(prefix="oversight-") as scratch:
        result = oversight_export_run(
            acting_user=job.created_by,
            agency=agency,
            workbook=p["workbook"],
            period=period,
            directory=Path(scratch),
            suppress=p.get("suppress"),
            fmt=p.get("format", "xlsx"),
            progress=reporter.progress,
        )
        with result.path.open("rb") as handle:
            job.result_file.save(result.path.name, File(handle), save=False)
    job.counts = {f"rows: {name}": n for name, n in result.rows.items()}
    if result.sud_rows_withheld:
        job.counts["substance-use rows withheld (no consent)"] = result.sud_rows_withheld
    job.message = f"{p['workbook']} for {agency}, {period.label}: ready"
    job.save(update_fields=["result_file", "counts", "message"])
    reporter.log(f"{agency} {p['workbook']} {period.label}: {sum(result.rows.values())} row(s)")
    return {
        "agency": agency,
        "workbook": p["workbook"],
        "period": period.label,
        "suppressed": result.suppressed,
        "members": result.members,
    }


def oversight_files_purge(*, now: Any = None) -> int:
    """Remove oversight export files older than OVERSIGHT_FILE_RETENTION_DAYS: the files of finished
    export jobs, and the files the command wrote under MEDIA_ROOT/oversight."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OVERSIGHT_FILE_RETENTION_DAYS)
    removed = 0
    jobs = Job.objects.filter(kind=OVERSIGHT_EXPORT, finished_at__lt=cutoff).exclude(result_file="")
    for job in jobs:
        if job.result_file.name:
            default_storage.delete(job.result_file.name)
        Job.objects.filter(pk=job.pk).update(result_file="")
        removed += 1
    folder = Path(settings.MEDIA_ROOT) / "oversight"
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                removed += 1
    return removed
