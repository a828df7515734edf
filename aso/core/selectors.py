"""Reads of the platform core, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from aso.core.models import Job


def jobs_visible_to(*, user: Any) -> QuerySet[Job]:
    """Every job for those who watch jobs; otherwise the jobs the user started."""
    jobs = Job.objects.select_related("created_by")
    if user.has_perm("core.view_all_jobs"):
        return jobs
    return jobs.filter(created_by=user)


def access_job(*, user: Any, pk: int) -> Job:
    """The job, or 404 whether it is missing or not the user's."""
    return get_object_or_404(jobs_visible_to(user=user), pk=pk)
