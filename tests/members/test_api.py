"""POST /api/v1/eligibility/inquiries: same rules as the page, token or session auth, logged, fixed cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aso.core.models import AccessLog
from members.models import Member
from tests.members.factories import MemberFactory, span

pytestmark = pytest.mark.django_db
URL = "/api/v1/eligibility/inquiries"


@pytest.fixture
def ana(ref):  # type: ignore[no-untyped-def]
    member = MemberFactory(medicaid_id="012345678", birth_date=dt.date(1990, 4, 12))
    span(member, "HUSKY_A", "2024-01-01", "2025-03-31")
    span(member, "HUSKY_D", "2025-04-01")
    span(member, "DCF_LB", "2025-01-01", "2025-12-31")
    return member


@pytest.fixture
def api(make_user):  # type: ignore[no-untyped-def]
    user = make_user("provider_staff")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.user = user
    return client


def _ask(api, medicaid_id="012345678", birth="1990-04-12", on="2025-06-01"):  # type: ignore[no-untyped-def]
    body = {"medicaid_id": medicaid_id, "birth_date": birth, "date_of_service": on}
    return api.post(URL, body, format="json")


def test_the_url_is_the_documented_one():
    assert reverse("members_api:eligibility_inquiry") == URL


def test_an_eligible_member_gets_program_span_and_other_programs(api, ana):
    answer = _ask(api)
    assert answer.status_code == 200
    assert answer.json() == {
        "eligible": True,
        "reason": "eligible",
        "message": "Eligible under HUSKY D on 06/01/2025.",
        "date_of_service": "2025-06-01",
        "span": {
            "program": {"code": "HUSKY_D", "name": "HUSKY D"},
            "start": "2025-04-01",
            "end": None,
        },
        "other_programs": [
            {
                "program": {"code": "DCF_LB", "name": "DCF Limited Benefit"},
                "start": "2025-01-01",
                "end": "2025-12-31",
            }
        ],
    }
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.subject_id) == (api.user, "api", ana.pk)


def test_coverage_ended_names_the_span_that_ended(api, ref):
    member = MemberFactory(medicaid_id="100000001", birth_date=dt.date(2001, 1, 1))
    span(member, "HUSKY_B", "2015-01-01", "2019-12-31")
    body = _ask(api, "100000001", "2001-01-01", "2026-01-01").json()
    assert (body["eligible"], body["reason"], body["span"]["end"]) == (
        False,
        "coverage_ended",
        "2019-12-31",
    )


def test_a_wrong_birth_date_answers_exactly_like_an_unknown_id(api, ana):
    mismatch, unknown = _ask(api, birth="1990-04-13"), _ask(api, medicaid_id="999999999")
    assert mismatch.status_code == unknown.status_code == 200
    assert mismatch.content == unknown.content
    assert mismatch.json()["reason"] == "not_found" and mismatch.json()["span"] is None
    assert list(AccessLog.objects.values_list("action", "subject_id")) == [("api", None)] * 2


def test_bad_input_is_a_400_with_the_field_named(api, ana):
    answer = _ask(api, medicaid_id="12", on="2025-02-30")
    assert answer.status_code == 400
    assert set(answer.json()) == {"medicaid_id", "date_of_service"}
    assert not AccessLog.objects.exists()


def test_roles_without_the_check_are_refused_and_anonymous_too(make_user, ana):
    client = APIClient()
    assert client.post(URL, {}, format="json").status_code in (401, 403)
    client.force_authenticate(make_user("agency_viewer"))
    assert _ask(client).status_code == 403


def test_an_inquiry_costs_a_fixed_number_of_queries(api, ana, django_assert_num_queries):
    ContentType.objects.get_for_model(Member)  # cached for the life of a server process
    # token + user, perms (one statement), member with its spans, access log: the same for every answer
    for body in ({}, {"medicaid_id": "999999999"}, {"birth": "1990-04-13"}):
        with django_assert_num_queries(4):
            assert _ask(api, **body).status_code == 200


def test_the_schema_documents_the_inquiry(client, make_user):
    client.force_login(make_user("provider_staff"))
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/v1/eligibility/inquiries" in schema and "date_of_service" in schema
