"""VCM writes: referral intake (form and agency API), outreach attempts, engagement.

Intake refuses, with every reason at once and nothing saved, a referral for a child of 18 or
older, with an ineligible primary problem, without the family's consent or without a caregiver to
reach; a second referral with the same agency referral id raises :class:`DuplicateReferral`
naming the existing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from authorizations.rules.clocks import local_day
from authorizations.selectors_review import business_calendar
from care import rules_vcm
from care.choices.vcm import ELIGIBILITY_MESSAGES, AttemptOutcome, VcmStatus
from care.models import (
    VcmCaregiver,
    VcmContactAttempt,
    VcmProblemCategory,
    VcmProgramRule,
    VcmReferral,
)
from members.models import Member
from providers.models import Town

NO_RULE = "No VCM program rule is in force on {day}: load fixtures/vcm_program_rules.yaml."
NO_CAREGIVER = "Give at least one caregiver with a phone number or an email address."
UNREACHABLE = "Caregiver {number} needs a phone number or an email address."
FUTURE_REFERRAL = "A referral cannot be received in the future."
UNKNOWN_PROBLEM = "Unknown problem category {code!r}."
NOT_IN_OUTREACH = "Only a referral in outreach can be engaged."
DISCHARGED = "The family has been discharged; the referral is closed."
WORK = "care.work_vcm"
SUBMIT = "care.submit_vcm_referral"
ELIGIBILITY_FIELDS = {
    "too_old": "child_birth_date",
    "not_born": "child_birth_date",
    "problem_not_eligible": "problem",
    "no_consent": "consent",
}


class DuplicateReferral(Exception):
    """The agency referral id is already known: ``existing`` is that referral."""

    def __init__(self, existing: VcmReferral) -> None:
        self.existing = existing
        super().__init__(f"Duplicate of VCM referral {existing.pk}.")


@dataclass(frozen=True)
class CaregiverData:
    first_name: str
    last_name: str
    relationship: str
    phone: str = ""
    email: str = ""
    preferred_language: str = "en"


def _require(user: Any, *perms: str) -> None:
    if not any(user.has_perm(p) for p in perms):
        raise PermissionDenied


def rule_in_force(on: dt.date) -> VcmProgramRule:
    row = (
        VcmProgramRule.objects.filter(effective_from__lte=on)
        .exclude(effective_to__lt=on)
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise ValidationError(NO_RULE.format(day=on.isoformat()))
    return row


def program_rule(row: VcmProgramRule) -> rules_vcm.ProgramRule:
    return rules_vcm.ProgramRule(
        outreach_business_days=row.outreach_business_days,
        max_outreach_attempts=row.max_outreach_attempts,
        plan_due_days=row.plan_due_days,
        max_age_years=row.max_age_years,
    )


def _matching_member(first: str, last: str, birth_date: dt.date) -> Member | None:
    """The eligibility member when exactly one has this name and date of birth."""
    found = list(
        Member.objects.filter(
            first_name__iexact=first.strip(),
            last_name__iexact=last.strip(),
            birth_date=birth_date,
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def _refusals(
    *,
    birth_date: dt.date,
    on: dt.date,
    problem: VcmProblemCategory | None,
    consent: bool,
    caregivers: Sequence[CaregiverData],
    rule: VcmProgramRule,
) -> tuple[rules_vcm.Eligibility, dict[str, list[str]]]:
    verdict = rules_vcm.referral_eligibility(
        birth_date=birth_date,
        on=on,
        problem_eligible=bool(problem and problem.eligible),
        consent=consent,
        rule=program_rule(rule),
    )
    errors: dict[str, list[str]] = {}
    for code in verdict.reasons:
        message = ELIGIBILITY_MESSAGES[code].format(
            max_age=rule.max_age_years, age=verdict.age, problem=problem.label if problem else ""
        )
        errors.setdefault(ELIGIBILITY_FIELDS[code], []).append(message)
    unreachable = [
        n for n, c in enumerate(caregivers, 1) if not (c.phone.strip() or c.email.strip())
    ]
    if len(unreachable) == len(caregivers):
        errors.setdefault("caregivers", []).append(NO_CAREGIVER)
    else:  # the model holds every caregiver to it (vcm_caregiver_reachable): say which one
        for number in unreachable:
            errors.setdefault("caregivers", []).append(UNREACHABLE.format(number=number))
    return verdict, errors


@transaction.atomic
def vcm_referral_create(
    *,
    acting_user: Any,
    agency_referral_id: str,
    received_at: dt.datetime,
    child_first_name: str,
    child_last_name: str,
    child_birth_date: dt.date,
    town: Town,
    problem_code: str,
    reason: str,
    other_insurance_explored: bool,
    consent: bool,
    caregivers: Sequence[CaregiverData],
    other_insurance_note: str = "",
) -> VcmReferral:
    """Record an eligible referral with its caregivers and start the outreach clock."""
    _require(acting_user, WORK, SUBMIT)
    existing = VcmReferral.objects.filter(agency_referral_id=agency_referral_id.strip()).first()
    if existing is not None:
        raise DuplicateReferral(existing)
    on = local_day(received_at)
    rule = rule_in_force(on)
    problem = VcmProblemCategory.objects.filter(code=problem_code).first()
    verdict, errors = _refusals(
        birth_date=child_birth_date,
        on=on,
        problem=problem,
        consent=consent,
        caregivers=caregivers,
        rule=rule,
    )
    if problem is None:
        errors.setdefault("problem", []).append(UNKNOWN_PROBLEM.format(code=problem_code))
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        errors.setdefault("received_at", []).append(FUTURE_REFERRAL)
    if errors:
        raise ValidationError(errors)
    referral = VcmReferral(
        agency_referral_id=agency_referral_id.strip(),
        received_at=received_at,
        child_first_name=child_first_name.strip(),
        child_last_name=child_last_name.strip(),
        child_birth_date=child_birth_date,
        member=_matching_member(child_first_name, child_last_name, child_birth_date),
        town=town,
        region_id=town.region_id,
        problem=problem,
        reason=reason,
        other_insurance_explored=other_insurance_explored,
        other_insurance_note=other_insurance_note,
        consent=consent,
        eligibility=verdict.as_record(),
        rule=rule,
        first_attempt_due=rules_vcm.first_attempt_due(on, program_rule(rule), business_calendar()),
        created_by=acting_user,
        coordinator=acting_user if acting_user.has_perm(WORK) else None,
    )
    referral.full_clean()
    referral._change_reason = "VCM referral received"  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError as exc:  # a concurrent duplicate won the race
        raise DuplicateReferral(
            VcmReferral.objects.get(agency_referral_id=referral.agency_referral_id)
        ) from exc
    for number, given in enumerate(caregivers):
        caregiver = VcmCaregiver(referral=referral, **given.__dict__)
        caregiver.primary = number == 0  # the first named is the one outreach calls first
        caregiver.full_clean()
        caregiver.save()
    return referral


def _open(referral: VcmReferral) -> None:
    if referral.status == VcmStatus.DISCHARGED:
        raise ValidationError(DISCHARGED)


@transaction.atomic
def vcm_attempt_log(
    *,
    acting_user: Any,
    referral: VcmReferral,
    occurred_at: dt.datetime,
    channel: str,
    outcome: str,
    note: str = "",
) -> VcmContactAttempt:
    """Log a contact attempt with the family (channel and outcome)."""
    _require(acting_user, WORK)
    _open(referral)
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "A contact attempt cannot be in the future."})
    if occurred_at < referral.received_at:
        raise ValidationError({"occurred_at": "A contact attempt cannot come before the referral."})
    attempt = VcmContactAttempt(
        referral=referral,
        occurred_at=occurred_at,
        channel=channel,
        outcome=outcome,
        note=note,
        author=acting_user,
    )
    attempt.full_clean()
    attempt.save()
    return attempt


def attempts_not_reached(referral: VcmReferral) -> int:
    return referral.attempts.exclude(outcome=AttemptOutcome.REACHED).count()


@transaction.atomic
def vcm_referral_engage(*, acting_user: Any, referral: VcmReferral, on: dt.date) -> VcmReferral:
    """The family agreed to work with VCM on ``on``: start the plan clock."""
    _require(acting_user, WORK)
    referral = VcmReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != VcmStatus.OUTREACH:
        raise ValidationError(NOT_IN_OUTREACH)
    if on < local_day(referral.received_at):
        raise ValidationError({"on": "Engagement cannot come before the referral."})
    referral.status = VcmStatus.ENGAGED
    referral.engaged_on = on
    referral.plan_due = rules_vcm.plan_due(on, program_rule(referral.rule))
    referral.coordinator = referral.coordinator or acting_user
    referral.full_clean()
    referral._change_reason = "Family engaged"  # type: ignore[attr-defined]
    referral.save()
    return referral
