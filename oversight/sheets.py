"""One builder per sheet. Counts are aggregated by the database (values() + annotate()); the member-level
detail sheet is an iterator over value tuples in chunks. Every builder filters through
`oversight.selectors.in_scope`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from authorizations.choices import RequestStatus, ReviewPath, Urgency
from authorizations.choices_review import AppealOutcome, AppealStatus
from authorizations.models import Authorization, Episode, Request
from authorizations.models_review import Appeal, DischargeCode
from members.models import EligibilitySpan
from oversight.rules import AGE_GROUPS
from oversight.selectors import (
    DISCLOSABLE,
    WITHHELD,
    ExportContext,
    age_group_expression,
    in_scope,
    part2_split,
)

DETAIL_CHUNK = 2000
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class CrossTab:
    """Counts: rows named by one or more labels, one column per category, totals added by the writer.
    `rate` adds a percentage column: (label, index of the numerator column) over the row total."""

    row_headers: tuple[str, ...]
    column_headers: tuple[str, ...]
    rows: Sequence[tuple[tuple[str, ...], list[int]]]
    total_label: str = "Total"
    rate: tuple[str, int] | None = None


@dataclass(frozen=True)
class Listing:
    """Member-level rows, streamed. `formats` maps a column index to an Excel number format."""

    headers: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]
    formats: dict[int, str] = field(default_factory=dict)
    member_ids: set[int] = field(default_factory=set)  # filled while rows are read
    disclosed_sud_members: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Measures:
    """One row per group with counts (the value columns `counts`) and figures derived from them
    (averages, sums of days, rates). No totals row: when suppression is on, a row with a count from 1 to
    10 shows "<11" for it and leaves its other figures blank: a figure of few cases identifies them."""

    row_headers: tuple[str, ...]
    value_headers: tuple[str, ...]
    rows: Sequence[tuple[tuple[str, ...], list[Any]]]
    counts: tuple[int, ...] = (0,)  # value indexes holding counts
    formats: dict[int, str] = field(default_factory=dict)  # value index -> Excel number format


Sheet = CrossTab | Listing | Measures
Builder = Callable[[ExportContext], Sheet]


def _pivot(
    results: Iterable[Mapping[str, Any]],
    *,
    keys: Callable[[Mapping[str, Any]], tuple[str, ...]],
    column: str,
    columns: Sequence[str],
) -> list[tuple[tuple[str, ...], list[int]]]:
    table: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(columns))
    index = {c: i for i, c in enumerate(columns)}
    for row in results:
        table[keys(row)][index[row[column]]] += row["n"]
    return sorted(table.items())


def _decided_in(ctx: ExportContext) -> Q:
    start, end = ctx.window
    return Q(decided_at__gte=start, decided_at__lt=end)


def _requests(ctx: ExportContext) -> Any:
    return Request.objects.filter(in_scope(scope=ctx.scope, on=ctx.period.end, member="member__"))


def eligibility(ctx: ExportContext) -> Sheet:
    """Members covered on the period's last day, by program, region and age group (a member in two
    programs counts in each)."""
    on = ctx.period.end
    results = (
        EligibilitySpan.objects.filter(start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .filter(in_scope(scope=ctx.scope, on=on, member="member__"))
        .annotate(age_group=age_group_expression(on=on, member="member__"))
        .values("program__code", "member__region__code", "age_group")
        .annotate(n=Count("member", distinct=True))
    )
    rows = _pivot(
        list(results),
        keys=lambda r: (r["program__code"], r["member__region__code"] or UNKNOWN),
        column="age_group",
        columns=AGE_GROUPS,
    )
    return CrossTab(("Program", "Region"), AGE_GROUPS, rows)


def requests(ctx: ExportContext) -> Sheet:
    """Registrations and prior-authorization requests received in the period, by path, level of care,
    month received, DCF involvement and age group."""
    start, end = ctx.window
    results = (
        _requests(ctx)
        .filter(received_at__gte=start, received_at__lt=end)
        .annotate(
            month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()),
            age_group=age_group_expression(on=ctx.period.end, member="member__"),
        )
        .values("review_path", "level_of_care__code", "month", "member__dcf_involved", "age_group")
        .annotate(n=Count("id"))
    )
    paths = dict(ReviewPath.choices)
    rows = _pivot(
        list(results),
        keys=lambda r: (
            str(paths.get(r["review_path"], r["review_path"])).split(" (")[0],
            r["level_of_care__code"],
            f"{r['month']:%Y-%m}",
            "DCF" if r["member__dcf_involved"] else "non-DCF",
        ),
        column="age_group",
        columns=AGE_GROUPS,
    )
    return CrossTab(("Path", "Level of care", "Month", "DCF"), AGE_GROUPS, rows)


TURNAROUND_COLUMNS = ("On time", "Late")


def turnaround(ctx: ExportContext) -> Sheet:
    """Prior-authorization requests decided in the period, on time (decided by the due time) or late,
    by urgency."""
    results = (
        _requests(ctx)
        .filter(_decided_in(ctx), review_path=ReviewPath.PRIOR_AUTH, due_at__isnull=False)
        .values("urgency")
        .annotate(
            on_time=Count("id", filter=Q(decided_at__lte=F("due_at"))),
            late=Count("id", filter=Q(decided_at__gt=F("due_at"))),
        )
    )
    found = {r["urgency"]: [r["on_time"], r["late"]] for r in results}
    rows = [((str(label),), found.get(code, [0, 0])) for code, label in Urgency.choices]
    return CrossTab(("Urgency",), TURNAROUND_COLUMNS, rows, "Decided", rate=("% on time", 0))


DECISIONS = (
    RequestStatus.APPROVED,
    RequestStatus.PARTIALLY_APPROVED,
    RequestStatus.DENIED,
    RequestStatus.REFUSED,
)


def decisions(ctx: ExportContext) -> Sheet:
    """Requests decided in the period by level of care and decision."""
    results = (
        _requests(ctx)
        .filter(_decided_in(ctx), status__in=DECISIONS)
        .values("level_of_care__code", "status")
        .annotate(n=Count("id"))
    )
    labels = tuple(str(s.label) for s in DECISIONS)
    rows = _pivot(
        list(results),
        keys=lambda r: (r["level_of_care__code"],),
        column="status",
        columns=DECISIONS,
    )
    return CrossTab(("Level of care",), labels, rows)


ADVERSE = (RequestStatus.DENIED, RequestStatus.PARTIALLY_APPROVED)


def denial_reasons(ctx: ExportContext) -> Sheet:
    """Denials and partial approvals decided in the period by the structured decision reason."""
    results = (
        _requests(ctx)
        .filter(_decided_in(ctx), status__in=ADVERSE)
        .values("decision_reason__code", "decision_reason__label", "status")
        .annotate(n=Count("id"))
    )
    rows = _pivot(
        list(results),
        keys=lambda r: (
            r["decision_reason__code"] or UNKNOWN,
            r["decision_reason__label"] or "No reason recorded",
        ),
        column="status",
        columns=ADVERSE,
    )
    return CrossTab(("Reason code", "Reason"), tuple(str(s.label) for s in ADVERSE), rows)


APPEAL_COLUMNS = (
    "open",
    "withdrawn",
    AppealOutcome.UPHELD,
    AppealOutcome.OVERTURNED,
    AppealOutcome.PARTIALLY_OVERTURNED,
)
APPEAL_LABELS = ("Open", "Withdrawn", "Upheld", "Overturned", "Partially overturned")


def appeals(ctx: ExportContext) -> Sheet:
    """Appeals filed in the period by level of care and where they stand: open, withdrawn, or decided
    with their outcome (overturned and partially overturned are the overturns)."""
    start, end = ctx.window
    results = [
        {
            **row,
            "column": row["outcome"] if row["status"] == AppealStatus.DECIDED else row["status"],
        }
        for row in Appeal.objects.filter(filed_at__gte=start, filed_at__lt=end)
        .filter(in_scope(scope=ctx.scope, on=ctx.period.end, member="request__member__"))
        .values("request__level_of_care__code", "status", "outcome")
        .annotate(n=Count("id"))
    ]
    rows = _pivot(
        results,
        keys=lambda r: (r["request__level_of_care__code"],),
        column="column",
        columns=APPEAL_COLUMNS,
    )
    return CrossTab(("Level of care",), APPEAL_LABELS, rows)


def _discharged(ctx: ExportContext) -> Any:
    """Stays at 24-hour levels of care discharged in the period, in the agency's population."""
    return Episode.objects.filter(
        level_of_care__twenty_four_hour=True,
        discharged__gte=ctx.period.start,
        discharged__lte=ctx.period.end,
    ).filter(in_scope(scope=ctx.scope, on=ctx.period.end, member="member__"))


def discharges(ctx: ExportContext) -> Sheet:
    """Discharges from 24-hour care in the period by hospital, level of care, DCF involvement and age
    group."""
    results = (
        _discharged(ctx)
        .annotate(age_group=age_group_expression(on=ctx.period.end, member="member__"))
        .values("site__provider__name", "level_of_care__code", "member__dcf_involved", "age_group")
        .annotate(n=Count("id"))
    )
    rows = _pivot(
        list(results),
        keys=lambda r: (
            r["site__provider__name"],
            r["level_of_care__code"],
            "DCF" if r["member__dcf_involved"] else "non-DCF",
        ),
        column="age_group",
        columns=AGE_GROUPS,
    )
    return CrossTab(("Hospital", "Level of care", "DCF"), AGE_GROUPS, rows)


STAY_HEADERS = ("Discharges", "Days", "Average length of stay", "Delayed", "Delay days")


def length_of_stay(ctx: ExportContext) -> Sheet:
    """Length of stay of the discharges in the period by hospital and level of care: days from
    admission to discharge, their average, discharges with delay days and the delay days."""
    stay = ExpressionWrapper(F("discharged") - F("admitted"), output_field=DurationField())
    grouped = (
        _discharged(ctx)
        .values("site__provider__name", "level_of_care__code")
        .annotate(
            n=Count("id"),
            days=Sum(stay),
            delayed=Count("id", filter=Q(delay_days__gt=0)),
            delay_days=Sum("delay_days"),
        )
        .order_by("site__provider__name", "level_of_care__code")
    )
    rows: list[tuple[tuple[str, ...], list[int | float | None]]] = []
    for r in grouped:
        total = r["days"].days if r["days"] is not None else 0
        rows.append(
            (
                (r["site__provider__name"], r["level_of_care__code"]),
                [r["n"], total, total / r["n"], r["delayed"], r["delay_days"] or 0],
            )
        )
    return Measures(
        ("Hospital", "Level of care"), STAY_HEADERS, rows, counts=(0, 3), formats={2: "0.0"}
    )


DELAY_HEADERS = ("Delayed discharges", "Delay days", "Average delay days")


def delays(ctx: ExportContext) -> Sheet:
    """Discharges in the period with discharge-delay days, by the delay reason."""
    labels = dict(DischargeCode.objects.values_list("code", "label"))
    results = (
        _discharged(ctx)
        .filter(delay_days__gt=0)
        .values("delay_reason")
        .annotate(n=Count("id"), days=Sum("delay_days"))
        .order_by("delay_reason")
    )
    rows: list[tuple[tuple[str, ...], list[int | float | None]]] = [
        (
            (r["delay_reason"] or UNKNOWN, labels.get(r["delay_reason"], "No reason recorded")),
            [r["n"], r["days"], r["days"] / r["n"]],
        )
        for r in results
    ]
    return Measures(("Reason code", "Reason"), DELAY_HEADERS, rows, formats={2: "0.0"})


def icm_caseload(ctx: ExportContext) -> Sheet:
    """Members on an intensive care manager's caseload on the period's last day, by the member's
    region, DCF involvement and age group."""
    from care.models import IcmAssignment

    on = ctx.period.end
    results = (
        IcmAssignment.objects.filter(start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .filter(in_scope(scope=ctx.scope, on=on, member="member__"))
        .annotate(age_group=age_group_expression(on=on, member="member__"))
        .values("member__region__code", "member__dcf_involved", "age_group")
        .annotate(n=Count("member", distinct=True))
    )
    rows = _pivot(
        list(results),
        keys=lambda r: (
            r["member__region__code"] or UNKNOWN,
            "DCF" if r["member__dcf_involved"] else "non-DCF",
        ),
        column="age_group",
        columns=AGE_GROUPS,
    )
    return CrossTab(("Region", "DCF"), AGE_GROUPS, rows)


def icm_assignments(ctx: ExportContext) -> Sheet:
    """ICM assignments started in the period, by how they came about and the member's age group."""
    from care.choices.icm import AssignmentSource
    from care.models import IcmAssignment

    results = (
        IcmAssignment.objects.filter(start__gte=ctx.period.start, start__lte=ctx.period.end)
        .filter(in_scope(scope=ctx.scope, on=ctx.period.end, member="member__"))
        .annotate(age_group=age_group_expression(on=ctx.period.end, member="member__"))
        .values("source", "age_group")
        .annotate(n=Count("id"))
    )
    labels = dict(AssignmentSource.choices)
    rows = _pivot(
        list(results),
        keys=lambda r: (str(labels.get(r["source"], r["source"])),),
        column="age_group",
        columns=AGE_GROUPS,
    )
    return CrossTab(("How assigned",), AGE_GROUPS, rows)


CMS_HEADERS = ("Value", "Numerator", "Denominator", "Definition")


def cms_metrics(ctx: ExportContext) -> Sheet:
    """The CMS-0057-F prior-authorization figures for the agency's population over the period
    (the counting rules of authorizations.services.metrics)."""
    from authorizations.services.metrics import pa_metrics_between

    metrics = pa_metrics_between(
        first=ctx.period.start, last=ctx.period.end, requests=_requests(ctx)
    )
    rows = []
    for f in metrics.figures:
        numerator = f.numerator if f.number in range(2, 8) else None
        values = [f.value, numerator, f.denominator if f.number > 1 else None, f.definition]
        rows.append(((str(f.number), f.label), values))
    return Measures(("Number", "Metric"), CMS_HEADERS, rows, counts=(1, 2))


DETAIL_HEADERS = (
    "Medicaid id",
    "Authorization",
    "Request",
    "Level of care",
    "Substance use (Part 2)",
    "Provider",
    "Provider NPI",
    "Site",
    "Start",
    "End",
    "Units",
    "Unit",
    "Decision",
    "Authorization status",
)
DETAIL_FIELDS = (
    "member_id",
    "member__medicaid_id",
    "number",
    "request__number",
    "level_of_care__code",
    "level_of_care__substance_use",
    "site__provider__name",
    "site__provider__npi",
    "site__site_number",
    "start",
    "end",
    "units",
    "unit_type",
    "request__status",
    "status",
)


def detail_queryset(ctx: ExportContext) -> Any:
    """Authorizations overlapping the period for the agency's population, with the Part 2 test."""
    qs = Authorization.objects.filter(start__lte=ctx.period.end, end__gte=ctx.period.start).filter(
        in_scope(scope=ctx.scope, on=ctx.period.end, member="member__")
    )
    return part2_split(qs, recipient=ctx.agency, at=ctx.at)


def withheld_count(ctx: ExportContext) -> int:
    """Substance-use authorizations left out of the detail rows: no consent covers this agency."""
    return int(detail_queryset(ctx).filter(WITHHELD).count())


def authorization_detail(ctx: ExportContext) -> Sheet:
    """One row per authorization overlapping the period. Substance-use rows only with consent."""
    statuses = dict(RequestStatus.choices)
    listing = Listing(
        DETAIL_HEADERS, iter(()), formats={8: "yyyy-mm-dd", 9: "yyyy-mm-dd", 10: "#,##0"}
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        values = detail_queryset(ctx).filter(DISCLOSABLE).order_by("pk").values_list(*DETAIL_FIELDS)
        for member_id, *row in values.iterator(chunk_size=DETAIL_CHUNK):
            listing.member_ids.add(member_id)
            if row[4]:
                listing.disclosed_sud_members.add(member_id)
            row[4] = "yes" if row[4] else "no"
            row[12] = str(statuses.get(row[12], row[12]))
            yield tuple(row)

    object.__setattr__(listing, "rows", rows())
    return listing
