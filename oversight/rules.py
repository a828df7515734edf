"""Pure oversight rules: which members an agency sees, age groups, periods it may ask for, whether a
42 CFR Part 2 consent covers a disclosure, and small-cell suppression. No ORM, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from par.rules import BAD_PERIOD, ReportingPeriod, period_from_dates, period_from_label

FUTURE_PERIOD = "The period {label} starts after today: no data exists for it yet."
ONLY_MONTH_OR_QUARTER = "Give a month (2026-07), a quarter (2026Q3) or a start and an end date."
OTHER_AGENCY = "You may export only your own agency's population ({own}), not {asked}."
NO_AGENCY = "Your account is not linked to a state agency: ask an administrator."
UNKNOWN_AGENCY = "Unknown agency {agency!r}: use DSS, DCF or DMHAS."

SUPPRESSED = "<11"
SUPPRESS_MIN = 1
SUPPRESS_MAX = 10

CHILD = "child 3-12"
ADOLESCENT = "adolescent 13-17"
ADULT = "adult 18+"
UNDER_3 = "under 3"
AGE_GROUPS = (UNDER_3, CHILD, ADOLESCENT, ADULT)


@dataclass(frozen=True)
class AgencyScope:
    """Who an agency oversees, on the period's last day: an age range, and DCF-involved members."""

    agency: str
    max_age: int | None  # members younger than this are in scope (None: no upper limit)
    min_age: int | None  # members this old or older are in scope (None: no lower limit)
    dcf_involved: bool  # DCF-involved members are in scope whatever their age
    description: str

    @property
    def everyone(self) -> bool:
        return self.max_age is None and self.min_age is None


# Rules as data: one row per agency (reviewed with the agencies; change here, never in a selector).
AGENCY_SCOPES: dict[str, AgencyScope] = {
    "DSS": AgencyScope("DSS", None, None, False, "every member (the Medicaid agency)"),
    "DCF": AgencyScope(
        "DCF", 18, None, True, "members under 18 on the period end, and DCF-involved members"
    ),
    "DMHAS": AgencyScope("DMHAS", None, 18, False, "members 18 or older on the period end"),
}


# The PAR splits (par.choices.Split) that describe each agency's population, as data.
AGENCY_PAR_SPLITS: dict[str, tuple[str, ...]] = {
    "DSS": ("all",),
    "DCF": ("child", "adolescent", "dcf"),
    "DMHAS": ("adult",),
}


def agency_scope(agency: str) -> AgencyScope:
    try:
        return AGENCY_SCOPES[agency]
    except KeyError as exc:
        raise ValueError(UNKNOWN_AGENCY.format(agency=agency)) from exc


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (Feb 29 -> Feb 28)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_group(age: int) -> str:
    """The reporting age groups of the state's reports: child 3-12, adolescent 13-17, adult 18+."""
    if age >= 18:
        return ADULT
    if age >= 13:
        return ADOLESCENT
    if age >= 3:
        return CHILD
    return UNDER_3


def age_group_cutoffs(day: date) -> tuple[tuple[date, str], ...]:
    """(latest birth date, group) pairs, oldest group first: born on or before the date -> that group.
    The database computes age groups from these, so no row is loaded to classify it."""
    return (
        (years_before(day, 18), ADULT),
        (years_before(day, 13), ADOLESCENT),
        (years_before(day, 3), CHILD),
    )


def export_period(
    *, label: str = "", start: date | None = None, end: date | None = None, today: date
) -> ReportingPeriod:
    """The period an export covers: a month, a quarter or a date range that does not start in the
    future and does not end before it starts."""
    if label and start is None and end is None:
        period = period_from_label(label)
        if period.kind not in {"month", "quarter"}:
            raise ValueError(ONLY_MONTH_OR_QUARTER)
    elif start is not None and end is not None and not label:
        period = period_from_dates(start, end)
    else:
        raise ValueError(BAD_PERIOD)
    if period.start > today:
        raise ValueError(FUTURE_PERIOD.format(label=period.label))
    return period


def last_full_quarter(today: date) -> ReportingPeriod:
    """The latest quarter that ended before today."""
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return period_from_label(f"{year}Q{quarter}")


def requested_agency(*, own: str, asked: str | None, is_admin: bool) -> str:
    """The agency an export is for: an agency user's own (asking for another is refused); an
    administrator names one."""
    if is_admin:
        if not asked:
            raise ValueError(UNKNOWN_AGENCY.format(agency=""))
        return agency_scope(asked).agency
    if not own:
        raise ValueError(NO_AGENCY)
    if asked and asked != own:
        raise ValueError(OTHER_AGENCY.format(own=own, asked=asked))
    return own


# ---- 42 CFR Part 2 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentTerms:
    recipient: str
    scope: str
    effective: date
    expires: date | None
    revoked_at: datetime | None


DETAIL_SCOPES = frozenset({"all_records", "utilization"})


def consent_covers(terms: ConsentTerms, *, recipient: str, at: datetime, on: date) -> bool:
    """A consent covers a disclosure of authorization records to `recipient` at `at` (local date
    `on`) when it names that recipient, its scope includes utilization records, `on` lies from its
    effective date to its expiry (inclusive) and it was not revoked by then."""
    if terms.recipient != recipient or terms.scope not in DETAIL_SCOPES:
        return False
    if on < terms.effective or (terms.expires is not None and on > terms.expires):
        return False
    return terms.revoked_at is None or terms.revoked_at > at


# ---- small-cell suppression -----------------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts with its margins; `hidden` cells (by (row, column), the margins being row
    index len(cells) and column index len(cells[0])) are shown as "<11"."""

    cells: tuple[tuple[int, ...], ...]
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    grand_total: int
    hidden: frozenset[tuple[int, int]]

    def shown(self, row: int, column: int) -> int | str:
        """The value to print: a count, or "<11"."""
        rows, cols = len(self.cells), len(self.column_totals)
        if (row, column) in self.hidden:
            return SUPPRESSED
        if row == rows and column == cols:
            return self.grand_total
        if row == rows:
            return self.column_totals[column]
        if column == cols:
            return self.row_totals[row]
        return self.cells[row][column]


def _primary(value: int) -> bool:
    return SUPPRESS_MIN <= value <= SUPPRESS_MAX


def suppress(cells: Sequence[Sequence[int]]) -> SuppressedTable:
    """Hide counts from 1 to 10 (primary suppression), then hide more cells (complementary
    suppression) until no row or column, margins included, has exactly one hidden value: a single
    hidden value in a line could be recovered by subtracting the others from the total.

    The complementary cell is the smallest positive visible count of the line (least information
    lost), else a visible zero, else the line's total.
    """
    grid = [list(row) for row in cells]
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    row_totals = [sum(r) for r in grid]
    column_totals = [sum(grid[r][c] for r in range(rows)) for c in range(cols)]
    grand = sum(row_totals)
    full = [[*grid[r], row_totals[r]] for r in range(rows)] + [[*column_totals, grand]]
    hidden = {(r, c) for r in range(rows + 1) for c in range(cols + 1) if _primary(full[r][c])}
    lines = [[(r, c) for c in range(cols + 1)] for r in range(rows + 1)]
    lines += [[(r, c) for r in range(rows + 1)] for c in range(cols + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for p in line if p in hidden) != 1:
                continue
            inner, margin = line[:-1], line[-1]
            visible = [p for p in inner if p not in hidden]
            positive = [p for p in visible if full[p[0]][p[1]] > 0]
            pool = positive or visible or ([margin] if margin not in hidden else [])
            if not pool:
                continue
            hidden.add(min(pool, key=lambda p: (full[p[0]][p[1]], p)))
            changed = True
    return SuppressedTable(
        cells=tuple(tuple(r) for r in grid),
        row_totals=tuple(row_totals),
        column_totals=tuple(column_totals),
        grand_total=grand,
        hidden=frozenset(hidden),
    )
