"""VCM program pages without family data: the outcome dashboard and its xlsx export (aggregate
only: agency viewers see these and nothing else of VCM), and the community resource directory
with its spreadsheet import."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from aso.core.jobs import job_create
from care import rules_vcm
from care.forms.vcm import OutcomeForm, ResourceImportForm, ResourceSearchForm
from care.selectors.vcm import resources_search
from care.selectors.vcm_outcomes import outcomes
from care.services.vcm_resources import JOB_KIND
from care.views.icm_common import any_permission, form_errors, page_of

WORK = "care.work_vcm"
OUTCOMES = "care.view_vcm_outcomes"
MANAGE = "care.manage_vcm_resources"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = (
    "Period", "Region", "Referrals", "Discharges",
    "Connected: met", "Connected: discharged (engaged)", "Connected rate",
    "Plan in 30 days: on time", "Plan in 30 days: due", "Plan rate",
    "Goals met: met", "Goals met: to ongoing treatment", "Goals rate",
)  # fmt: skip


BAD_FILTER = (
    "Those filters are not valid (a start after the end, say): showing this year by quarter."
)


def _params(request: HttpRequest) -> tuple[OutcomeForm, dict[str, object]]:
    today = timezone.localdate()
    defaults = {"start": dt.date(today.year, 1, 1), "end": today, "grain": rules_vcm.QUARTER}
    form = OutcomeForm(request.GET or None, initial=defaults)
    if request.GET and form.is_valid() and form.cleaned_data["start"] <= form.cleaned_data["end"]:
        data = dict(form.cleaned_data)
        data["region"] = data["region"].code if data["region"] else ""
        return form, data
    if request.GET:  # say so rather than show figures nobody asked for without a word
        messages.error(request, BAD_FILTER)
    return form, {**defaults, "region": ""}


def _lines(request: HttpRequest, params: dict[str, object]) -> list[rules_vcm.OutcomeLine]:
    lines = outcomes(
        user=request.user,
        start=params["start"],  # type: ignore[arg-type]
        end=params["end"],  # type: ignore[arg-type]
        grain=str(params["grain"]),
        as_of=timezone.localdate(),
    )
    region = params["region"]
    return [ln for ln in lines if not region or ln.region == region]


@require_GET
@any_permission(WORK, OUTCOMES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The three outcomes the program reports, with counts, by period and region."""
    form, params = _params(request)
    lines = _lines(request, params)
    region = str(params["region"]) or rules_vcm.ALL_REGIONS
    context = {"form": form, "lines": lines, "total": rules_vcm.totals(lines, region), "params": params,
               "query": request.GET.urlencode()}  # fmt: skip
    return render(request, "care/vcm/outcomes.html", context)


@require_GET
@any_permission(WORK, OUTCOMES)
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    _, params = _params(request)
    book = Workbook()
    sheet = book.active
    sheet.title = "VCM outcomes"
    sheet.append(HEADER)
    for ln in _lines(request, params):
        sheet.append([
            ln.period, ln.region, ln.referrals, ln.discharges,
            ln.connected.numerator, ln.connected.denominator, ln.connected.value,
            ln.plan_on_time.numerator, ln.plan_on_time.denominator, ln.plan_on_time.value,
            ln.goals_met.numerator, ln.goals_met.denominator, ln.goals_met.value,
        ])  # fmt: skip
    notes = book.create_sheet("Definitions")
    for line in (rules_vcm.__doc__ or "").split("\n\n"):
        notes.append([" ".join(line.split())])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="vcm-outcomes-{params["start"]}-{params["end"]}.xlsx"'
    )
    return response


@require_GET
@any_permission(WORK, MANAGE)
def resources(request: HttpRequest) -> HttpResponse:
    """The community resource directory, searchable by town, need and age."""
    form = ResourceSearchForm(request.GET or None)
    found = resources_search()
    if form.is_valid():
        data = form.cleaned_data
        found = resources_search(
            town_id=data["town"].pk if data["town"] else None, need=data["need"], age=data["age"]
        )
    page = page_of(request, found)
    context = {"form": form, "page": page, "rows": list(page.object_list),
               "may_import": request.user.has_perm(MANAGE)}  # fmt: skip
    return render(request, "care/vcm/resources.html", context)


@require_http_methods(["GET", "POST"])
@any_permission(MANAGE)
def resources_import(request: HttpRequest) -> HttpResponse:
    """Upload a spreadsheet; a job checks every row and imports all or nothing."""
    form = ResourceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = job_create(
                kind=JOB_KIND, acting_user=request.user, input_file=upload, input_name=upload.name
            )
            return redirect("core:job_detail", pk=job.pk)
        form_errors(request, form)
    return render(request, "care/vcm/resources_import.html", {"form": form})
