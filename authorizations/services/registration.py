"""Registration of outpatient-type services by providers: decided at once by the rules in force.

`registration_submit` records a registration and, when every rule holds, issues its authorization in the
same transaction; when a rule fails it records the refused request with every reason (kept for the
metrics; nothing else is written); when the rule routes the level to staff review (psychological testing)
it leaves the request submitted in the review queue. `registration_extend` asks for more units or time on
an active authorization: the same rules decide, and the new authorization continues the old one.

Bad input (an unknown site, bad diagnosis codes, an extension that cannot be asked for, an idempotency
key reused for something else) raises `RegistrationInputError` and writes nothing.

Two identical submissions at the same moment produce one authorization: the member's row is locked for
the decision (so the second sees the first's authorization and is refused as an overlap, or, with the
same idempotency key, answered with the first's result), and the database refuses a second active
authorization for the same member, site, level of care and start (`auth_one_active_per_start`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from aso.core.history import history_rows_insert
from aso.core.rows import insert_rows
from authorizations.choices import (
    Channel,
    ClockUnit,
    RequestKind,
    RequestStatus,
    ReviewPath,
)
from authorizations.diagnoses import diagnosis_problems, normalize
from authorizations.models import (
    Authorization,
    AuthorizationRule,
    DecisionReason,
    Request,
    TurnaroundClock,
)
from authorizations.numbers import next_numbers
from authorizations.rules.registration import (
    AgeRange,
    Outcome,
    RegistrationFacts,
    RuleTerms,
    Verdict,
    decide_registration,
    extension_default_start,
    extension_problems,
    in_network_on,
    registration_span,
)
from authorizations.selectors import rule_in_force
from authorizations.selectors_registration import SiteFacts, member_lock, registration_facts
from authorizations.services.events import event_record
from authorizations.services.issuance import authorization_create
from members.models import Member
from providers.models import LevelOfCare

PERMISSION = "authorizations.submit_registration"
NOT_ALLOWED = "Your account cannot register services."
SITE_UNKNOWN = "Choose one of your organization's sites."
NOT_YOURS = "Only the organization that holds an authorization can extend it."
IDEMPOTENCY_CONFLICT = (
    "This Idempotency-Key was already used for a different registration; use a new key."
)
REVIEW_CLOCK = "PA_STANDARD"
EVENT_FOR_STATUS = {
    RequestStatus.APPROVED: "registration_approved",
    RequestStatus.REFUSED: "registration_refused",
    RequestStatus.SUBMITTED: "registration_sent_to_review",
}
STATUS_FOR_OUTCOME = {
    Outcome.APPROVE: RequestStatus.APPROVED,
    Outcome.REFUSE: RequestStatus.REFUSED,
    Outcome.REVIEW: RequestStatus.SUBMITTED,
}
# Foreign keys come from loaded rows: full_clean() would re-read each one (a query per key).
FOREIGN_KEYS = (
    "member",
    "site",
    "level_of_care",
    "rule",
    "previous",
    "extends",
    "submitted_by",
    "decided_by",
    "urgency_set_by",
    "assigned_to",
    "decision_reason",
)


class RegistrationInputError(ValidationError):
    """Bad input: a message per field; nothing was recorded."""


@dataclass(frozen=True)
class RegistrationResult:
    request: Request
    authorization: Authorization | None
    replayed: bool = False  # answered from an earlier submission with the same idempotency key

    @property
    def status(self) -> str:
        return self.request.status


@dataclass(frozen=True)
class _Ask:
    """One registration or extension as asked for."""

    kind: str
    member: Member
    site_id: int
    level_of_care: LevelOfCare
    start: dt.date | None  # None: an extension starting the day after the current one ends
    units: int | None
    diagnoses: tuple[str, ...]
    channel: str
    idempotency_key: str | None
    extends: Authorization | None = None


def registration_submit(
    *,
    acting_user: Any,
    member: Member,
    site_id: int,
    level_of_care: LevelOfCare,
    start: dt.date,
    units: int | None,
    diagnoses: Sequence[str],
    channel: str = Channel.WEB,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> RegistrationResult:
    """Register a service for a member at one of the user's sites; one transaction.

    Approved at once (with an authorization) when every rule holds, refused with every reason when one
    fails, or sent to staff review when the rule says so. With an `idempotency_key` a repeated call
    answers with the first call's result.
    """
    ask = _Ask(
        kind=RequestKind.INITIAL,
        member=member,
        site_id=site_id,
        level_of_care=level_of_care,
        start=start,
        units=units,
        diagnoses=_clean_diagnoses(diagnoses),
        channel=channel,
        idempotency_key=idempotency_key or None,
    )
    return _submit(acting_user, ask, now or timezone.now())


def registration_extend(
    *,
    acting_user: Any,
    authorization: Authorization,
    start: dt.date | None = None,
    units: int | None = None,
    diagnoses: Sequence[str] | None = None,
    channel: str = Channel.WEB,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> RegistrationResult:
    """Ask for more units or time on an active authorization; the same rules decide.

    The extension starts the day after the current authorization ends unless asked otherwise (no
    earlier than the day after the current one starts); an approved extension starting inside the
    current span ends the current one the day before. Diagnoses default to the current request's.
    """
    ask = _Ask(
        kind=RequestKind.EXTENSION,
        member=authorization.member,
        site_id=authorization.site_id,
        level_of_care=authorization.level_of_care,
        start=start,
        units=units,
        diagnoses=_clean_diagnoses(diagnoses if diagnoses else authorization.request.diagnoses),
        channel=channel,
        idempotency_key=idempotency_key or None,
        extends=authorization,
    )
    return _submit(acting_user, ask, now or timezone.now())


def _clean_diagnoses(codes: Sequence[str]) -> tuple[str, ...]:
    codes = [c for c in codes if c and c.strip()]
    problems = diagnosis_problems(list(codes))
    if problems:
        raise RegistrationInputError({"diagnoses": problems})
    return tuple(normalize(c) for c in codes)


@dataclass(frozen=True)
class _Numbers:
    request: str
    authorization: str


def _submit(user: Any, ask: _Ask, now: dt.datetime) -> RegistrationResult:
    if not user.has_perm(PERMISSION):
        raise PermissionDenied(NOT_ALLOWED)
    # Numbers are drawn before the decision's transaction: outside a caller's transaction each draw
    # commits at once, so the shared sequence row is locked for one statement, not for a whole
    # registration (a refused or replayed submission leaves a gap; numbers are unique, not gapless).
    today = timezone.localtime(now).date()
    numbers = _Numbers(*next_numbers(("R", "A"), on=today))
    try:
        with transaction.atomic():
            return _decide_and_record(user, ask, now, numbers)
    except IntegrityError:
        # A submission racing this one won (same idempotency key, or an identical authorization that
        # slipped past the lock): the second attempt answers with its result or refuses the overlap.
        with transaction.atomic():
            return _decide_and_record(user, ask, now, numbers)


def _decide_and_record(
    user: Any, ask: _Ask, now: dt.datetime, numbers: _Numbers
) -> RegistrationResult:
    birth_date = member_lock(member_id=ask.member.pk)
    today = timezone.localtime(now).date()
    start, start_problems = _start_of(ask)
    rule = rule_in_force(level_of_care=ask.level_of_care.pk, on=start)
    terms = rule_terms(rule, ask.level_of_care)
    span_start, span_end = registration_span(start, terms)
    reads = registration_facts(
        user_id=user.pk,
        site_id=ask.site_id,
        member_id=ask.member.pk,
        level_of_care_id=ask.level_of_care.pk,
        start=span_start,
        end=span_end,
        extends_id=ask.extends.pk if ask.extends else None,
        idempotency_key=ask.idempotency_key,
    )
    site = reads.site
    if site is None:
        if ask.extends is not None:
            raise PermissionDenied(NOT_YOURS)
        raise RegistrationInputError({"site": [SITE_UNKNOWN]})
    if reads.replay_request_id is not None:
        return _replay(ask, reads.replay_request_id)
    if start_problems:
        raise RegistrationInputError({"start": start_problems})
    facts = RegistrationFacts(
        level_name=ask.level_of_care.name,
        start=start,
        today=today,
        birth_date=birth_date,
        units=ask.units,
        programs_on_start=reads.programs,
        offering_ages=_offering_ages(site, reads.offering_ages, start),
        provider_dcf_certified=site.provider_dcf_certified,
        overlapping=reads.overlapping,
    )
    verdict = decide_registration(facts, terms)
    request = _request_record(user, ask, verdict, rule, now=now, number=numbers.request)
    authorization = None
    if verdict.outcome is Outcome.APPROVE:
        assert verdict.end is not None and verdict.units is not None and rule is not None
        authorization = authorization_create(
            request=request,
            acting_user=user,
            start=verdict.start,
            end=verdict.end,
            units=verdict.units,
            unit_type=rule.unit_type,
            today=today,
            number=numbers.authorization,
        )
    event_record(
        request=request,
        kind=EVENT_FOR_STATUS[RequestStatus(request.status)],
        actor=user,
        to_status=request.status,
        detail={
            "rule": verdict.rule_id,
            "codes": list(verdict.codes),
            "authorization": authorization.number if authorization else None,
            "channel": ask.channel,
        },
    )
    return RegistrationResult(request=request, authorization=authorization)


def _replay(ask: _Ask, earlier_pk: int) -> RegistrationResult:
    """The earlier result for the same idempotency key; a key reused for a different registration is
    refused."""
    earlier = Request.objects.select_related(
        "authorization", "member", "site", "level_of_care"
    ).get(pk=earlier_pk)
    same = (
        earlier.kind == ask.kind
        and earlier.member_id == ask.member.pk
        and earlier.site_id == ask.site_id
        and earlier.level_of_care_id == ask.level_of_care.pk
        and (ask.start is None or earlier.requested_start == ask.start)
        and (ask.units is None or earlier.requested_units == ask.units)
        and tuple(earlier.diagnoses) == ask.diagnoses
        and earlier.extends_id == (ask.extends.pk if ask.extends else None)
    )
    if not same:
        raise RegistrationInputError({"idempotency_key": [IDEMPOTENCY_CONFLICT]})
    authorization = getattr(earlier, "authorization", None)
    return RegistrationResult(request=earlier, authorization=authorization, replayed=True)


def _start_of(ask: _Ask) -> tuple[dt.date, list[str]]:
    """The start date and, for an extension, what is wrong with it against the current authorization
    (read again under the member lock, so a concurrent change is seen)."""
    if ask.extends is None:
        assert ask.start is not None
        return ask.start, []
    status, current_start, current_end = (
        Authorization.objects.filter(pk=ask.extends.pk).values_list("status", "start", "end").get()
    )
    start = ask.start or extension_default_start(current_end)
    problems = extension_problems(
        status=status, current_start=current_start, current_end=current_end, start=start
    )
    return start, list(problems)


def rule_terms(rule: AuthorizationRule | None, level: LevelOfCare) -> RuleTerms | None:
    """The rule row as the plain values the pure rules take."""
    if rule is None:
        return None
    return RuleTerms(
        id=rule.pk,
        level_name=level.name,
        effective_from=rule.effective_from,
        review_path=rule.review_path,
        auto_approve=rule.auto_approve,
        unit_type=rule.unit_type,
        initial_units=rule.initial_units,
        initial_days=rule.initial_days,
        max_units=rule.max_units,
        min_age=rule.min_age,
        max_age=rule.max_age,
        programs=tuple(rule.programs or ()),
        dcf_approval_required=rule.dcf_approval_required,
        dcf_certified_provider_required=rule.dcf_certified_provider_required,
        max_backdate_days=rule.max_backdate_days,
    )


def _offering_ages(
    site: SiteFacts, contracted: tuple[tuple[int, int], ...], on: dt.date
) -> tuple[AgeRange, ...]:
    """Age ranges the site is contracted for at this level on a date (none: not offered, or the site
    or its provider is out of the network that day)."""
    if not in_network_on(
        site_active=site.site_active,
        provider_status=site.provider_status,
        provider_effective=site.provider_effective,
        provider_termination=site.provider_termination,
        day=on,
    ):
        return ()
    return tuple(AgeRange(low, high) for low, high in contracted)


def _request_record(
    user: Any,
    ask: _Ask,
    verdict: Verdict,
    rule: AuthorizationRule | None,
    *,
    now: dt.datetime,
    number: str,
) -> Request:
    status = STATUS_FOR_OUTCOME[verdict.outcome]
    today = timezone.localtime(now).date()
    request = Request(
        number=number,
        member=ask.member,
        site_id=ask.site_id,
        level_of_care=ask.level_of_care,
        kind=ask.kind,
        channel=ask.channel,
        review_path=ReviewPath.REGISTRATION,
        received_at=now,
        due_at=_review_due(now, today) if status == RequestStatus.SUBMITTED else None,
        requested_start=verdict.start,
        requested_end=verdict.end,
        requested_units=verdict.units,
        diagnoses=list(ask.diagnoses),
        status=status,
        refusals=[refusal.as_dict() for refusal in verdict.refusals],
        decision_reason=(
            DecisionReason.objects.filter(code=verdict.codes[0]).first() if verdict.codes else None
        ),
        decided_at=None if status == RequestStatus.SUBMITTED else now,
        rule=rule,
        previous_id=ask.extends.request_id if ask.extends else None,
        extends=ask.extends,
        submitted_by=user,
        idempotency_key=ask.idempotency_key,
    )
    request.full_clean(exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False)
    insert_rows([request])  # the constraints (unique number, idempotency key) hold in the database
    history_rows_insert([request], user=user, when=now)
    return request


def _review_due(now: dt.datetime, today: dt.date) -> dt.datetime | None:
    """When staff review of a routed registration is due: the standard prior-authorization clock
    in force (dated data)."""
    clock = (
        TurnaroundClock.objects.filter(code=REVIEW_CLOCK, effective_from__lte=today)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .order_by("-effective_from")
        .first()
    )
    if clock is None:
        return None
    if clock.unit == ClockUnit.HOURS:
        return now + dt.timedelta(hours=clock.amount)
    return now + dt.timedelta(days=clock.amount)
