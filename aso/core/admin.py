from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from aso.core.accounts.mfa import mfa_reset
from aso.core.models import AccessLog, Job, User


@admin.register(User)
class PlatformUserAdmin(UserAdmin, SimpleHistoryAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Platform", {"fields": ("agency", "preferred_language")}))
    list_display = ("username", "email", "first_name", "last_name", "agency", "is_active")
    list_filter = ("groups", "agency", "is_active")
    actions = ["reset_mfa", "unlock_sign_in"]

    @admin.action(description="Reset multi-factor authentication (enrol again at next sign-in)")
    def reset_mfa(self, request, queryset):  # type: ignore[no-untyped-def]
        for user in queryset:
            mfa_reset(user=user, acting_user=request.user)
            self.log_change(request, user, "Reset multi-factor authentication.")
        self.message_user(
            request,
            f"Reset multi-factor authentication of {len(queryset)} user(s); their sessions ended.",
            messages.SUCCESS,
        )

    @admin.action(description="Unlock sign-in (clear failed attempts)")
    def unlock_sign_in(self, request, queryset):  # type: ignore[no-untyped-def]
        for user in queryset:
            axes_reset(username=user.get_username())
            self.log_change(request, user, "Unlocked sign-in.")
        self.message_user(
            request, f"Unlocked sign-in of {len(queryset)} user(s).", messages.SUCCESS
        )


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "user", "action", "subject_type", "subject_id", "subject_count")
    list_filter = ("action", "subject_type")
    readonly_fields = [f.name for f in AccessLog._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "status", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]
