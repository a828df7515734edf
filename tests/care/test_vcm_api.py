"""POST /api/v1/care/referrals: the agency's system with a token; refusals, duplicates, schema."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from care.models import VcmCaregiver, VcmReferral

URL = "/api/v1/care/referrals"


def body(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "agency_referral_id": "CL-2026-000123",
        "received_at": "2026-03-10T10:15:00-05:00",
        "child_first_name": "Sam",
        "child_last_name": "Example",
        "child_birth_date": "2014-06-01",
        "town": "Hartford",
        "problem": "behavioral",
        "reason": "Aggressive at school; family asks for help.",
        "other_insurance_explored": True,
        "consent": True,
        "caregivers": [
            {"first_name": "Maria", "last_name": "Example", "relationship": "mother",
             "phone": "860-555-0100", "preferred_language": "es"}
        ],
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.fixture
def agency(make_user) -> Client:  # type: ignore[no-untyped-def]
    token = Token.objects.create(user=make_user("agency_referrer"))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post(client: Client, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(URL, data, content_type="application/json")


def test_the_agency_sends_a_referral_and_learns_the_outreach_due_date(agency):
    answer = post(agency, body())
    assert answer.status_code == 201
    assert answer.json()["first_attempt_due"] == "2026-03-12"
    assert answer.json()["status"] == "outreach"
    assert "Sam" not in answer.content.decode()  # no names echoed
    referral = VcmReferral.objects.get()
    assert referral.caregivers.get().preferred_language == "es"


def test_refusals_come_back_as_field_errors_and_nothing_is_saved(agency):
    answer = post(agency, body(child_birth_date="2007-01-01", consent=False, problem="medical"))
    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) == {"child_birth_date", "consent", "problem"}
    assert "under 18" in errors["child_birth_date"][0]
    assert not VcmReferral.objects.exists() and not VcmCaregiver.objects.exists()


def test_an_unknown_town_or_no_caregiver_is_refused(agency):
    assert set(post(agency, body(town="Atlantis")).json()) == {"town"}
    answer = post(agency, body(caregivers=[]))
    assert answer.status_code == 400 and "caregivers" in answer.json()
    assert not VcmReferral.objects.exists()


def test_a_duplicate_answers_409_with_a_link_to_the_existing_referral(agency):
    first = post(agency, body()).json()
    answer = post(agency, body(child_first_name="Different"))
    assert answer.status_code == 409
    assert answer.json()["existing_referral_id"] == first["id"]
    assert answer.json()["existing_referral_url"].endswith(f"/care/vcm/referrals/{first['id']}/")
    assert VcmReferral.objects.count() == 1


def test_other_roles_may_not_send(make_user):
    token = Token.objects.create(user=make_user("agency_viewer"))
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert post(client, body()).status_code == 403


def test_the_operation_is_in_the_openapi_schema(client, make_user):
    client.force_login(make_user("vcm_coordinator"))
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/care/referrals" in schema and "DuplicateOut" in schema
