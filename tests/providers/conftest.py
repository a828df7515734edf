"""Small provider-network fixtures: a file row builder, an import runner, providers made quickly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile

from providers.imports.runs import provider_import_start
from providers.models import LevelOfCare, Provider, ProviderImport, ServiceOffering, Site, Town
from providers.permissions import staff_groups_create
from tests.providers.files import FILE_DATE, npi


@pytest.fixture
def run_import(django_capture_on_commit_callbacks, make_user) -> Callable[..., ProviderImport]:
    """run_import(data, full=True, apply=True, source=..., user=...) -> the finished ProviderImport."""
    default_user = {}

    def run(
        data: bytes,
        *,
        full: bool = True,
        apply: bool = True,
        name: str = "file.csv",
        source: str = "provider_file",
        user: Any = None,
        file_date: dt.date = FILE_DATE,
    ) -> ProviderImport:
        if user is None:
            if "user" not in default_user:
                default_user["user"] = make_user("network_ops", username="ops")
            user = default_user["user"]
        with django_capture_on_commit_callbacks(execute=True):
            provider_import = provider_import_start(
                acting_user=user,
                source=source,
                upload=ContentFile(data, name=name),
                file_name=name,
                file_date=file_date,
                full_file=full,
                apply=apply,
            )
        provider_import.refresh_from_db()
        return provider_import

    return run


@pytest.fixture
def make_provider(ref) -> Callable[..., Provider]:  # type: ignore[no-untyped-def]
    """make_provider(n, town="Hartford", levels=("OP",), **fields): a provider with one site."""

    def make(
        n: int, *, town: str = "Hartford", levels: tuple[str, ...] = ("OP",), **fields: Any
    ) -> Provider:
        values = {
            "npi": npi(n),
            "medicaid_id": f"{n:09d}",
            "name": f"Provider {n}",
            "kind": "clinic",
            "effective_date": dt.date(2015, 1, 1),
            **fields,
        }
        provider = Provider.objects.create(**values)
        staff_groups_create(providers=[provider])
        place = Town.objects.get(name=town)
        site = Site.objects.create(
            provider=provider,
            site_number="001",
            name=f"Site of {n}",
            street="1 Elm St",
            town=place,
            region=place.region,
            zip_code="06000",
        )
        for code in levels:
            ServiceOffering.objects.create(
                site=site,
                level_of_care=LevelOfCare.objects.get(code=code),
                effective_from=dt.date(2020, 1, 1),
            )
        return provider

    return make
