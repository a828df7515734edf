"""Admin for the ICM settings an administrator maintains: profiles (regions, languages, own cap),
the dated default cap and the trigger rows (edit the YAML in fixtures/ for reviewed changes).
Candidates, assignments and notes are worked through the ICM pages, not here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from care.models import (
    CommunityResource,
    IcmCaseloadCap,
    IcmProfile,
    IcmTrigger,
    VcmDischargeReason,
    VcmProblemCategory,
    VcmProgramRule,
)


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


# Voluntary Care Management: the directory and the reviewed rule rows (fixtures/ for changes).
@admin.register(CommunityResource)
class CommunityResourceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "min_age", "max_age", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    filter_horizontal = ("towns",)


@admin.register(VcmProgramRule)
class VcmProgramRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "effective_from",
        "effective_to",
        "outreach_business_days",
        "max_outreach_attempts",
        "plan_due_days",
        "max_age_years",
    )


@admin.register(VcmProblemCategory)
class VcmProblemCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "label", "eligible")


@admin.register(VcmDischargeReason)
class VcmDischargeReasonAdmin(SimpleHistoryAdmin):
    list_display = ("code", "label", "engaged", "ongoing_treatment")
