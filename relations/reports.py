"""Grievance volumes and timeliness, the sheet the oversight workbooks carry.

`grievance_report(queryset, start=..., end=..., as_of=...)` reads the grievances received in the
period (one query) and hands plain facts to `summarize_grievances`, a pure aggregation: per month of
receipt and category, how many were received, acknowledged and resolved, how many of those on time,
how many are open past a deadline, and the average days to resolution. Everything is counted as it
stood on `as_of` (an acknowledgment sent after that day counts as not yet sent), so a report re-run
later for the same day gives the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from relations.models import Grievance
from relations.rules import met_deadline


@dataclass(frozen=True)
class GrievanceFacts:
    """One grievance as the report needs it (local dates, America/New_York)."""

    month: str  # "2026-09": the month it was received
    category: str
    received_on: dt.date
    acknowledge_by: dt.date
    acknowledged_on: dt.date | None
    resolve_by: dt.date
    resolved_on: dt.date | None


@dataclass(frozen=True)
class GrievanceReportRow:
    month: str  # "" on the total row
    category: str  # "All categories" on the total row
    received: int
    acknowledged: int
    acknowledged_on_time: int
    acknowledgment_overdue: int
    resolved: int
    resolved_on_time: int
    open: int
    resolution_overdue: int
    average_days_to_resolve: float | None

    @property
    def acknowledgment_timeliness(self) -> float | None:
        """Share of acknowledgments sent on time (None when none was sent)."""
        return self.acknowledged_on_time / self.acknowledged if self.acknowledged else None

    @property
    def resolution_timeliness(self) -> float | None:
        """Share of resolutions made on time (None when none was made)."""
        return self.resolved_on_time / self.resolved if self.resolved else None


COLUMNS: tuple[tuple[str, str], ...] = (
    ("month", "Month received"),
    ("category", "Category"),
    ("received", "Received"),
    ("acknowledged", "Acknowledged"),
    ("acknowledged_on_time", "Acknowledged on time"),
    ("acknowledgment_timeliness", "Acknowledged on time (%)"),
    ("acknowledgment_overdue", "Acknowledgment overdue"),
    ("resolved", "Resolved"),
    ("resolved_on_time", "Resolved on time"),
    ("resolution_timeliness", "Resolved on time (%)"),
    ("open", "Open"),
    ("resolution_overdue", "Resolution overdue"),
    ("average_days_to_resolve", "Average days to resolve"),
)


@dataclass(frozen=True)
class GrievanceReport:
    start: dt.date
    end: dt.date
    as_of: dt.date
    rows: tuple[GrievanceReportRow, ...]
    total: GrievanceReportRow

    def table(self) -> list[list[Any]]:
        """Header and rows (the total last) as plain values, ready for a workbook sheet. Shares are
        percentages rounded to one decimal; empty cells are None."""
        header: list[Any] = [label for _, label in COLUMNS]
        return [header] + [_cells(row) for row in (*self.rows, self.total)]


def _cells(row: GrievanceReportRow) -> list[Any]:
    cells: list[Any] = []
    for key, _ in COLUMNS:
        value = getattr(row, key)
        if key.endswith("timeliness") and value is not None:
            value = round(value * 100, 1)
        elif key == "average_days_to_resolve" and value is not None:
            value = round(value, 1)
        cells.append(value)
    return cells


def _row(
    month: str, category: str, facts: list[GrievanceFacts], as_of: dt.date
) -> GrievanceReportRow:
    acknowledged = ack_on_time = ack_overdue = resolved = res_on_time = still_open = res_overdue = 0
    resolve_days: list[int] = []
    for fact in facts:
        ack_on = (
            fact.acknowledged_on if fact.acknowledged_on and fact.acknowledged_on <= as_of else None
        )
        res_on = fact.resolved_on if fact.resolved_on and fact.resolved_on <= as_of else None
        if ack_on is not None:
            acknowledged += 1
            ack_on_time += bool(met_deadline(ack_on, fact.acknowledge_by))
        elif as_of > fact.acknowledge_by:
            ack_overdue += 1
        if res_on is not None:
            resolved += 1
            res_on_time += bool(met_deadline(res_on, fact.resolve_by))
            resolve_days.append((res_on - fact.received_on).days)
        else:
            still_open += 1
            res_overdue += as_of > fact.resolve_by
    return GrievanceReportRow(
        month=month,
        category=category,
        received=len(facts),
        acknowledged=acknowledged,
        acknowledged_on_time=ack_on_time,
        acknowledgment_overdue=ack_overdue,
        resolved=resolved,
        resolved_on_time=res_on_time,
        open=still_open,
        resolution_overdue=res_overdue,
        average_days_to_resolve=sum(resolve_days) / len(resolve_days) if resolve_days else None,
    )


def summarize_grievances(
    facts: Iterable[GrievanceFacts], *, as_of: dt.date
) -> tuple[tuple[GrievanceReportRow, ...], GrievanceReportRow]:
    """Rows per (month received, category), sorted, and the total row. Pure: no database, no clock."""
    everything = list(facts)
    groups: dict[tuple[str, str], list[GrievanceFacts]] = defaultdict(list)
    for fact in everything:
        groups[(fact.month, fact.category)].append(fact)
    rows = tuple(_row(m, c, groups[(m, c)], as_of) for m, c in sorted(groups))
    return rows, _row("", "All categories", everything, as_of)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def grievance_facts(grievances: QuerySet[Grievance]) -> list[GrievanceFacts]:
    facts = []
    for received, category, ack_by, acked, res_by, resolved in grievances.values_list(
        "received_at",
        "category__label",
        "acknowledge_by",
        "acknowledged_at",
        "resolve_by",
        "resolved_at",
    ).order_by():
        received_on = timezone.localtime(received).date()
        facts.append(
            GrievanceFacts(
                month=f"{received_on:%Y-%m}",
                category=category,
                received_on=received_on,
                acknowledge_by=ack_by,
                acknowledged_on=_local_date(acked),
                resolve_by=res_by,
                resolved_on=_local_date(resolved),
            )
        )
    return facts


def grievance_report(
    grievances: QuerySet[Grievance], *, start: dt.date, end: dt.date, as_of: dt.date
) -> GrievanceReport:
    """Volumes and timeliness of the grievances in `grievances` received from `start` through `end`
    (local days), as they stood on `as_of`. The caller scopes the queryset (an agency's population,
    a region); this function only aggregates."""
    in_period = grievances.filter(received_at__date__gte=start, received_at__date__lte=end)
    rows, total = summarize_grievances(grievance_facts(in_period), as_of=as_of)
    return GrievanceReport(start=start, end=end, as_of=as_of, rows=rows, total=total)
