"""Django admin for the provider network: reference rows, regions' network managers, and read-only import
reports (the report itself is on the import page). Day-to-day maintenance happens on the provider pages (services keep the rules there)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from providers.models import LevelOfCare, ProviderImport, Region, Town


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "network_manager")
    list_editable = ("network_manager",)
    raw_id_fields = ("network_manager",)


@admin.register(Town)
class TownAdmin(SimpleHistoryAdmin):
    list_display = ("name", "region", "county", "population")
    list_filter = ("region",)
    search_fields = ("name",)


@admin.register(LevelOfCare)
class LevelOfCareAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "category", "unit_type", "substance_use", "twenty_four_hour")


@admin.register(ProviderImport)
class ProviderImportAdmin(admin.ModelAdmin):
    list_display = ("pk", "source", "file_name", "file_date", "status", "created_by", "created_at")
    list_filter = ("source", "status")
    readonly_fields = [f.name for f in ProviderImport._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
