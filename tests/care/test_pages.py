"""The ICM pages as people use them: what they show, the access log, fixed query counts, the
refusal messages, and that nobody sees another ICM's members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from aso.core.models import AccessLog, Job
from care.models import ContactNote, IcmAssignment, IcmCandidate, IcmReferral
from care.rules import OVER_CAP
from care.services.icm_caseload import NO_MEMBER
from members.models import Member

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def put_on(scene, icm, *, stays: bool = True) -> IcmAssignment:  # type: ignore[no-untyped-def]
    member = scene.member()
    cand = IcmCandidate.objects.create(
        member=member,
        as_of=today(),
        last_seen=today(),
        triggers=["LONG_STAY"],
        evidence={"LONG_STAY": [1]},
        status="assigned",
    )
    if stays:
        scene.stay(member, "IP_PSY", today() - dt.timedelta(days=40), None)
        scene.stay(member, "IP_DETOX", today() - dt.timedelta(days=90), today() - dt.timedelta(80))
    assignment = IcmAssignment.objects.create(
        member=member,
        icm=icm,
        start=today() - dt.timedelta(days=20),
        source="supervisor",
        candidate=cand,
    )
    ContactNote.objects.create(
        assignment=assignment,
        occurred_at=timezone.now() - dt.timedelta(days=2),
        channel="phone",
        note="Called",
        author=icm,
    )
    return assignment


def open_candidate(scene, region: str = "R4") -> IcmCandidate:  # type: ignore[no-untyped-def]
    return IcmCandidate.objects.create(
        member=scene.member(region=region),
        as_of=today(),
        last_seen=today(),
        triggers=["READMIT_30", "LONG_STAY"],
        evidence={"READMIT_30": [1, 2], "LONG_STAY": [2]},
    )


def member_log(user) -> AccessLog:  # type: ignore[no-untyped-def]
    return AccessLog.objects.filter(user=user).latest("pk")


def test_the_caseload_shows_members_triggers_stays_and_last_contact(client, scene):
    icm = scene.icm()
    assignment = put_on(scene, icm)
    client.force_login(icm)
    page = client.get(reverse("care:icm_my_caseload")).content.decode()
    assert assignment.member.last_name in page
    assert "An acute inpatient stay over 30 days" in page
    assert "IP_PSY since" in page  # still admitted: an upcoming discharge
    assert "IP_DETOX" in page  # a recent stay
    assert (timezone.localdate() - dt.timedelta(days=2)).isoformat() in page
    log = member_log(icm)
    assert log.subject_type == ContentType.objects.get_for_model(Member)
    assert list(log.items.values_list("subject_id", flat=True)) == [assignment.member_id]


def test_the_caseload_page_runs_the_same_queries_for_one_member_or_many(
    client, scene, django_assert_num_queries
):
    icm = scene.icm()
    put_on(scene, icm)
    client.force_login(icm)
    client.get(reverse("care:icm_my_caseload"))  # warm caches (content types, session)
    with django_assert_num_queries(16) as one:
        client.get(reverse("care:icm_my_caseload"))
    for _ in range(3):
        put_on(scene, icm)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("care:icm_my_caseload"))


def test_the_candidates_page_runs_the_same_queries_for_one_candidate_or_many(
    client, scene, supervisor, django_assert_num_queries
):
    scene.icm()
    open_candidate(scene)
    client.force_login(supervisor)
    client.get(reverse("care:icm_candidates"))
    with django_assert_num_queries(18) as one:
        client.get(reverse("care:icm_candidates"))
    for _ in range(4):
        open_candidate(scene)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("care:icm_candidates"))


def test_candidates_filter_by_region_and_trigger_and_suggest_an_icm(client, scene, supervisor):
    icm = scene.icm(regions=("R5",), username="icm_west")
    west, east = open_candidate(scene, "R5"), open_candidate(scene, "R3")
    east.evidence, east.triggers = {"LONG_STAY": [3]}, ["LONG_STAY"]
    east.save()
    client.force_login(supervisor)
    page = client.get(reverse("care:icm_candidates"), {"region": "R5"}).content.decode()
    assert west.member.last_name in page and east.member.last_name not in page
    assert icm.username in page
    page = client.get(reverse("care:icm_candidates"), {"trigger": "READMIT_30"}).content.decode()
    assert west.member.last_name in page and east.member.last_name not in page
    assert member_log(supervisor).purpose == "ICM candidates"


def test_an_icm_cannot_open_another_icms_member_or_caseload(client, scene):
    mine, theirs = scene.icm(), scene.icm()
    other = put_on(scene, theirs, stays=False)
    client.force_login(mine)
    assert client.get(reverse("care:icm_assignment", args=[other.pk])).status_code == 404
    assert client.get(reverse("care:icm_caseload", args=[theirs.pk])).status_code == 404
    url = reverse("care:icm_contact_add", args=[other.pk])
    assert client.post(url, {"channel": "phone", "note": "x"}).status_code == 404
    assert client.get(reverse("care:icm_candidates")).status_code == 403


def test_opening_an_assignment_writes_an_access_log_row_for_the_member(client, scene):
    icm = scene.icm()
    assignment = put_on(scene, icm)
    client.force_login(icm)
    response = client.get(reverse("care:icm_assignment", args=[assignment.pk]))
    assert response.status_code == 200 and "Add a contact note" in response.content.decode()
    log = member_log(icm)
    assert (log.subject_id, log.purpose) == (assignment.member_id, "ICM assignment")


def test_a_supervisor_assigns_from_the_candidate_page(client, scene, supervisor):
    icm = scene.icm()
    cand = open_candidate(scene)
    client.force_login(supervisor)
    assert client.get(reverse("care:icm_candidate", args=[cand.pk])).status_code == 200
    response = client.post(
        reverse("care:icm_candidate_assign", args=[cand.pk]), {"icm": icm.pk, "reason": ""}
    )
    assignment = IcmAssignment.objects.get(member=cand.member)
    assert response["Location"] == reverse("care:icm_assignment", args=[assignment.pk])


def test_over_the_cap_the_page_says_why_and_assigns_nothing(client, scene, supervisor):
    icm = scene.icm(cap=1)
    put_on(scene, icm, stays=False)
    cand = open_candidate(scene)
    client.force_login(supervisor)
    response = client.post(
        reverse("care:icm_candidate_assign", args=[cand.pk]),
        {"icm": icm.pk, "reason": ""},
        follow=True,
    )
    assert OVER_CAP.format(caseload=1, cap=1) in response.content.decode()
    assert not IcmAssignment.objects.filter(member=cand.member).exists()


def test_a_contact_note_and_a_closure_from_the_assignment_page(client, scene):
    icm = scene.icm()
    assignment = put_on(scene, icm, stays=False)
    client.force_login(icm)
    when = timezone.localtime() - dt.timedelta(hours=3)
    client.post(
        reverse("care:icm_contact_add", args=[assignment.pk]),
        {"occurred_at": when.strftime("%Y-%m-%dT%H:%M"), "channel": "in_person", "note": "Visit"},
    )
    assert assignment.contacts.filter(channel="in_person", note="Visit").exists()
    response = client.post(
        reverse("care:icm_close", args=[assignment.pk]), {"closed_reason": "other"}, follow=True
    )
    assert "Say why in the note" in response.content.decode()
    client.post(reverse("care:icm_close", args=[assignment.pk]), {"closed_reason": "declined"})
    assignment.refresh_from_db()
    assert (assignment.end, assignment.closed_reason) == (today(), "declined")


def test_a_supervisor_transfers_from_the_assignment_page(client, scene, supervisor):
    first, second = scene.icm(), scene.icm()
    assignment = put_on(scene, first, stays=False)
    client.force_login(supervisor)
    client.post(
        reverse("care:icm_transfer", args=[assignment.pk]),
        {"icm": second.pk, "reason": "Language"},
    )
    assert IcmAssignment.objects.get(member=assignment.member, end__isnull=True).icm == second


def test_a_referral_names_the_member_in_the_body_never_the_url(client, scene):
    member = scene.member()
    nurse = scene.make_user("care_manager")
    client.force_login(nurse)
    url = reverse("care:icm_referral")
    response = client.post(url, {"medicaid_id": "999999999", "reason": "ED visits"})
    assert response.status_code == 400 and NO_MEMBER in response.content.decode()
    response = client.post(url, {"medicaid_id": member.medicaid_id, "reason": "ED visits"})
    assert response.status_code == 302 and member.medicaid_id not in response["Location"]
    assert IcmReferral.objects.get(member=member).referred_by == nurse
    response = client.post(url, {"medicaid_id": member.medicaid_id, "reason": "Again"})
    assert "already has an open referral" in response.content.decode()


def test_the_overview_counts_caseloads_against_caps_by_region(client, scene, supervisor):
    north = scene.icm(regions=("R4",), cap=10)
    scene.icm(regions=("R4", "R1"), cap=20)
    put_on(scene, north, stays=False)
    open_candidate(scene, "R4")
    client.force_login(supervisor)
    response = client.get(reverse("care:icm_caseloads"))
    r4 = next(r for r in response.context["regions"] if r.code == "R4")
    r1 = next(r for r in response.context["regions"] if r.code == "R1")
    assert (r4.members_assigned, r4.open_candidates, r4.icms, r4.caseload, r4.cap) == (
        1,
        1,
        2,
        1,
        30,
    )
    assert (r1.icms, r1.cap, r1.room) == (1, 20, 20)


def test_navigation_shows_each_role_its_icm_pages(client, scene, supervisor):
    client.force_login(scene.icm())
    labels = {label for label, _ in client.get(reverse("home")).context["nav_items"]}
    assert "My caseload" in labels and "ICM candidates" not in labels
    client.force_login(supervisor)
    labels = {label for label, _ in client.get(reverse("home")).context["nav_items"]}
    assert {"ICM candidates", "Caseloads"} <= labels and "My caseload" not in labels


def test_run_now_queues_the_identification_job_and_shows_its_page(
    client, scene, supervisor, django_capture_on_commit_callbacks
):
    scene.stay(scene.member(), "IP_PSY", today() - dt.timedelta(days=45), None)
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("care:icm_identify"))
    job = Job.objects.get(kind="icm_identification")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.created_by, job.result["created"]) == ("succeeded", supervisor, 1)
    assert client.get(response["Location"]).status_code == 200
