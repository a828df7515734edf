"""Filters of the provider API (django-filter); documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from providers.choices import ProviderKind, ProviderStatus
from providers.models import Provider, ServiceOffering, Site


def _offering_sites(code: str) -> QuerySet[ServiceOffering, Any]:
    return ServiceOffering.objects.filter(level_of_care__code__iexact=code).values("site_id")


class ProviderFilter(filters.FilterSet):
    npi = filters.CharFilter(help_text="Exact NPI")
    medicaid_id = filters.CharFilter(help_text="Exact Medicaid provider id")
    name = filters.CharFilter(lookup_expr="icontains", help_text="Part of the legal name")
    kind = filters.ChoiceFilter(choices=ProviderKind.choices)
    status = filters.ChoiceFilter(choices=ProviderStatus.choices)
    dcf_certified = filters.BooleanFilter()
    region = filters.CharFilter(method="filter_region", help_text="Region code: a site there")
    town = filters.CharFilter(method="filter_town", help_text="Town name: a site there")
    level_of_care = filters.CharFilter(
        method="filter_level", help_text="Level-of-care code: a site offers (or offered) it"
    )

    class Meta:
        model = Provider
        fields = ("npi", "medicaid_id", "name", "kind", "status", "dcf_certified")

    def filter_region(
        self, queryset: QuerySet[Provider], name: str, value: str
    ) -> QuerySet[Provider]:
        sites = Site.objects.filter(region__code__iexact=value).values("provider_id")
        return queryset.filter(pk__in=sites)

    def filter_town(
        self, queryset: QuerySet[Provider], name: str, value: str
    ) -> QuerySet[Provider]:
        sites = Site.objects.filter(town__name__iexact=value).values("provider_id")
        return queryset.filter(pk__in=sites)

    def filter_level(
        self, queryset: QuerySet[Provider], name: str, value: str
    ) -> QuerySet[Provider]:
        sites = Site.objects.filter(pk__in=_offering_sites(value)).values("provider_id")
        return queryset.filter(pk__in=sites)


class SiteFilter(filters.FilterSet):
    provider = filters.NumberFilter(field_name="provider_id", help_text="Provider id")
    npi = filters.CharFilter(field_name="provider__npi", help_text="The provider's NPI")
    region = filters.CharFilter(field_name="region__code", lookup_expr="iexact")
    town = filters.CharFilter(field_name="town__name", lookup_expr="iexact")
    zip_code = filters.CharFilter(lookup_expr="startswith")
    active = filters.BooleanFilter()
    level_of_care = filters.CharFilter(
        method="filter_level", help_text="Level-of-care code the site offers (or offered)"
    )
    language = filters.CharFilter(method="filter_language", help_text="Language code, e.g. es")

    class Meta:
        model = Site
        fields = ("provider", "npi", "region", "town", "zip_code", "active")

    def filter_level(self, queryset: QuerySet[Site], name: str, value: str) -> QuerySet[Site]:
        return queryset.filter(pk__in=_offering_sites(value))

    def filter_language(self, queryset: QuerySet[Site], name: str, value: str) -> QuerySet[Site]:
        # JSON list membership in a way both SQLite and PostgreSQL answer.
        return queryset.filter(Q(languages__icontains=f'"{value}"'))
