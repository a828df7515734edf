"""Admin for the ICM settings an administrator maintains: profiles (regions, languages, own cap),
the dated default cap and the trigger rows (edit the YAML in fixtures/ for reviewed changes).
Candidates, assignments and notes are worked through the ICM pages, not here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from care.models import IcmCaseloadCap, IcmProfile, IcmTrigger


@admin.register(IcmProfile)
class IcmProfileAdmin(SimpleHistoryAdmin):
    list_display = ("user", "caseload_cap", "accepting", "languages")
    list_filter = ("accepting", "regions")
    filter_horizontal = ("regions",)
    search_fields = ("user__username", "user__last_name")


@admin.register(IcmCaseloadCap)
class IcmCaseloadCapAdmin(SimpleHistoryAdmin):
    list_display = ("default_cap", "effective_from", "effective_to", "source")


@admin.register(IcmTrigger)
class IcmTriggerAdmin(SimpleHistoryAdmin):
    list_display = ("code", "kind", "label", "effective_from", "effective_to")
    list_filter = ("kind",)
