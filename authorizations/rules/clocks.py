"""Turnaround clocks: when a decision, an appeal or a peer-to-peer is due. Pure, dated, timezone-aware.

Every deadline comes from a dated clock row (fixtures/turnaround_clocks.yaml, passed in as `Clock`s) in
force on the New York day the clock starts, never from a number in code. Three units:

- `hours`: elapsed time. 72 hours are 72 real hours, so across a daylight-saving change the wall-clock
  time of the deadline moves by an hour (72 hours from Saturday 10:00 EST is Tuesday 11:00 EDT).
- `calendar_days`: the same New York wall-clock time N days later (7 days from Thursday 10:00 EST is the
  next Thursday 10:00 EDT, 167 real hours). A wall-clock time a spring-forward skips moves forward past
  the gap; a time a fall-back repeats takes its first (earlier) occurrence, the stricter reading.
- `business_days`: the end (midnight, New York) of the Nth business day after the start day; weekends
  and the holidays of the business calendar (fixtures/holidays.yaml) do not count.

Datetimes in and out are aware; naive ones are refused (`NaiveDatetimeError`). Comparisons and
differences are made in UTC: Python compares two datetimes sharing one tzinfo by their wall clocks, which
is an hour wrong across a fall-back change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")

HOURS, CALENDAR_DAYS, BUSINESS_DAYS = "hours", "calendar_days", "business_days"

# Urgency of a prior-authorization request -> the clock that sets its decision deadline.
URGENCY_CLOCK = {
    "standard": "PA_STANDARD",
    "expedited": "PA_EXPEDITED",
    "urgent_concurrent": "PA_URGENT_CONCURRENT",
}
EXTENSION_CLOCK = "PA_EXTENSION"
APPEAL_CLOCK = {False: "APPEAL_STANDARD", True: "APPEAL_EXPEDITED"}
APPEAL_FILING_CLOCK = "APPEAL_FILING"
FAIR_HEARING_CLOCK = "FAIR_HEARING"
PEER_TO_PEER_CLOCK = "PEER_TO_PEER"
CONTINUED_BENEFITS_CLOCK = "CONTINUED_BENEFITS"
CONCURRENT_ACUTE_LATEST = "CONCURRENT_ACUTE_LATEST"
CONCURRENT_OTHER_EARLIEST = "CONCURRENT_OTHER_EARLIEST"

EXTENSION_REASON_MIN_LENGTH = 20

NAIVE = "Clock times must carry a time zone (got a naive datetime)."
NO_CLOCK = (
    "No {code} clock is in force on {day}: add a dated row to fixtures/turnaround_clocks.yaml."
)
EXTENSION_TWICE = "The deadline was already extended once; it cannot be extended again."
EXTENSION_TOO_LONG = "An extension may add at most {most} days."
EXTENSION_TOO_SHORT = "An extension adds at least 1 day."
EXTENSION_NO_REASON = (
    "Give the reason for the extension in a full sentence (at least {least} characters): "
    "it goes to the member in writing."
)
EXTENSION_TOO_LATE = (
    "The deadline ({due}) has passed: an extension must be taken before the deadline."
)
EXTENSION_DECIDED = "The request is already decided."


class NaiveDatetimeError(ValueError):
    pass


class NoClockError(LookupError):
    pass


@dataclass(frozen=True)
class Clock:
    """One dated clock row (TurnaroundClock) as a plain value."""

    code: str
    amount: int
    unit: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    id: int | None = None
    label: str = ""

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days count as business days: Monday to Friday, except the listed holidays."""

    holidays: frozenset[dt.date] = frozenset()

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays


@dataclass(frozen=True)
class Deadline:
    """A deadline and the clock row it came from (recorded so a decision can be explained later)."""

    due_at: dt.datetime
    clock: Clock


def require_aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetimeError(NAIVE)
    return moment


def utc(moment: dt.datetime) -> dt.datetime:
    """The same instant in UTC, for comparisons and differences."""
    return require_aware(moment).astimezone(dt.UTC)


def local_day(moment: dt.datetime) -> dt.date:
    """The New York calendar day of an instant."""
    return require_aware(moment).astimezone(NEW_YORK).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """The instant a New York day begins (midnight never falls in a DST gap in New York)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=NEW_YORK)


def wall_clock(naive_local: dt.datetime) -> dt.datetime:
    """An aware instant for a New York wall-clock time: a skipped time moves forward past the gap, a
    repeated time takes its first occurrence."""
    aware = naive_local.replace(tzinfo=NEW_YORK, fold=0)
    return aware.astimezone(dt.UTC).astimezone(NEW_YORK)


def clock_in_force(clocks: Iterable[Clock], code: str, on: dt.date) -> Clock:
    """The clock row with this code in force on a day."""
    for clock in clocks:
        if clock.code == code and clock.in_force_on(on):
            return clock
    raise NoClockError(NO_CLOCK.format(code=code, day=on.isoformat()))


def add_business_days(day: dt.date, count: int, calendar: BusinessCalendar) -> dt.date:
    """The `count`-th business day after `day` (the start day itself never counts)."""
    if count < 0:
        raise ValueError("Business days are only counted forward.")
    current, left = day, count
    while left > 0:
        current += dt.timedelta(days=1)
        if calendar.is_business_day(current):
            left -= 1
    return current


def shift(
    start: dt.datetime, amount: int, unit: str, calendar: BusinessCalendar | None = None
) -> dt.datetime:
    """`start` moved by `amount` of `unit` (negative amounts move back; business days only forward).
    The result is in New York time."""
    require_aware(start)
    if unit == HOURS:
        return (start.astimezone(dt.UTC) + dt.timedelta(hours=amount)).astimezone(NEW_YORK)
    if unit == CALENDAR_DAYS:
        local = start.astimezone(NEW_YORK).replace(tzinfo=None)
        return wall_clock(local + dt.timedelta(days=amount))
    if unit == BUSINESS_DAYS:
        last = add_business_days(local_day(start), amount, calendar or BusinessCalendar())
        return local_midnight(last + dt.timedelta(days=1))
    raise ValueError(f"Unknown clock unit {unit!r}.")


def deadline(
    start: dt.datetime,
    code: str,
    clocks: Iterable[Clock],
    calendar: BusinessCalendar | None = None,
) -> Deadline:
    """The deadline of clock `code` started at `start`, by the row in force on start's New York day."""
    clock = clock_in_force(clocks, code, local_day(start))
    return Deadline(shift(start, clock.amount, clock.unit, calendar), clock)


def decision_deadline(received_at: dt.datetime, urgency: str, clocks: Iterable[Clock]) -> Deadline:
    """When a prior-authorization decision is due: standard 7 calendar days (14 before 2026), expedited
    72 hours, urgent concurrent 24 hours, from receipt, per the clock rows."""
    try:
        code = URGENCY_CLOCK[urgency]
    except KeyError as exc:
        raise ValueError(f"Unknown urgency {urgency!r}.") from exc
    return deadline(received_at, code, clocks)


@dataclass(frozen=True)
class ExtensionVerdict:
    due_at: dt.datetime | None
    problems: tuple[str, ...]
    clock: Clock | None = None

    @property
    def allowed(self) -> bool:
        return not self.problems


def extension_check(
    *,
    due_at: dt.datetime,
    already_extended: bool,
    decided: bool,
    days: int,
    reason: str,
    now: dt.datetime,
    clocks: Iterable[Clock],
) -> ExtensionVerdict:
    """An extension of a decision deadline (42 CFR 438.210(d)): once, up to the PA_EXTENSION clock's days,
    with a written reason, taken before the deadline passes. Every problem is listed."""
    clock = clock_in_force(clocks, EXTENSION_CLOCK, local_day(now))
    problems = []
    if decided:
        problems.append(EXTENSION_DECIDED)
    if already_extended:
        problems.append(EXTENSION_TWICE)
    if days < 1:
        problems.append(EXTENSION_TOO_SHORT)
    elif days > clock.amount:
        problems.append(EXTENSION_TOO_LONG.format(most=clock.amount))
    if len(reason.strip()) < EXTENSION_REASON_MIN_LENGTH:
        problems.append(EXTENSION_NO_REASON.format(least=EXTENSION_REASON_MIN_LENGTH))
    if utc(now) >= utc(due_at):
        problems.append(EXTENSION_TOO_LATE.format(due=format_local(due_at)))
    if problems:
        return ExtensionVerdict(None, tuple(problems), clock)
    return ExtensionVerdict(shift(due_at, days, CALENDAR_DAYS), (), clock)


def is_deemed_denial(
    *, due_at: dt.datetime | None, decided_at: dt.datetime | None, now: dt.datetime
) -> bool:
    """A request not decided by its deadline counts as a denial the member may appeal (42 CFR 438.404):
    true once the deadline passed without a decision, and stays true if the decision came late."""
    if due_at is None:
        return False
    return utc(decided_at or now) > utc(due_at)


@dataclass(frozen=True)
class Window:
    """When a request may arrive: from `opens` (None: any time) until `closes`."""

    opens: dt.datetime | None
    closes: dt.datetime

    def problem(self, received_at: dt.datetime) -> str | None:
        if self.opens is not None and utc(received_at) < utc(self.opens):
            return CONCURRENT_TOO_EARLY.format(opens=format_local(self.opens))
        if utc(received_at) > utc(self.closes):
            return CONCURRENT_TOO_LATE.format(closes=format_local(self.closes))
        return None


CONCURRENT_TOO_EARLY = (
    "A continued-stay request for this level of care can be made from {opens}, not earlier."
)
CONCURRENT_TOO_LATE = (
    "The window for a continued-stay request closed at {closes}: request a new admission instead."
)


def authorization_expiry(end: dt.date) -> dt.datetime:
    """An authorization covers its last day entirely: it expires at the following New York midnight."""
    return local_midnight(end + dt.timedelta(days=1))


def concurrent_window(*, end: dt.date, acute: bool, clocks: Iterable[Clock], on: dt.date) -> Window:
    """When a concurrent (continued-stay) request may arrive: acute care at least CONCURRENT_ACUTE_LATEST
    before expiry; other levels no earlier than CONCURRENT_OTHER_EARLIEST before expiry."""
    expiry = authorization_expiry(end)
    clocks = tuple(clocks)
    if acute:
        lead = clock_in_force(clocks, CONCURRENT_ACUTE_LATEST, on)
        return Window(None, shift(expiry, -lead.amount, lead.unit))
    lead = clock_in_force(clocks, CONCURRENT_OTHER_EARLIEST, on)
    return Window(shift(expiry, -lead.amount, lead.unit), expiry)


def last_day_of_window(start: dt.datetime, code: str, clocks: Iterable[Clock]) -> dt.date:
    """The last New York day of a member's window counted in calendar days from an event (appeal filing:
    60 days from the notice; fair hearing: 120 days from the appeal decision)."""
    clock = clock_in_force(clocks, code, local_day(start))
    if clock.unit != CALENDAR_DAYS:
        raise ValueError(f"{code} must be counted in calendar days.")
    return local_day(start) + dt.timedelta(days=clock.amount)


@dataclass(frozen=True)
class BreachRisk:
    """How close a request is to its deadline: `level` is overdue, high, medium or low."""

    level: str
    seconds_left: int
    label: str


# Share of the whole clock still left below which a request is at high / medium risk of a breach.
HIGH_RISK_SHARE = 0.25
MEDIUM_RISK_SHARE = 0.5


def breach_risk(*, received_at: dt.datetime, due_at: dt.datetime, now: dt.datetime) -> BreachRisk:
    """Risk of missing the deadline, by the share of the clock left: overdue once past; high under a
    quarter left; medium under half; low otherwise."""
    left = (utc(due_at) - utc(now)).total_seconds()
    whole = max((utc(due_at) - utc(received_at)).total_seconds(), 1.0)
    if left <= 0:
        level = "overdue"
    elif left / whole < HIGH_RISK_SHARE:
        level = "high"
    elif left / whole < MEDIUM_RISK_SHARE:
        level = "medium"
    else:
        level = "low"
    return BreachRisk(level, int(left), time_left_label(int(left)))


def time_left_label(seconds: int) -> str:
    """'2 d 3 h', '5 h 10 min', '45 min'; past deadlines read 'overdue by ...'."""
    span = abs(seconds)
    days, rest = divmod(span, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {minutes} min"
    else:
        text = f"{minutes} min"
    return f"overdue by {text}" if seconds < 0 else text


def format_local(moment: dt.datetime) -> str:
    """A deadline as people read it: 'Mar 10, 2026 11:00 AM EDT'."""
    local = require_aware(moment).astimezone(NEW_YORK)
    return local.strftime("%b %d, %Y %I:%M %p %Z").replace(" 0", " ")
