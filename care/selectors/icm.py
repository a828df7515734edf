"""Reads of intensive care management, scoped to the user: the one door for ICM pages.

- a supervisor (``care.assign_icm``) sees every candidate, caseload and assignment;
- an ICM (``care.work_caseload``) sees its own caseload and the assignments on it;
- everybody else (providers, RNMs, agencies, ...) sees none. Missing and forbidden are both 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from authorizations.models import Episode
from care.choices.icm import CandidateStatus
from care.models import ContactNote, IcmAssignment, IcmCandidate, IcmProfile, IcmTrigger
from care.rules import IcmWorker
from care.selectors.icm_workers import ICM_ROLE, icm_workers
from providers.models import Region

RECENT_DAYS = 365


def _supervises(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("care.assign_icm"))


def _works(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("care.work_caseload"))


def assignments_visible_to(*, user: Any) -> QuerySet[IcmAssignment]:
    """Every assignment for supervisors; an ICM's own; none for anyone else."""
    assignments = IcmAssignment.objects.select_related("member", "member__region", "icm")
    if _supervises(user):
        return assignments
    if _works(user):
        return assignments.filter(icm=user)
    return assignments.none()


def access_assignment(*, user: Any, pk: int) -> IcmAssignment:
    """The assignment, or 404 whether it is missing or not the user's to see."""
    return get_object_or_404(
        assignments_visible_to(user=user).select_related("candidate", "assigned_by", "previous"),
        pk=pk,
    )


def candidates_visible_to(*, user: Any) -> QuerySet[IcmCandidate]:
    """Candidates are a supervisor's work list."""
    candidates = IcmCandidate.objects.select_related("member", "member__region")
    return candidates if _supervises(user) else candidates.none()


def access_candidate(*, user: Any, pk: int) -> IcmCandidate:
    return get_object_or_404(candidates_visible_to(user=user), pk=pk)


def access_icm(*, user: Any, pk: int) -> Any:
    """An ICM whose caseload the user may see: any ICM for a supervisor, oneself for an ICM."""
    icms = get_user_model().objects.filter(groups__name=ICM_ROLE)
    if not _supervises(user):
        icms = icms.filter(pk=user.pk) if _works(user) else icms.none()
    return get_object_or_404(icms.distinct(), pk=pk)


def open_candidates(*, user: Any, region: str = "", trigger: str = "") -> QuerySet[IcmCandidate]:
    """Open candidates, neediest first (more triggers), then longest waiting."""
    candidates = candidates_visible_to(user=user).filter(status=CandidateStatus.OPEN)
    if region:
        candidates = candidates.filter(member__region__code=region)
    if trigger:
        candidates = candidates.filter(evidence__has_key=trigger)  # evidence is keyed by trigger
    return candidates.order_by("as_of", "member_id")


def _recent_episodes(on: dt.date) -> Prefetch:
    since = on - dt.timedelta(days=RECENT_DAYS)
    stays = (
        Episode.objects.filter(Q(discharged__isnull=True) | Q(discharged__gte=since))
        .filter(admitted__lte=on)
        .select_related("level_of_care", "site")
        .annotate(authorized_through=Max("authorizations__end"))
        .order_by("-admitted", "-pk")
    )
    return Prefetch("member__episodes", queryset=stays, to_attr="recent_episodes")


def caseload(*, icm: Any, on: dt.date) -> QuerySet[IcmAssignment]:
    """An ICM's active assignments with what the caseload page shows: the member, the triggers
    that brought them, stays of the last year (open ones are upcoming discharges) and the last
    contact. A fixed number of queries whatever the caseload size."""
    return (
        IcmAssignment.objects.filter(icm=icm, end__isnull=True)
        .select_related("member", "member__region", "candidate")
        .annotate(last_contact=Max("contacts__occurred_at"))
        .prefetch_related(_recent_episodes(on))
        .order_by("member__last_name", "member__first_name", "pk")
    )


def member_stays(*, member_id: int, since: dt.date) -> QuerySet[Episode]:
    return (
        Episode.objects.filter(member_id=member_id)
        .filter(Q(discharged__isnull=True) | Q(discharged__gte=since))
        .select_related("level_of_care", "site")
        .annotate(authorized_through=Max("authorizations__end"))
        .order_by("-admitted", "-pk")
    )


def contacts_of(*, assignment: IcmAssignment) -> QuerySet[ContactNote]:
    return assignment.contacts.select_related("author").order_by("-occurred_at", "-pk")


def member_assignments(*, member_id: int) -> QuerySet[IcmAssignment]:
    """The member's ICM history, newest first."""
    return (
        IcmAssignment.objects.filter(member_id=member_id)
        .select_related("icm")
        .order_by("-start", "-pk")
    )


def trigger_labels() -> dict[str, str]:
    """Trigger code -> the label of its latest row."""
    labels: dict[str, str] = {}
    for code, label in IcmTrigger.objects.order_by("code", "effective_from").values_list(
        "code", "label"
    ):
        labels[code] = label
    return labels


@dataclass(frozen=True)
class IcmLine:
    """One ICM on the supervisor's overview."""

    user: Any
    worker: IcmWorker

    @property
    def room(self) -> int:
        return max(self.worker.cap - self.worker.caseload, 0)

    @property
    def regions(self) -> str:
        return ", ".join(sorted(self.worker.regions))

    @property
    def languages(self) -> str:
        return ", ".join(sorted(self.worker.languages))

    @property
    def percent(self) -> int:
        return round(100 * self.worker.caseload / self.worker.cap) if self.worker.cap else 0


@dataclass(frozen=True)
class RegionLine:
    """One region: members on caseloads, open candidates, the ICMs serving it and their room."""

    code: str
    name: str
    members_assigned: int
    open_candidates: int
    icms: int
    caseload: int
    cap: int

    @property
    def room(self) -> int:
        return max(self.cap - self.caseload, 0)


def icm_lines(*, on: dt.date, user_ids: Sequence[int] | None = None) -> list[IcmLine]:
    """Every active ICM (or those of ``user_ids``) with caseload against cap, by name."""
    workers = icm_workers(on=on, user_ids=user_ids)
    users = get_user_model().objects.in_bulk([w.user_id for w in workers])
    lines = [IcmLine(users[w.user_id], w) for w in workers]
    return sorted(lines, key=lambda line: (line.user.last_name, line.user.username))


def region_lines(*, lines: Sequence[IcmLine]) -> list[RegionLine]:
    """Counts against caps by region. An ICM serving two regions counts in both."""
    assigned = dict(
        IcmAssignment.objects.filter(end__isnull=True)
        .values("member__region__code")
        .annotate(n=Count("pk"))
        .values_list("member__region__code", "n")
    )
    waiting = dict(
        IcmCandidate.objects.filter(status=CandidateStatus.OPEN)
        .values("member__region__code")
        .annotate(n=Count("pk"))
        .values_list("member__region__code", "n")
    )
    rows = []
    for region in Region.objects.order_by("code"):
        serving = [line.worker for line in lines if region.code in line.worker.regions]
        rows.append(
            RegionLine(
                code=region.code,
                name=region.name,
                members_assigned=assigned.get(region.code, 0),
                open_candidates=waiting.get(region.code, 0),
                icms=len(serving),
                caseload=sum(w.caseload for w in serving),
                cap=sum(w.cap for w in serving),
            )
        )
    return rows


def profiles_by_user(user_ids: Sequence[int]) -> dict[int, IcmProfile]:
    return {
        p.user_id: p
        for p in IcmProfile.objects.filter(user_id__in=user_ids).prefetch_related("regions")
    }
