"""Who may see which part of the network: the one door every provider-scoped read goes through.

- staff roles holding `providers.view_all_providers` see every provider;
- provider staff see the organizations they work for (active `ProviderStaff` links);
- a regional network manager (`providers.view_region_providers`) sees the providers with a site in a region
  it manages, as whole organizations: a provider with sites in two regions is seen by both managers, with
  all its sites;
- everybody else sees none (fail closed).

`access_*` answer 404 for a missing object and for one the user may not see alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from aso.core.rows import model_rows
from providers.models import (
    LevelOfCare,
    Provider,
    ProviderImport,
    ProviderImportChange,
    ProviderStaff,
    Region,
    ServiceOffering,
    Site,
    Town,
)

NOT_ALLOWED = "You may see this provider but not do this."


def _scope(user: Any) -> Q | None:
    """None = everything; otherwise the filter on providers the user may see."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.has_perm("providers.view_all_providers"):
        return None
    scope = Q(staff__user=user, staff__active=True)
    if user.has_perm("providers.view_region_providers"):
        scope |= Q(sites__region__network_manager=user)
    return scope


def providers_visible_to(*, user: Any) -> QuerySet[Provider]:
    """Providers the user may see (distinct)."""
    scope = _scope(user)
    if scope is None:
        return Provider.objects.all()
    return Provider.objects.filter(pk__in=Provider.objects.filter(scope).values("pk"))


def sites_visible_to(*, user: Any) -> QuerySet[Site]:
    """Sites of the providers the user may see."""
    scope = _scope(user)
    sites = Site.objects.select_related("provider", "town", "region")
    if scope is None:
        return sites
    return sites.filter(provider__in=providers_visible_to(user=user))


def own_provider_ids(*, user: Any) -> list[int]:
    """The organizations a provider user works for (empty for everyone else)."""
    if not user.is_authenticated:
        return []
    return list(user.provider_links.filter(active=True).values_list("provider_id", flat=True))


def access_provider(*, user: Any, pk: int, perm: str | None = None) -> Provider:
    """The provider, or 404 whether it is missing or not the user's: never tell the difference.

    With `perm`, a user who may see the provider but lacks that capability gets 403 (PermissionDenied).
    """
    provider = get_object_or_404(providers_visible_to(user=user), pk=pk)
    if perm and not user.has_perm(perm):
        raise PermissionDenied(NOT_ALLOWED)
    return provider


def access_site(*, user: Any, pk: int, perm: str | None = None) -> Site:
    """The site, or 404 whether it is missing or not the user's (403 without `perm`, as above)."""
    site = get_object_or_404(sites_visible_to(user=user), pk=pk)
    if perm and not user.has_perm(perm):
        raise PermissionDenied(NOT_ALLOWED)
    return site


def access_offering(*, user: Any, pk: int, perm: str | None = None) -> ServiceOffering:
    """An offering of a site the user may see, or 404 (403 without `perm`)."""
    offerings = ServiceOffering.objects.select_related(
        "site__provider", "site__town", "level_of_care"
    )
    offering = get_object_or_404(offerings.filter(site__in=sites_visible_to(user=user)), pk=pk)
    if perm and not user.has_perm(perm):
        raise PermissionDenied(NOT_ALLOWED)
    return offering


def level_of_care_by_code(*, code: str) -> LevelOfCare | None:
    """The level of care with this code, or None (forms and APIs name levels by code). Read by
    hand-written SQL (aso.core.rows): every API registration asks it."""
    found = model_rows(LevelOfCare, '"code" = %s', [code], limit=1)
    return found[0] if found else None


def offering_in_force(
    *, site_id: int, level_of_care_id: int, on: dt.date
) -> ServiceOffering | None:
    """The offering through which a site provides a level of care on a date (at most one), or None."""
    return (
        ServiceOffering.objects.filter(
            site_id=site_id, level_of_care_id=level_of_care_id, effective_from__lte=on
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .first()
    )


@dataclass(frozen=True)
class ProviderSearch:
    """What a person searches the provider file by (every part optional)."""

    text: str = ""  # name, NPI or Medicaid id
    town: Town | None = None
    region: Region | None = None
    level_of_care: LevelOfCare | None = None
    kind: str = ""
    status: str = ""
    on: dt.date | None = None  # the level of care is offered on this date (default: any date)


def providers_search(*, user: Any, search: ProviderSearch) -> QuerySet[Provider]:
    """Visible providers matching a search, with their sites prefetched and counted.

    A page of results costs a fixed number of queries (count, page, sites), whatever its size.
    """
    providers = providers_visible_to(user=user)
    text = search.text.strip()
    if text.isdigit():
        providers = providers.filter(Q(npi__startswith=text) | Q(medicaid_id__startswith=text))
    elif text:
        providers = providers.filter(Q(name__icontains=text) | Q(medicaid_id__iexact=text))
    sites = Site.objects.all()
    if search.town is not None:
        sites = sites.filter(town=search.town)
    if search.region is not None:
        sites = sites.filter(region=search.region)
    if search.level_of_care is not None:
        offered = ServiceOffering.objects.filter(level_of_care=search.level_of_care)
        if search.on is not None:
            offered = offered.filter(effective_from__lte=search.on).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=search.on)
            )
        sites = sites.filter(pk__in=offered.values("site_id"))
    if search.town or search.region or search.level_of_care:
        providers = providers.filter(pk__in=sites.values("provider_id"))
    if search.kind:
        providers = providers.filter(kind=search.kind)
    if search.status:
        providers = providers.filter(status=search.status)
    return (
        providers.annotate(site_count=Count("sites", distinct=True))
        .prefetch_related(
            Prefetch(
                "sites",
                queryset=Site.objects.select_related("town", "region").order_by("site_number"),
            )
        )
        .order_by("name", "pk")
    )


def provider_with_network(*, user: Any, pk: int) -> Provider:
    """A visible provider with its sites, their towns and regions, and their offerings prefetched."""
    providers = providers_visible_to(user=user).prefetch_related(
        Prefetch(
            "sites",
            queryset=Site.objects.select_related("town", "region")
            .order_by("site_number")
            .prefetch_related(
                Prefetch(
                    "offerings",
                    queryset=ServiceOffering.objects.select_related("level_of_care").order_by(
                        "level_of_care__sort_order", "effective_from"
                    ),
                )
            ),
        )
    )
    return get_object_or_404(providers, pk=pk)


def staff_of(*, provider: Provider) -> QuerySet[ProviderStaff]:
    """An organization's staff links, active first, with their users."""
    return provider.staff.select_related("user").order_by("-active", "user__last_name", "user__pk")


def access_staff_link(*, provider: Provider, pk: int) -> ProviderStaff:
    """A staff link of this provider, or 404 (a link of another organization is never reachable here)."""
    return get_object_or_404(provider.staff.select_related("user"), pk=pk)


def imports_visible_to(*, user: Any) -> QuerySet[ProviderImport]:
    """Provider-file imports and NPPES refreshes: network operations only."""
    imports = ProviderImport.objects.select_related("created_by", "applied_by", "job")
    if user.is_authenticated and user.has_perm("providers.manage_provider_file"):
        return imports
    return imports.none()


def access_import(*, user: Any, pk: int) -> ProviderImport:
    """An import the user may read, or 404."""
    return get_object_or_404(imports_visible_to(user=user), pk=pk)


def import_changes(
    *, provider_import: ProviderImport, action: str = ""
) -> QuerySet[ProviderImportChange]:
    """The lines of an import's change report in file order, optionally of one action only."""
    changes = provider_import.changes.order_by("seq")
    return changes.filter(action=action) if action else changes


def managed_regions_of(*, user: Any) -> QuerySet[Region]:
    """The regions a network manager manages."""
    return (
        Region.objects.filter(network_manager=user)
        if user.is_authenticated
        else Region.objects.none()
    )
