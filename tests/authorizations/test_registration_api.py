"""Registration API for provider systems: token auth, the same rules and visibility as the pages,
Idempotency-Key, 400 with field errors for every kind of bad input, and answers that match the
published OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from authorizations.api.registration_serializers import (
    MEMBER_UNKNOWN,
    RegistrationSerializer,
    registration_data,
)
from authorizations.models import Authorization, Request
from authorizations.services.registration import IDEMPOTENCY_CONFLICT, SITE_UNKNOWN
from tests.authorizations.registration_scene import build_scene

pytestmark = pytest.mark.django_db
REGISTRATIONS = "/api/v1/registrations"
AUTHORIZATIONS = "/api/v1/authorizations"


# --- the published schema ----------------------------------------------------------------------------


@cache
def openapi() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 `nullable` as JSON Schema."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_matches_schema(response: Any, path: str, method: str) -> None:
    """The answer is one the schema documents for this operation and status, in shape and types."""
    operation = openapi()["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method.upper()} {path} does not document {response.status_code}"
    body_schema = documented["content"]["application/json"]["schema"]
    root = _json_schema({**body_schema, "components": openapi()["components"]})
    jsonschema.validate(response.json(), root)


def test_the_openapi_schema_is_valid_and_documents_the_registration_api(tmp_path):
    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yml"))
    paths = openapi()["paths"]
    assert set(paths[REGISTRATIONS]) == {"post"}
    assert {"201", "202", "400", "403"} <= set(paths[REGISTRATIONS]["post"]["responses"])
    parameters = {p["name"] for p in paths[REGISTRATIONS]["post"]["parameters"]}
    assert "Idempotency-Key" in parameters
    assert {"get"} == set(paths[AUTHORIZATIONS])
    filters = {p["name"] for p in paths[AUTHORIZATIONS]["get"]["parameters"]}
    assert {
        "status",
        "level_of_care",
        "site",
        "start_after",
        "start_before",
        "active_on",
    } <= filters
    assert "post" in paths[AUTHORIZATIONS + "/{number}/extensions"]


def test_the_api_docs_are_served_locally(client, make_user):
    client.force_login(make_user("provider_staff"))
    page = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in page and "cdn" not in page.lower()


# --- helpers -------------------------------------------------------------------------------------------


@pytest.fixture
def scene(make_user):
    return build_scene(make_user)


@pytest.fixture
def api(scene):
    token = Token.objects.create(user=scene.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _body(scene, member=None, **changes):
    member = member or scene.adult
    body = {
        "member_id": member.medicaid_id,
        "birth_date": member.birth_date.isoformat(),
        "level_of_care": "OP",
        "site": scene.site.pk,
        "start_date": timezone.localdate().isoformat(),
        "diagnoses": ["F32.9"],
    }
    return {**body, **changes}


def _post(api, body, key=None, path=REGISTRATIONS):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(path, json.dumps(body), content_type="application/json", **headers)


# --- POST /api/v1/registrations ---------------------------------------------------------------------------


def test_an_approved_registration_answers_201_with_the_authorization(api, scene):
    response = _post(api, _body(scene, units=12))
    assert response.status_code == 201, response.json()
    data = response.json()
    authorization = Authorization.objects.get()
    assert data["status"] == "approved" and data["channel"] == "api"
    assert data["authorization"]["number"] == authorization.number
    assert data["authorization"]["units"] == 12 and data["reasons"] == []
    assert response["Location"] == f"{AUTHORIZATIONS}/{authorization.number}"
    assert_matches_schema(response, REGISTRATIONS, "post")


def test_a_refused_registration_answers_400_with_every_reason_by_field_and_is_kept(api, scene):
    start = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    response = _post(api, _body(scene, member=scene.uncovered, units=500, start_date=start))
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"start_date", "units", "registration"}
    assert len(data["start_date"]) == 2  # not covered on that date; too far in the past
    assert [r["code"] for r in data["registration"]["reasons"]] == [
        "NOT_ELIGIBLE",
        "TOO_MANY_UNITS",
        "BACKDATED",
    ]
    assert Request.objects.get().status == "refused" and not Authorization.objects.exists()
    assert_matches_schema(response, REGISTRATIONS, "post")


def test_psychological_testing_answers_202_for_staff_review(api, scene):
    response = _post(api, _body(scene, level_of_care="PSYCH_TEST"))
    assert response.status_code == 202
    number = response.json()["number"]
    assert response["Location"] == f"{REGISTRATIONS}/{number}"
    assert response.json()["status"] == "submitted" and response.json()["authorization"] is None
    follow = api.get(response["Location"])
    assert follow.status_code == 200 and follow.json()["number"] == number
    assert_matches_schema(follow, REGISTRATIONS + "/{number}", "get")


def test_the_registration_answer_is_exactly_what_the_documented_serializer_writes(api, scene):
    """The answer is built by hand for speed (registration_data); it must equal the serializer the
    schema publishes, for an approval, a refusal, a review and an extension."""
    start = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    answers = [
        _post(api, _body(scene, units=12)),
        _post(api, _body(scene, member=scene.uncovered, units=500, start_date=start)),
        _post(api, _body(scene, level_of_care="PSYCH_TEST")),
    ]
    first = Authorization.objects.get()
    path = f"{AUTHORIZATIONS}/{first.number}/extensions"
    answers.append(_post(api, {"units": 4}, path=path))
    assert [a.status_code for a in answers] == [201, 400, 202, 201]
    requests = list(Request.objects.select_related("authorization", "extends").order_by("pk"))
    assert len(requests) == 4 and requests[3].extends == first
    for request in requests:
        assert registration_data(request) == RegistrationSerializer(request).data
    for answer, request in zip(answers, requests, strict=True):
        body = answer.json()
        assert body.get("registration", body) == json.loads(
            json.dumps(RegistrationSerializer(request).data)
        )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"birth_date": "1985-05-06"}, "member_id", MEMBER_UNKNOWN),
        ({"member_id": "999999999"}, "member_id", MEMBER_UNKNOWN),
        ({"member_id": "12-45"}, "member_id", "at least 9 characters"),
        ({"level_of_care": "NOPE"}, "level_of_care", "does not exist"),
        ({"level_of_care": "X" * 21}, "level_of_care", "no more than 20 characters"),
        ({"diagnoses": ["F32"]}, "diagnoses", "is a category"),
        ({"diagnoses": []}, "diagnoses", "may not be empty"),
        ({"units": 0}, "units", "greater than or equal to 1"),
        ({"start_date": "2026-02-30"}, "start_date", "Date has wrong format"),
        ({"site": 999_999}, "site", SITE_UNKNOWN),
    ],
    ids=[
        "dob-mismatch",
        "unknown-member",
        "bad-member-id",
        "unknown-level",
        "long-level",
        "bad-diagnosis",
        "no-diagnosis",
        "zero-units",
        "bad-date",
        "unknown-site",
    ],
)
def test_bad_input_answers_400_with_the_field_and_saves_nothing(api, scene, body, field, message):
    response = _post(api, _body(scene, **body))
    assert response.status_code == 400
    assert message in " ".join(map(str, response.json()[field]))
    assert Request.objects.count() == 0
    assert_matches_schema(response, REGISTRATIONS, "post")


def test_another_organizations_site_is_unknown_to_me(api, scene):
    response = _post(api, _body(scene, site=scene.other_site.pk))
    assert response.status_code == 400 and response.json() == {"site": [SITE_UNKNOWN]}


def test_malformed_json_and_missing_fields_answer_400(api, scene):
    broken = api.post(REGISTRATIONS, '{"member_id": ', content_type="application/json")
    assert broken.status_code == 400 and "JSON parse error" in broken.json()["detail"]
    assert_matches_schema(broken, REGISTRATIONS, "post")
    empty = _post(api, {})
    assert empty.status_code == 400
    assert set(empty.json()) == {
        "member_id",
        "birth_date",
        "level_of_care",
        "site",
        "start_date",
        "diagnoses",
    }
    assert Request.objects.count() == 0


def test_an_idempotency_key_replays_the_first_answer(api, scene):
    first = _post(api, _body(scene), key="order-778")
    again = _post(api, _body(scene), key="order-778")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Request.objects.count() == 1 and Authorization.objects.count() == 1
    conflict = _post(api, _body(scene, units=3), key="order-778")
    assert conflict.status_code == 400
    assert conflict.json() == {"idempotency_key": [IDEMPOTENCY_CONFLICT]}
    bad = _post(api, _body(scene), key="x" * 81)
    assert bad.status_code == 400 and "idempotency_key" in bad.json()


def test_a_refusal_is_replayed_too(api, scene):
    body = _body(scene, member=scene.uncovered)
    first, again = _post(api, body, key="k-1"), _post(api, body, key="k-1")
    assert first.status_code == again.status_code == 400 and again.json() == first.json()
    assert Request.objects.count() == 1


def test_without_the_capability_or_a_valid_token_nothing_is_registered(scene, make_user):
    care_manager = APIClient()
    care_manager.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_user('care_manager')).key}"
    )
    assert _post(care_manager, _body(scene)).status_code == 403
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert _post(stranger, _body(scene)).status_code in {401, 403}
    assert Request.objects.count() == 0


# --- GET /api/v1/authorizations -------------------------------------------------------------------------


def _approve(api, scene, **changes):
    response = _post(api, _body(scene, **changes))
    assert response.status_code == 201, response.json()
    return response.json()["authorization"]["number"]


def test_the_list_is_filtered_and_limited_to_my_organization(api, scene, make_user):
    op = _approve(api, scene)
    iop = _approve(api, scene, level_of_care="IOP")
    outsider = make_user("provider_staff")
    scene.other_provider.staff.create(user=outsider)
    outside = APIClient()
    outside.force_authenticate(outsider)
    theirs = _approve(outside, scene, site=scene.other_site.pk)
    listed = api.get(AUTHORIZATIONS)
    assert listed.status_code == 200
    assert {a["number"] for a in listed.json()["results"]} == {op, iop}
    assert_matches_schema(listed, AUTHORIZATIONS, "get")
    only_iop = api.get(AUTHORIZATIONS, {"level_of_care": "IOP", "status": "active"}).json()
    assert [a["number"] for a in only_iop["results"]] == [iop]
    today = timezone.localdate()
    covering = api.get(AUTHORIZATIONS, {"active_on": (today + dt.timedelta(days=100)).isoformat()})
    assert {a["number"] for a in covering.json()["results"]} == {op}  # IOP spans 42 days
    assert (
        api.get(AUTHORIZATIONS, {"start_after": (today + dt.timedelta(1)).isoformat()}).json()[
            "count"
        ]
        == 0
    )
    assert api.get(f"{AUTHORIZATIONS}/{theirs}").status_code == 404


# token and user, permissions (1), own organizations, count, page, extensions (prefetch), access log
# (2): the same for one row or a full page.
API_LIST_QUERIES = 8


def test_the_list_makes_the_same_number_of_queries_for_one_row_or_many(
    api, scene, django_assert_num_queries
):
    _approve(api, scene)
    api.get(AUTHORIZATIONS)
    with django_assert_num_queries(API_LIST_QUERIES):
        api.get(AUTHORIZATIONS)
    for level in ("OP_EVAL", "IOP", "METHADONE"):
        _approve(api, scene, level_of_care=level)
    with django_assert_num_queries(API_LIST_QUERIES):
        assert api.get(AUTHORIZATIONS).json()["count"] == 4


def test_authorization_detail_and_extension(api, scene):
    number = _approve(api, scene)
    detail = api.get(f"{AUTHORIZATIONS}/{number}")
    assert detail.status_code == 200 and detail.json()["extended_by"] == []
    assert_matches_schema(detail, AUTHORIZATIONS + "/{number}", "get")
    extended = _post(api, {"units": 6}, key="ext-9", path=f"{AUTHORIZATIONS}/{number}/extensions")
    assert extended.status_code == 201, extended.json()
    assert extended.json()["kind"] == "extension" and extended.json()["extends"] == number
    assert_matches_schema(extended, AUTHORIZATIONS + "/{number}/extensions", "post")
    new_number = extended.json()["authorization"]["number"]
    chain = api.get(f"{AUTHORIZATIONS}/{number}").json()
    assert chain["extended_by"] == [new_number]
    assert api.get(f"{AUTHORIZATIONS}/{new_number}").json()["previous"] == number
    refused = _post(api, {"units": 999}, path=f"{AUTHORIZATIONS}/{new_number}/extensions")
    assert refused.status_code == 400 and "units" in refused.json()


def test_another_organization_cannot_see_or_extend_my_authorization(api, scene, make_user):
    number = _approve(api, scene)
    outsider = make_user("provider_staff")
    scene.other_provider.staff.create(user=outsider)
    outside = APIClient()
    outside.force_authenticate(outsider)
    assert outside.get(f"{AUTHORIZATIONS}/{number}").status_code == 404
    missing = outside.get(f"{AUTHORIZATIONS}/A26-9999999-Z")
    assert (
        missing.status_code == 404
        and missing.json() == outside.get(f"{AUTHORIZATIONS}/{number}").json()
    )
    assert _post(outside, {}, path=f"{AUTHORIZATIONS}/{number}/extensions").status_code == 404
    assert Request.objects.count() == 1


# token and user (1), permissions (1), member and level of care (2), the registration service (12),
# access log (1).
API_REGISTRATION_QUERIES = 17


def test_a_registration_through_the_api_makes_a_fixed_number_of_queries(
    api, scene, django_assert_num_queries
):
    _post(api, _body(scene, member=scene.teen))  # warm per-process caches
    with django_assert_num_queries(API_REGISTRATION_QUERIES):
        assert _post(api, _body(scene)).status_code == 201
