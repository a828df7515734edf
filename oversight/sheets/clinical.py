"""Sheets of care: 24-hour stays (discharges, length of stay, delays), intensive care management,
grievances and PAR scores by region."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from authorizations.models import Episode
from authorizations.models_review import DischargeCode
from oversight.rules import AGE_GROUPS, AGENCY_PAR_SPLITS
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
    pivot,
)


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
    rows = pivot(
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
    rows = pivot(
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
    rows = pivot(
        list(results),
        keys=lambda r: (str(labels.get(r["source"], r["source"])),),
        column="age_group",
        columns=AGE_GROUPS,
    )
    return CrossTab(("How assigned",), AGE_GROUPS, rows)


GRIEVANCE_COUNTS = (0, 1, 2, 4, 5, 6, 8, 9)  # the count columns of relations' grievance report


def grievances(ctx: ExportContext) -> Sheet:
    """Grievances received in the period by month and category: acknowledgment and resolution
    timeliness as of the export date (relations.reports.grievance_report over the population)."""
    from relations.models import Grievance
    from relations.reports import grievance_report

    population = Grievance.objects.filter(
        in_scope(scope=ctx.scope, on=ctx.period.end, member="member__")
    )
    table = grievance_report(
        population, start=ctx.period.start, end=ctx.period.end, as_of=ctx.on
    ).table()
    rows = [((r[0] or "Total", r[1]), r[2:]) for r in table[1:]]
    return Measures(
        tuple(table[0][:2]),
        tuple(table[0][2:]),
        rows,
        counts=GRIEVANCE_COUNTS,
        formats={3: "0.0", 7: "0.0", 10: "0.0"},
        total_last=True,
    )


PAR_HEADERS = ("Providers scored", "Met target", "% met target", "Statewide value")


def par_by_region(ctx: ExportContext) -> Sheet:
    """PAR scores of the run for exactly this period (the latest, if run again), by region (a provider
    with sites in two regions counts in each), measure and the splits of the agency's population:
    providers scored (not "too few cases"), how many met the target, and the statewide value."""
    from par.choices import RunStatus, Split
    from par.models import ProviderScore, ScoreRun, StatewideScore

    run = (
        ScoreRun.objects.filter(
            status=RunStatus.SUCCEEDED, period_start=ctx.period.start, period_end=ctx.period.end
        )
        .order_by("-finished_at", "-pk")
        .first()
    )
    if run is None:
        return Measures(("Region", "Measure", "Split"), PAR_HEADERS, [], counts=())
    splits = AGENCY_PAR_SPLITS[ctx.agency]
    state = {
        (m, sp): v
        for m, sp, v in StatewideScore.objects.filter(run=run, split__in=splits).values_list(
            "measure__code", "split", "value"
        )
    }
    grouped = (
        ProviderScore.objects.filter(run=run, split__in=splits, suppressed=False)
        .values("provider__sites__region__code", "measure__code", "split")
        .annotate(
            scored=Count("provider", distinct=True),
            met=Count("provider", filter=Q(met_target=True), distinct=True),
        )
        .order_by("provider__sites__region__code", "measure__code", "split")
    )
    labels = dict(Split.choices)
    rows = [
        (
            (
                r["provider__sites__region__code"] or UNKNOWN,
                r["measure__code"],
                str(labels[r["split"]]),
            ),
            [
                r["scored"],
                r["met"],
                100 * r["met"] / r["scored"],
                state.get((r["measure__code"], r["split"])),
            ],
        )
        for r in grouped
    ]
    return Measures(
        ("Region", "Measure", "Split"), PAR_HEADERS, rows, counts=(), formats={2: "0.0", 3: "0.0"}
    )
