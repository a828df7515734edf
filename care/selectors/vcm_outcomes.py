"""The VCM program's outcome figures: aggregate only (no identities leave this module).

Rate definitions are in care.rules_vcm; this module reads one row per referral and hands
:class:`care.rules_vcm.OutcomeRecord` values to :func:`care.rules_vcm.outcome_lines`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from care import rules_vcm
from care.models import VcmReferral

OUTCOMES = "care.view_vcm_outcomes"
WORK = "care.work_vcm"


def may_see_outcomes(user: Any) -> bool:
    return bool(user.is_authenticated and (user.has_perm(OUTCOMES) or user.has_perm(WORK)))


def outcome_records(*, start: dt.date, end: dt.date) -> list[rules_vcm.OutcomeRecord]:
    """Referrals that arrived, were due a plan or were discharged within [start, end]."""
    inside = (
        Q(received_at__date__range=(start, end))
        | Q(plan_due__range=(start, end))
        | Q(discharge__discharged_on__range=(start, end))
    )
    fields = (
        "region__code",
        "received_at",
        "plan_due",
        "plan__first_effective_on",
        "discharge__discharged_on",
        "discharge__reason__engaged",
        "discharge__reason__ongoing_treatment",
        "discharge__services_met_needs",
        "discharge__goals_met",
    )
    records = []
    for row in VcmReferral.objects.filter(inside).values_list(*fields):
        region, received, due, effective, discharged, engaged, ongoing, met, goals = row
        records.append(
            rules_vcm.OutcomeRecord(
                region=region,
                received_on=timezone.localdate(received),
                plan_due=due,
                first_effective_on=effective,
                discharged_on=discharged,
                reason_engaged=bool(engaged),
                reason_ongoing=bool(ongoing),
                services_met_needs=bool(met),
                goals_met=bool(goals),
            )
        )
    return records


def outcomes(
    *, user: Any, start: dt.date, end: dt.date, grain: str, as_of: dt.date
) -> list[rules_vcm.OutcomeLine]:
    """Outcome lines for the period; only events inside [start, end] are counted."""
    if not may_see_outcomes(user):
        raise PermissionDenied
    inside = [
        rules_vcm.OutcomeRecord(
            region=r.region,
            received_on=r.received_on,
            plan_due=r.plan_due if r.plan_due and start <= r.plan_due <= end else None,
            first_effective_on=r.first_effective_on,
            discharged_on=(
                r.discharged_on if r.discharged_on and start <= r.discharged_on <= end else None
            ),
            reason_engaged=r.reason_engaged,
            reason_ongoing=r.reason_ongoing,
            services_met_needs=r.services_met_needs,
            goals_met=r.goals_met,
        )
        for r in outcome_records(start=start, end=end)
    ]
    lines = rules_vcm.outcome_lines(inside, grain=grain, as_of=as_of)
    return [ln for ln in lines if _period_inside(ln.period, start, end, grain)]


def _period_inside(period: str, start: dt.date, end: dt.date, grain: str) -> bool:
    return rules_vcm.period_of(start, grain) <= period <= rules_vcm.period_of(end, grain)
