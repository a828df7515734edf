"""The one Celery task that runs jobs: it takes an id and calls the job runner."""

from datetime import timedelta

from celery import shared_task
from django.core.files.storage import default_storage
from django.utils import timezone

from aso.core.jobs import job_run
from aso.core.models import Job


@shared_task(name="aso.core.job_run", acks_late=True)
def job_run_task(job_id: int) -> str:
    """Run job `job_id`; a job already finished is not run again."""
    return job_run(job_id).status


@shared_task(name="aso.core.job_files_expire")
def job_files_expire_task() -> int:
    """Remove result files of jobs finished longer ago than JOB_RESULT_RETENTION_DAYS."""
    from django.conf import settings

    cutoff = timezone.now() - timedelta(days=settings.JOB_RESULT_RETENTION_DAYS)
    removed = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(result_file=""):
        if job.result_file.name:
            default_storage.delete(job.result_file.name)
        job.result_file = ""
        job.save(update_fields=["result_file"])
        removed += 1
    return removed
