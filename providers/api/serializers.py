"""Read-only representations of providers, sites and offerings."""

from __future__ import annotations

from rest_framework import serializers

from providers.models import Provider, ServiceOffering, Site


class OfferingSerializer(serializers.ModelSerializer):
    level_of_care = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ServiceOffering
        fields = ("id", "level_of_care", "min_age", "max_age", "effective_from", "effective_to")


class SiteSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    offerings = OfferingSerializer(many=True, read_only=True)

    class Meta:
        model = Site
        fields = (
            "id",
            "provider",
            "provider_name",
            "site_number",
            "name",
            "street",
            "town",
            "zip_code",
            "region",
            "phone",
            "languages",
            "active",
            "offerings",
        )


class ProviderSerializer(serializers.ModelSerializer):
    site_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Provider
        fields = (
            "id",
            "npi",
            "medicaid_id",
            "name",
            "kind",
            "taxonomy",
            "status",
            "dcf_certified",
            "effective_date",
            "termination_date",
            "site_count",
        )


class ProviderDetailSerializer(ProviderSerializer):
    sites = SiteSerializer(many=True, read_only=True)

    class Meta(ProviderSerializer.Meta):
        fields = (
            *ProviderSerializer.Meta.fields,
            "tax_id",
            "termination_reason",
            "practice_street",
            "practice_city",
            "practice_state",
            "practice_zip",
            "sites",
        )
