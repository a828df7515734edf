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
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, FloatField, Func, Q, QuerySet
from django.db.models.functions import Coalesce

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
class Tally:
    """One urgency group's determinations of the year, counted in the database."""

    determined: int = 0
    approved: int = 0
    partial: int = 0
    overturned: int = 0  # denied or partly approved, then overturned on appeal
    extended_approved: int = 0
    average_hours: float | None = None
    median_hours: float | None = None


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


def _hours(tally: Tally) -> str:
    if not tally.determined or tally.average_hours is None or tally.median_hours is None:
        return "no requests"
    return f"average {tally.average_hours:.1f} h, median {tally.median_hours:.1f} h"


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


def _time(number: int, tally: Tally) -> Figure:
    return Figure(
        number,
        LABELS[number],
        _hours(tally),
        tally.average_hours,
        tally.determined,
        DEFINITIONS[number],
    )


def metrics_from(
    year: int, services: tuple[tuple[str, str], ...], standard: Tally, expedited: Tally
) -> PaMetrics:
    """The nine figures from the year's tallies (pure)."""
    every = standard.determined + expedited.determined
    extended = standard.extended_approved + expedited.extended_approved
    listed = ", ".join(code for code, _ in services)
    figures = (
        Figure(1, LABELS[1], listed, None, len(services), DEFINITIONS[1]),
        _share(2, standard.approved, standard.determined),
        _share(3, standard.determined - standard.approved, standard.determined),
        _share(4, standard.overturned, standard.determined),
        _share(5, extended, every),
        _share(6, expedited.approved, expedited.determined),
        _share(7, expedited.determined - expedited.approved, expedited.determined),
        _time(8, standard),
        _time(9, expedited),
    )
    return PaMetrics(
        year=year,
        services=services,
        figures=figures,
        standard_count=standard.determined,
        expedited_count=expedited.determined,
        partial_standard=standard.partial,
        partial_expedited=expedited.partial,
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


class EpochSeconds(Func):
    """Seconds since 1970 of a datetime, computed by the database itself (no per-row Python)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


# From receipt to determination: the decision, or the deadline of a deemed denial still undecided.
ELAPSED = EpochSeconds(Coalesce(F("decided_at"), F("due_at"))) - EpochSeconds(F("received_at"))


def _median(rows: QuerySet[Request], count: int) -> float | None:
    """The median elapsed time, read as the one or two middle rows in elapsed order."""
    if not count:
        return None
    ordered = rows.annotate(elapsed=ELAPSED).order_by("elapsed").values_list("elapsed", flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return statistics.fmean(middle) / 3600


def _tally(rows: QuerySet[Request], overturned: QuerySet[Appeal]) -> Tally:
    """Counts, average and median of one urgency group: two queries (three for an even median)."""
    approved = Q(status__in=APPROVED)
    counts = rows.aggregate(
        determined=Count("pk"),
        approved=Count("pk", filter=approved),
        partial=Count("pk", filter=Q(status=RequestStatus.PARTIALLY_APPROVED)),
        overturned=Count("pk", filter=Q(pk__in=overturned.values("request_id"))),
        extended_approved=Count("pk", filter=approved & Q(extended_at__isnull=False)),
        average=Avg(ELAPSED),
    )
    return Tally(
        determined=counts["determined"],
        approved=counts["approved"],
        partial=counts["partial"],
        overturned=counts["overturned"],
        extended_approved=counts["extended_approved"],
        average_hours=counts["average"] / 3600 if counts["average"] is not None else None,
        median_hours=_median(rows, counts["determined"]),
    )


def pa_metrics_for_year(*, year: int) -> PaMetrics:
    """The nine CMS figures for a calendar year (New York), from the stored requests."""
    return pa_metrics_between(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))


def pa_metrics_between(
    *, first: dt.date, last: dt.date, requests: QuerySet[Request] | None = None
) -> PaMetrics:
    """The nine figures for the determinations from `first` through `last` (New York days), over
    `requests` (every request by default; oversight exports pass an agency's population)."""
    start, end = local_midnight(first), local_midnight(last + dt.timedelta(days=1))
    decided = Q(status__in=DETERMINED, decided_at__gte=start, decided_at__lt=end)
    deemed = Q(status__in=OPEN, deemed_denied_at__isnull=False, due_at__gte=start, due_at__lt=end)
    source = Request.objects.all() if requests is None else requests
    rows = source.filter(review_path=ReviewPath.PRIOR_AUTH).filter(decided | deemed)
    overturned = Appeal.objects.filter(
        status=AppealStatus.DECIDED,
        outcome__in=(AppealOutcome.OVERTURNED, AppealOutcome.PARTIALLY_OVERTURNED),
    )
    return metrics_from(
        first.year,
        _services(first, last),
        standard=_tally(rows.filter(urgency="standard"), overturned),
        expedited=_tally(rows.exclude(urgency="standard"), overturned),
    )


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
