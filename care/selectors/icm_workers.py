"""What the assignment rules need to know, read in a few queries: the ICMs (regions, languages,
caseload, cap) and the members to place (region, language, past ICMs). Unscoped: callers are the
assignment services and the scoped selectors in care.selectors.icm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from care.models import IcmAssignment, IcmCaseloadCap, IcmProfile
from care.rules import CandidateFacts, IcmWorker
from members.models import Member

ICM_ROLE = "icm"
NO_CAP = "No default ICM caseload cap is in force on {day}: load fixtures/icm_caseload_caps.yaml."


def default_cap(*, on: dt.date) -> int:
    """The default caseload cap in force on a day (dated data)."""
    cap = (
        IcmCaseloadCap.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .values_list("default_cap", flat=True)
        .first()
    )
    if cap is None:
        raise ValueError(NO_CAP.format(day=on.isoformat()))
    return cap


def is_icm(user: Any) -> bool:
    """An active user holding the ICM role."""
    return bool(user is not None and user.is_active and user.groups.filter(name=ICM_ROLE).exists())


def icm_workers(*, on: dt.date, user_ids: Sequence[int] | None = None) -> list[IcmWorker]:
    """Every active ICM as the assignment rules see them: regions and languages from the
    profile (none without one), today's caseload, own cap or the default in force."""
    users = get_user_model().objects.filter(groups__name=ICM_ROLE, is_active=True)
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
    ids = list(users.order_by("pk").values_list("pk", flat=True).distinct())
    profiles = {
        p.user_id: p for p in IcmProfile.objects.filter(user_id__in=ids).prefetch_related("regions")
    }
    caseloads = dict(
        IcmAssignment.objects.filter(icm_id__in=ids, end__isnull=True)
        .values("icm_id")
        .annotate(n=Count("pk"))
        .values_list("icm_id", "n")
    )
    fallback = default_cap(on=on)
    workers = []
    for user_id in ids:
        profile = profiles.get(user_id)
        workers.append(
            IcmWorker(
                user_id=user_id,
                regions=frozenset(r.code for r in profile.regions.all())
                if profile
                else frozenset(),
                languages=frozenset(profile.languages) if profile else frozenset(),
                caseload=caseloads.get(user_id, 0),
                cap=(profile.caseload_cap if profile and profile.caseload_cap else fallback),
                active=profile.accepting if profile else True,
            )
        )
    return workers


def candidate_facts(member_ids: Sequence[int]) -> dict[int, CandidateFacts]:
    """Region, language and past ICMs (most recent first) of members, for the rules."""
    past: dict[int, list[int]] = {}
    ended = (
        IcmAssignment.objects.filter(member_id__in=member_ids, end__isnull=False)
        .order_by("member_id", "-end", "-pk")
        .values_list("member_id", "icm_id")
    )
    for member_id, icm_id in ended:
        if icm_id not in past.setdefault(member_id, []):
            past[member_id].append(icm_id)
    rows = Member.objects.filter(pk__in=member_ids).values_list("pk", "region__code", "language")
    return {
        pk: CandidateFacts(pk, region or "", language or "", tuple(past.get(pk, ())))
        for pk, region, language in rows
    }
