"""Admin of utilization management: reference data is editable (with history); requests, decisions,
notices and appeals are read-only here. A decision is made only through `request_decide` (the review
page and the API), so the authority and reason rules cannot be bypassed from the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from authorizations.models import (
    Appeal,
    AuthorizationRule,
    DecisionReason,
    DischargeCode,
    Holiday,
    Notice,
    Request,
    ReviewCriterion,
    TurnaroundClock,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shown for audit; changed only by the services."""

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "level_of_care", "urgency", "status", "received_at", "due_at")
    list_filter = ("status", "urgency", "kind", "review_path", "level_of_care")
    search_fields = ("number",)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("pk", "request", "kind", "recipient", "language", "sent_at")
    list_filter = ("kind", "recipient", "language")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("number", "request", "expedited", "status", "outcome", "due_at")
    list_filter = ("status", "outcome", "expedited")


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "level_of_care", "kind", "group", "effective_from", "effective_to")
    list_filter = ("level_of_care", "kind")


admin.site.register(AuthorizationRule, SimpleHistoryAdmin)
admin.site.register(TurnaroundClock, SimpleHistoryAdmin)
admin.site.register(DecisionReason, SimpleHistoryAdmin)
admin.site.register(DischargeCode, SimpleHistoryAdmin)
admin.site.register(Holiday, SimpleHistoryAdmin)
