"""Admin of the X12 278: the code map is reference data (edited through fixtures/x12_278_codes.yaml and
shown here with its history); the interchange log is read-only, for audit and partner support."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from interop.x12.models import Interchange, ServiceCodeMap, TransactionLog


@admin.register(ServiceCodeMap)
class ServiceCodeMapAdmin(SimpleHistoryAdmin):
    list_display = ("code_set", "code", "place", "level_of_care", "description")
    list_filter = ("code_set", "level_of_care")
    search_fields = ("code", "description")


class TransactionLogInline(admin.TabularInline):
    model = TransactionLog
    extra = 0
    can_delete = False
    fields = ("control_number", "trace_number", "inquiry", "request", "action", "reject_codes")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Interchange)
class InterchangeAdmin(admin.ModelAdmin):
    list_display = (
        "received_at",
        "caller",
        "sender_id",
        "control_number",
        "transactions",
        "result",
    )
    list_filter = ("result",)
    search_fields = ("control_number", "sender_id")
    inlines = [TransactionLogInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
