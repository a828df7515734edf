"""Admin of the X12 278: the interchange log, read-only, for audit and partner support. The code map is
`interop.ServiceCode`, shared with FHIR (interop/admin.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from interop.x12.models import Interchange, TransactionLog


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
