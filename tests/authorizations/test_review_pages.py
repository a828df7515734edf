"""Review pages and API: the queue (order, colors, fixed queries), intake, the review form, the race,
decision authority through the form, the API and the admin, notices and metrics downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from aso.core.models import AccessLog
from authorizations.models import Notice, Request
from tests.authorizations.review_helpers import CLINICAL, SPECIFIC, build_review_world


@pytest.fixture
def rw(db, ref, make_user):  # type: ignore[no-untyped-def]
    return build_review_world(make_user)


def _open_requests(rw, count, *, start=0):  # type: ignore[no-untyped-def]
    now = timezone.now()
    for i in range(start, start + count):
        Request.objects.create(
            number=f"RQ-{i:06d}",
            member=rw.adult,
            site=rw.hospital,
            level_of_care=rw.level("IP_PSY"),
            channel="web",
            review_path="prior_auth",
            urgency="expedited",
            received_at=now - dt.timedelta(hours=i),
            due_at=now + dt.timedelta(hours=72 - 10 * i),
            requested_start=timezone.localdate(),
            requested_units=3,
            status="submitted",
            assigned_to=rw.users["care_manager"] if i % 2 else None,
        )


def test_the_queue_orders_by_time_left_and_colors_by_risk(client, rw):
    _open_requests(rw, 9)
    client.force_login(rw.users["care_manager"])
    response = client.get(reverse("review:queue"))
    body = response.content.decode()
    numbers = [item["request"].number for item in response.context["items"]]
    assert numbers == [f"RQ-{i:06d}" for i in range(8, -1, -1)]  # least time left first
    assert response.context["items"][0]["risk"].level == "overdue"
    assert "risk-overdue" in body and "risk-low" in body and "risk-high" in body
    assert response.context["counts"] == {"total": 9, "overdue": 1, "due_24h": 3}


def test_the_queue_filters(client, rw):
    _open_requests(rw, 6)
    client.force_login(rw.users["care_manager"])
    mine = client.get(reverse("review:queue"), {"assignee": "me"}).context["items"]
    unassigned = client.get(reverse("review:queue"), {"assignee": "none"}).context["items"]
    assert len(mine) == 3 and len(unassigned) == 3
    assert not client.get(reverse("review:queue"), {"level": "RTC"}).context["items"]
    assert len(client.get(reverse("review:queue"), {"urgency": "expedited"}).context["items"]) == 6


@pytest.mark.parametrize("role", ["care_manager", "clinical_supervisor"])
def test_the_queue_costs_the_same_queries_for_any_size(client, rw, django_assert_num_queries, role):
    client.force_login(rw.users[role])
    _open_requests(rw, 3)
    client.get(reverse("review:queue"))  # warm the session and permission caches
    with django_assert_num_queries(QUEUE_QUERIES[role]):
        small = client.get(reverse("review:queue"))
    _open_requests(rw, 60, start=3)
    with django_assert_num_queries(QUEUE_QUERIES[role]):
        large = client.get(reverse("review:queue"))
    assert len(small.context["items"]) == 3 and len(large.context["items"]) == 50


# session, user, permissions (one statement), page count, page rows, access log and its items, the
# queue counts, the user's roles (navigation), levels and regions for the filters; supervisors also
# read the reviewers for the assign menu.
QUEUE_QUERIES = {"care_manager": 11, "clinical_supervisor": 12}


def test_the_htmx_queue_answers_the_table_only(client, rw):
    _open_requests(rw, 2)
    client.force_login(rw.users["care_manager"])
    response = client.get(reverse("review:queue"), HTTP_HX_REQUEST="true")
    assert b"<table" in response.content and b"<html" not in response.content


def test_phone_intake_records_a_request_and_shows_field_errors(client, rw):
    client.force_login(rw.users["care_manager"])
    data = {
        "medicaid_id": rw.adult.medicaid_id,
        "birth_date": "1990-03-03",
        "site": rw.hospital.pk,
        "level_of_care": rw.level("IP_PSY").pk,
        "urgency": "expedited",
        "requested_start": "2026-06-01",
        "diagnoses": "F32",
        **CLINICAL,
        "substances": ["none"],
    }
    response = client.post(reverse("review:intake_phone"), data)
    assert response.status_code == 200 and "give the full code" in response.content.decode()
    assert not Request.objects.exists()
    response = client.post(reverse("review:intake_phone"), {**data, "diagnoses": "F32.2"})
    created = Request.objects.get()
    assert response.status_code == 302 and created.channel == "phone"
    page = client.get(reverse("review:request_detail", args=[created.number])).content.decode()
    assert "Gates checked at intake" in page and "Eligible on the start date" in page


def test_a_care_manager_cannot_deny_through_the_form(client, rw):
    request = rw.submit()
    client.force_login(rw.users["care_manager"])
    response = client.post(
        reverse("review:request_review", args=[request.number]),
        {
            "version": request.version,
            "outcome": "deny",
            "reason_code": "MN_ADMISSION_CRITERIA",
            "criterion_code": "IP_PSY_DANGER_SELF",
            "explanation": SPECIFIC,
        },
    )
    assert response.status_code == 200
    assert "Only a physician advisor may deny" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "submitted"


def test_the_second_reviewer_gets_a_409_with_the_conflict_and_nothing_changes(client, rw):
    request = rw.submit()
    version = request.version
    answers = {f"answer_{code}": v["answer"] for code, v in rw.answers(request).items()}
    approve = {
        "version": version,
        "outcome": "approve",
        "start": "2026-06-01",
        "end": "2026-06-03",
        "units": 3,
        **answers,
    }
    client.force_login(rw.users["care_manager"])
    assert (
        client.post(reverse("review:request_review", args=[request.number]), approve).status_code
        == 302
    )
    client.force_login(rw.users["physician_advisor"])
    second = client.post(
        reverse("review:request_review", args=[request.number]),
        {
            **approve,
            "outcome": "deny",
            "reason_code": "MN_ADMISSION_CRITERIA",
            "criterion_code": "IP_PSY_DANGER_SELF",
            "explanation": SPECIFIC,
            "answer_IP_PSY_DANGER_SELF": "not_met",
        },
    )
    assert second.status_code == 409
    assert "changed since you opened it" in second.content.decode()
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == rw.users["care_manager"]


def test_the_request_page_writes_an_access_log_row(client, rw):
    request = rw.submit()
    client.force_login(rw.users["icm"])
    assert client.get(reverse("review:request_detail", args=[request.number])).status_code == 200
    log = AccessLog.objects.get(user=rw.users["icm"])
    assert log.subject_id == rw.adult.pk and log.purpose == "prior-auth request"


def test_notices_are_shown_printed_and_downloaded_as_stored(client, rw):
    request = rw.deny(rw.submit())
    notice = Notice.objects.get(request=request, recipient="provider")
    client.force_login(rw.users["provider_staff"])
    page = client.get(reverse("review:notice_detail", args=[notice.pk]))
    assert page.status_code == 200 and "NOTICE OF DENIAL" in page.content.decode()
    pdf = client.get(reverse("review:notice_pdf", args=[notice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(rw.users["other_provider"])
    assert client.get(reverse("review:notice_detail", args=[notice.pk])).status_code == 404


def test_metrics_exports(client, rw):
    client.force_login(rw.users["clinical_supervisor"])
    page = client.get(reverse("review:pa_metrics"), {"year": "2026"})
    assert page.status_code == 200 and "Standard requests approved" in page.content.decode()
    csv = client.get(reverse("review:pa_metrics_export"), {"year": "2026", "format": "csv"})
    assert (
        csv["Content-Type"].startswith("text/csv")
        and b"pa-metrics-2026.csv" in csv["Content-Disposition"].encode()
    )
    xlsx = client.get(reverse("review:pa_metrics_export"), {"year": "2026", "format": "xlsx"})
    assert xlsx.content.startswith(b"PK")


# -- API ------------------------------------------------------------------------------------------


def _api_request(rw):  # type: ignore[no-untyped-def]
    return {
        "medicaid_id": rw.adult.medicaid_id,
        "birth_date": "1990-03-03",
        "site": rw.hospital.pk,
        "level_of_care": "IP_PSY",
        "urgency": "standard",
        "requested_start": "2026-06-01",
        "diagnoses": ["F32.2"],
        "clinical": CLINICAL,
    }


def test_a_provider_requests_through_the_api_and_others_cannot_see_it(client, rw):
    client.force_login(rw.users["provider_staff"])
    created = client.post(
        reverse("review_api:request-list"),
        _api_request(rw),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["channel"] == "api" and created.json()["gates"]
    again = client.post(
        reverse("review_api:request-list"),
        _api_request(rw),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert again.json()["number"] == number and Request.objects.count() == 1
    client.force_login(rw.users["other_provider"])
    assert client.get(reverse("review_api:request-detail", args=[number])).status_code == 404


def test_bad_api_input_is_a_400_with_fields(client, rw):
    client.force_login(rw.users["provider_staff"])
    response = client.post(
        reverse("review_api:request-list"),
        {**_api_request(rw), "diagnoses": ["F99.99"]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "diagnoses" in response.json()


def test_decisions_through_the_api_keep_the_authority_rule_and_the_version(client, rw):
    request = rw.submit()
    url = reverse("review_api:request-decision", args=[request.number])
    deny = {
        "version": 1,
        "outcome": "deny",
        "reason_code": "MN_ADMISSION_CRITERIA",
        "criterion_code": "IP_PSY_DANGER_SELF",
        "explanation": SPECIFIC,
        "answers": rw.answers(request, not_met=("IP_PSY_DANGER_SELF",)),
    }
    client.force_login(rw.users["care_manager"])
    refused = client.post(url, deny, content_type="application/json")
    assert refused.status_code == 400 and "Only a physician advisor" in refused.json()["outcome"][0]
    client.force_login(rw.users["physician_advisor"])
    decided = client.post(url, deny, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "denied"
    stale = client.post(url, deny, content_type="application/json")
    assert stale.status_code == 409 and "changed since you opened it" in stale.json()["detail"]
    notices = client.get(reverse("review_api:request-notices", args=[request.number])).json()
    assert {n["recipient"] for n in notices} == {"member", "provider"}


# -- admin ----------------------------------------------------------------------------------------


def test_the_admin_cannot_change_a_decision(client, rw):
    request = rw.submit()
    staff = rw.users["care_manager"]
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        Permission.objects.get(codename="change_request"),
        Permission.objects.get(codename="view_request"),
    )
    client.force_login(staff)
    url = reverse("admin:authorizations_request_change", args=[request.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"status": "denied", "decision_note": "denied"})
    request.refresh_from_db()
    assert request.status == "submitted" and request.decision_note == ""
