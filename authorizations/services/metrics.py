"""The CMS prior-authorization metrics (CMS-0057-F, published yearly by March 31 for the prior year;
domain section 6), computed from the stored requests for one calendar year.

Counting rules (also shown on the page, `DEFINITIONS`):
- A request counts in the year of its determination (New York time): the decision, or for a request
  deemed denied and still undecided, its deadline. Only prior-authorization requests count (initial and
  concurrent reviews); registrations, withdrawn and cancelled requests do not.
- Standard = urgency standard; expedited = expedited or urgent concurrent.
- Approved = approved or partially approved (partial approvals are also shown on their own); denied =
  denied by a physician advisor, or deemed denied (no decision in time) and still undecided.
- Approved after appeal: determinations denied or partially approved whose appeal was overturned or
  partially overturned, over all standard determinations of the year.
- Extended and approved: determinations (standard and expedited) whose deadline was extended and that
  were approved, over all determinations.
- Time to decision: from receipt to determination, in hours; average and median.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from authorizations.choices import RequestStatus, ReviewPath
from authorizations.choices_review import AppealOutcome, AppealStatus
from authorizations.models import Appeal, AuthorizationRule, Request
from authorizations.rules.clocks import local_midnight

APPROVED = (RequestStatus.APPROVED, RequestStatus.PARTIALLY_APPROVED)
DETERMINED = (*APPROVED, RequestStatus.DENIED)
OPEN = (RequestStatus.SUBMITTED, RequestStatus.PENDED, RequestStatus.IN_REVIEW)

DEFINITIONS = {
    1: "Levels of care that needed prior authorization on any day of the year (authorization "
    "rules with the prior-authorization path).",
    2: "Standard requests approved (fully or partly) / standard requests determined in the year.",
    3: "Standard requests denied (by a physician advisor, or deemed denied and still undecided) / "
    "standard requests determined in the year.",
    4: "Standard requests denied or partly approved whose appeal was overturned or partly "
    "overturned / standard requests determined in the year.",
    5: "Requests (standard and expedited) whose decision deadline was extended and that were "
    "approved / all requests determined in the year.",
    6: "Expedited (and urgent concurrent) requests approved / expedited requests determined.",
    7: "Expedited (and urgent concurrent) requests denied / expedited requests determined.",
    8: "Hours from receipt to determination, standard requests: average and median.",
    9: "Hours from receipt to determination, expedited requests: average and median.",
}


@dataclass(frozen=True)
class Determination:
    """One request's determination, as the metrics need it."""

    request_id: int
    expedited: bool
    approved: bool
    partial: bool
    extended: bool
    hours: float
    overturned_on_appeal: bool


@dataclass(frozen=True)
class Figure:
    number: int
    label: str
    value: str  # as displayed
    numerator: float | None
    denominator: int | None
    definition: str


@dataclass(frozen=True)
class PaMetrics:
    year: int
    services: tuple[tuple[str, str], ...]
    figures: tuple[Figure, ...]
    standard_count: int
    expedited_count: int
    partial_standard: int
    partial_expedited: int


def _percent(numerator: int, denominator: int) -> str:
    return f"{100 * numerator / denominator:.1f}%" if denominator else "no requests"


def _hours(values: list[float]) -> tuple[str, float | None]:
    if not values:
        return "no requests", None
    average, median = statistics.fmean(values), statistics.median(values)
    return f"average {average:.1f} h, median {median:.1f} h", average


LABELS = {
    1: "Services that need prior authorization",
    2: "Standard requests approved",
    3: "Standard requests denied",
    4: "Standard requests approved after appeal",
    5: "Requests extended and then approved",
    6: "Expedited requests approved",
    7: "Expedited requests denied",
    8: "Time to decision, standard",
    9: "Time to decision, expedited",
}


def _share(number: int, numerator: int, denominator: int) -> Figure:
    value = _percent(numerator, denominator)
    return Figure(number, LABELS[number], value, numerator, denominator, DEFINITIONS[number])


def _time(number: int, rows: list[Determination]) -> Figure:
    value, average = _hours([r.hours for r in rows])
    return Figure(number, LABELS[number], value, average, len(rows), DEFINITIONS[number])


def metrics_from(
    year: int, services: tuple[tuple[str, str], ...], rows: Iterable[Determination]
) -> PaMetrics:
    """The nine figures from the year's determinations (pure)."""
    every = list(rows)
    standard = [r for r in every if not r.expedited]
    expedited = [r for r in every if r.expedited]
    s_ok = sum(r.approved for r in standard)
    e_ok = sum(r.approved for r in expedited)
    listed = ", ".join(code for code, _ in services)
    figures = (
        Figure(1, LABELS[1], listed, None, len(services), DEFINITIONS[1]),
        _share(2, s_ok, len(standard)),
        _share(3, len(standard) - s_ok, len(standard)),
        _share(4, sum(r.overturned_on_appeal for r in standard), len(standard)),
        _share(5, sum(r.extended and r.approved for r in every), len(every)),
        _share(6, e_ok, len(expedited)),
        _share(7, len(expedited) - e_ok, len(expedited)),
        _time(8, standard),
        _time(9, expedited),
    )
    return PaMetrics(
        year=year,
        services=services,
        figures=figures,
        standard_count=len(standard),
        expedited_count=len(expedited),
        partial_standard=sum(r.partial for r in standard),
        partial_expedited=sum(r.partial for r in expedited),
    )


def _services(first: dt.date, last: dt.date) -> tuple[tuple[str, str], ...]:
    rules = (
        AuthorizationRule.objects.filter(
            review_path=ReviewPath.PRIOR_AUTH, effective_from__lte=last
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
        .select_related("level_of_care")
        .order_by("level_of_care__sort_order")
    )
    seen: dict[str, str] = {}
    for rule in rules:
        seen.setdefault(rule.level_of_care.code, rule.level_of_care.name)
    return tuple(seen.items())


def _hours_to(received: dt.datetime, determined: dt.datetime | None) -> float:
    assert determined is not None, "a deemed denial has a deadline"
    return (determined - received).total_seconds() / 3600


def pa_metrics_for_year(*, year: int) -> PaMetrics:
    """The nine CMS figures for a calendar year (New York), from the stored requests."""
    start, end = local_midnight(dt.date(year, 1, 1)), local_midnight(dt.date(year + 1, 1, 1))
    decided = Q(status__in=DETERMINED, decided_at__gte=start, decided_at__lt=end)
    deemed = Q(status__in=OPEN, deemed_denied_at__isnull=False, due_at__gte=start, due_at__lt=end)
    rows = Request.objects.filter(review_path=ReviewPath.PRIOR_AUTH).filter(decided | deemed)
    values = rows.values_list(
        "pk", "urgency", "status", "received_at", "decided_at", "due_at", "extended_at"
    )
    overturned = set(
        Appeal.objects.filter(
            request__in=rows.values("pk"),
            status=AppealStatus.DECIDED,
            outcome__in=(AppealOutcome.OVERTURNED, AppealOutcome.PARTIALLY_OVERTURNED),
        ).values_list("request_id", flat=True)
    )
    determinations = [
        Determination(
            request_id=pk,
            expedited=urgency != "standard",
            approved=status in APPROVED,
            partial=status == RequestStatus.PARTIALLY_APPROVED,
            extended=extended_at is not None,
            hours=_hours_to(received_at, decided_at or due_at),
            overturned_on_appeal=pk in overturned,
        )
        for pk, urgency, status, received_at, decided_at, due_at, extended_at in values
    ]
    return metrics_from(year, _services(dt.date(year, 1, 1), dt.date(year, 12, 31)), determinations)


EXPORT_HEADER = ("number", "metric", "value", "numerator", "denominator", "definition")


def _export_rows(metrics: PaMetrics) -> list[tuple[object, ...]]:
    return [
        (f.number, f.label, f.value, f.numerator, f.denominator, f.definition)
        for f in metrics.figures
    ]


def pa_metrics_csv(metrics: PaMetrics) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(_export_rows(metrics))
    return out.getvalue()


def pa_metrics_xlsx(metrics: PaMetrics) -> bytes:
    """A workbook: the figures, the services list and the counting rules."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"PA metrics {metrics.year}"
    sheet.append(EXPORT_HEADER)
    for row in _export_rows(metrics):
        sheet.append(list(row))
    services = workbook.create_sheet("Services")
    services.append(("code", "level of care"))
    for code, name in metrics.services:
        services.append((code, name))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
