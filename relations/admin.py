"""Read-only admin views of the relations records and their history: changes go through the pages
(services) or, for reference data, through the reviewed files in fixtures/."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relations.models import (
    BedReport,
    Bulletin,
    Contact,
    ContactCategory,
    Grievance,
    GrievanceCategory,
    Holiday,
    Referral,
    ServiceClock,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ServiceClock)
class ServiceClockAdmin(ReadOnlyAdmin):
    list_display = ("code", "effective_from", "effective_to", "amount", "unit", "calendar")


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyAdmin):
    list_display = ("date", "name", "calendar")
    list_filter = ("calendar",)
    date_hierarchy = "date"


@admin.register(ContactCategory, GrievanceCategory)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("code", "label", "active", "sort_order")


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("pk", "received_at", "caller_type", "category", "outcome", "taken_by")
    list_filter = ("category", "caller_type", "outcome")
    list_select_related = ("category", "taken_by")
    raw_id_fields = ("member", "provider")


@admin.register(Grievance)
class GrievanceAdmin(ReadOnlyAdmin):
    list_display = ("number", "received_at", "category", "status", "acknowledge_by", "resolve_by")
    list_filter = ("status", "category")
    list_select_related = ("category",)
    raw_id_fields = ("member", "contact", "about_provider")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("pk", "given_at", "level_of_care", "given_by")
    list_select_related = ("level_of_care", "given_by")
    raw_id_fields = ("member", "contact")


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "publish_on", "expires_on", "audience_all", "published_by")
    list_filter = ("kind", "audience_all")


@admin.register(BedReport)
class BedReportAdmin(ReadOnlyAdmin):
    list_display = ("pk", "site", "reported_at", "reported_by")
    list_select_related = ("site", "reported_by")
    raw_id_fields = ("site",)
