"""Intake of prior-authorization requests: a care manager's phone intake, a provider's web form, the API.

One service for every channel, so each gives the same answer. The request is recorded with its
structured review data, its urgency (and who set it), its decision deadline from the dated clock rows,
and the administrative gates (eligibility, program, site offering, age, DCF approval, Part 2) checked
and stored for the reviewer to see: a failed gate does not refuse a clinical request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from authorizations.choices import (
    AuthorizationStatus,
    Channel,
    RequestKind,
    RequestStatus,
    ReviewPath,
    Urgency,
)
from authorizations.choices_review import ReviewEvent
from authorizations.diagnoses import diagnosis_problems, normalize
from authorizations.models import Authorization, Request
from authorizations.numbers import next_number
from authorizations.rules import clocks
from authorizations.rules.clinical import clinical_clean
from authorizations.rules.review import GateInput, age_on, intake_gates
from authorizations.selectors import rule_in_force
from authorizations.selectors_review import clock_row_id, clocks_all
from authorizations.services.events import event_record
from members.models import Member
from members.selectors import spans_covering
from providers.models import LevelOfCare, ServiceOffering, Site
from providers.selectors import access_site

NO_RULE = "No authorization rule is in force for this level of care on the start date."
REGISTRATION_PATH = (
    "This level of care is registered online, not reviewed: use the registration form."
)
URGENT_CONCURRENT_ONLY = "Urgent concurrent applies to continued-stay reviews only."
UNITS_OVER_RULE = "At most {most} units can be requested at once for this level of care."
END_BEFORE_START = "The requested end date is before the start date."
DAYS_OVER_SPAN = "{units} days do not fit between the requested start and end ({days} days)."
PHONE_STAFF_ONLY = "Phone intake is taken by ASO clinical staff."
NOT_EXTENDABLE = (
    "Only an active authorization of this member, site and level of care can be continued."
)


def _rule_checks(*, level: LevelOfCare, start: dt.date, kind: str, urgency: str) -> Any:
    errors: dict[str, list[str]] = {}
    rule = rule_in_force(level_of_care=level.pk, on=start)
    if rule is None:
        errors["level_of_care"] = [NO_RULE]
    elif rule.review_path != ReviewPath.PRIOR_AUTH:
        errors["level_of_care"] = [REGISTRATION_PATH]
    if urgency == Urgency.URGENT_CONCURRENT and kind != RequestKind.CONCURRENT:
        errors["urgency"] = [URGENT_CONCURRENT_ONLY]
    elif urgency not in Urgency.values:
        errors["urgency"] = [f"Choose an urgency: {', '.join(Urgency.values)}."]
    return rule, errors


def intake_gate_rows(
    *, member: Member, site: Site, level: LevelOfCare, rule: Any, start: dt.date, clinical: Mapping
) -> list[dict[str, Any]]:
    """The administrative gates of a request, as stored on it for the reviewer to see."""
    programs = tuple(s.program.code for s in spans_covering(member_id=member.pk, on=start))
    age = age_on(member.birth_date, start)
    offerings = ServiceOffering.objects.filter(
        site=site, level_of_care=level, effective_from__lte=start
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start))
    given = GateInput(
        eligible_on_start=bool(programs),
        member_programs=programs,
        rule_programs=tuple(rule.programs or ()),
        site_offers_level=offerings.exists(),
        offering_ages_fit=offerings.filter(min_age__lte=age, max_age__gte=age).exists(),
        member_age=age,
        rule_min_age=rule.min_age,
        rule_max_age=rule.max_age,
        dcf_approval_required=rule.dcf_approval_required,
        dcf_approval_reference=str(clinical.get("dcf_approval_reference", "")),
        substance_use=level.substance_use,
    )
    return [asdict(g) for g in intake_gates(given)]


def _continuation_problems(
    extends: Authorization, member: Member, site: Site, level: LevelOfCare, received: dt.datetime
) -> dict[str, list[str]]:
    """A concurrent review continues an active authorization of the same member, site and level,
    and arrives in the window before it expires (acute care: at least 4 hours before; other
    levels: no earlier than 48 hours before; clock rows)."""
    same_stay = (extends.member_id, extends.site_id, extends.level_of_care_id) == (
        member.pk,
        site.pk,
        level.pk,
    )
    if extends.status != AuthorizationStatus.ACTIVE or not same_stay:
        return {"extends": [NOT_EXTENDABLE]}
    window = clocks.concurrent_window(
        end=extends.end,
        acute=level.category == "acute",
        clocks=clocks_all(),
        on=clocks.local_day(received),
    )
    message = window.problem(received)
    return {"extends": [message]} if message else {}


def _default_end(rule: Any, kind: str, start: dt.date, units: int) -> dt.date:
    """The rule's span (initial, or the concurrent interval), long enough for the days asked for."""
    span = (rule.concurrent_interval_days if kind == RequestKind.CONCURRENT else None) or (
        rule.initial_days
    )
    if rule.unit_type == "day":
        span = max(span, units)
    return start + dt.timedelta(days=span - 1)


def _span_problems(rule: Any, start: dt.date, end: dt.date, units: int) -> dict[str, list[str]]:
    errors = {}
    if units > rule.max_units:
        errors["requested_units"] = [UNITS_OVER_RULE.format(most=rule.max_units)]
    if end < start:
        errors["requested_end"] = [END_BEFORE_START]
    elif rule.unit_type == "day" and units > (end - start).days + 1:
        errors["requested_units"] = [
            DAYS_OVER_SPAN.format(units=units, days=(end - start).days + 1)
        ]
    return errors


def _check_submitter(acting_user: Any, site: Site, channel: str) -> None:
    """Providers request for their own sites (404 for another's); phone intake is ASO staff's."""
    if not acting_user.has_perm("authorizations.submit_prior_auth"):
        raise PermissionDenied("You may not request prior authorization.")
    access_site(user=acting_user, pk=site.pk)
    if channel == Channel.PHONE and not acting_user.has_perm("authorizations.review_request"):
        raise PermissionDenied(PHONE_STAFF_ONLY)


def _earlier(acting_user: Any, idempotency_key: str | None) -> Request | None:
    """The request this person already sent with this idempotency key (a retried API call)."""
    if not idempotency_key:
        return None
    return Request.objects.filter(submitted_by=acting_user, idempotency_key=idempotency_key).first()


@transaction.atomic
def prior_auth_submit(
    *,
    acting_user: Any,
    member: Member,
    site: Site,
    level_of_care: LevelOfCare,
    urgency: str,
    channel: str,
    requested_start: dt.date,
    diagnoses: Sequence[str],
    clinical: Mapping[str, object],
    requested_units: int | None = None,
    requested_end: dt.date | None = None,
    extends: Authorization | None = None,
    received_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Request:
    """Record a prior-authorization request (initial, or a concurrent review of `extends`) from any
    channel. Refuses bad input with every field's problem at once; nothing is half-saved."""
    _check_submitter(acting_user, site, channel)
    earlier = _earlier(acting_user, idempotency_key)
    if earlier is not None:
        return earlier
    received = clocks.require_aware(received_at or timezone.now())
    kind = RequestKind.CONCURRENT if extends is not None else RequestKind.INITIAL
    if extends is not None:
        requested_start = extends.end + dt.timedelta(days=1)
    rule, errors = _rule_checks(
        level=level_of_care, start=requested_start, kind=kind, urgency=urgency
    )
    codes = [normalize(c) for c in diagnoses if c.strip()]
    if problems := diagnosis_problems(codes):
        errors["diagnoses"] = problems
    cleaned, clinical_errors = clinical_clean(
        clinical, concurrent=kind == RequestKind.CONCURRENT, start=requested_start
    )
    errors |= {name: [message] for name, message in clinical_errors.items()}
    if rule is not None and "level_of_care" not in errors:
        requested_units = requested_units or rule.initial_units
        requested_end = requested_end or _default_end(rule, kind, requested_start, requested_units)
        errors |= _span_problems(rule, requested_start, requested_end, requested_units)
    if extends is not None:
        errors |= _continuation_problems(extends, member, site, level_of_care, received)
    if errors:
        raise ValidationError(errors)
    return _create(
        acting_user=acting_user,
        member=member,
        site=site,
        level=level_of_care,
        rule=rule,
        kind=kind,
        channel=channel,
        urgency=urgency,
        received=received,
        start=requested_start,
        end=requested_end,
        units=requested_units,
        diagnoses=codes,
        clinical=cleaned,
        extends=extends,
        idempotency_key=idempotency_key,
    )


def _create(
    *, acting_user: Any, member: Member, site: Site, level: LevelOfCare, rule: Any, **data: Any
) -> Request:
    received = data["received"]
    due = clocks.decision_deadline(received, data["urgency"], clocks_all())
    extends = data["extends"]
    request = Request(
        number=next_number("R", on=clocks.local_day(received)),
        member=member,
        site=site,
        level_of_care=level,
        kind=data["kind"],
        channel=data["channel"],
        review_path=ReviewPath.PRIOR_AUTH,
        urgency=data["urgency"],
        urgency_set_by=acting_user,
        urgency_set_at=received,
        received_at=received,
        due_at=due.due_at,
        due_clock_id=clock_row_id(due),
        requested_start=data["start"],
        requested_end=data["end"],
        requested_units=data["units"],
        diagnoses=data["diagnoses"],
        clinical=data["clinical"],
        gates=intake_gate_rows(
            member=member,
            site=site,
            level=level,
            rule=rule,
            start=data["start"],
            clinical=data["clinical"],
        ),
        status=RequestStatus.SUBMITTED,
        rule=rule,
        extends=extends,
        previous=extends.request if extends is not None else None,
        submitted_by=acting_user,
        idempotency_key=data["idempotency_key"],
    )
    request.full_clean()
    request.save()
    failed = [g["code"] for g in request.gates if not g["passed"]]
    event_record(
        request=request,
        kind=ReviewEvent.SUBMITTED,
        actor=acting_user,
        to_status=request.status,
        detail={"channel": request.channel, "urgency": request.urgency, "gates_failed": failed},
    )
    return request
