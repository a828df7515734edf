"""Admin views of interoperability records: the service codes of both standards (reference data, edited
in fixtures/interop_service_codes.yaml, shown with their history) and the call audit, both read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from interop.models import ApiCall, ServiceCode


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ServiceCode)
class ServiceCodeAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("code", "kind", "place", "level_of_care", "display")
    list_filter = ("kind", "level_of_care")
    search_fields = ("code", "display")


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnly):
    list_display = ("at", "operation", "status_code", "outcome", "client_id", "user", "issue_count")
    list_filter = ("operation", "status_code", "standard")
    date_hierarchy = "at"
