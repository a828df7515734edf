"""Rules of member and provider relations: pure functions over plain values (no ORM, no clock).

- Grievance clocks: a deadline from a dated clock row, in business days (weekends and the holidays of
  a calendar skipped; the day of receipt never counts) or calendar days; time left on an open grievance.
- Intake checks: a grievance needs a member and a category; a warm transfer goes to a care manager.
- Bed reports: only 24-hour levels the site offers, units its ages allow, no negative counts; a site
  whose latest report is older than the stale clock is flagged.
- Bulletins: expiry not before publication, a real audience, and whether a bulletin reaches a
  provider's sites.

Callers pass today's date, the clock rows and the holidays; every refusal carries a code and a message
a person can act on, and every failing rule is reported, not just the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from relations.choices import BedUnit, ClockUnit, ContactOutcome


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


def _problem_if(failed: bool, code: str, message: str) -> Problem | None:
    return Problem(code, message) if failed else None


def _collect(checks: Iterable[Problem | None]) -> tuple[Problem, ...]:
    return tuple(p for p in checks if p is not None)


# --- clocks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A clock row in force: `amount` `unit`s (business_days, calendar_days or hours)."""

    id: int
    code: str
    amount: int
    unit: str


def is_business_day(day: dt.date, holidays: AbstractSet[dt.date]) -> bool:
    """Monday to Friday and not a holiday of the calendar."""
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: dt.date, days: int, holidays: AbstractSet[dt.date]) -> dt.date:
    """The `days`-th business day after `start`. The start day itself never counts, so a grievance
    received on a Saturday or a holiday starts counting on the next business day."""
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    return day


def business_days_between(start: dt.date, end: dt.date, holidays: AbstractSet[dt.date]) -> int:
    """Business days after `start` up to and including `end`; negative when `end` is before `start`
    (then: business days after `end` up to and including `start`)."""
    sign, low, high = (1, start, end) if end >= start else (-1, end, start)
    count, day = 0, low
    while day < high:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays):
            count += 1
    return sign * count


def deadline_on(received_on: dt.date, clock: Clock, holidays: AbstractSet[dt.date]) -> dt.date:
    """The last day to meet a day-based clock started on `received_on`."""
    if clock.unit == ClockUnit.BUSINESS_DAYS:
        return add_business_days(received_on, clock.amount, holidays)
    if clock.unit == ClockUnit.CALENDAR_DAYS:
        return received_on + dt.timedelta(days=clock.amount)
    raise ValueError(f"Clock {clock.code} runs in {clock.unit}, not days.")


def clock_duration(clock: Clock) -> dt.timedelta:
    """The length of an hour-based clock (the bed board's stale threshold)."""
    if clock.unit != ClockUnit.HOURS:
        raise ValueError(f"Clock {clock.code} runs in {clock.unit}, not hours.")
    return dt.timedelta(hours=clock.amount)


@dataclass(frozen=True)
class GrievanceDeadlines:
    acknowledge_by: dt.date
    resolve_by: dt.date
    ack_clock_id: int
    resolution_clock_id: int


def grievance_deadlines(
    received_on: dt.date, ack_clock: Clock, resolution_clock: Clock, holidays: AbstractSet[dt.date]
) -> GrievanceDeadlines:
    """When the written acknowledgment and the resolution are due for a grievance received that day
    (local date in America/New_York), from the clock rows in force on that day."""
    return GrievanceDeadlines(
        acknowledge_by=deadline_on(received_on, ack_clock, holidays),
        resolve_by=deadline_on(received_on, resolution_clock, holidays),
        ack_clock_id=ack_clock.id,
        resolution_clock_id=resolution_clock.id,
    )


@dataclass(frozen=True)
class TimeLeft:
    """Where an open grievance stands: the next step, its due date, and the time left to it."""

    stage: str  # "acknowledge" | "resolve" | "closed"
    due: dt.date | None
    days_left: int  # calendar days; negative when overdue
    business_days_left: int
    overdue: bool


def grievance_time_left(
    *,
    acknowledged: bool,
    resolved: bool,
    acknowledge_by: dt.date,
    resolve_by: dt.date,
    today: dt.date,
    holidays: AbstractSet[dt.date],
) -> TimeLeft:
    """The next deadline of a grievance (acknowledgment until it is sent, then resolution) and how
    much time is left to it: the order of the grievance work queue."""
    if resolved:
        return TimeLeft("closed", None, 0, 0, False)
    stage, due = ("resolve", resolve_by) if acknowledged else ("acknowledge", acknowledge_by)
    return TimeLeft(
        stage=stage,
        due=due,
        days_left=(due - today).days,
        business_days_left=business_days_between(today, due, holidays),
        overdue=today > due,
    )


def met_deadline(done_on: dt.date | None, due: dt.date) -> bool | None:
    """True when done by the due day, False when done late, None when not done yet."""
    if done_on is None:
        return None
    return done_on <= due


# --- intake ---------------------------------------------------------------------------------------

NO_MEMBER = "A grievance needs the member it is about: enter the member's Medicaid id."
NO_CATEGORY = "A grievance needs a category: choose what it is about."
NO_DESCRIPTION = "Describe the grievance in the member's words."
RECEIVED_IN_FUTURE = "The received date and time cannot be in the future."
NO_TRANSFER_TARGET = "Name the care manager the caller was warm-transferred to."
TRANSFER_NOT_CARE_MANAGER = "A warm transfer goes to a care manager; this person is not one."


def check_grievance(
    *,
    has_member: bool,
    has_category: bool,
    description: str,
    received_at: dt.datetime,
    now: dt.datetime,
) -> tuple[Problem, ...]:
    """Every reason a grievance cannot be recorded as given."""
    return _collect(
        (
            _problem_if(not has_member, "no_member", NO_MEMBER),
            _problem_if(not has_category, "no_category", NO_CATEGORY),
            _problem_if(not description.strip(), "no_description", NO_DESCRIPTION),
            _problem_if(received_at > now, "received_in_future", RECEIVED_IN_FUTURE),
        )
    )


def check_contact(
    *,
    outcome: str,
    has_transfer_target: bool,
    target_is_care_manager: bool,
    received_at: dt.datetime,
    now: dt.datetime,
) -> tuple[Problem, ...]:
    """Every reason a contact cannot be logged as given."""
    warm = outcome == ContactOutcome.WARM_TRANSFER
    return _collect(
        (
            _problem_if(warm and not has_transfer_target, "no_transfer_target", NO_TRANSFER_TARGET),
            _problem_if(
                has_transfer_target and not target_is_care_manager,
                "transfer_not_care_manager",
                TRANSFER_NOT_CARE_MANAGER,
            ),
            _problem_if(received_at > now, "received_in_future", RECEIVED_IN_FUTURE),
        )
    )


ALREADY_ACKNOWLEDGED = "This grievance has already been acknowledged."
ALREADY_RESOLVED = "This grievance is already resolved."
NO_RESOLUTION = "Write the resolution the member will read in the notice."
NO_OUTCOME = "Choose the outcome of the grievance."
BEFORE_RECEIPT = "This cannot be dated before the grievance was received."
DONE_IN_FUTURE = "This cannot be dated in the future."
NO_SITES = "Choose at least one provider to give the caller."


def check_acknowledgment(
    *, status: str, acknowledged_at: dt.datetime, received_at: dt.datetime, now: dt.datetime
) -> tuple[Problem, ...]:
    """An acknowledgment is sent once, after receipt and not in the future."""
    return _collect(
        (
            _problem_if(status != "received", "already_acknowledged", ALREADY_ACKNOWLEDGED),
            _problem_if(acknowledged_at < received_at, "before_receipt", BEFORE_RECEIPT),
            _problem_if(acknowledged_at > now, "in_future", DONE_IN_FUTURE),
        )
    )


def check_resolution(
    *,
    status: str,
    outcome: str,
    valid_outcomes: AbstractSet[str],
    resolution: str,
    resolved_at: dt.datetime,
    received_at: dt.datetime,
    now: dt.datetime,
) -> tuple[Problem, ...]:
    """A grievance is resolved once, with an outcome and a written resolution for the member."""
    return _collect(
        (
            _problem_if(status == "resolved", "already_resolved", ALREADY_RESOLVED),
            _problem_if(outcome not in valid_outcomes, "no_outcome", NO_OUTCOME),
            _problem_if(not resolution.strip(), "no_resolution", NO_RESOLUTION),
            _problem_if(resolved_at < received_at, "before_receipt", BEFORE_RECEIPT),
            _problem_if(resolved_at > now, "in_future", DONE_IN_FUTURE),
        )
    )


def check_referral(
    *, site_count: int, not_offering: Sequence[str], level_name: str
) -> tuple[Problem, ...]:
    """A referral gives at least one site, and each one offers the level of care today."""
    return _collect(
        (
            _problem_if(site_count == 0, "no_sites", NO_SITES),
            *(
                Problem("not_offered", f"{name} does not offer {level_name} today.")
                for name in not_offering
            ),
        )
    )


# --- bed availability -----------------------------------------------------------------------------

# Ages each unit serves (the split the state's inpatient reports use: child, adolescent 13-17, adult).
UNIT_AGES: Mapping[str, tuple[int, int]] = {
    BedUnit.CHILD: (0, 12),
    BedUnit.ADOLESCENT: (13, 17),
    BedUnit.ADULT: (18, 120),
}
# A report dated a little ahead of the server clock (a clock skew at the site) is accepted.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
NO_LINES = "A bed report needs at least one line: a level of care, a unit and the open beds."
REPORTED_IN_FUTURE = "A bed report cannot be dated in the future."


@dataclass(frozen=True)
class OfferedLevel:
    """A 24-hour level of care the site is contracted for on the report date, and the ages it serves."""

    code: str
    name: str
    min_age: int
    max_age: int


@dataclass(frozen=True)
class BedLine:
    level_code: str
    level_name: str
    unit: str
    gender: str
    open_beds: int
    staffed_beds: int | None = None


def check_bed_report(
    lines: Sequence[BedLine],
    offered: Mapping[str, OfferedLevel],
    *,
    reported_at: dt.datetime,
    now: dt.datetime,
) -> tuple[Problem, ...]:
    """Every reason a site's bed report cannot be accepted: a level of care the site does not offer
    (as a 24-hour service), a unit outside the ages it serves, a negative count, more open than
    staffed beds, the same unit twice, a report dated in the future."""
    problems: list[Problem | None] = [
        _problem_if(not lines, "no_lines", NO_LINES),
        _problem_if(reported_at > now + FUTURE_TOLERANCE, "in_future", REPORTED_IN_FUTURE),
    ]
    seen: set[tuple[str, str, str]] = set()
    for line in lines:
        problems.extend(_check_bed_line(line, offered.get(line.level_code)))
        key = (line.level_code, line.unit, line.gender)
        problems.append(
            _problem_if(
                key in seen,
                "duplicate_line",
                f"{line.level_name}, {_unit_label(line.unit)}, {line.gender}: given twice.",
            )
        )
        seen.add(key)
    return _collect(problems)


def _check_bed_line(line: BedLine, offer: OfferedLevel | None) -> list[Problem | None]:
    where = f"{line.level_name}, {_unit_label(line.unit)}"
    if offer is None:
        message = (
            f"This site does not offer {line.level_name} as a 24-hour service: no beds to report."
        )
        return [Problem("level_not_offered", message)]
    low, high = UNIT_AGES.get(line.unit, (0, 120))
    served = low <= offer.max_age and offer.min_age <= high
    return [
        _problem_if(
            not served,
            "unit_not_served",
            f"This site's {line.level_name} serves ages {offer.min_age}-{offer.max_age}: "
            f"it has no {_unit_label(line.unit).lower()} unit.",
        ),
        _problem_if(line.open_beds < 0, "negative_open", f"{where}: open beds cannot be negative."),
        _problem_if(
            line.staffed_beds is not None and line.staffed_beds < 0,
            "negative_staffed",
            f"{where}: staffed beds cannot be negative.",
        ),
        _problem_if(
            line.staffed_beds is not None and 0 <= line.staffed_beds < line.open_beds,
            "open_over_staffed",
            f"{where}: open beds cannot exceed staffed beds.",
        ),
    ]


def _unit_label(unit: str) -> str:
    try:
        return str(BedUnit(unit).label)
    except ValueError:
        return unit


def bed_report_is_stale(
    last_reported_at: dt.datetime | None, now: dt.datetime, stale_after: dt.timedelta
) -> bool:
    """A site is flagged when it never reported or its latest report is older than the stale clock."""
    return last_reported_at is None or now - last_reported_at > stale_after


def describe_age(age: dt.timedelta) -> str:
    """'45 min', '3 h 05 min', '2 d 4 h': how old a figure is, as the board shows it."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


# --- bulletins ------------------------------------------------------------------------------------

EXPIRY_BEFORE_PUBLICATION = "The expiry date is before the publication date."
NO_AUDIENCE = "Choose the audience: all providers, or some levels of care and/or regions."
AUDIENCE_BOTH = "A bulletin for all providers cannot also be limited to levels of care or regions."
ATTACHMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "txt", "png", "jpg", "jpeg"}
)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Audience:
    everyone: bool
    levels: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SiteProfile:
    """What a bulletin audience is matched against: a site's region and the levels it offers."""

    region: str
    levels: frozenset[str]


def check_bulletin(
    *,
    publish_on: dt.date,
    expires_on: dt.date | None,
    audience: Audience,
    known_levels: AbstractSet[str],
    known_regions: AbstractSet[str],
) -> tuple[Problem, ...]:
    """Every reason a bulletin cannot be published as given."""
    unknown_levels = sorted(audience.levels - known_levels)
    unknown_regions = sorted(audience.regions - known_regions)
    limited = bool(audience.levels or audience.regions)
    return _collect(
        (
            _problem_if(
                expires_on is not None and expires_on < publish_on,
                "expiry_before_publication",
                EXPIRY_BEFORE_PUBLICATION,
            ),
            _problem_if(not audience.everyone and not limited, "no_audience", NO_AUDIENCE),
            _problem_if(audience.everyone and limited, "audience_both", AUDIENCE_BOTH),
            _problem_if(
                bool(unknown_levels),
                "unknown_level",
                f"Unknown level of care: {', '.join(unknown_levels)}.",
            ),
            _problem_if(
                bool(unknown_regions),
                "unknown_region",
                f"Unknown region: {', '.join(unknown_regions)}.",
            ),
        )
    )


def bulletin_reaches(audience: Audience, sites: Iterable[SiteProfile]) -> bool:
    """Whether a bulletin is addressed to a provider with these sites: everyone, or one site that
    offers one of the levels (when levels are named) and lies in one of the regions (when regions are
    named). Naming both means both must hold at the same site ("inpatient providers in Region 2")."""
    if audience.everyone:
        return True
    for site in sites:
        level_ok = not audience.levels or bool(site.levels & audience.levels)
        region_ok = not audience.regions or site.region in audience.regions
        if level_ok and region_ok:
            return True
    return False


def bulletin_is_current(publish_on: dt.date, expires_on: dt.date | None, today: dt.date) -> bool:
    """Shown from its publication date through its expiry date (inclusive)."""
    return publish_on <= today and (expires_on is None or today <= expires_on)


def check_attachment(name: str, size: int) -> Problem | None:
    """Attachments are documents and images of at most 10 MB."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        allowed = ", ".join(sorted(ATTACHMENT_EXTENSIONS))
        return Problem("attachment_type", f"{name}: attach one of these file types: {allowed}.")
    if size > ATTACHMENT_MAX_BYTES:
        return Problem("attachment_size", f"{name}: attachments are at most 10 MB.")
    return None
