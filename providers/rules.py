"""Rules of the provider file: pure functions over plain values, no ORM, no clock.

- A site offers a level of care through one offering at a time: two offerings of the same level at the
  same site may not both be in force on any date (`offering_conflict`).
- A termination has a date on or after the provider's effective date and a reason (`termination_refusals`).
- An offering's age range and dates are ordered (`offering_refusals`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

OFFERING_OVERLAP = (
    "{new} would overlap {existing}: a site offers a level of care through one offering at a "
    "time. End one before the other starts."
)
TERMINATION_BEFORE_EFFECTIVE = (
    "The termination date {date} is before the effective date {effective}."
)
TERMINATION_REASON_REQUIRED = "Give the reason for the termination."
ALREADY_TERMINATED = "This provider is already terminated (since {date})."
AGE_RANGE_REVERSED = "The minimum age {low} is above the maximum age {high}."
END_BEFORE_START = "The end date {end} is before the start date {start}."
AFTER_PROVIDER_END = (
    "The offering would start on {start}, after the provider's last day in the network ({end})."
)


@dataclass(frozen=True)
class OfferingSpan:
    """An offering's dates, with a label that names it for a person ("IOP at Main St (001) from ...")."""

    start: dt.date
    end: dt.date | None
    label: str
    id: int | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: OfferingSpan) -> bool:
        """Inclusive date ranges overlap when each starts before the other ends."""
        starts_before_other_ends = other.end is None or self.start <= other.end
        other_starts_before_end = self.end is None or other.start <= self.end
        return starts_before_other_ends and other_starts_before_end


def describe_span(level_code: str, site: str, start: dt.date, end: dt.date | None) -> str:
    """The words used for an offering in messages and reports."""
    until = f"to {end.isoformat()}" if end else "with no end date"
    return f"the {level_code} offering at {site} from {start.isoformat()} {until}"


def offering_conflict(new: OfferingSpan, others: Iterable[OfferingSpan]) -> str | None:
    """The message naming both offerings when `new` overlaps one of `others` (same site and level), else None."""
    for existing in sorted(others, key=lambda span: span.start):
        if existing.id is not None and existing.id == new.id:
            continue
        if new.overlaps(existing):
            return OFFERING_OVERLAP.format(new=new.label, existing=existing.label)
    return None


def offering_refusals(
    *,
    min_age: int,
    max_age: int,
    start: dt.date,
    end: dt.date | None,
    provider_end: dt.date | None = None,
) -> tuple[str, ...]:
    """Every reason an offering's own values are inconsistent (empty when they are fine); an offering
    cannot start after its provider's last day in the network."""
    refusals = []
    if min_age > max_age:
        refusals.append(AGE_RANGE_REVERSED.format(low=min_age, high=max_age))
    if end is not None and end < start:
        refusals.append(END_BEFORE_START.format(end=end.isoformat(), start=start.isoformat()))
    if provider_end is not None and start > provider_end:
        refusals.append(
            AFTER_PROVIDER_END.format(start=start.isoformat(), end=provider_end.isoformat())
        )
    return tuple(refusals)


def termination_refusals(
    *,
    effective_date: dt.date,
    current_termination: dt.date | None,
    already_terminated: bool,
    date: dt.date,
    reason: str,
) -> tuple[str, ...]:
    """Every reason a termination cannot be recorded (empty when it can)."""
    refusals = []
    if already_terminated and current_termination is not None:
        refusals.append(ALREADY_TERMINATED.format(date=current_termination.isoformat()))
    if date < effective_date:
        refusals.append(
            TERMINATION_BEFORE_EFFECTIVE.format(
                date=date.isoformat(), effective=effective_date.isoformat()
            )
        )
    if not reason.strip():
        refusals.append(TERMINATION_REASON_REQUIRED)
    return tuple(refusals)


def end_open_offering(end: dt.date | None, start: dt.date, on: dt.date) -> dt.date | None:
    """The end date an offering gets when its provider or the file terminates it on `on`.

    An offering already ending by then keeps its end; one starting after `on` ends the day it starts
    (it never was in force), so the dates stay ordered.
    """
    if end is not None and end <= on:
        return end
    return max(on, start)
