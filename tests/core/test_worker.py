"""A Celery task run by a real worker process (Redis broker, PostgreSQL) updates its Job."""

import time

import pytest

from aso.core.choices import JobStatus
from aso.core.jobs import job_create
from aso.core.models import Job

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_finished(pk: int, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=pk)
        if job.is_finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"job {pk} did not finish within {timeout} s")


def test_a_real_worker_runs_the_job_and_records_its_outcome(ref, celery_worker_process, make_user):
    job = job_create(kind="reference_data_check", acting_user=make_user("admin"))
    finished = _wait_finished(job.pk)
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    assert finished.result["in_sync"] is True
    assert finished.progress == 100 and finished.attempts == 1
    assert "regions.yaml: 5 in sync" in finished.log
