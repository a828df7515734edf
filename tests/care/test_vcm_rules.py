"""VCM pure rules: eligibility, outreach and plan clocks, the three outcome rates by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from authorizations.rules.clocks import BusinessCalendar
from care import rules_vcm
from care.rules_vcm import ALL_REGIONS, OutcomeRecord, ProgramRule

RULE = ProgramRule(
    outreach_business_days=2, max_outreach_attempts=3, plan_due_days=30, max_age_years=18
)
ON = dt.date(2026, 3, 10)


def check(birth: dt.date, *, eligible: bool = True, consent: bool = True):  # type: ignore[no-untyped-def]
    return rules_vcm.referral_eligibility(
        birth_date=birth, on=ON, problem_eligible=eligible, consent=consent, rule=RULE
    )


def test_a_child_under_18_with_an_eligible_problem_and_consent_is_eligible():
    result = check(dt.date(2010, 3, 11))
    assert result.eligible and result.reasons == () and result.age == 15


def test_the_eighteenth_birthday_ends_eligibility():
    assert check(dt.date(2008, 3, 11)).eligible  # 17, turns 18 tomorrow
    assert check(dt.date(2008, 3, 10)).reasons == ("too_old",)


def test_every_failed_check_is_reported():
    result = check(dt.date(1990, 1, 1), eligible=False, consent=False)
    assert result.reasons == ("too_old", "problem_not_eligible", "no_consent")


def test_a_birth_date_after_the_referral_is_refused():
    assert check(dt.date(2026, 4, 1)).reasons == ("not_born",)


def test_first_attempt_is_due_two_business_days_after_arrival_skipping_weekend_and_holiday():
    friday = dt.date(2026, 5, 22)  # Memorial Day is Monday 25 May
    calendar = BusinessCalendar(frozenset({dt.date(2026, 5, 25)}))
    assert rules_vcm.first_attempt_due(friday, RULE, calendar) == dt.date(2026, 5, 27)
    assert rules_vcm.first_attempt_due(dt.date(2026, 3, 10), RULE, BusinessCalendar()) == dt.date(
        2026, 3, 12
    )


def test_outreach_is_late_only_after_the_due_day():
    due = dt.date(2026, 3, 12)
    assert not rules_vcm.outreach_late(due=due, first_attempt_on=due, today=dt.date(2026, 4, 1))
    assert rules_vcm.outreach_late(due=due, first_attempt_on=dt.date(2026, 3, 13), today=due)
    assert not rules_vcm.outreach_late(due=due, first_attempt_on=None, today=due)
    assert rules_vcm.outreach_late(due=due, first_attempt_on=None, today=dt.date(2026, 3, 13))


def test_unable_to_reach_needs_the_configured_attempts():
    assert not rules_vcm.may_close_unreachable(attempts_not_reached=2, rule=RULE)
    assert rules_vcm.may_close_unreachable(attempts_not_reached=3, rule=RULE)


def test_plan_is_due_30_days_after_engagement_and_on_time_on_the_due_day():
    due = rules_vcm.plan_due(dt.date(2026, 1, 31), RULE)
    assert due == dt.date(2026, 3, 2)
    assert rules_vcm.plan_on_time(due=due, first_effective_on=due)
    assert not rules_vcm.plan_on_time(due=due, first_effective_on=due + dt.timedelta(days=1))
    assert not rules_vcm.plan_on_time(due=due, first_effective_on=None)


@pytest.mark.parametrize(
    ("day", "grain", "label"),
    [(dt.date(2026, 2, 3), "month", "2026-02"), (dt.date(2026, 11, 3), "quarter", "2026Q4")],
)
def test_period_labels(day, grain, label):
    assert rules_vcm.period_of(day, grain) == label


def _rec(region: str, **kw) -> OutcomeRecord:  # type: ignore[no-untyped-def]
    return OutcomeRecord(region=region, received_on=dt.date(2026, 1, 5), **kw)


def test_the_three_rates_against_a_hand_computed_fixture():
    """Six families, quarter 2026Q1, as_of 2026-04-15.

    Connected: engaged discharges A,B,C,D (E declined: not counted); met by A,B,C -> 3/4.
    Plan: due in Q1: A (on time), B (late), C (on time), F (due 2026-03-31, none, passed) -> 2/4.
    Goals: ongoing-treatment discharges B,C -> goals met by C -> 1/2.
    """
    due = dt.date(2026, 2, 20)
    out = dt.date(2026, 3, 15)
    records = [
        _rec("R1", plan_due=due, first_effective_on=due, discharged_on=out,
             reason_engaged=True, services_met_needs=True),
        _rec("R1", plan_due=due, first_effective_on=due + dt.timedelta(days=3), discharged_on=out,
             reason_engaged=True, reason_ongoing=True, services_met_needs=True),
        _rec("R2", plan_due=due, first_effective_on=dt.date(2026, 2, 1), discharged_on=out,
             reason_engaged=True, reason_ongoing=True, services_met_needs=True, goals_met=True),
        _rec("R2", plan_due=None, first_effective_on=None, discharged_on=out, reason_engaged=True),
        _rec("R2", plan_due=None, first_effective_on=None, discharged_on=out),
        _rec("R1", plan_due=dt.date(2026, 3, 31), first_effective_on=None),
    ]  # fmt: skip
    lines = rules_vcm.outcome_lines(records, grain="quarter", as_of=dt.date(2026, 4, 15))
    by_region = {ln.region: ln for ln in lines}
    total = by_region[ALL_REGIONS]
    assert (total.referrals, total.discharges) == (6, 5)
    assert (total.connected.numerator, total.connected.denominator) == (3, 4)
    assert (total.plan_on_time.numerator, total.plan_on_time.denominator) == (2, 4)
    assert (total.goals_met.numerator, total.goals_met.denominator) == (1, 2)
    assert total.connected.percent == "75.0%" and total.goals_met.value == 0.5
    r1 = by_region["R1"]
    assert (r1.connected.numerator, r1.connected.denominator) == (2, 2)
    assert (r1.plan_on_time.numerator, r1.plan_on_time.denominator) == (1, 3)
    assert (r1.goals_met.numerator, r1.goals_met.denominator) == (0, 1)
    assert [ln.region for ln in lines] == ["R1", "R2", ALL_REGIONS]


def test_a_plan_not_yet_due_is_not_counted_and_an_empty_rate_is_no_rate():
    records = [_rec("R1", plan_due=dt.date(2026, 3, 31), first_effective_on=None)]
    total = rules_vcm.outcome_lines(records, grain="month", as_of=dt.date(2026, 3, 20))[-1]
    assert total.plan_on_time.denominator == 0
    assert total.plan_on_time.value is None and total.plan_on_time.percent == "-"
