"""The jobs API: token or session (after MFA) authentication, the same visibility as the job pages,
JSON errors the schema documents."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from aso.core.models import Job
from tests.urlconf import api_operations

pytestmark = pytest.mark.django_db


def _token_client(user) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def test_a_token_client_follows_its_own_jobs_only(make_user):
    mine, theirs = make_user("agency_viewer"), make_user("agency_viewer")
    job = Job.objects.create(kind="reference_data_check", created_by=mine, progress=40)
    other = Job.objects.create(kind="reference_data_check", created_by=theirs)
    client = _token_client(mine)
    listed = client.get("/api/v1/jobs/").json()
    assert [row["id"] for row in listed["results"]] == [job.pk]
    detail = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (detail["status"], detail["progress"], detail["has_result_file"]) == (
        "queued",
        40,
        False,
    )
    hidden = client.get(f"/api/v1/jobs/{other.pk}/")
    assert hidden.status_code == 404 and hidden.json() == {
        "detail": "No Job matches the given query."
    }


def test_a_wrong_token_and_no_credentials_are_refused(db):
    wrong = Client(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert wrong.get("/api/v1/jobs/").status_code == 403
    assert wrong.get("/api/v1/jobs/").json()["detail"] == "Invalid token."
    assert Client().get("/api/v1/jobs/").json()["detail"].startswith("Authentication credentials")


def test_an_unknown_api_path_answers_json_and_an_unknown_page_html(client, make_user):
    client.force_login(make_user("care_manager"))
    api = client.get("/api/v1/jobs/not-a-number/")
    assert api.status_code == 404 and api.json() == {"detail": "Not found."}
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_every_operation_documents_its_error_answers():
    for key, operation in api_operations().items():
        assert {"403", "404"} <= set(operation["responses"]), key


@pytest.mark.parametrize("page", ["", "abc", "0", "-1"])
def test_a_malformed_page_number_is_refused_not_read_as_page_one(client, make_user, page):
    client.force_login(make_user("data_ops"))
    response = client.get("/api/v1/jobs/", {"page": page})
    assert response.status_code == 404
    assert "Invalid page" in response.json()["detail"]
