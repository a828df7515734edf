"""Sheets of counts from registrations, requests, decisions and appeals, and the CMS figures."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from authorizations.choices import RequestStatus, ReviewPath, Urgency
from authorizations.choices_review import AppealOutcome, AppealStatus
from authorizations.models_review import Appeal
from members.models import EligibilitySpan
from oversight.rules import AGE_GROUPS
from oversight.selectors import (
    ExportContext,
    age_group_expression,
    in_scope,
)
from oversight.sheets.base import (
    UNKNOWN,
    CrossTab,
    Measures,
    Sheet,
    decided_in,
    pivot,
    requests_in_scope,
)


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
    rows = pivot(
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
        requests_in_scope(ctx)
        .filter(received_at__gte=start, received_at__lt=end)
        .annotate(
            month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()),
            age_group=age_group_expression(on=ctx.period.end, member="member__"),
        )
        .values("review_path", "level_of_care__code", "month", "member__dcf_involved", "age_group")
        .annotate(n=Count("id"))
    )
    paths = dict(ReviewPath.choices)
    rows = pivot(
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
        requests_in_scope(ctx)
        .filter(decided_in(ctx), review_path=ReviewPath.PRIOR_AUTH, due_at__isnull=False)
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
        requests_in_scope(ctx)
        .filter(decided_in(ctx), status__in=DECISIONS)
        .values("level_of_care__code", "status")
        .annotate(n=Count("id"))
    )
    labels = tuple(str(s.label) for s in DECISIONS)
    rows = pivot(
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
        requests_in_scope(ctx)
        .filter(decided_in(ctx), status__in=ADVERSE)
        .values("decision_reason__code", "decision_reason__label", "status")
        .annotate(n=Count("id"))
    )
    rows = pivot(
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
    rows = pivot(
        results,
        keys=lambda r: (r["request__level_of_care__code"],),
        column="column",
        columns=APPEAL_COLUMNS,
    )
    return CrossTab(("Level of care",), APPEAL_LABELS, rows)


CMS_HEADERS = ("Value", "Numerator", "Denominator", "Definition")


def cms_metrics(ctx: ExportContext) -> Sheet:
    """The CMS-0057-F prior-authorization figures for the agency's population over the period
    (the counting rules of authorizations.services.metrics)."""
    from authorizations.services.metrics import pa_metrics_between

    metrics = pa_metrics_between(
        first=ctx.period.start, last=ctx.period.end, requests=requests_in_scope(ctx)
    )
    rows = []
    for f in metrics.figures:
        numerator = f.numerator if f.number in range(2, 8) else None
        values = [f.value, numerator, f.denominator if f.number > 1 else None, f.definition]
        rows.append(((str(f.number), f.label), values))
    return Measures(("Number", "Metric"), CMS_HEADERS, rows, counts=(1, 2))
