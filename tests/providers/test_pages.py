"""The provider-file pages: search (fixed query count), provider page, edits, imports, staff."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from providers.choices import ImportStatus, ProviderStatus
from providers.models import Provider, ProviderImport, ProviderStaff
from tests.providers.files import csv_bytes, row, second_org

pytestmark = pytest.mark.django_db
# session, user, permissions (1), role groups (navigation), count, 3 filter choice lists, page, sites
SEARCH_QUERIES = 10


@pytest.fixture
def ops_client(client, make_user):  # type: ignore[no-untyped-def]
    user = make_user("network_ops", username="ops_page", first_name="Olga", last_name="Ops")
    client.force_login(user)
    client.user = user
    return client


def _search_queries(client, **params) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("providers:provider_list"), params)
    assert response.status_code == 200
    return len(queries)


def test_the_search_page_costs_the_same_queries_whatever_the_page_size(
    ops_client, make_provider, django_assert_num_queries
):
    for n in range(1, 4):
        make_provider(n)
    few = _search_queries(ops_client, per_page=25)
    for n in range(4, 40):
        make_provider(n, levels=("OP", "IOP"))
    assert _search_queries(ops_client, per_page=100) == few
    assert _search_queries(ops_client, per_page=25, region=1, level_of_care=1, q="Provider") == few
    with django_assert_num_queries(SEARCH_QUERIES):
        page = ops_client.get(reverse("providers:provider_list"), {"per_page": 50})
    assert page.context["page"].paginator.count == 39 and b"Provider 12" in page.content


def test_the_provider_page_shows_sites_offerings_staff_and_history(ops_client, make_provider):
    provider = make_provider(1, levels=("OP", "IOP"))
    ops_client.post(
        reverse("providers:provider_edit", args=[provider.pk]),
        {**_provider_form(provider), "name": "Renamed Clinic"},
    )
    page = ops_client.get(reverse("providers:provider_detail", args=[provider.pk])).content.decode()
    assert "Renamed Clinic" in page and "Site of 1" in page and "Intensive outpatient" in page
    assert "Olga Ops" in page and "legal name: Provider 1 &rarr; Renamed Clinic" in page
    assert "Manage staff accounts" in page


def _provider_form(provider: Provider) -> dict[str, str]:
    return {
        "name": provider.name,
        "npi": provider.npi,
        "medicaid_id": provider.medicaid_id,
        "tax_id": "",
        "kind": provider.kind,
        "taxonomy": "",
        "status": "active",
        "effective_date": provider.effective_date.isoformat(),
    }


def test_an_invalid_edit_shows_the_problem_and_saves_nothing(ops_client, make_provider):
    provider = make_provider(1)
    page = ops_client.post(
        reverse("providers:provider_edit", args=[provider.pk]),
        {**_provider_form(provider), "npi": "1234567890", "name": "Changed"},
    )
    assert page.status_code == 200 and b"valid check digit" in page.content
    assert Provider.objects.get(pk=provider.pk).name == "Provider 1"


def test_terminate_and_add_offering_pages(ops_client, make_provider):
    provider = make_provider(1)
    site = provider.sites.get()
    refused = ops_client.post(
        reverse("providers:offering_add", args=[site.pk]),
        {
            "level_of_care": site.offerings.get().level_of_care_id,
            "min_age": 0,
            "max_age": 120,
            "effective_from": "2025-01-01",
        },
    )
    assert refused.status_code == 200 and b"would overlap the OP offering at Site of 1" in (
        refused.content
    )
    done = ops_client.post(
        reverse("providers:provider_terminate", args=[provider.pk]),
        {"date": "2026-06-30", "reason": "Lost its license"},
    )
    assert done.status_code == 302
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.TERMINATED
    assert provider.history.first().history_user == ops_client.user


def test_upload_review_download_and_apply(ops_client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile(
        "state.csv", csv_bytes([row(), second_org(), row(town="Gotham", site_number="009")])
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = ops_client.post(
            reverse("providers:import_list"),
            {
                "source": "provider_file",
                "file": upload,
                "file_date": "2026-11-01",
                "full_file": "on",
            },
        )
    provider_import = ProviderImport.objects.get()
    assert answer["Location"] == reverse("providers:import_detail", args=[provider_import.pk])
    assert provider_import.status == ImportStatus.READY and not Provider.objects.exists()
    page = ops_client.get(answer["Location"]).content.decode()
    assert "Apply these changes" in page and "unknown town &#x27;Gotham&#x27;" in page
    rejected_only = ops_client.get(answer["Location"], {"action": "rejected"}).content.decode()
    assert "Gotham" in rejected_only and "Harbor Clinic Hartford" not in rejected_only
    workbook = ops_client.get(reverse("providers:import_download", args=[provider_import.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content)))["Changes"]
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert cells[0][:4] == ["Action", "Record", "Line", "Key"]
    assert any(r[0] == "rejected" and r[2] == 4 and "Gotham" in r[7] for r in cells[1:])
    with django_capture_on_commit_callbacks(execute=True):
        ops_client.post(reverse("providers:import_apply", args=[provider_import.pk]))
    provider_import.refresh_from_db()
    assert provider_import.status == ImportStatus.APPLIED and Provider.objects.count() == 2
    assert provider_import.applied_by == ops_client.user


def test_a_provider_admin_invites_and_deactivates_from_its_staff_page(
    client, make_user, make_provider, django_capture_on_commit_callbacks
):
    provider = make_provider(1)
    admin = make_user("provider_admin")
    ProviderStaff.objects.create(user=admin, provider=provider, is_admin=True)
    client.force_login(admin)
    mine = client.get(reverse("providers:my_organization")).content.decode()
    assert provider.name in mine and "Manage staff accounts" in mine
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("providers:staff_invite", args=[provider.pk]),
            {"email": "pat@clinic.example", "first_name": "Pat", "last_name": "Lee"},
        )
    link = ProviderStaff.objects.get(user__username="pat@clinic.example")
    staff_page = client.get(reverse("providers:staff_list", args=[provider.pk])).content.decode()
    assert "pat@clinic.example" in staff_page and "invited" in staff_page
    client.post(reverse("providers:staff_deactivate", args=[provider.pk, link.pk]))
    link.refresh_from_db()
    assert not link.active and not link.user.is_active
