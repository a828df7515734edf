"""Background jobs: the runner records progress and outcome; pages show only the user's jobs."""

import pytest
from django.urls import reverse

from aso.core.choices import JobStatus
from aso.core.jobs import JobFailure, job_create, job_handler, job_run
from aso.core.models import Job
from aso.referencedata import ALL_SPECS

pytestmark = pytest.mark.django_db


@job_handler("test_counting")
def _counting(job, reporter):  # type: ignore[no-untyped-def]
    for step in range(1, 5):
        reporter.progress(step * 25, f"step {step}")
    reporter.log("counted to four")
    job.counts = {"counted": 4}
    job.save(update_fields=["counts"])
    return {"answer": 4}


@job_handler("test_failing")
def _failing(job, reporter):  # type: ignore[no-untyped-def]
    reporter.progress(40, "halfway")
    raise JobFailure("The file has no header row.")


def test_a_job_runs_after_commit_and_records_result_progress_and_log(
    make_user, django_capture_on_commit_callbacks
):
    user = make_user("data_ops")
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind="test_counting", acting_user=user, params={"x": 1})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress, job.result, job.counts) == (100, {"answer": 4}, {"counted": 4})
    assert "counted to four" in job.log
    assert job.started_at <= job.finished_at and job.attempts == 1


def test_a_failing_job_is_marked_failed_with_its_reason(make_user):
    job = Job.objects.create(kind="test_failing", created_by=make_user("data_ops"))
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The file has no header row."
    assert job.finished_at is not None


def test_running_a_finished_job_again_changes_nothing(make_user):
    job = Job.objects.create(kind="test_counting", created_by=make_user("data_ops"))
    job_run(job.pk)
    finished = Job.objects.get(pk=job.pk).finished_at
    job_run(job.pk)
    job.refresh_from_db()
    assert (job.finished_at, job.attempts) == (finished, 1)


def test_an_unknown_kind_is_refused_at_creation(make_user):
    with pytest.raises(ValueError, match="No handler is registered for job kind 'nope'"):
        job_create(kind="nope", acting_user=make_user("data_ops"))
    assert not Job.objects.exists()


def test_the_job_page_shows_progress_and_polls_only_while_running(client, make_user):
    owner = make_user("data_ops")
    job = Job.objects.create(
        kind="test_counting", created_by=owner, status=JobStatus.RUNNING, progress=30
    )
    client.force_login(owner)
    page = client.get(reverse("core:job_detail", args=[job.pk]))
    assert (
        page.status_code == 200
        and b'hx-trigger="every 1s"' in page.content
        and b'value="30"' in page.content
    )
    partial = client.get(reverse("core:job_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"<h1>" not in partial.content and b"job-progress" in partial.content
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress=100)
    assert b"hx-trigger" not in client.get(reverse("core:job_detail", args=[job.pk])).content


def test_a_job_of_someone_else_is_404_unless_the_user_watches_all_jobs(client, make_user):
    job = Job.objects.create(kind="test_counting", created_by=make_user("network_ops"))
    client.force_login(make_user("network_ops"))
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    detail_url = reverse("core:job_detail", args=[job.pk])
    assert detail_url not in client.get(reverse("core:job_list")).content.decode()
    client.force_login(make_user("data_ops"))
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 200


def test_reference_data_check_job_reports_in_sync(make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind="reference_data_check", acting_user=make_user("admin"))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["in_sync"] is True and job.result["files"] == len(ALL_SPECS)
