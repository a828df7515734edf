"""The pure rules: grievance clocks in business days with the state holidays read from the fixture
file, bed-report checks and the stale flag, bulletin audiences and dates. No database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from relations import rules
from relations.rules import Audience, BedLine, OfferedLevel, SiteProfile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _rows(name: str) -> list[dict]:
    return yaml.load((FIXTURES / name).read_text(), Loader=yaml.BaseLoader)["rows"]


HOLIDAYS = frozenset(
    dt.date.fromisoformat(row["date"])
    for row in _rows("ct_state_holidays.yaml")
    if row["calendar"] == "CT_STATE"
)
CLOCKS = {
    row["code"]: rules.Clock(i, row["code"], int(row["amount"]), row["unit"])
    for i, row in enumerate(_rows("service_clocks.yaml"), start=1)
    if "effective_to" not in row
}
ACK, RESOLUTION = CLOCKS["GRIEVANCE_ACKNOWLEDGMENT"], CLOCKS["GRIEVANCE_RESOLUTION"]
D = dt.date.fromisoformat


# --- the clock data ---------------------------------------------------------------------------------


def test_the_clock_defaults_are_five_business_days_and_ninety_calendar_days_as_data():
    assert (ACK.amount, ACK.unit) == (5, "business_days")
    assert (RESOLUTION.amount, RESOLUTION.unit) == (90, "calendar_days")
    assert (CLOCKS["BED_REPORT_STALE"].amount, CLOCKS["BED_REPORT_STALE"].unit) == (12, "hours")


def test_every_holiday_in_the_file_is_a_weekday_as_observed():
    assert all(day.weekday() < 5 for day in HOLIDAYS)
    assert {day.year for day in HOLIDAYS} >= {2024, 2025, 2026, 2027}


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("Thanksgiving 2026", "2026-11-26"),
        ("Independence Day 2026, a Saturday, observed Friday", "2026-07-03"),
        ("Lincoln's Birthday 2026", "2026-02-12"),
        ("Good Friday 2026", "2026-04-03"),
        ("Juneteenth 2027, a Saturday, observed Friday", "2027-06-18"),
        ("New Year's Day 2028, a Saturday, observed the Friday before", "2027-12-31"),
    ],
)
def test_the_calendar_holds_the_connecticut_holidays_as_observed(name, day):
    assert D(day) in HOLIDAYS, name


# --- business days ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        ("2026-11-16", "2026-11-23", "Monday -> next Monday: no holiday in between"),
        ("2026-11-23", "2026-12-01", "Thanksgiving (Thu) is skipped"),
        ("2026-07-04", "2026-07-10", "received on a Saturday: counting starts Monday"),
        ("2026-07-02", "2026-07-10", "the observed Independence Day (Fri Jul 3) is skipped"),
        ("2025-12-22", "2025-12-30", "Christmas Day is skipped"),
        ("2026-12-28", "2027-01-05", "across the year: New Year's Day 2027 is skipped"),
        ("2026-02-09", "2026-02-18", "Lincoln's Birthday and Washington's Birthday both skipped"),
    ],
)
def test_the_acknowledgment_is_due_five_business_days_after_receipt(received, due, why):
    assert rules.deadline_on(D(received), ACK, HOLIDAYS) == D(due), why


def test_without_the_holiday_data_thanksgiving_week_would_come_out_a_day_early():
    assert rules.deadline_on(D("2026-11-23"), ACK, frozenset()) == D("2026-11-30")


def test_the_resolution_is_due_ninety_calendar_days_after_receipt_holidays_or_not():
    assert rules.deadline_on(D("2026-11-23"), RESOLUTION, HOLIDAYS) == D("2027-02-21")
    deadlines = rules.grievance_deadlines(D("2026-11-23"), ACK, RESOLUTION, HOLIDAYS)
    assert (deadlines.acknowledge_by, deadlines.resolve_by) == (D("2026-12-01"), D("2027-02-21"))
    assert (deadlines.ack_clock_id, deadlines.resolution_clock_id) == (ACK.id, RESOLUTION.id)


def test_an_hour_clock_is_not_a_day_clock_and_the_other_way_round():
    with pytest.raises(ValueError, match="not days"):
        rules.deadline_on(D("2026-11-23"), CLOCKS["BED_REPORT_STALE"], HOLIDAYS)
    with pytest.raises(ValueError, match="not hours"):
        rules.clock_duration(ACK)


@given(
    start=st.dates(min_value=D("2024-01-01"), max_value=D("2027-11-30")),
    days=st.integers(min_value=1, max_value=30),
)
def test_adding_business_days_lands_on_a_business_day_that_many_business_days_later(start, days):
    due = rules.add_business_days(start, days, HOLIDAYS)
    assert due > start
    assert rules.is_business_day(due, HOLIDAYS)
    assert rules.business_days_between(start, due, HOLIDAYS) == days
    assert rules.business_days_between(due, start, HOLIDAYS) == -days


# --- time left in the work queue ------------------------------------------------------------------


def _left(today: str, *, acknowledged: bool = False, resolved: bool = False) -> rules.TimeLeft:
    return rules.grievance_time_left(
        acknowledged=acknowledged,
        resolved=resolved,
        acknowledge_by=D("2026-12-01"),
        resolve_by=D("2027-02-21"),
        today=D(today),
        holidays=HOLIDAYS,
    )


def test_an_unacknowledged_grievance_is_timed_by_its_acknowledgment():
    left = _left("2026-11-24")
    assert (left.stage, left.due, left.days_left) == ("acknowledge", D("2026-12-01"), 7)
    assert left.business_days_left == 4 and not left.overdue  # Wed, Fri, Mon, Tue


def test_a_late_acknowledgment_shows_how_many_business_days_overdue():
    left = _left("2026-12-03")
    assert left.overdue and left.business_days_left == -2 and left.days_left == -2


def test_once_acknowledged_the_resolution_clock_is_next_and_a_resolved_one_is_closed():
    assert _left("2026-12-03", acknowledged=True).stage == "resolve"
    assert not _left("2026-12-03", acknowledged=True).overdue
    closed = _left("2027-03-01", acknowledged=True, resolved=True)
    assert (closed.stage, closed.due, closed.overdue) == ("closed", None, False)


def test_a_deadline_is_met_on_the_due_day_and_missed_the_day_after():
    assert rules.met_deadline(D("2026-12-01"), D("2026-12-01")) is True
    assert rules.met_deadline(D("2026-12-02"), D("2026-12-01")) is False
    assert rules.met_deadline(None, D("2026-12-01")) is None


# --- intake -----------------------------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)


def test_a_grievance_without_member_or_category_lists_both_reasons():
    problems = rules.check_grievance(
        has_member=False, has_category=False, description="Rude staff", received_at=NOW, now=NOW
    )
    assert [p.message for p in problems] == [rules.NO_MEMBER, rules.NO_CATEGORY]


def test_a_warm_transfer_needs_a_care_manager():
    def check(has: bool, is_cm: bool) -> set[str]:
        return {
            p.code
            for p in rules.check_contact(
                outcome="warm_transfer",
                has_transfer_target=has,
                target_is_care_manager=is_cm,
                received_at=NOW,
                now=NOW,
            )
        }

    assert check(False, False) == {"no_transfer_target"}
    assert check(True, False) == {"transfer_not_care_manager"}
    assert check(True, True) == set()


# --- beds -------------------------------------------------------------------------------------------

IP_ADULT = OfferedLevel("IP_PSY", "Inpatient psychiatric", 18, 120)


def _line(**changes) -> BedLine:  # type: ignore[no-untyped-def]
    values = {
        "level_code": "IP_PSY",
        "level_name": "Inpatient psychiatric",
        "unit": "adult",
        "gender": "any",
        "open_beds": 3,
        "staffed_beds": 20,
    }
    return BedLine(**{**values, **changes})


def _bed_codes(*lines: BedLine, at: dt.datetime = NOW) -> set[str]:
    problems = rules.check_bed_report(lines, {"IP_PSY": IP_ADULT}, reported_at=at, now=NOW)
    return {p.code for p in problems}


def test_a_good_bed_report_passes():
    assert _bed_codes(_line(), _line(gender="female", open_beds=0)) == set()


def test_a_level_the_site_does_not_offer_is_refused_with_its_name():
    problems = rules.check_bed_report(
        [_line(level_code="RTC", level_name="Residential treatment center")],
        {"IP_PSY": IP_ADULT},
        reported_at=NOW,
        now=NOW,
    )
    assert [p.code for p in problems] == ["level_not_offered"]
    assert "does not offer Residential treatment center" in problems[0].message


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (_line(open_beds=-1), "negative_open"),
        (_line(staffed_beds=-2, open_beds=0), "negative_staffed"),
        (_line(open_beds=21), "open_over_staffed"),
        (_line(unit="child"), "unit_not_served"),
    ],
)
def test_bad_lines_are_refused(line, code):
    assert _bed_codes(line) == {code}


def test_an_empty_report_a_duplicate_unit_and_a_future_date_are_refused():
    assert _bed_codes() == {"no_lines"}
    assert _bed_codes(_line(), _line()) == {"duplicate_line"}
    assert _bed_codes(_line(), at=NOW + dt.timedelta(minutes=6)) == {"in_future"}
    assert _bed_codes(_line(), at=NOW + dt.timedelta(minutes=4)) == set()  # clock skew tolerated


TWELVE_HOURS = dt.timedelta(hours=12)


@pytest.mark.parametrize(
    ("age", "stale"),
    [
        (dt.timedelta(hours=3), False),
        (dt.timedelta(hours=11, minutes=59), False),
        (dt.timedelta(hours=12), False),
        (dt.timedelta(hours=12, minutes=1), True),
        (dt.timedelta(days=3), True),
    ],
)
def test_a_site_is_flagged_when_its_latest_report_is_older_than_twelve_hours(age, stale):
    assert rules.bed_report_is_stale(NOW - age, NOW, TWELVE_HOURS) is stale


def test_a_site_that_never_reported_is_flagged():
    assert rules.bed_report_is_stale(None, NOW, TWELVE_HOURS)


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "0 min"), (45, "45 min"), (185, "3 h 05 min"), (3000, "2 d 2 h")]
)
def test_the_board_says_how_old_a_figure_is(minutes, text):
    assert rules.describe_age(dt.timedelta(minutes=minutes)) == text


# --- bulletins --------------------------------------------------------------------------------------

HARTFORD_CLINIC = SiteProfile("R4", frozenset({"OP", "IOP"}))
NEW_HAVEN_HOSPITAL = SiteProfile("R2", frozenset({"IP_PSY", "OP"}))


@pytest.mark.parametrize(
    ("audience", "sites", "reaches"),
    [
        (Audience(everyone=True), [], True),
        (Audience(False, levels=frozenset({"IP_PSY"})), [HARTFORD_CLINIC], False),
        (
            Audience(False, levels=frozenset({"IP_PSY"})),
            [HARTFORD_CLINIC, NEW_HAVEN_HOSPITAL],
            True,
        ),
        (Audience(False, regions=frozenset({"R4"})), [HARTFORD_CLINIC], True),
        (Audience(False, regions=frozenset({"R1", "R5"})), [HARTFORD_CLINIC], False),
        # levels and regions together: both at the same site
        (
            Audience(False, levels=frozenset({"IP_PSY"}), regions=frozenset({"R4"})),
            [HARTFORD_CLINIC, NEW_HAVEN_HOSPITAL],
            False,
        ),
        (
            Audience(False, levels=frozenset({"IOP"}), regions=frozenset({"R4"})),
            [HARTFORD_CLINIC, NEW_HAVEN_HOSPITAL],
            True,
        ),
        (Audience(False, regions=frozenset({"R4"})), [], False),
    ],
)
def test_a_bulletin_reaches_the_providers_its_audience_names(audience, sites, reaches):
    assert rules.bulletin_reaches(audience, sites) is reaches


def _bulletin_codes(publish: str, expires: str | None, audience: Audience) -> set[str]:
    problems = rules.check_bulletin(
        publish_on=D(publish),
        expires_on=D(expires) if expires else None,
        audience=audience,
        known_levels={"IP_PSY", "OP"},
        known_regions={"R1", "R2"},
    )
    return {p.code for p in problems}


def test_a_bulletin_expiring_before_its_publication_is_refused_the_same_day_is_fine():
    everyone = Audience(everyone=True)
    assert _bulletin_codes("2026-12-01", "2026-11-30", everyone) == {"expiry_before_publication"}
    assert _bulletin_codes("2026-12-01", "2026-12-01", everyone) == set()
    assert _bulletin_codes("2026-12-01", None, everyone) == set()


def test_a_bulletin_needs_one_clear_audience_of_known_codes():
    assert _bulletin_codes("2026-12-01", None, Audience(everyone=False)) == {"no_audience"}
    both = Audience(everyone=True, regions=frozenset({"R1"}))
    assert _bulletin_codes("2026-12-01", None, both) == {"audience_both"}
    unknown = Audience(False, levels=frozenset({"XX"}), regions=frozenset({"R9"}))
    assert _bulletin_codes("2026-12-01", None, unknown) == {"unknown_level", "unknown_region"}


def test_a_bulletin_is_shown_from_publication_through_expiry():
    assert not rules.bulletin_is_current(D("2026-12-01"), None, D("2026-11-30"))
    assert rules.bulletin_is_current(D("2026-12-01"), D("2026-12-31"), D("2026-12-31"))
    assert not rules.bulletin_is_current(D("2026-12-01"), D("2026-12-31"), D("2027-01-01"))


def test_attachments_are_documents_of_at_most_ten_megabytes():
    assert rules.check_attachment("manual.PDF", 1000) is None
    assert rules.check_attachment("run.exe", 1000).code == "attachment_type"  # type: ignore[union-attr]
    assert rules.check_attachment("big.pdf", 11 * 1024 * 1024).code == "attachment_size"  # type: ignore[union-attr]
