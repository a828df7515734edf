"""Reads: the referral search over the provider file, bulletin audiences against real sites, the bed
board, the grievance queue order and contact volumes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from providers.models import LevelOfCare, ProviderStaff, Region, Town
from relations.models import BedReport, BedReportLine, Bulletin, Contact, ContactCategory, Grievance
from relations.selectors import (
    BoardFilters,
    ReferralCriteria,
    bed_board,
    bulletins_addressed_to,
    contact_volumes,
    grievance_queue,
    referral_search,
    unread_bulletin_count,
)
from relations.services import bulletin_mark_read
from tests.relations.conftest import at

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


# --- referral search --------------------------------------------------------------------------------


@pytest.fixture
def provider_file(network):  # type: ignore[no-untyped-def]
    """Outpatient sites in and around Hartford (Region 4) and one in New Haven (Region 2), plus the
    ones a referral must never name: an inactive site, a terminated provider, an expired contract."""
    sites = {}
    elm = network.site(
        network.provider("Elm Clinic", kind="clinic"), "Hartford", languages=("en", "es")
    )
    network.offer(elm, "OP")
    sites["elm"] = elm
    oak = network.site(network.provider("Oak Group", kind="group"), "Hartford")
    network.offer(oak, "OP", 18, 120)
    sites["oak"] = oak
    pine = network.site(
        network.provider("Pine Clinic", kind="clinic"), "West Hartford", languages=("pt",)
    )
    network.offer(pine, "OP")
    sites["pine"] = pine
    harbor = network.site(
        network.provider("Harbor Kids", kind="clinic"), "New Haven", languages=("es",)
    )
    network.offer(harbor, "OP", 0, 17)
    sites["harbor"] = harbor
    closed = network.site(network.provider("Closed Site Clinic"), "Hartford", active=False)
    network.offer(closed, "OP")
    gone = network.site(
        network.provider("Gone Clinic", status="terminated", termination_date=dt.date(2024, 6, 30)),
        "Hartford",
    )
    network.offer(gone, "OP")
    expired = network.site(network.provider("Expired Contract Clinic"), "Hartford")
    network.offer(expired, "OP", effective_to=dt.date(2020, 12, 31))
    iop_only = network.site(network.provider("IOP Only"), "Hartford")
    network.offer(iop_only, "IOP")
    return sites


def _found(user, **criteria) -> set[str]:  # type: ignore[no-untyped-def]
    level = LevelOfCare.objects.get(code=criteria.pop("level", "OP"))
    offerings = referral_search(
        user=user, criteria=ReferralCriteria(level_of_care=level, **criteria), today=TODAY
    )
    return {o.site.provider.name for o in offerings}


@pytest.fixture
def rep(make_user):  # type: ignore[no-untyped-def]
    return make_user("member_services")


def test_the_search_finds_in_network_sites_in_the_town(rep, provider_file):
    assert _found(rep, town=Town.objects.get(name="Hartford")) == {"Elm Clinic", "Oak Group"}


def test_a_region_widens_the_search_to_its_towns(rep, provider_file):
    region = Region.objects.get(code="R4")
    assert _found(rep, region=region) == {"Elm Clinic", "Oak Group", "Pine Clinic"}
    assert _found(rep) == {"Elm Clinic", "Oak Group", "Pine Clinic", "Harbor Kids"}


def test_the_age_must_be_within_the_ages_the_site_serves(rep, provider_file):
    assert _found(rep, age=10) == {"Elm Clinic", "Pine Clinic", "Harbor Kids"}
    assert _found(rep, age=40, region=Region.objects.get(code="R2")) == set()


def test_the_language_must_be_spoken_at_the_site(rep, provider_file):
    assert _found(rep, language="es") == {"Elm Clinic", "Harbor Kids"}
    assert _found(rep, language="pt") == {"Pine Clinic"}
    assert _found(rep, language="es", age=30, region=Region.objects.get(code="R4")) == {
        "Elm Clinic"
    }


def test_inactive_terminated_and_expired_entries_and_other_levels_are_never_named(
    rep, provider_file
):
    assert _found(rep, level="IOP") == {"IOP Only"}
    names = _found(rep)
    assert not names & {"Closed Site Clinic", "Gone Clinic", "Expired Contract Clinic"}


def test_roles_without_referral_work_find_nothing(make_user, provider_file):
    assert _found(make_user("network_manager")) == set()
    assert _found(make_user("provider_staff")) == set()


# --- bulletin audiences -------------------------------------------------------------------------------


def _bulletin(
    title: str, *, everyone=False, levels=(), regions=(), publish="2026-11-01", expires=None
):  # type: ignore[no-untyped-def]
    return Bulletin.objects.create(
        title=title,
        body="...",
        audience_all=everyone,
        audience_levels=list(levels),
        audience_regions=list(regions),
        publish_on=dt.date.fromisoformat(publish),
        expires_on=dt.date.fromisoformat(expires) if expires else None,
    )


def test_a_provider_sees_exactly_the_current_bulletins_addressed_to_its_sites(
    hospital, hospital_staff, make_user
):
    # the hospital: one site in Hartford (Region 4) offering inpatient psychiatry and outpatient
    _bulletin("to everyone", everyone=True)
    _bulletin("to inpatient", levels=["IP_PSY"])
    _bulletin("to Region 4", regions=["R4"])
    _bulletin("to inpatient in Region 4", levels=["IP_PSY"], regions=["R4"])
    _bulletin("to residential", levels=["RTC", "PRTF"])
    _bulletin("to Region 2", regions=["R2"])
    _bulletin("to inpatient in Region 2", levels=["IP_PSY"], regions=["R2"])
    _bulletin("not yet published", everyone=True, publish="2026-12-01")
    _bulletin("expired", everyone=True, publish="2026-01-01", expires="2026-11-22")
    _bulletin("last day today", everyone=True, publish="2026-01-01", expires="2026-11-23")
    titles = {b.title for b in bulletins_addressed_to(user=hospital_staff, today=TODAY)}
    assert titles == {
        "to everyone",
        "to inpatient",
        "to Region 4",
        "to inpatient in Region 4",
        "last day today",
    }
    assert bulletins_addressed_to(user=make_user("provider_staff"), today=TODAY) == []
    assert bulletins_addressed_to(user=make_user("care_manager"), today=TODAY) == []


def test_the_unread_count_goes_down_as_bulletins_are_marked_read(hospital_staff):
    first = _bulletin("one", everyone=True, publish="2020-01-01")
    _bulletin("two", everyone=True, publish="2020-01-01")
    today = dt.date.today()
    assert unread_bulletin_count(user=hospital_staff, today=today) == 2
    bulletin_mark_read(acting_user=hospital_staff, bulletin=first)
    assert unread_bulletin_count(user=hospital_staff, today=today) == 1


def test_a_provider_with_several_organizations_sees_bulletins_for_any_of_them(
    hospital_staff, network
):
    other = network.provider("Second Org", kind="residential")
    site = network.site(other, "Stamford")
    network.offer(site, "RTC", 0, 20)
    ProviderStaff.objects.create(user=hospital_staff, provider=other)
    _bulletin("to residential", levels=["RTC"])
    assert [b.title for b in bulletins_addressed_to(user=hospital_staff, today=TODAY)] == [
        "to residential"
    ]


# --- bed board ------------------------------------------------------------------------------------------

NOW = at("2026-11-23 15:00")


def _report(site, hours_ago: float, *lines: tuple[str, int]) -> BedReport:  # type: ignore[no-untyped-def]
    report = BedReport.objects.create(site=site, reported_at=NOW - dt.timedelta(hours=hours_ago))
    level = LevelOfCare.objects.get(code="IP_PSY")
    for unit, open_beds in lines:
        BedReportLine.objects.create(
            report=report, level_of_care=level, unit=unit, open_beds=open_beds
        )
    return report


@pytest.fixture
def board_sites(network):  # type: ignore[no-untyped-def]
    sites = {}
    for name, town in (("Fresh", "Hartford"), ("Stale", "New Haven"), ("Silent", "Stamford")):
        site = network.site(network.provider(f"{name} Hospital"), town)
        network.offer(site, "IP_PSY", 13, 120)
        sites[name] = site
    clinic = network.site(network.provider("Clinic Without Beds", kind="clinic"), "Hartford")
    network.offer(clinic, "OP")
    _report(sites["Fresh"], 20, ("adult", 9))
    _report(sites["Fresh"], 3, ("adult", 2), ("adolescent", 0))
    _report(sites["Stale"], 13, ("adult", 4))
    return sites


def test_the_board_shows_the_latest_figures_their_age_and_flags_stale_sites_first(
    make_user, board_sites
):
    rows = bed_board(user=make_user("care_manager"), now=NOW, filters=BoardFilters())
    by_name = {row.site.provider.name: row for row in rows}
    assert set(by_name) == {"Fresh Hospital", "Stale Hospital", "Silent Hospital"}
    fresh = by_name["Fresh Hospital"]
    assert (fresh.stale, fresh.age, fresh.open_beds) == (False, "3 h 00 min", 2)
    assert sorted((line.unit, line.open_beds) for line in fresh.lines) == [
        ("adolescent", 0),
        ("adult", 2),
    ]
    assert by_name["Stale Hospital"].stale and by_name["Stale Hospital"].age == "13 h 00 min"
    assert by_name["Silent Hospital"].stale and by_name["Silent Hospital"].age == "never reported"
    assert [row.stale for row in rows] == [True, True, False]  # stale sites first


def test_the_board_filters_by_unit_and_open_beds(make_user, board_sites):
    user = make_user("icm")
    rows = bed_board(user=user, now=NOW, filters=BoardFilters(unit="adolescent", open_only=False))
    fresh = next(r for r in rows if r.site.provider.name == "Fresh Hospital")
    assert [(line.unit, line.open_beds) for line in fresh.lines] == [("adolescent", 0)]
    open_rows = bed_board(user=user, now=NOW, filters=BoardFilters(open_only=True))
    assert {r.site.provider.name for r in open_rows} == {"Fresh Hospital", "Stale Hospital"}


def test_the_board_reads_in_a_fixed_number_of_queries(make_user, network, board_sites):
    user = make_user("clinical_supervisor")
    user.has_perm("relations.view_bed_board")  # permission cache warmed

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            bed_board(user=user, now=NOW, filters=BoardFilters())
        return len(captured)

    before = queries()
    for i in range(5):
        site = network.site(network.provider(f"More {i}"), "Hartford")
        network.offer(site, "IP_PSY")
        _report(site, 1, ("adult", 1))
    assert queries() == before <= 5


def test_the_board_is_for_care_managers_only(make_user, board_sites):
    assert bed_board(user=make_user("provider_staff"), now=NOW, filters=BoardFilters()) == []
    assert bed_board(user=make_user("member_services"), now=NOW, filters=BoardFilters()) == []


# --- grievance queue and contact volumes ------------------------------------------------------------


def test_the_queue_puts_the_nearest_deadline_first_whichever_clock_it_is(make_user, member):
    from relations.models import GrievanceCategory, ServiceClock

    rep = make_user("member_services")
    common = {
        "member": member,
        "category": GrievanceCategory.objects.get(code="OTHER"),
        "filed_by": "member",
        "description": "x",
        "ack_clock": ServiceClock.objects.get(code="GRIEVANCE_ACKNOWLEDGMENT"),
        "resolution_clock": ServiceClock.objects.get(code="GRIEVANCE_RESOLUTION"),
        "received_at": at("2026-09-01 09:00"),
    }
    d = dt.date.fromisoformat
    Grievance.objects.create(
        pk=1, acknowledge_by=d("2026-11-30"), resolve_by=d("2027-02-20"), **common
    )
    Grievance.objects.create(
        pk=2,
        acknowledge_by=d("2026-09-08"),
        resolve_by=d("2026-11-25"),
        status="acknowledged",
        acknowledged_at=at("2026-09-02 10:00"),
        assigned_to=rep,
        **common,
    )
    Grievance.objects.create(
        pk=3, acknowledge_by=d("2026-11-24"), resolve_by=d("2027-02-18"), **common
    )
    Grievance.objects.create(
        pk=4,
        acknowledge_by=d("2026-09-08"),
        resolve_by=d("2026-11-20"),
        status="resolved",
        acknowledged_at=at("2026-09-02 10:00"),
        resolved_at=at("2026-10-02 10:00"),
        outcome="withdrawn",
        **common,
    )
    assert [g.pk for g in grievance_queue(user=rep)] == [3, 2, 1]
    assert [g.pk for g in grievance_queue(user=rep, assignee="mine")] == [2]
    assert [g.pk for g in grievance_queue(user=rep, assignee="unassigned")] == [3, 1]
    assert list(grievance_queue(user=make_user("icm"))) == []


def test_contact_volumes_count_each_category_by_local_month(make_user):
    rep = make_user("member_services")
    eligibility = ContactCategory.objects.get(code="ELIGIBILITY")
    transport = ContactCategory.objects.get(code="TRANSPORTATION")
    for when, category in (
        ("2026-10-01 09:00", eligibility),
        ("2026-10-31 23:30", eligibility),  # still October in New York, November in UTC
        ("2026-11-02 09:00", eligibility),
        ("2026-11-03 09:00", transport),
        ("2026-09-30 12:00", transport),  # before the report
    ):
        Contact.objects.create(
            received_at=at(when), caller_type="member", category=category, outcome="answered"
        )
    table = contact_volumes(user=rep, first_month=dt.date(2026, 10, 1), months=2)
    cells = {label: cells for label, cells, _ in table.rows}
    assert cells[eligibility.label] == [2, 1] and cells[transport.label] == [0, 1]
    assert table.month_totals == [2, 2] and table.total == 4
    assert (
        contact_volumes(
            user=make_user("care_manager"), first_month=dt.date(2026, 10, 1), months=2
        ).rows
        == []
    )
