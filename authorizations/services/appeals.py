"""Appeals of adverse decisions: filing within the window, the deadline, the decision by a different
physician advisor, its notice and the fair-hearing rights that follow (42 CFR 438.402-438.410).

The request keeps its first determination (that is what the CMS metrics count); the appeal row carries
the outcome, and an overturn issues (or enlarges) the authorization.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from authorizations.choices import Channel, RequestStatus
from authorizations.choices_review import (
    ADVERSE_NOTICE_KINDS,
    AppealOutcome,
    AppealParty,
    AppealStatus,
    NoticeKind,
    Recipient,
    ReviewEvent,
)
from authorizations.models import Appeal, Authorization, Notice, Request
from authorizations.numbers import next_number
from authorizations.rules import clocks
from authorizations.rules.appeals import (
    REVIEWER_NOT_ADVISOR,
    AppealDecisionInput,
    FilingInput,
    appeal_decision_problems,
    appeal_filing_problems,
)
from authorizations.rules.review import problems_by_field
from authorizations.selectors import access_request
from authorizations.selectors_review import clock_row_id, clocks_all
from authorizations.services.episodes import episode_attach
from authorizations.services.events import event_record
from authorizations.services.issuance import authorization_create
from authorizations.services.notices import notices_send

APPEAL_CONFLICT = (
    "This appeal changed since you opened it (it is now {status}). Nothing was saved: reload it."
)
NOT_OPEN = "This appeal is {status}: it cannot be decided again."


def _adverse_notice(request: Request) -> Notice | None:
    """The member's latest adverse notice: the filing window runs from it."""
    return (
        request.notices.filter(recipient=Recipient.MEMBER, kind__in=ADVERSE_NOTICE_KINDS)
        .order_by("-sent_at", "-pk")
        .first()
    )


def _filing_problems(
    request: Request, notice: Notice | None, filed: dt.datetime, reason: str, all_clocks: Any
) -> Any:
    """The filing window runs from the member's adverse notice (APPEAL_FILING clock)."""
    window = clocks.clock_in_force(all_clocks, clocks.APPEAL_FILING_CLOCK, clocks.local_day(filed))
    last_day = (
        clocks.last_day_of_window(notice.sent_at, clocks.APPEAL_FILING_CLOCK, all_clocks)
        if notice
        else None
    )
    return appeal_filing_problems(
        FilingInput(
            status=request.status,
            deemed_denied=request.deemed_denied_at is not None,
            notice_sent_at=notice.sent_at if notice else None,
            last_day=last_day,
            filed_on=clocks.local_day(filed),
            open_appeal=request.appeals.filter(status=AppealStatus.OPEN).exists(),
            reason=reason,
            window_days=window.amount,
        )
    )


@transaction.atomic
def appeal_file(
    *,
    acting_user: Any,
    request: Request,
    party: str,
    expedited: bool,
    reason: str,
    channel: str,
    filed_at: dt.datetime | None = None,
) -> Appeal:
    """File an appeal: the member (recorded by ASO staff taking the call or letter) or the provider on
    the member's behalf (its own requests only). Due in 72 hours expedited, 30 days standard."""
    staff = acting_user.has_perm("authorizations.review_request")
    if not staff and not acting_user.has_perm("authorizations.submit_prior_auth"):
        raise PermissionDenied("You may not file appeals.")
    request = access_request(user=acting_user, number=request.number)
    if not staff and (party != AppealParty.PROVIDER or channel == Channel.PHONE):
        raise PermissionDenied("A provider files an appeal on the member's behalf, online.")
    if party not in AppealParty.values:
        raise ValidationError({"party": ["Say who is appealing."]})
    filed = clocks.require_aware(filed_at or timezone.now())
    all_clocks = clocks_all()
    notice = _adverse_notice(request)
    problems = _filing_problems(request, notice, filed, reason, all_clocks)
    if problems:
        raise ValidationError(problems_by_field(problems))
    due = clocks.deadline(filed, clocks.APPEAL_CLOCK[bool(expedited)], all_clocks)
    appeal = Appeal(
        number=next_number("P", on=clocks.local_day(filed)),
        request=request,
        notice=notice,
        party=party,
        channel=channel,
        filed_at=filed,
        filed_by=acting_user,
        expedited=bool(expedited),
        reason=reason.strip(),
        due_at=due.due_at,
        due_clock_id=clock_row_id(due),
    )
    appeal.full_clean()
    appeal.save()
    event_record(
        request=request,
        kind=ReviewEvent.APPEAL_FILED,
        actor=acting_user,
        detail={"appeal": appeal.number, "expedited": appeal.expedited, "party": party},
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    acting_user: Any,
    appeal: Appeal,
    expected_version: int,
    outcome: str,
    explanation: str,
    units: int | None,
) -> Appeal:
    """Decide an appeal: a physician advisor who did not decide the request; an overturn approves what
    was requested (a partial overturn, part of it); upheld and partial outcomes carry hearing rights."""
    if not acting_user.has_perm("authorizations.decide_appeal"):
        raise PermissionDenied(REVIEWER_NOT_ADVISOR)
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("request__rule", "request__member", "request__site__provider")
        .get(pk=appeal.pk)
    )
    if appeal.version != expected_version:
        raise ValidationError(APPEAL_CONFLICT.format(status=appeal.get_status_display().lower()))
    if appeal.status != AppealStatus.OPEN:
        raise ValidationError(NOT_OPEN.format(status=appeal.get_status_display().lower()))
    request = appeal.request
    existing = Authorization.objects.filter(request=request).first()
    problems = appeal_decision_problems(
        AppealDecisionInput(
            outcome=outcome,
            may_decide_appeal=acting_user.has_perm("authorizations.decide_appeal"),
            reviewer_id=acting_user.pk,
            original_decider_id=request.decided_by_id,
            explanation=explanation,
            units=units,
            requested_units=request.requested_units or 0,
            previously_approved_units=existing.units if existing else 0,
        )
    )
    if problems:
        raise ValidationError(problems_by_field(problems))
    _record_outcome(appeal, acting_user, outcome, explanation, units)
    if outcome != AppealOutcome.UPHELD:
        assert units is not None
        _authorize(request, existing, units, acting_user)
    event_record(
        request=request,
        kind=ReviewEvent.APPEAL_DECIDED,
        actor=acting_user,
        detail={"appeal": appeal.number, "outcome": outcome, "units": units or 0},
    )
    request.refresh_from_db()
    notices_send(
        request=request, kind=NoticeKind.APPEAL_DECISION, acting_user=acting_user, appeal=appeal
    )
    return appeal


def _record_outcome(
    appeal: Appeal, acting_user: Any, outcome: str, explanation: str, units: int | None
) -> None:
    """The decision on the appeal row; upheld and partial outcomes carry the fair-hearing deadline."""
    decided = timezone.now()
    appeal.status = AppealStatus.DECIDED
    appeal.outcome = outcome
    appeal.explanation = explanation.strip()
    appeal.approved_units = units if outcome != AppealOutcome.UPHELD else None
    appeal.decided_at = decided
    appeal.decided_by = acting_user
    appeal.reviewer = acting_user
    if outcome != AppealOutcome.OVERTURNED:
        appeal.hearing_last_day = clocks.last_day_of_window(
            decided, clocks.FAIR_HEARING_CLOCK, clocks_all()
        )
    appeal.version += 1
    appeal.full_clean()
    appeal.save()


def _authorize(
    request: Request, existing: Authorization | None, units: int, acting_user: Any
) -> Authorization:
    """An overturn approves units from the requested start: a new authorization after a denial, the
    partial approval's authorization enlarged after a partial approval."""
    assert request.requested_end is not None
    days = (request.requested_end - request.requested_start).days + 1
    if request.rule is not None and request.rule.unit_type == "day":
        end = request.requested_start + dt.timedelta(days=min(units, days) - 1)
    else:
        end = request.requested_end
    if existing is not None:
        existing.units = units
        existing.start = min(existing.start, request.requested_start)
        existing.end = max(existing.end, end)
        existing.full_clean()
        existing.save()
        return existing
    # The request keeps its denial on record; the overturn (decided above) is what authorizes.
    authorization = authorization_create(
        request=request,
        acting_user=acting_user,
        start=request.requested_start,
        end=end,
        units=units,
        unit_type=request.rule.unit_type if request.rule else request.level_of_care.unit_type,
        today=timezone.localdate(),
    )
    episode_attach(authorization=authorization)
    return authorization


def appeal_is_late(appeal: Appeal, *, now: dt.datetime) -> bool:
    """An open appeal past its deadline (shown in red on the appeals list)."""
    return appeal.status == AppealStatus.OPEN and clocks.utc(now) > clocks.utc(appeal.due_at)


APPEALABLE = (RequestStatus.DENIED, RequestStatus.PARTIALLY_APPROVED)
