"""The VCM pages as coordinators and providers use them: intake refusals and duplicates, the
access log, plan versions side by side, the Spanish print, the resource import, fixed queries."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from aso.core.models import AccessLog, Job
from care.models import CommunityResource, VcmReferral
from providers.models import Provider, ProviderStaff, Town
from tests.care.vcm_factory import engaged, plan, referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def vcm(make_user, client):  # type: ignore[no-untyped-def]
    user = make_user("vcm_coordinator")
    client.force_login(user)
    return user


def form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "agency_referral_id": "CL-9", "received_at": "2026-03-10T10:00",
        "child_first_name": "Sam", "child_last_name": "Rivera", "child_birth_date": "2014-06-01",
        "town": Town.objects.get(name="Hartford").pk, "problem": "emotional",
        "reason": "Family asks", "other_insurance_explored": "on", "consent": "on",
        "caregiver_first_name": "Maria", "caregiver_last_name": "Rivera",
        "caregiver_relationship": "mother", "caregiver_phone": "860-555-0100",
        "caregiver_language": "es",
    }  # fmt: skip
    data.update(changes)
    return data


def test_a_coordinator_records_a_referral_and_reads_the_family(vcm, client):
    answer = client.post("/care/vcm/referrals/new/", form())
    referral = VcmReferral.objects.get()
    assert answer.url == f"/care/vcm/referrals/{referral.pk}/"
    before = AccessLog.objects.filter(user=vcm).count()
    page = client.get(answer.url).content.decode()
    assert "Maria Rivera" in page and "2026-03-12" in page
    assert AccessLog.objects.filter(user=vcm).count() == before + 1


def test_an_ineligible_referral_shows_every_reason_and_saves_nothing(vcm, client):
    page = client.post("/care/vcm/referrals/new/", form(child_birth_date="2000-01-01",
                                                          consent=""), follow=True)  # fmt: skip
    text = page.content.decode()
    assert "under 18" in text and "not consented" in text
    assert not VcmReferral.objects.exists()


def test_a_duplicate_links_the_existing_referral(vcm, client):
    first = referral(vcm, ref_id="CL-9")
    page = client.post("/care/vcm/referrals/new/", form(), follow=True).content.decode()
    assert f'href="/care/vcm/referrals/{first.pk}/"' in page
    assert VcmReferral.objects.count() == 1


def test_the_worklist_runs_a_fixed_number_of_queries(vcm, client):
    referral(vcm, ref_id="CL-1")
    with CaptureQueriesContext(connection) as one:
        client.get("/care/vcm/referrals/")
    for n in range(2, 6):
        referral(vcm, ref_id=f"CL-{n}")
    with CaptureQueriesContext(connection) as five:
        page = client.get("/care/vcm/referrals/")
    assert page.content.decode().count("/care/vcm/referrals/") >= 5
    assert len(five) == len(one)


def test_plan_versions_read_side_by_side_and_print_in_spanish(vcm, client):
    ref = engaged(vcm)
    answer = client.post(f"/care/vcm/referrals/{ref.pk}/plan/", {
        "effective_on": "2026-03-20", "next_review": "2026-06-20",
        "needs": "Behavior support\nRespite", "strengths": "Grandmother nearby",
        "goals": "Fewer suspensions | 0 suspensions in 60 days",
        "team": "family | Maria | Mother\nschool | Ms. Diaz | Counselor",
        "services": "", "change_note": "",
    })  # fmt: skip
    plan_id = ref.plan.pk
    assert answer.url == f"/care/vcm/plans/{plan_id}/"
    plan(vcm, ref, effective_on=dt.date(2026, 4, 20), note="Added respite provider")
    page = client.get(answer.url).content.decode()
    assert "Version 2" in page and "Version 1" in page and "Added respite provider" in page
    spanish = client.get(f"/care/vcm/plans/{plan_id}/print/", {"lang": "es"}).content.decode()
    assert "Plan de cuidado familiar" in spanish and "Nuestras metas" in spanish
    assert "20 de abril de 2026" in spanish and 'lang="es"' in spanish
    english = client.get(f"/care/vcm/plans/{plan_id}/print/").content.decode()
    assert "Family plan of care" in english and "April 20, 2026" in english


def test_a_provider_sees_only_plans_naming_its_organization(vcm, client, make_user):
    named = Provider.objects.create(npi="1234567893", medicaid_id="000000001", name="Named",
                                    kind="clinic", effective_date=dt.date(2015, 1, 1))  # fmt: skip
    other = Provider.objects.create(npi="1245319599", medicaid_id="000000002", name="Other",
                                    kind="clinic", effective_date=dt.date(2015, 1, 1))  # fmt: skip
    ref = engaged(vcm)
    plan(vcm, ref, effective_on=dt.date(2026, 3, 20), provider_id=named.pk)
    for provider, status in ((named, 200), (other, 404)):
        staff = make_user("provider_staff")
        ProviderStaff.objects.create(user=staff, provider=provider)
        client.force_login(staff)
        assert client.get(f"/care/vcm/plans/{ref.plan.pk}/").status_code == status
        listed = client.get("/care/vcm/plans/").content.decode()
        assert (f"/care/vcm/plans/{ref.plan.pk}/" in listed) == (status == 200)
        assert client.get(f"/care/vcm/referrals/{ref.pk}/").status_code == 403


def _sheet(rows: list[list[object]]) -> BytesIO:
    book = Workbook()
    book.active.append(["name", "type", "towns", "min_age", "max_age", "languages", "needs",
                        "phone", "email", "website"])  # fmt: skip
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "resources.xlsx"
    return out


def test_resources_import_through_a_job_and_search_by_town_and_need(
    vcm, client, django_capture_on_commit_callbacks
):
    good = _sheet([
        ["Hartford Mentors", "mentoring", "Hartford; West Hartford", 8, 17, "en; es",
         "mentoring; school", "860-555-0111", "", "https://mentors.example.org"],
        ["Statewide Respite", "respite", "statewide", 0, 21, "en", "respite", "", "r@example.org",
         ""],
    ])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/care/vcm/resources/import/", {"file": good})
    job = Job.objects.get(kind="vcm_resources_import")
    assert answer.url == f"/jobs/{job.pk}/" and job.status == "succeeded"
    assert CommunityResource.objects.count() == 2
    stamford = Town.objects.get(name="Stamford").pk
    page = client.get("/care/vcm/resources/", {"town": stamford, "need": "respite"}).content
    assert b"Statewide Respite" in page and b"Hartford Mentors" not in page
    page = client.get("/care/vcm/resources/", {"need": "school", "age": 12}).content
    assert b"Hartford Mentors" in page and b"Statewide Respite" not in page


def test_a_bad_row_fails_the_import_and_writes_nothing(
    vcm, client, django_capture_on_commit_callbacks
):
    bad = _sheet([
        ["Good One", "respite", "Hartford", 0, 21, "en", "respite", "", "", ""],
        ["", "mentoring", "Atlantis", 17, 8, "", "", "", "not-an-email", ""],
    ])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/care/vcm/resources/import/", {"file": bad})
    job = Job.objects.get(kind="vcm_resources_import")
    assert job.status == "failed"
    assert "row 3: name is empty" in job.error and "nothing was imported" in job.error
    assert "unknown town 'Atlantis'" in job.log
    assert not CommunityResource.objects.exists()


def test_outreach_is_flagged_late_on_the_family_page(vcm, client):
    ref = referral(vcm, day=timezone.localdate() - dt.timedelta(days=10))
    assert "<strong>late</strong>" in client.get(f"/care/vcm/referrals/{ref.pk}/").content.decode()


def test_the_referral_page_steps_log_an_attempt_engage_and_discharge_with_clear_refusals(
    vcm, client
):
    ref = referral(vcm, day=timezone.localdate() - dt.timedelta(days=3))
    base = f"/care/vcm/referrals/{ref.pk}"
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    attempt = {"occurred_at": when, "channel": "phone", "outcome": "reached", "note": ""}
    page = client.post(f"{base}/attempts/", attempt, follow=True).content.decode()
    assert "Contact attempt logged." in page and ref.attempts.count() == 1
    bad = client.post(f"{base}/discharge/", {"reason": "nope"})
    said = [str(message) for message in get_messages(bad.wsgi_request)]
    assert bad.url == f"{base}/" and said and "Family discharged." not in said
    assert any("valid choice" in message for message in said), said
    ref.refresh_from_db()
    assert ref.status != "discharged"
    today = timezone.localdate().isoformat()
    page = client.post(f"{base}/engage/", {"on": today}, follow=True).content.decode()
    assert "Engagement recorded" in page
    ref.refresh_from_db()
    assert ref.engaged_on == timezone.localdate() and ref.plan_due is not None
    discharge = {
        "discharged_on": today,
        "reason": "goals_met",
        "services_met_needs": "on",
        "goals_met": "on",
        "satisfaction": "5",
    }
    page = client.post(f"{base}/discharge/", discharge, follow=True).content.decode()
    assert "Family discharged." in page
    ref.refresh_from_db()
    assert ref.status == "discharged"
