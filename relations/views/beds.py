"""Bed availability: providers report their own sites' open beds; care managers read the board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from providers.models import LevelOfCare, Region
from providers.selectors import level_of_care_by_code
from relations import rules
from relations.choices import BedUnit
from relations.provider_forms import BedReportForm, bed_form_initial
from relations.selectors import (
    BoardFilters,
    access_bed_site,
    bed_board,
    bed_sites_for,
    offered_bed_levels,
    recent_bed_reports,
    stale_after,
)
from relations.services import bed_report_submit


def _board_filters(request: HttpRequest) -> BoardFilters:
    region = request.GET.get("region", "")
    level = request.GET.get("level", "")
    unit = request.GET.get("unit", "")
    return BoardFilters(
        region=Region.objects.filter(code=region).first() if region else None,
        level_of_care=level_of_care_by_code(code=level) if level else None,
        unit=unit if unit in BedUnit.values else "",
        open_only=request.GET.get("open_only") == "1",
    )


@require_GET
@permission_required("relations.view_bed_board", raise_exception=True)
def bed_board_view(request: HttpRequest) -> HttpResponse:
    """The latest open beds of every inpatient and residential site, their age, stale sites first."""
    now = timezone.localtime()
    filters = _board_filters(request)
    rows = bed_board(user=request.user, now=now, filters=filters)
    context = {
        "rows": rows,
        "filters": filters,
        "regions": Region.objects.all(),
        "levels": LevelOfCare.objects.filter(twenty_four_hour=True),
        "units": BedUnit.choices,
        "stale_count": sum(1 for r in rows if r.stale),
        "stale_hours": int(stale_after(on=now.date()).total_seconds() // 3600),
        "now": now,
    }
    return render(request, "relations/bed_board.html", context)


@require_GET
@permission_required("relations.report_beds", raise_exception=True)
def bed_sites(request: HttpRequest) -> HttpResponse:
    """The user's own inpatient and residential sites, when each last reported, and a link to report."""
    now = timezone.localtime()
    threshold = stale_after(on=now.date())
    sites = list(bed_sites_for(user=request.user, today=now.date()))
    for site in sites:
        last = site.last_reported_at  # type: ignore[attr-defined]
        site.stale = rules.bed_report_is_stale(last, now, threshold)  # type: ignore[attr-defined]
        site.age = rules.describe_age(now - last) if last else "never reported"  # type: ignore[attr-defined]
    return render(request, "relations/bed_sites.html", {"sites": sites})


@require_http_methods(["GET", "POST"])
def bed_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report the open beds of one of the user's own sites; 404 for any other site and for users who
    report no beds, whether the site exists or not."""
    today = timezone.localdate()
    site = access_bed_site(user=request.user, pk=pk, today=today)
    offered = offered_bed_levels(site=site, on=today)
    levels = list(LevelOfCare.objects.filter(code__in=offered))
    recent = recent_bed_reports(site=site)
    initial = bed_form_initial(list(recent[0].lines.all())) if recent else {}
    form = BedReportForm(request.POST or None, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bed_report_submit(
                acting_user=request.user,
                site=site,
                lines=form.cleaned_data["lines"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Beds reported for {site.name}.")
            return redirect("relations:bed_report", pk=site.pk)
    context = {"site": site, "form": form, "recent": recent, "offered": offered.values()}
    return render(request, "relations/bed_report.html", context)
