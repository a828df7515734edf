"""Reads of Voluntary Care Management, scoped to the user: the one door for VCM pages and API.

- VCM care coordinators (``care.work_vcm``) see every family of the program;
- provider staff (``care.view_team_plans``) see only plans whose current team names their
  organization, and nothing else of the family;
- agency viewers and supervisors (``care.view_vcm_outcomes``) see aggregates only
  (care.selectors.vcm_outcomes), never a family;
- everybody else sees nothing. Missing and forbidden are both 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from care.choices.vcm import AttemptOutcome, VcmStatus
from care.models import (
    CommunityResource,
    VcmContactAttempt,
    VcmPlan,
    VcmPlanVersion,
    VcmReferral,
)
from providers.selectors import own_provider_ids

WORK = "care.work_vcm"
TEAM = "care.view_team_plans"


def _works(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm(WORK))


def referrals_visible_to(*, user: Any) -> QuerySet[VcmReferral]:
    referrals = VcmReferral.objects.select_related("region", "town", "problem", "coordinator")
    return referrals if _works(user) else referrals.none()


def access_referral(*, user: Any, pk: int) -> VcmReferral:
    """The referral, or 404 whether it is missing or not the user's to see."""
    return get_object_or_404(
        referrals_visible_to(user=user).select_related("member", "rule"), pk=pk
    )


def referral_worklist(*, user: Any, status: str = "", region: str = "") -> QuerySet[VcmReferral]:
    """Open referrals first by their next clock, with attempt counts (a fixed number of queries)."""
    referrals = referrals_visible_to(user=user).annotate(
        attempts_made=Count("attempts"),
        reached=Count("attempts", filter=Q(attempts__outcome=AttemptOutcome.REACHED)),
    )
    if status:
        referrals = referrals.filter(status=status)
    else:
        referrals = referrals.exclude(status=VcmStatus.DISCHARGED)
    if region:
        referrals = referrals.filter(region__code=region)
    return referrals.order_by("first_attempt_due", "pk")


def attempts_of(*, referral: VcmReferral) -> QuerySet[VcmContactAttempt]:
    return referral.attempts.select_related("author").order_by("occurred_at", "pk")


def plans_visible_to(*, user: Any) -> QuerySet[VcmPlan]:
    """Every plan for coordinators; for provider staff, plans naming their organization."""
    plans = VcmPlan.objects.select_related("referral", "referral__region")
    if _works(user):
        return plans
    if user.is_authenticated and user.has_perm(TEAM):
        providers = own_provider_ids(user=user)
        return plans.filter(team_providers__in=providers).distinct()
    return plans.none()


def access_plan(*, user: Any, pk: int) -> VcmPlan:
    return get_object_or_404(plans_visible_to(user=user), pk=pk)


def plan_versions(*, plan: VcmPlan) -> QuerySet[VcmPlanVersion]:
    return plan.versions.select_related("created_by").order_by("number")


def resources_search(
    *, town_id: int | None = None, need: str = "", age: int | None = None
) -> QuerySet[CommunityResource]:
    """Active community resources, by town served, need met (tag, case-insensitive) and age."""
    resources = CommunityResource.objects.filter(active=True).prefetch_related("towns")
    if town_id:
        resources = resources.filter(towns__pk=town_id)
    if need:
        resources = resources.filter(Q(needs__icontains=need) | Q(kind__icontains=need))
    if age is not None:
        resources = resources.filter(min_age__lte=age, max_age__gte=age)
    return resources.distinct().order_by("name", "pk")
