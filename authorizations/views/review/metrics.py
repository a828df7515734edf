"""The CMS prior-authorization metrics page and its CSV / xlsx export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from authorizations.services.metrics import pa_metrics_csv, pa_metrics_for_year, pa_metrics_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(http: HttpRequest) -> int:
    default = timezone.localdate().year - 1
    try:
        year = int(http.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= default + 1 else default


def _allowed(http: HttpRequest) -> None:
    if not http.user.has_perm("authorizations.view_pa_metrics"):
        raise PermissionDenied("The prior-authorization metrics are for supervisors.")


@require_GET
def pa_metrics(http: HttpRequest) -> HttpResponse:
    """The nine figures for a calendar year, with their definitions. Aggregates only: no member data."""
    _allowed(http)
    year = _year(http)
    metrics = pa_metrics_for_year(year=year)
    years = range(timezone.localdate().year, 2013, -1)
    return render(http, "authorizations/review/metrics.html", {"metrics": metrics, "years": years})


@require_GET
def pa_metrics_export(http: HttpRequest) -> HttpResponse:
    _allowed(http)
    metrics = pa_metrics_for_year(year=_year(http))
    if http.GET.get("format") == "xlsx":
        response = HttpResponse(pa_metrics_xlsx(metrics), content_type=XLSX)
        extension = "xlsx"
    else:
        response = HttpResponse(pa_metrics_csv(metrics), content_type="text/csv; charset=utf-8")
        extension = "csv"
    response["Content-Disposition"] = (
        f'attachment; filename="pa-metrics-{metrics.year}.{extension}"'
    )
    return response
