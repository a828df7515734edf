"""Admin: reference data with history; loads and runs read-only (they never change once written)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from par.models import ClaimCode, ClaimsLoad, Measure, ScoreRun


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "calculation", "direction", "unit", "min_denominator", "target")
    list_filter = ("direction", "unit")


@admin.register(ClaimCode)
class ClaimCodeAdmin(SimpleHistoryAdmin):
    list_display = ("code_system", "code", "level_of_care", "effective_from", "effective_to")
    list_filter = ("code_system", "level_of_care")
    search_fields = ("code", "description")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ClaimsLoad)
class ClaimsLoadAdmin(ReadOnlyAdmin):
    list_display = ("pk", "file_name", "rows_read", "rows_loaded", "rows_rejected", "loaded_at")


@admin.register(ScoreRun)
class ScoreRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "label", "status", "input_hash", "started_at", "finished_at")
    list_filter = ("status", "period_kind")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
