"""The oversight export page: pick a workbook, a period and options; the job's progress page follows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from aso.core.jobs import job_create
from aso.core.selectors import jobs_visible_to
from oversight.catalog import CATALOG
from oversight.forms import ExportForm
from oversight.jobs import OVERSIGHT_EXPORT
from oversight.rules import agency_scope

RECENT = 20


def _may_export(user: Any) -> bool:
    return bool(user.has_perm("core.export_oversight") or user.has_role("admin"))


@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """Start an export (a job) and follow it on the job page; recent exports of the user below."""
    user = request.user
    if not _may_export(user):
        raise PermissionDenied
    form = ExportForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        job = job_create(kind=OVERSIGHT_EXPORT, acting_user=user, params=form.job_params())
        return redirect("core:job_detail", job.pk)
    agency = getattr(user, "agency", "")
    recent = jobs_visible_to(user=user).filter(kind=OVERSIGHT_EXPORT, created_by_id=user.pk)[
        :RECENT
    ]
    context = {
        "form": form,
        "catalog": list(CATALOG.values()),
        "scope": agency_scope(agency) if agency else None,
        "jobs": list(recent),
    }
    return render(request, "oversight/export.html", context, status=400 if form.errors else 200)
