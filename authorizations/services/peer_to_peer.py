"""Peer-to-peer conversations: the treating clinician asks to discuss a referral or an adverse decision
with the physician advisor; it is offered within one business day (clock PEER_TO_PEER, business
calendar with holidays), scheduled, held and recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from authorizations.choices_review import (
    PeerToPeerOutcome,
    PeerToPeerStatus,
    ReviewEvent,
)
from authorizations.models import PeerToPeer, Request
from authorizations.rules import clocks
from authorizations.rules.appeals import (
    peer_to_peer_request_problems,
    peer_to_peer_schedule_problems,
)
from authorizations.rules.review import problems_by_field
from authorizations.selectors import access_request
from authorizations.selectors_review import business_calendar, clocks_all
from authorizations.services.events import event_record

CHANGED = "This peer-to-peer changed since you opened it. Nothing was saved: reload it."


@transaction.atomic
def peer_to_peer_request(
    *, acting_user: Any, request: Request, contact: str, now: dt.datetime | None = None
) -> PeerToPeer:
    """The provider (or ASO staff taking its call) asks for a peer-to-peer; due within one business
    day."""
    if not (
        acting_user.has_perm("authorizations.submit_prior_auth")
        or acting_user.has_perm("authorizations.review_request")
    ):
        raise PermissionDenied("You may not ask for a peer-to-peer.")
    request = access_request(user=acting_user, number=request.number)
    problems = peer_to_peer_request_problems(
        status=request.status,
        referred=request.referred_at is not None,
        already_open=request.peer_to_peers.filter(
            status__in=(PeerToPeerStatus.REQUESTED, PeerToPeerStatus.SCHEDULED)
        ).exists(),
        contact=contact,
    )
    if problems:
        raise ValidationError(problems_by_field(problems))
    asked = clocks.require_aware(now or timezone.now())
    due = clocks.deadline(asked, clocks.PEER_TO_PEER_CLOCK, clocks_all(), business_calendar())
    p2p = PeerToPeer(
        request=request,
        requested_at=asked,
        requested_by=acting_user,
        contact=contact.strip(),
        due_by=due.due_at,
    )
    p2p.full_clean()
    p2p.save()
    event_record(
        request=request,
        kind=ReviewEvent.P2P_REQUESTED,
        actor=acting_user,
        detail={"peer_to_peer_id": p2p.pk},
    )
    return p2p


def _lock(p2p: PeerToPeer, expected_version: int) -> PeerToPeer:
    locked = PeerToPeer.objects.select_for_update().get(pk=p2p.pk)
    if locked.version != expected_version:
        raise ValidationError(CHANGED)
    return locked


@transaction.atomic
def peer_to_peer_schedule(
    *,
    acting_user: Any,
    p2p: PeerToPeer,
    expected_version: int,
    advisor: Any,
    scheduled_for: dt.datetime,
) -> PeerToPeer:
    """Book the conversation with a physician advisor, within the business-day clock."""
    if not acting_user.has_perm("authorizations.review_request"):
        raise PermissionDenied("You may not schedule peer-to-peers.")
    p2p = _lock(p2p, expected_version)
    if p2p.status not in (PeerToPeerStatus.REQUESTED, PeerToPeerStatus.SCHEDULED):
        raise ValidationError(f"This peer-to-peer is {p2p.get_status_display().lower()}.")
    problems = peer_to_peer_schedule_problems(
        scheduled_for=clocks.require_aware(scheduled_for),
        requested_at=p2p.requested_at,
        due_by=p2p.due_by,
        advisor_is_physician=bool(advisor and advisor.has_perm("authorizations.decide_adverse")),
    )
    if problems:
        raise ValidationError(problems_by_field(problems))
    p2p.advisor = advisor
    p2p.scheduled_for = scheduled_for
    p2p.status = PeerToPeerStatus.SCHEDULED
    p2p.version += 1
    p2p.full_clean()
    p2p.save()
    event_record(
        request=p2p.request,
        kind=ReviewEvent.P2P_SCHEDULED,
        actor=acting_user,
        detail={"peer_to_peer_id": p2p.pk, "advisor_id": advisor.pk},
    )
    return p2p


@transaction.atomic
def peer_to_peer_record(
    *, acting_user: Any, p2p: PeerToPeer, expected_version: int, outcome: str, notes: str
) -> PeerToPeer:
    """The physician advisor records the conversation and its outcome."""
    if not acting_user.has_perm("authorizations.decide_adverse"):
        raise PermissionDenied("Only a physician advisor records a peer-to-peer.")
    p2p = _lock(p2p, expected_version)
    if p2p.status != PeerToPeerStatus.SCHEDULED:
        raise ValidationError("Schedule the peer-to-peer before recording it.")
    errors = {}
    if outcome not in PeerToPeerOutcome.values:
        errors["outcome"] = ["Choose the outcome of the conversation."]
    if len(notes.strip()) < 20:
        errors["notes"] = ["Record what was discussed (at least 20 characters)."]
    if errors:
        raise ValidationError(errors)
    p2p.status = PeerToPeerStatus.HELD
    p2p.held_at = timezone.now()
    p2p.outcome = outcome
    p2p.notes = notes.strip()
    p2p.version += 1
    p2p.full_clean()
    p2p.save()
    event_record(
        request=p2p.request,
        kind=ReviewEvent.P2P_HELD,
        actor=acting_user,
        detail={"peer_to_peer_id": p2p.pk, "outcome": outcome},
    )
    return p2p
