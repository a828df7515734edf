"""Rules after a decision: appeals, peer-to-peer conversations and discharge reviews. Pure.

Domain (shared/domain/README.md sections 4 and 5; 42 CFR 438.402-438.420):
- an adverse decision (denial, partial approval, or a deadline missed) may be appealed within the
  APPEAL_FILING window from the notice, by the member or by the provider on the member's behalf;
- an appeal is decided by a physician advisor who did not make the original decision;
- the outcome is upheld, overturned or partially overturned, with a specific explanation; upheld or
  partially overturned appeals carry state fair hearing rights (FAIR_HEARING window);
- a peer-to-peer is held within the PEER_TO_PEER clock (one business day) of the provider's request;
- a discharge review records the discharge date, disposition, delay days with a reason, and aftercare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from authorizations.rules.clocks import format_local, utc
from authorizations.rules.review import FieldProblem, explanation_problem

UPHELD, OVERTURNED, PARTIALLY_OVERTURNED = "upheld", "overturned", "partially_overturned"
OUTCOMES = (UPHELD, OVERTURNED, PARTIALLY_OVERTURNED)
APPEALABLE_STATUSES = ("denied", "partially_approved")

NOT_ADVERSE = (
    "Only a denial, a partial approval or a decision not made in time can be appealed; this request "
    "is {status}."
)
FILED_LATE = (
    "The appeal window closed on {last_day}: an appeal must be filed within {days} days of the "
    "notice."
)
ALREADY_OPEN = "An appeal of this request is already open."
APPEAL_REASON_SHORT = "Say why the decision should change (at least 20 characters)."
REVIEWER_NOT_ADVISOR = "Only a physician advisor may decide an appeal."
REVIEWER_DECIDED_ORIGINAL = (
    "A physician advisor who made the original decision cannot decide its appeal: another "
    "physician advisor must."
)
OUTCOME_REQUIRED = "Choose the outcome of the appeal."
UNITS_FOR_OVERTURN = "An overturned appeal approves what was requested ({units} units)."
UNITS_FOR_PARTIAL = "A partial overturn approves more than was approved before and less than the {units} units requested."
NO_UNITS_FOR_UPHELD = "An upheld appeal approves nothing more: leave the units empty."


@dataclass(frozen=True)
class FilingInput:
    status: str
    deemed_denied: bool
    notice_sent_at: dt.datetime | None  # the adverse notice the window runs from
    last_day: dt.date | None  # last day of the filing window, from the clock
    filed_on: dt.date
    open_appeal: bool
    reason: str
    window_days: int


def appeal_filing_problems(given: FilingInput) -> tuple[FieldProblem, ...]:
    """Whether an appeal may be filed now; every problem at once."""
    problems = []
    if given.status not in APPEALABLE_STATUSES and not given.deemed_denied:
        problems.append(FieldProblem("request", NOT_ADVERSE.format(status=given.status)))
    if given.last_day is not None and given.filed_on > given.last_day:
        problems.append(
            FieldProblem(
                "filed_at",
                FILED_LATE.format(last_day=given.last_day.isoformat(), days=given.window_days),
            )
        )
    if given.open_appeal:
        problems.append(FieldProblem("request", ALREADY_OPEN))
    if len(given.reason.strip()) < 20:
        problems.append(FieldProblem("reason", APPEAL_REASON_SHORT))
    return tuple(problems)


@dataclass(frozen=True)
class AppealDecisionInput:
    outcome: str
    may_decide_appeal: bool
    reviewer_id: int
    original_decider_id: int | None
    explanation: str
    units: int | None
    requested_units: int
    previously_approved_units: int


def appeal_decision_problems(given: AppealDecisionInput) -> tuple[FieldProblem, ...]:
    """An appeal decision: by an independent physician advisor, a known outcome, units that fit the
    outcome, and a specific explanation."""
    if not given.may_decide_appeal:
        return (FieldProblem("outcome", REVIEWER_NOT_ADVISOR),)
    if given.original_decider_id is not None and given.reviewer_id == given.original_decider_id:
        return (FieldProblem("outcome", REVIEWER_DECIDED_ORIGINAL),)
    problems = []
    if given.outcome not in OUTCOMES:
        problems.append(FieldProblem("outcome", OUTCOME_REQUIRED))
    elif given.outcome == OVERTURNED and given.units != given.requested_units:
        problems.append(
            FieldProblem("units", UNITS_FOR_OVERTURN.format(units=given.requested_units))
        )
    elif given.outcome == PARTIALLY_OVERTURNED and not (
        given.units is not None
        and given.previously_approved_units < given.units < given.requested_units
    ):
        problems.append(
            FieldProblem("units", UNITS_FOR_PARTIAL.format(units=given.requested_units))
        )
    elif given.outcome == UPHELD and given.units:
        problems.append(FieldProblem("units", NO_UNITS_FOR_UPHELD))
    problem = explanation_problem(given.explanation)
    if problem:
        problems.append(FieldProblem("explanation", problem))
    return tuple(problems)


# -- peer-to-peer ---------------------------------------------------------------------------------

P2P_NOT_AVAILABLE = (
    "A peer-to-peer can be asked for once a request is referred to a physician advisor or decided "
    "against the member."
)
P2P_ALREADY = "A peer-to-peer for this request is already requested or scheduled."
P2P_CONTACT = "Give the treating clinician's name and a phone number."
P2P_LATE = (
    "A peer-to-peer must be offered by {due} (within one business day of the request): choose an "
    "earlier time."
)
P2P_BEFORE_REQUEST = "The conversation cannot be scheduled before it was requested."
P2P_ADVISOR = "A peer-to-peer is held by a physician advisor."


def peer_to_peer_request_problems(
    *, status: str, referred: bool, already_open: bool, contact: str
) -> tuple[FieldProblem, ...]:
    problems = []
    if status not in APPEALABLE_STATUSES and not referred:
        problems.append(FieldProblem("request", P2P_NOT_AVAILABLE))
    if already_open:
        problems.append(FieldProblem("request", P2P_ALREADY))
    if len(contact.strip()) < 7:
        problems.append(FieldProblem("contact", P2P_CONTACT))
    return tuple(problems)


def peer_to_peer_schedule_problems(
    *,
    scheduled_for: dt.datetime,
    requested_at: dt.datetime,
    due_by: dt.datetime,
    advisor_is_physician: bool,
) -> tuple[FieldProblem, ...]:
    """The conversation is offered within the PEER_TO_PEER clock of the request, with an advisor."""
    problems = []
    if not advisor_is_physician:
        problems.append(FieldProblem("advisor", P2P_ADVISOR))
    if utc(scheduled_for) < utc(requested_at):
        problems.append(FieldProblem("scheduled_for", P2P_BEFORE_REQUEST))
    elif utc(scheduled_for) > utc(due_by):
        problems.append(FieldProblem("scheduled_for", P2P_LATE.format(due=format_local(due_by))))
    return tuple(problems)


# -- discharge review -----------------------------------------------------------------------------

DISCHARGE_BEFORE_ADMISSION = "The discharge date is before the admission ({admitted})."
DISCHARGE_IN_FUTURE = "The discharge date is in the future: record the discharge once it happens."
DISPOSITION_UNKNOWN = "Choose a discharge disposition from the list."
DELAY_TOO_LONG = "Delay days ({days}) cannot exceed the length of stay ({stay} days)."
DELAY_REASON_REQUIRED = "Give the reason for the discharge delay."
DELAY_REASON_UNKNOWN = "Choose a discharge-delay reason from the list."
DELAY_REASON_WITHOUT_DELAY = "A delay reason is given but no delay days: give both or neither."
AFTERCARE_REQUIRED = "Give the aftercare appointment (date and provider) for this disposition."
AFTERCARE_BEFORE_DISCHARGE = "The aftercare appointment is before the discharge date."


@dataclass(frozen=True)
class DischargeInput:
    admitted: dt.date
    discharged: dt.date
    today: dt.date
    disposition: str
    dispositions: Collection[str]  # valid disposition codes
    aftercare_expected: bool  # for this disposition (data: discharge_codes.yaml)
    delay_days: int
    delay_reason: str
    delay_reasons: Collection[str]
    aftercare_date: dt.date | None
    aftercare_provider: str


def discharge_problems(given: DischargeInput) -> tuple[FieldProblem, ...]:
    """A discharge review that closes an episode; every problem at once."""
    problems = []
    if given.discharged < given.admitted:
        problems.append(
            FieldProblem("discharged", DISCHARGE_BEFORE_ADMISSION.format(admitted=given.admitted))
        )
    elif given.discharged > given.today:
        problems.append(FieldProblem("discharged", DISCHARGE_IN_FUTURE))
    if given.disposition not in given.dispositions:
        problems.append(FieldProblem("disposition", DISPOSITION_UNKNOWN))
    stay = max((given.discharged - given.admitted).days, 0)
    if given.delay_days > stay:
        problems.append(
            FieldProblem("delay_days", DELAY_TOO_LONG.format(days=given.delay_days, stay=stay))
        )
    if given.delay_days > 0 and not given.delay_reason:
        problems.append(FieldProblem("delay_reason", DELAY_REASON_REQUIRED))
    elif given.delay_reason and given.delay_reason not in given.delay_reasons:
        problems.append(FieldProblem("delay_reason", DELAY_REASON_UNKNOWN))
    elif given.delay_reason and given.delay_days == 0:
        problems.append(FieldProblem("delay_days", DELAY_REASON_WITHOUT_DELAY))
    if given.aftercare_expected and (
        given.aftercare_date is None or not given.aftercare_provider.strip()
    ):
        problems.append(FieldProblem("aftercare_date", AFTERCARE_REQUIRED))
    if given.aftercare_date is not None and given.aftercare_date < given.discharged:
        problems.append(FieldProblem("aftercare_date", AFTERCARE_BEFORE_DISCHARGE))
    return tuple(problems)
