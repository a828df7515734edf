"""Pure PAR rules: reporting periods, outliers, how a score reads. No ORM, no clock."""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date

from par.choices import PeriodKind

BAD_PERIOD = "Give a period as 2026Q3, 2026-07 or 2026, or a start and an end date."
PERIOD_ORDER = "The period ends ({end}) before it starts ({start})."

# A provider ranked in the bottom or top tenth of the state on a measure is an outlier.
OUTLIER_LOW = 10.0
OUTLIER_HIGH = 90.0


@dataclass(frozen=True)
class ReportingPeriod:
    """A labelled period, both ends inclusive: a month, a quarter, a year or a date range."""

    kind: str
    start: date
    end: date
    label: str


def period_from_label(text: str) -> ReportingPeriod:
    """``2026Q3`` -> Jul 1 - Sep 30 2026; ``2026-07`` -> July; ``2026`` -> the calendar year."""
    text = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        first_month = 3 * quarter - 2
        end = _month_end(year, first_month + 2)
        return ReportingPeriod(PeriodKind.QUARTER, date(year, first_month, 1), end, text)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(BAD_PERIOD)
        return ReportingPeriod(
            PeriodKind.MONTH, date(year, month, 1), _month_end(year, month), text
        )
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return ReportingPeriod(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31), text)
    raise ValueError(BAD_PERIOD)


def period_from_dates(start: date, end: date) -> ReportingPeriod:
    """A date range; named like a month, quarter or year when it is exactly one."""
    if end < start:
        raise ValueError(PERIOD_ORDER.format(start=start, end=end))
    for label in (f"{start.year}", f"{start.year}Q{(start.month + 2) // 3}", f"{start:%Y-%m}"):
        candidate = period_from_label(label)
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return ReportingPeriod(PeriodKind.CUSTOM, start, end, f"{start:%Y-%m-%d}..{end:%Y-%m-%d}")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Reading:
    """How one score reads on a scorecard: the text, and whether it is an outlier, and which way."""

    text: str
    outlier: (
        str  # "", "low" (bottom tenth: worse than most) or "high" (top tenth: better than most)
    )


def outlier(percentile: float | None, suppressed: bool) -> str:
    """'low' in the bottom tenth of ranked providers, 'high' in the top tenth, '' otherwise.

    Percentiles are direction-aware (100 = best), so 'low' is always the side to talk about.
    Suppressed scores ("too few cases") are never outliers.
    """
    if suppressed or percentile is None or math.isnan(percentile):
        return ""
    if percentile <= OUTLIER_LOW:
        return "low"
    if percentile >= OUTLIER_HIGH:
        return "high"
    return ""


def format_value(value: float | None, unit: str) -> str:
    """A value as people read it: 12.5%, 13.6 days, 42; a dash when there is none."""
    if value is None or math.isnan(value):
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "days":
        return f"{value:.1f} days"
    return f"{value:,.0f}"


def read_score(
    value: float | None, unit: str, percentile: float | None, suppressed: bool
) -> Reading:
    """The scorecard text of a provider's score: "too few cases" below the minimum denominator."""
    if suppressed:
        return Reading("too few cases", "")
    return Reading(format_value(value, unit), outlier(percentile, suppressed))
