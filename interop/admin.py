"""Admin views of interoperability records: service codes (reference data, edited in fixtures/) and the
call audit, both read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from interop.models import ApiCall, ServiceCode


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ServiceCode)
class ServiceCodeAdmin(ReadOnly):
    list_display = ("code", "system", "kind", "level_of_care", "display")
    list_filter = ("kind", "level_of_care")
    search_fields = ("code", "display")


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnly):
    list_display = ("at", "operation", "status_code", "outcome", "client_id", "user", "issue_count")
    list_filter = ("operation", "status_code", "standard")
    date_hierarchy = "at"
