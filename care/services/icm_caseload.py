"""Working a caseload: contact notes, transfer to another ICM, closure, manual referrals.

Who may act: the ICM whose caseload holds the member, or a supervisor (``care.assign_icm``);
a transfer is a supervisor's decision. Everything else gets 404 from the selectors before a
service is called; the services check again so no other path (API, shell, task) skips it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from care.choices.icm import AssignmentSource, ClosedReason, ContactChannel
from care.models import ContactNote, IcmAssignment, IcmReferral
from care.models.icm import ALREADY_REFERRED
from care.services.icm_assignment import (
    NOT_ALLOWED,
    IcmRefused,
    assignment_open,
    refuse_unless,
)
from members.models import Member

NOT_YOURS = "Only the member's ICM or a supervisor may do this."
CLOSED = "This assignment is closed."
SAME_ICM = "The member is already on this ICM's caseload."
TRANSFER_NEEDS_REASON = "Give a reason for the transfer."
CLOSE_REASON_INVALID = "Choose why the assignment ends."
CLOSE_NEEDS_NOTE = "Say why in the note when the reason is 'Other'."
CLOSE_BEFORE_START = "The assignment cannot end before it started ({start})."
NOTE_EMPTY = "Write what happened in the note."
CHANNEL_INVALID = "Choose how the contact took place."
CONTACT_IN_FUTURE = "A contact cannot be in the future."
CONTACT_BEFORE_START = "The contact is before the assignment started ({start})."
NAIVE_TIME = "The contact time needs a time zone."
NOT_REFERRER = "You may not refer members to intensive care management."
NO_MEMBER = "No member has this Medicaid id."
REFERRAL_NEEDS_REASON = "Say why the member needs intensive care management."


def _may_work(user: Any, assignment: IcmAssignment) -> bool:
    return bool(
        user.has_perm("care.assign_icm")
        or (user.has_perm("care.work_caseload") and assignment.icm_id == user.pk)
    )


def _locked(assignment_id: int) -> IcmAssignment:
    return IcmAssignment.objects.select_for_update().get(pk=assignment_id)


@transaction.atomic
def contact_note_add(
    *,
    acting_user: Any,
    assignment_id: int,
    occurred_at: dt.datetime,
    channel: str,
    note: str,
) -> ContactNote:
    """Record a contact (or an attempt) with or about a member on an active assignment."""
    assignment = _locked(assignment_id)
    refuse_unless(_may_work(acting_user, assignment), "not_yours", NOT_YOURS)
    refuse_unless(assignment.is_active, "closed", CLOSED)
    refuse_unless(timezone.is_aware(occurred_at), "naive", NAIVE_TIME)
    problems = []
    if channel not in ContactChannel.values:
        problems.append(("channel", CHANNEL_INVALID))
    if not (note or "").strip():
        problems.append(("note", NOTE_EMPTY))
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        problems.append(("future", CONTACT_IN_FUTURE))
    if timezone.localtime(occurred_at).date() < assignment.start:
        problems.append(("before_start", CONTACT_BEFORE_START.format(start=assignment.start)))
    if problems:
        raise IcmRefused(problems)
    contact = ContactNote(
        assignment=assignment,
        occurred_at=occurred_at,
        channel=channel,
        note=note.strip(),
        author=acting_user,
    )
    contact.full_clean()
    contact.save()
    return contact


def _end(assignment: IcmAssignment, *, acting_user: Any, on: dt.date, why: str, note: str) -> None:
    refuse_unless(
        on >= assignment.start, "before_start", CLOSE_BEFORE_START.format(start=assignment.start)
    )
    assignment.end, assignment.closed_reason, assignment.closed_note = on, why, note
    assignment.closed_by = acting_user
    assignment.full_clean(validate_constraints=False)
    assignment._history_user = acting_user  # type: ignore[attr-defined]
    assignment.save()


@transaction.atomic
def icm_assignment_close(
    *,
    acting_user: Any,
    assignment_id: int,
    closed_reason: str,
    note: str = "",
    on: dt.date | None = None,
) -> IcmAssignment:
    """End an assignment with a reason (goals met, declined, unreachable, ...); the member's
    ICM or a supervisor. A transfer is not a closure: use ``icm_assignment_transfer``."""
    assignment = _locked(assignment_id)
    refuse_unless(_may_work(acting_user, assignment), "not_yours", NOT_YOURS)
    refuse_unless(assignment.is_active, "closed", CLOSED)
    valid = closed_reason in ClosedReason.values and closed_reason != ClosedReason.TRANSFERRED
    refuse_unless(valid, "reason", CLOSE_REASON_INVALID)
    note = (note or "").strip()
    refuse_unless(closed_reason != ClosedReason.OTHER or bool(note), "note", CLOSE_NEEDS_NOTE)
    _end(
        assignment,
        acting_user=acting_user,
        on=on or timezone.localdate(),
        why=closed_reason,
        note=note,
    )
    return assignment


@transaction.atomic
def icm_assignment_transfer(
    *,
    acting_user: Any,
    assignment_id: int,
    to_icm: Any,
    reason: str,
    override_cap: bool = False,
    on: dt.date | None = None,
) -> IcmAssignment:
    """A supervisor moves a member to another ICM: the old assignment ends ``transferred`` and a
    new one starts the same day, under the same checks as any assignment (ICM, cap)."""
    refuse_unless(acting_user.has_perm("care.assign_icm"), "not_allowed", NOT_ALLOWED)
    current = _locked(assignment_id)
    refuse_unless(current.is_active, "closed", CLOSED)
    refuse_unless(to_icm is None or to_icm.pk != current.icm_id, "same_icm", SAME_ICM)
    reason = (reason or "").strip()
    refuse_unless(bool(reason), "no_reason", TRANSFER_NEEDS_REASON)
    day = on or timezone.localdate()
    _end(
        current,
        acting_user=acting_user,
        on=day,
        why=ClosedReason.TRANSFERRED,
        note=reason,
    )
    return assignment_open(
        acting_user=acting_user,
        member_id=current.member_id,
        icm_user=to_icm,
        on=day,
        source=AssignmentSource.TRANSFER,
        reason=reason,
        override_cap=override_cap,
        candidate=current.candidate,
        previous=current,
    )


@transaction.atomic
def icm_referral_create(*, acting_user: Any, medicaid_id: str, reason: str) -> IcmReferral:
    """Refer a member to ICM by hand; the ``referral`` trigger picks it up at the next run."""
    refuse_unless(acting_user.has_perm("care.refer_icm"), "not_allowed", NOT_REFERRER)
    member = Member.objects.filter(medicaid_id=(medicaid_id or "").strip().upper()).first()
    refuse_unless(member is not None, "no_member", NO_MEMBER)
    refuse_unless(bool((reason or "").strip()), "no_reason", REFERRAL_NEEDS_REASON)
    referral = IcmReferral(member=member, referred_by=acting_user, reason=reason.strip())
    referral.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        refuse_unless(False, "already_referred", ALREADY_REFERRED)
    return referral
