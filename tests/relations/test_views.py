"""Pages: bad input shown to the person with nothing saved, access-log rows for member data, no
member identifiers in URLs, and list pages whose query count does not grow with their rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aso.core.models import AccessLog
from providers.models import LevelOfCare
from relations import rules
from relations.models import (
    BedReport,
    Bulletin,
    BulletinRead,
    Contact,
    ContactCategory,
    Grievance,
    GrievanceCategory,
    Referral,
    ServiceClock,
)
from relations.provider_forms import NOT_OFFERED
from tests.relations.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(client, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("member_services"))
    return client


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _constant_queries(client, url: str, add_rows: Callable[[int], None]) -> None:  # type: ignore[no-untyped-def]
    """The page costs the same number of queries with 2 rows as with 12."""
    add_rows(2)
    _queries(client, url)  # warm caches (content types, permissions)
    few = _queries(client, url)
    add_rows(10)
    assert _queries(client, url) == few


# --- contacts -------------------------------------------------------------------------------------


def test_a_contact_is_logged_from_the_page(rep_client, member):
    response = rep_client.post(
        reverse("relations:contact_create"),
        {
            "received_at": "2026-11-02T10:15",
            "caller_type": "member",
            "channel": "phone",
            "category": ContactCategory.objects.get(code="ELIGIBILITY").pk,
            "medicaid_id": member.medicaid_id,
            "outcome": "answered",
            "notes": "Confirmed HUSKY A through December.",
        },
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "relations:contact_detail", args=[contact.pk]
    )
    assert contact.member == member and contact.received_at == at("2026-11-02 10:15")


def test_an_unknown_medicaid_id_is_refused_on_the_page(rep_client):
    response = rep_client.post(
        reverse("relations:contact_create"),
        {
            "received_at": "2026-11-02T10:15",
            "caller_type": "member",
            "channel": "phone",
            "category": ContactCategory.objects.get(code="ELIGIBILITY").pk,
            "medicaid_id": "000000000",
            "outcome": "answered",
        },
    )
    assert (
        response.status_code == 200
        and "No member has this Medicaid id." in response.content.decode()
    )
    assert not Contact.objects.exists()


def test_a_warm_transfer_without_a_care_manager_is_refused_on_the_page(rep_client):
    response = rep_client.post(
        reverse("relations:contact_create"),
        {
            "received_at": "2026-11-02T10:15",
            "caller_type": "family",
            "channel": "phone",
            "category": ContactCategory.objects.get(code="CLINICAL_REFERRAL").pk,
            "outcome": "warm_transfer",
        },
    )
    assert rules.NO_TRANSFER_TARGET in response.content.decode() and not Contact.objects.exists()


def test_finding_a_member_posts_the_id_and_lands_on_a_url_without_it(rep_client, member):
    response = rep_client.post(
        reverse("relations:contact_find_member"), {"medicaid_id": member.medicaid_id}
    )
    assert response["Location"] == reverse("relations:member_contacts", args=[member.pk])
    assert member.medicaid_id not in response["Location"]
    missing = rep_client.post(
        reverse("relations:contact_find_member"), {"medicaid_id": "000000000"}
    )
    assert missing["Location"] == reverse("relations:contact_list")


def test_reading_a_members_contacts_writes_the_access_log(rep_client, member):
    Contact.objects.create(
        received_at=timezone.now(),
        caller_type="member",
        category=ContactCategory.objects.get(code="TRANSPORTATION"),
        outcome="answered",
        member=member,
        notes="Ride booked.",
    )
    response = rep_client.get(reverse("relations:member_contacts", args=[member.pk]))
    assert response.status_code == 200 and "Ride booked." in response.content.decode()
    log = AccessLog.objects.get(view_name="relations:member_contacts")
    assert (log.subject_id, log.purpose) == (member.pk, "member contacts")


def test_the_contact_log_lists_and_logs_the_members_shown_in_constant_queries(rep_client, member):
    category = ContactCategory.objects.get(code="ELIGIBILITY")

    def add(n: int) -> None:
        for _ in range(n):
            Contact.objects.create(
                received_at=timezone.now(),
                caller_type="member",
                category=category,
                outcome="answered",
                member=member,
            )

    _constant_queries(rep_client, reverse("relations:contact_list"), add)
    log = AccessLog.objects.filter(view_name="relations:contact_list").first()
    assert log is not None and log.action == "search" and log.subject_count == 1


def test_the_volume_report_downloads_as_csv(client, make_user):
    client.force_login(make_user("clinical_supervisor"))
    Contact.objects.create(
        received_at=timezone.now(),
        caller_type="member",
        category=ContactCategory.objects.get(code="ELIGIBILITY"),
        outcome="answered",
    )
    response = client.get(reverse("relations:contact_report"), {"months": 2, "format": "csv"})
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Category,") and lines[-1].startswith("All categories,")
    assert lines[-1].endswith(",1")


# --- grievances -----------------------------------------------------------------------------------


def _grievance_post(**changes) -> dict[str, object]:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "medicaid_id": "",
        "category": GrievanceCategory.objects.get(code="ACCESS").pk,
        "received_at": "2026-11-02T09:00",
        "filed_by": "member",
        "channel": "phone",
        "description": "Waited weeks for an appointment.",
    }
    return {**values, **changes}


def test_a_grievance_without_a_member_is_refused_on_the_page_and_nothing_saved(rep_client):
    response = rep_client.post(reverse("relations:grievance_create"), _grievance_post())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page and "A grievance needs the member it is about" in page
    assert not Grievance.objects.exists()


def test_a_grievance_without_a_category_is_refused_on_the_page(rep_client, member):
    response = rep_client.post(
        reverse("relations:grievance_create"),
        _grievance_post(medicaid_id=member.medicaid_id, category=""),
    )
    assert rules.NO_CATEGORY in response.content.decode() and not Grievance.objects.exists()


def test_a_grievance_is_filed_acknowledged_and_resolved_through_the_pages(
    rep_client, english_member
):
    response = rep_client.post(
        reverse("relations:grievance_create"),
        _grievance_post(medicaid_id=english_member.medicaid_id),
    )
    grievance = Grievance.objects.get()
    assert response["Location"] == reverse("relations:grievance_detail", args=[grievance.pk])
    assert grievance.acknowledge_by == dt.date(2026, 11, 9)
    rep_client.post(reverse("relations:grievance_acknowledge", args=[grievance.pk]))
    rep_client.post(
        reverse("relations:grievance_resolve", args=[grievance.pk]),
        {"outcome": "substantiated", "resolution": "Appointment booked.", "notice_language": "es"},
    )
    grievance.refresh_from_db()
    assert grievance.status == "resolved"
    assert list(grievance.notices.values_list("kind", "language")) == [
        ("acknowledgment", "en"),
        ("resolution", "es"),
    ]
    page = rep_client.get(
        reverse("relations:grievance_detail", args=[grievance.pk])
    ).content.decode()
    assert "Estimado/a Sean Kelly" in page and "grievance resolved" in page


def test_a_second_acknowledgment_is_refused_on_the_page(rep_client, member):
    rep_client.post(
        reverse("relations:grievance_create"), _grievance_post(medicaid_id=member.medicaid_id)
    )
    grievance = Grievance.objects.get()
    url = reverse("relations:grievance_acknowledge", args=[grievance.pk])
    rep_client.post(url)
    response = rep_client.post(url)
    assert rules.ALREADY_ACKNOWLEDGED in response.content.decode()
    assert grievance.notices.count() == 1


def test_the_queue_shows_time_left_in_constant_queries(rep_client, member):
    common = {
        "member": member,
        "category": GrievanceCategory.objects.get(code="OTHER"),
        "filed_by": "member",
        "description": "x",
        "ack_clock": ServiceClock.objects.get(code="GRIEVANCE_ACKNOWLEDGMENT"),
        "resolution_clock": ServiceClock.objects.get(code="GRIEVANCE_RESOLUTION"),
        "received_at": timezone.now(),
    }
    today = timezone.localdate()

    def add(n: int) -> None:
        for i in range(n):
            Grievance.objects.create(
                acknowledge_by=today + dt.timedelta(days=i),
                resolve_by=today + dt.timedelta(days=90),
                **common,
            )

    _constant_queries(rep_client, reverse("relations:grievance_queue"), add)
    assert (
        "Business days left"
        in rep_client.get(reverse("relations:grievance_queue")).content.decode()
    )


def test_the_grievance_report_page_and_csv(client, make_user):
    client.force_login(make_user("clinical_supervisor"))
    assert client.get(reverse("relations:grievance_report")).status_code == 200
    response = client.get(
        reverse("relations:grievance_report"),
        {"start": "2026-01-01", "end": "2026-03-31", "format": "csv"},
    )
    assert response.content.decode().splitlines()[-1].startswith(",All categories,0,")
    bad = client.get(
        reverse("relations:grievance_report"), {"start": "2026-03-31", "end": "2026-01-01"}
    )
    assert "The end of the period is before its start." in bad.content.decode()


# --- referrals ------------------------------------------------------------------------------------


def test_a_referral_is_searched_and_recorded_for_the_member_in_the_post_body(
    rep_client, member, network
):
    op = LevelOfCare.objects.get(code="OP")
    sites = []
    for name in ("Elm Clinic", "Oak Clinic"):
        site = network.site(
            network.provider(name, kind="clinic"), "Hartford", languages=("en", "es")
        )
        network.offer(site, "OP")
        sites.append(site)
    page = rep_client.get(
        reverse("relations:referral_search"), {"level_of_care": op.pk, "language": "es"}
    )
    assert "Elm Clinic" in page.content.decode() and "Oak Clinic" in page.content.decode()
    response = rep_client.post(
        reverse("relations:referral_record"),
        {
            "level_of_care": op.pk,
            "language": "es",
            "sites": [sites[1].pk, sites[0].pk],
            "medicaid_id": member.medicaid_id,
        },
    )
    referral = Referral.objects.get()
    assert referral.member == member and member.medicaid_id not in response["Location"]
    assert [g.site for g in referral.given_sites.order_by("rank")] == [sites[1], sites[0]]


def test_recording_a_referral_without_a_site_says_so(rep_client):
    op = LevelOfCare.objects.get(code="OP")
    response = rep_client.post(
        reverse("relations:referral_record"), {"level_of_care": op.pk}, follow=True
    )
    assert rules.NO_SITES in response.content.decode() and not Referral.objects.exists()


def test_referral_results_cost_the_same_queries_for_more_sites(rep_client, network):
    op = LevelOfCare.objects.get(code="OP")
    url = f"{reverse('relations:referral_search')}?level_of_care={op.pk}"

    def add(n: int) -> None:
        for _ in range(n):
            site = network.site(network.provider("Clinic", kind="clinic"), "Hartford")
            network.offer(site, "OP")

    _constant_queries(rep_client, url, add)


# --- bulletins ------------------------------------------------------------------------------------


@pytest.fixture
def ops_client(client, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("network_ops"))
    return client


def _bulletin_post(**changes) -> dict[str, object]:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "kind": "bulletin",
        "title": "New IOP guidelines",
        "body": "Effective December 1.",
        "audience": "some",
        "levels": ["IOP"],
        "regions": [],
        "publish_on": "2026-11-20",
        "expires_on": "2026-12-31",
    }
    return {**values, **changes}


def test_a_bulletin_whose_expiry_is_before_publication_is_refused_on_the_page(ops_client):
    response = ops_client.post(
        reverse("relations:bulletin_create"), _bulletin_post(expires_on="2026-11-19")
    )
    assert response.status_code == 200
    assert rules.EXPIRY_BEFORE_PUBLICATION in response.content.decode()
    assert not Bulletin.objects.exists()


def test_a_bulletin_without_an_audience_is_refused_on_the_page(ops_client):
    response = ops_client.post(reverse("relations:bulletin_create"), _bulletin_post(levels=[]))
    assert rules.NO_AUDIENCE in response.content.decode() and not Bulletin.objects.exists()


def test_published_with_an_attachment_then_read_by_the_provider_it_is_for(
    ops_client, client, hospital_staff, hospital, network
):
    network.offer(hospital, "IOP")
    today = timezone.localdate()
    ops_client.post(
        reverse("relations:bulletin_create"),
        {
            **_bulletin_post(publish_on=today.isoformat(), expires_on=""),
            "attachments": [SimpleUploadedFile("iop.pdf", b"%PDF-1.4 iop", "application/pdf")],
        },
    )
    bulletin = Bulletin.objects.get()
    client.force_login(hospital_staff)
    home = client.get(reverse("home")).content.decode()
    assert "1 unread bulletin for your organization" in home
    listing = client.get(reverse("relations:bulletin_list")).content.decode()
    assert "New IOP guidelines" in listing and "New" in listing
    attachment = bulletin.attachments.get()
    download = client.get(reverse("relations:bulletin_attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 iop"
    marked = client.post(
        reverse("relations:bulletin_read", args=[bulletin.pk]), headers={"HX-Request": "true"}
    )
    assert marked.content.decode() == '<span class="badge">Read</span>'
    assert BulletinRead.objects.filter(user=hospital_staff, bulletin=bulletin).exists()
    assert "unread bulletin" not in client.get(reverse("home")).content.decode()


def test_the_publication_history_lists_every_bulletin_in_constant_queries(ops_client):
    today = timezone.localdate()

    def add(n: int) -> None:
        for i in range(n):
            Bulletin.objects.create(title=f"B{i}", body=".", publish_on=today)

    _constant_queries(ops_client, reverse("relations:bulletin_manage"), add)


def test_the_providers_bulletin_list_costs_the_same_queries_for_more_bulletins(
    client, hospital_staff
):
    client.force_login(hospital_staff)
    today = timezone.localdate()

    def add(n: int) -> None:
        for i in range(n):
            Bulletin.objects.create(title=f"B{i}", body=".", publish_on=today)

    _constant_queries(client, reverse("relations:bulletin_list"), add)


# --- beds -----------------------------------------------------------------------------------------


def _bed_post(level_pk: object, open_beds: object = 3, **changes) -> dict[str, object]:  # type: ignore[no-untyped-def]
    values = {
        "level_0": level_pk,
        "unit_0": "adult",
        "gender_0": "any",
        "open_0": open_beds,
        "staffed_0": 20,
    }
    return {**values, **changes}


def test_a_provider_reports_beds_from_the_page_prefilled_from_the_last_report(
    client, hospital, hospital_staff
):
    client.force_login(hospital_staff)
    url = reverse("relations:bed_report", args=[hospital.pk])
    ip = LevelOfCare.objects.get(code="IP_PSY")
    response = client.post(url, _bed_post(ip.pk, 4))
    assert response.status_code == 302 and BedReport.objects.get().lines.get().open_beds == 4
    form = client.get(url).context["form"]
    assert form.initial["open_0"] == 4 and form.initial["level_0"] == str(ip.pk)


def test_a_negative_count_is_refused_on_the_page_and_nothing_saved(
    client, hospital, hospital_staff
):
    client.force_login(hospital_staff)
    ip = LevelOfCare.objects.get(code="IP_PSY")
    response = client.post(
        reverse("relations:bed_report", args=[hospital.pk]), _bed_post(ip.pk, -2)
    )
    assert "open beds cannot be negative" in response.content.decode()
    assert not BedReport.objects.exists()


def test_a_level_the_site_does_not_offer_is_refused_on_the_page(client, hospital, hospital_staff):
    client.force_login(hospital_staff)
    rtc = LevelOfCare.objects.get(code="RTC")
    response = client.post(reverse("relations:bed_report", args=[hospital.pk]), _bed_post(rtc.pk))
    assert NOT_OFFERED in response.content.decode() and not BedReport.objects.exists()


def test_the_providers_site_list_flags_a_site_not_reported_in_twelve_hours(
    client, hospital, hospital_staff
):
    client.force_login(hospital_staff)
    BedReport.objects.create(site=hospital, reported_at=timezone.now() - dt.timedelta(hours=13))
    page = client.get(reverse("relations:bed_sites")).content.decode()
    assert 'class="overdue"' in page and "13 h" in page


def test_the_bed_board_page_costs_the_same_queries_for_more_sites(client, make_user, network):
    client.force_login(make_user("care_manager"))
    ip = LevelOfCare.objects.get(code="IP_PSY")

    def add(n: int) -> None:
        for _ in range(n):
            site = network.site(network.provider("Hospital"), "Hartford")
            network.offer(site, "IP_PSY")
            report = BedReport.objects.create(site=site, reported_at=timezone.now())
            report.lines.create(level_of_care=ip, unit="adult", open_beds=1)

    _constant_queries(client, reverse("relations:bed_board"), add)
