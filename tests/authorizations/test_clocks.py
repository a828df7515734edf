"""Turnaround clock rules: each urgency, dated rows, extensions, deemed denial, windows, business days,
and daylight-saving changes. Pure: the clock rows come straight from fixtures/turnaround_clocks.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from authorizations.rules.clocks import (
    EXTENSION_NO_REASON,
    EXTENSION_TOO_LATE,
    EXTENSION_TOO_LONG,
    EXTENSION_TWICE,
    NEW_YORK,
    BusinessCalendar,
    Clock,
    NaiveDatetimeError,
    NoClockError,
    breach_risk,
    clock_in_force,
    concurrent_window,
    deadline,
    decision_deadline,
    extension_check,
    is_deemed_denial,
    last_day_of_window,
    shift,
    time_left_label,
    utc,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _fixture_clocks() -> tuple[Clock, ...]:
    rows = yaml.safe_load((FIXTURES / "turnaround_clocks.yaml").read_text())["rows"]
    return tuple(
        Clock(
            code=r["code"],
            amount=r["amount"],
            unit=r["unit"],
            effective_from=r["effective_from"],
            effective_to=r.get("effective_to"),
        )
        for r in rows
    )


def _fixture_calendar() -> BusinessCalendar:
    rows = yaml.safe_load((FIXTURES / "holidays.yaml").read_text())["rows"]
    return BusinessCalendar(frozenset(r["date"] for r in rows))


CLOCKS = _fixture_clocks()
CALENDAR = _fixture_calendar()


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


# -- each urgency ---------------------------------------------------------------------------------


def test_standard_is_seven_calendar_days_from_receipt_from_2026():
    due = decision_deadline(ny(2026, 6, 1, 9, 30), "standard", CLOCKS)
    assert due.due_at == ny(2026, 6, 8, 9, 30)
    assert (due.clock.code, due.clock.amount, due.clock.unit) == ("PA_STANDARD", 7, "calendar_days")


def test_standard_was_fourteen_days_before_2026_by_the_day_of_receipt():
    late_2025 = decision_deadline(ny(2025, 12, 31, 23, 0), "standard", CLOCKS)
    early_2026 = decision_deadline(ny(2026, 1, 1, 0, 30), "standard", CLOCKS)
    assert late_2025.due_at == ny(2026, 1, 14, 23, 0)
    assert early_2026.due_at == ny(2026, 1, 8, 0, 30)


def test_receipt_day_is_the_new_york_day_not_the_utc_day():
    # 2026-01-01 03:00 UTC is still Dec 31 in New York: the 14-day row applies.
    received = dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.UTC)
    assert decision_deadline(received, "standard", CLOCKS).clock.amount == 14


def test_expedited_is_72_hours():
    assert decision_deadline(ny(2026, 6, 1, 9, 0), "expedited", CLOCKS).due_at == ny(
        2026, 6, 4, 9, 0
    )


def test_urgent_concurrent_is_24_hours():
    assert decision_deadline(ny(2026, 6, 1, 16, 45), "urgent_concurrent", CLOCKS).due_at == ny(
        2026, 6, 2, 16, 45
    )


def test_unknown_urgency_and_missing_clock_are_clear_errors():
    with pytest.raises(ValueError, match="Unknown urgency"):
        decision_deadline(ny(2026, 6, 1), "whenever", CLOCKS)
    with pytest.raises(NoClockError, match="PA_STANDARD"):
        clock_in_force(CLOCKS, "PA_STANDARD", dt.date(2012, 12, 31))


def test_naive_datetimes_are_refused():
    with pytest.raises(NaiveDatetimeError):
        decision_deadline(dt.datetime(2026, 6, 1, 9, 0), "standard", CLOCKS)


# -- daylight-saving changes ----------------------------------------------------------------------


def test_72_hours_across_spring_forward_are_72_real_hours():
    # DST starts Sunday 2026-03-08 02:00 EST -> 03:00 EDT.
    received = ny(2026, 3, 7, 10, 0)  # EST
    due = decision_deadline(received, "expedited", CLOCKS).due_at
    assert due == ny(2026, 3, 10, 11, 0)  # EDT: the wall clock shows 11:00
    assert utc(due) - utc(received) == dt.timedelta(hours=72)
    assert due.utcoffset() == dt.timedelta(hours=-4)


def test_72_hours_across_fall_back_are_72_real_hours():
    # DST ends Sunday 2026-11-01 02:00 EDT -> 01:00 EST.
    received = ny(2026, 10, 31, 10, 0)  # EDT
    due = decision_deadline(received, "expedited", CLOCKS).due_at
    assert due == ny(2026, 11, 3, 9, 0)
    assert utc(due) - utc(received) == dt.timedelta(hours=72)


def test_seven_calendar_days_keep_the_wall_clock_across_spring_forward():
    received = ny(2026, 3, 5, 10, 0)
    due = decision_deadline(received, "standard", CLOCKS).due_at
    assert due.astimezone(NEW_YORK).replace(tzinfo=None) == dt.datetime(2026, 3, 12, 10, 0)
    assert utc(due) - utc(received) == dt.timedelta(
        days=7, hours=-1
    )  # one hour shorter in real time


def test_seven_calendar_days_keep_the_wall_clock_across_fall_back():
    received = ny(2026, 10, 29, 10, 0)
    due = decision_deadline(received, "standard", CLOCKS).due_at
    assert due.astimezone(NEW_YORK).replace(tzinfo=None) == dt.datetime(2026, 11, 5, 10, 0)
    assert utc(due) - utc(received) == dt.timedelta(days=7, hours=1)


def test_a_deadline_in_the_spring_gap_moves_forward_past_it():
    # Received Sunday 2026-03-01 02:30; seven days later 02:30 does not exist in New York.
    due = shift(ny(2026, 3, 1, 2, 30), 7, "calendar_days")
    assert due.astimezone(NEW_YORK).replace(tzinfo=None) == dt.datetime(2026, 3, 8, 3, 30)


def test_a_deadline_in_the_repeated_fall_hour_takes_the_earlier_occurrence():
    due = shift(ny(2026, 10, 25, 1, 30), 7, "calendar_days")
    assert due.utcoffset() == dt.timedelta(hours=-4)  # 01:30 EDT, before the clocks go back
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)


def test_24_hours_received_in_the_repeated_hour():
    first = dt.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK, fold=0)  # EDT
    second = dt.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK, fold=1)  # EST, an hour later
    later = decision_deadline(second, "urgent_concurrent", CLOCKS).due_at
    earlier = decision_deadline(first, "urgent_concurrent", CLOCKS).due_at
    assert utc(later) - utc(earlier) == dt.timedelta(hours=1)


@given(
    st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.just(NEW_YORK),
    ),
    st.sampled_from(["standard", "expedited", "urgent_concurrent"]),
)
def test_every_deadline_is_after_receipt_and_within_one_hour_of_its_nominal_length(
    received, urgency
):
    due = decision_deadline(received, urgency, CLOCKS)
    nominal = {"standard": 7 * 24, "expedited": 72, "urgent_concurrent": 24}[urgency]
    elapsed = (utc(due.due_at) - utc(received)).total_seconds() / 3600
    assert utc(due.due_at) > utc(received)
    assert abs(elapsed - nominal) <= 1


# -- business days --------------------------------------------------------------------------------


def test_peer_to_peer_is_due_by_the_end_of_the_next_business_day():
    due = deadline(ny(2026, 6, 10, 15, 0), "PEER_TO_PEER", CLOCKS, CALENDAR).due_at  # Wednesday
    assert due == ny(2026, 6, 12, 0, 0)  # end of Thursday


def test_weekends_and_holidays_do_not_count_as_business_days():
    # Thursday 2026-11-26 is Thanksgiving: asked Wednesday evening -> end of Friday.
    assert deadline(ny(2026, 11, 25, 18, 0), "PEER_TO_PEER", CLOCKS, CALENDAR).due_at == ny(
        2026, 11, 28, 0, 0
    )
    # Asked Thursday 2026-07-02; Friday 07-03 is Independence Day (observed) -> end of Monday.
    assert deadline(ny(2026, 7, 2, 9, 0), "PEER_TO_PEER", CLOCKS, CALENDAR).due_at == ny(
        2026, 7, 7, 0, 0
    )
    # Asked on a Saturday -> end of Monday.
    assert deadline(ny(2026, 6, 13, 9, 0), "PEER_TO_PEER", CLOCKS, CALENDAR).due_at == ny(
        2026, 6, 16, 0, 0
    )


def test_the_holiday_calendar_is_data():
    plain = deadline(ny(2026, 11, 25, 18, 0), "PEER_TO_PEER", CLOCKS, BusinessCalendar()).due_at
    assert plain == ny(2026, 11, 27, 0, 0)  # without the holiday list Thanksgiving counts


def test_business_day_deadline_across_spring_forward_is_local_midnight():
    # Friday 2026-03-06 -> Monday 03-09 (after the change): due at Tuesday 00:00 EDT.
    due = deadline(ny(2026, 3, 6, 16, 0), "PEER_TO_PEER", CLOCKS, CALENDAR).due_at
    assert due == ny(2026, 3, 10, 0, 0) and due.utcoffset() == dt.timedelta(hours=-4)


# -- extensions -----------------------------------------------------------------------------------

REASON = "We asked the hospital for the psychiatric evaluation and the medication history."


def test_an_extension_adds_up_to_fourteen_days_to_the_current_deadline():
    due = ny(2026, 6, 8, 9, 30)
    verdict = extension_check(
        due_at=due,
        already_extended=False,
        decided=False,
        days=14,
        reason=REASON,
        now=ny(2026, 6, 5, 12, 0),
        clocks=CLOCKS,
    )
    assert verdict.allowed and verdict.due_at == ny(2026, 6, 22, 9, 30)


def test_an_extension_across_spring_forward_keeps_the_wall_clock():
    verdict = extension_check(
        due_at=ny(2026, 3, 2, 9, 0),
        already_extended=False,
        decided=False,
        days=14,
        reason=REASON,
        now=ny(2026, 3, 1, 9, 0),
        clocks=CLOCKS,
    )
    assert verdict.due_at == ny(2026, 3, 16, 9, 0)
    assert verdict.due_at.utcoffset() == dt.timedelta(hours=-4)


def test_every_extension_problem_is_listed_at_once():
    due = ny(2026, 6, 8, 9, 30)
    verdict = extension_check(
        due_at=due,
        already_extended=True,
        decided=False,
        days=15,
        reason="more time",
        now=ny(2026, 6, 8, 10, 0),
        clocks=CLOCKS,
    )
    assert not verdict.allowed and verdict.due_at is None
    assert set(verdict.problems) == {
        EXTENSION_TWICE,
        EXTENSION_TOO_LONG.format(most=14),
        EXTENSION_NO_REASON.format(least=20),
        EXTENSION_TOO_LATE.format(due="Jun 8, 2026 9:30 AM EDT"),
    }


# -- deemed denial --------------------------------------------------------------------------------


def test_past_due_without_a_decision_is_a_deemed_denial():
    due = ny(2026, 6, 8, 9, 30)
    assert not is_deemed_denial(due_at=due, decided_at=None, now=ny(2026, 6, 8, 9, 29))
    assert not is_deemed_denial(due_at=due, decided_at=None, now=due)
    assert is_deemed_denial(due_at=due, decided_at=None, now=ny(2026, 6, 8, 9, 31))


def test_a_decision_in_time_is_not_a_deemed_denial_but_a_late_one_was():
    due = ny(2026, 6, 8, 9, 30)
    later = ny(2026, 6, 20)
    assert not is_deemed_denial(due_at=due, decided_at=ny(2026, 6, 8, 9, 0), now=later)
    assert is_deemed_denial(due_at=due, decided_at=ny(2026, 6, 8, 10, 0), now=later)


def test_deemed_denial_across_fall_back_compares_instants():
    due = dt.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK, fold=1)  # 01:30 EST, the second one
    first_130 = dt.datetime(2026, 11, 1, 1, 45, tzinfo=NEW_YORK, fold=0)  # 01:45 EDT: earlier
    assert not is_deemed_denial(due_at=due, decided_at=None, now=first_130)


# -- concurrent windows, filing windows -----------------------------------------------------------


def test_acute_concurrent_requests_must_arrive_four_hours_before_expiry():
    window = concurrent_window(
        end=dt.date(2026, 6, 10), acute=True, clocks=CLOCKS, on=dt.date(2026, 6, 1)
    )
    assert window.opens is None and window.closes == ny(2026, 6, 10, 20, 0)
    assert window.problem(ny(2026, 6, 10, 19, 59)) is None
    assert "closed" in (window.problem(ny(2026, 6, 10, 20, 1)) or "")


def test_other_concurrent_requests_open_48_hours_before_expiry():
    window = concurrent_window(
        end=dt.date(2026, 6, 10), acute=False, clocks=CLOCKS, on=dt.date(2026, 6, 1)
    )
    assert window.opens == ny(2026, 6, 9, 0, 0) and window.closes == ny(2026, 6, 11, 0, 0)
    assert "from Jun 9, 2026 12:00 AM EDT" in (window.problem(ny(2026, 6, 8, 23, 0)) or "")
    assert window.problem(ny(2026, 6, 10, 23, 0)) is None


def test_the_48_hour_window_across_spring_forward_is_48_real_hours():
    window = concurrent_window(
        end=dt.date(2026, 3, 8), acute=False, clocks=CLOCKS, on=dt.date(2026, 3, 1)
    )
    assert window.opens is not None
    assert utc(window.closes) - utc(window.opens) == dt.timedelta(hours=48)
    assert window.opens == ny(2026, 3, 6, 23, 0)  # wall clock 23:00 EST, not midnight


def test_appeal_filing_window_is_sixty_days_from_the_notice():
    assert last_day_of_window(ny(2026, 6, 1, 17, 0), "APPEAL_FILING", CLOCKS) == dt.date(
        2026, 7, 31
    )
    assert last_day_of_window(ny(2026, 6, 1, 17, 0), "FAIR_HEARING", CLOCKS) == dt.date(2026, 9, 29)


def test_appeal_clocks_standard_30_days_expedited_72_hours():
    filed = ny(2026, 3, 6, 12, 0)
    assert deadline(filed, "APPEAL_STANDARD", CLOCKS).due_at == ny(2026, 4, 5, 12, 0)
    assert deadline(filed, "APPEAL_EXPEDITED", CLOCKS).due_at == ny(2026, 3, 9, 13, 0)


# -- breach risk ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours_in", "level"),
    [(10, "low"), (40, "medium"), (60, "high"), (72, "overdue"), (80, "overdue")],
)
def test_breach_risk_by_share_of_the_clock_left(hours_in, level):
    received = ny(2026, 6, 1, 9, 0)
    due = received + dt.timedelta(hours=72)
    risk = breach_risk(
        received_at=received, due_at=due, now=received + dt.timedelta(hours=hours_in)
    )
    assert risk.level == level


def test_time_left_reads_plainly():
    assert time_left_label(2 * 86400 + 3 * 3600 + 59) == "2 d 3 h"
    assert time_left_label(5 * 3600 + 600) == "5 h 10 min"
    assert time_left_label(-45 * 60) == "overdue by 45 min"
