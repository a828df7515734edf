"""The read API: filters, scoping like the pages (another organization's provider is 404), the schema."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from providers.models import ProviderStaff, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


@pytest.fixture
def network(make_provider):  # type: ignore[no-untyped-def]
    return (
        make_provider(1, town="Hartford", levels=("OP", "IOP")),
        make_provider(2, town="Stamford", kind="group"),
        make_provider(3, town="New Haven", levels=("IP_PSY",), kind="hospital"),
    )


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


def test_filters_by_region_town_level_kind_npi_and_name(api, make_user, network):
    api.force_authenticate(make_user("care_manager"))
    url = reverse("providers-api:provider-list")
    assert _names(api.get(url)) == ["Provider 1", "Provider 2", "Provider 3"]
    assert _names(api.get(url, {"region": "R1"})) == ["Provider 2"]
    assert _names(api.get(url, {"town": "new haven"})) == ["Provider 3"]
    assert _names(api.get(url, {"level_of_care": "IOP"})) == ["Provider 1"]
    assert _names(api.get(url, {"kind": "hospital"})) == ["Provider 3"]
    assert _names(api.get(url, {"npi": network[1].npi})) == ["Provider 2"]
    assert _names(api.get(url, {"name": "der 3"})) == ["Provider 3"]
    sites = api.get(reverse("providers-api:site-list"), {"level_of_care": "IP_PSY"}).json()
    assert [s["provider_name"] for s in sites["results"]] == ["Provider 3"]
    assert sites["results"][0]["offerings"][0]["level_of_care"] == "IP_PSY"


def test_the_detail_has_sites_and_offerings(api, make_user, network):
    api.force_authenticate(make_user("network_ops"))
    body = api.get(reverse("providers-api:provider-detail", args=[network[0].pk])).json()
    assert body["site_count"] == 1 and body["sites"][0]["town"] == "Hartford"
    assert {o["level_of_care"] for o in body["sites"][0]["offerings"]} == {"OP", "IOP"}


def test_provider_staff_see_their_organization_and_get_404_for_another(api, make_user, network):
    staff = make_user("provider_staff")
    ProviderStaff.objects.create(user=staff, provider=network[0])
    token = Token.objects.create(user=staff)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert _names(api.get(reverse("providers-api:provider-list"))) == ["Provider 1"]
    other = api.get(reverse("providers-api:provider-detail", args=[network[1].pk]))
    assert other.status_code == 404
    other_site = network[1].sites.get()
    assert api.get(reverse("providers-api:site-detail", args=[other_site.pk])).status_code == 404


def test_a_network_manager_sees_its_regions_only(api, make_user, network):
    manager = make_user("network_manager")
    Region.objects.filter(code="R2").update(network_manager=manager)
    api.force_authenticate(manager)
    assert _names(api.get(reverse("providers-api:provider-list"))) == ["Provider 3"]


def test_the_list_costs_a_fixed_number_of_queries(
    api, make_user, make_provider, django_assert_max_num_queries
):
    api.force_authenticate(make_user("network_ops"))
    make_provider(1)
    with django_assert_max_num_queries(6) as few:
        api.get(reverse("providers-api:site-list"))
    for n in range(2, 30):
        make_provider(n, levels=("OP", "IOP"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(reverse("providers-api:site-list")).json()["results"]) == 29


def test_the_schema_documents_the_endpoints_and_filters(client, make_user):
    client.force_login(make_user("network_ops"))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert {"/api/v1/providers/", "/api/v1/providers/{id}/", "/api/v1/sites/"} <= set(
        schema["paths"]
    )
    names = {p["name"] for p in schema["paths"]["/api/v1/providers/"]["get"]["parameters"]}
    assert {"region", "town", "level_of_care", "npi", "medicaid_id", "name"} <= names
