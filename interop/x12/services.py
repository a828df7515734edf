"""Answering a 278 interchange with the same services the portal and the REST API use.

`interchange_answer` reads the envelope (a bad one is answered with a TA1 or a 999 and nothing is
processed), then answers each transaction set on its own: a request goes to the registration service or
to prior-authorization intake, as the authorization rule in force for the level of care says; an
inquiry finds the caller's request and reports its current status. Each call is logged (`Interchange`,
`TransactionLog`: control numbers, counts, results, never PHI) and each member read writes an AccessLog
row. No rule lives here: the services decide, `mapping_278` translates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from authorizations.choices import Channel, RequestStatus, ReviewPath
from authorizations.models import Request
from authorizations.rules.clinical import CLINICAL_FIELDS_BY_NAME
from authorizations.selectors import (
    authorizations_visible_to,
    member_for_registration,
    requests_visible_to,
)
from authorizations.services.intake import prior_auth_submit
from authorizations.services.registration import registration_extend
from interop.selectors import level_for_codes, own_provider_by_npi, submission_site
from interop.services import service_request_submit
from interop.x12 import mapping_278 as m
from interop.x12.generate_278 import Answer, Sender, ack_999, interchange, response_278, ta1
from interop.x12.models import Interchange, InterchangeResult, TransactionLog
from interop.x12.parse_278 import Request278, read_278
from interop.x12.segments import (
    TA1_BAD_ISA,
    EnvelopeError,
    read_interchange,
)
from interop.x12.segments import (
    Interchange as Envelope,
)
from members.models import Member
from providers.models import LevelOfCare, Provider, Site

PURPOSE = "x12 278"
NOT_FOUND = "No request of your organization matches this certification or trace number."
PROVIDER_NOT_YOURS = "The requester NPI is not one of your organization's providers."
SITE_NEEDED = "Your organization has several active sites: send the site number in REF*ZH."
SITE_UNKNOWN = "No active site of this provider has the site number in REF*ZH."
MEMBER_UNKNOWN = "No member matches this Medicaid id and date of birth."
LEVEL_UNKNOWN = "No level of care matches the service codes (procedure, revenue, service type)."
NOT_ALLOWED = "Your account cannot request this service."
DECIDED = (RequestStatus.APPROVED, RequestStatus.PARTIALLY_APPROVED)


@dataclass(frozen=True)
class Reply:
    """What the endpoint sends back: X12 text and the HTTP status (200 answered, 400 rejected)."""

    text: str
    status: int
    interchange: Interchange


def _sender(isa: list[str] | None, envelope: Envelope | None = None) -> Sender:
    """Who sent the interchange, from its ISA (and first GS): the answer goes back to them."""
    if isa is None or len(isa) < 17:
        return Sender()
    group = envelope.groups[0] if envelope is not None and envelope.groups else None
    return Sender(
        id_qualifier=isa[5].strip(),
        id=isa[6].strip(),
        receiver_qualifier=isa[7].strip(),
        receiver=isa[8].strip(),
        control=isa[13].strip(),
        usage=isa[15].strip(),
        group_sender=group.sender if group else "",
        group_receiver=group.receiver if group else "",
    )


def interchange_answer(*, acting_user: Any, text: str, http_request: HttpRequest | None) -> Reply:
    """Answer one interchange (one or many 278 transaction sets) as `acting_user`'s organization."""
    now = timezone.now()
    record = Interchange.objects.create(
        caller=acting_user, result=InterchangeResult.ANSWERED, response_control_number=""
    )
    control = f"{record.pk % 1_000_000_000:09d}"
    record.response_control_number = control
    try:
        envelope = read_interchange(text)
    except EnvelopeError as error:
        sender = _sender(error.isa)
        return _rejected(record, sender, InterchangeResult.REJECTED_TA1, error, control, now)
    except IndexError:
        unreadable = EnvelopeError(TA1_BAD_ISA, "The interchange envelope cannot be read.")
        return _rejected(record, Sender(), InterchangeResult.REJECTED_TA1, unreadable, control, now)
    sender = _sender(envelope.isa, envelope)
    record.sender_id, record.control_number = sender.id[:15], sender.control[:9]
    record.transactions = len(envelope.transactions)
    if envelope.problems:
        return _rejected_999(record, envelope, sender, control, now)
    bodies = []
    for transaction in envelope.transactions:
        request = read_278(transaction, envelope.separators.component)
        answer, log = _answer_one(acting_user, request, http_request)
        log.interchange = record
        log.save()
        bodies.append(response_278(request, answer, timezone.localtime(now)))
    record.save()
    text_out = interchange(sender, control, timezone.localtime(now), "HI", "005010X217", bodies)
    return Reply(text_out, 200, record)


def interchange_refuse(*, acting_user: Any, message: str) -> Interchange:
    """Log a call whose body is not X12 text at all (answered with a plain HTTP 400)."""
    return Interchange.objects.create(
        caller=acting_user,
        result=InterchangeResult.REJECTED_BODY,
        response_control_number="",
        problems=[{"message": message}],
    )


def _rejected(
    record: Interchange,
    sender: Sender,
    result: str,
    error: EnvelopeError,
    control: str,
    now: dt.datetime,
) -> Reply:
    record.result = result
    record.sender_id, record.control_number = sender.id[:15], sender.control[:9]
    record.problems = [{"code": error.code, "message": error.message}]
    record.save()
    return Reply(ta1(sender, control, timezone.localtime(now), error.code), 400, record)


def _rejected_999(
    record: Interchange, envelope: Envelope, sender: Sender, control: str, now: dt.datetime
) -> Reply:
    record.result = InterchangeResult.REJECTED_999
    record.problems = [
        {"level": level, "control": ctl, "code": code, "message": message}
        for level, ctl, code, message in envelope.problems
    ]
    record.save()
    groups = []
    for group in envelope.groups:
        group_code = next(
            (c for lvl, ctl, c, _ in envelope.problems if lvl == "group" and ctl == group.control),
            "",
        )
        sets = []
        for t in group.transactions:
            code = next(
                (
                    c
                    for lvl, ctl, c, _ in envelope.problems
                    if lvl == "transaction" and ctl == t.control
                ),
                "",
            )
            set_id = t.segments[0][1] if len(t.segments[0]) > 1 else ""
            sets.append((set_id, t.control, code))
        groups.append((group.functional_code, group.control, group.version, group_code, sets))
    return Reply(ack_999(sender, control, timezone.localtime(now), groups), 400, record)


def _answer_one(
    user: Any, request: Request278, http_request: HttpRequest | None
) -> tuple[Answer, TransactionLog]:
    log = TransactionLog(
        control_number=request.control[:9], trace_number=request.trace[:50], inquiry=request.inquiry
    )
    ask = m.ask_from_278(request)
    provider, member = _provider(user, ask), _member(ask)
    if member is not None:
        access_log_record(
            user=user,
            action=AccessAction.API,
            subject=member,
            request=http_request,
            purpose=PURPOSE,
        )
    if ask.problems or provider is None or member is None:
        answer = Answer(problems=ask.problems)
    elif request.inquiry:
        answer = _inquiry(user, request, ask, member)
    elif ask.extension:
        answer = _extend(user, request, ask, member)
    else:
        answer = _submit(user, request, ask, provider, member)
    log.request_id = _request_id(answer)
    log.action = answer.action
    log.reject_codes = sorted({p.code for p in answer.problems})
    log.problems = [p.message for p in answer.problems]
    return answer, log


def _request_id(answer: Answer) -> int | None:
    if not answer.reference_number:
        return None
    return (
        Request.objects.filter(number=answer.reference_number).values_list("pk", flat=True).first()
    )


def _provider(user: Any, ask: m.Ask) -> Provider | None:
    if not ask.npi or any(p.loop == m.LOOP_REQUESTER for p in ask.problems):
        return None
    provider = own_provider_by_npi(user=user, npis=[ask.npi])
    if provider is None:
        ask.problems.append(m.Problem(m.LOOP_REQUESTER, m.AAA_PROVIDER_ID, PROVIDER_NOT_YOURS))
    return provider


def _member(ask: m.Ask) -> Member | None:
    if ask.birth_date is None or any(p.loop == m.LOOP_SUBSCRIBER for p in ask.problems):
        return None
    member = member_for_registration(medicaid_id=ask.member_id, birth_date=ask.birth_date)
    if member is None:
        ask.problems.append(
            m.Problem(m.LOOP_SUBSCRIBER, m.AAA_SUBSCRIBER_NOT_FOUND, MEMBER_UNKNOWN)
        )
    return member


def _site(provider: Provider, ask: m.Ask) -> Site | None:
    site = submission_site(provider=provider, site_number=ask.site_number)
    if site is None:
        message = SITE_UNKNOWN if ask.site_number else SITE_NEEDED
        ask.problems.append(m.Problem(m.LOOP_REQUESTER, m.AAA_PROVIDER_ID, message))
    return site


def _level(ask: m.Ask) -> LevelOfCare | None:
    """The level of care of the request's codes, most specific first (shared with FHIR)."""
    codes = ask.level_codes
    level = level_for_codes(
        procedures=codes.procedures,
        revenues=codes.revenues,
        service_type=codes.service_type,
        place=codes.place,
    )
    if level is None:
        ask.problems.append(m.Problem(m.LOOP_EVENT, m.AAA_INPUT_ERRORS, LEVEL_UNKNOWN))
    return level


def _idempotency_key(request: Request278) -> str | None:
    """A retried transaction (same trace number from the same originator) gets the first answer."""
    if not request.trace or request.event is None:
        return None
    originator = request.event.traces[0][3] if len(request.event.traces[0]) > 3 else ""
    return f"x12:{originator}:{request.trace}"[:80]


def _submit(
    user: Any, request: Request278, ask: m.Ask, provider: Provider, member: Member
) -> Answer:
    site, level = _site(provider, ask), _level(ask)
    if site is None or level is None or ask.start is None:
        return Answer(problems=ask.problems)
    try:
        record = service_request_submit(
            acting_user=user,
            member=member,
            site=site,
            level_of_care=level,
            start=ask.start,
            end=ask.end,
            units=ask.units,
            urgency=ask.urgency,
            diagnoses=ask.diagnoses,
            clinical=ask.clinical,
            idempotency_key=_idempotency_key(request),
        )
    except (ValidationError, PermissionDenied, Http404) as error:
        return _refused(error)
    return answer_for(record)


def _refused(error: Exception) -> Answer:
    """AAA problems for a service's refusal: bad input by field, or not allowed."""
    if isinstance(error, ValidationError):
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        return Answer(problems=m.problems_for_errors(errors, CLINICAL_FIELDS_BY_NAME))
    return Answer(problems=[m.Problem(m.LOOP_REQUESTER, m.AAA_ACCESS_RESTRICTED, NOT_ALLOWED)])


def _extend(user: Any, request: Request278, ask: m.Ask, member: Member) -> Answer:
    """More units or time on one of the caller's authorizations (REF*BB): a registration extension,
    or a concurrent review of a prior authorization, through the same services as the portal."""
    authorization = (
        authorizations_visible_to(user=user)
        .filter(number=ask.certification_number, member=member)
        .select_related("request", "site")
        .first()
    )
    if authorization is None:
        return Answer(problems=[m.Problem(m.LOOP_EVENT, m.AAA_NOT_FOUND, NOT_FOUND)])
    diagnoses = ask.diagnoses or list(authorization.request.diagnoses)
    try:
        if authorization.request.review_path == ReviewPath.PRIOR_AUTH:
            record = prior_auth_submit(
                acting_user=user,
                member=member,
                site=authorization.site,
                level_of_care=authorization.level_of_care,
                urgency=ask.urgency,
                channel=Channel.API,
                requested_start=authorization.end,
                requested_units=ask.units,
                diagnoses=diagnoses,
                clinical=ask.clinical,
                extends=authorization,
                idempotency_key=_idempotency_key(request),
            )
        else:
            record = registration_extend(
                acting_user=user,
                authorization=authorization,
                start=ask.start,
                units=ask.units,
                diagnoses=diagnoses,
                channel=Channel.API,
                idempotency_key=_idempotency_key(request),
            ).request
    except (ValidationError, PermissionDenied, Http404) as error:
        return _refused(error)
    return answer_for(record)


def answer_for(record: Request) -> Answer:
    """The HCR answer for a request as it stands: certified (with the authorization number, period
    and units), not certified (with the reason), pended or cancelled."""
    record = Request.objects.select_related("decision_reason", "rule").get(pk=record.pk)
    authorization = getattr(record, "authorization", None)
    codes = [r["code"] for r in record.refusals or []]
    if record.decision_reason is not None and not codes:
        codes = [record.decision_reason.code]
    answer = Answer(
        action=m.hcr_action(record.status),
        reference_number=record.number,
        reason=m.hcr_reason(codes) if record.status not in DECIDED else "",
        start=record.requested_start,
        end=record.requested_end,
        units=record.requested_units,
        unit_qualifier=m.hsd_qualifier(record.level_of_care.unit_type),
    )
    if record.status in (RequestStatus.REFUSED, RequestStatus.DENIED):
        answer.start = answer.end = answer.units = None
    if authorization is not None and record.status in DECIDED:
        answer.certification_number = authorization.number
        answer.start, answer.end = authorization.start, authorization.end
        answer.units = authorization.units
        answer.unit_qualifier = m.hsd_qualifier(authorization.unit_type)
    return answer


def _inquiry(user: Any, request: Request278, ask: m.Ask, member: Member) -> Answer:
    """The current status of one of the caller's requests, found by certification number (REF*BB),
    our request number (REF*NT) or the trace number of the original request; anything else, or
    another organization's request, is not found."""
    found = _find(user, request, ask)
    if found is None or found.member_id != member.pk:
        return Answer(problems=[m.Problem(m.LOOP_EVENT, m.AAA_NOT_FOUND, NOT_FOUND)])
    return answer_for(found)


def _find(user: Any, request: Request278, ask: m.Ask) -> Request | None:
    visible = requests_visible_to(user=user)
    if ask.certification_number:
        number = (
            authorizations_visible_to(user=user)
            .filter(number=ask.certification_number)
            .values_list("request__number", flat=True)
            .first()
        )
        return visible.filter(number=number).first() if number else None
    if ask.reference_number:
        return visible.filter(number=ask.reference_number).first()
    if request.trace:
        logged = TransactionLog.objects.filter(trace_number=request.trace, inquiry=False)
        return visible.filter(pk__in=logged.values("request_id")).order_by("-pk").first()
    return None
