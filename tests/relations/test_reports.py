"""The grievance sheet of the oversight workbooks, against figures computed by hand.

Six grievances received December 2025 - February 2026, report as of March 31, 2026:

| # | received | category | ack due | acknowledged | resolve due | resolved | notes |
|---|---|---|---|---|---|---|---|
| g1 | 2026-01-05 | ACCESS | 01-12 | 01-07 on time | 04-05 | 02-04 on time | 30 days |
| g2 | 2026-01-20 | ACCESS | 01-27 | 01-29 late | 04-20 | 03-01 on time | 40 days |
| g3 | 2026-01-10 | QUALITY | 01-16 | never: overdue | 04-10 | open, not yet due | |
| g4 | 2026-02-02 | ACCESS | 02-09 | 02-03 on time | 05-03 | 04-15: after as-of, open | |
| g5 | 2025-12-01 | RIGHTS | 12-08 | 12-05 on time | 03-01 | open: overdue | |
| g6 | 2025-12-15 | RIGHTS | 12-22 | 12-22 on the due day | 03-15 | 03-16 late | 91 days |

Totals: 6 received; 5 acknowledged, 4 on time (80.0 %), 1 acknowledgment overdue; 3 resolved,
2 on time (66.7 %); 3 open, 1 past its resolution date; average (30 + 40 + 91) / 3 = 53.7 days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import Member
from relations.models import Grievance, GrievanceCategory, ServiceClock
from relations.reports import (
    GrievanceFacts,
    GrievanceReportRow,
    grievance_report,
    summarize_grievances,
)
from tests.relations.conftest import at

D = dt.date.fromisoformat
AS_OF = D("2026-03-31")
CASES = (  # received, category, ack due, acknowledged, resolve due, resolved
    ("2026-01-05", "ACCESS", "2026-01-12", "2026-01-07", "2026-04-05", "2026-02-04"),
    ("2026-01-20", "ACCESS", "2026-01-27", "2026-01-29", "2026-04-20", "2026-03-01"),
    ("2026-01-10", "QUALITY", "2026-01-16", None, "2026-04-10", None),
    ("2026-02-02", "ACCESS", "2026-02-09", "2026-02-03", "2026-05-03", "2026-04-15"),
    ("2025-12-01", "RIGHTS", "2025-12-08", "2025-12-05", "2026-03-01", None),
    ("2025-12-15", "RIGHTS", "2025-12-22", "2025-12-22", "2026-03-15", "2026-03-16"),
)
EXPECTED_ROWS = [
    #  month,     category, rcv ack ontime ovd res ontime open ovd  avg
    ("2025-12", "RIGHTS", 2, 2, 2, 0, 1, 0, 1, 1, 91.0),
    ("2026-01", "ACCESS", 2, 2, 1, 0, 2, 2, 0, 0, 35.0),
    ("2026-01", "QUALITY", 1, 0, 0, 1, 0, 0, 1, 0, None),
    ("2026-02", "ACCESS", 1, 1, 1, 0, 0, 0, 1, 0, None),
]
EXPECTED_TOTAL = ["", "All categories", 6, 5, 4, 80.0, 1, 3, 2, 66.7, 3, 1, 53.7]


def _facts() -> list[GrievanceFacts]:
    return [
        GrievanceFacts(
            month=received[:7],
            category=category,
            received_on=D(received),
            acknowledge_by=D(ack_by),
            acknowledged_on=D(acked) if acked else None,
            resolve_by=D(res_by),
            resolved_on=D(resolved) if resolved else None,
        )
        for received, category, ack_by, acked, res_by, resolved in CASES
    ]


def _as_tuple(row: GrievanceReportRow) -> tuple:
    return (
        row.month,
        row.category,
        row.received,
        row.acknowledged,
        row.acknowledged_on_time,
        row.acknowledgment_overdue,
        row.resolved,
        row.resolved_on_time,
        row.open,
        row.resolution_overdue,
        row.average_days_to_resolve,
    )


def test_the_pure_aggregation_matches_the_hand_computed_sheet():
    rows, total = summarize_grievances(_facts(), as_of=AS_OF)
    assert [_as_tuple(r) for r in rows] == EXPECTED_ROWS
    assert total.received == 6 and total.acknowledgment_timeliness == 0.8
    assert round(total.resolution_timeliness or 0, 4) == 0.6667


def test_an_empty_period_gives_an_empty_sheet_with_a_zero_total():
    rows, total = summarize_grievances([], as_of=AS_OF)
    assert rows == () and total.received == 0 and total.acknowledgment_timeliness is None


def test_a_later_as_of_date_counts_the_resolution_made_after_the_first_one():
    _, total = summarize_grievances(_facts(), as_of=D("2026-04-30"))
    assert (total.resolved, total.open) == (4, 2)  # g4 resolved on 04-15


@pytest.mark.django_db
def test_the_report_over_a_queryset_reads_local_dates_and_the_period(ref):
    member = Member.objects.create(
        medicaid_id="555000111", last_name="Ortiz", first_name="Luz", birth_date=D("1975-03-03")
    )
    clocks = {
        "ack_clock": ServiceClock.objects.get(code="GRIEVANCE_ACKNOWLEDGMENT"),
        "resolution_clock": ServiceClock.objects.get(code="GRIEVANCE_RESOLUTION"),
    }
    labels = {"ACCESS": "ACCESS", "QUALITY": "QUALITY_OF_CARE", "RIGHTS": "RIGHTS"}
    for received, category, ack_by, acked, res_by, resolved in CASES:
        status = "resolved" if resolved else ("acknowledged" if acked else "received")
        Grievance.objects.create(
            member=member,
            category=GrievanceCategory.objects.get(code=labels[category]),
            received_at=at(f"{received} 12:00"),
            filed_by="member",
            description="x",
            acknowledge_by=D(ack_by),
            acknowledged_at=at(f"{acked} 23:30") if acked else None,  # late evening: still that day
            resolve_by=D(res_by),
            resolved_at=at(f"{resolved} 09:00") if resolved else None,
            outcome="substantiated" if resolved else "",
            status=status,
            **clocks,
        )
    outside = {"member": member, "filed_by": "member", "description": "x", **clocks}
    category = GrievanceCategory.objects.get(code="OTHER")
    for received in ("2025-11-30 23:30", "2026-04-01 00:30"):  # just outside, New York time
        Grievance.objects.create(
            category=category,
            received_at=at(received),
            acknowledge_by=D("2026-04-08"),
            resolve_by=D("2026-06-30"),
            **outside,
        )
    report = grievance_report(
        Grievance.objects.all(), start=D("2025-12-01"), end=D("2026-03-31"), as_of=AS_OF
    )
    table = report.table()
    assert table[0][:3] == ["Month received", "Category", "Received"]
    assert table[-1] == EXPECTED_TOTAL
    assert [row[:3] for row in table[1:-1]] == [
        ["2025-12", "Member rights or confidentiality", 2],
        ["2026-01", "Access to care or wait times", 2],
        ["2026-01", "Quality of care", 1],
        ["2026-02", "Access to care or wait times", 1],
    ]
