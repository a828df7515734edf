"""The VCM dashboard's three rates from the database against a hand-computed fixture, and the
xlsx export (aggregate only)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from care.models import VcmPlan, VcmReferral
from care.selectors.vcm_outcomes import outcomes
from care.services.vcm_plans import vcm_discharge_record
from care.services.vcm_referrals import vcm_referral_engage
from tests.care.vcm_factory import plan, referral

DAY = dt.date(2026, 1, 5)
ENGAGED = dt.date(2026, 1, 21)  # plan due 2026-02-20
OUT = dt.date(2026, 3, 15)


def _family(user, n: int, town: str, *, plan_on: dt.date | None, reason: str | None,
            met: bool = False, goals: bool = False, engaged: dt.date | None = ENGAGED):  # type: ignore[no-untyped-def]  # fmt: skip
    ref = referral(user, ref_id=f"CL-{n}", day=DAY, town=town)
    if engaged:
        ref = vcm_referral_engage(acting_user=user, referral=ref, on=engaged)
    if plan_on:
        plan(user, ref, effective_on=plan_on)
    if reason:
        if reason == "unable_to_reach":
            raise AssertionError("not used here")
        vcm_discharge_record(
            acting_user=user, referral=ref, discharged_on=OUT, reason_code=reason,
            services_met_needs=met, goals_met=goals, satisfaction=4,
        )  # fmt: skip
    return ref


@pytest.fixture
def six_families(make_user):  # type: ignore[no-untyped-def]
    """A (R4): plan on time, goals_met, met. B (R4): plan 3 days late, ongoing treatment, met,
    goals not met. C (R1): plan early, ongoing treatment, met, goals met. D (R1): never engaged,
    transferred, not met. E (R1): never engaged, declined. F (R4): engaged 1 March, plan due 31
    March, none written.

    Q1 2026, as of 15 April: connected 3/4 (E's reason is not an engaged one), plan on time 2/4
    (A, C of A, B, C, F), goals 1/2 (C of B, C). R4: connected 2/2, plan 1/3, goals 0/1.
    """
    user = make_user("vcm_coordinator")
    _family(user, 1, "Hartford", plan_on=dt.date(2026, 2, 20), reason="goals_met", met=True)
    _family(user, 2, "Hartford", plan_on=dt.date(2026, 2, 23), reason="ongoing_treatment",
            met=True)  # fmt: skip
    _family(user, 3, "Stamford", plan_on=dt.date(2026, 2, 1), reason="ongoing_treatment",
            met=True, goals=True)  # fmt: skip
    _family(user, 4, "Stamford", plan_on=None, reason="transferred", engaged=None)
    _family(user, 5, "Stamford", plan_on=None, reason="declined", engaged=None)
    _family(user, 6, "Hartford", plan_on=None, reason=None, engaged=dt.date(2026, 3, 1))
    return user


def test_the_three_rates_by_region_match_the_hand_count(six_families):
    lines = outcomes(user=six_families, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31),
                     grain="quarter", as_of=dt.date(2026, 4, 15))  # fmt: skip
    by_region = {ln.region: ln for ln in lines}
    assert set(by_region) == {"R1", "R4", "ALL"}
    total = by_region["ALL"]
    assert (total.referrals, total.discharges) == (6, 5)
    assert (total.connected.numerator, total.connected.denominator) == (3, 4)
    assert (total.plan_on_time.numerator, total.plan_on_time.denominator) == (2, 4)
    assert (total.goals_met.numerator, total.goals_met.denominator) == (1, 2)
    r4 = by_region["R4"]
    assert (r4.connected.numerator, r4.connected.denominator) == (2, 2)
    assert (r4.plan_on_time.numerator, r4.plan_on_time.denominator) == (1, 3)
    assert (r4.goals_met.numerator, r4.goals_met.denominator) == (0, 1)
    assert VcmPlan.objects.count() == 3 and VcmReferral.objects.count() == 6


def test_monthly_periods_put_each_event_in_its_month(six_families):
    lines = outcomes(user=six_families, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31),
                     grain="month", as_of=dt.date(2026, 4, 15))  # fmt: skip
    all_lines = {ln.period: ln for ln in lines if ln.region == "ALL"}
    assert all_lines["2026-01"].referrals == 6
    assert all_lines["2026-02"].plan_on_time.denominator == 3
    assert all_lines["2026-03"].plan_on_time.denominator == 1  # F, due 31 March
    assert all_lines["2026-03"].discharges == 5


def test_an_agency_viewer_downloads_the_rates_but_no_family(six_families, client, make_user):
    viewer = make_user("agency_viewer", agency="DCF")
    client.force_login(viewer)
    query = {"start": "2026-01-01", "end": "2026-03-31", "grain": "quarter", "region": ""}
    page = client.get("/care/vcm/outcomes/", query)
    assert page.status_code == 200 and "75.0% (3/4)" in page.content.decode()
    assert "Rivera" not in page.content.decode()
    answer = client.get("/care/vcm/outcomes.xlsx", query)
    sheet = load_workbook(BytesIO(answer.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Period", "Region", "Referrals", "Discharges")
    total = next(r for r in rows if r[1] == "ALL")
    assert total[:7] == ("2026Q1", "ALL", 6, 5, 3, 4, 0.75)
    assert total[7:10] == (2, 4, 0.5) and total[10:] == (1, 2, 0.5)
    assert client.get("/care/vcm/referrals/").status_code == 403


def test_the_total_row_follows_the_region_picked_and_bad_filters_are_said(
    six_families, client, make_user
):
    from django.contrib.messages import get_messages

    from care.views.vcm_outcomes import BAD_FILTER

    client.force_login(make_user("agency_viewer", agency="DCF"))
    query = {"start": "2026-01-01", "end": "2026-03-31", "grain": "quarter", "region": "R4"}
    total = client.get("/care/vcm/outcomes/", query).context["total"]
    assert (total.region, total.referrals) == ("R4", 3)
    assert (total.connected.numerator, total.connected.denominator) == (2, 2)
    assert (total.plan_on_time.numerator, total.plan_on_time.denominator) == (1, 3)
    backwards = client.get("/care/vcm/outcomes/", {**query, "start": "2026-04-01"})
    assert [str(m) for m in get_messages(backwards.wsgi_request)] == [BAD_FILTER]
