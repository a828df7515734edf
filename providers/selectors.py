"""Who may see which part of the network: the one door every provider-scoped read goes through.

- staff roles holding `providers.view_all_providers` see every provider;
- provider staff see the organizations they work for (active `ProviderStaff` links);
- a regional network manager sees the providers with a site in a region it manages;
- everybody else sees none (fail closed).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from providers.models import Provider, Site


def _scope(user: Any) -> Q | None:
    """None = everything; otherwise the filter on providers the user may see."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.has_perm("providers.view_all_providers"):
        return None
    scope = Q(staff__user=user, staff__active=True)
    if user.has_perm("par.view_scorecards"):
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


def access_provider(*, user: Any, pk: int) -> Provider:
    """The provider, or 404 whether it is missing or not the user's: never tell the difference."""
    return get_object_or_404(providers_visible_to(user=user), pk=pk)


def access_site(*, user: Any, pk: int) -> Site:
    """The site, or 404 whether it is missing or not the user's."""
    return get_object_or_404(sites_visible_to(user=user), pk=pk)
