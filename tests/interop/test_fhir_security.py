"""Who may call the FHIR API: OAuth2 client credentials scoped to the client's organization (A's
client never sees B's requests or members), token auth kept, anonymous refused, every call audited."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from aso.core.models import AccessLog
from authorizations.models import Request
from interop.fhir import mapping
from interop.models import ApiCall
from tests.interop.fhir_scene import (
    INQUIRE,
    SUBMIT,
    build_fhir_scene,
    claim_response,
    inquiry_bundle,
    issues,
    pas_bundle,
    post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fs(make_user):
    return build_fhir_scene(make_user)


def test_organization_a_cannot_inquire_about_organization_bs_request(fs):
    submitted_b = pas_bundle(fs.adult, npi="1245319599", trace="B-1")
    made = post(fs.client_b, SUBMIT, submitted_b)
    assert made.status_code == 200, made.content
    number = claim_response(made)["id"]
    # A asks with B's own bundle (B's NPI), and with its own NPI: not found either way.
    for inquiry in (inquiry_bundle(submitted_b), inquiry_bundle(pas_bundle(fs.adult, trace="B-1"))):
        answer = post(fs.client_a, INQUIRE, inquiry)
        assert answer.status_code == 404
        assert [i["code"] for i in issues(answer)] == ["not-found"]
        assert number not in answer.content.decode()
        assert fs.adult.medicaid_id not in answer.content.decode()
    assert post(fs.client_b, INQUIRE, inquiry_bundle(submitted_b)).status_code == 200


def test_organization_a_cannot_submit_for_organization_b(fs):
    answer = post(fs.client_a, SUBMIT, pas_bundle(fs.adult, npi="1245319599"))
    assert answer.status_code == 400
    assert [i["diagnostics"] for i in issues(answer)] == [mapping.PROVIDER_UNKNOWN]
    assert not Request.objects.exists()


def test_anonymous_and_bad_tokens_are_refused_with_an_operation_outcome():
    for client in (
        Client(),
        Client(HTTP_AUTHORIZATION="Bearer not-a-token"),
        Client(HTTP_AUTHORIZATION="Token not-a-token"),
    ):
        answer = post(client, SUBMIT, {"resourceType": "Bundle", "type": "collection"})
        assert answer.status_code == 401
        assert issues(answer)[0]["code"] == "login"


def test_a_token_of_an_inactive_system_user_is_refused(fs):
    fs.system_a.is_active = False
    fs.system_a.save()
    assert post(fs.client_a, SUBMIT, pas_bundle(fs.adult)).status_code == 401


def test_the_token_endpoint_refuses_a_wrong_secret(fs):
    answer = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "client_id": "ehr-a-id", "client_secret": "wrong"},
    )
    assert answer.status_code == 401


def test_drf_token_authentication_still_works(fs):
    token = Token.objects.create(user=fs.user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    answer = post(client, SUBMIT, pas_bundle(fs.adult))
    assert answer.status_code == 200
    assert Request.objects.get().submitted_by == fs.user


def test_a_role_without_the_capability_is_forbidden(make_user):
    token = Token.objects.create(user=make_user("data_ops"))
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    answer = post(client, SUBMIT, {"resourceType": "Bundle", "type": "collection"})
    assert answer.status_code == 403
    assert issues(answer)[0]["code"] == "forbidden"


def test_every_call_is_audited_without_phi(fs):
    post(fs.client_a, SUBMIT, pas_bundle(fs.adult))
    post(fs.client_a, SUBMIT, b"not json")
    post(Client(), SUBMIT, b"{}")
    calls = list(ApiCall.objects.order_by("pk").values_list("status_code", "issue_count", "user"))
    assert calls == [(200, 0, fs.system_a.pk), (400, 1, fs.system_a.pk), (401, 1, None)]
    for call in ApiCall.objects.all():
        assert fs.adult.medicaid_id not in str(call.__dict__)
    assert AccessLog.objects.filter(user=fs.system_a).count() == 1
