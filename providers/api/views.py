"""Read-only viewsets over the visibility selectors: another organization's provider answers 404."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from providers.api.filters import ProviderFilter, SiteFilter
from providers.api.serializers import ProviderDetailSerializer, ProviderSerializer, SiteSerializer
from providers.models import Provider, ServiceOffering, Site
from providers.selectors import providers_visible_to, sites_visible_to

OFFERINGS = Prefetch(
    "offerings",
    queryset=ServiceOffering.objects.select_related("level_of_care").order_by(
        "level_of_care__sort_order", "effective_from"
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary="Providers you may see",
        description="Network operations and clinical staff see every provider; provider staff their "
        "own organizations; a regional network manager the providers with a site in its regions.",
    ),
    retrieve=extend_schema(
        summary="One provider with its sites and offerings",
        description="404 when the provider does not exist or is not yours to see.",
    ),
)
class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = ProviderFilter

    def get_queryset(self) -> QuerySet[Provider]:
        providers = providers_visible_to(user=self.request.user).annotate(
            site_count=Count("sites", distinct=True)
        )
        if self.action == "retrieve":
            sites = Site.objects.select_related("town", "region", "provider").prefetch_related(
                OFFERINGS
            )
            providers = providers.prefetch_related(Prefetch("sites", queryset=sites))
        return providers.order_by("name", "pk")

    def get_serializer_class(self) -> type[ProviderSerializer]:
        return ProviderDetailSerializer if self.action == "retrieve" else ProviderSerializer


@extend_schema_view(
    list=extend_schema(summary="Sites of the providers you may see, with their offerings"),
    retrieve=extend_schema(summary="One site", description="404 when it is not yours to see."),
)
class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SiteSerializer
    filterset_class = SiteFilter

    def get_queryset(self) -> QuerySet[Site]:
        return (
            sites_visible_to(user=self.request.user)
            .prefetch_related(OFFERINGS)
            .order_by("provider__name", "site_number", "pk")
        )
