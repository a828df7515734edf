"""Deciding a prior-authorization request: approve, approve less than requested, or deny.

The one door for every decision: the review page, the API and the admin all call `request_decide`, so
the authority rule holds everywhere: only a physician advisor (`authorizations.decide_adverse`) may
deny or approve less than requested, with a reason code, the criterion not met and a specific
plain-language explanation; a member under 21 is denied only after the EPSDT review also fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from authorizations.choices import RequestStatus
from authorizations.choices_review import (
    DecisionOutcome,
    EpsdtFinding,
    NoticeKind,
    ReviewEvent,
)
from authorizations.models import DecisionReason, Request
from authorizations.rules.review import (
    DENY,
    EPSDT_AGE_LIMIT,
    PARTIAL,
    DecisionInput,
    age_on,
    decision_check,
    problems_by_field,
)
from authorizations.selectors_review import criteria_for_request
from authorizations.services.episodes import episode_attach
from authorizations.services.events import event_record
from authorizations.services.issuance import authorization_issue
from authorizations.services.notices import notices_send
from authorizations.services.review import (
    request_lock,
    request_save,
    require_open,
    review_record,
)

STATUS_FOR = {
    "approve": RequestStatus.APPROVED,
    PARTIAL: RequestStatus.PARTIALLY_APPROVED,
    DENY: RequestStatus.DENIED,
}
NOTICE_FOR = {
    "approve": NoticeKind.APPROVAL,
    PARTIAL: NoticeKind.PARTIAL_APPROVAL,
    DENY: NoticeKind.DENIAL,
}


@dataclass(frozen=True)
class Decision:
    """What the reviewer decided, as entered: dates and units for approvals, reasons for adverse ones."""

    outcome: str  # approve | partial | deny
    start: dt.date | None = None
    end: dt.date | None = None
    units: int | None = None
    reason_code: str = ""
    criterion_code: str = ""
    explanation: str = ""
    epsdt_finding: str = ""
    epsdt_note: str = ""
    note: str = ""


@transaction.atomic
def request_decide(
    *,
    acting_user: Any,
    request: Request,
    expected_version: int,
    decision: Decision,
    answers: Mapping[str, Mapping[str, str]],
) -> Request:
    """Record the checklist and the decision, issue the authorization of an approval, attach it to the
    episode, and send the notices (member and provider). Every problem is refused at once."""
    if not acting_user.has_perm("authorizations.review_request"):
        raise PermissionDenied("You may not decide requests.")
    if decision.outcome not in (DecisionOutcome.APPROVE, PARTIAL, DENY):
        raise ValidationError({"outcome": ["Choose approve, partial approval or deny."]})
    request = request_lock(request_id=request.pk, expected_version=expected_version)
    require_open(request)
    _review, checklist = review_record(
        acting_user=acting_user, request=request, answers=answers, note=decision.note
    )
    reason = DecisionReason.objects.filter(code=decision.reason_code, active=True).first()
    criteria = {c.code: c for c in criteria_for_request(request)}
    criterion = criteria.get(decision.criterion_code)
    age = age_on(request.member.birth_date, request.requested_start)
    assert request.rule is not None and request.requested_end and request.requested_units
    verdict = decision_check(
        DecisionInput(
            outcome=decision.outcome,
            may_decide_adverse=acting_user.has_perm("authorizations.decide_adverse"),
            checklist=checklist,
            requested_start=request.requested_start,
            requested_end=request.requested_end,
            requested_units=request.requested_units,
            rule_max_units=request.rule.max_units,
            unit_is_day=request.rule.unit_type == "day",
            start=decision.start,
            end=decision.end,
            units=decision.units,
            reason_code=reason.code if reason else decision.reason_code,
            reason_is_clinical=bool(reason and reason.kind == "medical_necessity"),
            reason_label=reason.label if reason else "",
            criterion_code=decision.criterion_code,
            criterion_codes=frozenset(criteria),
            criterion_texts=(criterion.text,) if criterion else (),
            explanation=decision.explanation,
            member_age=age,
            epsdt_finding=decision.epsdt_finding,
            epsdt_note=decision.epsdt_note,
        )
    )
    if not verdict.allowed:
        raise ValidationError(problems_by_field(verdict.problems))
    return _apply(request, acting_user, verdict.outcome, decision, reason, criterion, age)


def _apply(
    request: Request,
    acting_user: Any,
    outcome: str,
    decision: Decision,
    reason: DecisionReason | None,
    criterion: Any,
    age: int,
) -> Request:
    before = request.status
    adverse = outcome in (PARTIAL, DENY)
    request.status = STATUS_FOR[outcome]
    request.decided_at = timezone.now()
    request.decided_by = acting_user
    request.decision_reason = reason if adverse else None
    request.decision_criterion = criterion if adverse else None
    request.decision_note = decision.explanation.strip() if adverse else decision.note.strip()
    if adverse and age < EPSDT_AGE_LIMIT:
        request.epsdt_finding, request.epsdt_note = decision.epsdt_finding, decision.epsdt_note
    elif adverse:
        request.epsdt_finding = EpsdtFinding.NOT_APPLICABLE
    request_save(
        request,
        [
            "status",
            "decided_at",
            "decided_by",
            "decision_reason",
            "decision_criterion",
            "decision_note",
            "epsdt_finding",
            "epsdt_note",
        ],
    )
    authorization = None
    if outcome != DENY:
        assert decision.start and decision.end and decision.units
        authorization = authorization_issue(
            request=request,
            start=decision.start,
            end=decision.end,
            units=decision.units,
            acting_user=acting_user,
        )
        episode_attach(authorization=authorization)
    event_record(
        request=request,
        kind=ReviewEvent.DECIDED,
        actor=acting_user,
        from_status=before,
        to_status=request.status,
        detail={
            "reason": reason.code if reason and adverse else "",
            "criterion_id": criterion.pk if criterion and adverse else None,
            "authorization": authorization.number if authorization else "",
            "units": decision.units if outcome != DENY else 0,
        },
    )
    notices_send(request=request, kind=NOTICE_FOR[outcome], acting_user=acting_user)
    return request
