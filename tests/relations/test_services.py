"""Writes: every refusal has a clear message and saves nothing; history names the acting user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from providers.models import LevelOfCare
from relations import rules
from relations.models import (
    BedReport,
    BedReportLine,
    Bulletin,
    BulletinAttachment,
    BulletinRead,
    Contact,
    ContactCategory,
    Grievance,
    GrievanceCategory,
    GrievanceNotice,
    Holiday,
    Referral,
    ServiceClock,
)
from relations.selectors import ReferralCriteria
from relations.services import (
    NOT_YOUR_SITE,
    BedLineInput,
    BulletinDraft,
    bed_report_submit,
    bulletin_mark_read,
    bulletin_publish,
    bulletin_update,
    contact_log,
    grievance_acknowledge,
    grievance_file,
    grievance_resolve,
    referral_record,
)
from tests.relations.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user):  # type: ignore[no-untyped-def]
    return make_user("member_services", first_name="Rosa", last_name="Diaz")


def _category(code: str = "ACCESS") -> GrievanceCategory:
    return GrievanceCategory.objects.get(code=code)


def _file(rep, member, **changes):  # type: ignore[no-untyped-def]
    values = {
        "acting_user": rep,
        "member": member,
        "category": _category(),
        "description": "No call back from the clinic for three weeks.",
        "received_at": at("2025-12-22 10:00"),
    }
    return grievance_file(**{**values, **changes})


# --- contacts -------------------------------------------------------------------------------------


def test_a_contact_is_logged_with_its_taker_and_history(rep, member):
    contact = contact_log(
        acting_user=rep,
        caller_type="member",
        category=ContactCategory.objects.get(code="TRANSPORTATION"),
        outcome="answered",
        member=member,
        notes="Ride to the clinic on Tuesday arranged.",
    )
    assert contact.taken_by == rep and contact.member == member
    entry = contact.history.get()
    assert entry.history_user == rep and entry.history_change_reason == "contact logged"


def test_a_warm_transfer_goes_to_a_care_manager_only(rep, make_user):
    category = ContactCategory.objects.get(code="CLINICAL_REFERRAL")
    for target, message in (
        (None, rules.NO_TRANSFER_TARGET),
        (rep, rules.TRANSFER_NOT_CARE_MANAGER),
    ):
        with pytest.raises(ValidationError) as refused:
            contact_log(
                acting_user=rep,
                caller_type="family",
                category=category,
                outcome="warm_transfer",
                warm_transfer_to=target,
            )
        assert refused.value.messages == [message]
    assert not Contact.objects.exists()
    care_manager = make_user("care_manager")
    contact = contact_log(
        acting_user=rep,
        caller_type="family",
        category=category,
        outcome="warm_transfer",
        warm_transfer_to=care_manager,
    )
    assert contact.warm_transfer_to == care_manager


def test_only_the_service_line_logs_contacts(make_user):
    with pytest.raises(PermissionDenied):
        contact_log(
            acting_user=make_user("network_ops"),
            caller_type="member",
            category=ContactCategory.objects.get(code="OTHER"),
            outcome="answered",
        )


# --- grievances: bad input --------------------------------------------------------------------------


def test_a_grievance_without_a_member_is_refused_and_nothing_is_saved(rep):
    with pytest.raises(ValidationError) as refused:
        _file(rep, None)
    assert refused.value.messages == [rules.NO_MEMBER]
    assert not Grievance.objects.exists()


def test_a_grievance_without_a_category_is_refused_and_nothing_is_saved(rep, member):
    with pytest.raises(ValidationError) as refused:
        _file(rep, member, category=None)
    assert refused.value.messages == [rules.NO_CATEGORY]
    assert not Grievance.objects.exists()


def test_every_missing_piece_is_named_at_once(rep):
    with pytest.raises(ValidationError) as refused:
        _file(rep, None, category=None, description="  ")
    assert refused.value.messages == [rules.NO_MEMBER, rules.NO_CATEGORY, rules.NO_DESCRIPTION]


# --- grievances: clocks -----------------------------------------------------------------------------


def test_the_clocks_start_at_receipt_skipping_christmas_and_the_rows_used_are_recorded(rep, member):
    grievance = _file(rep, member)
    assert grievance.acknowledge_by == dt.date(2025, 12, 30)  # Dec 25 is a holiday
    assert grievance.resolve_by == dt.date(2026, 3, 22)  # 90 calendar days
    assert grievance.ack_clock.code == "GRIEVANCE_ACKNOWLEDGMENT"
    assert grievance.resolution_clock.code == "GRIEVANCE_RESOLUTION"
    assert grievance.notice_language == "es"  # the member's language
    assert grievance.assigned_to == rep and grievance.status == "received"


def test_a_new_clock_row_applies_to_grievances_received_from_its_date_only(rep, member):
    before = _file(rep, member, received_at=at("2025-12-22 10:00"))
    ServiceClock.objects.filter(code="GRIEVANCE_ACKNOWLEDGMENT").update(
        effective_to=dt.date(2026, 1, 31)
    )
    ServiceClock.objects.create(
        code="GRIEVANCE_ACKNOWLEDGMENT",
        effective_from=dt.date(2026, 2, 1),
        amount=3,
        unit="business_days",
        label="Acknowledged (shorter, from February)",
    )
    after = _file(rep, member, received_at=at("2026-03-02 09:00"))  # Monday
    assert after.acknowledge_by == dt.date(2026, 3, 5) and after.ack_clock.amount == 3
    before.refresh_from_db()
    assert before.acknowledge_by == dt.date(2025, 12, 30) and before.ack_clock.amount == 5


def test_a_business_day_clock_will_not_run_into_a_year_without_holiday_data(rep, member):
    Holiday.objects.filter(date__year=2026).delete()
    with pytest.raises(ValidationError, match="no days for 2026"):
        _file(rep, member)
    assert not Grievance.objects.exists()


# --- grievances: acknowledgment and resolution ------------------------------------------------------


def test_acknowledging_writes_the_notice_in_spanish_for_a_spanish_speaking_member(rep, member):
    grievance = _file(rep, member)
    grievance_acknowledge(
        acting_user=rep, grievance=grievance, acknowledged_at=at("2025-12-23 11:00")
    )
    grievance.refresh_from_db()
    assert grievance.status == "acknowledged" and grievance.acknowledged_by == rep
    notice = grievance.notices.get()
    assert (notice.kind, notice.language) == ("acknowledgment", "es")
    assert "Estimado/a Ana Rivera" in notice.body and grievance.number in notice.body
    assert "22 de marzo de 2026" in notice.body  # the resolution due date, in Spanish
    with pytest.raises(ValidationError) as refused:
        grievance_acknowledge(acting_user=rep, grievance=grievance)
    assert refused.value.messages == [rules.ALREADY_ACKNOWLEDGED]
    assert GrievanceNotice.objects.count() == 1


def test_resolving_records_the_outcome_and_sends_the_notice_in_the_chosen_language(
    rep, english_member
):
    grievance = _file(rep, english_member)
    assert grievance.notice_language == "en"
    grievance_resolve(
        acting_user=rep,
        grievance=grievance,
        outcome="substantiated",
        resolution="We called the clinic; your intake is booked for January 5.",
        resolved_at=at("2025-12-29 16:00"),
    )
    grievance.refresh_from_db()
    assert grievance.status == "resolved" and grievance.outcome == "substantiated"
    # resolved before an acknowledgment was sent: the resolution notice acknowledges it
    assert grievance.acknowledged_at == grievance.resolved_at
    notice = grievance.notices.get()
    assert notice.kind == "resolution" and "we found that your concern was justified" in notice.body
    assert "intake is booked for January 5" in notice.body
    reasons = list(
        grievance.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["grievance filed", "grievance resolved"]


def test_a_resolution_without_text_or_outcome_is_refused_and_changes_nothing(rep, member):
    grievance = _file(rep, member)
    with pytest.raises(ValidationError) as refused:
        grievance_resolve(acting_user=rep, grievance=grievance, outcome="", resolution=" ")
    assert refused.value.messages == [rules.NO_OUTCOME, rules.NO_RESOLUTION]
    grievance.refresh_from_db()
    assert grievance.status == "received" and not grievance.notices.exists()


def test_a_resolved_grievance_cannot_be_resolved_again(rep, member):
    grievance = _file(rep, member)
    grievance_resolve(
        acting_user=rep, grievance=grievance, outcome="withdrawn", resolution="Withdrawn."
    )
    with pytest.raises(ValidationError, match="already resolved"):
        grievance_resolve(acting_user=rep, grievance=grievance, outcome="withdrawn", resolution="x")


# --- referrals --------------------------------------------------------------------------------------


def test_a_referral_records_the_sites_given_in_order(rep, member, network, hospital):
    clinic = network.site(network.provider("Elm Clinic", kind="clinic"), "Hartford")
    network.offer(clinic, "OP")
    criteria = ReferralCriteria(
        level_of_care=LevelOfCare.objects.get(code="OP"), age=35, language="es"
    )
    referral = referral_record(
        acting_user=rep, criteria=criteria, sites=[clinic, hospital], member=member
    )
    assert [g.site for g in referral.given_sites.order_by("rank")] == [clinic, hospital]
    assert (referral.age, referral.language, referral.given_by) == (35, "es", rep)


def test_a_referral_to_a_site_without_the_level_of_care_is_refused(rep, network, hospital):
    criteria = ReferralCriteria(level_of_care=LevelOfCare.objects.get(code="RTC"))
    with pytest.raises(ValidationError) as refused:
        referral_record(acting_user=rep, criteria=criteria, sites=[hospital])
    assert refused.value.messages == [
        f"{hospital.name} does not offer Residential treatment center today."
    ]
    with pytest.raises(ValidationError, match="at least one provider"):
        referral_record(acting_user=rep, criteria=criteria, sites=[])
    assert not Referral.objects.exists()


# --- bulletins --------------------------------------------------------------------------------------


def _draft(**changes) -> BulletinDraft:  # type: ignore[no-untyped-def]
    values = {
        "kind": "alert",
        "title": "Web registration down Saturday",
        "body": "From 8 to 10 pm.",
        "audience": rules.Audience(everyone=True),
        "publish_on": dt.date(2026, 11, 20),
        "expires_on": dt.date(2026, 11, 30),
    }
    return BulletinDraft(**{**values, **changes})


def test_a_bulletin_expiring_before_publication_is_refused_and_no_file_is_kept(make_user, settings):
    publisher = make_user("network_ops")
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4", "application/pdf")
    with pytest.raises(ValidationError) as refused:
        bulletin_publish(
            acting_user=publisher,
            draft=_draft(expires_on=dt.date(2026, 11, 19)),
            attachments=[upload],
        )
    assert refused.value.messages == [rules.EXPIRY_BEFORE_PUBLICATION]
    assert not Bulletin.objects.exists() and not BulletinAttachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "bulletins").exists()


def test_a_bulletin_is_published_with_its_attachments_and_corrections_keep_history(make_user):
    publisher = make_user("network_ops")
    bulletin = bulletin_publish(
        acting_user=publisher,
        draft=_draft(),
        attachments=[SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide", "application/pdf")],
    )
    attachment = bulletin.attachments.get()
    assert attachment.name == "guide.pdf" and attachment.file.read() == b"%PDF-1.4 guide"
    bulletin_update(
        acting_user=publisher, bulletin=bulletin, draft=_draft(expires_on=dt.date(2026, 11, 22))
    )
    bulletin.refresh_from_db()
    assert bulletin.expires_on == dt.date(2026, 11, 22) and bulletin.published_by == publisher
    assert list(bulletin.history.order_by("history_date").values_list("expires_on", flat=True)) == [
        dt.date(2026, 11, 30),
        dt.date(2026, 11, 22),
    ]


def test_an_executable_attachment_is_refused(make_user):
    with pytest.raises(ValidationError, match="attach one of these file types"):
        bulletin_publish(
            acting_user=make_user("network_ops"),
            draft=_draft(),
            attachments=[SimpleUploadedFile("setup.exe", b"MZ", "application/octet-stream")],
        )
    assert not Bulletin.objects.exists()


def test_only_provider_relations_publishes(make_user):
    with pytest.raises(PermissionDenied):
        bulletin_publish(acting_user=make_user("care_manager"), draft=_draft())


def test_marking_read_twice_keeps_one_receipt(make_user, hospital_staff):
    bulletin = bulletin_publish(
        acting_user=make_user("network_ops"),
        draft=_draft(publish_on=dt.date(2020, 1, 1), expires_on=None),
    )
    first = bulletin_mark_read(acting_user=hospital_staff, bulletin=bulletin)
    second = bulletin_mark_read(acting_user=hospital_staff, bulletin=bulletin)
    assert first.pk == second.pk and BulletinRead.objects.count() == 1


# --- beds -------------------------------------------------------------------------------------------


def _ip(unit: str = "adult", open_beds: int = 2, **changes) -> BedLineInput:  # type: ignore[no-untyped-def]
    level = changes.pop("level", LevelOfCare.objects.get(code="IP_PSY"))
    return BedLineInput(
        level_of_care=level, unit=unit, gender="any", open_beds=open_beds, **changes
    )


def test_a_site_reports_its_open_beds(hospital, hospital_staff):
    report = bed_report_submit(
        acting_user=hospital_staff,
        site=hospital,
        lines=[_ip("adult", 2, staffed_beds=20), _ip("adolescent", 0, staffed_beds=8)],
    )
    assert report.reported_by == hospital_staff
    assert sorted(report.lines.values_list("unit", "open_beds")) == [
        ("adolescent", 0),
        ("adult", 2),
    ]


def test_a_level_the_site_does_not_offer_is_refused_and_nothing_is_saved(hospital, hospital_staff):
    rtc = LevelOfCare.objects.get(code="RTC")
    with pytest.raises(ValidationError) as refused:
        bed_report_submit(acting_user=hospital_staff, site=hospital, lines=[_ip(), _ip(level=rtc)])
    assert refused.value.messages == [
        (
            "This site does not offer Residential treatment center as a 24-hour service: "
            "no beds to report."
        )
    ]
    assert not BedReport.objects.exists() and not BedReportLine.objects.exists()


def test_outpatient_is_offered_but_has_no_beds(hospital, hospital_staff):
    with pytest.raises(ValidationError, match="does not offer Outpatient therapy as a 24-hour"):
        bed_report_submit(
            acting_user=hospital_staff,
            site=hospital,
            lines=[_ip(level=LevelOfCare.objects.get(code="OP"))],
        )


def test_a_negative_count_is_refused_and_nothing_is_saved(hospital, hospital_staff):
    with pytest.raises(ValidationError) as refused:
        bed_report_submit(acting_user=hospital_staff, site=hospital, lines=[_ip(open_beds=-1)])
    assert refused.value.messages == [
        "Inpatient psychiatric, Adult (18 and over): open beds cannot be negative."
    ]
    assert not BedReport.objects.exists()


def test_a_child_unit_at_a_site_serving_thirteen_and_over_is_refused(hospital, hospital_staff):
    with pytest.raises(ValidationError, match="serves ages 13-120: it has no child"):
        bed_report_submit(acting_user=hospital_staff, site=hospital, lines=[_ip("child")])


def test_nobody_reports_for_another_organizations_site(hospital, network, make_user):
    from providers.models import ProviderStaff

    other = make_user("provider_admin")
    ProviderStaff.objects.create(user=other, provider=network.provider("Other Hospital"))
    with pytest.raises(PermissionDenied, match=NOT_YOUR_SITE):
        bed_report_submit(acting_user=other, site=hospital, lines=[_ip()])
    with pytest.raises(PermissionDenied):
        bed_report_submit(acting_user=make_user("care_manager"), site=hospital, lines=[_ip()])
    assert not BedReport.objects.exists()
