"""Journey: a data-operations user watches a background job's progress bar update itself (htmx)."""

from django.core.cache import cache

from aso.core.choices import JobStatus
from aso.core.models import Job


def test_the_job_page_progress_bar_follows_the_job_to_the_end(signed_in, shot):
    page = signed_in("data_ops")
    job = Job.objects.create(
        kind="reference_data_check",
        created_by=page.user,
        status=JobStatus.RUNNING,
        progress=30,
        message="checking levels of care",
    )
    page.goto("/jobs/")
    page.get_by_role("heading", name="Background jobs").wait_for()
    page.get_by_role("link", name=str(job.pk), exact=True).click()
    progress = page.locator("#job-progress progress")
    assert progress.get_attribute("value") == "30"
    shot(page, "job-running")
    cache.clear()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, progress=100, message="done", counts={"rows": 12}
    )
    page.locator("#job-progress .status-succeeded").wait_for()  # the next poll swapped it in
    assert progress.get_attribute("value") == "100"
    assert page.locator("#job-progress").get_attribute("hx-get") is None  # polling stopped
    shot(page, "job-finished")
