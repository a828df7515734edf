"""Clinical review rules: intake gates, the structured review data, the criteria checklist, and who may
decide what with which reasons. Pure: callers pass the rule rows, criteria and facts they read.

Domain (shared/domain/README.md sections 3 and 5):
- eligibility, site offering, age and DCF gates are checked at intake and shown to the reviewer; they do
  not refuse a clinical request on their own;
- only a physician advisor may deny or approve less than requested; care managers approve when the
  criteria are met, pend for information, or refer;
- every denial or partial approval names a reason code, the criterion not met and a specific
  plain-language explanation; generic text is refused;
- a member under 21 is denied only if the request fails both medical necessity and EPSDT review.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from authorizations.rules.clocks import format_local, utc

# -- intake gates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """One administrative check shown to the reviewer: passed or not, and why."""

    code: str
    passed: bool
    message: str


@dataclass(frozen=True)
class GateInput:
    eligible_on_start: bool
    member_programs: tuple[str, ...]  # program codes covering the start date
    rule_programs: tuple[str, ...]  # programs the rule allows; empty = all
    site_offers_level: bool
    offering_ages_fit: bool
    member_age: int
    rule_min_age: int | None
    rule_max_age: int | None
    dcf_approval_required: bool
    dcf_approval_reference: str
    substance_use: bool


def intake_gates(given: GateInput) -> tuple[Gate, ...]:
    """Every gate of a prior-authorization request, passed or not, for the reviewer to see."""
    programs = ", ".join(given.member_programs) or "none"
    allowed = not given.rule_programs or bool(set(given.member_programs) & set(given.rule_programs))
    ages = _age_range(given.rule_min_age, given.rule_max_age)
    gates = [
        Gate(
            "ELIGIBLE",
            given.eligible_on_start,
            f"Eligible on the start date ({programs})."
            if given.eligible_on_start
            else "Not eligible on the start date: no coverage span covers it.",
        ),
        Gate(
            "PROGRAM",
            allowed,
            "The member's program covers this level of care."
            if allowed
            else f"The member's program ({programs}) does not cover this level of care.",
        ),
        Gate(
            "SITE_OFFERS",
            given.site_offers_level and given.offering_ages_fit,
            "The site is contracted for this level of care for the member's age."
            if given.site_offers_level and given.offering_ages_fit
            else (
                "The site is contracted for this level of care, but not for the member's age."
                if given.site_offers_level
                else "The site is not contracted for this level of care on the start date."
            ),
        ),
        Gate(
            "AGE",
            _age_fits(given.member_age, given.rule_min_age, given.rule_max_age),
            f"Age {given.member_age} on the start date ({ages}).",
        ),
    ]
    if given.dcf_approval_required:
        reference = given.dcf_approval_reference.strip()
        gates.append(
            Gate(
                "DCF_APPROVAL",
                bool(reference),
                f"DCF approval recorded: {reference}."
                if reference
                else "This level of care needs DCF approval: none is recorded yet.",
            )
        )
    if given.substance_use:
        gates.append(
            Gate(
                "PART2",
                True,
                "Substance-use record (42 CFR Part 2): disclose only with the member's consent, "
                "with the redisclosure notice.",
            )
        )
    return tuple(gates)


def _age_fits(age: int, low: int | None, high: int | None) -> bool:
    return (low is None or age >= low) and (high is None or age <= high)


def _age_range(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "no age limit"
    if low is None:
        return f"up to {high}"
    if high is None:
        return f"{low} and older"
    return f"{low} to {high}"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on a day."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


# -- criteria checklist ---------------------------------------------------------------------------

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ANSWERS = (MET, NOT_MET, UNKNOWN)


@dataclass(frozen=True)
class Criterion:
    id: int
    code: str
    group: str
    text: str


@dataclass(frozen=True)
class ChecklistVerdict:
    """`result` is met (every group has a criterion met), not_met (some group has every criterion not
    met) or incomplete (otherwise)."""

    result: str
    groups_met: tuple[str, ...]
    groups_not_met: tuple[str, ...]
    not_met_codes: frozenset[str] = field(default_factory=frozenset)


def checklist_evaluate(
    criteria: Sequence[Criterion], answers: Mapping[str, str]
) -> ChecklistVerdict:
    """Criteria of one group are alternatives; every group must be met. Missing answers are unknown."""
    groups: dict[str, list[str]] = {}
    for criterion in criteria:
        groups.setdefault(criterion.group, []).append(answers.get(criterion.code, UNKNOWN))
    met = tuple(g for g, found in groups.items() if MET in found)
    failed = tuple(g for g, found in groups.items() if found and all(a == NOT_MET for a in found))
    not_met_codes = frozenset(c.code for c in criteria if answers.get(c.code) == NOT_MET)
    if len(met) == len(groups):
        result = "met"
    elif failed:
        result = "not_met"
    else:
        result = "incomplete"
    return ChecklistVerdict(result, met, failed, not_met_codes)


# -- decisions ------------------------------------------------------------------------------------

APPROVE, PARTIAL, DENY = "approve", "partial", "deny"
ADVERSE = (PARTIAL, DENY)
EXPLANATION_MIN_LENGTH = 50
EPSDT_NOTE_MIN_LENGTH = 30
SPECIFIC_WORDS_MIN = 6
EPSDT_AGE_LIMIT = 21  # EPSDT covers members under 21 (42 U.S.C. 1396d(r))
# Phrases that say nothing about this member; an explanation made only of these is generic.
GENERIC_PHRASES = (
    "not medically necessary",
    "medically unnecessary",
    "does not meet medical necessity",
    "does not meet criteria",
    "did not meet criteria",
    "criteria not met",
    "not meet the criteria",
    "request denied",
    "denied",
    "not approved",
    "see notes",
    "see chart",
    "per guidelines",
    "per policy",
    "insufficient information",
    "lower level of care",
    "n/a",
)

NOT_AUTHORIZED_ADVERSE = (
    "Only a physician advisor may deny a request or approve less than requested: refer it to a "
    "physician advisor instead."
)
PARTIAL_IS_ADVERSE = (
    "Approving fewer units or a shorter period than requested is a partial denial: only a physician "
    "advisor may do it. Approve what was requested, or refer the request."
)
CRITERIA_NOT_MET_FOR_APPROVAL = (
    "The checklist does not show every criteria group met: a care manager approves only when the "
    "criteria are met. Complete the checklist or refer the request to a physician advisor."
)
REASON_REQUIRED = "Choose the reason code for this decision."
REASON_NOT_CLINICAL = "Use a medical-necessity reason code for a clinical decision."
CRITERION_REQUIRED = "Name the criterion that is not met."
CRITERION_UNKNOWN = "This criterion is not one of this level of care's criteria in force."
CRITERION_NOT_MARKED = (
    "The criterion named is not marked 'not met' in the checklist: the checklist and the decision "
    "must agree."
)
EXPLANATION_SHORT = (
    "Explain in plain language, in at least {least} characters, what in this member's situation does "
    "not meet the criterion."
)
EXPLANATION_GENERIC = (
    "This explanation is generic. Say what about this member does not meet the criterion (for "
    "example: 'No suicidal thoughts since admission and the member is eating and sleeping')."
)
EXPLANATION_REPEATS = (
    "The explanation only repeats the reason or the criterion: add what about this member does not "
    "meet it."
)
EPSDT_REQUIRED = "The member is under 21: record the EPSDT review before an adverse decision."
EPSDT_MET_NO_DENIAL = (
    "Under EPSDT the service is necessary for this member under 21, so it cannot be denied: a "
    "member under 21 is denied only when both medical necessity and EPSDT review fail."
)
EPSDT_NOTE_SHORT = "Explain the EPSDT finding in at least {least} characters."
START_BEFORE_REQUEST = "The approved start is before the requested start ({start})."
END_AFTER_REQUEST = "The approved end is after the requested end ({end})."
END_BEFORE_START = "The approved end is before the approved start."
UNITS_REQUIRED = "Give the number of units approved (at least 1)."
UNITS_OVER_REQUEST = "More units than requested ({units}) cannot be approved."
UNITS_OVER_RULE = "At most {most} units can be approved at once for this level of care."
UNITS_OVER_DAYS = "{units} days do not fit between the approved start and end ({days} days)."


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


def problems_by_field(problems: Sequence[FieldProblem]) -> dict[str, list[str]]:
    """Problems as {field: [messages]}, the shape of a form's (and ValidationError's) errors."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
    return errors


@dataclass(frozen=True)
class DecisionInput:
    outcome: str  # approve | partial | deny
    may_decide_adverse: bool
    checklist: ChecklistVerdict
    requested_start: dt.date
    requested_end: dt.date
    requested_units: int
    rule_max_units: int
    unit_is_day: bool
    start: dt.date | None = None
    end: dt.date | None = None
    units: int | None = None
    reason_code: str = ""
    reason_is_clinical: bool = False
    criterion_code: str = ""
    criterion_codes: frozenset[str] = frozenset()
    criterion_texts: tuple[str, ...] = ()
    reason_label: str = ""
    explanation: str = ""
    member_age: int = 99
    epsdt_finding: str = ""
    epsdt_note: str = ""


@dataclass(frozen=True)
class DecisionVerdict:
    outcome: str  # the effective outcome: an approval for less than requested is partial
    problems: tuple[FieldProblem, ...]

    @property
    def allowed(self) -> bool:
        return not self.problems


def decision_check(given: DecisionInput) -> DecisionVerdict:
    """Whether this person may make this decision with these dates, units and reasons; every problem."""
    problems: list[FieldProblem] = []
    outcome = given.outcome
    if outcome in (APPROVE, PARTIAL):
        problems += _approval_problems(given)
        if outcome == APPROVE and not problems and _less_than_requested(given):
            outcome = PARTIAL
            if not given.may_decide_adverse:
                return DecisionVerdict(PARTIAL, (FieldProblem("outcome", PARTIAL_IS_ADVERSE),))
    if outcome in ADVERSE:
        if not given.may_decide_adverse:
            return DecisionVerdict(outcome, (FieldProblem("outcome", NOT_AUTHORIZED_ADVERSE),))
        problems += _reason_problems(given)
        problems += _epsdt_problems(given)
    elif outcome == APPROVE and not given.may_decide_adverse and given.checklist.result != "met":
        problems.append(FieldProblem("checklist", CRITERIA_NOT_MET_FOR_APPROVAL))
    return DecisionVerdict(outcome, tuple(problems))


def _less_than_requested(given: DecisionInput) -> bool:
    assert given.start and given.end and given.units is not None
    return (
        given.units < given.requested_units
        or given.start > given.requested_start
        or given.end < given.requested_end
    )


def _approval_problems(given: DecisionInput) -> list[FieldProblem]:
    problems = []
    if given.start is None or given.end is None:
        problems.append(FieldProblem("start", "Give the approved start and end dates."))
        return problems
    if given.start < given.requested_start:
        problems.append(
            FieldProblem("start", START_BEFORE_REQUEST.format(start=given.requested_start))
        )
    if given.end > given.requested_end:
        problems.append(FieldProblem("end", END_AFTER_REQUEST.format(end=given.requested_end)))
    if given.end < given.start:
        problems.append(FieldProblem("end", END_BEFORE_START))
    units = given.units
    if units is None or units < 1:
        problems.append(FieldProblem("units", UNITS_REQUIRED))
        return problems
    if units > given.requested_units:
        problems.append(
            FieldProblem("units", UNITS_OVER_REQUEST.format(units=given.requested_units))
        )
    if units > given.rule_max_units:
        problems.append(FieldProblem("units", UNITS_OVER_RULE.format(most=given.rule_max_units)))
    days = (given.end - given.start).days + 1
    if given.unit_is_day and given.end >= given.start and units > days:
        problems.append(FieldProblem("units", UNITS_OVER_DAYS.format(units=units, days=days)))
    if given.outcome == PARTIAL and not problems and not _less_than_requested(given):
        problems.append(
            FieldProblem("units", "A partial approval approves less than was requested.")
        )
    return problems


def _reason_problems(given: DecisionInput) -> list[FieldProblem]:
    problems = []
    if not given.reason_code:
        problems.append(FieldProblem("reason_code", REASON_REQUIRED))
    elif not given.reason_is_clinical:
        problems.append(FieldProblem("reason_code", REASON_NOT_CLINICAL))
    if not given.criterion_code:
        problems.append(FieldProblem("criterion_code", CRITERION_REQUIRED))
    elif given.criterion_code not in given.criterion_codes:
        problems.append(FieldProblem("criterion_code", CRITERION_UNKNOWN))
    elif given.criterion_code not in given.checklist.not_met_codes:
        problems.append(FieldProblem("criterion_code", CRITERION_NOT_MARKED))
    problem = explanation_problem(
        given.explanation, repeats=(given.reason_label, *given.criterion_texts)
    )
    if problem:
        problems.append(FieldProblem("explanation", problem))
    return problems


def _epsdt_problems(given: DecisionInput) -> list[FieldProblem]:
    if given.member_age >= EPSDT_AGE_LIMIT:
        return []
    if given.epsdt_finding == "met":
        return [FieldProblem("epsdt_finding", EPSDT_MET_NO_DENIAL)]
    if given.epsdt_finding != "not_met":
        return [FieldProblem("epsdt_finding", EPSDT_REQUIRED)]
    if len(given.epsdt_note.strip()) < EPSDT_NOTE_MIN_LENGTH:
        return [FieldProblem("epsdt_note", EPSDT_NOTE_SHORT.format(least=EPSDT_NOTE_MIN_LENGTH))]
    return []


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9/ ]+", " ", text.lower()).strip()


def explanation_problem(
    text: str, *, repeats: Sequence[str] = (), least: int = EXPLANATION_MIN_LENGTH
) -> str | None:
    """Why an explanation is not specific enough, or None: long enough, not made of stock phrases,
    not only a copy of the reason or the criterion."""
    if len(text.strip()) < least:
        return EXPLANATION_SHORT.format(least=least)
    normalized = " ".join(_normalized(text).split())
    if any(normalized == " ".join(_normalized(r).split()) for r in repeats if r):
        return EXPLANATION_REPEATS
    rest = normalized
    for phrase in GENERIC_PHRASES:
        rest = rest.replace(phrase, " ")
    for copied in repeats:
        if copied:
            rest = rest.replace(" ".join(_normalized(copied).split()), " ")
    words = [w for w in rest.split() if len(w) >= 3]
    if len(words) < SPECIFIC_WORDS_MIN:
        return EXPLANATION_GENERIC
    return None


# -- pend and referral ----------------------------------------------------------------------------

PEND_ASK_SHORT = "Say what information is needed (at least 20 characters): the provider reads it."
PEND_DUE_PAST = "The information due time must be in the future."
PEND_DUE_AFTER_DEADLINE = (
    "The information would arrive after the decision deadline ({due}): ask for it sooner, or extend "
    "the deadline first."
)
REFER_NOTE_SHORT = "Say why the request goes to a physician advisor (at least 10 characters)."


def pend_problems(
    *, asked: str, info_due_at: dt.datetime | None, due_at: dt.datetime, now: dt.datetime
) -> tuple[FieldProblem, ...]:
    """Pending does not stop the clock: the information must be due before the decision deadline."""
    problems = []
    if len(asked.strip()) < 20:
        problems.append(FieldProblem("info_requested", PEND_ASK_SHORT))
    if info_due_at is None or utc(info_due_at) <= utc(now):
        problems.append(FieldProblem("info_due_at", PEND_DUE_PAST))
    elif utc(info_due_at) > utc(due_at):
        problems.append(
            FieldProblem("info_due_at", PEND_DUE_AFTER_DEADLINE.format(due=format_local(due_at)))
        )
    return tuple(problems)
