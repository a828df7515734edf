"""The provider file as it stands, read in a fixed handful of queries (values only, no model objects)."""

from __future__ import annotations

from typing import Any, cast

from providers.imports.plan import CurrentOffering, CurrentProvider, CurrentSite, Snapshot
from providers.imports.rows import Lookups, OfferingFacts, ProviderFacts, SiteFacts
from providers.models import LevelOfCare, Provider, Region, ServiceOffering, Site, Town


def lookups_load() -> Lookups:
    """Towns by lower-case name and levels of care by code, to check file rows against."""
    towns = {
        name.lower(): (pk, region_id)
        for pk, name, region_id in Town.objects.values_list("pk", "name", "region_id")
    }
    levels = {code.upper(): pk for pk, code in LevelOfCare.objects.values_list("pk", "code")}
    return Lookups(towns=towns, levels=levels)


def snapshot_load() -> Snapshot:
    """Every provider, site and offering as plain values."""
    providers = {}
    for row in Provider.objects.values_list(
        "pk",
        "medicaid_id",
        "npi",
        "tax_id",
        "name",
        "kind",
        "taxonomy",
        "status",
        "dcf_certified",
        "effective_date",
        "termination_date",
        "termination_reason",
    ).order_by():
        pk, medicaid_id, *facts, reason = cast(tuple[Any, ...], row)
        providers[medicaid_id] = CurrentProvider(pk, ProviderFacts(medicaid_id, *facts), reason)
    sites: dict[tuple[int, str], CurrentSite] = {}
    for site_row in Site.objects.values_list(
        "pk",
        "provider_id",
        "active",
        "site_number",
        "name",
        "street",
        "town_id",
        "region_id",
        "zip_code",
        "phone",
    ).order_by():
        pk, provider_id, active, *facts = cast(tuple[Any, ...], site_row)
        sites[(provider_id, facts[0])] = CurrentSite(pk, provider_id, SiteFacts(*facts), active)
    offerings: dict[tuple[int, int], list[CurrentOffering]] = {}
    for pk, site_id, level_id, low, high, start, end in ServiceOffering.objects.values_list(
        "pk", "site_id", "level_of_care_id", "min_age", "max_age", "effective_from", "effective_to"
    ).order_by():
        offerings.setdefault((site_id, level_id), []).append(
            CurrentOffering(pk, site_id, OfferingFacts(level_id, low, high, start, end))
        )
    return Snapshot(
        providers=providers,
        sites=sites,
        offerings=offerings,
        level_codes=dict(LevelOfCare.objects.values_list("pk", "code")),
        town_names=dict(Town.objects.values_list("pk", "name")),
        region_codes=dict(Region.objects.values_list("pk", "code")),
    )


def state_token() -> tuple[int, ...]:
    """Changes whenever the provider file or the towns and levels it is checked against change: the
    number of history rows of each (every write keeps history; history is append-only) and of rows
    (bulk inserts without history, like the seed). Equal tokens mean a plan made in between still holds.
    """
    token: list[int] = []
    for model in (Provider, Site, ServiceOffering, Town, LevelOfCare):
        token += [model.history.count(), model.objects.count()]
    return tuple(token)
