"""Putting members on ICM caseloads: a supervisor's choice, the automatic mode, dismissals.

Every path checks the same rules (``care.rules.check_manual_assignment`` for people,
``care.rules.assign_batch`` for the automatic mode): only an active user holding the ``icm`` role
may take members; a caseload at its cap takes no more unless a supervisor overrides it with a
reason; a member has at most one active assignment (also a named database constraint, so two
supervisors acting at once cannot both win).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from care.choices.icm import AssignmentSource, CandidateStatus, ReferralStatus
from care.models import IcmAssignment, IcmCandidate, IcmReferral
from care.rules import (
    ALREADY_ASSIGNED,
    assign_batch,
    check_manual_assignment,
    manual_reasons,
    neediest_first,
)
from care.selectors.icm_workers import candidate_facts, icm_workers, is_icm

NOT_ALLOWED = "You may not assign intensive care managers."
CANDIDATE_DECIDED = "This candidate was already assigned or dismissed."
DISMISS_NEEDS_REASON = "Give a reason for dismissing the candidate."
OVERRIDE_NEEDS_REASON = "Give a reason to go over the caseload cap."


class IcmRefused(Exception):
    """An ICM action refused: every (code, message) at once; nothing was written."""

    def __init__(self, refusals: Sequence[tuple[str, str]]) -> None:
        self.refusals = tuple(refusals)
        super().__init__(" ".join(message for _, message in self.refusals))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.refusals)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(message for _, message in self.refusals)


def refuse_unless(allowed: bool, code: str, message: str) -> None:
    if not allowed:
        raise IcmRefused([(code, message)])


def _close_referrals(member_id: int) -> None:
    """A decision on a member answers their open referrals."""
    for referral in IcmReferral.objects.filter(member_id=member_id, status=ReferralStatus.OPEN):
        referral.status, referral.closed_at = ReferralStatus.CLOSED, timezone.now()
        referral.save(update_fields=["status", "closed_at"])


def _decide(candidate: IcmCandidate, *, status: str, acting_user: Any, reason: str = "") -> None:
    candidate.status, candidate.dismissal_reason = status, reason
    candidate.decided_by, candidate.decided_at = acting_user, timezone.now()
    candidate.full_clean(validate_constraints=False)
    candidate.save()
    _close_referrals(candidate.member_id)


def assignment_open(
    *,
    acting_user: Any,
    member_id: int,
    icm_user: Any,
    on: dt.date,
    source: str,
    reason: str = "",
    override_cap: bool = False,
    candidate: IcmCandidate | None = None,
    previous: IcmAssignment | None = None,
) -> IcmAssignment:
    """Open an assignment after every check for people (not ICM, cap, already assigned).

    Callers hold the transaction. The ICM's user row is locked, so two supervisors cannot both
    take the last place under a cap; the member's one-active constraint settles a race on the
    member.
    """
    reason = (reason or "").strip()
    refuse_unless(not override_cap or bool(reason), "no_reason", OVERRIDE_NEEDS_REASON)
    if icm_user is not None:
        get_user_model().objects.select_for_update().filter(pk=icm_user.pk).first()
    icm = is_icm(icm_user)
    workers = icm_workers(on=on, user_ids=[icm_user.pk]) if icm else []
    worker = workers[0] if workers else None
    assigned = IcmAssignment.objects.filter(member_id=member_id, end__isnull=True).exists()
    refusals = check_manual_assignment(
        worker,
        is_icm=icm,
        member_already_assigned=assigned,
        override_reason=reason if override_cap else None,
    )
    if refusals:
        raise IcmRefused(refusals)
    assert worker is not None  # an ICM passed the checks
    facts = candidate_facts([member_id]).get(member_id)
    assignment = IcmAssignment(
        member_id=member_id,
        icm=icm_user,
        start=on,
        source=source,
        reason_codes=list(manual_reasons(facts, worker)),
        reason=reason,
        over_cap=worker.caseload >= worker.cap,
        candidate=candidate,
        previous=previous,
        assigned_by=acting_user,
    )
    return _save(assignment, acting_user)


def _save(assignment: IcmAssignment, acting_user: Any) -> IcmAssignment:
    assignment.full_clean(validate_constraints=False)
    if acting_user is not None:
        assignment._history_user = acting_user  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        raise IcmRefused([("already_assigned", ALREADY_ASSIGNED)]) from exc
    return assignment


@transaction.atomic
def icm_candidate_assign(
    *,
    acting_user: Any,
    candidate_id: int,
    icm_user: Any,
    reason: str = "",
    override_cap: bool = False,
    on: dt.date | None = None,
) -> IcmAssignment:
    """A supervisor puts a candidate on an ICM's caseload; the candidate is then ``assigned``."""
    refuse_unless(acting_user.has_perm("care.assign_icm"), "not_allowed", NOT_ALLOWED)
    candidate = IcmCandidate.objects.select_for_update().get(pk=candidate_id)
    refuse_unless(candidate.status == CandidateStatus.OPEN, "decided", CANDIDATE_DECIDED)
    assignment = assignment_open(
        acting_user=acting_user,
        member_id=candidate.member_id,
        icm_user=icm_user,
        on=on or timezone.localdate(),
        source=AssignmentSource.SUPERVISOR,
        reason=reason,
        override_cap=override_cap,
        candidate=candidate,
    )
    _decide(candidate, status=CandidateStatus.ASSIGNED, acting_user=acting_user)
    return assignment


@transaction.atomic
def icm_candidate_dismiss(*, acting_user: Any, candidate_id: int, reason: str) -> IcmCandidate:
    """A supervisor decides a candidate does not need ICM now, and says why."""
    refuse_unless(acting_user.has_perm("care.assign_icm"), "not_allowed", NOT_ALLOWED)
    candidate = IcmCandidate.objects.select_for_update().get(pk=candidate_id)
    refuse_unless(candidate.status == CandidateStatus.OPEN, "decided", CANDIDATE_DECIDED)
    refuse_unless(bool((reason or "").strip()), "no_reason", DISMISS_NEEDS_REASON)
    _decide(
        candidate,
        status=CandidateStatus.DISMISSED,
        acting_user=acting_user,
        reason=reason.strip(),
    )
    return candidate


@dataclass(frozen=True)
class AutoAssignResult:
    """Counts of one automatic round (no member data: safe for job logs and messages)."""

    assigned: int
    left_open: int
    by_icm: dict[int, int]


@transaction.atomic
def icm_assign_automatic(
    *,
    acting_user: Any,
    on: dt.date | None = None,
    candidate_ids: Sequence[int] | None = None,
) -> AutoAssignResult:
    """Assign open candidates by the rules (continuity, region, language, cap, lightest
    caseload), neediest first; those no ICM has room for stay open for a supervisor."""
    day = on or timezone.localdate()
    candidates = IcmCandidate.objects.select_for_update().filter(status=CandidateStatus.OPEN)
    if candidate_ids is not None:
        candidates = candidates.filter(pk__in=candidate_ids)
    assigned_members = IcmAssignment.objects.filter(end__isnull=True).values("member_id")
    by_member = {c.member_id: c for c in candidates.exclude(member_id__in=assigned_members)}
    order = neediest_first((m, len(c.triggers), c.as_of) for m, c in by_member.items())
    facts = candidate_facts(order)
    batch = [facts[m] for m in order if m in facts]
    workers = icm_workers(on=day)
    choices = assign_batch(batch, workers)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[w.user_id for w in workers])}
    by_icm: dict[int, int] = {}
    for member, choice in zip(batch, choices, strict=True):
        if choice.user_id is None:
            continue
        candidate = by_member[member.member_id]
        assignment = IcmAssignment(
            member_id=member.member_id,
            icm=users[choice.user_id],
            start=day,
            source=AssignmentSource.AUTOMATIC,
            reason_codes=list(choice.reasons),
            candidate=candidate,
            assigned_by=acting_user,
        )
        _save(assignment, acting_user)
        _decide(candidate, status=CandidateStatus.ASSIGNED, acting_user=acting_user)
        by_icm[choice.user_id] = by_icm.get(choice.user_id, 0) + 1
    assigned = sum(by_icm.values())
    return AutoAssignResult(assigned=assigned, left_open=len(batch) - assigned, by_icm=by_icm)
