"""The visibility door: who sees which providers, sites and offerings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from providers.models import ProviderStaff, Region, Site, Town
from providers.selectors import (
    ProviderSearch,
    access_provider,
    access_site,
    offering_in_force,
    own_provider_ids,
    providers_search,
    providers_visible_to,
    sites_visible_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(make_provider):  # type: ignore[no-untyped-def]
    """Hartford (R4) + Stamford (R1) provider, a Stamford-only one, a New Haven (R2) one."""
    both = make_provider(1, town="Hartford")
    stamford = Town.objects.get(name="Stamford")
    Site.objects.create(
        provider=both,
        site_number="002",
        name="Stamford site",
        street="2 Elm",
        town=stamford,
        region=stamford.region,
        zip_code="06901",
    )
    return both, make_provider(2, town="Stamford"), make_provider(3, town="New Haven")


def _manager_of(make_user, code):  # type: ignore[no-untyped-def]
    user = make_user("network_manager")
    Region.objects.filter(code=code).update(network_manager=user)
    return user


def test_a_provider_with_sites_in_two_regions_is_seen_by_both_managers(network, make_user):
    both, stamford_only, new_haven = network
    north_central, southwest = _manager_of(make_user, "R4"), _manager_of(make_user, "R1")
    assert list(providers_visible_to(user=north_central)) == [both]
    assert set(providers_visible_to(user=southwest)) == {both, stamford_only}
    # whole organizations: the R4 manager sees both sites of the provider it sees
    assert sites_visible_to(user=north_central).count() == 2
    with pytest.raises(Http404):
        access_provider(user=north_central, pk=new_haven.pk)


def test_provider_staff_see_their_active_organizations_only(network, make_user):
    both, stamford_only, _ = network
    staff = make_user("provider_staff")
    link = ProviderStaff.objects.create(user=staff, provider=stamford_only)
    assert list(providers_visible_to(user=staff)) == [stamford_only]
    assert own_provider_ids(user=staff) == [stamford_only.pk]
    with pytest.raises(Http404):
        access_site(user=staff, pk=both.sites.first().pk)
    link.active = False
    link.save()
    assert not providers_visible_to(user=staff).exists()


def test_others_see_everything_or_nothing(network, make_user):
    assert providers_visible_to(user=make_user("care_manager")).count() == 3
    assert not providers_visible_to(user=make_user("agency_viewer")).exists()
    assert not providers_visible_to(user=make_user("data_ops")).exists()
    assert not providers_visible_to(user=make_user(None)).exists()


def test_access_with_a_capability_is_403_when_visible_but_not_allowed(network, make_user):
    both = network[0]
    with pytest.raises(PermissionDenied):
        access_provider(
            user=make_user("care_manager"), pk=both.pk, perm="providers.manage_provider_file"
        )
    assert access_provider(
        user=make_user("network_ops"), pk=both.pk, perm="providers.manage_provider_file"
    )


def test_search_by_name_npi_medicaid_id_town_region_and_level(network, make_user):
    both, stamford_only, new_haven = network
    ops = make_user("network_ops")

    def found(**criteria):  # type: ignore[no-untyped-def]
        return set(providers_search(user=ops, search=ProviderSearch(**criteria)))

    assert found(text="provider 2") == {stamford_only}
    assert found(text=new_haven.npi) == {new_haven}
    assert found(text=both.medicaid_id) == {both}
    assert found(town=Town.objects.get(name="Stamford")) == {both, stamford_only}
    assert found(region=Region.objects.get(code="R2")) == {new_haven}
    op = both.sites.get(site_number="001").offerings.get().level_of_care
    assert found(level_of_care=op, on=dt.date(2026, 1, 1)) == {both, stamford_only, new_haven}
    assert found(level_of_care=op, on=dt.date(2019, 1, 1)) == set()


def test_offering_in_force_on_a_date(network):
    site = network[0].sites.get(site_number="001")
    offering = site.offerings.get()
    assert (
        offering_in_force(
            site_id=site.pk, level_of_care_id=offering.level_of_care_id, on=dt.date(2026, 1, 1)
        )
        == offering
    )
    assert (
        offering_in_force(
            site_id=site.pk, level_of_care_id=offering.level_of_care_id, on=dt.date(2019, 1, 1)
        )
        is None
    )
