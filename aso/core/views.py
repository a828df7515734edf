"""Job pages: a list, and a detail page whose progress bar updates itself with htmx."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from aso.core.jobs import PRIVATE_RESULT, live_progress
from aso.core.selectors import access_job, jobs_visible_to

PAGE_SIZE = 50


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(jobs_visible_to(user=request.user)[:PAGE_SIZE])
    return render(request, "core/job_list.html", {"jobs": jobs})


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_job(user=request.user, pk=pk)
    progress, message = live_progress(job)
    context = {"job": job, "progress": progress, "message": message}
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, context)


@require_GET
def job_result_download(request: HttpRequest, pk: int) -> FileResponse:
    job = access_job(user=request.user, pk=pk)
    if not job.result_file:
        raise Http404("This job has no file to download.")
    if job.params.get(PRIVATE_RESULT):
        if job.created_by_id != request.user.pk:
            raise Http404("This job has no file to download.")
        access_log_record(
            user=request.user,
            action=AccessAction.EXPORT,
            request=request,
            purpose=f"download of the result of job {job.pk} ({job.kind})",
        )
    name = (job.result_file.name or "").rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
