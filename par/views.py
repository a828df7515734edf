"""PAR pages: scorecards (index, region, provider, drill-down), workbooks, runs and claims loads.

Views only check access through par.selectors, call one builder or service, and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aso.core.audit import access_log_record
from aso.core.jobs import job_create
from members.models import Member
from par import exports
from par.forms import ClaimsUploadForm, RunForm
from par.jobs import CLAIMS_LOAD, SCORE_RUN
from par.scorecards import case_rows, provider_scorecard, region_table, run_measures, statewide
from par.selectors import (
    LOAD_CLAIMS,
    RUN_PAR,
    access_claims_load,
    access_region,
    access_run,
    access_scorecard_provider,
    claims_loads_visible_to,
    reads_par,
    regions_visible_to,
    run_to_show,
    runs_visible_to,
    scorecard_providers_visible_to,
    succeeded_runs,
)

PAGE_SIZE = 50
RUN_PICKER = 24


def _run_context(request: HttpRequest) -> dict:
    run = run_to_show(user=request.user, run_id=request.GET.get("run"))
    picker = list(succeeded_runs(user=request.user).order_by("-period_end", "-pk")[:RUN_PICKER])
    return {"run": run, "runs": picker}


@require_GET
def scorecards(request: HttpRequest) -> HttpResponse:
    """Where PAR starts: the latest run, the user's regions or own organizations, the state."""
    if not reads_par(request.user):
        raise PermissionDenied
    context = _run_context(request)
    context["regions"] = list(regions_visible_to(user=request.user).order_by("code"))
    context["providers"] = list(
        scorecard_providers_visible_to(user=request.user).order_by("name")[:20]
    )
    return render(request, "par/scorecards.html", context)


@require_GET
def region(request: HttpRequest, pk: int) -> HttpResponse:
    """Providers of a region x measures, sortable, outliers marked."""
    found = access_region(user=request.user, pk=pk)
    context = {"region": found, **_run_context(request)}
    if context["run"] is not None:
        sort, descending = request.GET.get("sort", "name"), request.GET.get("dir") == "desc"
        table = region_table(region=found, run=context["run"], sort=sort, descending=descending)
        page = Paginator(table.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(table=table, page=page)
    return render(request, "par/region.html", context)


@require_GET
def provider(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's scorecard: value, state, percentile, target, trend, charts per measure."""
    found = access_scorecard_provider(user=request.user, pk=pk)
    context = {"provider": found, **_run_context(request)}
    if context["run"] is not None:
        context["card"] = provider_scorecard(provider=found, run=context["run"])
    return render(request, "par/provider.html", context)


@require_GET
def cases(request: HttpRequest, run: int, provider: int, measure: str) -> HttpResponse:
    """The cases behind one score, member by member: every view is written to the access log."""
    found = access_scorecard_provider(user=request.user, pk=provider)
    scored = access_run(user=request.user, pk=run)
    chosen = next((m for m in run_measures(scored) if m.code == measure), None)
    if chosen is None:
        raise Http404("No such measure in this run.")
    page = Paginator(case_rows(run=scored, provider=found, measure=chosen), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    access_log_record(
        user=request.user,
        subject_model=Member,
        subject_ids=sorted({case.member_id for case in page}),
        request=request,
        purpose=f"PAR drill-down {chosen.code} run {scored.pk}",
    )
    context = {"provider": found, "run": scored, "measure": chosen, "page": page}
    return render(request, "par/cases.html", context)


@require_GET
def provider_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_scorecard_provider(user=request.user, pk=pk)
    run = run_to_show(user=request.user, run_id=request.GET.get("run"))
    if run is None:
        raise Http404("No finished PAR run yet.")
    return exports.workbook_response(exports.provider_workbook(provider=found, run=run))


@require_GET
def region_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_region(user=request.user, pk=pk)
    run = run_to_show(user=request.user, run_id=request.GET.get("run"))
    if run is None:
        raise Http404("No finished PAR run yet.")
    return exports.workbook_response(exports.region_workbook(region=found, run=run))


@require_http_methods(["GET", "POST"])
def run_list(request: HttpRequest) -> HttpResponse:
    """Scoring runs, and a form to start one (a job)."""
    if not request.user.has_perm(RUN_PAR):
        raise PermissionDenied
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = job_create(kind=SCORE_RUN, acting_user=request.user, params=form.job_params())
        messages.success(request, f"PAR run for {form.reporting_period.label} started.")
        return redirect("core:job_detail", pk=job.pk)
    page = Paginator(runs_visible_to(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "par/run_list.html", {"form": form, "page": page})


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: period, status, input hash, timings, and the state's figures (no provider's)."""
    if not reads_par(request.user):
        raise PermissionDenied
    found = access_run(user=request.user, pk=pk)
    state = statewide(found)
    rows = [(m, state.get(m.pk)) for m in run_measures(found)]
    return render(request, "par/run_detail.html", {"run": found, "rows": rows})


@require_http_methods(["GET", "POST"])
def claims_loads(request: HttpRequest) -> HttpResponse:
    """Claims loads, and an upload form that loads a file through a job."""
    if not request.user.has_perm(LOAD_CLAIMS):
        raise PermissionDenied
    form = ClaimsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_create(
            kind=CLAIMS_LOAD,
            acting_user=request.user,
            params={"file_name": upload.name},
            input_file=upload,
            input_name=upload.name,
        )
        return redirect("core:job_detail", pk=job.pk)
    page = Paginator(claims_loads_visible_to(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "par/claims_loads.html", {"form": form, "page": page})


@require_GET
def claims_load_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One load's counts and its rejected rows (line, reason, message; the raw row stays in the
    database for operations)."""
    found = access_claims_load(user=request.user, pk=pk)
    page = Paginator(found.rejections.order_by("line_number"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "par/claims_load_detail.html", {"load": found, "page": page})
