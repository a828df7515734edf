"""Registration rules: whether a provider may register a service without clinical review.

A registration is approved at once when every rule holds: a registration-path rule is in force for the
level of care on the start date, the member is covered on that date (by a program the rule allows), the
site is contracted for the level on that date and for the member's age, the member's age is within the
rule's limits, a DCF-certified provider gives DCF-gated services, the units are within the rule's maximum,
the start is not further in the past than the rule allows, and no active authorization (or request
waiting for review) of the same member, provider and level of care covers the same dates. Otherwise the
answer lists *every* rule that fails, each with its code and a plain-language message.

A rule with `auto_approve` off (psychological testing) or a DCF approval gate sends a registration that
passes every check to staff review instead of approving it.

Pure functions over plain values: no ORM, no clock. Callers pass today's date and the rule in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from authorizations.choices import RefusalCode

REGISTRATION_PATH = "registration"

# Plain-language messages; module constants so tests and screens can rely on them.
NO_RULE_MESSAGE = (
    "{level} cannot be registered for a start on {start}: no registration rule is in force then."
)
NEEDS_REVIEW_MESSAGE = (
    "{level} needs prior authorization with a clinical review for a start on {start}; "
    "request a prior authorization instead of a registration."
)
NOT_ELIGIBLE_MESSAGE = "The member has no coverage on the start date ({start})."
PROGRAM_MESSAGE = "The member's coverage on {start} ({programs}) does not include {level}."
NOT_OFFERED_MESSAGE = "This site is not contracted for {level} on {start}."
RULE_AGE_MESSAGE = "{level} is for members aged {ages}; the member is {age} on {start}."
SITE_AGE_MESSAGE = (
    "This site is contracted for {level} for members aged {ages}; the member is {age} on {start}."
)
DCF_MESSAGE = "{level} can only be registered by a DCF-certified provider."
UNITS_MESSAGE = "At most {most} {unit} can be registered at once; {asked} were asked for."
BACKDATED_MESSAGE = (
    "The start date {start} is {days} days in the past; {level} must be registered within "
    "{allowed} days of the start."
)
OVERLAP_MESSAGE = (
    "These dates are already covered for this member, provider and level of care by {numbers}."
)

# Extension problems are bad input (nothing is recorded), not refusals.
EXTENSION_NOT_ACTIVE = "Only an active authorization can be extended; this one is {status}."
EXTENSION_START_TOO_EARLY = (
    "An extension must start after the current authorization starts ({start})."
)
EXTENSION_START_GAP = (
    "An extension must start by the day after the current authorization ends ({next_day}); "
    "register a new service for a later start."
)

UNIT_WORDS = {
    "day": ("day", "days"),
    "visit": ("visit", "visits"),
    "week": ("week", "weeks"),
    "stay": ("stay", "stays"),
    "unit15": ("15-minute unit", "15-minute units"),
    "test": ("test", "tests"),
}

# Which form field each refusal is about: the web form and the API put the message beside it.
REFUSAL_FIELDS: dict[str, str] = {
    RefusalCode.NO_RULE: "level_of_care",
    RefusalCode.NEEDS_REVIEW: "level_of_care",
    RefusalCode.NOT_ELIGIBLE: "start",
    RefusalCode.PROGRAM_NOT_COVERED: "member",
    RefusalCode.NOT_OFFERED: "site",
    RefusalCode.AGE_OUT_OF_RANGE: "member",
    RefusalCode.DCF_CERTIFICATION: "site",
    RefusalCode.TOO_MANY_UNITS: "units",
    RefusalCode.BACKDATED: "start",
    RefusalCode.OVERLAP: "start",
}


class Outcome(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"
    REVIEW = "review"  # passes the rules, but the rule routes it to staff review


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str

    @property
    def field(self) -> str:
        return REFUSAL_FIELDS.get(self.code, "")

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True)
class RuleTerms:
    """The authorization rule in force, as plain values (see AuthorizationRule)."""

    id: int
    level_name: str
    effective_from: dt.date
    review_path: str
    auto_approve: bool
    unit_type: str
    initial_units: int
    initial_days: int
    max_units: int
    min_age: int | None = None
    max_age: int | None = None
    programs: tuple[str, ...] = ()
    dcf_approval_required: bool = False
    dcf_certified_provider_required: bool = False
    max_backdate_days: int = 0


@dataclass(frozen=True)
class AgeRange:
    low: int
    high: int


@dataclass(frozen=True)
class RegistrationFacts:
    """What the rules need to know about one registration, gathered by the service."""

    level_name: str
    start: dt.date
    today: dt.date
    birth_date: dt.date
    units: int | None  # None: the rule's initial units
    programs_on_start: tuple[str, ...]  # program codes covering the member on the start date
    offering_ages: tuple[AgeRange, ...]  # ranges contracted on the start date; none: not offered
    provider_dcf_certified: bool
    overlapping: tuple[str, ...] = ()  # numbers of authorizations / open requests on these dates


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    units: int | None
    start: dt.date
    end: dt.date | None
    refusals: tuple[Refusal, ...]
    rule_id: int | None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.refusals)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on a day (a birthday on Feb 29 counts from Mar 1 in other years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def authorization_end(start: dt.date, days: int) -> dt.date:
    """Last day of an authorization of `days` days starting on `start` (both days included)."""
    if days < 1:
        raise ValueError("An authorization lasts at least one day.")
    return start + dt.timedelta(days=days - 1)


def registration_span(start: dt.date, rule: RuleTerms | None) -> tuple[dt.date, dt.date]:
    """The dates a registration would cover: the rule's initial span, or the start day alone when no
    rule is in force (enough to look for overlaps)."""
    return start, authorization_end(start, rule.initial_days if rule else 1)


def in_network_on(
    *,
    site_active: bool,
    provider_status: str,
    provider_effective: dt.date,
    provider_termination: dt.date | None,
    day: dt.date,
) -> bool:
    """Whether a site can be contracted for anything on a day: the site is active and its provider
    active, enrolled by then and not terminated before it."""
    return (
        site_active
        and provider_status == "active"
        and provider_effective <= day
        and (provider_termination is None or day <= provider_termination)
    )


def units_word(unit_type: str, count: int = 2) -> str:
    singular, plural = UNIT_WORDS.get(unit_type, (unit_type, unit_type))
    return singular if count == 1 else plural


def decide_registration(facts: RegistrationFacts, rule: RuleTerms | None) -> Verdict:
    """Approve when every registration rule holds; otherwise list every rule that fails."""
    units = facts.units if facts.units is not None else (rule.initial_units if rule else None)
    refusals = _unique_codes(r for r in _checks(facts, rule, units) if r is not None)
    start, end = registration_span(facts.start, rule)
    if refusals or rule is None:
        outcome = Outcome.REFUSE
    elif not rule.auto_approve or rule.dcf_approval_required:
        outcome = Outcome.REVIEW
    else:
        outcome = Outcome.APPROVE
    return Verdict(
        outcome=outcome,
        units=units,
        start=start,
        end=end if rule is not None else None,
        refusals=refusals,
        rule_id=rule.id if rule else None,
    )


def _checks(
    facts: RegistrationFacts, rule: RuleTerms | None, units: int | None
) -> Iterator[Refusal | None]:
    level, start = facts.level_name, facts.start.isoformat()
    if rule is None:
        yield Refusal(RefusalCode.NO_RULE, NO_RULE_MESSAGE.format(level=level, start=start))
    else:
        yield _refuse_if(
            rule.review_path != REGISTRATION_PATH,
            RefusalCode.NEEDS_REVIEW,
            NEEDS_REVIEW_MESSAGE.format(level=level, start=start),
        )
    yield from _coverage_checks(facts, rule)
    if rule is not None:
        yield from _rule_checks(facts, rule, units)
    yield _refuse_if(
        bool(facts.overlapping),
        RefusalCode.OVERLAP,
        OVERLAP_MESSAGE.format(numbers=", ".join(facts.overlapping)),
    )


def _coverage_checks(facts: RegistrationFacts, rule: RuleTerms | None) -> Iterator[Refusal | None]:
    """The member's coverage and the site's contract on the start date."""
    level, start = facts.level_name, facts.start.isoformat()
    yield _refuse_if(
        not facts.programs_on_start,
        RefusalCode.NOT_ELIGIBLE,
        NOT_ELIGIBLE_MESSAGE.format(start=start),
    )
    if rule is not None and rule.programs and facts.programs_on_start:
        yield _refuse_if(
            not set(rule.programs) & set(facts.programs_on_start),
            RefusalCode.PROGRAM_NOT_COVERED,
            PROGRAM_MESSAGE.format(
                start=start, programs=", ".join(facts.programs_on_start), level=level
            ),
        )
    yield _refuse_if(
        not facts.offering_ages,
        RefusalCode.NOT_OFFERED,
        NOT_OFFERED_MESSAGE.format(level=level, start=start),
    )


def _rule_checks(
    facts: RegistrationFacts, rule: RuleTerms, units: int | None
) -> Iterator[Refusal | None]:
    """Age, DCF certification, units and backdating against the rule in force."""
    level, start = facts.level_name, facts.start.isoformat()
    age = age_on(facts.birth_date, facts.start)
    low, high = rule.min_age or 0, rule.max_age if rule.max_age is not None else 200
    yield _refuse_if(
        not low <= age <= high,
        RefusalCode.AGE_OUT_OF_RANGE,
        RULE_AGE_MESSAGE.format(level=level, ages=_ages(low, high), age=age, start=start),
    )
    ranges = facts.offering_ages
    yield _refuse_if(
        bool(ranges) and not any(r.low <= age <= r.high for r in ranges),
        RefusalCode.AGE_OUT_OF_RANGE,
        SITE_AGE_MESSAGE.format(
            level=level,
            ages=" or ".join(_ages(r.low, r.high) for r in ranges),
            age=age,
            start=start,
        ),
    )
    yield _refuse_if(
        rule.dcf_certified_provider_required and not facts.provider_dcf_certified,
        RefusalCode.DCF_CERTIFICATION,
        DCF_MESSAGE.format(level=level),
    )
    yield _refuse_if(
        units is not None and units > rule.max_units,
        RefusalCode.TOO_MANY_UNITS,
        UNITS_MESSAGE.format(most=rule.max_units, unit=units_word(rule.unit_type), asked=units),
    )
    days_back = (facts.today - facts.start).days
    yield _refuse_if(
        days_back > rule.max_backdate_days,
        RefusalCode.BACKDATED,
        BACKDATED_MESSAGE.format(
            start=start, days=days_back, level=level, allowed=rule.max_backdate_days
        ),
    )


def extension_problems(
    *, status: str, current_start: dt.date, current_end: dt.date, start: dt.date
) -> list[str]:
    """Why an extension of an authorization cannot even be asked for (bad input, nothing recorded).

    An extension continues an active authorization: it starts after the current one starts and no later
    than the day after it ends. Starting inside the current span ends the current one the day before.
    """
    problems = []
    if status != "active":
        problems.append(EXTENSION_NOT_ACTIVE.format(status=status))
    if start <= current_start:
        problems.append(EXTENSION_START_TOO_EARLY.format(start=current_start.isoformat()))
    next_day = current_end + dt.timedelta(days=1)
    if start > next_day:
        problems.append(EXTENSION_START_GAP.format(next_day=next_day.isoformat()))
    return problems


def extension_default_start(current_end: dt.date) -> dt.date:
    """An extension starts, unless asked otherwise, the day after the current authorization ends."""
    return current_end + dt.timedelta(days=1)


def _ages(low: int, high: int) -> str:
    if high >= 120:
        return f"{low} and over"
    if low == 0:
        return f"up to {high}"
    return f"{low} to {high}"


def _refuse_if(failed: bool, code: str, message: str) -> Refusal | None:
    return Refusal(code, message) if failed else None


def _unique_codes(refusals: Iterator[Refusal]) -> tuple[Refusal, ...]:
    """One refusal per code (the first), in the order the checks ran."""
    seen: dict[str, Refusal] = {}
    for refusal in refusals:
        seen.setdefault(refusal.code, refusal)
    return tuple(seen.values())
