"""The eligibility pages: the provider check, staff search and member detail, the load pages."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aso.core.choices import AccessAction
from aso.core.models import AccessLog
from members.choices import LoadStatus
from members.models import EligibilityLoad, EligibilitySpan, Member
from tests.members.factories import MemberFactory, span
from tests.members.loads import csv_file, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(ref):  # type: ignore[no-untyped-def]
    member = MemberFactory(medicaid_id="012345678", birth_date=dt.date(1990, 4, 12))
    span(member, "HUSKY_A", "2024-01-01", "2025-03-31")
    span(member, "HUSKY_D", "2025-04-01")
    return member


def _check(client, medicaid_id: str, birth: str, on: str = "2025-06-01", **headers):  # type: ignore[no-untyped-def]
    data = {"medicaid_id": medicaid_id, "birth_date": birth, "service_date": on}
    return client.post(reverse("members:eligibility_check"), data, headers=headers)


def test_a_provider_checks_eligibility_and_the_read_is_logged(client, make_user, ana):
    user = make_user("provider_staff")
    client.force_login(user)
    page = _check(client, "012345678", "1990-04-12")
    assert page.status_code == 200 and b"Eligible on 06/01/2025" in page.content
    assert b"HUSKY D" in page.content and b"04/01/2025" in page.content
    log = AccessLog.objects.get()
    assert (log.user, log.subject_id, log.action, log.purpose) == (
        user,
        ana.pk,
        AccessAction.VIEW,
        "eligibility check",
    )


def test_a_wrong_date_of_birth_shows_exactly_what_an_unknown_id_shows(client, make_user, ana):
    client.force_login(make_user("provider_staff"))
    mismatch = _check(client, "012345678", "1990-04-13", HX_Request="true")
    unknown = _check(client, "999999999", "1990-04-13", HX_Request="true")
    assert mismatch.content == unknown.content
    assert b"No member matches this Medicaid id and date of birth." in mismatch.content
    assert set(AccessLog.objects.values_list("subject_id", "action")) == {(None, "search")}


def test_the_check_needs_a_well_formed_id(client, make_user, ana):
    client.force_login(make_user("provider_staff"))
    page = _check(client, "12-34", "1990-04-12")
    assert page.status_code == 200 and b'role="alert"' in page.content
    assert not AccessLog.objects.exists()


def test_staff_search_by_id_or_by_name_and_birth_date_logs_the_members_shown(
    client, make_user, ana, django_assert_num_queries
):
    MemberFactory(last_name="Rivas", birth_date=dt.date(1990, 4, 12))
    MemberFactory(last_name="Rivera", birth_date=dt.date(1991, 1, 1))
    client.force_login(make_user("care_manager"))
    url = reverse("members:member_search")
    by_id = client.post(url, {"medicaid_id": "012345678"})
    assert reverse("members:member_detail", args=[ana.pk]).encode() in by_id.content
    with django_assert_num_queries(7):  # session, user, perms, search, log + items, roles (menu)
        by_name = client.post(url, {"last_name": "riv", "birth_date": "1990-04-12"})
    assert by_name.content.count(b"<tr>") == 3  # header and two members born that day
    log = AccessLog.objects.latest("pk")
    assert (log.action, log.subject_count) == (AccessAction.SEARCH, 2)
    assert client.post(url, {"last_name": "Rivera"}).content.count(b'role="alert"') == 1


def test_member_detail_shows_spans_history_and_the_loads_that_changed_them(
    client, make_user, ref, django_capture_on_commit_callbacks, django_assert_num_queries
):
    loader = make_user("data_ops")
    client.force_login(loader)
    content = csv_file(row("012345678", "HUSKY_A", "2024-01-01"))
    upload = SimpleUploadedFile("jan.csv", content, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:load_list"), {"file": upload, "mode": "delta"})
    load = EligibilityLoad.objects.get()
    member = Member.objects.get()
    staff = make_user("care_manager")
    client.force_login(staff)
    edited = EligibilitySpan.objects.get()
    edited._history_user = staff  # a person's edit, through the ORM: simple-history as usual
    edited.end = dt.date(2025, 12, 31)
    edited.save()
    ContentType.objects.get_for_model(Member)  # cached for the life of a server process
    # session, user, perms, member, access log, programs, span history, member history,
    # today's eligibility, spans, roles (menu): the same whatever the history's length
    with django_assert_num_queries(11):
        page = client.get(reverse("members:member_detail", args=[member.pk]))
    text = page.content.decode()
    assert "12/31/2025" in text and f"eligibility load #{load.pk} (jan.csv)" in text
    assert staff.username in text and "Load #" in text
    log = AccessLog.objects.latest("pk")
    assert (log.user, log.subject_id, log.purpose) == (staff, member.pk, "member detail")


def test_data_ops_uploads_a_file_and_sees_counts_and_rejections(
    client, make_user, ref, django_capture_on_commit_callbacks
):
    client.force_login(make_user("data_ops"))
    content = csv_file(
        row("012345678", "HUSKY_A", "2024-01-01"), row("BAD", "HUSKY_A", "2024-02-30")
    )
    upload = SimpleUploadedFile("feb.csv", content, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("members:load_list"), {"file": upload, "validate_x12": "on"})
    load = EligibilityLoad.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "members:load_detail", args=[load.pk]
    )
    page = client.get(answer["Location"])
    text = page.content.decode()
    assert load.status == LoadStatus.SUCCEEDED and "rows rejected" in text
    assert "bad_id" in text and "bad_date" in text and "Download all as xlsx" in text
    workbook = client.get(reverse("members:load_rejections", args=[load.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content)))["Rejections"]
    assert [c.value for c in sheet[2]][:3] == [3, "BAD", "bad_id"]
    assert set(AccessLog.objects.values_list("action", flat=True)) == {"view", "export"}


def test_the_same_file_uploaded_again_is_refused_naming_the_first_load(
    client, make_user, ref, django_capture_on_commit_callbacks
):
    client.force_login(make_user("data_ops"))
    content = csv_file(row("012345678", "HUSKY_A", "2024-01-01"))
    for name in ("mar.csv", "mar-again.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                reverse("members:load_list"),
                {"file": SimpleUploadedFile(name, content)},
                follow=True,
            )
    first = EligibilityLoad.objects.order_by("pk").first()
    assert f"already loaded (same content): load #{first.pk} of mar.csv" in answer.content.decode()


def test_the_progress_bar_polls_while_the_load_runs_and_reloads_when_done(client, make_user, ref):
    client.force_login(make_user("data_ops"))
    load = EligibilityLoad.objects.create(
        file_name="x.csv", sha256="1" * 64, format="csv", status=LoadStatus.RUNNING
    )
    url = reverse("members:load_detail", args=[load.pk])
    partial = client.get(url, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in partial.content and b"<h1>" not in partial.content
    EligibilityLoad.objects.filter(pk=load.pk).update(status=LoadStatus.SUCCEEDED)
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
