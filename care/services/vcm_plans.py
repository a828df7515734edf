"""VCM plan of care revisions and discharges.

One family, one plan: the first revision creates the plan; every later one adds a version row
(never edited), so versions read side by side. The provider organizations on the current team may
read the plan. A discharge closes the referral; "unable to reach" needs the configured number of
attempts without reaching the family.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from authorizations.rules.clocks import local_day
from care import rules_vcm
from care.choices.vcm import TeamKind, VcmStatus
from care.models import (
    CommunityResource,
    VcmDischarge,
    VcmDischargeReason,
    VcmPlan,
    VcmPlanVersion,
    VcmReferral,
)
from care.services.vcm_referrals import WORK, _require, attempts_not_reached, program_rule
from providers.models import Provider

UNABLE_TO_REACH = "unable_to_reach"
NOT_ENGAGED = "A plan of care is written with an engaged family: record the engagement first."
TOO_FEW_ATTEMPTS = (
    "Unable to reach needs {needed} attempts without reaching the family; {made} were logged."
)
NO_GOALS = "A plan needs at least one goal with a measurable indicator."
NO_FAMILY = "The team must include the family."


def _clean_goals(goals: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    cleaned = [
        {"goal": str(g.get("goal", "")).strip(), "indicator": str(g.get("indicator", "")).strip()}
        for g in goals
    ]
    if not cleaned or not all(g["goal"] and g["indicator"] for g in cleaned):
        raise ValidationError({"goals": NO_GOALS})
    return cleaned


def _clean_team(team: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], set[int]]:
    cleaned, providers = [], set()
    for member in team:
        kind = str(member.get("kind", ""))
        if kind not in TeamKind.values:
            raise ValidationError({"team": f"Unknown team member kind {kind!r}."})
        provider_id = member.get("provider_id")
        if provider_id:
            providers.add(int(provider_id))
        cleaned.append(
            {
                "name": str(member.get("name", "")).strip(),
                "role": str(member.get("role", "")).strip(),
                "kind": kind,
                "provider_id": int(provider_id) if provider_id else None,
            }
        )
    if not any(m["kind"] == TeamKind.FAMILY for m in cleaned):
        raise ValidationError({"team": NO_FAMILY})
    return cleaned, providers


def _clean_services(
    services: Sequence[Mapping[str, Any]],
) -> tuple[list[dict[str, Any]], set[int], set[int]]:
    cleaned, providers, resources = [], set(), set()
    for item in services:
        provider_id = int(item["provider_id"]) if item.get("provider_id") else None
        resource_id = int(item["resource_id"]) if item.get("resource_id") else None
        providers |= {provider_id} if provider_id else set()
        resources |= {resource_id} if resource_id else set()
        cleaned.append(
            {
                "service": str(item.get("service", "")).strip(),
                "provider_id": provider_id,
                "resource_id": resource_id,
            }
        )
    return cleaned, providers, resources


FUTURE_PLAN = "A plan version takes effect once the family has agreed to it: not a future date."


@transaction.atomic
def vcm_plan_revise(
    *,
    acting_user: Any,
    referral: VcmReferral,
    effective_on: dt.date,
    needs: Sequence[str],
    strengths: Sequence[str],
    goals: Sequence[Mapping[str, str]],
    team: Sequence[Mapping[str, Any]],
    services: Sequence[Mapping[str, Any]],
    next_review: dt.date,
    change_note: str = "",
) -> VcmPlanVersion:
    """Add a version to the family's plan (creating the plan on the first one)."""
    _require(acting_user, WORK)
    referral = VcmReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != VcmStatus.ENGAGED or referral.engaged_on is None:
        raise ValidationError(NOT_ENGAGED)
    goal_rows = _clean_goals(goals)
    team_rows, team_providers = _clean_team(team)
    service_rows, service_providers, resource_ids = _clean_services(services)
    named = team_providers | service_providers
    if Provider.objects.filter(pk__in=named).count() != len(named):
        raise ValidationError({"team": "A named provider does not exist."})
    if CommunityResource.objects.filter(pk__in=resource_ids).count() != len(resource_ids):
        raise ValidationError({"services": "A named community resource does not exist."})
    if effective_on < referral.engaged_on:
        raise ValidationError({"effective_on": "The plan cannot be effective before engagement."})
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": FUTURE_PLAN})
    if next_review is not None and next_review < effective_on:
        raise ValidationError({"next_review": "The next review comes on or after the plan's date."})
    plan, _ = VcmPlan.objects.get_or_create(referral=referral)
    version = VcmPlanVersion(
        plan=plan,
        number=plan.current_version + 1,
        effective_on=effective_on,
        needs=[n.strip() for n in needs if n.strip()],
        strengths=[s.strip() for s in strengths if s.strip()],
        goals=goal_rows,
        team=team_rows,
        services=service_rows,
        next_review=next_review,
        change_note=change_note,
        created_by=acting_user,
    )
    version.full_clean()
    version.save()
    plan.current_version = version.number
    plan.first_effective_on = plan.first_effective_on or effective_on
    plan._change_reason = f"Plan version {version.number}"  # type: ignore[attr-defined]
    plan.save()
    plan.team_providers.set(team_providers)  # only the team reads the plan (not service lines)
    plan.resources.set(resource_ids)
    return version


@transaction.atomic
def vcm_discharge_record(
    *,
    acting_user: Any,
    referral: VcmReferral,
    discharged_on: dt.date,
    reason_code: str,
    services_met_needs: bool,
    goals_met: bool,
    satisfaction: int | None,
    note: str = "",
) -> VcmDischarge:
    """Discharge the family with a reason and the outcome answers; the referral closes."""
    _require(acting_user, WORK)
    referral = VcmReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == VcmStatus.DISCHARGED:
        raise ValidationError("The family has been discharged already.")
    reason = VcmDischargeReason.objects.filter(code=reason_code).first()
    if reason is None:
        raise ValidationError({"reason": f"Unknown discharge reason {reason_code!r}."})
    rule = program_rule(referral.rule)
    made = attempts_not_reached(referral)
    if reason.code == UNABLE_TO_REACH and not rules_vcm.may_close_unreachable(
        attempts_not_reached=made, rule=rule
    ):
        raise ValidationError(
            {"reason": TOO_FEW_ATTEMPTS.format(needed=rule.max_outreach_attempts, made=made)}
        )
    if discharged_on < local_day(referral.received_at):
        raise ValidationError({"discharged_on": "The discharge cannot come before the referral."})
    if discharged_on > timezone.localdate():
        raise ValidationError({"discharged_on": "A discharge cannot be recorded ahead of its day."})
    discharge = VcmDischarge(
        referral=referral,
        discharged_on=discharged_on,
        reason=reason,
        services_met_needs=services_met_needs,
        goals_met=goals_met,
        satisfaction=satisfaction,
        note=note,
        recorded_by=acting_user,
    )
    discharge.full_clean()
    discharge.save()
    referral.status = VcmStatus.DISCHARGED
    referral._change_reason = f"Discharged: {reason.code}"  # type: ignore[attr-defined]
    referral.save()
    return discharge
