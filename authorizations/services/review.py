"""Working a prior-authorization request: claim, assign, criteria checklist, pend for information,
information received, referral to a physician advisor, deadline extension, deemed denials.

Every change takes the version the person saw (`expected_version`), locks the row and refuses with
`RequestConflict` if someone else changed the request since: the second of two reviewers gets a clear
message and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from authorizations.choices import OPEN_STATUSES, RequestStatus
from authorizations.choices_review import ChecklistResult, NoticeKind, ReviewEvent
from authorizations.models import Event, Request, Review
from authorizations.rules import clocks
from authorizations.rules.review import (
    ANSWERS,
    ChecklistVerdict,
    checklist_evaluate,
    pend_problems,
)
from authorizations.selectors_review import as_criteria, clocks_all, criteria_for_request
from authorizations.services.events import event_record
from authorizations.services.notices import notices_send

CONFLICT = (
    "This request changed since you opened it ({what} by {who} at {when}; it is now {status}). "
    "Nothing was saved: reload the request to see the change, then try again."
)
NOT_OPEN = "This request is {status}: it is no longer open for review."
CLAIMED_BY_OTHER = "{who} is already reviewing this request: ask a supervisor to reassign it."
NOT_A_REVIEWER = "{who} cannot review requests."
BAD_ANSWER = "Answer each criterion met, not met or unknown."


class RequestConflict(Exception):
    """Someone else changed the request since the acting person opened it."""


def request_lock(*, request_id: int, expected_version: int) -> Request:
    """The request, locked for this transaction, if it is still at the version the person saw."""
    request = (
        Request.objects.select_for_update(of=("self",))
        .select_related("member", "level_of_care", "site__provider", "rule", "extends")
        .get(pk=request_id)
    )
    if request.version != expected_version:
        raise RequestConflict(_conflict_message(request))
    return request


def _conflict_message(request: Request) -> str:
    last = (
        Event.objects.filter(request=request)
        .exclude(kind__in=(ReviewEvent.NOTICE_SENT, ReviewEvent.REVIEWED))
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    if last is None:
        return CONFLICT.format(
            what="a change", who="someone", when="just now", status=_status(request)
        )
    label = ReviewEvent(last.kind).label if last.kind in ReviewEvent.values else last.kind
    who = last.actor.get_full_name() or last.actor.username if last.actor else "the system"
    return CONFLICT.format(
        what=label.lower(),
        who=who,
        when=clocks.format_local(last.occurred_at),
        status=_status(request),
    )


def _status(request: Request) -> str:
    return str(request.get_status_display()).lower()


def request_save(request: Request, fields: list[str]) -> None:
    request.version += 1
    request.full_clean()
    request.save(update_fields=[*fields, "version", "updated_at"])


def _require(user: Any, perm: str, message: str = "You may not review requests.") -> None:
    if not user.has_perm(f"authorizations.{perm}"):
        raise PermissionDenied(message)


def require_open(request: Request) -> None:
    if request.status not in OPEN_STATUSES:
        raise ValidationError(NOT_OPEN.format(status=request.get_status_display().lower()))


@transaction.atomic
def request_claim(*, acting_user: Any, request: Request, expected_version: int) -> Request:
    """A reviewer takes an unassigned request (or one already theirs) and starts the review."""
    _require(acting_user, "review_request")
    request = request_lock(request_id=request.pk, expected_version=expected_version)
    require_open(request)
    if request.assigned_to_id not in (None, acting_user.pk):
        raise ValidationError(CLAIMED_BY_OTHER.format(who=request.assigned_to))
    return _assign(request, acting_user, acting_user, ReviewEvent.CLAIMED)


@transaction.atomic
def request_assign(
    *, acting_user: Any, request: Request, assignee: Any | None, expected_version: int
) -> Request:
    """A supervisor assigns, reassigns or unassigns a request."""
    _require(acting_user, "manage_queue", "Only a supervisor may assign reviews.")
    request = request_lock(request_id=request.pk, expected_version=expected_version)
    require_open(request)
    if assignee is not None and not assignee.has_perm("authorizations.review_request"):
        raise ValidationError({"assignee": [NOT_A_REVIEWER.format(who=assignee)]})
    return _assign(request, acting_user, assignee, ReviewEvent.ASSIGNED)


def _assign(request: Request, acting_user: Any, assignee: Any | None, kind: str) -> Request:
    before = request.status
    request.assigned_to = assignee
    if assignee is not None and request.status == RequestStatus.SUBMITTED:
        request.status = RequestStatus.IN_REVIEW
    request_save(request, ["assigned_to", "status"])
    event_record(
        request=request,
        kind=kind,
        actor=acting_user,
        from_status=before,
        to_status=request.status,
        detail={"assignee_id": assignee.pk if assignee else None},
    )
    return request


def review_record(
    *, acting_user: Any, request: Request, answers: Mapping[str, Mapping[str, str]], note: str = ""
) -> tuple[Review, ChecklistVerdict]:
    """Record the criteria checklist (met / not met / unknown per criterion, with notes) against the
    criteria in force for the request; called inside the action that uses it."""
    rows = criteria_for_request(request)
    cleaned: dict[str, dict[str, str]] = {}
    for row in rows:
        given = answers.get(row.code, {})
        answer = given.get("answer", "unknown") or "unknown"
        if answer not in ANSWERS:
            raise ValidationError({"checklist": [BAD_ANSWER]})
        cleaned[row.code] = {"answer": answer, "note": given.get("note", "").strip()}
    verdict = checklist_evaluate(as_criteria(rows), {k: v["answer"] for k, v in cleaned.items()})
    review = Review(
        request=request,
        reviewer=acting_user,
        criteria=[r.pk for r in rows],
        answers=cleaned,
        result=ChecklistResult(verdict.result),
        note=note.strip(),
    )
    review.full_clean()
    review.save()
    event_record(
        request=request,
        kind=ReviewEvent.REVIEWED,
        actor=acting_user,
        detail={"review_id": review.pk, "result": verdict.result},
    )
    return review, verdict


@transaction.atomic
def request_pend(
    *,
    acting_user: Any,
    request: Request,
    expected_version: int,
    info_requested: str,
    info_due_at: dt.datetime | None,
    answers: Mapping[str, Mapping[str, str]] | None = None,
    now: dt.datetime | None = None,
) -> Request:
    """Pend for information: what is asked and by when. The decision clock keeps running."""
    _require(acting_user, "review_request")
    request = request_lock(request_id=request.pk, expected_version=expected_version)
    require_open(request)
    assert request.due_at is not None
    problems = pend_problems(
        asked=info_requested,
        info_due_at=info_due_at,
        due_at=request.due_at,
        now=now or timezone.now(),
    )
    if problems:
        raise ValidationError({p.field: [p.message] for p in problems})
    if answers:
        review_record(acting_user=acting_user, request=request, answers=answers)
    before = request.status
    request.status = RequestStatus.PENDED
    request.info_requested = info_requested.strip()
    request.info_due_at = info_due_at
    request_save(request, ["status", "info_requested", "info_due_at"])
    event_record(
        request=request,
        kind=ReviewEvent.PENDED,
        actor=acting_user,
        from_status=before,
        to_status=request.status,
    )
    return request


INFO_SHORT = "Give the information asked for (at least 20 characters)."


@transaction.atomic
def request_info_provide(
    *, acting_user: Any, request: Request, expected_version: int, information: str
) -> Request:
    """The provider (or a care manager taking a call) answers a pend; the request returns to review."""
    _require(acting_user, "submit_prior_auth", "You may not add information to requests.")
    request = request_lock(request_id=request.pk, expected_version=expected_version)
    if request.status != RequestStatus.PENDED:
        raise ValidationError("This request is not waiting for information.")
    if len(information.strip()) < 20:
        raise ValidationError({"information": [INFO_SHORT]})
    received = timezone.now()
    added = list(request.clinical.get("additional_information", []))
    added.append({"received_at": received.isoformat(), "text": information.strip()})
    request.clinical = {**request.clinical, "additional_information": added}
    request.status = RequestStatus.IN_REVIEW
    request_save(request, ["clinical", "status"])
    event_record(
        request=request,
        kind=ReviewEvent.INFO_RECEIVED,
        actor=acting_user,
        from_status=RequestStatus.PENDED,
        to_status=request.status,
    )
    return request


@transaction.atomic
def request_refer(
    *,
    acting_user: Any,
    request: Request,
    expected_version: int,
    note: str,
    advisor: Any | None = None,
    answers: Mapping[str, Mapping[str, str]] | None = None,
) -> Request:
    """Refer to a physician advisor (a named one, or the advisors' queue): the only way a request a
    care manager cannot approve moves on."""
    _require(acting_user, "review_request")
    request = request_lock(request_id=request.pk, expected_version=expected_version)
    require_open(request)
    if len(note.strip()) < 10:
        raise ValidationError({"note": ["Say why the request goes to a physician advisor."]})
    if advisor is not None and not advisor.has_perm("authorizations.decide_adverse"):
        raise ValidationError({"advisor": [f"{advisor} is not a physician advisor."]})
    if answers:
        review_record(acting_user=acting_user, request=request, answers=answers, note=note)
    before = request.status
    request.referred_at = timezone.now()
    request.assigned_to = advisor
    request.status = RequestStatus.IN_REVIEW
    request_save(request, ["referred_at", "assigned_to", "status"])
    event_record(
        request=request,
        kind=ReviewEvent.REFERRED,
        actor=acting_user,
        from_status=before,
        to_status=request.status,
        detail={"advisor_id": advisor.pk if advisor else None},
    )
    return request


@transaction.atomic
def request_extend(
    *,
    acting_user: Any,
    request: Request,
    expected_version: int,
    days: int,
    reason: str,
    now: dt.datetime | None = None,
) -> Request:
    """Extend the decision deadline once, up to 14 days, with a written reason sent to the member
    (42 CFR 438.210(d)); the extension notice goes out with it."""
    _require(acting_user, "review_request")
    request = request_lock(request_id=request.pk, expected_version=expected_version)
    assert request.due_at is not None
    verdict = clocks.extension_check(
        due_at=request.due_at,
        already_extended=request.extended_at is not None,
        decided=request.status not in OPEN_STATUSES,
        days=days,
        reason=reason,
        now=now or timezone.now(),
        clocks=clocks_all(),
    )
    if not verdict.allowed:
        raise ValidationError({"days": list(verdict.problems)})
    assert verdict.due_at is not None
    request.original_due_at = request.due_at
    request.due_at = verdict.due_at
    request.extended_at = now or timezone.now()
    request.extension_reason = reason.strip()
    request_save(request, ["original_due_at", "due_at", "extended_at", "extension_reason"])
    event_record(
        request=request,
        kind=ReviewEvent.EXTENDED,
        actor=acting_user,
        detail={"days": days, "clock_id": verdict.clock.id if verdict.clock else None},
    )
    notices_send(request=request, kind=NoticeKind.EXTENSION, acting_user=acting_user)
    return request


def requests_flag_deemed_denials(*, now: dt.datetime | None = None) -> int:
    """Flag open requests past their deadline as deemed denials (42 CFR 438.404(c)(5)) and send the
    notice the member can appeal from. Idempotent; each request in its own transaction."""
    moment = now or timezone.now()
    flagged = 0
    overdue = Request.objects.filter(
        status__in=OPEN_STATUSES, due_at__lt=moment, deemed_denied_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            request = Request.objects.select_for_update().get(pk=pk)
            if request.deemed_denied_at is not None or request.status not in OPEN_STATUSES:
                continue
            request.deemed_denied_at = moment
            request_save(request, ["deemed_denied_at"])
            event_record(request=request, kind=ReviewEvent.DEEMED_DENIED, actor=None)
            notices_send(request=request, kind=NoticeKind.DEEMED_DENIAL, acting_user=None)
            flagged += 1
    return flagged
