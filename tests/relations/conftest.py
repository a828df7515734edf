"""Small fixtures for the relations tests: a few providers, sites, offerings and members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from members.models import Member
from providers.models import LevelOfCare, Provider, ProviderStaff, ServiceOffering, Site, Town
from providers.seed import npi_with_check_digit

NEW_YORK = timezone.get_default_timezone()


def at(text: str) -> dt.datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM' in America/New_York."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


class Network:
    """Builds providers, sites and offerings with little typing."""

    def __init__(self) -> None:
        self.count = 0

    def provider(self, name: str, **fields: Any) -> Provider:
        self.count += 1
        values = {
            "npi": npi_with_check_digit(300_000_000 + self.count),
            "medicaid_id": f"{7_000_000 + self.count:09d}",
            "name": name,
            "kind": "hospital",
            "effective_date": dt.date(2015, 1, 1),
        }
        return Provider.objects.create(**{**values, **fields})

    def site(self, provider: Provider, town: str, *, languages=("en",), **fields: Any) -> Site:  # type: ignore[no-untyped-def]
        place = Town.objects.get(name=town)
        self.count += 1
        values = {
            "provider": provider,
            "site_number": f"{self.count:03d}",
            "name": f"{provider.name} - {town}",
            "street": "1 Main St",
            "town": place,
            "region": place.region,
            "zip_code": "06100",
            "languages": list(languages),
        }
        return Site.objects.create(**{**values, **fields})

    def offer(
        self, site: Site, code: str, low: int = 0, high: int = 120, **fields: Any
    ) -> ServiceOffering:
        values = {"effective_from": dt.date(2015, 1, 1), "min_age": low, "max_age": high}
        return ServiceOffering.objects.create(
            site=site, level_of_care=LevelOfCare.objects.get(code=code), **{**values, **fields}
        )


@pytest.fixture
def network(ref) -> Network:  # type: ignore[no-untyped-def]
    return Network()


@pytest.fixture
def member(ref) -> Member:  # type: ignore[no-untyped-def]
    return Member.objects.create(
        medicaid_id="123456789",
        last_name="Rivera",
        first_name="Ana",
        birth_date=dt.date(1990, 4, 2),
        language="es",
    )


@pytest.fixture
def english_member(ref) -> Member:  # type: ignore[no-untyped-def]
    return Member.objects.create(
        medicaid_id="987654321",
        last_name="Kelly",
        first_name="Sean",
        birth_date=dt.date(1980, 1, 1),
    )


@pytest.fixture
def hospital(network):  # type: ignore[no-untyped-def]
    """A hospital with an adult and adolescent psychiatric unit in Hartford, and its staff user."""
    provider = network.provider("Harbor Hospital")
    site = network.site(provider, "Hartford", languages=("en", "es"))
    network.offer(site, "IP_PSY", 13, 120)
    network.offer(site, "OP")
    return site


@pytest.fixture
def hospital_staff(make_user, hospital):  # type: ignore[no-untyped-def]
    user = make_user("provider_staff")
    ProviderStaff.objects.create(user=user, provider=hospital.provider)
    return user
